#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Build each board doorbell of firmware/boards/ with Debian's bare-metal
# Arm compiler (package gcc-arm-none-eabi, see scripts/install-deps.sh),
# printing one TAP line per board and its section sizes
# (arm-none-eabi-size) as a "#" diagnostic. Works from any directory;
# objects go to <repo>/build/boards/. Exit status: 0 if every board built.
#
# Flags: -std=c99 -Os -ffreestanding -Wall -Wextra -Wconversion -Werror,
# plus the core of each board: Cortex-M4 (Thumb) for the i.MX8M and
# STM32MP15 M4s, Cortex-R5 (Arm state) for the ZynqMP RPU and QEMU's
# emulated ZynqMP (tests/vm/zynqmp). Each file must
# also be self-contained: it is compiled with -nostdinc plus the
# compiler's own include directory (stdint.h), so no libc header creeps in,
# and the object must have no undefined symbol and no .data or .bss.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/boards
cc=arm-none-eabi-gcc
size=arm-none-eabi-size
nm=arm-none-eabi-nm
cflags=(-std=c99 -Os -ffreestanding -Wall -Wextra -Wconversion -Werror)

# board directory, C file, -mcpu/-m flags
boards=(
	"imx8m-m4	cmshm_imx_mu.c		-mcpu=cortex-m4 -mthumb"
	"stm32mp1-m4	cmshm_stm32_ipcc.c	-mcpu=cortex-m4 -mthumb"
	"zynqmp-r5	cmshm_zynqmp_ipi.c	-mcpu=cortex-r5 -marm"
	"qemu-zynqmp-r5	cmshm_qemu_zynqmp.c	-mcpu=cortex-r5 -marm"
)

n=0
failed=0

if ! command -v "$cc" >/dev/null || ! command -v "$size" >/dev/null; then
	cmd="apt-get install -y --no-install-recommends gcc-arm-none-eabi"
	if [ "$(id -u)" -eq 0 ]; then
		echo "# installing: gcc-arm-none-eabi"
		$cmd >&2 || { apt-get update >&2 && $cmd >&2; }
	fi
	if ! command -v "$cc" >/dev/null || ! command -v "$size" >/dev/null; then
		echo "not ok 1 - $cc present (run as root: $cmd)"
		echo "1..1"
		exit 1
	fi
fi
mkdir -p "$out" || exit 1
# The compiler's own headers (stdint.h, stddef.h), without newlib's.
incdir=$($cc -print-file-name=include)

# self_contained OBJ LOG: no undefined symbol (no libc call, not even a
# compiler-generated memcpy) and no .data/.bss (no globals); else say why
# in LOG.
self_contained() {
	local undef text data bss

	undef=$("$nm" -u "$1" | awk '{ print $NF }' | tr '\n' ' ')
	[ -z "$undef" ] || echo "undefined symbols: $undef" >>"$2"
	read -r text data bss _ < <("$size" "$1" | awk 'NR == 2')
	[ "$data" = 0 ] && [ "$bss" = 0 ] ||
		echo "not free of globals: data $data, bss $bss (text $text)" >>"$2"
	[ ! -s "$2" ]
}

for b in "${boards[@]}"; do
	read -r dir src mflags <<<"$b"
	obj=$out/$dir.o
	n=$((n + 1))
	rm -f "$obj"
	# shellcheck disable=SC2086 # $mflags is a word list
	if $cc "${cflags[@]}" $mflags -nostdinc -isystem "$incdir" \
			-c "$here/$dir/$src" -o "$obj" >"$obj.log" 2>&1 &&
	   [ ! -s "$obj.log" ] && self_contained "$obj" "$obj.log"; then
		echo "ok $n - firmware/boards/$dir/$src builds ($mflags)"
		"$size" "$obj" | sed 's/^/# /'
	else
		failed=$((failed + 1))
		echo "not ok $n - firmware/boards/$dir/$src builds ($mflags)"
		sed 's/^/#   /' "$obj.log"
	fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
