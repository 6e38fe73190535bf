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
 * notify_space is an instance of notify_space_test (a producer that waits
 * for space, notify_send(), and a polling consumer), which batch_space of
 * scenario_batch.h instantiates for r2h with space doorbells in batches.
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

/*
 * A producer that waits for space, in the endpoint library's sequence
 * (cmshm_remote_reserve(), cmshm_remote_commit()): sample the doorbell
 * count @db (acquire: the doorbell handler's register read orders the
 * ring loads after it), look (reserve @len in @l's tx ring); full: ask for
 * space (want = 1, mb) and look again; still full: @s->sleep(sample),
 * false if it never wakes. Found room: unwant, fill with message @seq,
 * commit, note @seq in @committed (model only), ring @peer_db only if the
 * peer wants data: cmshm_link_peer_wants()'s mb orders the head store
 * before the want load.
 *
 * Return: 0, or -1 if the producer never woke.
 */
template <class S>
static inline int notify_send(S *s, struct cmshm_link *l,
			      rl::atomic<uint32_t> *db,
			      rl::atomic<uint32_t> *peer_db,
			      rl::atomic<uint32_t> *committed,
			      uint32_t seq, uint32_t len)
{
	uint32_t sample;
	void *p;
	int err;

	for (;;) {
		sample = db->load(rl::mo_acquire, $);
		do
			err = cmshm_ring_reserve(l->tx, len, &p);
		while (err == -CMSHM_EAGAIN &&
		       cmshm_link_want(l, CMSHM_WANT_SPACE));
		if (err != -CMSHM_EAGAIN)
			break;
		if (!s->sleep(sample))
			return -1;
	}
	MODEL_CHECK(!err, "producer: protocol error between honest peers");
	cmshm_link_unwant(l, CMSHM_WANT_SPACE);
	notify_fill(p, seq, len);
	cmshm_ring_commit(l->tx);
	committed->store(seq, rl::mo_relaxed, $);
	if (cmshm_link_peer_wants(l, CMSHM_WANT_DATA))
		notify_ring(peer_db);
	return 0;
}

/*
 * A producer that waits for space (notify_send()) and a consumer that
 * polls: notify_space, and batch_space of scenario_batch.h (the other
 * direction, space in batches). @T gives:
 *   T::PRODUCER       the producer's thread (the other one consumes)
 *   T::MSGS           messages sent
 *   T::len(seq)       length of message @seq
 *   start()           the consumer, before its first look
 *   empty(l)          the consumer found its rx ring empty
 *   released(l)       after each release: nonzero to ring the producer
 */
template <class T> struct notify_space_test : rl::test_suite<T, 2> {
	struct model_world m;
	rl::atomic<uint32_t> db;	/* the producer's doorbell count */
	rl::atomic<uint32_t> db_data;	/* the consumer's (data doorbells) */
	rl::atomic<uint32_t> asleep;	/* model only: producer's sample + 1 */
	rl::atomic<uint32_t> committed;	/* model only: its last commit */
	rl::atomic<uint32_t> stuck;	/* model only: it never wakes */
	uint32_t got;		/* consumer: messages received */

	void before()
	{
		notify_world(&m);
		db.store(0, rl::mo_relaxed, $);
		db_data.store(0, rl::mo_relaxed, $);
		asleep.store(0, rl::mo_relaxed, $);
		committed.store(0, rl::mo_relaxed, $);
		stuck.store(0, rl::mo_relaxed, $);
		got = 0;
	}

	/*
	 * Sleep until the doorbell count moves from @sample, telling the
	 * consumer (model only) what it sleeps on. Returns false if it never
	 * will: the consumer found it stuck.
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

	/* The consumer polls: it never wants data, nor gets a doorbell. */
	void producer()
	{
		uint32_t seq;

		for (seq = 1; seq <= T::MSGS; seq++)
			if (notify_send(this, &m.link[T::PRODUCER], &db,
					&db_data, &committed, seq,
					T::len(seq)))
				return;
	}

	/*
	 * Model only: the producer sleeps on an unchanged count and the
	 * consumer consumed everything committed, so the consumer rings no
	 * more: the producer would sleep forever.
	 */
	bool producer_stuck()
	{
		uint32_t a = asleep.fetch_add(0, rl::mo_relaxed, $);

		return a && db.fetch_add(0, rl::mo_relaxed, $) == a - 1u &&
		       committed.fetch_add(0, rl::mo_relaxed, $) == got;
	}

	/*
	 * The consumer polls its rx ring; after each release (mb, tail
	 * store) it rings the producer only if released() says so.
	 */
	void consumer()
	{
		T *t = static_cast<T *>(this);
		struct cmshm_link *l = &m.link[1u - T::PRODUCER];
		const void *p;
		uint32_t len, s;
		int err;

		t->start();
		while (got < T::MSGS) {
			err = cmshm_ring_peek(l->rx, &p, &len);
			if (err == -CMSHM_EAGAIN) {
				t->empty(l);
				if (producer_stuck()) {
					stuck.store(1, rl::mo_relaxed, $);
					return;
				}
				model_pause();
				continue;
			}
			MODEL_CHECK(!err,
				    "consumer: protocol error between honest peers");
			s = notify_check(p, len, T::len(got + 1u));
			model_check_next(got, s);
			cmshm_ring_release(l->rx);
			got++;
			if (t->released(l))
				notify_ring(&db);
		}
	}

	void thread(unsigned t)
	{
		if (t == T::PRODUCER)
			producer();
		else
			consumer();
	}

	void after()
	{
		MODEL_CHECK(!stuck.load(rl::mo_relaxed, $) && got == T::MSGS,
			    "producer asleep with its tx ring not full and no doorbell coming: missed wake-up");
		MODEL_CHECK(db_data.load(rl::mo_relaxed, $) == 0,
			    "data doorbell the consumer never asked for");
	}
};

/*
 * The host produces into h2r and waits for space; the remote polls and
 * rings after every release if the host wants space.
 */
struct notify_space : notify_space_test<notify_space> {
	static const unsigned PRODUCER = MODEL_HOST;
	static const uint32_t MSGS = NOTIFY_SPACE_MSGS;

	static uint32_t len(uint32_t seq)
	{
		return notify_space_len(seq);
	}

	void start()
	{
	}

	void empty(struct cmshm_link *l)
	{
		(void)l;
	}

	/* cmshm_link_peer_wants()'s mb: tail store before want load. */
	int released(struct cmshm_link *l)
	{
		return cmshm_link_peer_wants(l, CMSHM_WANT_SPACE);
	}
};

#endif /* CMSHM_SCENARIO_NOTIFY_H */
