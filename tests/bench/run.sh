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
#   vm           the driver in Debian's arm64 kernel under QEMU -icount:
#                guest instructions per write()/read(), doorbells per
#                message, ping round trip (vm.sh; one VM boot)
#
#   tests/bench/run.sh [SUITE...]    default: all three, in that order
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(remote-copy ring vm)
args=()
for s in "${suites[@]}"; do
	[ -x "tests/bench/$s.sh" ] || { echo "run.sh: no suite '$s'" >&2; exit 2; }
	args+=("bench-$s=tests/bench/$s.sh")
done
tests/run-suites.sh "${args[@]}"
rc=$?
mkdir -p build/bench
for s in "${suites[@]}"; do
	[ -f "build/bench/$s.txt" ] && cat "build/bench/$s.txt"
done >build/bench/summary.txt
exit $rc
