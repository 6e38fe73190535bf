#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# What a message costs the guest, in a VM whose instructions QEMU counts
# exactly (-icount shift=0,sleep=on): guest instructions per write() and
# per read() at 64 B and 4 KiB in a stream, doorbells per message each way
# in a stream and in ping-pong, and the round-trip time of a ping
# (emulated). Part of make bench.
#
#   tests/bench/vm.sh [--kernel NAME]
#
# One boot (tests/vm/run-vm.sh, limited by $CMSHM_BENCH_VM_TIMEOUT,
# default 280 s) of Debian's arm64 kernel (NAME from tests/vm/kernels.sh,
# default 6.1) with cmshm.ko, two test mailboxes and the eight links of
# tests/bench/vm-bench.dtso, cmshm-remote playing each remote core on the
# host: cmshm0 a sink (the write streams), cmshm1 and cmshm2 sources of
# 64 B and 4 KiB messages (the read streams), cmshm3 an echo (ping), cmshm4
# and cmshm5 sinks slowed down by --rate (the saturated write streams);
# cmshm6 (a 4 KiB source) and cmshm7 (a slow 4 KiB sink) are the same two
# saturated 4 KiB streams on 256 KiB rings instead of the default 64 KiB.
# In the guest, vm_bench (tests/bench/vm_bench.c) measures
# $CMSHM_BENCH_VM_N64 (default 20000) messages of 64 B, $CMSHM_BENCH_VM_N4K
# (default 5000) of 4 KiB (also on cmshm6), and $CMSHM_BENCH_VM_PINGS
# (default 2000) round trips of each size.
#
# Two kinds of stream:
#   consumer faster than producer: the write streams to cmshm0. The sink,
#     a host process running in real time, drains every message long before
#     the emulated guest writes the next, so it always waits for data.
#   saturated (producer faster than consumer): the ring stays nearly full
#     and the consumer never waits for data. The read streams (a source on
#     the host outruns the guest reader), and the write streams to cmshm4
#     ($CMSHM_BENCH_VM_SAT_N64 messages of 64 B, default 2500) and cmshm5
#     ($CMSHM_BENCH_VM_SAT_N4K of 4 KiB, default 500), whose sinks consume
#     $CMSHM_BENCH_VM_SAT_RATE64 (default 500) and
#     $CMSHM_BENCH_VM_SAT_RATE4K (default 200) messages per second of real
#     time. How those rates were chosen: under -icount the guest's speed in
#     real time is QEMU's, unknown and load-dependent, so the unsaturated
#     write streams were timed by the host (timestamps on the console lines
#     around each stream) in three runs on this shared 2-core machine (load
#     average 1 to 4, both kernels): 64 B ran at 3000 to 10000 messages per
#     second, 4 KiB at 960 to 3800. The rates are about a sixth and a fifth
#     of the slowest. A check below makes sure each sink was the bottleneck
#     (it found its ring empty at most 2 + N/100 times); if it fails, lower
#     the rate. (The guest's emulated clock cannot tell: while the guest
#     waits, it runs slower than real time.)
# Ring size: in a saturated stream the producer waits for space once per
# ring's worth of messages at least, so any scheme that wakes it when it
# finds the ring full sends at least 1 / (records per ring) space doorbells
# per message, and the consumer's rule (ring for space when at most half its
# ring is in use) about 2 / (records per ring). A 64 KiB ring holds 15
# records of 4 KiB (8-byte header + payload), 256 KiB 63: 0.067 and 0.13,
# against 0.016 and 0.03. So the saturated 4 KiB streams also run on cmshm6
# (read, $CMSHM_BENCH_VM_N4K messages) and cmshm7 (write,
# $CMSHM_BENCH_VM_SAT_N4K_256 messages, default 1000, to the sink at
# $CMSHM_BENCH_VM_SAT_RATE4K), whose rings are 256 KiB. The source fills
# cmshm6's ring while the guest boots, so that read stream is saturated from
# its first message. The guest starts the write stream to cmshm7 with the
# ring empty: the first 47 messages measured (63 minus the 16 of the
# warm-up) fill it without waiting for space, and 500 messages, as on
# cmshm5, would understate the doorbells per message by a tenth; 1000 halve
# that and take 5 s at 200 messages per second.
# And the floors beside them (vm_bench floor on cmshm3): write() of the
# same bytes to /dev/null, the system call alone, and memcpy() into the
# mmapped application area, the zero-copy path's copy.
#
# Instruction counts: the guest PMU's instructions event for the calling
# task, user and kernel (the Cortex-A53 PMU QEMU models counts guest
# instructions only with -icount; the counter's own reads are measured
# and subtracted). The fast path is the median (in a stream that does not
# block, a call that never blocks); the mean over the stream also counts
# the calls that blocked (sleep and wake-up) and the interrupts that landed
# on the task's CPU. In a saturated write stream most calls may block, and
# the median is then such a call. Doorbells come from
# /sys/class/cmshm/cmshmN/statistics/ and, like the latency, depend on how
# fast the remote (a host process, in real time) runs against the guest
# (emulated time): they vary from run to run.
#
# Prints TAP lines and the table; writes build/bench/vm-NAME.txt, the
# guest console (vm-NAME-console.log), the harness's log (vm-NAME-run.log)
# and the slow sinks' counters (vm-NAME-sinkN.stats). The TAP lines check
# that the run completed and its counts are consistent, not any doorbell
# target: that is read from the figures.
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
sat64=${CMSHM_BENCH_VM_SAT_N64:-2500}
sat4k=${CMSHM_BENCH_VM_SAT_N4K:-500}
sat4k256=${CMSHM_BENCH_VM_SAT_N4K_256:-1000}
rate64=${CMSHM_BENCH_VM_SAT_RATE64:-500}
rate4k=${CMSHM_BENCH_VM_SAT_RATE4K:-200}
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
DB0=0x5f300000	# doorbell pages of the two test mailboxes
DB1=0x5f600000
# rem PAGE ADDR DB-IN DB-OUT ARGS...: a remote on the link at ADDR.
rem() {
	local page=$1 addr=$2 din=$3 dout=$4
	shift 4
	printf '%q ' "$remote" --region "$addr" --doorbell "$page" \
		--db-in "$din" --db-out "$dout" "$@"
}

