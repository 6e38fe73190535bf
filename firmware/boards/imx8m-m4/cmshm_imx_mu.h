/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm doorbell for the i.MX8M Mini/Nano/Plus Messaging Unit, Cortex-M4
 * side (MU_B). Register-level, C99, no libc, no globals.
 *
 * Reference: i.MX 8M Mini Applications Processor Reference Manual
 * (IMX8MMRM), chapter "Messaging Unit (MU)", MU memory map and register
 * descriptions (the Nano and Plus manuals have the same MU chapter). The
 * M4 reaches its side of the MU, MU_B, at 0x30AB0000 (the Linux side, MU_A,
 * is the "fsl,imx8mm-mu" node at 0x30AA0000).
 *
 * Linux side (drivers/mailbox/imx-mailbox.c, "fsl,imx6sx-mu" register
 * layout) with the overlay's mboxes = <&mu 2 0>, <&mu 3 0>:
 *  - "tx", type 2 (TXDB) channel 0: Linux sets MU_A CR.GIR0; the MU sets
 *    MU_B SR.GIP0 and interrupts the M4 if MU_B CR.GIE0 is set. Linux does
 *    not wait for the M4; the M4 clears GIP0 (write 1) when it takes it.
 *  - "rx", type 3 (RXDB) channel 0: the M4 sets MU_B CR.GIR0; Linux sees
 *    MU_A SR.GIP0, clears it, and the MU then clears MU_B CR.GIR0.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_IMX_MU_H
#define CMSHM_IMX_MU_H

#include <stdint.h>

/* MU_B base address as the Cortex-M4 sees it (IMX8MMRM memory map). */
#define CMSHM_IMX_MU_B_BASE	0x30AB0000u

/**
 * struct cmshm_imx_mu - one MU doorbell pair, M4 side
 * @base: MU_B registers (32-bit words, indexed by register offset / 4)
 *        (volatile: device registers, read and written exactly as coded;
 *        checkpatch's kernel-side warning about volatile does not apply)
 * @gip:  SR.GIPn mask of the Linux-to-M4 doorbell (pending flag, w1c)
 * @gie:  CR.GIEn mask of the same n (its interrupt enable)
 * @gir:  CR.GIRn mask of the M4-to-Linux doorbell (request)
 *
 * Filled by cmshm_imx_mu_init(); read-only afterwards, so one instance
 * may be used from an ISR and from thread context at the same time.
 */
struct cmshm_imx_mu {
	volatile uint32_t *base;
	uint32_t gip;
	uint32_t gie;
	uint32_t gir;
};

/**
 * cmshm_imx_mu_init() - set up one doorbell pair on MU_B
 * @d:     the instance to fill
 * @base:  MU_B base address, normally CMSHM_IMX_MU_B_BASE
 * @rx_gi: general-purpose interrupt n (0..3) that Linux rings, i.e. the
 *         channel of the overlay's type-2 ("tx") cell; 0 for <&mu 2 0>
 * @tx_gi: n (0..3) that the M4 rings, i.e. the channel of the type-3
 *         ("rx") cell; 0 for <&mu 3 0>
 *
 * Context: thread context, once, before the MU interrupt is enabled in
 * the NVIC. Read-modify-writes MU_B CR (offset 0x24) to set GIE[rx_gi]
 * (bit 31 - rx_gi), keeping the other enables and writing 0 to every
 * GIRn and to NMI (bit 3) so that no request is raised again; then
 * clears a stale SR.GIP[rx_gi] (offset 0x20, bit 31 - rx_gi, write 1 to
 * clear). A doorbell cleared here is not lost if the caller scans the
 * rings after init, as the endpoint library does when it starts. Values
 * above 3 are taken modulo 4.
 */
void cmshm_imx_mu_init(struct cmshm_imx_mu *d, uintptr_t base,
		       unsigned int rx_gi, unsigned int tx_gi);

/**
 * cmshm_imx_mu_ring() - ring the M4-to-Linux doorbell
 * @ctx: the struct cmshm_imx_mu
 *
 * The endpoint library's doorbell callback. Context: thread or ISR, but
 * not concurrently with another writer of MU_B CR (offset 0x24). Sets
 * CR.GIR[tx_gi] (bit 19 - tx_gi) by read-modify-write, writing 0 to the
 * other GIRn bits and NMI (bit 3) as the MU programming model asks (a 0
 * there has no effect; a 1 would raise a request again). If the previous
 * request is still pending, Linux has not taken it yet and will see this
 * one merged with it, which is all a doorbell needs. The library issues
 * a full barrier (DSB) before calling it, so this function only writes
 * the register.
 */
void cmshm_imx_mu_ring(void *ctx);

/**
 * cmshm_imx_mu_ack() - take a Linux-to-M4 doorbell if one is pending
 * @ctx: the struct cmshm_imx_mu
 *
 * Context: the MU interrupt handler or a superloop. Reads MU_B SR
 * (offset 0x20); if GIP[rx_gi] (bit 31 - rx_gi) is set, writes that bit
 * alone back to clear it (zeros leave every other flag as it is) and
 * issues a DSB, so the clear
 * has reached the MU before the caller scans the rings (a doorbell rung
 * during the scan sets the flag again) and before the ISR returns (the
 * level interrupt is not taken twice).
 *
 * Return: 1 if Linux rang since the last call (now cleared), else 0.
 */
int cmshm_imx_mu_ack(void *ctx);

#endif /* CMSHM_IMX_MU_H */
