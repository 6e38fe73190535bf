#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh - the VM integration suite on the arm64 debug kernel (make check-debug).
#
# Usage: tests/debug-kernel/run.sh [--variant kasan|kcsan|rt] [--no-canary]
#                                  [SCENARIO...]
#
# 1. builds (or reuses) the debug kernel: tests/debug-kernel/build.sh;
# 2. builds cmshm.ko, cmshm_test_mbox.ko (and the guest programs) against it
#    into build/debug-kernel/guest-<variant>/;
# 3. boots it once without cmshm and checks that the checkers its .config
#    has are live (KASAN or KCSAN, lockdep, kmemleak; PREEMPT_RT in
#    uname -a) and the kernel log is clean;
# 4. unless --no-canary: boots it with tests/debug-kernel/canary/ (a module
#    with one deliberate lockdep, atomic-sleep, KASAN and kmemleak bug) and
#    checks that each one is reported (KASAN's only on a KASAN kernel) and
#    fails the run, so that a clean run below means something;
# 5. on a PREEMPT_RT kernel (--variant rt), unless --no-canary: loads
#    cmshm_test_mbox.ko with rx_context=hardirq, whose rx callbacks then run
#    in true hard-IRQ context, where cmshm's wake_up() takes a sleeping lock
#    (the bug class cmshm once had), under cmshm.ko and a remote ringing
#    doorbells; the run must fail with "sleeping function called from
#    invalid context" (or lockdep's "Invalid wait context") with cmshm's rx
#    callback in the call trace (it may also hang: limit 180 s);
# 6. runs tests/vm/run-integration.sh [SCENARIO...] on it (default
#    rx_context), then, without SCENARIO arguments, the emulated ZynqMP
#    suite (tests/vm/zynqmp/run.sh: the R5 firmware, the test mailbox's
#    interrupt).  Any kernel report (KASAN, KCSAN, lockdep,
#    sleep-in-atomic, UBSAN, list/object debugging, hung task, RCU stall)
#    or kmemleak object fails the run.
#
# Prints TAP lines ("ok - ..." / "not ok - ..."), everything else as "# "
# comments; exits non-zero on any failure.  Logs: build/debug-kernel/logs-<variant>/.
# Two runs of one variant do not overlap (the second waits).
#
# Environment:
#   CMSHM_STREAM_COUNT   messages each way in the stream scenario
#                        (default here 10000: KASAN + lockdep under TCG is slow)
#   CMSHM_LOAD_COUNT     messages each way in the load scenario (default here
#                        20000)
#   CMSHM_UNBIND_MAX_MS  how soon calls blocked at unbind return (default
#                        here 1000: 100 on production kernels)
#   CMSHM_VM_TIMEOUT     seconds per integration VM run (default 3600)
#   CMSHM_VM_BOOT_TIMEOUT  seconds for the boot check and the canary run
#                        (default 600; the hard-IRQ run: at most 180)
#
# tests/vm/ honours CMSHM_VM_KERNEL_ENV and CMSHM_GUEST_DIR (build-guest.sh),
# CMSHM_VM_TIMEOUT and CMSHM_VM_LOG_DIR (run-integration.sh), and run-vm.sh
# checks kmemleak in the guest whenever the kernel has it.

set -uo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)
top=$repo_dir/build/debug-kernel

variant=kasan
canary=1
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) variant=${2:?--variant needs an argument}; shift ;;
	--no-canary) canary=0 ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
case "$variant" in
kasan) env_file=$top/env.sh ;;
kcsan) env_file=$top/env-kcsan.sh ;;
rt) env_file=$top/env-rt.sh ;;
*) echo "run.sh: unknown variant '$variant' (kasan, kcsan or rt)" >&2; exit 2 ;;
esac

fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
comment() { sed 's/^/# /'; }

logs=$top/logs-$variant
mkdir -p "$logs"
# Runs of one variant share logs-<variant> and guest-<variant>: one at a time.
exec 7>"$top/.lock-run-$variant"
if ! flock -n 7; then
	echo "# another run.sh --variant $variant is running: waiting for it"
	flock 7
