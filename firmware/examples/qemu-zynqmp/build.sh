#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Build the test firmware of the emulated ZynqMP's Cortex-R5F with Debian's
# arm-none-eabi-gcc: the remote endpoint library (the same source the
# emulator is built from), the Arm port with the data-cache maintenance
# path on (CMSHM_ARM_DCACHE=1: QEMU executes the CP15 operations as no-ops),
# the board file of firmware/boards/qemu-zynqmp-r5, and the echo example's
# runtime and Cortex-R5 reset code.
#
#   firmware/examples/qemu-zynqmp/build.sh [OUTDIR]
#
# Writes OUTDIR/cmshm-r5.elf and cmshm-r5.map (default OUTDIR:
# build/firmware/qemu-zynqmp-r5) and prints the ELF's path; every warning
# is an error. Exit status 1 with the compiler's output on stderr if the
# build fails.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
out=${1:-$top/build/firmware/qemu-zynqmp-r5}
fw=$top/firmware
here=$fw/examples/qemu-zynqmp
echo_dir=$fw/examples/echo
CC=${CROSS:-arm-none-eabi-}gcc
cpu=(-mcpu=cortex-r5 -marm)
cflags=(-std=c99 -Os -g -ffreestanding -fno-common -ffunction-sections
	-fdata-sections -Wall -Wextra -Wconversion -Werror -DCMSHM_ARM_DCACHE=1
	'-DCMSHM_PORT_HEADER="cmshm_port_arm.h"' -I"$fw/port/arm" -I"$top/include"
	-I"$fw/boards/qemu-zynqmp-r5" -I"$echo_dir" -I"$top/userspace")
mkdir -p "$out"
objs=()
for src in "$fw/endpoint/cmshm_remote.c" \
	"$fw/boards/qemu-zynqmp-r5/cmshm_qemu_zynqmp.c" \
	"$here/main.c" "$here/link_work.c" \
	"$echo_dir/runtime.c" "$echo_dir/startup_cortex_r5.S"; do
	o=$out/$(basename "${src%.*}").o
	extra=()
	case $src in
	*/runtime.c) extra=(-fno-builtin -fno-tree-loop-distribute-patterns) ;;
	esac
	"$CC" "${cflags[@]}" "${cpu[@]}" "${extra[@]}" -c -o "$o" "$src" >&2
	objs+=("$o")
done
"$CC" "${cpu[@]}" -nostdlib -Wl,--gc-sections -Wl,--fatal-warnings \
	-Wl,-Map="$out/cmshm-r5.map" -L"$echo_dir/ld" -L"$here/ld" \
	-T "$here/ld/qemu-zynqmp-r5.ld" -o "$out/cmshm-r5.elf" "${objs[@]}" -lgcc >&2
echo "$out/cmshm-r5.elf"
