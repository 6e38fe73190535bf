#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fetch-kernel.sh - fetch one of Debian's stock kernels for the cmshm tests.
#
# Usage: tests/vm/fetch-kernel.sh [--kernel NAME] [--check] [--env] [OUTDIR]
#
# NAME is one of tests/vm/kernels.sh (default 6.1: Debian 12's arm64 kernel;
# also 6.1-amd64, 6.1-armhf, 6.12, 6.12-rt, 6.12-amd64). Downloads (apt-get
# download, never installs) and unpacks with dpkg -x into
# OUTDIR/<release> (default OUTDIR: <repo>/build/vm/debian):
#   linux-image-<release>:<arch>      kernel image for qemu -kernel (only
#                                     for kernels the suites boot)
#   linux-headers-<release>:<arch>    kbuild tree for out-of-tree modules,
#   linux-headers-<abi>-common[-rt]   with the common part it depends on,
#   linux-kbuild-<series> (host arch) and its fixdep/modpost, same version
#   busybox-static:<arch>             the guest userland (bootable kernels)
# The kbuild tree is self-contained: nothing is installed on the host apart
# from the tool packages below. The headers' Makefile includes
# /usr/src/linux-headers-<abi>-common/Makefile with an absolute path; it is
# rewritten to include the unpacked copy relative to itself. For a 32-bit
# target, modpost is rebuilt for it (tests/vm/rebuild-modpost.sh): Debian
# 12's amd64 linux-kbuild-6.1 sizes the device tables for a 64-bit one.
#
# The release (6.1.0-57-arm64, 6.12.117+deb12-rt-arm64...) changes with
# each Debian security upload; it is resolved at run time from the kernel's
# meta package (CMSHM_KERNEL_RELEASE=... pins one). A finished folder is
# reused as is (no download).
#
# On success writes OUTDIR/NAME.env (shell syntax, also valid for make's
# "include") and prints it:
#   KNAME=6.12-rt                   the name
#   KABI=6.12.117+deb12             Debian kernel ABI
#   KVERSION=6.12.117-1~deb12u1     Debian package version
#   KRELEASE=6.12.117+deb12-rt-arm64  uname -r in the guest (vermagic)
#   KERNEL_IMAGE=<abs path>         kernel for qemu -kernel (empty: not
#                                   booted)
#   KDIR=<abs path>                 make -C $KDIR M=... ARCH=$KARCH
#                                   CROSS_COMPILE=$KCROSS modules
#   KCONFIG=<abs path>              the kernel's .config
#   BUSYBOX=<abs path>              static busybox for the guest (or empty)
#   KBOOT KARCH KCROSS VM_QEMU VM_CPU VM_CONSOLE   from tests/vm/kernels.sh
# --env prints only the path of that file (fetching first if needed).
#
# Host tool packages (installed with apt-get when running as root, after
# "dpkg --add-architecture <arch>" + "apt-get update" if needed; otherwise
# the exact command is printed and the script fails): qemu-system-arm,
# the kernel's cross compiler (KCROSS_PKGS), device-tree-compiler kmod cpio
# gzip dwarves (pahole: 6.12's module build generates BTF).
#
# --check: only check the host tools; exit 0 when all are present.
#
# Exit status: 0 on success, 1 on any error (a one-line reason on stderr).

set -euo pipefail

die() {
	echo "fetch-kernel.sh: error: $*" >&2
	exit 1
}

note() {
	echo "fetch-kernel.sh: $*" >&2
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)
# shellcheck source=tests/vm/kernels.sh
. "$script_dir/kernels.sh"

check_only=0
print_env=0
outdir=
name=${CMSHM_KERNEL:-$CMSHM_KERNEL_DEFAULT}
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || die "--kernel needs a name"; name=$2; shift ;;
	--check) check_only=1 ;;
	--env) print_env=1 ;;
	-h|--help) sed -n '3,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) [ -z "$outdir" ] || die "only one OUTDIR"; outdir=$1 ;;
	esac
	shift
