/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Shared parts of the relacy scenarios: the modelled region's map, the
 * message pattern, send/receive helpers that move every payload word
 * through cmshm_store32()/cmshm_load32() on the reserved slot or the
 * peeked message, and struct model_world (both sides' private state).
 *
 * Thread 0 is the host, thread 1 the remote.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_MODEL_COMMON_H
#define CMSHM_MODEL_COMMON_H

#include <cmshm/cmshm_link.h>

/*
 * Region map (bytes). Rings are 64 bytes (max_msg 24); a 12-byte message
 * is a 24-byte record, so the third one needs a pad record at offset 48
 * and lands at 0, over the first (which must have been consumed).
 * Each index is followed by its doorbell-wanted word (cmshm_ring_want_word(),
 * written by the index's owner only): an 8-byte "line" per index.
 */
#define MODEL_HOST_CTRL		0u
#define MODEL_REMOTE_CTRL	16u
#define MODEL_H2R_HEAD		32u	/* want word: the host wants space */
#define MODEL_H2R_TAIL		40u	/* want word: the remote wants data */
#define MODEL_R2H_HEAD		48u	/* want word: the remote wants space */
#define MODEL_R2H_TAIL		56u	/* want word: the host wants data */
/* Byte offset of the doorbell-wanted word of the index at @idx. */
#define MODEL_WANT(idx)		((idx) + 4u)
#define MODEL_H2R_DATA		64u
#define MODEL_R2H_DATA		128u
#define MODEL_RING_SIZE		64u
#define MODEL_MSG_LEN		12u
#define MODEL_MSG_WORDS		(MODEL_MSG_LEN / 4u)
/* What the data areas hold before anything is written. */
#define MODEL_GARBAGE		0xdeadbeefu

#define MODEL_HOST	0u
#define MODEL_REMOTE	1u

/*
 * What a polling loop does while it waits. Not rl::yield(): after a
 * yield relacy no longer lets the thread read a value older than one it
 * could already see at the yield, which hides exactly the stale reads a
 * missing barrier allows (a peer restart seen half-way). Without it the
 * random scheduler still lets the waited-for thread run (every shared
 * access is a scheduling point); MODEL_YIELD=1 restores the yield.
 */
#ifndef MODEL_YIELD
#define MODEL_YIELD 0
#endif
static inline void model_pause(void)
{
	if (MODEL_YIELD)
		rl::yield(1, $);
}

/* A failed check: relacy prints @msg and the interleaving that led here. */
#define MODEL_CHECK(cond, msg) \
	RL_ASSERT_IMPL((cond), rl::test_result_user_assert_failed, (msg), $)

/*
 * Word @i of message @seq: the sequence number, the word index and a
 * checksum byte of both, so a word from another message, another position
 * or the garbage fill never passes.
 */
static inline uint32_t model_pat(uint32_t seq, uint32_t i)
{
	return 0xa0000000u | (seq << 16) | (i << 8) |
	       ((seq * 0x35u + i * 0x1bu + 0x5au) & 0xffu);
}

/*
 * Producer: reserve, store every payload word, commit. The payload stores
 * are ordered before the head store by the cmshm_wmb() in commit, which
 * pairs with the cmshm_rmb() after the consumer's head load.
 *
 * Return: 0 or the error of cmshm_ring_reserve().
 */
static inline int model_send(struct cmshm_ring *r, uint32_t seq)
{
	uint32_t *w, i;
	void *p;
	int err = cmshm_ring_reserve(r, MODEL_MSG_LEN, &p);

	if (err)
		return err;
	w = (uint32_t *)p;
	for (i = 0; i < MODEL_MSG_WORDS; i++)
		cmshm_store32(&w[i], model_pat(seq, i));
	cmshm_ring_commit(r);
	return 0;
}

/*
 * Consumer: peek, load every payload word, check it, release. The payload
 * loads are ordered before the tail store by the cmshm_release_fence() in
 * release, which pairs with the cmshm_acquire_fence() after the producer's
 * tail load.
 *
 * Return: 0 with *@seq set, or the error of cmshm_ring_peek().
 */
static inline int model_recv(struct cmshm_ring *r, uint32_t *seq)
{
	const uint32_t *w;
	const void *p;
	uint32_t len, i, v, s;
	int err = cmshm_ring_peek(r, &p, &len);

	if (err)
		return err;
	MODEL_CHECK(len == MODEL_MSG_LEN, "stale or torn len word");
	w = (const uint32_t *)p;
	v = cmshm_load32(&w[0]);
	s = (v >> 16) & 0xfffu;
	MODEL_CHECK(v == model_pat(s, 0), "stale or torn payload (word 0)");
	for (i = 1; i < MODEL_MSG_WORDS; i++) {
		v = cmshm_load32(&w[i]);
		MODEL_CHECK(v == model_pat(s, i), "stale or torn payload");
	}
	cmshm_ring_release(r);
	*seq = s;
	return 0;
}

/* A consumer that must see every message: exactly @last + 1 comes next. */
static inline void model_check_next(uint32_t last, uint32_t seq)
{
	MODEL_CHECK(seq > last, "duplicated or reordered message");
	MODEL_CHECK(seq == last + 1u, "lost message");
}

/**
 * struct model_world - the region's shadow and both sides' private state.
 * @mem:  shadow atomics of the region (model_use() points the port here).
 * @desc: ring descriptors: [0] h2r, [1] r2h.
 * @tx:   ring each side produces into, by thread (h2r for the host).
 * @rx:   ring each side consumes from, by thread.
 * @link: each side's handshake state, by thread.
 */
struct model_world {
	struct model_mem mem;
	struct cmshm_ring_desc desc[2];
	struct cmshm_ring tx[2];
	struct cmshm_ring rx[2];
	struct cmshm_link link[2];

	uint8_t *base() { return (uint8_t *)model_region; }

	struct cmshm_ctrl *ctrl(unsigned side)
	{
		return (struct cmshm_ctrl *)(base() + (side == MODEL_HOST ?
			MODEL_HOST_CTRL : MODEL_REMOTE_CTRL));
	}

	/* Every word to @fill; ring views and links of both sides set up. */
	void init(uint32_t fill)
	{
		unsigned i;

		model_use(mem.w, MODEL_REGION_BYTES);
		for (i = 0; i < MODEL_REGION_WORDS; i++)
			mem.w[i].store(fill, rl::mo_relaxed, $);
		desc[0].head_offset = MODEL_H2R_HEAD;
		desc[0].tail_offset = MODEL_H2R_TAIL;
		desc[0].data_offset = MODEL_H2R_DATA;
		desc[0].size = MODEL_RING_SIZE;
		desc[1].head_offset = MODEL_R2H_HEAD;
		desc[1].tail_offset = MODEL_R2H_TAIL;
		desc[1].data_offset = MODEL_R2H_DATA;
		desc[1].size = MODEL_RING_SIZE;
		cmshm_ring_init(&tx[MODEL_HOST], base(), &desc[0]);
		cmshm_ring_init(&rx[MODEL_REMOTE], base(), &desc[0]);
		cmshm_ring_init(&tx[MODEL_REMOTE], base(), &desc[1]);
		cmshm_ring_init(&rx[MODEL_HOST], base(), &desc[1]);
		for (i = 0; i < 2; i++) {
			link[i].own = ctrl(i);
			link[i].peer = ctrl(1u - i);
			link[i].tx = &tx[i];
			link[i].rx = &rx[i];
			link[i].session = 0;
			link[i].acked = 0;
			link[i].up = 0;
			link[i].was_up = 0;
			link[i].notify = 0;
			link[i].want = 0;
		}
	}

	/* Initial value of the shared word at byte offset @off. */
	void set(uint32_t off, uint32_t v)
	{
		mem.w[off / 4u].store(v, rl::mo_relaxed, $);
	}

	/*
	 * Both indices of both rings, and their doorbell-wanted words, to 0
	 * (as after a handshake).
	 */
	void zero_indices()
	{
		static const uint32_t idx[] = { MODEL_H2R_HEAD, MODEL_H2R_TAIL,
						MODEL_R2H_HEAD, MODEL_R2H_TAIL };
		unsigned i;

		for (i = 0; i < 4; i++) {
			set(idx[i], 0);
			set(MODEL_WANT(idx[i]), 0);
		}
	}
};

#endif /* CMSHM_MODEL_COMMON_H */