fi

# 1. Kernel ----------------------------------------------------------------

t0=$SECONDS
if ! "$script_dir"/build.sh --variant "$variant" >"$logs/build.out" 2>"$logs/build.err"; then
	comment <"$logs/build.err"
	notok "debug kernel ($variant) build (see $logs/build.err)"
	exit 1
fi
comment <"$logs/build.err"
KRELEASE='' KDIR='' KCONFIG='' KARCH=arm64 KCROSS=aarch64-linux-gnu-
# shellcheck source=/dev/null
. "$env_file"
ok "debug kernel ($variant) $KRELEASE ready in $((SECONDS - t0)) s"

# kconfig SYMBOL: true when the debug kernel has CONFIG_SYMBOL=y.  The checks
# below follow the .config, not the variant's name.
kconfig() {
	grep -qx "CONFIG_$1=y" "$KCONFIG"
}

# 2. Harness: tests/vm, told where the debug kernel and its modules are ----

harness=$repo_dir/tests/vm

export CMSHM_VM_KERNEL_ENV=$env_file
export CMSHM_GUEST_DIR=$top/guest-$variant
export CMSHM_VM_LOG_DIR=$logs
export CMSHM_VM_BUILD=$top/vm
export CMSHM_VM_TIMEOUT=${CMSHM_VM_TIMEOUT:-3600}
export CMSHM_STREAM_COUNT=${CMSHM_STREAM_COUNT:-10000}
export CMSHM_LOAD_COUNT=${CMSHM_LOAD_COUNT:-20000}
# KASAN + lockdep (+ RT) under TCG: blocked calls returned 246.9 ms after
# an unbind on the RT variant; the 100 ms bound is for production kernels.
export CMSHM_UNBIND_MAX_MS=${CMSHM_UNBIND_MAX_MS:-1000}
boot_timeout=${CMSHM_VM_BOOT_TIMEOUT:-600}
g=$CMSHM_GUEST_DIR

# 3. Modules against the debug kernel -----------------------------------------

t0=$SECONDS
if "$harness"/build-guest.sh >"$logs/build-guest.log" 2>&1; then
	vermagic=$(modinfo -F vermagic "$g/cmshm.ko" 2>/dev/null)
	if [ "${vermagic%% *}" = "$KRELEASE" ]; then
		ok "cmshm.ko and cmshm_test_mbox.ko built against $KRELEASE ($((SECONDS - t0)) s)"
	else
		notok "cmshm.ko vermagic '$vermagic' is not $KRELEASE"
		exit 1
	fi
else
	comment <"$logs/build-guest.log"
	notok "build cmshm.ko against the debug kernel (log: $logs/build-guest.log)"
	exit 1
fi

# vmrun NAME RUN-VM-ARGS...: one boot; log in $logs/NAME.log; returns its status.
# The kernel log goes to the console from the start (earlycon, loglevel 6),
# so that a hang shows where.
vmrun() {
	local name=$1
	shift
	"$harness"/run-vm.sh --timeout "$boot_timeout" --log "$logs/$name.console" \
		--append 'earlycon loglevel=6' "$@" >"$logs/$name.log" 2>&1
}

# 4. Boot, checkers live ---------------------------------------------------------

# Guest shell code, one check per checker the .config has.
checks=''
if kconfig KASAN; then
	checks+='dmesg | grep -q "KernelAddressSanitizer initialized" &&
		echo "ok - KASAN is initialized" || { echo "not ok - KASAN is not initialized"; r=1; }
	'
fi
if kconfig KCSAN; then
	checks+='grep -q "enabled: 1" /sys/kernel/debug/kcsan 2>/dev/null &&
		echo "ok - KCSAN is enabled" || { echo "not ok - KCSAN is not enabled"; r=1; }
	'
fi
if kconfig PREEMPT_RT; then
	# shellcheck disable=SC2016 # guest shell code
	checks+='echo "uname -a: $(uname -a)"
	uname -v | grep -qw PREEMPT_RT &&
		echo "ok - the kernel is PREEMPT_RT" || { echo "not ok - uname -v has no PREEMPT_RT"; r=1; }
	'
