#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# linux-source.sh - extract parts of Debian's linux-source-SERIES package.
#
# Usage: tests/vm/linux-source.sh SERIES PATH...
#
# SERIES is a Debian kernel source series (6.1 or 6.12 on bookworm). Each
# PATH is a file or directory relative to linux-source-SERIES/ (e.g.
# scripts/mod scripts/checkpatch.pl). The paths are extracted into
#   <repo>/build/linux-source/linux-source-SERIES/
# and that directory is printed on stdout. Nothing is installed: the .deb
# is fetched with "apt-get download linux-source-SERIES" and kept in
# build/linux-source/, so later calls for other paths do not download
# again (remove the .deb to pick up a newer upload). Paths already
# extracted (listed in .extracted in that directory) are not extracted
# again. Parallel calls are serialised with flock.
#
# Exit status: 0 on success, 1 on any error (a one-line reason on stderr).

set -euo pipefail

die() {
	echo "linux-source.sh: error: $*" >&2
	exit 1
}

note() {
	echo "linux-source.sh: $*" >&2
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)

[ $# -ge 2 ] || die "usage: linux-source.sh SERIES PATH..."
series=$1
shift
[[ "$series" =~ ^[0-9]+\.[0-9]+$ ]] || die "bad SERIES '$series' (e.g. 6.1)"
pkg=linux-source-$series

# Normalise the paths (no trailing slash) and keep them inside the tree.
paths=()
for p in "$@"; do
	while [ "${p%/}" != "$p" ]; do p=${p%/}; done
	case "/$p/" in
	//|/./|/../*|*/../*|//*) die "bad PATH '$p' (must be relative, no ..)" ;;
	esac
	paths+=("$p")
done

base=$repo_dir/build/linux-source
dest=$base/$pkg
manifest=$dest/.extracted
mkdir -p "$dest"

exec 9>"$base/.lock-$pkg"
flock 9 || die "cannot lock $base/.lock-$pkg"

# done_path P: P or one of its parents was extracted before, and P exists.
done_path() {
	local m
	[ -e "$dest/$1" ] && [ -f "$manifest" ] || return 1
	while IFS= read -r m; do
		[ "$1" = "$m" ] || [[ "$1" == "$m"/* ]] && return 0
	done <"$manifest"
	return 1
}

# Sorted, a parent comes before its children (it is a prefix of them); a
# child of a path to extract is dropped, as tar would fail to find it twice.
missing=()
while IFS= read -r p; do
	done_path "$p" && continue
	[ ${#missing[@]} -gt 0 ] && [[ "$p" == "${missing[-1]}"/* ]] && continue
	missing+=("$p")
done < <(printf '%s\n' "${paths[@]}" | LC_ALL=C sort -u)
if [ ${#missing[@]} -eq 0 ]; then
	echo "$dest"
	exit 0
fi

stage=$base/.stage-$pkg
dl=$base/.download-$pkg
trap 'rm -rf "$stage" "$dl"' EXIT

# The cached .deb, or a fresh download. apt-get download writes into the
# current directory; as root it warns that _apt cannot write there, so it
# gets a world-writable folder.
find_deb() {
	find "$base" -maxdepth 1 -name "${pkg}_*_all.deb" | sort -V | tail -n 1
}
deb=$(find_deb)
if [ -z "$deb" ]; then
	note "downloading $pkg"
	rm -rf "$dl"
	mkdir -p "$dl"
	chmod 0777 "$dl"
	if ! (cd "$dl" && apt-get download -q "$pkg" >&2); then
		[ "$(id -u)" -eq 0 ] || die "apt-get download $pkg failed"
		# Maybe stale package lists: refresh once and retry.
		note "apt-get update"
		apt-get update -qq >&2 || die "apt-get update failed"
		(cd "$dl" && apt-get download -q "$pkg" >&2) ||
			die "apt-get download $pkg failed"
	fi
	mv "$dl"/"${pkg}"_*_all.deb "$base"/ || die "no $pkg .deb downloaded"
	deb=$(find_deb)
fi

# The .deb holds usr/src/linux-source-SERIES.tar.xz, whose members start
# with linux-source-SERIES/. Extract into a staging folder first so an
# interrupted run never leaves a half-extracted path behind.
note "extracting ${missing[*]} from $(basename "$deb")"
rm -rf "$stage"
mkdir -p "$stage"
members=("${missing[@]/#/$pkg/}")
err=$stage/tar.err
if ! dpkg-deb --fsys-tarfile "$deb" |
	tar -xO "./usr/src/$pkg.tar.xz" |
	tar -xJ -C "$stage" "${members[@]}" 2>"$err"; then
	die "cannot extract from $(basename "$deb"): $(grep -m1 . "$err" || echo 'tar failed')"
fi

for p in "${missing[@]}"; do
	mkdir -p "$(dirname "$dest/$p")"
	rm -rf "${dest:?}/$p"
	mv "$stage/$pkg/$p" "$dest/$p"
	echo "$p" >>"$manifest"
done
echo "$dest"
