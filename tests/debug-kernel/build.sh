#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build.sh - build (and cache) an arm64 debug kernel for the cmshm VM tests.
#
# Usage: tests/debug-kernel/build.sh [--variant kasan|kcsan|rt] [--force]
#
# Builds Image + Module.symvers (enough for out-of-tree modules) from a
# Debian linux-source-<series> package with ARCH=arm64
# CROSS_COMPILE=aarch64-linux-gnu-, configured as "allnoconfig" +
# tests/debug-kernel/cmshm-debug.config + cmshm-<series>.config (small:
# boots QEMU virt from an initramfs, nothing else) with the runtime checkers
# KASAN, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP, KMEMLEAK and friends.
#   --variant kasan   (default) linux-source-6.1, the fragments above;
#                     writes build/debug-kernel/env.sh
#   --variant kcsan   linux-source-6.1, plus cmshm-kcsan.config: KCSAN instead
#                     of KASAN (the two exclude each other); writes
#                     build/debug-kernel/env-kcsan.sh
#   --variant rt      linux-source-6.12, plus cmshm-rt.config: PREEMPT_RT
#                     (mainline since 6.12), with the checkers above; writes
#                     build/debug-kernel/env-rt.sh
#   --force           rebuild even when the cache is up to date
#
# Cache: each source series is unpacked once into
# build/debug-kernel/linux-source-<series> (shared by its variants);
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
#   KVERSION=6.1.192-2              Debian linux-source-<series> version
#   KRELEASE=6.1.192-cmshm-debug    uname -r in the guest (module vermagic)
#   KERNEL_IMAGE=<abs path>         out-<variant>/arch/arm64/boot/Image
#   KDIR=<abs path>                 out-<variant>: make -C $KDIR M=...
#                                   ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#   KCONFIG=<abs path>              the kernel's .config
#   BUSYBOX=<abs path>              from tests/vm/fetch-kernel.sh (arm64)
#   KVARIANT=kasan|kcsan|rt
# and, for the harness's per-kernel settings:
#   KNAME=debug-<variant>           a name for the kernel (log folders etc.)
#   KARCH=arm64                     make ARCH=
#   KCROSS=aarch64-linux-gnu-       make CROSS_COMPILE=
#   VM_QEMU=qemu-system-aarch64     the emulator
#   VM_CPU=cortex-a53               its -cpu
#   VM_CONSOLE=ttyAMA0              the guest's console= device
# and prints the same lines on stdout.  Progress goes to stderr; the full
# kernel build log is build/debug-kernel/out-<variant>.log.
#
# Host packages (installed with apt-get when run as root, else the command is
# printed): linux-source-6.1 (kasan, kcsan) or linux-source-6.12 (rt, from
# bookworm-security; architecture all), bc bison flex libssl-dev libelf-dev
# dwarves rsync cpio kmod gcc-aarch64-linux-gnu make gcc libc6-dev xz-utils.
#
# Exit status: 0 on success, 1 on any error (a one-line reason on stderr).

set -euo pipefail

readonly PROG=build.sh
readonly HOST_PKGS=(bc bison flex libssl-dev libelf-dev dwarves rsync cpio kmod
		    gcc-aarch64-linux-gnu make gcc libc6-dev xz-utils)
readonly KARCH=arm64 KCROSS=aarch64-linux-gnu-
readonly KMAKE_ARGS=(ARCH="$KARCH" CROSS_COMPILE="$KCROSS")

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

# Variant: source series, env file, variant fragment.
variant_fragment=
case "$variant" in
kasan) series=6.1; env_file=$top/env.sh ;;
kcsan) series=6.1; env_file=$top/env-kcsan.sh; variant_fragment=cmshm-kcsan.config ;;
rt) series=6.12; env_file=$top/env-rt.sh; variant_fragment=cmshm-rt.config ;;
*) die "unknown variant '$variant' (kasan, kcsan or rt)" ;;
esac
src_pkg=linux-source-$series
src_tarball=/usr/src/$src_pkg.tar.xz
# Merged in this order; for a symbol set twice the last one wins.
fragments=("$script_dir/cmshm-debug.config" "$script_dir/cmshm-$series.config")
[ -z "$variant_fragment" ] || fragments+=("$script_dir/$variant_fragment")
for f in "${fragments[@]}"; do
	[ -f "$f" ] || die "missing fragment $f"
done
jobs=${CMSHM_DEBUG_KERNEL_JOBS:-2}

# Host packages -----------------------------------------------------------

missing=()
for p in "$src_pkg" "${HOST_PKGS[@]}"; do
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
[ -f "$src_tarball" ] || die "no $src_tarball (package $src_pkg)"

# The normal (arm64) VM kernel provides busybox (and the harness tools).
# fetch-kernel.sh prints its env file's lines: taken from there rather than
# from the file, whose name depends on the version of tests/vm.
fetched=$("$repo_dir"/tests/vm/fetch-kernel.sh) || die "tests/vm/fetch-kernel.sh failed"
BUSYBOX=$(sed -n 's/^BUSYBOX=//p' <<<"$fetched" | tail -n 1)
if [ -z "$BUSYBOX" ] || [ ! -x "$BUSYBOX" ]; then
	die "no busybox from tests/vm/fetch-kernel.sh ('$BUSYBOX')"
fi

mkdir -p "$top"
exec 9>"$top/.lock-$variant"
flock 9 || die "cannot lock $top/.lock-$variant"

# Source ------------------------------------------------------------------

src=$top/$src_pkg
kversion=$(dpkg-query -W -f='${Version}' "$src_pkg")
src_id="$src_pkg $kversion $(stat -c '%s %Y' "$src_tarball")"
# One unpack per series, shared by its variants (the lock is per series, so
# that a 6.1 and a 6.12 build do not wait for each other).
exec 8>"$top/.lock-src-$series"
flock 8 || die "cannot lock $top/.lock-src-$series"
if [ ! -f "$src/.cmshm-unpacked" ] || [ "$(cat "$src/.cmshm-unpacked")" != "$src_id" ]; then
	note "unpacking $src_tarball into $src"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$src_tarball" -C "$src.tmp" || die "cannot unpack $src_tarball"
	mv "$src.tmp/$src_pkg" "$src"
	rmdir "$src.tmp"
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
KNAME=debug-$variant
KARCH=$KARCH
KCROSS=$KCROSS
VM_QEMU=qemu-system-aarch64
VM_CPU=cortex-a53
VM_CONSOLE=ttyAMA0
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
