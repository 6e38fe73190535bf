/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The test firmware of the emulated ZynqMP's Cortex-R5F: one endpoint of
 * the remote library per link, each with the role the emulator
 * (userspace/cmshm-remote) would play there. See main.c.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef FW_H
#define FW_H

#include "cmshm/cmshm_remote.h"
#include "cmshm_qemu_zynqmp.h"
#include "cmshm_testmsg.h"

/**
 * enum fw_role - what a link does with the messages Linux sends.
 * @FW_ECHO:   send each back unchanged (and answer struct cmshm_app_cmd
 *             application-area checks, as cmshm-remote --mode echo does).
 * @FW_SINK:   verify each as a numbered message (cmshm_testmsg.h).
 * @FW_SOURCE: nothing is expected but commands; CMSHM_FW_SOURCE starts
 *             a run of numbered messages to Linux.
 *
 * Every role takes the commands of struct cmshm_fw_cmd.
 */
enum fw_role {
	FW_ECHO,
	FW_SINK,
	FW_SOURCE,
};

/**
 * struct fw_link - one link of the firmware.
 * @ep:          the remote library's endpoint.
 * @db:          its doorbells.
 * @name:        for the console.
 * @role:        see enum fw_role.
 * @tx_blocked:  the last send found the r2h ring full: retry on the next
 *               doorbell or idle poll.
 * @src_left:    numbered messages still to send in the current run.
 * @src_seq:     sequence number of the next one.
 * @src_min:     shortest length, and
 * @src_max:     longest, in bytes.
 * @rng:         xorshift32 state for the lengths (nonzero).
 * @sink_expect: sequence number the sink expects next.
 * @sink_valid:  @sink_expect is set (cleared on every host restart).
 * @st:          counters, the CMSHM_FW_STATS reply.
 */
struct fw_link {
	struct cmshm_remote ep;
	struct cmshm_qemu_db db;
	const char *name;
	enum fw_role role;
	uint8_t tx_blocked;
	uint32_t src_left;
	uint32_t src_seq;
	uint32_t src_min;
	uint32_t src_max;
	uint32_t rng;
	uint32_t sink_expect;
	uint8_t sink_valid;
	struct cmshm_fw_stats st;
};

/**
 * fw_link_work() - move what can be moved on an up link, then ring Linux
 * once if anything moved.
 * @l: the link.
 *
 * Context: the superloop. Return: 1 if the firmware must restart (a
 * CMSHM_FW_RESTART command was consumed), else 0.
 */
int fw_link_work(struct fw_link *l);

/**
 * fw_link_reset() - forget the stream state after a host restart.
 * @l: the link.
 */
void fw_link_reset(struct fw_link *l);

/** fw_print() - write @s to the console (UART1). */
void fw_print(const char *s);

/** fw_print_u32() - write @v in decimal to the console. */
void fw_print_u32(uint32_t v);

#endif /* FW_H */
