// SPDX-License-Identifier: GPL-2.0
/*
 * cmshm_rpu_start - test only: start a core that Linux does not own (the
 * Cortex-R5F of QEMU's emulated ZynqMP) at a firmware's entry point, with
 * the PSCI CPU_ON call (Arm DEN 0022D, 5.1.4; function ID 0xC4000003,
 * PSCI_0_2_FN64_CPU_ON). QEMU implements PSCI itself on its xlnx-zcu102
 * machine when it runs no secure firmware, and its CPU_ON starts any of
 * the machine's CPUs, the R5s included (target MPIDR 4 and 5), in
 * Supervisor mode at the given address with interrupts masked, as after a
 * reset. On a real ZynqMP this is the platform management firmware's job
 * (zynqmp_pm_request_wake(), through xlnx_r5_remoteproc); nothing here
 * is for a board.
 *
 * The firmware image is already in its no-map reserved-memory region
 * (QEMU's generic loader put it there); this module only starts the core.
 * Unloading it leaves the core running: a core cannot be stopped from
 * here (PSCI's CPU_OFF acts on the calling core only), and the module
 * keeps nothing to undo.
 *
 *   insmod cmshm_rpu_start.ko entry=0x3ed00000 [mpidr=4]
 *
 * Copyright (C) 2026 The cmshm authors
 */

#include <linux/arm-smccc.h>
#include <linux/module.h>
#include <linux/psci.h>
#include <uapi/linux/psci.h>

static unsigned long entry;
module_param(entry, ulong, 0444);
MODULE_PARM_DESC(entry, "Physical address the core starts at (the firmware ELF's entry point)");

static unsigned long mpidr = 4;
module_param(mpidr, ulong, 0444);
MODULE_PARM_DESC(mpidr, "Target core's affinity (MPIDR Aff fields): 4 is RPU0 on QEMU's xlnx-zcu102 (default 4)");

static int __init cmshm_rpu_start_init(void)
{
	struct arm_smccc_res res;

	if (!entry) {
		pr_err("cmshm_rpu_start: entry= is required\n");
		return -EINVAL;
	}
	arm_smccc_smc(PSCI_0_2_FN64_CPU_ON, mpidr, entry, 0, 0, 0, 0, 0, &res);
	if ((long)res.a0 != PSCI_RET_SUCCESS) {
		pr_err("cmshm_rpu_start: PSCI CPU_ON(%#lx, %#lx) returned %ld\n",
		       mpidr, entry, (long)res.a0);
		return -EIO;
	}
	pr_info("cmshm_rpu_start: core %#lx started at %#lx\n", mpidr, entry);
	return 0;
}
module_init(cmshm_rpu_start_init);

static void __exit cmshm_rpu_start_exit(void)
{
}
module_exit(cmshm_rpu_start_exit);

MODULE_DESCRIPTION("Test only: start a companion core with PSCI CPU_ON");
MODULE_LICENSE("GPL");
