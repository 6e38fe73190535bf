#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Build everything a VM run needs into build/guest/ (guest side, arm64) and
# build/host/ (host side):
#   build/guest/cmshm.ko, cmshm_test_mbox.ko   for Debian's arm64 kernel
#   build/aarch64/cmshm-tool, build/guest/cmshm-vmtest,
#   build/guest/cmshm-lifecycle                 static arm64
#   build/host/cmshm-remote                     the remote-core emulator
# Downloads Debian's arm64 kernel and headers first (tests/vm/fetch-kernel.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${CMSHM_GUEST_DIR:-$top/build/guest}
mkdir -p "$out"

"$top"/tests/vm/fetch-kernel.sh >/dev/null
# shellcheck source=/dev/null
. "${CMSHM_VM_KERNEL_ENV:-$top/build/vm/debian/env.sh}"

# kmod NAME FILES...: build an out-of-tree module from a private copy.
kmod() {
	local name=$1 src=$out/kmod-$1
	shift
	mkdir -p "$src"
	rsync -a --delete --exclude '*.o' --exclude '*.ko' "$@" "$src"/
	make -s -C "$KDIR" M="$src" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- modules >"$src.log" 2>&1 ||
		{ cat "$src.log" >&2; exit 1; }
	cp "$src"/*.ko "$out"/
}
kmod cmshm "$top"/Kbuild "$top"/driver "$top"/include
kmod mbox "$top"/tests/mailbox/

make -s -C "$top"/userspace
make -s -C "$top"/userspace CROSS=aarch64-linux-gnu-
aarch64-linux-gnu-gcc -static -std=gnu11 -O2 -Wall -Wextra -Werror \
	-I"$top"/include/uapi -I"$top"/include -I"$top"/userspace \
	"$top"/tests/vm/guest/cmshm-vmtest.c "$top"/tests/vm/guest/vmtest.c \
	-o "$out"/cmshm-vmtest
aarch64-linux-gnu-gcc -static -pthread -std=gnu11 -O2 -Wall -Wextra -Werror \
	-I"$top"/include/uapi -I"$top"/include -I"$top"/userspace \
	"$top"/tests/vm/guest/cmshm-lifecycle.c "$top"/tests/vm/guest/vmtest.c \
	-o "$out"/cmshm-lifecycle