done
cmshm_kernel "$name" || die "unknown kernel '$name' (one of: ${CMSHM_KERNELS[*]})"
outdir=${outdir:-$repo_dir/build/vm/debian}

# Host tools -------------------------------------------------------------

# shellcheck disable=SC2206 # word list on purpose
host_pkgs=(qemu-system-arm device-tree-compiler kmod cpio gzip dwarves $KCROSS_PKGS)
# Foreign architectures whose package lists we need (never installed).
foreign=()
[ "$KDEBARCH" = "$(dpkg --print-architecture)" ] || foreign+=("$KDEBARCH")

missing_pkgs() {
	local p
	for p in "${host_pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

missing_archs() {
	local a
	for a in "${foreign[@]}"; do
		dpkg --print-foreign-architectures | grep -qx "$a" || echo "$a"
	done
}

ensure_host() {
	local missing archs a
	missing=$(missing_pkgs | tr '\n' ' ')
	missing=${missing% }
	archs=$(missing_archs | tr '\n' ' ')
	archs=${archs% }
	[ -n "$missing$archs" ] || return 0
	if [ "$check_only" -eq 1 ]; then
		note "missing packages: ${missing:-<none>}; dpkg architectures: ${archs:-ok}"
		exit 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "fetch-kernel.sh: host setup needed; run as root:" >&2
		for a in $archs; do
			echo "  dpkg --add-architecture $a" >&2
		done
		echo "  apt-get update" >&2
		[ -z "$missing" ] ||
			echo "  apt-get install -y --no-install-recommends $missing" >&2
		exit 1
	fi
	for a in $archs; do
		note "adding dpkg architecture $a"
		dpkg --add-architecture "$a"
	done
	note "apt-get update"
	apt-get update -qq >&2 || die "apt-get update failed"
	if [ -n "$missing" ]; then
		note "installing $missing"
		# shellcheck disable=SC2086 # word list on purpose
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $missing >&2 ||
			die "apt-get install $missing failed"
	fi
}

# One setup and one fetch at a time (parallel make jobs, several sessions).
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
exec 9>"$outdir/.lock"
flock 9 || die "cannot lock $outdir/.lock"

ensure_host
[ "$check_only" -eq 0 ] || exit 0
env_file=$outdir/$name.env

# Kernel release -----------------------------------------------------------

# The meta package depends on linux-image-<release>:<arch>.
resolve_release() {
	apt-cache depends "$KMETA" 2>/dev/null |
		sed -n "s/^ *Depends: linux-image-\([0-9][^:]*-$KFLAVOUR\)\(:$KDEBARCH\)\{0,1\}\$/\1/p" |
		head -n 1
}

release=${CMSHM_KERNEL_RELEASE:-$(resolve_release)}
if [ -z "$release" ] && [ "$(id -u)" -eq 0 ]; then
	note "apt-get update (no $KMETA in the apt lists)"
	apt-get update -qq >&2 || note "apt-get update failed"
	release=$(resolve_release)
fi
if [ -z "$release" ]; then
	# Offline or broken apt lists: fall back to what we already have.
	if [ -f "$env_file" ]; then
		note "cannot resolve $KMETA with apt-cache; using cached $env_file"
		[ "$print_env" -eq 1 ] && echo "$env_file" || cat "$env_file"
		exit 0
	fi
	die "cannot resolve the kernel from 'apt-cache depends $KMETA' (run apt-get update?)"
fi
abi=${release%-"$KFLAVOUR"}

write_env() {
	local dir=$1 tmp image=
	[ "$KBOOT" = 0 ] || image=$dir/root/boot/vmlinuz-$release
	tmp=$(mktemp "$env_file.XXXXXX")
	cat >"$tmp" <<EOF
# Generated by tests/vm/fetch-kernel.sh - do not edit.
KNAME=$name
KABI=$abi
KVERSION=$(cat "$dir/.version")
KRELEASE=$release
KERNEL_IMAGE=$image
KDIR=$dir/root/usr/src/linux-headers-$release
KCONFIG=$dir/root/usr/src/linux-headers-$release/.config
BUSYBOX=$([ "$KBOOT" = 0 ] || echo "$dir/root/bin/busybox")
KBOOT=$KBOOT
KARCH=$KARCH
KCROSS=$KCROSS
VM_QEMU=$VM_QEMU
VM_CPU=$VM_CPU
VM_CONSOLE=$VM_CONSOLE
EOF
	mv -f "$tmp" "$env_file"
	if [ "$print_env" -eq 1 ]; then
		echo "$env_file"
	else
		cat "$env_file"
	fi
}

dir=$outdir/$release
if [ -f "$dir/.complete" ]; then
	write_env "$dir"
	exit 0
fi

# Download and unpack ----------------------------------------------------

note "fetching Debian's $release ($name) into $dir"
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp/debs" "$dir.tmp/root"

# All kernel packages from one upload: pin the headers' exact version.
headers=linux-headers-$release:$KDEBARCH
version=$(apt-cache show --no-all-versions "$headers" 2>/dev/null |
	  sed -n 's/^Version: //p' | head -n 1)
[ -n "$version" ] || die "no package $headers in the apt lists"
# The common headers (arch all) and kbuild (host arch) it depends on.
deps=$(apt-cache depends "$headers" |
       sed -n 's/^ *Depends: <\{0,1\}\(linux-\(headers-[^ >]*-common[^ >]*\|kbuild-[^ >]*\)\)>\{0,1\}$/\1/p' |
       sed 's/:.*//')
[ "$(echo "$deps" | wc -w)" -eq 2 ] ||
	die "unexpected dependencies of $headers: $(echo $deps)"
pkgs=("$headers=$version")
for p in $deps; do
	pkgs+=("$p=$version")
done
if [ "$KBOOT" = 1 ]; then
	pkgs+=("linux-image-$release:$KDEBARCH=$version" "busybox-static:$KDEBARCH")
fi

# apt-get download writes into the current directory; as root it warns that
# _apt cannot write there (harmless), so give it a world-writable folder.
chmod 0777 "$dir.tmp/debs"
(cd "$dir.tmp/debs" && apt-get download -q "${pkgs[@]}" >&2) ||
	die "apt-get download ${pkgs[*]} failed"

for deb in "$dir.tmp/debs"/*.deb; do
	dpkg -x "$deb" "$dir.tmp/root" || die "dpkg -x $deb failed"
done
echo "$version" >"$dir.tmp/.version"

root=$dir.tmp/root
kdir=$root/usr/src/linux-headers-$release
[ -f "$kdir/Makefile" ] || die "no $kdir/Makefile"
[ -e "$kdir/scripts/Makefile.build" ] ||
	die "$kdir/scripts does not resolve into the unpacked linux-kbuild"
if [ "$KBOOT" = 1 ]; then
	[ -f "$root/boot/vmlinuz-$release" ] || die "no kernel image in linux-image-$release"
	[ -x "$root/bin/busybox" ] || die "no /bin/busybox in busybox-static:$KDEBARCH"
fi

# Make the kbuild tree relocatable and independent of /usr/src on the host.
# shellcheck disable=SC2016 # $(...) is make syntax here
sed -i 's|^include /usr/src/\(linux-headers-[^/]*-common[^/]*\)/Makefile$|include $(dir $(lastword $(MAKEFILE_LIST)))../\1/Makefile|' \
	"$kdir/Makefile"
# shellcheck disable=SC2016 # literal make syntax
grep -q '^include \$(dir ' "$kdir/Makefile" ||
	die "unexpected $kdir/Makefile (cannot redirect the include of the common headers)"

if [ "$KARCH" = arm ]; then
	"$script_dir/rebuild-modpost.sh" "$kdir" "$KARCH" "$KCROSS" ||
		die "cannot rebuild modpost for $KARCH"
fi

rm -rf "$dir.tmp/debs"
touch "$dir.tmp/.complete"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
write_env "$dir"
