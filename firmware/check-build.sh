#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Build the remote endpoint library and the echo firmware for every
# supported core with Debian's arm-none-eabi-gcc, and check the size
# goals of README ("Remote side"). One TAP line per check; exits 1 if any
# failed. Output in build/firmware/<target>/ (echo.elf, echo.map, .o).
#
#   firmware/check-build.sh [-q]
#
# Per core: the library alone at -Os (its .text/.data/.bss, as
# arm-none-eabi-size prints them), then the echo firmware of each board on
# that core, linked without a C library (-nostdlib; memcpy from
# firmware/examples/echo/runtime.c). Goals: library .text <= 2048 bytes on
# Cortex-M4, and the RAM of one link (the echo's struct cmshm_remote, its
# symbol size in the ELF, plus the library's .data/.bss) <= 128 bytes.
# Every build uses -Wall -Wextra -Wconversion -Werror. Last, the test
# firmware of the emulated ZynqMP's R5 (firmware/examples/qemu-zynqmp).
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$top/build/firmware
fw=$top/firmware
echo_dir=$fw/examples/echo
CC=${CROSS:-arm-none-eabi-}gcc
SIZE=${CROSS:-arm-none-eabi-}size
NM=${CROSS:-arm-none-eabi-}nm
CFLAGS_FW="-std=c99 -Os -g -ffreestanding -fno-common -ffunction-sections
	-fdata-sections -Wall -Wextra -Wconversion -Werror"
TEXT_GOAL=2048
RAM_GOAL=128

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -s "${2:-}" ] && sed 's/^/#   /' "$2"
}

if ! command -v "$CC" >/dev/null; then
	echo "1..1"
	echo "not ok 1 - $CC not found (Debian: gcc-arm-none-eabi; run scripts/install-deps.sh)"
	exit 1
fi

# name | cpu flags | CMSHM_ARM_DCACHE | board dir | startup file
targets="
imx8mm-m4|-mcpu=cortex-m4 -mthumb|0|imx8m-m4|startup_cortex_m.c
stm32mp1-m4|-mcpu=cortex-m4 -mthumb|0|stm32mp1-m4|startup_cortex_m.c
imx8mp-m7|-mcpu=cortex-m7 -mthumb|1|imx8m-m4|startup_cortex_m.c
zynqmp-r5|-mcpu=cortex-r5 -marm|1|zynqmp-r5|startup_cortex_r5.S
"
# core | cpu flags | CMSHM_ARM_DCACHE (the library alone)
cores="
cortex-m4|-mcpu=cortex-m4 -mthumb|0
cortex-m7|-mcpu=cortex-m7 -mthumb|1
cortex-r5|-mcpu=cortex-r5 -marm|1
"

port="-DCMSHM_PORT_HEADER=\"cmshm_port_arm.h\" -I$fw/port/arm -I$top/include"
declare -A lib_text

# size_of FILE: "text data bss" of an object or ELF.
size_of() { "$SIZE" "$1" | awk 'NR == 2 { print $1, $2, $3 }'; }

while IFS='|' read -r core cpu dcache; do
	[ -n "$core" ] || continue
	d=$out/lib-$core
	mkdir -p "$d"
	log=$d/build.log
	# shellcheck disable=SC2086
	if $CC $CFLAGS_FW $cpu -DCMSHM_ARM_DCACHE=$dcache $port -c \
		-o "$d/cmshm_remote.o" "$fw/endpoint/cmshm_remote.c" >"$log" 2>&1 &&
		[ ! -s "$log" ]; then
		read -r t dt b <<<"$(size_of "$d/cmshm_remote.o")"
		lib_text[$core]=$t
		ok "library builds for $core (-Os, dcache=$dcache): text $t data $dt bss $b"
		[ $((dt + b)) -eq 0 ] && ok "library has no static data on $core" ||
			not_ok "library has no static data on $core (data $dt bss $b)"
	else
		not_ok "library builds for $core" "$log"
	fi
done <<<"$cores"

if [ -n "${lib_text[cortex-m4]:-}" ] && [ "${lib_text[cortex-m4]}" -le $TEXT_GOAL ]; then
	ok "library .text on cortex-m4 at -Os is ${lib_text[cortex-m4]} <= $TEXT_GOAL bytes"
else
	not_ok "library .text on cortex-m4 at -Os is ${lib_text[cortex-m4]:-?} <= $TEXT_GOAL bytes"
fi

while IFS='|' read -r name cpu dcache board startup; do
	[ -n "$name" ] || continue
	d=$out/$name
	mkdir -p "$d"
	log=$d/build.log
	: >"$log"
	objs=
	built=1
	for src in "$fw/endpoint/cmshm_remote.c" "$fw/boards/$board"/*.c \
		"$echo_dir/echo.c" "$echo_dir/runtime.c" "$echo_dir/$startup"; do
		o=$d/$(basename "${src%.*}").o
		extra=
		case $src in
		*/runtime.c) extra="-fno-builtin -fno-tree-loop-distribute-patterns" ;;
		*/echo.c) extra="-DECHO_BOARD=\"$name.h\" -I$echo_dir/boards" ;;
		esac
		# shellcheck disable=SC2086
		if ! $CC $CFLAGS_FW $cpu -DCMSHM_ARM_DCACHE=$dcache $port \
			-I$fw/boards/$board -I$echo_dir $extra -c -o "$o" "$src" \
			>>"$log" 2>&1; then
			built=0
		fi
		objs="$objs $o"
	done
	# shellcheck disable=SC2086
	if [ $built = 1 ] && $CC $cpu -nostdlib -Wl,--gc-sections \
		-Wl,-Map="$d/echo.map" -L"$echo_dir/ld" -T "$echo_dir/ld/$name.ld" \
		-o "$d/echo.elf" $objs -lgcc >>"$log" 2>&1 && [ ! -s "$log" ]; then
		read -r t dt b <<<"$(size_of "$d/echo.elf")"
		link=$("$NM" -S "$d/echo.elf" | awk '$4 == "echo_link" { print $2 }')
		[ -n "$link" ] && link=$((16#$link))
		ok "echo firmware for $name links ($cpu): text $t data $dt bss $b"
		if [ -n "$link" ] && [ "$link" -le $RAM_GOAL ]; then
			ok "RAM per link on $name: struct cmshm_remote is $link <= $RAM_GOAL bytes"
		else
			not_ok "RAM per link on $name: struct cmshm_remote is ${link:-?} <= $RAM_GOAL bytes"
		fi
	else
		not_ok "echo firmware for $name builds with no warning" "$log"
	fi
done <<<"$targets"

# The test firmware of the emulated ZynqMP's R5 (tests/vm/zynqmp), in DDR.
d=$out/qemu-zynqmp-r5
mkdir -p "$d"
if "$fw/examples/qemu-zynqmp/build.sh" "$d" >/dev/null 2>"$d/build.log" &&
	[ ! -s "$d/build.log" ]; then
	read -r t dt b <<<"$(size_of "$d/cmshm-r5.elf")"
	ok "test firmware for the emulated ZynqMP R5 links (cortex-r5, dcache=1): text $t data $dt bss $b"
else
	not_ok "test firmware for the emulated ZynqMP R5 builds with no warning" "$d/build.log"
fi

echo "1..$n"
[ $failed -eq 0 ]
