#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Host ring costs per message (one put and one get) at 8, 64, 1024 and
# 4096 bytes: cmshm's ring (include/cmshm/cmshm_ring.h) by its copy API
# (cmshm_ring_write/read) and its zero-copy API (reserve/commit,
# peek/release), beside memcpy() of the same bytes and a minimal
# reference ring of the same record format (tests/bench/ref_ring.h). Part
# of make bench.
#
#   tests/bench/ring.sh [MESSAGES [REPETITIONS]]
#
# Instructions: callgrind, collecting only inside the put_*/get_*
# functions of bench_ring (--toggle-collect), MESSAGES messages (default
# 8192) in batches of 8, one thread: exact and repeatable. Zero-copy
# figures are without the payload copies, which are the memcpy column
# (bench_copy(), counted in the same run). Time: the best of REPETITIONS
# (default 5) single-thread runs, ns per message, and the best of 5 x
# REPETITIONS two-thread runs (a producer and a consumer thread pinned to
# CPUs 0 and 1), messages per second, with the ratio of the medians too:
# noisy on a shared machine, compare only the ratios of one run. Ratios: copy / (zero-copy + memcpy) per
# size, in instructions; cmshm / reference, instructions of the copy API
# and two-thread throughput at 8 B.
#
# Prints TAP lines and the tables; writes build/bench/ring.txt.
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$top/build/bench
msgs=${1:-8192}
reps=${2:-5}
mkdir -p "$out"
bin=$out/bench_ring
${CC:-cc} -std=c11 -O2 -g -Wall -Wextra -Werror -pthread \
	-I "$top/include" -o "$bin" "$top/tests/bench/bench_ring.c" || {
	echo "not ok 1 - build bench_ring"
	exit 1
}
if ! command -v valgrind >/dev/null; then
	echo "not ok 1 - valgrind not found (run scripts/install-deps.sh)"
	exit 1
fi

# ir IMPL SIZE FUNCTIONS...: instructions per message inside FUNCTIONS.
ir() {
	local impl=$1 size=$2 f args=() file
	shift 2
	file=$out/callgrind.ring.$impl.$size.$1
	for f in "$@"; do
		args+=("--toggle-collect=$f")
	done
	valgrind -q --tool=callgrind --callgrind-out-file="$file" \
		"${args[@]}" "$bin" count "$impl" "$size" "$msgs" || return 1
	awk -v n="$msgs" '/^summary:/ { printf "%.1f", $2 / n }' "$file"
}

sizes="8 64 1024 4096"
declare -A I
n=0
for size in $sizes; do
	if ! { I[cm-copy,$size]=$(ir cm-copy "$size" put_cm_copy get_cm_copy) &&
	       I[cm-zci,$size]=$(ir cm-zc "$size" put_cm_zc get_cm_zc) &&
	       I[cm-mem,$size]=$(ir cm-zc "$size" bench_copy) &&
	       I[ref-copy,$size]=$(ir ref-copy "$size" put_ref_copy get_ref_copy) &&
	       I[ref-zci,$size]=$(ir ref-zc "$size" put_ref_zc get_ref_zc) &&
	       I[ref-mem,$size]=$(ir ref-zc "$size" bench_copy); }; then
		echo "not ok - callgrind failed at $size B"
		exit 1
	fi
	n=$((n + 1))
	echo "ok $n - callgrind: ring instructions per message at $size B"
done

timing=$out/ring-timing.txt
if ! "$bin" time "$reps" >"$timing"; then
	echo "not ok - timed runs failed"
	exit 1
fi
n=$((n + 1))
echo "ok $n - timed runs: single thread and two threads"
declare -A T
while read -r kind impl size v median; do
	T[$kind,$impl,$size]=$v
	T[$kind-median,$impl,$size]=${median:-}
done <"$timing"

rev=$(cd "$top" && git rev-parse --short HEAD 2>/dev/null)
cc_v=$(${CC:-cc} --version | head -n 1)
table=$out/ring.txt
{
	echo "# host ring, per message (one put + one get); commit $rev; $(uname -m), $cc_v, -O2"
	echo "# instructions (callgrind, exact; $msgs messages, batches of 8, one thread)"
	echo "# zc: without the payload copies; memcpy: those copies (2 x size bytes)"
	printf '# %5s %8s %8s %8s %8s %9s %9s %8s\n' size copy zc memcpy \
		copy/zc+m ref-copy ref-zc cm/ref
	for s in $sizes; do
		awk -v s="$s" -v c="${I[cm-copy,$s]}" -v zi="${I[cm-zci,$s]}" \
		    -v m="${I[cm-mem,$s]}" -v rc="${I[ref-copy,$s]}" \
		    -v rzi="${I[ref-zci,$s]}" -v rm="${I[ref-mem,$s]}" 'BEGIN {
			printf "I %5d %8.1f %8.1f %8.1f %8.3f %9.1f %9.1f %8.3f\n",
				s, c, zi - m, m, c / zi, rc, rzi - rm, c / rc }'
	done
	echo "# ns per message, one thread, best of $reps (noisy on a shared machine)"
	echo "# zc+m: zero-copy API with its payload copies"
	printf '# %5s %8s %8s %8s %9s %9s\n' size copy zc+m memcpy ref-copy ref-zc+m
	for s in $sizes; do
		printf 'T %5d %8.1f %8.1f %8.1f %9.1f %9.1f\n' "$s" \
			"${T[st,cm-copy,$s]}" "${T[st,cm-zc,$s]}" \
			"${T[st,memcpy,$s]}" "${T[st,ref-copy,$s]}" \
			"${T[st,ref-zc,$s]}"
	done
	echo "# messages/s, two threads, best of $((5 * reps)) (noisy on a shared machine)"
	echo "# cm/ref: copy API, of the best runs and of the medians"
	printf '# %5s %10s %10s %10s %10s %8s %8s\n' size copy zc ref-copy \
		ref-zc cm/ref med
	for s in $sizes; do
		awk -v s="$s" -v c="${T[mt,cm-copy,$s]}" -v z="${T[mt,cm-zc,$s]}" \
		    -v rc="${T[mt,ref-copy,$s]}" -v rz="${T[mt,ref-zc,$s]}" \
		    -v cm="${T[mt-median,cm-copy,$s]}" \
		    -v rm="${T[mt-median,ref-copy,$s]}" 'BEGIN {
			printf "M %5d %10.0f %10.0f %10.0f %10.0f %8.3f %8.3f\n",
				s, c, z, rc, rz, c / rc, cm / rm }'
	done
} >"$table"

# The issue's bound on the copy API (as tests/bench/remote-copy.sh).
rc=0
for s in $sizes; do
	r=$(awk -v s="$s" '$1 == "I" && $2 == s { print $6 }' "$table")
	n=$((n + 1))
	if awk -v r="$r" 'BEGIN { exit !(r <= 1.1) }'; then
		echo "ok $n - ring copy API at $s B: $r x (zero-copy + memcpy) <= 1.1"
	else
		echo "not ok $n - ring copy API at $s B: $r x (zero-copy + memcpy) > 1.1"
		rc=1
	fi
done
echo "1..$n"
sed 's/^/# /' "$table"
exit $rc
