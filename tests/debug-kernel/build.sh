#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build.sh - build (and cache) an arm64 debug kernel for the cmshm VM tests.
#
# Usage: tests/debug-kernel/build.sh [--variant kasan|kcsan] [--force]
#
# Builds Image + Module.symvers (enough for out-of-tree modules) from
# Debian's linux-source-6.1 with ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-,
# configured as "allnoconfig" + tests/debug-kernel/cmshm-debug.config (small:
# boots QEMU virt from an initramfs, nothing else) with the runtime checkers
# KASAN, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP, KMEMLEAK and friends.
#   --variant kasan   (default) the fragment above;  writes build/debug-kernel/env.sh
#   --variant kcsan   plus cmshm-kcsan.config: KCSAN instead of KASAN (the two
#                     exclude each other); writes build/debug-kernel/env-kcsan.sh
#   --force           rebuild even when the cache is up to date
#
# Cache: the source is unpacked once into build/debug-kernel/linux-source-6.1;
# the kernel is built in build/debug-kernel/out-<variant> (O=), niced, -j2
# (override with CMSHM_DEBUG_KERNEL_JOBS).  The build is skipped when the
# source tarball, the fragments, this script and the compiler are unchanged
# (a stamp file holds their hash); a changed fragment rebuilds
# incrementally, a changed source from scratch.
#
# Every option set in the fragments is checked in the final .config
# (merge_config.sh silently drops options whose dependencies are unmet): any
# mismatch fails the build with the list.
#
# The env file has the shape of tests/vm/fetch-kernel.sh's (for
# tests/vm/run-vm.sh --kernel-env / CMSHM_VM_KERNEL_ENV):
#   KVERSION=6.1.192-2              Debian linux-source-6.1 version
#   KRELEASE=6.1.192-cmshm-debug    uname -r in the guest (module vermagic)
#   KERNEL_IMAGE=<abs path>         out-<variant>/arch/arm64/boot/Image
#   KDIR=<abs path>                 out-<variant>: make -C $KDIR M=...
#                                   ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#   KCONFIG=<abs path>              the kernel's .config
#   BUSYBOX=<abs path>              from build/vm/debian/env.sh
#   KVARIANT=kasan|kcsan
# and prints the same lines on stdout.  Progress goes to stderr; the full
# kernel build log is build/debug-kernel/out-<variant>.log.
#
# Host packages (installed with apt-get when run as root, else the command is
# printed): linux-source-6.1 bc bison flex libssl-dev libelf-dev dwarves rsync
# cpio kmod gcc-aarch64-linux-gnu make gcc libc6-dev xz-utils.
#
# Exit status: 0 on success, 1 on any error (a one-line reason on stderr).

set -euo pipefail

readonly PROG=build.sh
readonly HOST_PKGS=(linux-source-6.1 bc bison flex libssl-dev libelf-dev dwarves
		    rsync cpio kmod gcc-aarch64-linux-gnu make gcc libc6-dev xz-utils)
readonly SRC_TARBALL=/usr/src/linux-source-6.1.tar.xz
readonly KMAKE_ARGS=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)

die() {
	echo "$PROG: error: $*" >&2
	exit 1
}

note() {
	echo "$PROG: $*" >&2
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)
top=$repo_dir/build/debug-kernel

variant=kasan
force=0
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) [ $# -ge 2 ] || die "--variant needs an argument"; variant=$2; shift ;;
	--force) force=1 ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) die "unknown argument $1 (see --help)" ;;
	esac
	shift
done

fragments=("$script_dir/cmshm-debug.config")
case "$variant" in
kasan) env_file=$top/env.sh ;;
kcsan) env_file=$top/env-kcsan.sh; fragments+=("$script_dir/cmshm-kcsan.config") ;;
*) die "unknown variant '$variant' (kasan or kcsan)" ;;
esac
for f in "${fragments[@]}"; do
	[ -f "$f" ] || die "missing fragment $f"
done
jobs=${CMSHM_DEBUG_KERNEL_JOBS:-2}

# Host packages -----------------------------------------------------------

