/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm doorbells and console of QEMU's emulated ZynqMP (xlnx-zcu102) for
 * its Cortex-R5F (RPU0). Register-level, C99, no libc, no globals.
 *
 * QEMU models neither the ZynqMP IPI block (a stub in QEMU 7.2 and 10.0)
 * nor any interrupt line to the R5s, so the doorbells here are those of
 * cmshm's test mailbox (tests/mailbox/cmshm_test_mbox.c, compatible
 * "cmshm,test-mailbox"), given a real interrupt:
 *
 *  - Its doorbell page (a no-map reserved-memory region) holds a 128-byte
 *    slot per mailbox channel: word 0 (offset 0) counts Linux-to-R5
 *    doorbells (Linux writes it), word 16 (offset 64) counts R5-to-Linux
 *    doorbells (the R5 writes it).
 *  - Linux to R5: the R5 polls word 0 of its channel's slot; a new value is
 *    a doorbell (cmshm_qemu_db_take()).
 *  - R5 to Linux: the R5 increments word 16, then sets the pending bit of
 *    the mailbox's shared peripheral interrupt in the APU's GIC-400
 *    distributor (GICD_ISPENDRn, distributor offset 0x200 + 4 * (ID / 32),
 *    bit ID % 32: Arm GIC-400 TRM, DDI 0471B, 3.2 "Distributor register
 *    descriptions", and the GICv2 architecture, IHI 0048B, 4.3.7). Linux's
 *    handler then reads every channel's word 16. The distributor is at
 *    0xF9010000 for both clusters (UG1085, "Interrupts": the APU GIC-400;
 *    QEMU's hw/arm/xlnx-zynqmp.c maps it into the system memory both
 *    clusters use). QEMU drops the pend while the SPI has no target CPU,
 *    that is until Linux has requested the interrupt: the test mailbox
 *    reads every channel when a channel starts, so a doorbell rung earlier
 *    is not lost.
 *
 * Console: UART1, a Cadence UART (UG1085, "UART Controller"; UG1087 module
 * UART: XUARTPS CR at 0x00, MR at 0x04, SR at 0x2C with TXFULL bit 4, FIFO
 * at 0x30), base 0xFF010000. Linux's console is UART0.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_QEMU_ZYNQMP_H
#define CMSHM_QEMU_ZYNQMP_H

#include <stdint.h>

/* The APU's GIC-400 distributor (UG1085, "Interrupts"). */
#define CMSHM_QEMU_GICD_BASE		0xF9010000u
/* The Cadence UART Linux does not use (UG1085, "UART Controller"). */
#define CMSHM_QEMU_UART1_BASE		0xFF010000u

/**
 * struct cmshm_qemu_db - one link's test-mailbox doorbells, R5 side.
 * @in:      word 0 of the Linux-to-R5 channel's slot (Linux's "tx")
 *           (volatile: written by the other side; read exactly as coded).
 * @out:     word 16 of the R5-to-Linux channel's slot (Linux's "rx"; the
 *           same channel as @in for a node with one channel).
 * @pend:    the distributor's GICD_ISPENDRn word for the mailbox's SPI.
 * @pend_bit: the SPI's bit in @pend.
 * @out_count: private copy of the R5-to-Linux count.
 * @in_seen: Linux-to-R5 count last taken.
 *
 * Filled by cmshm_qemu_db_init(); then used from one context at a time.
 */
struct cmshm_qemu_db {
	const volatile uint32_t *in;
	volatile uint32_t *out;
	volatile uint32_t *pend;
	uint32_t pend_bit;
	uint32_t out_count;
	uint32_t in_seen;
};

/**
 * cmshm_qemu_db_init() - set up one link's test-mailbox doorbells.
 * @d:       the instance to fill.
 * @page:    the doorbell page, as the R5 addresses it (the same physical
 *           address as Linux's reserved-memory node).
 * @in_ch:   the channel Linux rings (the cell of the node's "tx" mbox, or
 *           its only one), 0..7.
 * @out_ch:  the channel the R5 rings (the "rx" mbox, or the only one).
 * @spi:     the mailbox's interrupt as a GIC SPI number (the node's
 *           interrupts = <0 SPI ...>; GIC ID = SPI + 32).
 *
 * Context: thread, before the other calls. Reads the channel's counts
 * once: Linux-to-R5 doorbells rung before are taken as seen (the caller
 * looks at the rings anyway when it starts), and the R5-to-Linux count
 * goes on from where the previous run of this firmware left it, so Linux,
 * which remembers it, sees the next increment.
 */
void cmshm_qemu_db_init(struct cmshm_qemu_db *d, uintptr_t page,
			unsigned int in_ch, unsigned int out_ch,
			unsigned int spi);

/**
 * cmshm_qemu_db_ring() - ring Linux (the endpoint library's doorbell).
 * @ctx: the struct cmshm_qemu_db.
 *
 * Stores the incremented count in @out, DSB, then writes the SPI's bit
 * alone to GICD_ISPENDRn (bits written 0 have no effect). The library's
 * DSB before the call completes the ring stores before the count; the DSB
 * here completes the count before the interrupt can be taken, so Linux's
 * handler sees it. Context: thread or ISR.
 */
void cmshm_qemu_db_ring(void *ctx);

/**
 * cmshm_qemu_db_take() - has Linux rung since the last call?
 * @d: the instance.
 *
 * Reads @in once; on a change, DMB so the caller's ring
 * reads that follow are not satisfied before it (Linux orders its ring
 * stores before the count with mb(), see cmshm_kick()).
 *
 * Return: 1 if the count changed (taken), else 0.
 */
int cmshm_qemu_db_take(struct cmshm_qemu_db *d);

/**
 * cmshm_qemu_uart_init() - enable UART1's transmitter, 8N1.
 *
 * QEMU's model needs no baud rate. Context: thread, once.
 */
void cmshm_qemu_uart_init(void);

/**
 * cmshm_qemu_uart_puts() - write a string to UART1, waiting for FIFO room.
 * @s: NUL-terminated.
 *
 * Context: thread (it busy-waits on TXFULL).
 */
void cmshm_qemu_uart_puts(const char *s);

#endif /* CMSHM_QEMU_ZYNQMP_H */
