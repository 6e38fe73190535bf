#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# rebuild-modpost.sh - rebuild the modpost of an unpacked kbuild tree for a
# cross target.
#
# Usage: tests/vm/rebuild-modpost.sh KDIR ARCH CROSS_COMPILE
#   e.g. build/.../root/usr/src/linux-headers-6.1.0-57-armmp arm arm-linux-gnueabihf-
#
# Debian's amd64 linux-kbuild-SERIES has a modpost built with the device
# table offsets of a 64-bit kernel: it rejects a 32-bit module's
# MODULE_DEVICE_TABLE. This rebuilds it from Debian's linux-source-SERIES
# (linux-source.sh) with devicetable-offsets.h and elfconfig.h made for the
# target, installs it as KDIR/scripts/mod/modpost (which must resolve under
# <repo>/build; Debian's is kept as modpost.debian) and checks that a module
# with an of_device_id table builds and has its of: alias (else the old
# modpost is put back). The marker modpost.rebuilt records the target: a
# second run does nothing. Missing host packages (gcc make kmod
# gcc-<CROSS_COMPILE minus its dash>) are installed with apt-get as root;
# otherwise the command is printed.
# Exit status: 0 on success, 1 on any error (a one-line reason on stderr).

set -euo pipefail

die() { echo "rebuild-modpost.sh: error: $*" >&2; exit 1; }
note() { echo "rebuild-modpost.sh: $*" >&2; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)

