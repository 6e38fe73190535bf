#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# fetch-dtbs.sh - the device trees Debian ships with one of its kernels,
# for tests/dt/check-bindings.sh's real-board checks.
#
# Usage: tests/dt/fetch-dtbs.sh NAME
#
# NAME is a kernel of tests/vm/kernels.sh (6.1: Debian 12's arm64 kernel,
# 6.1-armhf: its armmp kernel). Prints the directory holding the kernel
# package's DTBs (usr/lib/linux-image-<release>/, with the vendor
# subdirectories on arm64 and flat on armhf).
#
# The release is resolved from the kernel's meta package as
# tests/vm/fetch-kernel.sh does. If fetch-kernel.sh has already unpacked
# that release (build/vm/debian/<release>/, complete), its copy is used.
# Otherwise only linux-image-<release>:<arch> is downloaded (apt-get
# download, never installed) and unpacked with dpkg -x into
# build/dt/debian/<release>/; everything but the DTBs is then deleted. A
# finished folder is reused as is. Offline (no apt lists), the newest
# finished folder of that flavour is used.
#
# Needs the package's architecture in dpkg (dpkg --add-architecture; as
# root this is done, with apt-get update; scripts/install-deps.sh does it
# too). Exit status: 0 on success, 1 on error (a one-line reason on
# stderr).
set -euo pipefail

die() {
	echo "fetch-dtbs.sh: error: $*" >&2
	exit 1
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/vm/kernels.sh
. "$top/tests/vm/kernels.sh"

[ $# -eq 1 ] || die "usage: fetch-dtbs.sh NAME"
cmshm_kernel "$1" || die "unknown kernel '$1' (one of: ${CMSHM_KERNELS[*]})"
vmdir=$top/build/vm/debian
outdir=$top/build/dt/debian
mkdir -p "$outdir"
exec 9>"$outdir/.lock"
flock 9 || die "cannot lock $outdir/.lock"

# dtbdir RELEASE: the DTB directory of a finished folder, or nothing.
dtbdir() {
	local d
	for d in "$vmdir/$1/root" "$outdir/$1"; do
		if [ -f "${d%/root}/.complete" ] &&
		   [ -d "$d/usr/lib/linux-image-$1" ]; then
			echo "$d/usr/lib/linux-image-$1"
			return 0
		fi
	done
	return 1
}

resolve_release() {
	apt-cache depends "$KMETA" 2>/dev/null |
		sed -n "s/^ *Depends: linux-image-\([0-9][^:]*-$KFLAVOUR\)\(:$KDEBARCH\)\{0,1\}\$/\1/p" |
		head -n 1
}

if [ "$KDEBARCH" != "$(dpkg --print-architecture)" ] &&
   ! dpkg --print-foreign-architectures | grep -qx "$KDEBARCH"; then
	[ "$(id -u)" -eq 0 ] ||
		die "run as root: dpkg --add-architecture $KDEBARCH && apt-get update"
	dpkg --add-architecture "$KDEBARCH"
	apt-get update -qq >&2 || die "apt-get update failed"
fi

release=${CMSHM_KERNEL_RELEASE:-$(resolve_release)}
if [ -z "$release" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -qq >&2 || true
	release=$(resolve_release)
fi
if [ -z "$release" ]; then
	# Offline: the newest finished folder of this flavour, if any.
	for r in $(for d in "$vmdir"/*-"$KFLAVOUR" "$outdir"/*-"$KFLAVOUR"; do
			   [ ! -d "$d" ] || basename "$d"
		   done | sort -Vr); do
		dtbdir "$r" && exit 0
	done
	die "cannot resolve $KMETA with apt-cache and nothing cached (apt-get update?)"
fi

dtbdir "$release" && exit 0

dir=$outdir/$release
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp/debs"
# apt-get download as root warns when _apt cannot write the folder.
chmod 0777 "$dir.tmp/debs"
echo "fetch-dtbs.sh: downloading linux-image-$release:$KDEBARCH" >&2
(cd "$dir.tmp/debs" && apt-get download -q "linux-image-$release:$KDEBARCH" >&2) ||
	die "apt-get download linux-image-$release:$KDEBARCH failed"
dpkg -x "$dir.tmp/debs"/*.deb "$dir.tmp" || die "dpkg -x failed"
[ -d "$dir.tmp/usr/lib/linux-image-$release" ] ||
	die "no usr/lib/linux-image-$release in linux-image-$release"
# Keep the DTBs only (the modules are most of the package).
find "$dir.tmp" -mindepth 1 -maxdepth 1 ! -name usr -exec rm -rf {} +
find "$dir.tmp/usr" -mindepth 1 -maxdepth 1 ! -name lib -exec rm -rf {} +
find "$dir.tmp/usr/lib" -mindepth 1 -maxdepth 1 ! -name "linux-image-$release" \
	-exec rm -rf {} +
touch "$dir.tmp/.complete"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
dtbdir "$release"
