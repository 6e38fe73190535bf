#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Kernel-side quality gates, as TAP lines:
#   - cmshm.ko, the test mailbox, the remote endpoint library's kernel
#     port (firmware/port/linux) and, on arm64, the emulated ZynqMP's R5
#     starter (tests/vm/zynqmp) build with no warning at W=1 and no
#     sparse report (C=2) against every kernel of tests/vm/kernels.sh
#     (Debian 12 arm64, amd64 and armhf 6.1; Debian's 6.12 arm64, arm64
#     PREEMPT_RT and amd64), each downloaded by tests/vm/fetch-kernel.sh;
#   - checkpatch.pl --strict (from Debian's linux-source-6.1) reports
#     nothing on the driver, the test mailbox, the R5 starter, the uapi
#     header and the portable protocol headers; on driver/cmshm_compat.h
#     it may report only its kernel-version tests. The protocol headers
#     are shared with firmware and userspace, so they use C99 uint32_t:
#     for them alone PREFER_KERNEL_TYPES is ignored.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/vm/kernels.sh
. "$top"/tests/vm/kernels.sh
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

# build NAME DIR FILES...: copy FILES (repository paths, layout kept) to
# build/style/<kernel>-NAME and build the module in DIR there, at W=1 with
# sparse, for the kernel whose env file was sourced last.
build() {
	local name=$1 dir=$2 out log rc
	shift 2
	out=$top/build/style/$KNAME-$name
	rm -rf "$out"
	mkdir -p "$out"
	(cd "$top" && cp -r --parents "$@" "$out"/)
	log=$out/build.log
	make -C "$KDIR" M="$out/$dir" ARCH="$KARCH" CROSS_COMPILE="$KCROSS" \
		W=1 C=2 modules >"$log" 2>&1
	rc=$?
	# Any compiler warning or sparse report is a failure.
	if grep -E 'warning:|error:|sparse:' "$log" | grep -v 'Skipping BTF'; then
		rc=1
	fi
	compgen -G "$out/$dir/*.ko" >/dev/null || rc=1
	[ $rc -eq 0 ] || tail -20 "$log" | sed 's/^/# /'
	return $rc
}

for k in "${CMSHM_KERNELS[@]}"; do
	if ! env_file=$("$top"/tests/vm/fetch-kernel.sh --kernel "$k" --env); then
		tap 1 "kernel $k: fetch Debian's headers"
		continue
	fi
	# shellcheck source=/dev/null
	. "$env_file"
	build cmshm . Kbuild driver include
	tap $? "cmshm.ko builds for $k ($KRELEASE, ARCH=$KARCH) at W=1 with sparse, no warning"
	build mbox tests/mailbox tests/mailbox driver/cmshm_compat.h
	tap $? "cmshm_test_mbox.ko builds for $k ($KRELEASE) at W=1 with sparse, no warning"
	build remote firmware/port/linux firmware/port/linux firmware/endpoint \
		include
	tap $? "cmshm_remote.ko (the endpoint library, kernel port) builds for $k ($KRELEASE) at W=1 with sparse, no warning"
	# The emulated ZynqMP's R5 starter: arm64 only (PSCI SMC64).
	[ "$KARCH" = arm64 ] || continue
	build rpu tests/vm/zynqmp tests/vm/zynqmp
	tap $? "cmshm_rpu_start.ko builds for $k ($KRELEASE) at W=1 with sparse, no warning"
done

cp=$("$top"/tests/style/get-checkpatch.sh)
cd "$top" || exit 1
out=$(perl "$cp" --no-tree --strict --terse -f driver/*.c driver/cmshm.h \
	tests/mailbox/*.c tests/vm/zynqmp/cmshm_rpu_start.c \
	include/uapi/linux/cmshm.h 2>&1 | grep -v '^total:')
[ -z "$out" ]
tap $? "checkpatch --strict: driver, test mailbox, R5 starter, uapi header"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
# The compatibility header exists to hold the kernel-version tests an
# out-of-tree driver needs (checkpatch assumes in-tree code): for it alone
# LINUX_VERSION_CODE, and the comparison order checkpatch then misreads.
out=$(perl "$cp" --no-tree --strict --terse \
	--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	-f driver/cmshm_compat.h 2>&1 | grep -v '^total:')
[ -z "$out" ]
tap $? "checkpatch --strict: driver/cmshm_compat.h (version tests allowed)"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
out=$(perl "$cp" --no-tree --strict --terse --ignore PREFER_KERNEL_TYPES \
	-f include/cmshm/*.h 2>&1 | grep -v '^total:')
[ -z "$out" ]
tap $? "checkpatch --strict: portable protocol headers"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
# The firmware side is kernel style too, but bare-metal C99 without the
# kernel's headers: uint32_t, volatile for device registers and the
# region (no readl()), no BIT(), GCC attributes spelt out, and the
# linker script's symbols declared extern where they are used.
out=$(perl "$cp" --no-tree --strict --terse \
	--ignore PREFER_KERNEL_TYPES,VOLATILE,BIT_MACRO,PREFER_DEFINED_ATTRIBUTE_MACRO,AVOID_EXTERNS \
	-f $(find firmware -name '*.[ch]' | sort) 2>&1 | grep -v '^total:')
[ -z "$out" ]
tap $? "checkpatch --strict: firmware/ (bare-metal C99)"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
# The uapi header says its ioctl magic is free in the kernel's registry.
rst=Documentation/userspace-api/ioctl/ioctl-number.rst
if src=$("$top"/tests/vm/linux-source.sh 6.12 "$rst"); then
	magic=$(sed -n 's/^#define CMSHM_IOC_MAGIC[[:space:]]*\(0x[0-9A-Fa-f]*\).*/\1/p' \
		include/uapi/linux/cmshm.h)
	[ -n "$magic" ] && ! grep -qi "^$magic[[:space:]]" "$src/$rst"
	tap $? "ioctl magic ${magic:-?} is free in Linux 6.12's ioctl-number.rst"
else
	tap 1 "extract ioctl-number.rst from linux-source-6.12"
fi
[ $fails -eq 0 ]