fi
if kconfig DEBUG_KMEMLEAK; then
	checks+='echo scan >/sys/kernel/debug/kmemleak &&
		echo "ok - kmemleak scans" || { echo "not ok - kmemleak does not scan"; r=1; }
	'
fi
t0=$SECONDS
# shellcheck disable=SC2016 # guest shell code
vmrun boot -- 'r=0
	read -r up _ </proc/uptime; echo "boot: userspace after ${up} s of guest uptime"
	[ "$(uname -r)" = '"$KRELEASE"' ] &&
		echo "ok - guest runs '"$KRELEASE"'" || { echo "not ok - guest runs $(uname -r)"; r=1; }
	grep -q "debug_locks: *1" /proc/lockdep_stats &&
		echo "ok - lockdep is on (debug_locks 1)" || { echo "not ok - lockdep is off"; r=1; }
	'"$checks"'exit $r'
rc=$?
sed -E '/^(not )?ok /!s/^/# /' "$logs/boot.log" | grep -v '^# \[ *[0-9.]*\] '
echo "# (kernel log of the boot check: $logs/boot.log)"
boot_wall=$((SECONDS - t0))
if [ $rc -eq 0 ]; then
	ok "debug kernel boots with the checkers live and a clean kernel log (${boot_wall} s wall)"
else
	notok "debug kernel boot check failed with status $rc (log: $logs/boot.log)"
	exit 1
fi

# 5. Canary: the reports are caught --------------------------------------------------

if [ "$canary" -eq 1 ]; then
	t0=$SECONDS
	cdir=$top/canary-$variant
	mkdir -p "$cdir"
	rsync -a --delete --exclude '*.o' --exclude '*.ko' "$script_dir"/canary/ "$cdir"/
	if make -s -C "$KDIR" M="$cdir" ARCH="$KARCH" CROSS_COMPILE="$KCROSS" \
		modules >"$logs/canary-build.log" 2>&1; then
		vmrun canary --module "$cdir/cmshm_debug_canary.ko" -- true
		rc=$?
		awk '/^run-vm: /{ on = 1 } on' "$logs/canary.log" | comment
		if [ $rc -eq 120 ]; then
			ok "canary: run fails with 120 (kernel reports)"
		else
			notok "canary: run status $rc, expected 120"
		fi
		# kmemleak prints the slab object's size (128 for the 100
		# bytes), then its contents: the canary filled it with 0x5a.
		expect=("WARNING: possible circular locking dependency detected"
			"BUG: sleeping function called from invalid context")
		kconfig DEBUG_KMEMLEAK &&
			expect+=("unreferenced object 0x[0-9a-f]+ \\(size [0-9]+\\)"
				 "5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a  ZZZZZZZZZZZZZZZZ")
		# Without KASAN the out-of-bounds read goes unnoticed.
		kconfig KASAN && expect+=("BUG: KASAN: slab-out-of-bounds in canary_")
		for e in "${expect[@]}"; do
			if grep -Eq "$e" "$logs/canary.log"; then
				ok "canary: reported: $e"
			else
				notok "canary: not reported: $e"
			fi
		done
		echo "# canary: $((SECONDS - t0)) s"
	else
		comment <"$logs/canary-build.log"
		notok "canary module build"
	fi
fi

# 6. PREEMPT_RT: an rx callback in hard-IRQ context is reported --------------------
#
# With PREEMPT_RT a mailbox controller's interrupt handler is force-threaded,
# so a client's rx callback runs in a thread and may take a spinlock_t (an
# rt_mutex there): cmshm's does, in wake_up().  cmshm_test_mbox's
# rx_context=hardirq calls the callback from a HRTIMER_MODE_REL_HARD timer,
# true hard-IRQ context (like an IRQF_NO_THREAD handler), where that lock
# is a sleeping function called from invalid context: the bug class cmshm
# once had.  The kernel must report it from the rx callback, else the clean
# integration run below would not mean the driver is RT-safe.  The remote
# echoes on cmshm0 (channels 0/1 of the doorbell page; the layout of
# dts/qemu-virt.dtso, as in tests/vm/run-integration.sh).

