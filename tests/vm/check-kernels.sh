#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# check-kernels.sh - cmshm on every kernel of tests/vm/kernels.sh
# (make check-kernels): builds cmshm.ko and the test mailbox for each, and
# boots each bootable one (arm64, armhf) in QEMU to run VM scenarios of
# tests/vm/run-integration.sh on it.
#
# Usage: tests/vm/check-kernels.sh [--kernels 'NAME...'] [SCENARIO...]
#   --kernels   the kernels (default: all of tests/vm/kernels.sh)
#   SCENARIO    run-integration.sh scenarios for the bootable kernels
#               (default: functional lifecycle stream)
# Environment: CMSHM_STREAM_COUNT (default here 20000 messages each way),
# and what run-integration.sh reads.
#
# Prints TAP lines, each naming the kernel release it ran on; exits
# non-zero if any failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/vm/kernels.sh
. "$top"/tests/vm/kernels.sh
kernels=("${CMSHM_KERNELS[@]}")
if [ "${1:-}" = --kernels ]; then
	read -r -a kernels <<<"${2:?--kernels needs a list}"
	shift 2
fi
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(functional lifecycle stream)
export CMSHM_STREAM_COUNT=${CMSHM_STREAM_COUNT:-20000}
logs=$top/build/vm/check-kernels
mkdir -p "$logs"
fails=0

for k in "${kernels[@]}"; do
	cmshm_kernel "$k" || { echo "not ok - unknown kernel $k"; fails=$((fails + 1)); continue; }
	t0=$SECONDS
	if ! env_file=$("$top"/tests/vm/fetch-kernel.sh --kernel "$k" --env 2>"$logs/$k.fetch.log"); then
		sed 's/^/# /' "$logs/$k.fetch.log"
		echo "not ok - $k: fetch Debian's kernel"
		fails=$((fails + 1))
		continue
	fi
	# shellcheck source=/dev/null
	. "$env_file"
	if CMSHM_KERNEL=$k "$top"/tests/vm/build-guest.sh >/dev/null 2>"$logs/$k.build.log"; then
		echo "ok - $KRELEASE: cmshm.ko and cmshm_test_mbox.ko build ($k, ARCH=$KARCH, $((SECONDS - t0)) s)"
	else
		sed 's/^/# /' "$logs/$k.build.log" | tail -20
		echo "not ok - $KRELEASE: cmshm.ko and cmshm_test_mbox.ko build ($k)"
		fails=$((fails + 1))
		continue
	fi
	[ "$KBOOT" = 1 ] || continue
	t0=$SECONDS
	"$top"/tests/vm/run-integration.sh --kernel "$k" "${scenarios[@]}" ||
		fails=$((fails + 1))
	echo "# $k ($KRELEASE): ${scenarios[*]} in $((SECONDS - t0)) s"
done
[ $fails -eq 0 ]
