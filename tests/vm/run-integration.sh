#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# VM integration tests: boot Debian's arm64 kernel with cmshm.ko and the test
# mailbox, cmshm-remote playing the remote core on the host, and run the
# guest checks. Prints the guest's TAP lines plus one line per VM run for the
# harness verdict (guest exit status, kernel log free of warnings, module
# unload, remotes' own verdicts).
#
# Usage: tests/vm/run-integration.sh [SCENARIO...]   (default: all)
# Scenarios: functional stream lifecycle load
# Environment: CMSHM_STREAM_COUNT (default 100000) and CMSHM_LOAD_COUNT
# (default 1000000) messages each way.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
g=${CMSHM_GUEST_DIR:-$top/build/guest}
remote=$top/build/host/cmshm-remote
count=${CMSHM_STREAM_COUNT:-100000}
load_count=${CMSHM_LOAD_COUNT:-1000000}
# Layout of dts/qemu-virt.dtso.
R0=0x5f000000 R1=0x5f100000 R2=0x5f200000 DB=0x5f300000 R3=0x5f400000
n=0
fails=0

"$top"/tests/vm/build-guest.sh || { echo "not ok - build guest artifacts"; exit 1; }

# run NAME RUN-VM-ARGS...: one VM boot; guest TAP lines pass through,
# everything else is shown as a comment.
run() {
	local name=$1 log rc
	shift
	log=${CMSHM_VM_LOG_DIR:-$top/build/vm}/$name.log
	mkdir -p "${CMSHM_VM_LOG_DIR:-$top/build/vm}"
	"$top"/tests/vm/run-vm.sh --timeout "${CMSHM_VM_TIMEOUT:-900}" \
		--module "$g"/cmshm_test_mbox.ko --module "$g"/cmshm.ko \
		--file "$top"/build/aarch64/cmshm-tool --file "$g"/cmshm-vmtest \
		--file "$g"/cmshm-lifecycle --file "$g"/cmshm.ko:/data/cmshm.ko \
		--file "$top"/tests/vm/guest/stream.sh \
		--file "$top"/tests/vm/guest/reload.sh \
		--file "$top"/tests/vm/guest/load.sh \
		--file "$top"/tests/vm/guest/tool.sh "$@" >"$log" 2>&1
	rc=$?
	sed -E '/^(not )?ok /!s/^/# /' "$log"
	n=$((n + 1))
	if [ $rc -eq 0 ]; then
		echo "ok - VM run '$name': guest passed, clean kernel log, modules unloaded, remotes exited 0"
	else
		echo "not ok - VM run '$name' failed with status $rc (log: $log)"
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
		    exit $((a | b | c | d))'
}

stream() {
	run stream \
		--remote "$(rem $R0 --doorbell $DB --db-in 0 --db-out 1 --mode sink --count "$count")" \
		--remote "$(rem $R1 --doorbell $DB --db-in 2 --db-out 2 --mode source --count "$count" --size-min 16 --size-max 2048)" \
		-- "cmshm-vmtest down /dev/cmshm2; a=\$?;
		    stream.sh /dev/cmshm0 /dev/cmshm1 $count; b=\$?;
		    exit \$((a | b))"
}

# cmshm0: a remote that never consumes (blocked writers); cmshm1: a remote
# that crashes and restarts 3 times; cmshm2: echo, polling mode.
lifecycle() {
	run lifecycle \
		--remote "$(rem $R0 --doorbell $DB --db-in 0 --db-out 1 --mode idle)" \
		--remote "$top/tests/vm/remote-restarts.sh 3 -- $(rem $R1 --doorbell $DB --db-in 2 --db-out 2 --mode echo)" \
		--remote "$(rem $R2 --mode echo --poll-us 200)" \
		-- 'cmshm-lifecycle unbind /dev/cmshm0 cmshm-0; a=$?;
		    cmshm-lifecycle cycles /dev/cmshm0 cmshm-0 1000; b=$?;
		    cmshm-lifecycle reset /dev/cmshm1 3; c=$?;
		    cmshm-lifecycle concurrent /dev/cmshm2; d=$?;
		    reload.sh /data/cmshm.ko /dev/cmshm1 /dev/cmshm2; e=$?;
		    exit $((a | b | c | d | e))'
}

# cmshm3 (4 KiB rings): N messages each way at once, 1..max bytes, the
# remote verifying its side and stalling 200 ms every 2 s (backpressure).
load() {
	run load \
		--remote "$(rem $R3 --size 0x10000 --doorbell $DB --db-in 3 --db-out 4 --mode duplex --count "$load_count" --size-min 1 --size-max 4096 --size-dist log --stall 200/2000)" \
		-- "load.sh /dev/cmshm3 $load_count"
}

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(functional stream lifecycle load)
for s in "${scenarios[@]}"; do
	"$s"
done
[ $fails -eq 0 ]