log=$out/vm-$KNAME-console.log
rm -f "$out/vm-$KNAME-sink4.stats" "$out/vm-$KNAME-sink5.stats" \
	"$out/vm-$KNAME-sink7.stats"
"$top"/tests/vm/run-vm.sh --timeout "${CMSHM_BENCH_VM_TIMEOUT:-280}" \
	--kernel-env "$kernel_env" \
	--overlay "$top/tests/bench/vm-bench.dtso" \
	--qemu-arg -icount --qemu-arg shift=0,sleep=on \
	--module "$g"/cmshm_test_mbox.ko --module "$g"/cmshm.ko \
	--file "$out/vm_bench" --log "$log" \
	--remote "$(rem $DB0 0x5f000000 0 1 --mode sink --count $((2 * warmup + n64 + n4k)))" \
	--remote "$(rem $DB0 0x5f100000 2 3 --mode source --size-min 64 --size-max 64 --count $((warmup + n64)))" \
	--remote "$(rem $DB0 0x5f200000 4 5 --mode source --size-min 4096 --size-max 4096 --count $((warmup + n4k)))" \
	--remote "$(rem $DB0 0x5f400000 6 7 --mode echo)" \
	--remote "$(rem $DB1 0x5f500000 0 1 --mode sink --rate "$rate64" --count $((warmup + sat64)) \
		--stats-file "$out/vm-$KNAME-sink4.stats")" \
	--remote "$(rem $DB1 0x5f700000 2 3 --mode sink --rate "$rate4k" --count $((warmup + sat4k)) \
		--stats-file "$out/vm-$KNAME-sink5.stats")" \
	--remote "$(rem $DB1 0x5f800000 4 5 --mode source --size-min 4096 --size-max 4096 --count $((warmup + n4k)))" \
	--remote "$(rem $DB1 0x5f900000 6 7 --mode sink --rate "$rate4k" --count $((warmup + sat4k256)) \
		--stats-file "$out/vm-$KNAME-sink7.stats")" \
	-- "vm_bench write /dev/cmshm0 64 $n64 0 &&
	    vm_bench write /dev/cmshm0 4096 $n4k $((warmup + n64)) &&
	    vm_bench write /dev/cmshm4 64 $sat64 0 &&
	    vm_bench write /dev/cmshm5 4096 $sat4k 0 &&
	    vm_bench write /dev/cmshm7 4096 $sat4k256 0 &&
	    vm_bench read /dev/cmshm1 64 $n64 &&
	    vm_bench read /dev/cmshm2 4096 $n4k &&
	    vm_bench read /dev/cmshm6 4096 $n4k &&
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

# val LINE KEY: the value of KEY= in a BENCH line (or in a stats file
# joined into one line).
val() {
	sed -n -E "s/.* $2=([^ ]*).*/\\1/p" <<<"$1"
}

# tap STATUS DESCRIPTION: one TAP line (STATUS 0: ok); a failure fails the run.
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		rc=1
	fi
}

# count RATIO N: RATIO (per message, 4 decimals) times N, rounded.
count() {
	awk -v r="$1" -v n="$2" 'BEGIN { printf "%d", r * n + 0.5 }'
}

