/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm doorbell for the Zynq UltraScale+ MPSoC inter-processor interrupt
 * (IPI) block, RPU0 (Cortex-R5 core 0) side. Register-level, C99, no
 * libc, no globals. Doorbell only: the IPI message buffers are not used.
 *
 * References: UG1085 (Zynq UltraScale+ Device Technical Reference
 * Manual), chapter "Interrupts", section "Inter-Processor Interrupts" /
 * "IPI Interrupts and Message Buffers" with the table "IPI Channel and
 * Message Buffer Default Associations" (channel 0 = APU, registers at
 * 0xFF30_0000, buffers 0xFF99_0400; channel 1 = RPU0, registers at
 * 0xFF31_0000, buffers 0xFF99_0000); UG1087 (Zynq UltraScale+ Register
 * Reference), module IPI, registers TRIG, OBS, ISR, IMR, IER, IDR of each
 * channel.
 *
 * Agent bits, the same in every channel's TRIG/OBS/ISR/IMR/IER/IDR:
 * channel 0 (APU) bit 0, channel 1 (RPU0) bit 8, channel 2 (RPU1) bit 9,
 * channels 3..6 (PMU) bits 16..19, channels 7..10 (PL) bits 24..27.
 *
 * Linux side (drivers/mailbox/zynqmp-ipi-mailbox.c, through TF-A's IPI
 * mailbox SMC service), with the overlay's APU-to-RPU0 mailbox
 * (xlnx,ipi-id = <0> on the controller, <1> on its child) and
 * mboxes = <&cmshm_ipi 0>, <&cmshm_ipi 1>; mbox-names = "tx", "rx":
 *  - "tx" (cell 0, Linux to R5): TF-A writes the APU channel's TRIG with
 *    the RPU0 bit (8); RPU0's ISR gets the APU bit (0) and the R5 is
 *    interrupted while its IMR bit 0 is clear. Linux polls for TX-done,
 *    which is its OBS bit 8 dropping, so the R5 must clear ISR bit 0
 *    (write 1) when it takes the doorbell; until then Linux cannot ring
 *    again.
 *  - "rx" (cell 1, R5 to Linux): the R5 writes its TRIG with the APU bit
 *    (0); the APU's ISR gets bit 8 and Linux is interrupted (GIC SPI 35).
 *    Linux's interrupt handler asks TF-A with IPI_SMC_ENQUIRY_DIRQ_MASK,
 *    which masks bit 8 in the APU's IMR; TF-A clears the APU's ISR bit 8
 *    and unmasks it again only when the Linux client sends on the "rx"
 *    channel (SMC_IPI_MAILBOX_ACK). Until Linux does that, the R5's OBS
 *    bit 0 stays set and further rings are merged into the pending one.
 *    cmshm sends that acknowledgment for every doorbell when its node has
 *    cmshm,rx-ack (dts/zcu102-cmshm.dtso), before it wakes its readers.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_ZYNQMP_IPI_H
#define CMSHM_ZYNQMP_IPI_H

#include <stdint.h>

/* IPI channel 1 (default owner RPU0) registers, UG1085 / UG1087. */
#define CMSHM_ZYNQMP_IPI_CH1_BASE	0xFF310000u
/* Agent bit of IPI channel 0, the APU running Linux. */
#define CMSHM_ZYNQMP_IPI_APU		0x00000001u
/* Agent bit of IPI channel 1, RPU0 (for reference; Linux rings it). */
#define CMSHM_ZYNQMP_IPI_RPU0		0x00000100u

/**
 * struct cmshm_zynqmp_ipi - one IPI doorbell pair, R5 side
 * @base: registers of the R5's own IPI channel (32-bit words, indexed by
 *        register offset / 4)
 *        (volatile: device registers, read and written exactly as coded;
 *        checkpatch's kernel-side warning about volatile does not apply)
 * @peer: agent bit of the Linux side's IPI channel, used in TRIG (to
 *        ring it) and in ISR/IER (to take its doorbells)
 *
 * Filled by cmshm_zynqmp_ipi_init(); read-only afterwards, so one
 * instance may be used from an ISR and from thread context at once.
 */
struct cmshm_zynqmp_ipi {
	volatile uint32_t *base;
	uint32_t peer;
};

/**
 * cmshm_zynqmp_ipi_init() - set up the doorbell pair on the R5's channel
 * @d:    the instance to fill
 * @base: the R5's IPI channel registers, normally
 *        CMSHM_ZYNQMP_IPI_CH1_BASE (channel 1, RPU0)
 * @peer: the Linux side's agent bit, normally CMSHM_ZYNQMP_IPI_APU
 *        (bit 0, channel 0, as in the overlay's xlnx,ipi-id = <0>)
 *
 * Context: thread context, once, before the IPI interrupt is enabled in
 * the R5's GIC. Clears a stale ISR bit (offset 0x10, write 1 to clear; a
 * doorbell cleared here is not lost if the caller scans the rings after
 * init, as the endpoint library does when it starts, and it lets Linux's
 * pending send complete), then unmasks it by writing the bit to IER
 * (offset 0x18; IMR at 0x14 then reads 0 there). IER and ISR only act on
 * the bits written as 1, so no read-modify-write is needed.
 */
void cmshm_zynqmp_ipi_init(struct cmshm_zynqmp_ipi *d, uintptr_t base,
			   uint32_t peer);

/**
 * cmshm_zynqmp_ipi_ring() - ring the R5-to-Linux doorbell
 * @ctx: the struct cmshm_zynqmp_ipi
 *
 * The endpoint library's doorbell callback. Context: thread or ISR.
 * Writes the peer bit alone to TRIG (offset 0x00; bits written 0 have no
 * effect), which sets the R5's bit (8 for RPU0) in the Linux channel's
 * ISR; OBS (offset 0x04) shows it until Linux clears it. If it is still
 * pending from the previous ring, Linux has not taken it yet and will see
 * this one merged with it, which is all a doorbell needs. The library
 * issues a full barrier (DSB) before calling it, so this function only
 * writes the register.
 */
void cmshm_zynqmp_ipi_ring(void *ctx);

/**
 * cmshm_zynqmp_ipi_ack() - take a Linux-to-R5 doorbell if one is pending
 * @ctx: the struct cmshm_zynqmp_ipi
 *
 * Context: the IPI interrupt handler or a superloop. Reads ISR (offset
 * 0x10); if the peer bit is set, writes it alone back to clear it, which
 * drops the R5's interrupt and the Linux channel's OBS bit (Linux's
 * TX-done). Then issues a DSB, so the clear has reached the IPI block
 * before the caller scans the rings (a doorbell rung during the scan sets
 * the bit again) and before the ISR returns (the level interrupt is not
 * taken twice).
 *
 * Return: 1 if Linux rang since the last call (now cleared), else 0.
 */
int cmshm_zynqmp_ipi_ack(void *ctx);

#endif /* CMSHM_ZYNQMP_IPI_H */
