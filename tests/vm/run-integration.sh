#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# VM integration tests: boot one of Debian's kernels with cmshm.ko and the
# test mailbox, cmshm-remote playing the remote core on the host, and run the
# guest checks. Prints the guest's TAP lines plus one line per VM run for the
# harness verdict (guest exit status, kernel log free of warnings, module
# unload, remotes' own verdicts), naming the kernel release it ran on.
#
# Usage: tests/vm/run-integration.sh [--kernel NAME] [SCENARIO...]
# NAME: a bootable kernel of tests/vm/kernels.sh (default $CMSHM_KERNEL, else
# 6.1; $CMSHM_VM_KERNEL_ENV, a debug kernel's env file, overrides it).
# Scenarios (default: all): functional stream lifecycle stall load txdone
# rxack probe_errors
# Environment: CMSHM_STREAM_COUNT (default 100000) and CMSHM_LOAD_COUNT
# (default 1000000) messages each way; CMSHM_TMBOX_ARGS, parameters of the
# test mailbox (e.g. rx_delay_us=200); CMSHM_CYCLES (default 1000) bind
# cycles in the lifecycle scenario; CMSHM_UNBIND_MAX_MS (default 100), how
# soon calls blocked at unbind must return.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" = --kernel ]; then
	export CMSHM_KERNEL=${2:?--kernel needs a name}
	shift 2
fi
remote=$top/build/host/cmshm-remote
count=${CMSHM_STREAM_COUNT:-100000}
load_count=${CMSHM_LOAD_COUNT:-1000000}
cycles=${CMSHM_CYCLES:-1000}
# Layout of dts/qemu-virt.dtso.
R0=0x5f000000 R1=0x5f100000 R2=0x5f200000 DB=0x5f300000 R3=0x5f400000
n=0
fails=0
# A variant of the scenarios (rxack): its name (suffix of the run's name),
# test mailbox parameters and run-vm.sh arguments.
variant=
variant_tmbox_args=
variant_vm_args=()

g=$("$top"/tests/vm/build-guest.sh) || { echo "not ok - build guest artifacts for ${CMSHM_KERNEL:-the kernel}"; exit 1; }
# shellcheck source=tests/vm/kernels.sh
. "$top"/tests/vm/kernels.sh
kernel_env=$(cmshm_kernel_env_file)
# shellcheck source=/dev/null
. "$kernel_env"

