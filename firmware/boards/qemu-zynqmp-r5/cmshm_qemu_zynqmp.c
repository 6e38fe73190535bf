// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm doorbells and console of QEMU's emulated ZynqMP, R5 side; see
 * cmshm_qemu_zynqmp.h for the registers and their sources.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_qemu_zynqmp.h"

/* Test mailbox slot (tests/mailbox/cmshm_test_mbox.c), in 32-bit words. */
#define TMBOX_SLOT_WORDS	32u
#define TMBOX_H2R_WORD		0u	/* Linux to R5 */
#define TMBOX_R2H_WORD		16u	/* R5 to Linux */

/* GIC-400 distributor: GICD_ISPENDRn (IHI 0048B, 4.3.7). */
#define GICD_ISPENDR		0x200u
#define GIC_SPI_BASE		32u

/* Cadence UART registers, byte offsets (UG1087, module UART). */
#define UART_CR			0x00u
#define UART_MR			0x04u
#define UART_SR			0x2Cu
#define UART_FIFO		0x30u
#define UART_CR_RXEN		0x04u
#define UART_CR_TXEN		0x10u
#define UART_MR_NO_PARITY	0x20u	/* PAR = 0b100, 8 data bits, 1 stop */
#define UART_SR_TXFULL		0x10u

#define UART_REG(off) \
	(*(volatile uint32_t *)(uintptr_t)(CMSHM_QEMU_UART1_BASE + (off)))

static inline void cmshm_qemu_dsb(void)
{
	__asm__ __volatile__("dsb sy" ::: "memory");
}

static inline void cmshm_qemu_dmb(void)
{
	__asm__ __volatile__("dmb sy" ::: "memory");
}

void cmshm_qemu_db_init(struct cmshm_qemu_db *d, uintptr_t page,
			unsigned int in_ch, unsigned int out_ch,
			unsigned int spi)
{
	volatile uint32_t *slots = (volatile uint32_t *)page;
	uint32_t id = spi + GIC_SPI_BASE;

	d->in = &slots[in_ch * TMBOX_SLOT_WORDS + TMBOX_H2R_WORD];
	d->out = &slots[out_ch * TMBOX_SLOT_WORDS + TMBOX_R2H_WORD];
	d->pend = (volatile uint32_t *)(CMSHM_QEMU_GICD_BASE + GICD_ISPENDR +
					(id / 32u) * 4u);
	d->pend_bit = 1u << (id % 32u);
	/* This firmware's own count from its previous run, read once. */
	d->out_count = *d->out;
	d->in_seen = *d->in;
}

void cmshm_qemu_db_ring(void *ctx)
{
	struct cmshm_qemu_db *d = ctx;

	d->out_count++;
	*d->out = d->out_count;
	cmshm_qemu_dsb();
	*d->pend = d->pend_bit;
}

int cmshm_qemu_db_take(struct cmshm_qemu_db *d)
{
	uint32_t v = *d->in;

	if (v == d->in_seen)
		return 0;
	d->in_seen = v;
	cmshm_qemu_dmb();
	return 1;
}

void cmshm_qemu_uart_init(void)
{
	UART_REG(UART_MR) = UART_MR_NO_PARITY;
	UART_REG(UART_CR) = UART_CR_TXEN | UART_CR_RXEN;
}

void cmshm_qemu_uart_puts(const char *s)
{
	for (; *s; s++) {
		while (UART_REG(UART_SR) & UART_SR_TXFULL)
			;
		UART_REG(UART_FIFO) = (uint8_t)*s;
	}
}