# One row per stream: "STREAM OP SIZE DEV RING N [SINK-RATE SINK-STATS]".
# STREAM: consumer-faster, saturated, ping-pong or floor (see the top of
# this file); RING: DEV's ring size in bytes, from vm-bench.dtso.
rows=(
	"consumer-faster write 64 cmshm0 65536 $n64"
	"consumer-faster write 4096 cmshm0 65536 $n4k"
	"saturated write 64 cmshm4 65536 $sat64 $rate64 $out/vm-$KNAME-sink4.stats"
	"saturated write 4096 cmshm5 65536 $sat4k $rate4k $out/vm-$KNAME-sink5.stats"
	"saturated write 4096 cmshm7 262144 $sat4k256 $rate4k $out/vm-$KNAME-sink7.stats"
	"saturated read 64 cmshm1 65536 $n64"
	"saturated read 4096 cmshm2 65536 $n4k"
	"saturated read 4096 cmshm6 262144 $n4k"
	"ping-pong ping 64 cmshm3 65536 $pings"
	"ping-pong ping 4096 cmshm3 65536 $pings"
	"floor null 64 cmshm3 65536 2000"
	"floor null 4096 cmshm3 65536 2000"
	"floor mmap-copy 64 cmshm3 65536 2000"
	"floor mmap-copy 4096 cmshm3 65536 2000"
)

rev=$(cd "$top" && git rev-parse --short HEAD 2>/dev/null)
qemu_v=$("$VM_QEMU" --version | head -n 1)
table=$out/vm-$KNAME.txt
{
	echo "# guest $KRELEASE ($VM_CPU, 2 CPUs), $qemu_v, -icount shift=0,sleep=on; commit $rev"
	echo "# instructions: this task, user + kernel, per call (ping: per round trip), exact"
	echo "# doorbells per message (ping: per round trip): sent = guest -> remote, received = remote -> guest"
	echo "# median: for write and read, the fast path (a call that does not block) unless most calls block"
	echo "# stream consumer-faster: the remote sink drains each message before the guest writes the next"
	echo "# stream floor: write() of the same bytes to /dev/null (the system call alone), memcpy() into the mmapped application area"
	echo "# stream saturated: the ring stays nearly full; write: remote sink at $rate64 (64 B) / $rate4k (4 KiB) msgs/s, below the guest's rate; read: remote source faster than the guest"
	echo "# ring: KiB per direction (the device's ring_size)"
	printf '# %-15s %-5s %5s %4s %6s %8s %8s %9s %8s %8s %9s %s\n' stream op size ring n \
		median min mean sent received coalesced 'rtt us (emulated): min median p99'
} >"$table"
for row in "${rows[@]}"; do
	read -r stream op size dev ring want rate stats <<<"$row"
	line=$(grep -a -E "^BENCH op=$op size=$size dev=$dev " "$log" 2>/dev/null | tail -n 1)
	what="$op of $size B on $dev ($((ring / 1024)) KiB rings), $stream"
	[ -z "$rate" ] || what="$what (sink $rate msgs/s)"
	if [ -z "$line" ]; then
		tap 1 "$what: no measurement"
		continue
	fi
	got=$(val "$line" n)
	sent=$(val "$line" db_sent)
	recv=$(val "$line" db_received)
	rtt=
	[ "$op" != ping ] ||
		rtt="$(val "$line" rtt_min_us) $(val "$line" rtt_median_us) $(val "$line" rtt_p99_us)"
	got_ring=$(val "$line" ring)
	printf '  %-15s %-5s %5s %4s %6s %8s %8s %9s %8s %8s %9s %s\n' "$stream" "$op" "$size" \
		"$((${got_ring:-0} / 1024))" "$got" "$(val "$line" instr_median)" \
		"$(val "$line" instr_min)" "$(val "$line" instr_mean)" \
		"$sent" "$recv" "$(val "$line" db_coalesced)" "$rtt" >>"$table"
	[ "$got" = "$want" ] && [ "$got_ring" = "$ring" ]
	tap $? "$what: $got of $want measured on ${got_ring:-?}-byte rings, median $(val "$line" instr_median) guest instructions, $sent doorbells sent and $recv received per message"
	[ -n "$rate" ] || continue
	# A saturated write stream: was the sink the bottleneck? Then it
	# rarely found its ring empty: before the first message, after the
	# last, and not once per 100 messages in between.
	st=$(tr '\n' ' ' 2>/dev/null <"$stats")
	empty=$(val "$st" sink_empty)
	[ -n "$empty" ] && [ "$empty" -le $((2 + got / 100)) ]
	tap $? "$what: the sink found its ring empty ${empty:-?} times (at most $((2 + got / 100))): it was the bottleneck"
	# The sink's counters against the guest's: every message received,
	# and at least the doorbells the guest counted in each direction.
	[ -n "$st" ] && [ "$(val "$st" sink_ok)" = $((warmup + got)) ] &&
		[ "$(val "$st" sink_lost)" = 0 ] &&
		[ "$(val "$st" db_in)" -ge "$(count "$sent" "$got")" ] &&
		[ "$(val "$st" db_out)" -ge "$(count "$recv" "$got")" ]
	tap $? "$what: the sink received all $((warmup + got)) messages, saw >= $(count "$sent" "$got") doorbells and rang >= $(count "$recv" "$got") (${st:-no $stats})"
done
echo "1..$n"
sed 's/^/# /' "$table"
exit $((rc != 0))
