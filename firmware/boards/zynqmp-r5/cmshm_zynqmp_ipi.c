// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm doorbell for the ZynqMP IPI block, RPU0 (Cortex-R5) side.
 * See cmshm_zynqmp_ipi.h for the Linux side and the reference manuals.
 *
 * Register offsets of one IPI channel (UG1087, module IPI, e.g.
 * IPI_CH1_TRIG at 0xFF310000; checked against Xilinx embeddedsw
 * xipipsu_hw.h XIPIPSU_*_OFFSET and Zephyr's ipm_xlnx_ipi.h, which also
 * gives the agent bits CH0 = 0, CH1 = 8, CH2 = 9, CH3..6 = 16..19,
 * CH7..10 = 24..27):
 *
 *   0x00 TRIG  write 1: raise an interrupt at that agent
 *   0x04 OBS   read: own requests still pending at each agent
 *   0x10 ISR   read: pending requests from each agent; write 1 to clear
 *   0x14 IMR   read: 1 = that agent's requests are masked
 *   0x18 IER   write 1: unmask
 *   0x1C IDR   write 1: mask
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_zynqmp_ipi.h"

/* Register offsets in bytes (UG1087, IPI channel registers). */
#define IPI_TRIG	0x00u
#define IPI_OBS		0x04u
#define IPI_ISR		0x10u
#define IPI_IMR		0x14u
#define IPI_IER		0x18u
#define IPI_IDR		0x1Cu

#define REG(d, off)	((d)->base[(off) / 4u])

static inline void cmshm_zynqmp_ipi_dsb(void)
{
	__asm__ volatile("dsb" : : : "memory");
}

void cmshm_zynqmp_ipi_init(struct cmshm_zynqmp_ipi *d, uintptr_t base,
			   uint32_t peer)
{
	d->base = (void *)base;
	d->peer = peer;

	REG(d, IPI_ISR) = peer;
	REG(d, IPI_IER) = peer;
	cmshm_zynqmp_ipi_dsb();
}

void cmshm_zynqmp_ipi_ring(void *ctx)
{
	struct cmshm_zynqmp_ipi *d = ctx;

	REG(d, IPI_TRIG) = d->peer;
}

int cmshm_zynqmp_ipi_ack(void *ctx)
{
	struct cmshm_zynqmp_ipi *d = ctx;

	if (!(REG(d, IPI_ISR) & d->peer))
		return 0;
	REG(d, IPI_ISR) = d->peer;
	cmshm_zynqmp_ipi_dsb();
	return 1;
}
