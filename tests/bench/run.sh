#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# make bench: every benchmark, as suites of tests/run-suites.sh (TAP lines,
# the last line "N passed, N failed"). Not part of make check. Each writes
# its table to build/bench/; this script then joins them in
# build/bench/summary.txt.
#
#   remote-copy  the remote endpoint's copy API against its zero-copy API
#                plus memcpy(), callgrind instructions (remote-copy.sh)
#   ring         cmshm's ring against memcpy() and a minimal reference
#                SPSC ring, host: callgrind instructions, ns, two-thread
#                messages/s, same-run ratios (ring.sh)
#   vm-6.1       the driver in Debian 12's arm64 kernel under QEMU -icount:
#                guest instructions per write()/read(), doorbells per
#                message, ping round trip (vm.sh; one VM boot)
#   vm-6.12      the same on Debian's 6.12 arm64 kernel, whose mailbox
#                framework reports a doorbell's TX done (c58e9456e30c), so
#                that the driver coalesces doorbells (6.1 sends each one)
#
#   tests/bench/run.sh [SUITE...]    default: all four, in that order
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
declare -A cmd=(
	[remote-copy]=tests/bench/remote-copy.sh
	[ring]=tests/bench/ring.sh
	[vm-6.1]="tests/bench/vm.sh --kernel 6.1"
	[vm-6.12]="tests/bench/vm.sh --kernel 6.12"
)
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(remote-copy ring vm-6.1 vm-6.12)
args=()
for s in "${suites[@]}"; do
	[ -n "${cmd[$s]:-}" ] || {
		echo "run.sh: no suite '$s' (${!cmd[*]})" >&2
		exit 2
	}
	args+=("bench-$s=${cmd[$s]}")
done
tests/run-suites.sh "${args[@]}"
rc=$?
mkdir -p build/bench
for s in "${suites[@]}"; do
	[ ! -f "build/bench/$s.txt" ] || cat "build/bench/$s.txt"
done >build/bench/summary.txt
exit $rc
