/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm doorbell for the STM32MP15 inter-processor communication
 * controller (IPCC), CPU2 (Cortex-M4) side. Register-level, C99, no libc,
 * no globals.
 *
 * Reference: RM0436 (STM32MP157 advanced Arm-based 32-bit MPUs), chapter
 * "Inter-processor communication controller (IPCC)": IPCC registers and
 * register map. The IPCC is at 0x4C001000 for both CPUs ("st,stm32mp1-ipcc"
 * node mailbox@4c001000 in stm32mp151.dtsi). CPU1 is the Cortex-A7 running
 * Linux (st,proc-id = <0>), CPU2 the Cortex-M4.
 *
 * Channel numbers: Linux (and this API) counts channels from 0; RM0436
 * names them CH1..CH6. Linux channel c is the RM's CH(c+1), at bit c of
 * the occupied/clear fields and bit 16 + c of the free/set fields.
 *
 * Linux side (drivers/mailbox/stm32-ipcc.c) with the overlay's
 * mboxes = <&ipcc 4>, <&ipcc 5>; mbox-names = "tx", "rx":
 *  - "tx", channel 4 (RM CH5), Linux to M4: Linux sets C1SCR.CH5S, which
 *    sets C1TOC2SR.CH5F and interrupts CPU2 (IPCC RX interrupt of CPU2)
 *    while C2MR.CH5OM is clear and C2CR.RXOIE set. Linux's TX-done is the
 *    channel becoming free again, so the M4 must clear the flag when it
 *    takes the doorbell (C2SCR.CH5C); until then Linux cannot ring again.
 *  - "rx", channel 5 (RM CH6), M4 to Linux: the M4 sets C2SCR.CH6S, which
 *    sets C2TOC1SR.CH6F; Linux takes it and clears it with C1SCR.CH6C.
 * ST's remoteproc (m4_rproc) uses channels 0..3 (vq0, vq1, shutdown,
 * detach), so 4 and 5 are the two left of the six the MP15 IPCC has
 * (HWCFGR.CHANNELS).
 *
 * The IPCC clock must be enabled for CPU2 by the firmware (RCC, MCU
 * enable registers) before cmshm_stm32_ipcc_init(); that is not done
 * here.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_STM32_IPCC_H
#define CMSHM_STM32_IPCC_H

#include <stdint.h>

/* IPCC base address (RM0436 memory map, AHB3), the same for both CPUs. */
#define CMSHM_STM32_IPCC_BASE	0x4C001000u

/**
 * struct cmshm_stm32_ipcc - one IPCC doorbell pair, CPU2 side
 * @base:  IPCC registers (32-bit words, indexed by register offset / 4)
 *        (volatile: device registers, read and written exactly as coded;
 *        checkpatch's kernel-side warning about volatile does not apply)
 * @rx:    mask of the Linux-to-M4 channel in C1TOC2SR (CHnF), C2MR
 *         (CHnOM) and C2SCR (CHnC): bit c for Linux channel c
 * @tx_set: C2SCR.CHnS mask of the M4-to-Linux channel: bit 16 + c
 *
 * Filled by cmshm_stm32_ipcc_init(); read-only afterwards, so one
 * instance may be used from an ISR and from thread context at once.
 */
struct cmshm_stm32_ipcc {
	volatile uint32_t *base;
	uint32_t rx;
	uint32_t tx_set;
};

/**
 * cmshm_stm32_ipcc_init() - set up one doorbell pair on the IPCC
 * @d:       the instance to fill
 * @base:    IPCC base address, normally CMSHM_STM32_IPCC_BASE
 * @rx_chan: Linux channel number (0..5) that Linux rings: the overlay's
 *           "tx" cell, 4
 * @tx_chan: Linux channel number (0..5) that the M4 rings: the overlay's
 *           "rx" cell, 5
 *
 * Context: thread context, once, before the CPU2 IPCC RX interrupt is
 * enabled in the NVIC, and not concurrently with other code writing C2MR
 * or C2CR (OpenAMP's IPCC driver, if any). Clears a stale occupied flag
 * of @rx_chan (C2SCR 0x018, CHnC bit rx_chan; a doorbell cleared here is
 * not lost if the caller scans the rings after init, as the endpoint
 * library does when it starts, and it lets Linux's pending send complete),
 * unmasks its occupied interrupt (C2MR 0x014, clears CHnOM bit rx_chan,
 * read-modify-write) and enables the RX occupied interrupt of CPU2 (C2CR
 * 0x010, sets RXOIE bit 0, read-modify-write). Pass channels 0..5;
 * other values are masked to 0..7, and 6 and 7 do not exist on the MP15.
 */
void cmshm_stm32_ipcc_init(struct cmshm_stm32_ipcc *d, uintptr_t base,
			   unsigned int rx_chan, unsigned int tx_chan);

/**
 * cmshm_stm32_ipcc_ring() - ring the M4-to-Linux doorbell
 * @ctx: the struct cmshm_stm32_ipcc
 *
 * The endpoint library's doorbell callback. Context: thread or ISR.
 * Writes CHnS (bit 16 + tx_chan) alone to C2SCR (offset 0x018, write-only:
 * zeros have no effect, so no read-modify-write and no lock), which sets
 * C2TOC1SR.CHnF (offset 0x01C) and interrupts Linux. If the flag is still
 * set from the previous ring, Linux has not taken it yet and will see this
 * one merged with it, which is all a doorbell needs. The library issues a
 * full barrier (DSB) before calling it, so this function only writes the
 * register.
 */
void cmshm_stm32_ipcc_ring(void *ctx);

/**
 * cmshm_stm32_ipcc_ack() - take a Linux-to-M4 doorbell if one is pending
 * @ctx: the struct cmshm_stm32_ipcc
 *
 * Context: the CPU2 IPCC RX interrupt handler or a superloop. Reads
 * C1TOC2SR (offset 0x00C); if CHnF (bit rx_chan) is set, writes CHnC
 * (bit rx_chan) alone to C2SCR (offset 0x018), which clears the flag,
 * drops CPU2's RX interrupt and, by freeing the channel, gives Linux its
 * TX-done. Then issues a DSB, so the clear has reached the IPCC before
 * the caller scans the rings (a doorbell rung during the scan sets the
 * flag again) and before the ISR returns (the level interrupt is not
 * taken twice).
 *
 * Return: 1 if Linux rang since the last call (now cleared), else 0.
 */
int cmshm_stm32_ipcc_ack(void *ctx);

#endif /* CMSHM_STM32_IPCC_H */
