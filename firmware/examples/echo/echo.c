// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm echo firmware: the worked example of Documentation/porting.rst.
 * Every message Linux writes to /dev/cmshmN comes back unchanged. A
 * superloop: take the board's doorbell, follow the host, echo in place
 * (peek -> reserve -> memcpy -> commit -> release), ring once per batch.
 *
 * The board comes from a glue header chosen at build time (ECHO_BOARD,
 * see firmware/Makefile): the region as this core sees it and the doorbell
 * functions of firmware/boards/.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm/cmshm_remote.h"
#include ECHO_BOARD

/* Look at the host without a doorbell every this many idle loops. */
#define ECHO_IDLE_POLL	4096u

/**
 * struct echo_counters - what the echo did, for a debugger (no console).
 * @echoed:   messages sent back.
 * @dropped:  messages longer than the r2h ring allows (released unsent).
 * @ups:      link ups; @resets host restarts; @errors protocol errors.
 */
struct echo_counters {
	uint32_t echoed;
	uint32_t dropped;
	uint32_t ups;
	uint32_t resets;
	uint32_t errors;
};

static struct cmshm_remote echo_link;
static struct echo_counters echo_count;

/*
 * Survives a reset of this core (not zeroed by the startup code): the
 * session seed differs on every boot, as cmshm_remote_init() asks.
 */
static uint32_t echo_boots __attribute__((section(".noinit")));

/* Echo what is queued; a full r2h ring leaves the rest for the doorbell. */
static void echo_pending(struct cmshm_remote *r)
{
	const void *in;
	void *out;
	uint32_t len;
	int err;

	cmshm_remote_defer(r);
	while (cmshm_remote_peek(r, &in, &len) == 0) {
		err = cmshm_remote_reserve(r, len, &out);
		if (err == -CMSHM_EAGAIN || err == -CMSHM_ENOTCONN)
			break;
		if (err) {
			echo_count.dropped++;	/* -CMSHM_EMSGSIZE */
		} else {
			cmshm_memcpy(out, in, len);
			cmshm_remote_commit(r);
			echo_count.echoed++;
		}
		cmshm_remote_release(r);
	}
	cmshm_remote_notify(r);
}

static void echo_events(unsigned int ev)
{
	if (ev & CMSHM_REMOTE_UP)
		echo_count.ups++;
	if (ev & CMSHM_REMOTE_RESET)
		echo_count.resets++;
	if (ev & CMSHM_REMOTE_ERROR)
		echo_count.errors++;
}

int main(void)
{
	uint32_t idle = ECHO_IDLE_POLL;

	echo_board_init();
	echo_boots++;
	if (cmshm_remote_init(&echo_link, (void *)ECHO_REGION_BASE,
			      ECHO_REGION_SIZE, echo_board_ring,
			      echo_board_ctx, 0x9e3779b9u * echo_boots))
		for (;;)
			;	/* misconfigured region: nothing to do */
	for (;;) {
		/* Take the doorbell before looking: one rung later is kept. */
		if (echo_board_take() || ++idle >= ECHO_IDLE_POLL) {
			idle = 0;
			echo_events(cmshm_remote_poll(&echo_link));
			if (cmshm_remote_up(&echo_link))
				echo_pending(&echo_link);
		}
	}
}
