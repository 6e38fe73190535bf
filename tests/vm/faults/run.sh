#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Adversarial-remote VM test: cmshm-remote in echo mode with its fault phase
# (random corruption of every field it can write, doorbell flood, silent
# periods) on cmshm0, cmshm-faulttest driving traffic in the guest, then
# recovery. Prints the guest's TAP lines, plus host lines: corruption count
# reached, remote saw no unexpected protocol error, harness verdict (guest
# exit status, no WARNING/BUG/Oops/KASAN in dmesg, module unload, remote
# exit status), and how many of the corrupted indices the host detected.
#
# The host loads the remote's index only when its cached copy is used up
# (Documentation/protocol.rst, "Caching the peer's index"), so a corrupted
# index is detected by the operation that next loads it, not always by the
# next read() or write(). The remote stops its ring work while an index is
# corrupted, which makes the host use up its copy, and gives up after
# 20 ms: the run reports the index corruptions detected (followed by a
# reset while in place: idx_detected) and given up (idx_expired), and
# requires at least a quarter detected (70-85% in runs with the cache on a
# loaded 2-core machine, 95% when the host loaded the index at every call;
# a host that stopped detecting bad indices would show about none).
#
# Usage: tests/vm/faults/run.sh
# Environment:
#   CMSHM_FAULT_CORRUPTIONS  corruptions that must be applied (default 100000)
#   CMSHM_FAULT_SECONDS      fault phase length in seconds (default 90)
#   CMSHM_FAULT_RATE         corruptions per second (default 1.5 x count /
#                            seconds: the remote is silent about 20% of the
#                            phase, so about 1.2 x count are applied; the
#                            records, indices and ctrl the host reads are
#                            limited by the traffic, host-owned words fill
#                            the rest)
#
# In make check: tests/vm/faults/run.sh   (about 2 minutes on 2 cores)
#   CMSHM_FAULT_SEED         --fault-seed (default: random, printed)
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$top/build/vm/faults
remote=$top/build/host/cmshm-remote
need=${CMSHM_FAULT_CORRUPTIONS:-100000}
secs=${CMSHM_FAULT_SECONDS:-90}
rate=${CMSHM_FAULT_RATE:-$(( (need * 3 / 2 + secs - 1) / secs ))}
seed=${CMSHM_FAULT_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
# The guest keeps its traffic up this much longer than the remote faults
# (the remote's phase starts at the first link up, before the guest's).
margin=4
# Layout of dts/qemu-virt.dtso.
R0=0x5f000000 DB=0x5f300000
n=0
fails=0

tap() {	# tap STATUS(0 = pass) DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		fails=$((fails + 1))
	fi
}

mkdir -p "$out"
g=$("$top"/tests/vm/build-guest.sh 2>"$out/build.log")
tap $? "build guest modules, cmshm-remote (log: $out/build.log)"
# shellcheck source=tests/vm/kernels.sh
. "$top"/tests/vm/kernels.sh
# shellcheck source=/dev/null
. "$(cmshm_kernel_env_file)"
"${KCROSS}gcc" -static -pthread -std=gnu11 -O2 -Wall -Wextra -Werror \
	-I"$top"/include/uapi -I"$top"/include -I"$top"/userspace \
	-I"$top"/tests/vm/guest "$top"/tests/vm/faults/cmshm-faulttest.c \
	"$top"/tests/vm/guest/vmtest.c -o "$out"/cmshm-faulttest \
	>"$out/cc.log" 2>&1
tap $? "cmshm-faulttest builds (static, ${KCROSS}gcc -Wall -Wextra -Werror)"
if [ $fails -ne 0 ]; then
	sed 's/^/# /' "$out/build.log" "$out/cc.log" | tail -40
	exit 1
fi

stats=$out/remote.stats
log=$out/vm.log
rm -f "$stats"
rem=$(printf '%q ' "$remote" --region $R0 --doorbell $DB --db-in 0 --db-out 1 \
	--mode echo --fault-corrupt "$rate" --fault-flood 2000 --fault-mute 30 \
	--fault-seed "$seed" --fault-for "$secs" --stats-file "$stats")
echo "# remote: $rem"
t0=$(date +%s)
"$top"/tests/vm/run-vm.sh --timeout $((secs + 300)) \
	--module "$g"/cmshm_test_mbox.ko --module "$g"/cmshm.ko \
	--file "$out"/cmshm-faulttest \
	--remote "$rem" \
	-- "cmshm-faulttest /dev/cmshm0 $((secs + margin))" >"$log" 2>&1
rc=$?
sed -E '/^(not )?ok /!s/^/# /' "$log"
echo "# VM run took $(($(date +%s) - t0)) s"

stat() { sed -n "s/^$1=//p" "$stats" 2>/dev/null; }
got=$(stat corruptions)
echo "# remote stats: $(tr '\n' ' ' <"$stats" 2>/dev/null)"
[ -n "$got" ] && [ "$got" -ge "$need" ]
tap $? "remote applied ${got:-no} corruptions (need >= $need; seed $seed)"
det=$(stat idx_detected)
exp=$(stat idx_expired)
[ -n "$det" ] && [ -n "$exp" ] && [ "$det" -gt 0 ] &&
	[ $((4 * det)) -ge $((det + exp)) ]
tap $? "the host detected ${det:-no} of $(( ${det:-0} + ${exp:-0} )) corrupted indices (at least a quarter; the rest it did not load within 20 ms)"
[ "$(stat proto_errors)" = 0 ] && [ "$(stat exit_status)" = 0 ]
tap $? "remote saw no protocol error it did not cause itself (proto_errors=$(stat proto_errors), fault_errors=$(stat fault_errors))"
tap $rc "VM run: guest checks passed, no kernel warning in dmesg, modules unloaded, remote exited 0 (status $rc, log: $log)"
[ $fails -eq 0 ]
