// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm doorbell for the STM32MP15 IPCC, CPU2 (Cortex-M4) side.
 * See cmshm_stm32_ipcc.h for the Linux side and the reference manual.
 *
 * Register offsets and bits (RM0436, IPCC register map; checked against
 * Linux's drivers/mailbox/stm32-ipcc.c, which addresses CPU1's block at
 * 0x000 and CPU2's at IPCC_PROC_OFFST 0x010 with XCR 0x0, XMR 0x4,
 * XSCR 0x8, XTOYSR 0xC, RXOIE bit 0, TXFIE bit 16, occupied/clear bits
 * 0..15 and free/set bits 16..31; and libopencm3's stm32/mp1/ipcc.h,
 * IPCC_CxCR(core) = base + (core - 1) * 0x10 + 0x00, etc.):
 *
 *   0x000 C1CR      CPU1 control           0x010 C2CR      CPU2 control
 *   0x004 C1MR      CPU1 mask              0x014 C2MR      CPU2 mask
 *   0x008 C1SCR     CPU1 set/clear         0x018 C2SCR     CPU2 set/clear
 *   0x00C C1TOC2SR  CPU1-to-CPU2 status    0x01C C2TOC1SR  CPU2-to-CPU1
 *
 * Only the CPU2 registers are written here; C1TOC2SR is read.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_stm32_ipcc.h"

/* Register offsets in bytes (RM0436 IPCC register map). */
#define IPCC_C1TOC2SR	0x00Cu	/* CHnF: CPU1-to-CPU2 channel n occupied */
#define IPCC_C2CR	0x010u	/* RXOIE bit 0, TXFIE bit 16 */
#define IPCC_C2MR	0x014u	/* CHnOM bits 0..5 (1 = masked), CHnFM 16..21 */
#define IPCC_C2SCR	0x018u	/* CHnC bits 0..5 (clear), CHnS 16..21 (set) */
#define IPCC_C2TOC1SR	0x01Cu	/* CHnF: CPU2-to-CPU1 channel n occupied */

#define IPCC_CXCR_RXOIE		0x00000001u
#define IPCC_CHN_OCC(c)		(1u << (c))		/* CHnF, CHnOM, CHnC */
#define IPCC_CHN_SET(c)		(1u << (16u + (c)))	/* CHnS, CHnFM */

#define REG(d, off)	((d)->base[(off) / 4u])

static inline void cmshm_stm32_ipcc_dsb(void)
{
	__asm__ volatile("dsb" : : : "memory");
}

void cmshm_stm32_ipcc_init(struct cmshm_stm32_ipcc *d, uintptr_t base,
			   unsigned int rx_chan, unsigned int tx_chan)
{
	d->base = (void *)base;
	d->rx = IPCC_CHN_OCC(rx_chan & 7u);
	d->tx_set = IPCC_CHN_SET(tx_chan & 7u);

	if (REG(d, IPCC_C1TOC2SR) & d->rx)
		REG(d, IPCC_C2SCR) = d->rx;
	REG(d, IPCC_C2MR) = REG(d, IPCC_C2MR) & ~d->rx;
	REG(d, IPCC_C2CR) = REG(d, IPCC_C2CR) | IPCC_CXCR_RXOIE;
	cmshm_stm32_ipcc_dsb();
}

void cmshm_stm32_ipcc_ring(void *ctx)
{
	struct cmshm_stm32_ipcc *d = ctx;

	REG(d, IPCC_C2SCR) = d->tx_set;
}

int cmshm_stm32_ipcc_ack(void *ctx)
{
	struct cmshm_stm32_ipcc *d = ctx;

	if (!(REG(d, IPCC_C1TOC2SR) & d->rx))
		return 0;
	REG(d, IPCC_C2SCR) = d->rx;
	cmshm_stm32_ipcc_dsb();
	return 1;
}