missing=()
for p in "${HOST_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "$PROG: missing packages; run as root:" >&2
		echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	note "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >&2 ||
		{ apt-get update -qq >&2 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" >&2; } ||
		die "apt-get install ${missing[*]} failed"
fi
[ -f "$SRC_TARBALL" ] || die "no $SRC_TARBALL (package linux-source-6.1)"

# The normal VM kernel provides busybox (and the harness tools).
"$repo_dir"/tests/vm/fetch-kernel.sh >/dev/null || die "tests/vm/fetch-kernel.sh failed"
# shellcheck source=/dev/null
BUSYBOX=$(. "$repo_dir"/build/vm/debian/env.sh && echo "$BUSYBOX")
[ -x "$BUSYBOX" ] || die "no busybox from build/vm/debian/env.sh"

mkdir -p "$top"
exec 9>"$top/.lock-$variant"
flock 9 || die "cannot lock $top/.lock-$variant"

# Source ------------------------------------------------------------------

src=$top/linux-source-6.1
kversion=$(dpkg-query -W -f='${Version}' linux-source-6.1)
src_id="linux-source-6.1 $kversion $(stat -c '%s %Y' "$SRC_TARBALL")"
# One unpack for all variants.
exec 8>"$top/.lock-src"
flock 8 || die "cannot lock $top/.lock-src"
if [ ! -f "$src/.cmshm-unpacked" ] || [ "$(cat "$src/.cmshm-unpacked")" != "$src_id" ]; then
	note "unpacking $SRC_TARBALL into $src"
	rm -rf "$src" "$top/linux-source-6.1.tmp"
	mkdir -p "$top/linux-source-6.1.tmp"
	tar -xJf "$SRC_TARBALL" -C "$top/linux-source-6.1.tmp" ||
		die "cannot unpack $SRC_TARBALL"
	mv "$top/linux-source-6.1.tmp/linux-source-6.1" "$src"
	rmdir "$top/linux-source-6.1.tmp"
	echo "$src_id" >"$src/.cmshm-unpacked"
fi
flock -u 8

# Cache check ---------------------------------------------------------------

out=$top/out-$variant
log=$top/out-$variant.log
stamp_id=$(
	{
		echo "$src_id"
		echo "variant $variant"
		cat "${fragments[@]}" "${BASH_SOURCE[0]}"
		aarch64-linux-gnu-gcc --version | head -n 1
	} | sha256sum | cut -d' ' -f1
)

write_env() {
	local krelease tmp
	krelease=$(make -s -C "$src" O="$out" "${KMAKE_ARGS[@]}" kernelrelease 2>/dev/null) ||
		die "make kernelrelease failed"
	[ -n "$krelease" ] || die "empty kernelrelease"
	tmp=$(mktemp "$env_file.XXXXXX")
	cat >"$tmp" <<EOF
# Generated by tests/debug-kernel/build.sh - do not edit.
KVERSION=$kversion
KRELEASE=$krelease
KERNEL_IMAGE=$out/arch/arm64/boot/Image
KDIR=$out
KCONFIG=$out/.config
BUSYBOX=$BUSYBOX
KVARIANT=$variant
EOF
	mv -f "$tmp" "$env_file"
	cat "$env_file"
}

if [ "$force" -eq 0 ] && [ -f "$out/.cmshm-stamp" ] &&
   [ "$(cat "$out/.cmshm-stamp")" = "$stamp_id" ] &&
   [ -f "$out/arch/arm64/boot/Image" ] && [ -f "$out/Module.symvers" ]; then
	note "cached $variant kernel is up to date ($out)"
	write_env
	exit 0
fi

# A different source tree cannot share object files.
if [ -f "$out/.cmshm-src" ] && [ "$(cat "$out/.cmshm-src")" != "$src_id" ]; then
	note "source changed: removing $out"
	rm -rf "$out"
fi
mkdir -p "$out"
echo "$src_id" >"$out/.cmshm-src"
rm -f "$out/.cmshm-stamp"

# Configure -----------------------------------------------------------------

start=$SECONDS
note "configuring ($variant): allnoconfig + ${fragments[*]##*/}"
(cd "$src" && env "${KMAKE_ARGS[@]}" scripts/kconfig/merge_config.sh -n -O "$out" \
	"${fragments[@]}") >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "merge_config.sh failed (log: $log)"; }

# Expected value of each symbol: the last fragment wins.
bad=$(awk '
	FNR == NR { cfg[$0] = 1; next }
	/^CONFIG_[A-Za-z0-9_]+=/ { sym = $0; sub(/=.*/, "", sym); want[sym] = $0; next }
	/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { sym = $2; want[sym] = $0; next }
	END {
		for (sym in want) {
			w = want[sym]
			if (w ~ /^# /) {
				if ((sym "=y") in cfg || (sym "=m") in cfg)
					print "  " sym ": wanted not set, got =y/=m"
			} else if (!(w in cfg)) {
				print "  wanted " w
			}
		}
	}' "$out/.config" "${fragments[@]}" | sort)
if [ -n "$bad" ]; then
	echo "$PROG: these fragment options are not in $out/.config (unmet dependencies?):" >&2
	echo "$bad" >&2
	die "configuration check failed"
fi
note "configuration check passed: every fragment option is in .config"

# Build ---------------------------------------------------------------------

note "building Image and Module.symvers ($variant, -j$jobs, nice 19; log: $log)"
if ! nice -n 19 make -C "$src" O="$out" "${KMAKE_ARGS[@]}" -j"$jobs" \
	Image modules >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 20 >&2 || true
	die "kernel build failed (log: $log)"
fi
[ -f "$out/arch/arm64/boot/Image" ] || die "no Image after the build"
[ -f "$out/Module.symvers" ] || die "no Module.symvers after the build"
elapsed=$((SECONDS - start))
# CPU time of everything this script ran (mostly the compiler): a measure
# that does not depend on what else the machine was doing.
times >"$out/.cmshm-times"	# not in a subshell: it would see no children
cpu=$(awk 'NR == 2 {
	split($1, u, /[ms]/); split($2, s, /[ms]/)
	printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$out/.cmshm-times")
echo "$elapsed" >"$out/.cmshm-build-seconds"
echo "$stamp_id" >"$out/.cmshm-stamp"
note "built $variant kernel in ${elapsed} s wall ($((elapsed / 60)) min), ${cpu} s CPU (user+sys, -j$jobs)"
write_env
