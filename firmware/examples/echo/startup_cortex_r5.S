/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Reset code for the Cortex-R5 build of the echo firmware (Arm state).
 * The exception vectors are at address 0 (SCTLR.V = 0 after reset with
 * VINITHI low; Cortex-R5 TRM, DDI 0460D, 2.8 and 4.3.2). Runs in
 * Supervisor mode with IRQ and FIQ masked, as the core leaves reset
 * (Armv7-A/R ARM, DDI 0406C, B1.8.1): the superloop takes no interrupt.
 * Caches and the MPU stay as reset leaves them (disabled), so the region
 * is not cached: see firmware/port/arm/cmshm_port_arm.h.
 *
 * Copyright (C) 2026 The cmshm authors
 */
	.syntax unified
	.arm
	.section .vectors, "ax"
	.global echo_vectors
echo_vectors:
	b	echo_reset	/* reset */
	b	.		/* undefined instruction */
	b	.		/* supervisor call */
	b	.		/* prefetch abort */
	b	.		/* data abort */
	b	.		/* reserved */
	b	.		/* IRQ */
	b	.		/* FIQ */

	.text
echo_reset:
	ldr	sp, =__stack_top
	b	echo_runtime_start
