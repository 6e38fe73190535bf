# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# machines.sh - the QEMU machines tests/vm/run-vm.sh boots: one name per
# machine, and what the harness needs to boot it. Sourced (bash) by
# run-vm.sh after the kernel's env file (it reads VM_CPU and VM_CONSOLE).
#
#   cmshm_machine NAME SMP   sets the MACH_* variables below for NAME;
#                            returns 1 for an unknown name
#
#   MACH_QEMU_ARGS  QEMU's machine and CPU arguments (array)
#   MACH_MEM        -m value, and MACH_RAM_SIZE the same in bytes
#   MACH_RAM_BASE   guest physical address of the RAM file's offset 0
#   MACH_BASE_DTS   the machine's hardware tree (.dts), or empty: QEMU
#                   generates it (dumpdtb)
#   MACH_OVERLAY    the default cmshm overlay
#   MACH_CONSOLE    the kernel's console device
#   MACH_ARCH       the only kernel architecture it boots, or empty: any
#   MACH_REMOTE_UART  1 if the machine has a second UART for the remote
#                   core's firmware (saved by run-vm.sh)
#
# virt: QEMU's generic Arm machine, the kernel's own CPU (cortex-a53 or
#   cortex-a15), SMP Linux CPUs, 512 MiB at 0x40000000, no network card
#   (virt's default one makes QEMU load an iPXE ROM, efi-virtio.rom,
#   package ipxe-qemu, only recommended). The remote core is a host
#   process (run-vm.sh --remote) mapping the RAM file.
# zynqmp: QEMU's xlnx-zcu102 (Zynq UltraScale+ MPSoC): 4 Cortex-A53 and,
#   with -smp 5, one Cortex-R5F (RPU0, MPIDR 4), all on the same
#   physical memory, 1 GiB of DDR at 0. The device tree
#   (tests/vm/zynqmp/zcu102-qemu.dts) lists two A53s to Linux; the other
#   two stay off, which leaves the host's cores to the R5. The remote core
#   is the R5 running firmware (run-vm.sh --firmware): QEMU implements PSCI
#   (secure=off), so Linux starts it with CPU_ON. SMP is fixed.

# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are for the sourcing script

cmshm_machine() {
	local name=$1 smp=$2 top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	MACH_BASE_DTS='' MACH_ARCH='' MACH_REMOTE_UART=0
	case "$name" in
	virt)
		MACH_QEMU_ARGS=(-M virt -cpu "$VM_CPU" -smp "$smp" -nic none)
		MACH_MEM=512M MACH_RAM_SIZE=$((0x20000000))
		MACH_RAM_BASE=0x40000000
		MACH_OVERLAY=$top/dts/qemu-virt.dtso
		MACH_CONSOLE=$VM_CONSOLE ;;
	zynqmp)
		MACH_QEMU_ARGS=(-M xlnx-zcu102 -smp 5)
		MACH_MEM=1G MACH_RAM_SIZE=$((0x40000000))
		MACH_RAM_BASE=0x0
		MACH_BASE_DTS=$top/tests/vm/zynqmp/zcu102-qemu.dts
		MACH_OVERLAY=$top/dts/qemu-zynqmp.dtso
		MACH_CONSOLE=ttyPS0
		MACH_ARCH=arm64
		MACH_REMOTE_UART=1 ;;
	*)	return 1 ;;
	esac
}
