/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Space doorbells in batches (Documentation/protocol.rst, "Space in
 * batches") with the real include/cmshm/ code: the host consumes r2h as
 * the Linux driver does, ringing after a release only if
 * cmshm_link_peer_wants_space() says so (it holds the doorbell back,
 * CMSHM_SPACE_HELD, while more than half of r2h is in use by its cached
 * head, or, when the remote wants space, by the head it loads again after
 * the want load), and calls cmshm_link_held_space() before it waits for
 * the remote itself (cmshm_io_begin()). The remote rings after every
 * release here (cmshm_link_peer_wants()); the endpoint library holds as
 * the host does, and its flush rings a held doorbell without looking at
 * the want word, which only adds doorbells to what is checked here.
 * Waits, doorbells and the "asleep forever" detection are as in
 * scenario_notify.h, whose helpers are used here (notify_send(): the
 * remote's wait for space; notify_space_test: batch_space is notify_space
 * the other way round); both links are up with notify set.
 *
 *   batch_space: no lost wake-up with batching. The remote produces
 *       BATCH_SPACE_MSGS messages into r2h (batch_space_len()) and, finding
 *       it full, asks for space (r2h head's want word), looks again and
 *       sleeps until its doorbell count changes. The host polls r2h and
 *       after each release rings only if peer_wants_space() says so. The
 *       sizes make the remote wait (when it waits) for: message 5, room
 *       from the release of message 1, which leaves 48 of 64 bytes in use
 *       when the host has seen message 4: held, so the wake-up must come
 *       from a later release at or below half; message 6, the release of
 *       message 3; message 7, the release of message 6, the last one
 *       committed, which empties the ring. That last wait has no later
 *       release whose barriers could stand in for the one that matters:
 *       pair: the remote's cmshm_link_want(SPACE) mb with the mb of
 *       cmshm_link_peer_wants() inside peer_wants_space(), after the tail
 *       store of the release that got r2h to half or below. Removing that
 *       mb (a mutate.sh barrier site) is caught here as in notify_space.
 *       Also checked: the host never finds r2h empty with a doorbell held
 *       (the release that empties it always looks at the want word). Not
 *       pinned down: the threshold itself. Holding at exactly half, or at
 *       any fill above 0, only delays a wake-up while the host keeps
 *       consuming, so it passes; holding when r2h is empty fails.
 *   batch_flush: the promise that comes with holding. Duplex: the remote
 *       is a blocking sender (it sends BATCH_FLUSH_R2H 8-byte messages,
 *       each one waiting for space as above, and drains h2r, without
 *       waiting, only after a send succeeded; then it receives what is
 *       left, waiting for data). The host reads one message, writes
 *       BATCH_FLUSH_H2R 24-byte messages (two fill h2r), then reads the
 *       rest; every read and write waits as cmshm_io_begin() does: want,
 *       look again, cmshm_link_held_space() (ring if told), sleep. The
 *       first read can leave three r2h messages (48 bytes) in use: the
 *       space doorbell is held while the remote waits to send its fifth;
 *       the host's third write then finds h2r full, which the remote only
 *       drains after that send. Without the flush both sleep forever
 *       (MODEL_HELD_SPACE_FLUSH=0, a mutate.sh driver mutant, must be
 *       caught). Pair: the remote's cmshm_link_want(SPACE) mb with a
 *       full barrier of the host between the tail store of the held
 *       release and held_space()'s want load. held_space() has one (the
 *       mb of cmshm_link_peer_wants()), but on this path the h2r
 *       reserve's cmshm_ring_load_tail() mb is one too, so a held_space()
 *       without its barrier is not caught here (poll() on a read-only
 *       file needs it: a peek has only a read barrier).
 *
 * In both the host starts late (batch_late_start(), model only: once the
 * remote committed 0 to 4 messages, chosen per iteration): with the random
 * scheduler alone the remote is almost never four messages ahead, so r2h
 * would almost never be full with the doorbell about to be held.
 *
 * Property: each side gets every message, in order, intact; no side is
 * left asleep with its wait satisfied and no doorbell coming. batch_space
 * detects it as notify_space does (the sleeper's peer consumed everything
 * committed and rings no more); batch_flush, where both sides sleep, with
 * model-only relaxed RMWs (latest value, ordering nothing) of each side's
 * doorbell count, "asleep on count N + 1" word and "returned" word: a
 * sleeper whose count is unchanged after it saw its peer returned, or
 * asleep on a count that is still unchanged, sleeps forever, since only
 * the peer rings it and the peer only rings after it wakes.
 *
 * The driver's flush, as a macro a mutant build flips (mutate.sh):
 *   MODEL_HELD_SPACE_FLUSH  1: cmshm_io_begin() calls
 *                           cmshm_link_held_space() (and kicks if told)
 *                           before it waits; 0: it does not.
 * check-driver-sequences.sh fails when the driver no longer holds the
 * sequences copied here (read(): release, then peer_wants_space() and
 * kick; io_begin(): want, look again, held_space() and kick, then wait).
 * The flushes of poll() and of closing a file are not modelled.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_SCENARIO_BATCH_H
#define CMSHM_SCENARIO_BATCH_H

#include "model_common.h"
#include "scenario_notify.h"

#ifndef MODEL_HELD_SPACE_FLUSH
#define MODEL_HELD_SPACE_FLUSH	1
#endif

#define BATCH_SPACE_MSGS	7u

/*
 * batch_space's r2h message lengths: five of 8 (16-byte records), one of
 * 16 (24 bytes), one of 24 (32 bytes). Records 16@0, 16@16, 16@32, 16@48
 * (full), 16@0 (needs message 1 released), 24@16 (needs 48 bytes free:
 * messages 1 to 3 released), then a 24-byte pad at 40 and 32@0 (needs 56
 * bytes free: everything released).
 */
static inline uint32_t batch_space_len(uint32_t seq)
{
	return seq <= 5u ? 8u : seq == 6u ? 16u : 24u;
}

/*
 * Model only: the host starts consuming once the remote has committed 0
 * to 4 messages (@committed, chosen per iteration), as a reader slower
 * than the producer would. The random scheduler alone almost never lets
 * the remote get four messages ahead, so the remote would almost never
 * find r2h full with the host about to hold its doorbell. No ordering:
 * relaxed RMWs, and the host's ring loads may still return old values.
 */
static inline void batch_late_start(rl::atomic<uint32_t> *committed)
{
	uint32_t start = rl::rand(5);

	while (committed->fetch_add(0, rl::mo_relaxed, $) < start)
		model_pause();
}

/*
 * The remote produces into r2h and waits for space; the host polls and,
 * after each release, rings only if cmshm_link_peer_wants_space() says so.
 */
struct batch_space : notify_space_test<batch_space> {
	static const unsigned PRODUCER = MODEL_REMOTE;
	static const uint32_t MSGS = BATCH_SPACE_MSGS;

	static uint32_t len(uint32_t seq)
	{
		return batch_space_len(seq);
	}

	void start()
	{
		batch_late_start(&committed);
	}

	/*
	 * Everything seen is consumed: the last release left nothing in
	 * use, so it looked at the want word and holds nothing.
	 */
	void empty(struct cmshm_link *l)
	{
		MODEL_CHECK(!(l->want & CMSHM_SPACE_HELD),
			    "r2h empty with a space doorbell held back");
	}

	/*
	 * cmshm_read(): held while more than half of r2h is in use, else
	 * the mb (tail store before want load) and the want load of
	 * cmshm_link_peer_wants().
	 */
	int released(struct cmshm_link *l)
	{
		int w = cmshm_link_peer_wants_space(l);

		MODEL_CHECK(w >= 0, "protocol error between honest peers");
		return w;
	}
};

#define BATCH_FLUSH_R2H		5u	/* remote to host, 8 bytes each */
#define BATCH_FLUSH_R2H_LEN	8u
#define BATCH_FLUSH_H2R		3u	/* host to remote, 24 bytes each */
#define BATCH_FLUSH_H2R_LEN	24u

/**
 * struct batch_side - one side's doorbell and (model only) sleep state.
 * @db:     its doorbell count (the peer rings it).
 * @asleep: model only: the count it sleeps on + 1, 0 while awake.
 * @done:   model only: it returned (rings no more).
 */
struct batch_side {
	rl::atomic<uint32_t> db;
	rl::atomic<uint32_t> asleep;
	rl::atomic<uint32_t> done;
};

struct batch_flush : rl::test_suite<batch_flush, 2> {
	struct model_world m;
	struct batch_side side[2];	/* by thread */
	rl::atomic<uint32_t> committed;	/* model only: remote's last commit */
	rl::atomic<uint32_t> stuck;	/* model only: a side never wakes */
	uint32_t got[2];	/* messages each side received */

	void before()
	{
		unsigned i;

		notify_world(&m);
		for (i = 0; i < 2; i++) {
			side[i].db.store(0, rl::mo_relaxed, $);
			side[i].asleep.store(0, rl::mo_relaxed, $);
			side[i].done.store(0, rl::mo_relaxed, $);
			got[i] = 0;
		}
		committed.store(0, rl::mo_relaxed, $);
		stuck.store(0, rl::mo_relaxed, $);
	}

	/*
	 * Model only: side @t, asleep on @sample, never wakes. Its peer is
	 * read first: returned, or asleep on a count still unchanged (it
	 * stays asleep: only side @t rings it, and @t sleeps). Then @t's own
	 * count, still @sample: every doorbell the peer rang before it
	 * stopped is counted by now.
	 */
	bool never_wakes(unsigned t, uint32_t sample)
	{
		struct batch_side *peer = &side[1u - t];
		uint32_t a;

		if (!peer->done.fetch_add(0, rl::mo_relaxed, $)) {
			a = peer->asleep.fetch_add(0, rl::mo_relaxed, $);
			if (!a || peer->db.fetch_add(0, rl::mo_relaxed, $) !=
				  a - 1u)
				return false;
		}
		return side[t].db.fetch_add(0, rl::mo_relaxed, $) == sample;
	}

	/*
	 * Side @t sleeps until its doorbell count moves from @sample.
	 * Returns false (model only) if it never will.
	 */
	bool side_sleep(unsigned t, uint32_t sample)
	{
		side[t].asleep.store(sample + 1u, rl::mo_relaxed, $);
		while (side[t].db.load(rl::mo_relaxed, $) == sample) {
			if (stuck.fetch_add(0, rl::mo_relaxed, $))
				return false;
			if (never_wakes(t, sample)) {
				stuck.store(1, rl::mo_relaxed, $);
				return false;
			}
			model_pause();
		}
		side[t].asleep.store(0, rl::mo_relaxed, $);
		return true;
	}

	/*
	 * cmshm_io_begin(): sample the doorbell count (wake_seq), look
	 * (reserve @len in h2r if @tx, else peek r2h); nothing: want, look
	 * again; still nothing: ring a space doorbell held back
	 * (cmshm_link_held_space(): the remote may be waiting for r2h space
	 * before it drains h2r or sends what we wait for), then sleep.
	 * Returns 0 with *@slot or *@msg and *@len set, -1 if stuck.
	 */
	int host_io(bool tx, uint32_t *len, void **slot, const void **msg)
	{
		struct cmshm_link *l = &m.link[MODEL_HOST];
		unsigned int w = tx ? CMSHM_WANT_SPACE : CMSHM_WANT_DATA;
		uint32_t sample;
		int err;

		for (;;) {
			sample = side[MODEL_HOST].db.load(rl::mo_acquire, $);
			err = tx ? cmshm_ring_reserve(l->tx, *len, slot) :
				   cmshm_ring_peek(l->rx, msg, len);
			if (err == -CMSHM_EAGAIN && cmshm_link_want(l, w))
				err = tx ? cmshm_ring_reserve(l->tx, *len,
							      slot) :
					   cmshm_ring_peek(l->rx, msg, len);
			if (!err) {
				cmshm_link_unwant(l, w);
				return 0;
			}
			MODEL_CHECK(err == -CMSHM_EAGAIN,
				    "host: protocol error between honest peers");
			if (MODEL_HELD_SPACE_FLUSH &&
			    cmshm_link_held_space(l))
				notify_ring(&side[MODEL_REMOTE].db);
			if (!side_sleep(MODEL_HOST, sample))
				return -1;
		}
	}

	/*
	 * cmshm_read(): copy, release, ring only if
	 * cmshm_link_peer_wants_space() says so (held above half).
	 */
	int host_read(void)
	{
		struct cmshm_link *l = &m.link[MODEL_HOST];
		const void *p;
		uint32_t len, s;
		int w;

		if (host_io(false, &len, NULL, &p))
			return -1;
		s = notify_check(p, len, BATCH_FLUSH_R2H_LEN);
		model_check_next(got[MODEL_HOST], s);
		cmshm_ring_release(l->rx);
		got[MODEL_HOST]++;
		w = cmshm_link_peer_wants_space(l);
		MODEL_CHECK(w >= 0, "protocol error between honest peers");
		if (w > 0)
			notify_ring(&side[MODEL_REMOTE].db);
		return 0;
	}

	/* cmshm_write(): fill, commit, ring if the remote wants data. */
	int host_write(uint32_t seq)
	{
		struct cmshm_link *l = &m.link[MODEL_HOST];
		uint32_t len = BATCH_FLUSH_H2R_LEN;
		void *p;

		if (host_io(true, &len, &p, NULL))
			return -1;
		notify_fill(p, seq, len);
		cmshm_ring_commit(l->tx);
		if (cmshm_link_peer_wants(l, CMSHM_WANT_DATA))
			notify_ring(&side[MODEL_REMOTE].db);
		return 0;
	}

	/*
	 * One read (it may hold the space doorbell), the writes (the last
	 * one waits for h2r space when the remote has not drained), the
	 * rest of the reads.
	 */
	void host()
	{
		uint32_t seq;

		/* The remote can send four before it waits: never stuck. */
		batch_late_start(&committed);
		if (host_read())
			return;
		for (seq = 1; seq <= BATCH_FLUSH_H2R; seq++)
			if (host_write(seq))
				return;
		while (got[MODEL_HOST] < BATCH_FLUSH_R2H)
			if (host_read())
				return;
		side[MODEL_HOST].done.store(1, rl::mo_relaxed, $);
	}

	/*
	 * The endpoint library's consumer: check, release, ring the host
	 * after every release if it wants space (no batching here).
	 */
	void remote_consume(const void *p, uint32_t len)
	{
		struct cmshm_link *l = &m.link[MODEL_REMOTE];
		uint32_t s = notify_check(p, len, BATCH_FLUSH_H2R_LEN);

		model_check_next(got[MODEL_REMOTE], s);
		cmshm_ring_release(l->rx);
		got[MODEL_REMOTE]++;
		if (cmshm_link_peer_wants(l, CMSHM_WANT_SPACE))
			notify_ring(&side[MODEL_HOST].db);
	}

	/* notify_send()'s wait: the remote is the sender that waits. */
	bool sleep(uint32_t sample)
	{
		return side_sleep(MODEL_REMOTE, sample);
	}

	/*
	 * A blocking sender: send each message (notify_send(): full, want
	 * space, look again, sleep), and only after it is sent drain h2r
	 * without waiting; then receive the rest (empty: want data, look
	 * again, sleep).
	 */
	void remote()
	{
		struct cmshm_link *l = &m.link[MODEL_REMOTE];
		uint32_t seq, sample, len;
		const void *msg;
		int err;

		for (seq = 1; seq <= BATCH_FLUSH_R2H; seq++) {
			if (notify_send(this, l, &side[MODEL_REMOTE].db,
					&side[MODEL_HOST].db, &committed, seq,
					BATCH_FLUSH_R2H_LEN))
				return;
			while (!(err = cmshm_ring_peek(l->rx, &msg, &len)))
				remote_consume(msg, len);
			MODEL_CHECK(err == -CMSHM_EAGAIN,
				    "remote: protocol error between honest peers");
		}
		while (got[MODEL_REMOTE] < BATCH_FLUSH_H2R) {
			sample = side[MODEL_REMOTE].db.load(rl::mo_acquire, $);
			do
				err = cmshm_ring_peek(l->rx, &msg, &len);
			while (err == -CMSHM_EAGAIN &&
			       cmshm_link_want(l, CMSHM_WANT_DATA));
			if (err == -CMSHM_EAGAIN) {
				if (!side_sleep(MODEL_REMOTE, sample))
					return;
				continue;
			}
			MODEL_CHECK(!err,
				    "remote: protocol error between honest peers");
			cmshm_link_unwant(l, CMSHM_WANT_DATA);
			remote_consume(msg, len);
		}
		side[MODEL_REMOTE].done.store(1, rl::mo_relaxed, $);
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
		MODEL_CHECK(!stuck.load(rl::mo_relaxed, $),
			    "a side asleep with its wait satisfied and no doorbell coming (held space doorbell?)");
		MODEL_CHECK(got[MODEL_HOST] == BATCH_FLUSH_R2H &&
			    got[MODEL_REMOTE] == BATCH_FLUSH_H2R,
			    "a side returned without every message");
	}
};

#endif /* CMSHM_SCENARIO_BATCH_H */
