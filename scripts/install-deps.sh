#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Install the Debian 12 packages cmshm's build, tests and demo need.
# As root it runs apt-get; otherwise it prints the exact command and fails.
# The arm64 kernel, its headers and busybox are NOT installed here: they are
# downloaded and unpacked into build/ by tests/vm/fetch-kernel.sh (installing
# linux-headers-*-arm64:arm64 would replace the host compilers).
set -euo pipefail

pkgs=(
	build-essential bc bison flex kmod cpio rsync perl python3
	linux-headers-amd64 linux-kbuild-6.1
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm qemu-utils device-tree-compiler dt-schema
	libcmocka-dev sparse clang libclang-rt-14-dev
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
arm64=1
dpkg --print-foreign-architectures | grep -qx arm64 || arm64=0

if [ ${#missing[@]} -eq 0 ] && [ $arm64 -eq 1 ]; then
	exit 0
fi
cmd="dpkg --add-architecture arm64 && apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "cmshm needs packages. Run as root:" >&2
	echo "  $cmd" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
dpkg --add-architecture arm64
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
