#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh - the VM integration suite on the arm64 debug kernel (make check-debug).
#
# Usage: tests/debug-kernel/run.sh [--variant kasan|kcsan] [--no-canary]
#                                  [SCENARIO...]
#
# 1. builds (or reuses) the debug kernel: tests/debug-kernel/build.sh;
# 2. builds cmshm.ko, cmshm_test_mbox.ko (and the guest programs) against it
#    into build/debug-kernel/guest-<variant>/;
# 3. boots it once without cmshm and checks that the checkers are live
#    (KASAN or KCSAN, lockdep, kmemleak) and the kernel log is clean;
# 4. unless --no-canary: boots it with tests/debug-kernel/canary/ (a module
#    with one deliberate lockdep, atomic-sleep, KASAN and kmemleak bug) and
#    checks that each one is reported and fails the run, so that a clean
#    run below means something;
# 5. runs tests/vm/run-integration.sh [SCENARIO...] on it.  Any kernel
#    report (KASAN, KCSAN, lockdep, sleep-in-atomic, UBSAN, list/object
#    debugging, hung task, RCU stall) or kmemleak object fails the run.
#
# Prints TAP lines ("ok - ..." / "not ok - ..."), everything else as "# "
# comments; exits non-zero on any failure.  Logs: build/debug-kernel/logs-<variant>/.
#
# Environment:
#   CMSHM_STREAM_COUNT   messages each way in the stream scenario
#                        (default here 10000: KASAN + lockdep under TCG is slow)
#   CMSHM_LOAD_COUNT     messages each way in the load scenario (default here
#                        20000)
#   CMSHM_VM_TIMEOUT     seconds per integration VM run (default 3600)
#   CMSHM_VM_BOOT_TIMEOUT  seconds for the boot check and the canary run
#                        (default 600)
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
*) echo "run.sh: unknown variant '$variant'" >&2; exit 2 ;;
esac

fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
comment() { sed 's/^/# /'; }

logs=$top/logs-$variant
mkdir -p "$logs"

# 1. Kernel ----------------------------------------------------------------

t0=$SECONDS
if ! "$script_dir"/build.sh --variant "$variant" >"$logs/build.out" 2>"$logs/build.err"; then
	comment <"$logs/build.err"
	notok "debug kernel ($variant) build (see $logs/build.err)"
	exit 1
fi
comment <"$logs/build.err"
KRELEASE='' KDIR=''
# shellcheck source=/dev/null
. "$env_file"
ok "debug kernel ($variant) $KRELEASE ready in $((SECONDS - t0)) s"

# 2. Harness: tests/vm, told where the debug kernel and its modules are ----

harness=$repo_dir/tests/vm

export CMSHM_VM_KERNEL_ENV=$env_file
export CMSHM_GUEST_DIR=$top/guest-$variant
export CMSHM_VM_LOG_DIR=$logs
export CMSHM_VM_BUILD=$top/vm
export CMSHM_VM_TIMEOUT=${CMSHM_VM_TIMEOUT:-3600}
export CMSHM_STREAM_COUNT=${CMSHM_STREAM_COUNT:-10000}
export CMSHM_LOAD_COUNT=${CMSHM_LOAD_COUNT:-20000}
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

if [ "$variant" = kasan ]; then
	sanitizer='dmesg | grep -q "KernelAddressSanitizer initialized" &&
		echo "ok - KASAN is initialized" || { echo "not ok - KASAN is not initialized"; r=1; }'
else
	sanitizer='grep -q "enabled: 1" /sys/kernel/debug/kcsan 2>/dev/null &&
		echo "ok - KCSAN is enabled" || { echo "not ok - KCSAN is not enabled"; r=1; }'
fi
t0=$SECONDS
# shellcheck disable=SC2016 # guest shell code
vmrun boot -- 'r=0
	read -r up _ </proc/uptime; echo "boot: userspace after ${up} s of guest uptime"
	[ "$(uname -r)" = '"$KRELEASE"' ] &&
		echo "ok - guest runs '"$KRELEASE"'" || { echo "not ok - guest runs $(uname -r)"; r=1; }
	'"$sanitizer"'
	grep -q "debug_locks: *1" /proc/lockdep_stats &&
		echo "ok - lockdep is on (debug_locks 1)" || { echo "not ok - lockdep is off"; r=1; }
	echo scan >/sys/kernel/debug/kmemleak &&
		echo "ok - kmemleak scans" || { echo "not ok - kmemleak does not scan"; r=1; }
	exit $r'
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
	if make -s -C "$KDIR" M="$cdir" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
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
			"BUG: sleeping function called from invalid context"
			"unreferenced object 0x[0-9a-f]+ \\(size [0-9]+\\)"
			"5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a  ZZZZZZZZZZZZZZZZ")
		[ "$variant" = kasan ] && expect+=("BUG: KASAN: slab-out-of-bounds in canary_")
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

# 6. The integration suite ---------------------------------------------------------

t0=$SECONDS
"$harness"/run-integration.sh "$@"
rc=$?
echo "# integration suite on $KRELEASE: $((SECONDS - t0)) s (status $rc; CMSHM_STREAM_COUNT=$CMSHM_STREAM_COUNT CMSHM_LOAD_COUNT=$CMSHM_LOAD_COUNT)"
[ $rc -eq 0 ] || fails=$((fails + 1))
[ $fails -eq 0 ]
