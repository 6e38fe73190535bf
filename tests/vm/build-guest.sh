#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Build everything a VM run needs, for the kernel of $CMSHM_VM_KERNEL_ENV or
# $CMSHM_KERNEL (default 6.1; see tests/vm/kernels.sh), into the guest
# folder (default build/guest/<kernel name>, or $CMSHM_GUEST_DIR), and the
# host side into build/host/:
#   <guest>/cmshm.ko, cmshm_test_mbox.ko      for that kernel
#   <guest>/cmshm_rpu_start.ko                arm64: starts the emulated
#                                             ZynqMP's R5
#   <guest>/cmshm-tool, cmshm-vmtest, cmshm-lifecycle, cmshm-stall,
#          cmshm-fwctl
#                                             static, for its
#                                             architecture (bootable
#                                             kernels only)
#   build/host/cmshm-remote                   the remote-core emulator
# Downloads the kernel and its headers first (tests/vm/fetch-kernel.sh).
# Prints the guest folder on stdout (its only output there).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/vm/kernels.sh
. "$top"/tests/vm/kernels.sh
env_file=$(cmshm_kernel_env_file)
KARCH=arm64 KCROSS=aarch64-linux-gnu-
# shellcheck source=/dev/null
. "$env_file"
out=$(cmshm_guest_dir "$top")
mkdir -p "$out"

# kmod NAME DIR FILES...: build the out-of-tree module in DIR of a private
# copy of FILES (paths relative to the repository, layout kept).
kmod() {
	local name=$1 dir=$2 src=$out/kmod-$1
	shift 2
	mkdir -p "$src"
	(cd "$top" && rsync -aR --delete --exclude '*.o' --exclude '*.ko' "$@" "$src"/)
	make -s -C "$KDIR" M="$src/$dir" ARCH="$KARCH" \
		CROSS_COMPILE="$KCROSS" modules >"$src.log" 2>&1 ||
		{ cat "$src.log" >&2; exit 1; }
	cp "$src/$dir"/*.ko "$out"/
}
kmod cmshm . Kbuild driver include
kmod mbox tests/mailbox tests/mailbox driver/cmshm_compat.h
# The emulated ZynqMP (run-vm.sh --machine zynqmp) boots arm64 kernels.
[ "$KARCH" != arm64 ] || kmod rpu tests/vm/zynqmp tests/vm/zynqmp
# A kernel that is only built for (amd64) needs no guest programs.
if [ "${KBOOT:-1}" = 0 ]; then
	echo "$out"
	exit 0
fi

make -s -C "$top"/userspace >&2
make -s -C "$top"/userspace CROSS="$KCROSS" >&2
# userspace/Makefile names the folder after the compiler's first word.
cp "$top/build/${KCROSS%%-*}/cmshm-tool" "$out"/
for src in tests/vm/guest/cmshm-vmtest.c tests/vm/guest/cmshm-lifecycle.c \
	tests/vm/guest/cmshm-stall.c tests/vm/zynqmp/cmshm-fwctl.c; do
	"${KCROSS}gcc" -static -pthread -std=gnu11 -O2 -Wall -Wextra -Werror \
		-I"$top"/include/uapi -I"$top"/include -I"$top"/userspace \
		-I"$top"/tests/vm/guest "$top/$src" "$top"/tests/vm/guest/vmtest.c \
		-o "$out/$(basename "$src" .c)"
done
echo "$out"
