#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# The remote endpoint's copy API against its zero-copy API plus memcpy(),
# in instructions counted by valgrind's callgrind (exact and repeatable;
# wall-clock time on a shared machine is not). Part of make bench.
#
#   tests/bench/remote-copy.sh [ITERATIONS]
#
# For each size (8, 64, 1024, 4096 bytes) three callgrind runs of
# bench_remote_copy (-O2, hosted port), each collecting only inside:
#   copy:     round_copy(): cmshm_remote_send() + cmshm_remote_recv()
#   zerocopy: round_zerocopy(): reserve, memcpy, commit, peek, memcpy,
#             release (the memcpy()s are bench_copy())
#   memcpy:   bench_copy() alone, in the zero-copy run
# and prints instructions per round (one send, one receive): copy,
# zero-copy without its memcpy()s, memcpy, and copy / (zero-copy +
# memcpy), which issue 8 bounds by 1.1. One TAP line
# per size; the table also goes to build/bench/remote-copy.txt.
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$top/build/bench
iters=${1:-2000}
mkdir -p "$out"
bin=$out/bench_remote_copy
${CC:-cc} -std=c11 -O2 -g -Wall -Wextra -Werror -I "$top/include" \
	-o "$bin" "$top/tests/bench/bench_remote_copy.c" \
	"$top/firmware/endpoint/cmshm_remote.c" || exit 1
if ! command -v valgrind >/dev/null; then
	echo "not ok 1 - valgrind not found (run scripts/install-deps.sh)"
	exit 1
fi

# ir MODE SIZE FUNCTIONS...: instructions collected inside FUNCTIONS.
ir() {
	local mode=$1 size=$2 f args=() file
	shift 2
	file=$out/callgrind.$mode.$size.$1
	for f in "$@"; do
		args+=("--toggle-collect=$f")
	done
	valgrind -q --tool=callgrind --callgrind-out-file="$file" \
		"${args[@]}" "$bin" "$mode" "$size" "$iters" || return 1
	awk '/^summary:/ { print $2 }' "$file"
}

table=$out/remote-copy.txt
{
	echo "# remote endpoint, instructions per round (send + receive), $iters rounds, $(cd "$top" && git rev-parse --short HEAD 2>/dev/null)"
	printf '# %6s %10s %10s %10s %8s\n' size copy zerocopy memcpy ratio
} >"$table"
n=0
rc=0
for size in 8 64 1024 4096; do
	c=$(ir copy $size round_copy) &&
	zm=$(ir zerocopy $size round_zerocopy) &&
	m=$(ir zerocopy $size bench_copy) || { echo "not ok - callgrind failed"; exit 1; }
	z=$((zm - m))
	line=$(awk -v s=$size -v c=$c -v z=$z -v m=$m -v n=$iters 'BEGIN {
		printf "%8d %10.1f %10.1f %10.1f %8.3f", s, c / n, z / n, m / n,
			c / (z + m) }')
	echo "$line" >>"$table"
	ratio=${line##* }
	n=$((n + 1))
	if awk -v r=$ratio 'BEGIN { exit !(r <= 1.1) }'; then
		echo "ok $n - copy API at $size B: $ratio x (zero-copy + memcpy) <= 1.1"
	else
		echo "not ok $n - copy API at $size B: $ratio x (zero-copy + memcpy) > 1.1"
		rc=1
	fi
done
echo "1..$n"
sed 's/^/# /' "$table"
exit $rc
