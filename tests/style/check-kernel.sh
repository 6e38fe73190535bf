#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Kernel-side quality gates, as TAP lines:
#   - cmshm.ko and the test mailbox build with no warning at W=1 and no
#     sparse report (C=2), against Debian's arm64 6.1 headers (downloaded by
#     tests/vm/fetch-kernel.sh) and the host's amd64 6.1 headers;
#   - checkpatch.pl --strict (from Debian's linux-source-6.1) reports
#     nothing on the driver, the test mailbox, the uapi header and the
#     portable protocol headers. The protocol headers are shared with
#     firmware and userspace, so they use C99 uint32_t: for them alone
#     PREFER_KERNEL_TYPES is ignored.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
n=0
fails=0
tap() { # status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}

# build ARCH KDIR SRC...: copy the sources to build/style-<arch>-<name> and
# build there, so builds for two architectures never share objects.
build() {
	local arch=$1 kdir=$2 name=$3 src=$4 out log rc
	out=$top/build/style/$arch-$name
	rm -rf "$out"
	mkdir -p "$out"
	cp -r "$src"/. "$out"/
	log=$out/build.log
	local cross=()
	[ "$arch" = arm64 ] && cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	make -C "$kdir" M="$out" "${cross[@]}" W=1 C=2 modules >"$log" 2>&1
	rc=$?
	# Any compiler warning or sparse report is a failure.
	if grep -E 'warning:|error:|sparse:' "$log" | grep -v 'Skipping BTF'; then
		rc=1
	fi
	[ -f "$out"/*.ko ] || rc=1
	[ $rc -eq 0 ] || tail -20 "$log" | sed 's/^/# /'
	return $rc
}

stage_driver() {
	local d=$top/build/style/src-driver
	rm -rf "$d" && mkdir -p "$d"
	cp -r "$top"/Kbuild "$top"/driver "$top"/include "$d"/
	echo "$d"
}

drv=$(stage_driver)
"$top"/tests/vm/fetch-kernel.sh >/dev/null
# shellcheck source=/dev/null
. "$top"/build/vm/debian/env.sh
amd64_kdir=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -1)

build arm64 "$KDIR" cmshm "$drv"
tap $? "cmshm.ko builds for arm64 ($KRELEASE) at W=1 with sparse, no warning"
build arm64 "$KDIR" mbox "$top"/tests/mailbox
tap $? "cmshm_test_mbox.ko builds for arm64 at W=1 with sparse, no warning"
if [ -n "$amd64_kdir" ]; then
	build amd64 "$amd64_kdir" cmshm "$drv"
	tap $? "cmshm.ko builds for amd64 ($(basename "$amd64_kdir")) at W=1 with sparse, no warning"
else
	tap 1 "amd64 headers (linux-headers-amd64) are installed"
fi

cp=$("$top"/tests/style/get-checkpatch.sh)
cd "$top" || exit 1
out=$(perl "$cp" --no-tree --strict --terse -f driver/*.c driver/*.h \
	tests/mailbox/*.c include/uapi/linux/cmshm.h 2>&1 | grep -v '^total:')
[ -z "$out" ]
tap $? "checkpatch --strict: driver, test mailbox, uapi header"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
out=$(perl "$cp" --no-tree --strict --terse --ignore PREFER_KERNEL_TYPES \
	-f include/cmshm/*.h 2>&1 | grep -v '^total:')
[ -z "$out" ]
tap $? "checkpatch --strict: portable protocol headers"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
[ $fails -eq 0 ]
