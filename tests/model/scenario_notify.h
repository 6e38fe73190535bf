/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Doorbell suppression (CMSHM_FEATURE_DOORBELL_WANT, protocol v2) with the
 * real include/cmshm/ code: cmshm_link_want(), cmshm_link_unwant(),
 * cmshm_link_peer_wants() and the ring functions, in the sequences of the
 * endpoint library (firmware/endpoint/cmshm_remote.c): a side that finds
 * its ring empty (full) runs
 *
 *	do err = look(); while (err == -EAGAIN && cmshm_link_want(l, w));
 *
 * and waits for a doorbell if the second look failed too; a side that
 * published (commit, release) rings only if cmshm_link_peer_wants(l, w).
 * Both links are up with notify set (the feature negotiated), as after a
 * handshake; indices and doorbell-wanted words start at 0.
 *
 * Each property is a store-buffering pair of full barriers:
 *
 *   waiter:    want word = 1; cmshm_mb() [cmshm_link_want()];
 *              index load (the second look)
 *   publisher: index store [cmshm_ring_commit() / cmshm_ring_release()];
 *              cmshm_mb() [cmshm_link_peer_wants()]; want word load
 *
 * so either the waiter's second look sees the new index, or the publisher
 * sees the want and rings. Without either barrier both may read the old
 * value: the waiter sleeps, nobody rings (a missed wake-up).
 *
 *   notify_data: the host produces NOTIFY_DATA_MSGS 8-byte messages into
 *       h2r (16-byte records: all fit, the host never waits) and rings the
 *       remote only if it wants data (h2r tail's want word). The remote
 *       consumes; finding h2r empty it asks for data and sleeps until its
 *       doorbell count changes. Pair: remote's cmshm_link_want(DATA) mb
 *       with the host's cmshm_link_peer_wants(DATA) mb after the head
 *       store of cmshm_ring_commit().
 *   notify_space: the host produces NOTIFY_SPACE_MSGS messages into h2r,
 *       sized so that it must wait for the release of the last message it
 *       committed (notify_space_len()); finding h2r full it asks for
 *       space (h2r head's want word) and sleeps until its doorbell count
 *       changes. The remote polls h2r and, after each
 *       release, rings the host only if it wants space. Pair: the host's
 *       cmshm_link_want(SPACE) mb with the remote's
 *       cmshm_link_peer_wants(SPACE) mb after the tail store of
 *       cmshm_ring_release().
 *
 * Property: the consumer gets every message, in order, intact; a sleeper
 * is never left asleep with its wait satisfied and no doorbell coming.
 *
 * A doorbell is a relaxed increment of the peer's doorbell count (the
 * register write) after a full barrier (ring_host()'s
 * cmshm_doorbell_barrier()); a sleeper samples its count with an acquire
 * (the doorbell handler's register read orders the ring loads after it)
 * BEFORE its first look, so a doorbell rung after either look changes the
 * count it sleeps on. The model detects a sleeper that would sleep forever
 * with relaxed RMWs of model-only counters (they read the latest value,
 * ordering nothing), as doorbell_coalesced does: the sleeper's wake-up can
 * only come from its peer, and the peer has stopped (notify_data: the host
 * returned; notify_space: the remote consumed everything committed and
 * sees the host asleep on an unchanged count).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_SCENARIO_NOTIFY_H
#define CMSHM_SCENARIO_NOTIFY_H

#include "model_common.h"

#define NOTIFY_DATA_MSGS	3u
#define NOTIFY_DATA_LEN		8u	/* 16-byte records, 48 of 64 bytes */
#define NOTIFY_SPACE_MSGS	4u

/*
 * notify_space's message lengths: 8, then max_msg (24). Records 16@0,
 * 32@16, then a 16-byte pad at 48 and 32@0, then 32@32: the host waits
 * for message 2 and 3 to be released, each the last one it committed,
 * so no later release's barrier can stand in for the missing one.
 */
static inline uint32_t notify_space_len(uint32_t seq)
{
	return seq == 1u ? 8u : 24u;
}

/* Both links up with CMSHM_FEATURE_DOORBELL_WANT negotiated. */
static inline void notify_world(struct model_world *m)
{
	unsigned i;

	m->init(MODEL_GARBAGE);
	m->zero_indices();
	for (i = 0; i < 2; i++) {
		m->link[i].up = 1;
		m->link[i].was_up = 1;
		m->link[i].notify = 1;
		m->link[i].want = 0;
	}
}

/* Payload of message @seq, @len bytes, into the reserved slot @p. */
static inline void notify_fill(void *p, uint32_t seq, uint32_t len)
{
	uint32_t *w = (uint32_t *)p, i;

	for (i = 0; i < len / 4u; i++)
		cmshm_store32(&w[i], model_pat(seq, i));
}

/* Check the peeked message @p of @len bytes (@want bytes expected). */
static inline uint32_t notify_check(const void *p, uint32_t len,
				    uint32_t want)
{
	const uint32_t *w = (const uint32_t *)p;
	uint32_t i, v, s;

	MODEL_CHECK(len == want, "stale or torn len word");
	v = cmshm_load32(&w[0]);
	s = (v >> 16) & 0xfffu;
	MODEL_CHECK(v == model_pat(s, 0), "stale or torn payload (word 0)");
	for (i = 1; i < want / 4u; i++) {
		v = cmshm_load32(&w[i]);
		MODEL_CHECK(v == model_pat(s, i), "stale or torn payload");
	}
	return s;
}

/*
 * Ring the peer whose doorbell count is @db: ring_host()'s
 * cmshm_doorbell_barrier() (a full barrier: our index store before the
 * register write), then the register write (relaxed).
 */
static inline void notify_ring(rl::atomic<uint32_t> *db)
{
	cmshm_mb();
	db->fetch_add(1, rl::mo_relaxed, $);
}

struct notify_data : rl::test_suite<notify_data, 2> {
	struct model_world m;
	rl::atomic<uint32_t> db;	/* the remote's doorbell count */
	rl::atomic<uint32_t> db_host;	/* the host's (space doorbells) */
	rl::atomic<uint32_t> host_done;	/* model only: the host returned */
	uint32_t got;		/* remote: messages received */
	int stuck;		/* remote: asleep, no doorbell coming */

	void before()
	{
		notify_world(&m);
		db.store(0, rl::mo_relaxed, $);
		db_host.store(0, rl::mo_relaxed, $);
		host_done.store(0, rl::mo_relaxed, $);
		got = 0;
		stuck = 0;
	}

	/*
	 * cmshm_remote_commit() on the host side: commit (wmb, head store),
	 * then ring only if the remote wants data: cmshm_link_peer_wants()'s
	 * mb orders the head store before the want load.
	 */
	void host()
	{
		struct cmshm_link *l = &m.link[MODEL_HOST];
		uint32_t seq;
		void *p;

		for (seq = 1; seq <= NOTIFY_DATA_MSGS; seq++) {
			MODEL_CHECK(!cmshm_ring_reserve(l->tx, NOTIFY_DATA_LEN,
							&p),
				    "host: h2r full or protocol error");
			notify_fill(p, seq, NOTIFY_DATA_LEN);
			cmshm_ring_commit(l->tx);
			if (cmshm_link_peer_wants(l, CMSHM_WANT_DATA))
				notify_ring(&db);
		}
		host_done.store(1, rl::mo_relaxed, $);
	}

	/*
	 * Sleep until the doorbell count moves from @sample. Returns false
	 * (model only) if it never will: the host returned and the latest
	 * count is still @sample.
	 */
	bool sleep(uint32_t sample)
	{
		while (db.load(rl::mo_relaxed, $) == sample) {
			if (host_done.fetch_add(0, rl::mo_relaxed, $) &&
			    db.fetch_add(0, rl::mo_relaxed, $) == sample)
				return false;
			model_pause();
		}
		return true;
	}

	/*
	 * cmshm_remote_peek() and cmshm_remote_release(): sample the doorbell
	 * count, look; empty: ask for data (want = 1, mb) and look again;
	 * still empty: sleep on the sample. Found: unwant, copy, release,
	 * ring the host if it wants space (it never does here).
	 */
	void remote()
	{
		struct cmshm_link *l = &m.link[MODEL_REMOTE];
		const void *p;
		uint32_t len, sample, s;
		int err;

		while (got < NOTIFY_DATA_MSGS) {
			sample = db.load(rl::mo_acquire, $);
			do
				err = cmshm_ring_peek(l->rx, &p, &len);
			while (err == -CMSHM_EAGAIN &&
			       cmshm_link_want(l, CMSHM_WANT_DATA));
			if (err == -CMSHM_EAGAIN) {
				if (!sleep(sample)) {
					stuck = 1;
					return;
				}
				continue;
			}
			MODEL_CHECK(!err,
				    "remote: protocol error between honest peers");
			cmshm_link_unwant(l, CMSHM_WANT_DATA);
			s = notify_check(p, len, NOTIFY_DATA_LEN);
			model_check_next(got, s);
			cmshm_ring_release(l->rx);
			if (cmshm_link_peer_wants(l, CMSHM_WANT_SPACE))
				notify_ring(&db_host);
			got++;
		}
	}

	void thread(unsigned t)
	{
		if (t == MODEL_HOST)
			host();
		else
			remote();
	}

	void after()
	{
		MODEL_CHECK(!stuck && got == NOTIFY_DATA_MSGS,
			    "remote asleep with h2r not empty and no doorbell coming: missed wake-up");
		MODEL_CHECK(db_host.load(rl::mo_relaxed, $) == 0,
			    "space doorbell the host never asked for");
	}
};

struct notify_space : rl::test_suite<notify_space, 2> {
	struct model_world m;
	rl::atomic<uint32_t> db;	/* the host's doorbell count */
	rl::atomic<uint32_t> db_remote;	/* the remote's (data doorbells) */
	rl::atomic<uint32_t> asleep;	/* model only: host's sample + 1 */
	rl::atomic<uint32_t> committed;	/* model only: host's last commit */
	rl::atomic<uint32_t> stuck;	/* model only: the host never wakes */
	uint32_t got;		/* remote: messages received */

	void before()
	{
		notify_world(&m);
		db.store(0, rl::mo_relaxed, $);
		db_remote.store(0, rl::mo_relaxed, $);
		asleep.store(0, rl::mo_relaxed, $);
		committed.store(0, rl::mo_relaxed, $);
		stuck.store(0, rl::mo_relaxed, $);
		got = 0;
	}

	/*
	 * Sleep until the doorbell count moves from @sample, telling the
	 * remote (model only) what it sleeps on. Returns false if it never
	 * will: the remote found it stuck.
	 */
	bool sleep(uint32_t sample)
	{
		asleep.store(sample + 1u, rl::mo_relaxed, $);
		while (db.load(rl::mo_relaxed, $) == sample) {
			if (stuck.fetch_add(0, rl::mo_relaxed, $))
				return false;
			model_pause();
		}
		asleep.store(0, rl::mo_relaxed, $);
		return true;
	}

	/*
	 * cmshm_remote_reserve() and cmshm_remote_commit() on the host side:
	 * sample the doorbell count, look (reserve); full: ask for space
	 * (want = 1, mb) and look again; still full: sleep on the sample.
	 * Found room: unwant, fill, commit, ring the remote if it wants data
	 * (it never does here: it polls).
	 */
	void host()
	{
		struct cmshm_link *l = &m.link[MODEL_HOST];
		uint32_t seq, len, sample;
		void *p;
		int err;

		for (seq = 1; seq <= NOTIFY_SPACE_MSGS; seq++) {
			len = notify_space_len(seq);
			for (;;) {
				sample = db.load(rl::mo_acquire, $);
				do
					err = cmshm_ring_reserve(l->tx, len,
								 &p);
				while (err == -CMSHM_EAGAIN &&
				       cmshm_link_want(l, CMSHM_WANT_SPACE));
				if (err != -CMSHM_EAGAIN)
					break;
				if (!sleep(sample))
					return;
			}
			MODEL_CHECK(!err,
				    "host: protocol error between honest peers");
			cmshm_link_unwant(l, CMSHM_WANT_SPACE);
			notify_fill(p, seq, len);
			cmshm_ring_commit(l->tx);
			committed.store(seq, rl::mo_relaxed, $);
			if (cmshm_link_peer_wants(l, CMSHM_WANT_DATA))
				notify_ring(&db_remote);
		}
	}

	/*
	 * Model only: the host sleeps on an unchanged count and the remote
	 * consumed everything committed, so the remote rings no more: the
	 * host would sleep forever.
	 */
	bool host_stuck()
	{
		uint32_t a = asleep.fetch_add(0, rl::mo_relaxed, $);

		return a && db.fetch_add(0, rl::mo_relaxed, $) == a - 1u &&
		       committed.fetch_add(0, rl::mo_relaxed, $) == got;
	}

	/*
	 * The remote polls h2r; after each release (mb, tail store) it rings
	 * the host only if the host wants space: cmshm_link_peer_wants()'s
	 * mb orders the tail store before the want load.
	 */
	void remote()
	{
		struct cmshm_link *l = &m.link[MODEL_REMOTE];
		const void *p;
		uint32_t len, s;
		int err;

		while (got < NOTIFY_SPACE_MSGS) {
			err = cmshm_ring_peek(l->rx, &p, &len);
			if (err == -CMSHM_EAGAIN) {
				if (host_stuck()) {
					stuck.store(1, rl::mo_relaxed, $);
					return;
				}
				model_pause();
				continue;
			}
			MODEL_CHECK(!err,
				    "remote: protocol error between honest peers");
			s = notify_check(p, len, notify_space_len(got + 1u));
			model_check_next(got, s);
			cmshm_ring_release(l->rx);
			got++;
			if (cmshm_link_peer_wants(l, CMSHM_WANT_SPACE))
				notify_ring(&db);
		}
	}

	void thread(unsigned t)
	{
		if (t == MODEL_HOST)
			host();
		else
			remote();
	}

	void after()
	{
		MODEL_CHECK(!stuck.load(rl::mo_relaxed, $) &&
			    got == NOTIFY_SPACE_MSGS,
			    "host asleep with h2r not full and no doorbell coming: missed wake-up");
		MODEL_CHECK(db_remote.load(rl::mo_relaxed, $) == 0,
			    "data doorbell the remote never asked for");
	}
};

#endif /* CMSHM_SCENARIO_NOTIFY_H */