# run NAME RUN-VM-ARGS...: one VM boot; guest TAP lines pass through,
# everything else is shown as a comment.
run() {
	local name=$1${txdone_arg:+-${txdone_arg#txdone=}}${variant:+-$variant} log rc
	shift
	log=${CMSHM_VM_LOG_DIR:-$top/build/vm/logs-$KNAME}/$name.log
	mkdir -p "$(dirname "$log")"
	"$top"/tests/vm/run-vm.sh --timeout "${CMSHM_VM_TIMEOUT:-900}" \
		--kernel-env "$kernel_env" \
		--module "$g"/cmshm_test_mbox.ko \
		--module-args "${tmbox_args:-} ${variant_tmbox_args:-} ${txdone_arg:-} ${CMSHM_TMBOX_ARGS:-}" \
		--module "$g"/cmshm.ko \
		--file "$g"/cmshm-tool --file "$g"/cmshm-vmtest \
		--file "$g"/cmshm-lifecycle --file "$g"/cmshm-stall --file "$g"/cmshm.ko:/data/cmshm.ko \
		--file "$top"/tests/vm/guest/stream.sh \
		--file "$top"/tests/vm/guest/reload.sh \
		--file "$top"/tests/vm/guest/load.sh \
		--file "$top"/tests/vm/guest/tool.sh \
		--file "$top"/tests/vm/guest/watch.sh "${variant_vm_args[@]}" "$@" >"$log" 2>&1
	rc=$?
	sed -E "/^(not )?ok /!s/^/# /; s/^((not )?ok( [0-9]+)? - )/\\1$KRELEASE: /" "$log"
	n=$((n + 1))
	if [ $rc -eq 0 ]; then
		echo "ok - $KRELEASE: VM run '$name': guest passed, clean kernel log, modules unloaded, remotes exited 0"
	else
		echo "not ok - $KRELEASE: VM run '$name' failed with status $rc (log: $log)"
		fails=$((fails + 1))
	fi
}

rem() { # NAME-OF-REGION-ADDR extra args
	printf '%q ' "$remote" --region "$@"
}

functional() {
	run functional \
		--remote "$(rem $R0 --doorbell $DB --db-in 0 --db-out 1 --mode echo)" \
		--remote "$(rem $R1 --doorbell $DB --db-in 2 --db-out 2 --mode echo --corrupt-head-after 5)" \
		--remote "$(rem $R2 --mode echo --poll-us 200)" \
		-- 'cmshm-vmtest echo /dev/cmshm0; a=$?;
		    cmshm-vmtest error /dev/cmshm1; b=$?;
		    cmshm-vmtest multi /dev/cmshm0 /dev/cmshm1 /dev/cmshm2; c=$?;
		    tool.sh /dev/cmshm0; d=$?;
		    watch.sh --idle /dev/cmshm2; e=$?;
		    exit $((a | b | c | d | e))'
}

# cmshm3's remote attaches 22 s after the VM starts: watch.sh measures
# cmshm-tool watch while the link is down (from about 10 s after the VM
# starts, 3 s long), then sees it come up. With 15 s, a guest booting
# slowly on a loaded host (9 s to the shell) saw the link come up inside
# the measurement.
stream() {
	run stream \
		--remote "$(rem $R0 --doorbell $DB --db-in 0 --db-out 1 --mode sink --count "$count")" \
		--remote "$(rem $R1 --doorbell $DB --db-in 2 --db-out 2 --mode source --count "$count" --size-min 16 --size-max 2048)" \
		--remote "sleep 22; exec $(rem $R3 --size 0x10000 --doorbell $DB --db-in 3 --db-out 4 --mode echo)" \
		-- "cmshm-vmtest down /dev/cmshm2; a=\$?;
		    watch.sh /dev/cmshm3; c=\$?;
		    stream.sh /dev/cmshm0 /dev/cmshm1 $count; b=\$?;
		    exit \$((a | b | c))"
}

# cmshm0: a remote that never consumes (blocked writers); cmshm1: a remote
# that crashes and restarts 3 times; cmshm2: echo, polling mode.
#
# The test mailbox waits 300 us before each doorbell callback: that widens
# the window in which a doorbell races the channel's shutdown during the
# bind cycles, so that a controller whose shutdown() does not wait for a
# running callback oopses here every run (it did 1 run in 14 without).
# It also delivers a doorbell as soon as a channel is enabled (one latched
# from before the bind) and sleeps 2 ms in startup(), so that the link work
# it queues runs while cmshm's probe is still requesting its channels.
lifecycle() {
	tmbox_args="rx_delay_us=300 startup_doorbell=1 startup_delay_us=2000" run lifecycle \
		--remote "$(rem $R0 --doorbell $DB --db-in 0 --db-out 1 --mode idle)" \
		--remote "$top/tests/vm/remote-restarts.sh 3 -- $(rem $R1 --doorbell $DB --db-in 2 --db-out 2 --mode echo)" \
		--remote "$(rem $R2 --mode echo --poll-us 200)" \
		-- 'cmshm-lifecycle unbind /dev/cmshm0 cmshm-0 '"${CMSHM_UNBIND_MAX_MS:-100}"'; a=$?;
		    cmshm-lifecycle cycles /dev/cmshm0 cmshm-0 '"$cycles"'; b=$?;
		    cmshm-lifecycle reset /dev/cmshm1 3; c=$?;
		    cmshm-lifecycle concurrent /dev/cmshm2; d=$?;
		    reload.sh /data/cmshm.ko /dev/cmshm1 /dev/cmshm2; e=$?;
		    exit $((a | b | c | d | e))'
}

# A writer and a reader whose buffers sleep in userfaultfd: the other
# calls, poll(), sysfs and unbind go on (cmshm-stall.c). cmshm0's remote
# only sends; cmshm2 (polling mode) the same.
stall() {
	run stall \
		--remote "$(rem $R0 --doorbell $DB --db-in 0 --db-out 1 --mode source --size-min 16 --size-max 1024)" \
		--remote "$(rem $R2 --mode source --poll-us 200 --size-min 16 --size-max 1024)" \
		-- 'cmshm-stall /dev/cmshm0 cmshm-0 '"${CMSHM_UNBIND_MAX_MS:-100}"'; a=$?;
		    cmshm-stall /dev/cmshm2 cmshm-2 '"${CMSHM_UNBIND_MAX_MS:-100}"'; b=$?;
		    exit $((a | b))'
}

# cmshm3 (4 KiB rings): N messages each way at once, 1..max bytes, the
# remote verifying its side and stalling 200 ms every 2 s (backpressure).
load() {
	run load \
		--remote "$(rem $R3 --size 0x10000 --doorbell $DB --db-in 3 --db-out 4 --mode duplex --count "$load_count" --size-min 1 --size-max 4096 --size-dist log --stall 200/2000)" \
		-- "load.sh /dev/cmshm3 $load_count"
}

# Nodes probe must refuse (tests/vm/probe-errors/): a second node on one
# memory-region, an alias beyond the driver's minors.
probe_errors() {
	run probe-errors \
		--overlay "$top/dts/qemu-virt.dtso" \
		--overlay "$top/tests/vm/probe-errors/probe-errors.dtso" \
		--file "$top/tests/vm/probe-errors/check.sh" \
		-- 'check.sh'
}

# The test mailbox's other TX-done disciplines (the default is irq, see
# tests/mailbox/cmshm_test_mbox.c): functional, stream (20000 each way) and
# lifecycle (200 bind cycles) with a polling controller that takes one
# doorbell at a time, and with one whose client acknowledges. The polling
# one needs a framework that reports a NULL doorbell done (6.12.117+, not
# Debian 12's 6.1): without it such a controller strands a doorbell in the
# framework's queue for any client, so it is skipped there.
txdone() {
	local d count=20000 cycles=200
	for d in poll ack; do
		if [ $d = poll ] && ! cmshm_mbox_tracks_null; then
			echo "ok - $KRELEASE: TX done by polling # SKIP this kernel's mailbox framework never reports a NULL doorbell done (no c58e9456e30c)"
			continue
		fi
		txdone_arg=txdone=$d
		functional
		stream
		lifecycle
		txdone_arg=
	done
}

# The Xilinx IPI mailbox's receive discipline: the test mailbox's rx_ack
# channels 1 and 4 (cmshm0's and cmshm3's "rx") deliver no doorbell after
# one until the client acknowledges it by sending on that channel, as
# zynqmp-ipi masks the remote's interrupt until IPI_MAILBOX_ACK; the nodes
# get "cmshm,rx-ack" (tests/vm/rxack/rx-ack.dtso), so cmshm acknowledges
# every one. functional, stream (20000 messages: cmshm0's remote consumes
# them and rings for the space), load (20000 each way at once on cmshm3),
# lifecycle (200 bind cycles, a doorbell latched at every bind: the
# acknowledgment owed before probe has the channel). A driver that does
# not acknowledge gets one doorbell per bind on those channels: the echo
# test, the stream and the load stall.
rxack() {
	local count=20000 cycles=200
	variant=rxack
	variant_tmbox_args="rx_ack=1,4"
	variant_vm_args=(--overlay "$top/dts/qemu-virt.dtso"
			 --overlay "$top/tests/vm/rxack/rx-ack.dtso")
	functional
	stream
	load_count=$count load
	lifecycle
	variant=
	variant_tmbox_args=
	variant_vm_args=()
}

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(functional stream lifecycle stall load txdone rxack probe_errors)
for s in "${scenarios[@]}"; do
	"$s"
done
[ $fails -eq 0 ]
