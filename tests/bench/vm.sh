#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# What a message costs the guest, in a VM whose instructions QEMU counts
# exactly (-icount shift=0,sleep=on): guest instructions per write() and
# per read() at 64 B and 4 KiB in a saturated stream, doorbells per message
# each way in a stream and in ping-pong, and the round-trip time of a ping
# (emulated). Part of make bench.
#
#   tests/bench/vm.sh [--kernel NAME]
#
# One boot (tests/vm/run-vm.sh, limited by $CMSHM_BENCH_VM_TIMEOUT,
# default 280 s) of Debian's arm64 kernel (NAME from tests/vm/kernels.sh,
# default 6.1) with cmshm.ko, the test mailbox and the four links of
# tests/bench/vm-bench.dtso, cmshm-remote playing each remote core on the
# host: cmshm0 a sink (the write streams), cmshm1 and cmshm2 sources of
# 64 B and 4 KiB messages (the read streams), cmshm3 an echo (ping). In
# the guest, vm_bench (tests/bench/vm_bench.c) measures $CMSHM_BENCH_VM_N64
# (default 20000) messages of 64 B, $CMSHM_BENCH_VM_N4K (default 5000) of
# 4 KiB, and $CMSHM_BENCH_VM_PINGS (default 2000) round trips of each size.
#
# Instruction counts: the guest PMU's instructions event for the calling
# task, user and kernel (the Cortex-A53 PMU QEMU models counts guest
# instructions only with -icount; the counter's own reads are measured
# and subtracted). The fast path is the median (one call never blocking);
# the mean over the stream also counts the calls that blocked (sleep and
# wake-up) and the interrupts that landed on the task's CPU. Doorbells
# come from /sys/class/cmshm/cmshmN/statistics/ and, like the latency,
# depend on how fast the remote (a host process, in real time) runs
# against the guest (emulated time): they vary from run to run.
#
# Prints TAP lines and the table; writes build/bench/vm-NAME.txt, the
# guest console (vm-NAME-console.log) and the harness's log
# (vm-NAME-run.log).
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$top/build/bench
if [ "${1:-}" = --kernel ]; then
	export CMSHM_KERNEL=${2:?--kernel needs a name}
	shift 2
fi
n64=${CMSHM_BENCH_VM_N64:-20000}
n4k=${CMSHM_BENCH_VM_N4K:-5000}
pings=${CMSHM_BENCH_VM_PINGS:-2000}
warmup=16	# vm_bench.c's WARMUP
mkdir -p "$out"

g=$("$top"/tests/vm/build-guest.sh) || {
	echo "not ok 1 - build the guest artifacts for ${CMSHM_KERNEL:-6.1}"
	exit 1
}
# shellcheck source=tests/vm/kernels.sh
. "$top"/tests/vm/kernels.sh
kernel_env=$(cmshm_kernel_env_file)
# shellcheck source=/dev/null
. "$kernel_env"
"${KCROSS}gcc" -static -std=gnu11 -O2 -Wall -Wextra -Werror \
	-I "$top/userspace" -o "$out/vm_bench" "$top/tests/bench/vm_bench.c" || {
	echo "not ok 1 - build vm_bench for $KRELEASE"
	exit 1
}

remote=$top/build/host/cmshm-remote
DB=0x5f300000
# rem ADDR DB-IN DB-OUT ARGS...: a remote on the link at ADDR.
rem() {
	local addr=$1 din=$2 dout=$3
	shift 3
	printf '%q ' "$remote" --region "$addr" --doorbell "$DB" \
		--db-in "$din" --db-out "$dout" "$@"
}

