# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# kernels.sh - the kernels cmshm is built and tested against: one name per
# kernel, and everything a script needs to fetch, build for and boot it.
# Sourced (bash) by fetch-kernel.sh, build-guest.sh, run-vm.sh and the
# suites; nothing else names an architecture, a cross compiler or a QEMU.
#
#   cmshm_kernel_names [boot]   the names, in order (boot: only bootable ones)
#   cmshm_kernel NAME           sets the K* and VM_* variables below for
#                               NAME; returns 1 for an unknown name
#
# Per kernel:
#   KNAME      the name (6.1, 6.12-rt, ...)
#   KDEBARCH   Debian architecture of the kernel packages
#   KFLAVOUR   Debian kernel flavour (linux-image-<abi>-<flavour>)
#   KSERIES    upstream series: linux-kbuild-<...>, linux-source-<series>
#   KMETA      meta package naming the newest kernel of the series
#   KBOOT      1: booted in QEMU by the suites; 0: build checks only
# Per architecture:
#   KARCH      kbuild ARCH=
#   KCROSS     kbuild CROSS_COMPILE= (empty: the host compiler)
#   KCROSS_PKGS  Debian packages of that compiler and its libc (static
#              guest programs)
#   VM_QEMU VM_CPU VM_CONSOLE   qemu-system binary, -cpu, console device
#
# Debian 12's own archive (bookworm and bookworm-security) has every one of
# these; the 6.12 kernels are Debian's "6.12.N+deb12" uploads, built with
# gcc-12 so that their kbuild runs here. The ABI (6.1.0-N, 6.12.N+deb12)
# moves with each security upload; fetch-kernel.sh resolves it from KMETA.

# shellcheck disable=SC2034 # the variables are for the sourcing script

CMSHM_KERNELS=(6.1 6.1-amd64 6.1-armhf 6.12 6.12-rt 6.12-amd64)
CMSHM_KERNEL_DEFAULT=6.1

cmshm_kernel_names() {
	local k
	for k in "${CMSHM_KERNELS[@]}"; do
		cmshm_kernel "$k"
		[ "${1:-}" != boot ] || [ "$KBOOT" = 1 ] || continue
		echo "$k"
	done
}

cmshm_kernel() {
	KNAME=$1
	case "$1" in
	6.1)	KDEBARCH=arm64 KFLAVOUR=arm64 KSERIES=6.1 KBOOT=1 ;;
	6.1-amd64) KDEBARCH=amd64 KFLAVOUR=amd64 KSERIES=6.1 KBOOT=0 ;;
	6.1-armhf) KDEBARCH=armhf KFLAVOUR=armmp KSERIES=6.1 KBOOT=1 ;;
	6.12)	KDEBARCH=arm64 KFLAVOUR=arm64 KSERIES=6.12 KBOOT=1 ;;
	6.12-rt) KDEBARCH=arm64 KFLAVOUR=rt-arm64 KSERIES=6.12 KBOOT=1 ;;
	6.12-amd64) KDEBARCH=amd64 KFLAVOUR=amd64 KSERIES=6.12 KBOOT=0 ;;
	*)	return 1 ;;
	esac
	# Debian 12's default series has an unversioned meta package.
	if [ "$KSERIES" = 6.1 ]; then
		KMETA=linux-image-$KFLAVOUR:$KDEBARCH
	else
		KMETA=linux-image-$KSERIES-$KFLAVOUR:$KDEBARCH
	fi
	case "$KDEBARCH" in
	arm64)
		KARCH=arm64 KCROSS=aarch64-linux-gnu-
		KCROSS_PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
		VM_QEMU=qemu-system-aarch64 VM_CPU=cortex-a53 VM_CONSOLE=ttyAMA0 ;;
	armhf)
		# Cortex-A15: the virt machine's 32-bit CPU with LPAE and the
		# generic timer, which Debian's armmp kernel runs on.
		KARCH=arm KCROSS=arm-linux-gnueabihf-
		KCROSS_PKGS="gcc-arm-linux-gnueabihf libc6-dev-armhf-cross"
		VM_QEMU=qemu-system-arm VM_CPU=cortex-a15 VM_CONSOLE=ttyAMA0 ;;
	amd64)
		KARCH=x86 KCROSS= KCROSS_PKGS=
		VM_QEMU= VM_CPU= VM_CONSOLE= ;;
	esac
	return 0
}

# cmshm_kernel_env_file: the env file of the kernel the suites run on:
# $CMSHM_VM_KERNEL_ENV (a debug kernel's, say) if set, else that of
# $CMSHM_KERNEL (default 6.1), fetched first if needed.
cmshm_kernel_env_file() {
	if [ -n "${CMSHM_VM_KERNEL_ENV:-}" ]; then
		echo "$CMSHM_VM_KERNEL_ENV"
	else
		"$(dirname "${BASH_SOURCE[0]}")"/fetch-kernel.sh \
			--kernel "${CMSHM_KERNEL:-$CMSHM_KERNEL_DEFAULT}" --env
	fi
}

# cmshm_mbox_tracks_null: whether the kernel whose env file was sourced
# last has c58e9456e30c ("mailbox: Fix NULL message support in
# mbox_send_message()"), i.e. its mailbox framework reports a NULL doorbell
# done (see driver/cmshm_compat.h). Looks for the MBOX_NO_MSG marker in its
# headers (a build tree, or Debian's arch + common header packages).
cmshm_mbox_tracks_null() {
	grep -qs MBOX_NO_MSG "$KDIR"/include/linux/mailbox_controller.h \
		"$(dirname "$KDIR")"/linux-headers-*-common*/include/linux/mailbox_controller.h
}

# cmshm_guest_dir TOP: where build-guest.sh puts the modules and static
# programs for the kernel whose env file was sourced last (KNAME):
# $CMSHM_GUEST_DIR if set, else TOP/build/guest/KNAME.
cmshm_guest_dir() {
	echo "${CMSHM_GUEST_DIR:-$1/build/guest/${KNAME:-default}}"
}
