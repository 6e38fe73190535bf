// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Reset and vector table for the Cortex-M4/M7 builds of the echo firmware
 * (Armv7-M ARM, DDI 0403E, B1.5.3 "The vector table": word 0 is the
 * initial main stack pointer, word 1 the reset handler, then the
 * exceptions). The superloop takes no interrupt: every other vector spins,
 * so a fault stops where a debugger can see it.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <stdint.h>

#include "echo_runtime.h"

extern uint32_t __stack_top[];

static void echo_reset(void)
{
	echo_runtime_start();
}

static void echo_spin(void)
{
	for (;;)
		;
}

/* Initial SP, reset, NMI, HardFault..SysTick (16 entries). */
__attribute__((section(".vectors"), used))
void (*const echo_vectors[16])(void) = {
	(void (*)(void))(uintptr_t)__stack_top,
	echo_reset,
	echo_spin, echo_spin, echo_spin, echo_spin, echo_spin, 0, 0, 0, 0,
	echo_spin, echo_spin, 0, echo_spin, echo_spin,
};