{ [ $# -eq 3 ] && [ -n "$3" ]; } || die "usage: rebuild-modpost.sh KDIR ARCH CROSS_COMPILE"
kdir=$(cd "$1" 2>/dev/null && pwd) || die "no directory $1"
arch=$2 cross=$3 hostcc=${HOSTCC:-gcc}
PATH=$PATH:/usr/sbin:/sbin	# modinfo, for non-root users

[ -f "$kdir/Makefile" ] || die "no $kdir/Makefile"
# An absolute include (Debian's default) would make kbuild use the host's
# /usr/src common tree and its scripts, not the ones replaced here.
! grep -q '^include /' "$kdir/Makefile" ||
	die "$kdir/Makefile includes an absolute path; make it relative (see fetch-kernel.sh)"
build_dir=$(readlink -f "$repo_dir/build")
mod_dir=$(readlink -f "$kdir/scripts/mod") || die "$kdir/scripts/mod does not resolve"
[ -f "$mod_dir/modpost" ] || die "no modpost in $mod_dir"
[[ "$mod_dir/" == "$build_dir"/* ]] ||
	die "$kdir/scripts resolves to $mod_dir, not under $build_dir: refusing to touch it"

# The headers Makefile includes the common one, which has VERSION/PATCHLEVEL.
common=$(sed -n 's|^include .*/\(linux-headers-[^/]*\)/Makefile$|\1|p' "$kdir/Makefile")
hdr_dir=$kdir
[ -z "$common" ] || hdr_dir=$(cd "$kdir/../$common" && pwd)
series=$(sed -n '1s/^\([0-9]*\.[0-9]*\).*/\1/p' "$kdir/include/config/kernel.release" 2>/dev/null ||
	 awk '/^VERSION =/ { v = $3 } /^PATCHLEVEL =/ { p = $3 } END { print v "." p }' "$hdr_dir/Makefile")
[[ "${series:-}" =~ ^[0-9]+\.[0-9]+$ ]] || die "cannot tell the kernel series of $kdir"

# The marker holds the target and the checksum of the modpost built for it,
# so a modpost unpacked again over ours is noticed.
marker=$mod_dir/modpost.rebuilt
target="ARCH=$arch CROSS_COMPILE=$cross series=$series"
already() {
	{ [ -f "$marker" ] && [ "$(sed -n 1p "$marker")" = "$target" ] &&
	  [ "$(sed -n 2p "$marker")" = "$(sha256sum <"$mod_dir/modpost")" ]; } || return 1
	note "modpost in $mod_dir already rebuilt for $target"
}
already && exit 0

# One rebuild at a time for this kbuild tree; check again once we have it.
if ! { exec 9>"$mod_dir/.rebuild-modpost.lock"; } 2>/dev/null || ! flock 9; then
	die "cannot lock $mod_dir/.rebuild-modpost.lock"
fi
already && exit 0

# Host tools (command, package); a cross gcc's package is named after its
# prefix (Debian's kbuild runs ${cross}gcc-12, a dependency of it).
missing=()
need() { command -v "$1" >/dev/null || missing+=("$2"); }
need "$hostcc" gcc; need make make; need modinfo kmod; need "${cross}gcc" "gcc-${cross%-}"
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] ||
		die "missing packages; run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
	note "installing ${missing[*]}"
	inst=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
	      --no-install-recommends "${missing[@]}")
	# Retry once after refreshing stale package lists.
	"${inst[@]}" >&2 || { apt-get update -qq >&2 && "${inst[@]}" >&2; } ||
		die "apt-get install ${missing[*]} failed"
fi

src=$("$script_dir/linux-source.sh" "$series" scripts/mod) ||
	die "cannot get scripts/mod of linux-source-$series"
wd=$(mktemp -d "${TMPDIR:-/tmp}/rebuild-modpost.XXXXXX")
trap 'rm -rf "$wd"' EXIT
log=$mod_dir/modpost.rebuild.log
# modpost.c and file2alias.c include ../../include/linux/*.h: lay out a
# tree whose include/ is the target's headers.
w=$wd/scripts/mod
mkdir -p "$wd/scripts"
cp -r "$src/scripts/mod" "$w"
ln -s "$hdr_dir/include" "$wd/include"

note "compiling devicetable-offsets.s and empty.o for $target"
# Kbuild's own single-target rules give the target's exact compiler flags.
make -C "$kdir" M="$w" ARCH="$arch" CROSS_COMPILE="$cross" \
	devicetable-offsets.s empty.o >"$log" 2>&1 ||
	die "target compile failed (see $log)"

# filechk_offsets / sed-offsets of scripts/Makefile.lib: the ->SYM VALUE
# .ascii lines of the assembly become #defines.
{
	printf '#ifndef %s\n#define %s\n/*\n * DO NOT MODIFY.\n *\n * This file was generated by Kbuild\n */\n\n' \
		__DEVICETABLE_OFFSETS_H__ __DEVICETABLE_OFFSETS_H__
	sed -ne 's:^[[:space:]]*\.ascii[[:space:]]*"\(.*\)".*:\1:; /^->/{s:->#\(.*\):/* \1 */:; s:^->\([^ ]*\) [\$#]*\([^ ]*\) \(.*\):#define \1 \2 /* \3 */:; s:->::; p;}' \
		"$w/devicetable-offsets.s"
	printf '\n#endif\n'
} >"$w/devicetable-offsets.h"
grep -q '^#define SIZE_of_device_id [0-9]' "$w/devicetable-offsets.h" ||
	die "no SIZE_of_device_id in the generated devicetable-offsets.h"

note "building modpost with $hostcc (linux-source-$series)"
hcflags=(-O2 -std=gnu11 -Wall -Wmissing-prototypes -Wstrict-prototypes)
"$hostcc" "${hcflags[@]}" -o "$w/mk_elfconfig" "$w/mk_elfconfig.c" >>"$log" 2>&1 ||
	die "host build of mk_elfconfig failed (see $log)"
"$w/mk_elfconfig" <"$w/empty.o" >"$w/elfconfig.h" 2>>"$log" ||
	die "mk_elfconfig failed on empty.o (see $log)"
"$hostcc" "${hcflags[@]}" -o "$w/modpost" "$w/modpost.c" "$w/file2alias.c" \
	"$w/sumversion.c" >>"$log" 2>&1 || die "host build of modpost failed (see $log)"

# Install: keep Debian's (a wrapper picking modpost.real-*) once, swap ours
# in atomically, and put the original back if the check below fails.
[ -e "$mod_dir/modpost.debian" ] || cp -p "$mod_dir/modpost" "$mod_dir/modpost.debian"
cp -p "$mod_dir/modpost" "$w/modpost.prev"
cp "$w/modpost" "$mod_dir/modpost.new"
mv -f "$mod_dir/modpost.new" "$mod_dir/modpost"

# Check: a module with two of_device_id entries (the 64-bit offsets fail).
note "checking: module with an of_device_id table for $target"
t=$wd/check
mkdir -p "$t"
echo 'obj-m := mptest.o' >"$t/Kbuild"
cat >"$t/mptest.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/mod_devicetable.h>
static const struct of_device_id mptest_of_match[] = {
	{ .compatible = "cmshm,modpost-test" }, { }
};
MODULE_DEVICE_TABLE(of, mptest_of_match);
MODULE_LICENSE("GPL");
EOF
if ! make -C "$kdir" M="$t" ARCH="$arch" CROSS_COMPILE="$cross" modules >>"$log" 2>&1 ||
   ! modinfo -F alias "$t/mptest.ko" 2>>"$log" | grep -qx 'of:N\*T\*Ccmshm,modpost-test'; then
	mv -f "$w/modpost.prev" "$mod_dir/modpost"
	die "check module failed with the rebuilt modpost; original restored (see $log)"
fi

printf '%s\n%s\nbuilt from %s\n' "$target" "$(sha256sum <"$mod_dir/modpost")" "$src" >"$marker"
note "modpost in $mod_dir rebuilt for $target"