log=$out/vm-$KNAME-console.log
"$top"/tests/vm/run-vm.sh --timeout "${CMSHM_BENCH_VM_TIMEOUT:-280}" \
	--kernel-env "$kernel_env" \
	--overlay "$top/tests/bench/vm-bench.dtso" \
	--qemu-arg -icount --qemu-arg shift=0,sleep=on \
	--module "$g"/cmshm_test_mbox.ko --module "$g"/cmshm.ko \
	--file "$out/vm_bench" --log "$log" \
	--remote "$(rem 0x5f000000 0 1 --mode sink --count $((2 * warmup + n64 + n4k)))" \
	--remote "$(rem 0x5f100000 2 3 --mode source --size-min 64 --size-max 64 --count $((warmup + n64)))" \
	--remote "$(rem 0x5f200000 4 5 --mode source --size-min 4096 --size-max 4096 --count $((warmup + n4k)))" \
	--remote "$(rem 0x5f400000 6 7 --mode echo)" \
	-- "vm_bench write /dev/cmshm0 64 $n64 0 &&
	    vm_bench write /dev/cmshm0 4096 $n4k $((warmup + n64)) &&
	    vm_bench read /dev/cmshm1 64 $n64 &&
	    vm_bench read /dev/cmshm2 4096 $n4k &&
	    vm_bench ping /dev/cmshm3 64 $pings &&
	    vm_bench ping /dev/cmshm3 4096 $pings &&
	    vm_bench floor /dev/cmshm3 64 2000 &&
	    vm_bench floor /dev/cmshm3 4096 2000" >"$out/vm-$KNAME-run.log" 2>&1
rc=$?
n=1
if [ $rc -eq 0 ]; then
	echo "ok $n - VM run on $KRELEASE under -icount: guest passed, clean kernel log, remotes exited 0"
else
	echo "not ok $n - VM run on $KRELEASE failed with status $rc (log: $out/vm-$KNAME-run.log)"
	grep -a -E 'BENCH-ERROR|FAIL' "$out/vm-$KNAME-run.log" | sed 's/^/# /'
fi

# val LINE KEY: the value of KEY= in a BENCH line.
val() {
	sed -E "s/.* $2=([^ ]*).*/\\1/" <<<"$1"
}

rev=$(cd "$top" && git rev-parse --short HEAD 2>/dev/null)
qemu_v=$("$VM_QEMU" --version | head -n 1)
table=$out/vm-$KNAME.txt
{
	echo "# guest $KRELEASE ($VM_CPU, 2 CPUs), $qemu_v, -icount shift=0,sleep=on; commit $rev"
	echo "# instructions: this task, user + kernel, per call (ping: per round trip), exact"
	echo "# doorbells per message (ping: per round trip): sent = guest -> remote, received = remote -> guest"
	echo "# median: for write and read, the fast path (a call that does not block)"
	printf '# %-5s %5s %6s %8s %8s %9s %8s %8s %9s %s\n' op size n \
		median min mean sent received coalesced 'rtt us (emulated): min median p99'
} >"$table"
for op_size in "write 64" "write 4096" "read 64" "read 4096" "ping 64" "ping 4096" \
	"null 64" "null 4096" "mmap-copy 64" "mmap-copy 4096"; do
	read -r op size <<<"$op_size"
	line=$(grep -a -E "^BENCH op=$op size=$size " "$log" 2>/dev/null | tail -n 1)
	n=$((n + 1))
	if [ -z "$line" ]; then
		echo "not ok $n - $op of $size B: no measurement"
		rc=1
		continue
	fi
	rtt=
	[ "$op" != ping ] ||
		rtt="$(val "$line" rtt_min_us) $(val "$line" rtt_median_us) $(val "$line" rtt_p99_us)"
	printf '  %-5s %5s %6s %8s %8s %9s %8s %8s %9s %s\n' "$op" "$size" \
		"$(val "$line" n)" "$(val "$line" instr_median)" \
		"$(val "$line" instr_min)" "$(val "$line" instr_mean)" \
		"$(val "$line" db_sent)" "$(val "$line" db_received)" \
		"$(val "$line" db_coalesced)" "$rtt" >>"$table"
	echo "ok $n - $op of $size B: median $(val "$line" instr_median) guest instructions, $(val "$line" db_sent) doorbells sent per message"
done
echo "1..$n"
sed 's/^/# /' "$table"
exit $((rc != 0))