if [ "$canary" -eq 1 ] && kconfig PREEMPT_RT; then
	t0=$SECONDS
	rt_remote=$(printf '%q ' "$repo_dir/build/host/cmshm-remote" --region 0x5f000000 \
		--doorbell 0x5f300000 --db-in 0 --db-out 1 --mode echo)
	# A sleeping lock taken in hard IRQ can also hang the guest (the lock
	# contended): a shorter limit than the boot's, the kernel log is on
	# the console either way.
	# (The reports come within ~20 s of the boot; a whole run takes ~35 s.)
	rt_timeout=$((boot_timeout < 180 ? boot_timeout : 180))
	vmrun rt-hardirq --timeout "$rt_timeout" \
		--module "$g/cmshm_test_mbox.ko" --module-args 'rx_context=hardirq' \
		--module "$g/cmshm.ko" --file "$g/cmshm-vmtest" \
		--remote "$rt_remote" -- 'cmshm-vmtest echo /dev/cmshm0'
	rc=$?
	# 125: run-vm.sh could not even start the run.
	if [ $rc -ne 0 ] && [ $rc -ne 125 ]; then
		ok "rt-hardirq: run fails with status $rc"
	else
		notok "rt-hardirq: run status $rc, expected a failure from the kernel reports"
	fi
	# Each report: its first line up to the end of its call trace (or 80
	# lines), from the kernel's own console output, i.e. before /init
	# repeats the log ("run-vm: ---- kernel log problems").  Wanted: one
	# whose call trace has cmshm's rx callback.
	reports=$logs/rt-hardirq.reports
	awk '
		/^run-vm: ---- / { exit }
		/BUG: sleeping function called from invalid context|BUG: Invalid wait context/ {
			n = 0; on = 1; print "----" }
		on { print; if (++n >= 80 || /---\[ end trace/) on = 0 }
	' "$logs/rt-hardirq.log" >"$reports"
	nrep=$(grep -c '^----$' "$reports")
	if [ "$nrep" -gt 0 ]; then
		ok "rt-hardirq: $nrep report(s) of a sleeping lock in atomic context"
	else
		notok "rt-hardirq: no \"sleeping function called from invalid context\" or \"Invalid wait context\" report"
	fi
	if grep -q 'cmshm_mbox_rx' "$reports"; then
		ok "rt-hardirq: reported from cmshm_mbox_rx (the rx callback)"
	else
		notok "rt-hardirq: no report has cmshm_mbox_rx in its call trace"
	fi
	echo "# rt-hardirq: first report ($logs/rt-hardirq.reports):"
	awk '/^----$/ { r++; next } r == 1' "$reports" | head -n 40 | comment
	echo "# rt-hardirq: $((SECONDS - t0)) s"
fi

# 7. The integration suite ---------------------------------------------------------

t0=$SECONDS
"$harness"/run-integration.sh "$@"
rc=$?
echo "# integration suite on $KRELEASE: $((SECONDS - t0)) s (status $rc; CMSHM_STREAM_COUNT=$CMSHM_STREAM_COUNT CMSHM_LOAD_COUNT=$CMSHM_LOAD_COUNT)"
[ $rc -eq 0 ] || fails=$((fails + 1))

# 8. The emulated ZynqMP ------------------------------------------------------------
# The R5 firmware against the test mailbox's interrupt path and the R5
# starter; only with the default scenarios (SCENARIO names are
# run-integration.sh's).

if [ $# -eq 0 ]; then
	t0=$SECONDS
	"$harness"/zynqmp/run.sh
	rc=$?
	echo "# emulated ZynqMP suite on $KRELEASE: $((SECONDS - t0)) s (status $rc)"
	[ $rc -eq 0 ] || fails=$((fails + 1))
fi
[ $fails -eq 0 ]
