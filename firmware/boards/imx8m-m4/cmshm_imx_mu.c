// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm doorbell for the i.MX8M Messaging Unit, Cortex-M4 side (MU_B).
 * See cmshm_imx_mu.h for the Linux side and the reference manual.
 *
 * Register offsets and bits (IMX8MMRM, "Messaging Unit (MU)", MU memory
 * map; the same layout as Linux's imx-mailbox.c "fsl,imx6sx-mu" config,
 * xTR 0x00, xRR 0x10, xSR 0x20, xCR 0x24, and NXP MCUXpresso fsl_mu.h /
 * MIMX8MM6_cm4.h: MU_SR_GIPn 31..28, MU_CR_GIEn 31..28, MU_CR_GIRn
 * 19..16, MU_CR_NMI 3, where general-purpose interrupt n uses bit
 * "field base + 3 - n"). Checked against those three sources; the MU B
 * side has the same SR/CR layout as the A side for these fields.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_imx_mu.h"

/* Register offsets in bytes (IMX8MMRM MU memory map, MU_B). */
#define MU_TR0		0x00u	/* transmit registers TR0..TR3 (unused) */
#define MU_RR0		0x10u	/* receive registers RR0..RR3 (unused) */
#define MU_SR		0x20u	/* status register */
#define MU_CR		0x24u	/* control register */

/* SR.GIPn: general-purpose interrupt n pending, write 1 to clear. */
#define MU_SR_GIPN(n)	(1u << (28u + 3u - (n)))
/* CR.GIEn: general-purpose interrupt n enable. */
#define MU_CR_GIEN(n)	(1u << (28u + 3u - (n)))
/* CR.GIRn: general-purpose interrupt n request to the other side. */
#define MU_CR_GIRN(n)	(1u << (16u + 3u - (n)))
#define MU_CR_GIRN_MASK	0x000F0000u
/* CR.NMI: non-maskable interrupt request to the other side. */
#define MU_CR_NMI	0x00000008u

#define REG(d, off)	((d)->base[(off) / 4u])

static inline void cmshm_imx_mu_dsb(void)
{
	__asm__ volatile("dsb" : : : "memory");
}

void cmshm_imx_mu_init(struct cmshm_imx_mu *d, uintptr_t base,
		       unsigned int rx_gi, unsigned int tx_gi)
{
	uint32_t cr;

	d->base = (void *)base;
	d->gip = MU_SR_GIPN(rx_gi & 3u);
	d->gie = MU_CR_GIEN(rx_gi & 3u);
	d->gir = MU_CR_GIRN(tx_gi & 3u);

	cr = REG(d, MU_CR) & ~(MU_CR_GIRN_MASK | MU_CR_NMI);
	REG(d, MU_CR) = cr | d->gie;
	REG(d, MU_SR) = d->gip;
	cmshm_imx_mu_dsb();
}

void cmshm_imx_mu_ring(void *ctx)
{
	struct cmshm_imx_mu *d = ctx;
	uint32_t cr = REG(d, MU_CR) & ~(MU_CR_GIRN_MASK | MU_CR_NMI);

	REG(d, MU_CR) = cr | d->gir;
}

int cmshm_imx_mu_ack(void *ctx)
{
	struct cmshm_imx_mu *d = ctx;

	if (!(REG(d, MU_SR) & d->gip))
		return 0;
	REG(d, MU_SR) = d->gip;
	cmshm_imx_mu_dsb();
	return 1;
}
