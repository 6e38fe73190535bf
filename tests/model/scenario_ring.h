/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Ring scenarios, without the handshake (indices start at 0 on both sides):
 *
 *   (a) ring_wrap: the host produces 3 messages into h2r, the remote
 *       consumes them. The third needs a pad record at offset 48 and is
 *       written at offset 0 over the first, so both the publish pairing
 *       (commit's wmb / peek's rmb) and the reuse pairing (release's mb /
 *       reserve's mb) are exercised.
 *   (b) ring_both: the same, in both directions at once, each side
 *       alternating between its tx and rx ring.
 *
 * The consumer checks that it gets exactly messages 1, 2, 3 in order, each
 * with every payload word intact.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_SCENARIO_RING_H
#define CMSHM_SCENARIO_RING_H

#include "model_common.h"

#define MODEL_RING_MSGS	3u

/* Send message @seq, waiting (yield) while the ring is full. */
static inline void model_send_wait(struct cmshm_ring *r, uint32_t seq)
{
	int err;

	while ((err = model_send(r, seq)) == -CMSHM_EAGAIN)
		model_pause();
	MODEL_CHECK(!err, "producer: protocol error between honest peers");
}

/* Receive the next message, waiting (yield) while the ring is empty. */
static inline uint32_t model_recv_wait(struct cmshm_ring *r)
{
	uint32_t seq = 0;
	int err;

	while ((err = model_recv(r, &seq)) == -CMSHM_EAGAIN)
		model_pause();
	MODEL_CHECK(!err, "consumer: protocol error between honest peers");
	return seq;
}

struct ring_wrap : rl::test_suite<ring_wrap, 2> {
	struct model_world m;

	void before()
	{
		m.init(MODEL_GARBAGE);
		m.zero_indices();
	}

	void thread(unsigned side)
	{
		uint32_t seq, got;

		for (seq = 1; seq <= MODEL_RING_MSGS; seq++) {
			if (side == MODEL_HOST) {
				model_send_wait(&m.tx[side], seq);
			} else {
				got = model_recv_wait(&m.rx[side]);
				model_check_next(seq - 1u, got);
			}
		}
	}

	void after()
	{
		/* 24 + 24, then a 16-byte pad and 24 at offset 0. */
		MODEL_CHECK(m.tx[MODEL_HOST].own == 88u, "no pad record made");
		MODEL_CHECK(m.rx[MODEL_REMOTE].own == 88u, "pad not consumed");
	}
};

struct ring_both : rl::test_suite<ring_both, 2> {
	struct model_world m;

	void before()
	{
		m.init(MODEL_GARBAGE);
		m.zero_indices();
	}

	void thread(unsigned side)
	{
		uint32_t sent = 0, got = 0, seq;
		int err, busy;

		while (sent < MODEL_RING_MSGS || got < MODEL_RING_MSGS) {
			busy = 0;
			if (sent < MODEL_RING_MSGS) {
				err = model_send(&m.tx[side], sent + 1u);
				MODEL_CHECK(!err || err == -CMSHM_EAGAIN,
					    "producer: protocol error between honest peers");
				if (!err) {
					sent++;
					busy = 1;
				}
			}
			if (got < MODEL_RING_MSGS) {
				err = model_recv(&m.rx[side], &seq);
				MODEL_CHECK(!err || err == -CMSHM_EAGAIN,
					    "consumer: protocol error between honest peers");
				if (!err) {
					model_check_next(got, seq);
					got++;
					busy = 1;
				}
			}
			if (!busy)
				model_pause();
		}
	}
};

#endif /* CMSHM_SCENARIO_RING_H */
