#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Install the Debian 12 packages cmshm's build, tests and demo need.
# As root it runs apt-get; otherwise it prints the exact command and fails.
# No kernel, headers or busybox is installed here: every kernel of
# tests/vm/kernels.sh (the amd64 ones too) is downloaded and unpacked into
# build/ by tests/vm/fetch-kernel.sh (installing linux-headers-*-arm64:arm64
# would replace the host compilers). The foreign architectures are added
# only so that apt can download their packages.
set -euo pipefail

pkgs=(
	build-essential bc bison flex kmod cpio rsync perl python3 xz-utils
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
	qemu-system-arm qemu-utils device-tree-compiler dt-schema dwarves
	libcmocka-dev sparse clang libclang-rt-14-dev relacy-dev g++
	gcc-arm-none-eabi
)
archs=(arm64 armhf)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
missing_archs=()
for a in "${archs[@]}"; do
	dpkg --print-foreign-architectures | grep -qx "$a" || missing_archs+=("$a")
done

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_archs[@]} -eq 0 ]; then
	exit 0
fi
cmd=
for a in "${missing_archs[@]}"; do
	cmd+="dpkg --add-architecture $a && "
done
cmd+="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "cmshm needs packages. Run as root:" >&2
	echo "  $cmd" >&2
	exit 1
fi
echo "installing: ${missing[*]} (architectures: ${missing_archs[*]:-present})"
for a in "${missing_archs[@]}"; do
	dpkg --add-architecture "$a"
done
apt-get update -q
[ ${#missing[@]} -eq 0 ] ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
