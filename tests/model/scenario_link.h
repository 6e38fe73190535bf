/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Handshake and restart scenarios (cmshm_link_start()/cmshm_link_update()):
 *
 *   (c) handshake_host_first / handshake_remote_first: from stale RAM (the
 *       ctrl blocks READY with an old, mutually acknowledged session pair,
 *       old indices, and old valid-looking messages in both data areas),
 *       one side starts and the other follows once it sees it READY; then
 *       both exchange 2 messages each way. No old message may be read, and
 *       the link may not go down.
 *   (d) restart_producer / restart_consumer: the link is up (sessions H1,
 *       R1), the host-side and remote-side traffic runs, and the remote
 *       restarts with session R2 after its first message (as the producer
 *       of r2h, or as the consumer of h2r). The producer sends at most 2
 *       messages before it knows of the restart, then one final message
 *       once the link is up again. The consumer must receive the final
 *       one, and every message it receives must be intact and newer than
 *       the last ("no message is ever delivered twice"); losses before the
 *       final one are allowed.
 *
 *       restart_*_failclosed: the same, but a side that gets a protocol
 *       error does what the Linux driver does (restart with a new
 *       session), and only "never twice, never corrupted" is checked.
 *
 *       restart_*_lazy: the same (strict; a host producer sends up to 4
 *       messages before it knows of the restart), but the host follows
 *       the link only when the driver does since it stopped following on
 *       every read() and write(): while down, after a doorbell from the
 *       remote, after a ring call's -CMSHM_EPROTO that is a restart.
 *
 *       restart_read_peer: the remote's restart racing one
 *       cmshm_link_read_peer() of the host, searched exhaustively within
 *       a preemption bound (see below).
 *
 * A -CMSHM_EPROTO between these honest peers is a failure (except in the
 * fail-closed variants) unless cmshm_link_peer_unchanged() classifies it
 * as a restart.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_SCENARIO_LINK_H
#define CMSHM_SCENARIO_LINK_H

#include "model_common.h"

#define MODEL_OLD_H	0x0e1u	/* sessions of an earlier boot */
#define MODEL_OLD_R	0x0e2u
#define MODEL_H1	0x101u
#define MODEL_R1	0x201u
#define MODEL_R2	0x202u
#define MODEL_OLD_SEQ	9u	/* sequence number of the stale messages */
#define MODEL_FINAL	0x800u	/* flag in the sequence: last message */
#define MODEL_LINK_MSGS	2u

/* A valid-looking record of message @seq at byte @off of the region. */
static inline void model_put_record(struct model_world *m, uint32_t off,
				    uint32_t seq)
{
	uint32_t i;

	m->set(off, MODEL_MSG_LEN);
	m->set(off + 4u, 0);
	for (i = 0; i < MODEL_MSG_WORDS; i++)
		m->set(off + 8u + 4u * i, model_pat(seq, i));
}

/* Shared ctrl block of @side := {state, session, ack, 0}. */
static inline void model_put_ctrl(struct model_world *m, unsigned side,
				  uint32_t state, uint32_t session,
				  uint32_t ack)
{
	uint32_t off = side == MODEL_HOST ? MODEL_HOST_CTRL : MODEL_REMOTE_CTRL;

	m->set(off, state);
	m->set(off + 4u, session);
	m->set(off + 8u, ack);
	m->set(off + 12u, 0);
}

/* The link up with sessions H1 and R1, all indices at 0: after a handshake. */
static inline void model_world_up(struct model_world *m)
{
	unsigned i;

	m->init(MODEL_GARBAGE);
	model_put_ctrl(m, MODEL_HOST, CMSHM_STATE_READY, MODEL_H1, MODEL_R1);
	model_put_ctrl(m, MODEL_REMOTE, CMSHM_STATE_READY, MODEL_R1, MODEL_H1);
	m->zero_indices();
	for (i = 0; i < 2; i++) {
		m->link[i].session = i == MODEL_HOST ? MODEL_H1 : MODEL_R1;
		m->link[i].acked = i == MODEL_HOST ? MODEL_R1 : MODEL_H1;
		m->link[i].up = 1;
		m->link[i].was_up = 1;
	}
}

/* Wait (polling, as the remote does at start) for the peer READY with a
 * session that is not @old. The loads are the documented remote step 1;
 * link_start()'s own barriers follow.
 */
static inline void model_wait_ready(struct cmshm_link *l, uint32_t old)
{
	for (;;) {
		uint32_t st = cmshm_load32(&l->peer->state);
		uint32_t se = cmshm_load32(&l->peer->session);

		if (st == CMSHM_STATE_READY && se && se != old)
			return;
		model_pause();
	}
}

/* A ring call failed with -CMSHM_EPROTO: only a restart may explain it. */
static inline void model_eproto(struct cmshm_link *l)
{
	MODEL_CHECK(!cmshm_link_peer_unchanged(l),
		    "protocol error between honest peers");
}

template <unsigned FIRST>
struct handshake : rl::test_suite<handshake<FIRST>, 2> {
	struct model_world m;

	void before()
	{
		m.init(MODEL_GARBAGE);
		/* An earlier boot's link, up, with messages in flight. */
		model_put_ctrl(&m, MODEL_HOST, CMSHM_STATE_READY, MODEL_OLD_H,
			       MODEL_OLD_R);
		model_put_ctrl(&m, MODEL_REMOTE, CMSHM_STATE_READY,
			       MODEL_OLD_R, MODEL_OLD_H);
		if (FIRST == MODEL_HOST)	/* the host wrote its header */
			model_put_ctrl(&m, MODEL_HOST, CMSHM_STATE_OFFLINE,
				       0, 0);
		m.set(MODEL_H2R_HEAD, 24);
		m.set(MODEL_H2R_TAIL, 0);
		m.set(MODEL_R2H_HEAD, 24);
		m.set(MODEL_R2H_TAIL, 0);
		model_put_record(&m, MODEL_H2R_DATA, MODEL_OLD_SEQ);
		model_put_record(&m, MODEL_R2H_DATA, MODEL_OLD_SEQ);
	}

	void thread(unsigned side)
	{
		struct cmshm_link *l = &m.link[side];
		uint32_t sent = 0, got = 0, seq;
		unsigned int ev;
		int err, busy;

		if (side != FIRST)
			model_wait_ready(l, side == MODEL_HOST ? MODEL_OLD_R :
					 MODEL_OLD_H);
		cmshm_link_start(l, side == MODEL_HOST ? MODEL_H1 : MODEL_R1);
		while (sent < MODEL_LINK_MSGS || got < MODEL_LINK_MSGS) {
			ev = cmshm_link_update(l);
			MODEL_CHECK(!(ev & (CMSHM_LINK_DOWN | CMSHM_LINK_RESET)),
				    "link went down without a restart");
			busy = 0;
			if (l->up && sent < MODEL_LINK_MSGS) {
				err = model_send(l->tx, sent + 1u);
				if (err == -CMSHM_EPROTO)
					model_eproto(l);
				if (!err) {
					sent++;
					busy = 1;
				}
			}
			if (l->up && got < MODEL_LINK_MSGS) {
				err = model_recv(l->rx, &seq);
				if (err == -CMSHM_EPROTO)
					model_eproto(l);
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

typedef handshake<MODEL_HOST> handshake_host_first;
typedef handshake<MODEL_REMOTE> handshake_remote_first;

/*
 * (d): the remote restarts; PRODUCER is the side that sends. STRICT: a
 * protocol error between these honest peers fails, and the final message
 * must arrive. Otherwise (fail-closed, as the Linux driver does) a side
 * that gets a protocol error restarts itself with a new session, each
 * thread stops after MODEL_BUDGET polls, and only "never twice, never
 * corrupted" is checked.
 *
 * LAZY: the host follows the link the way the driver does once it no
 * longer follows on every read() and write() (follow()): only (a) while
 * its link is not up, (b) after a doorbell from the remote, (c) after a
 * ring call's -CMSHM_EPROTO that cmshm_link_peer_unchanged() called a
 * restart; between those its ring calls use the link state it last saw,
 * so they race the remote's restart for longer. The remote rings after
 * cmshm_link_start() and after each CMSHM_LINK_KICK (its acknowledgement):
 * a release increment of the host's doorbell count after its control
 * block stores (the remote's cmshm_doorbell_barrier() and register
 * write), which the host reads with acquire once a round (the driver's
 * doorbell handler bumps wake_seq, which each read() and write() samples
 * with acquire first). Doorbells after a publish are not modelled: a
 * host that follows less often is the harder case. The remote follows on
 * every round, as cmshm_remote_poll() does.
 */
#define MODEL_BUDGET	60u
/*
 * Messages a LAZY host sends before it knows of the restart. The ring
 * loads the tail only when the cached one leaves no room: the third needs
 * the space of the first, so its reserve loads the tail and may cache the
 * remote's 24; the fourth needs more and loads it again, and may read the
 * tail the restarting remote zeroed, behind the cached one: that
 * -CMSHM_EPROTO is (c) for a host producer. With 3 the second load never
 * happens and a zeroed tail only looks like a full ring.
 */
#define MODEL_LAZY_MSGS	4u

template <unsigned PRODUCER, int STRICT, int LAZY>
struct restart : rl::test_suite<restart<PRODUCER, STRICT, LAZY>, 2> {
	struct model_world m;
	uint32_t next_session[2];
	rl::atomic<uint32_t> doorbell;	/* LAZY: the host's doorbell count */
	uint32_t doorbell_seen;		/* LAZY: the count at its last follow */
	int resync;			/* LAZY: (c), the host must follow */
	static const uint32_t before_reset = LAZY ? MODEL_LAZY_MSGS :
		MODEL_LINK_MSGS;

	void before()
	{
		model_world_up(&m);
		next_session[MODEL_HOST] = MODEL_H1 + 1u;
		next_session[MODEL_REMOTE] = MODEL_R2 + 1u;
		if (LAZY)
			doorbell.store(0, rl::mo_relaxed, $);
		doorbell_seen = 0;
		resync = 0;
	}

	/* LAZY: the remote's control block changed; ring the host. */
	void ring(unsigned side)
	{
		if (LAZY && side == MODEL_REMOTE)
			doorbell.fetch_add(1, rl::mo_release, $);
	}

	/* Start @side with @session and tell the peer. */
	void start(unsigned side, uint32_t session)
	{
		cmshm_link_start(&m.link[side], session);
		ring(side);
	}

	/* cmshm_link_update() on @side when it would follow; 0 if not. */
	unsigned int follow(unsigned side)
	{
		struct cmshm_link *l = &m.link[side];
		unsigned int ev;
		uint32_t db;

		if (LAZY && side == MODEL_HOST) {
			db = doorbell.load(rl::mo_acquire, $);
			if (l->up && db == doorbell_seen && !resync)
				return 0;
			doorbell_seen = db;
			resync = 0;
		}
		ev = cmshm_link_update(l);
		if (ev & CMSHM_LINK_KICK)
			ring(side);
		return ev;
	}

	/* A ring call on @side failed with -CMSHM_EPROTO. */
	void eproto(unsigned side)
	{
		struct cmshm_link *l = &m.link[side];

		if (STRICT) {
			model_eproto(l);
		} else if (cmshm_link_peer_unchanged(l)) {
			/* Fail closed: a violation restarts this side. */
			start(side, next_session[side]++);
			return;
		}
		/* (c): a restart; the host follows in its next round. */
		if (side == MODEL_HOST)
			resync = 1;
	}

	int more(unsigned *rounds)
	{
		return STRICT || ++*rounds <= MODEL_BUDGET;
	}

	void producer(unsigned side)
	{
		struct cmshm_link *l = &m.link[side];
		uint32_t seq = 1;
		unsigned rounds = 0;
		int reset_seen = 0, err;

		while (more(&rounds)) {
			if (side == MODEL_REMOTE && !reset_seen && seq > 1u) {
				start(side, MODEL_R2);
				reset_seen = 1;
			}
			if (follow(side) & CMSHM_LINK_RESET)
				reset_seen = 1;
			if (!l->up || (!reset_seen && seq > before_reset)) {
				model_pause();
				continue;
			}
			err = model_send(l->tx, reset_seen ?
					 seq | MODEL_FINAL : seq);
			if (!err && reset_seen)
				return;
			if (!err)
				seq++;
			else if (err == -CMSHM_EPROTO)
				eproto(side);
			else
				model_pause();
		}
	}

	void consumer(unsigned side)
	{
		struct cmshm_link *l = &m.link[side];
		uint32_t last = 0, seq;
		unsigned rounds = 0;
		int restarted = 0, err;

		while (more(&rounds)) {
			if (side == MODEL_REMOTE && !restarted && last) {
				start(side, MODEL_R2);
				restarted = 1;
			}
			follow(side);
			if (!l->up) {
				model_pause();
				continue;
			}
			err = model_recv(l->rx, &seq);
			if (err == -CMSHM_EPROTO)
				eproto(side);
			if (err) {
				model_pause();
				continue;
			}
			MODEL_CHECK((seq & ~MODEL_FINAL) > last,
				    "message delivered twice (or reordered)");
			last = seq & ~MODEL_FINAL;
			if (seq & MODEL_FINAL)
				return;
		}
	}

	void thread(unsigned side)
	{
		if (side == PRODUCER)
			producer(side);
		else
			consumer(side);
	}
};

typedef restart<MODEL_REMOTE, 1, 0> restart_producer;
typedef restart<MODEL_HOST, 1, 0> restart_consumer;
typedef restart<MODEL_REMOTE, 0, 0> restart_producer_failclosed;
typedef restart<MODEL_HOST, 0, 0> restart_consumer_failclosed;
typedef restart<MODEL_REMOTE, 1, 1> restart_producer_lazy;
typedef restart<MODEL_HOST, 1, 1> restart_consumer_lazy;

/*
 * restart_read_peer: a remote restart racing the host's
 * cmshm_link_read_peer(). The link is up (H1, R1); message 1 of R1 was
 * sent and consumed before the threads start (r2h's head and tail at 24
 * on both sides, its record still in the data area). The remote restarts
 * with R2 and follows the link at most RP_FOLLOWS times, sending message 2
 * once it is up again; the host runs RP_ROUNDS rounds of
 * cmshm_link_update() and, while up, a receive. No polling loops, so
 * model_check.cpp runs it with relacy's context-bounded tree search: every
 * interleaving with at most RP_BOUND preemptions, and for each relaxed
 * load both the latest and the previous store, once each (the search
 * reaches the host receiving message 2 as well).
 * Property: the host never receives message 1 again (nor anything older
 * than what it received last), and a protocol error on either side is
 * always a restart for cmshm_link_peer_unchanged().
 *
 * The interleaving the rmb forbids: the remote has stored OFFLINE, wmb,
 * its index resets, ack 0 and session R2, not yet READY. The host's
 * cmshm_link_read_peer() loads session R2; without the first cmshm_rmb()
 * its state and ack loads may still return the values from before the
 * restart, READY and H1, and the second session load agrees (R2): a
 * consistent-looking "READY, session R2, acknowledging H1", the previous
 * session's READY combined with the new session. cmshm_link_follow() then
 * acknowledges R2, resets the host's own indices (rx own 0) and brings the
 * link up although the remote never acknowledged H1 in R2, and the head
 * load, ordered only after the stale loads, may still return R1's 24:
 * message 1 is delivered a second time. With the rmb, the load that read
 * R2 and the acquire fence after it synchronise with the release fence
 * before the session store (the first cmshm_wmb() of cmshm_link_start()),
 * so the state load returns R2's OFFLINE or later, never R1's READY: the
 * host waits, and once it reads R2's READY the second rmb orders its head
 * load after the remote's index resets. Removing that wmb instead breaks
 * the same pair.
 *
 * restart_producer needs this race at the one point where the remote's
 * restart falls between two of the host's loads, after a long random
 * prefix, and relacy's random scheduler stopped finding it when
 * cmshm_ring_reset() got its doorbell-wanted stores (protocol v2); here
 * it is a few preemptions from the start, and the search is exhaustive.
 */
#define RP_ROUNDS	3u	/* host: update, receive if up */
#define RP_FOLLOWS	2u	/* remote: update, send message 2 if up */
#define RP_BOUND	3u	/* preemptions (about 570,000 iterations, 2 s) */

struct restart_read_peer : rl::test_suite<restart_read_peer, 2> {
	struct model_world m;

	void before()
	{
		model_world_up(&m);
		m.set(MODEL_R2H_HEAD, 24);
		m.set(MODEL_R2H_TAIL, 24);
		model_put_record(&m, MODEL_R2H_DATA, 1);
		m.rx[MODEL_HOST].own = 24;
		m.rx[MODEL_HOST].peer = 24;
		m.tx[MODEL_REMOTE].own = 24;
		m.tx[MODEL_REMOTE].peer = 24;
	}

	void thread(unsigned side)
	{
		struct cmshm_link *l = &m.link[side];
		uint32_t seq, last = 1;
		unsigned i;
		int err;

		if (side == MODEL_REMOTE) {
			cmshm_link_start(l, MODEL_R2);
			for (i = 0; i < RP_FOLLOWS && !l->up; i++)
				cmshm_link_update(l);
			if (l->up && model_send(l->tx, 2) == -CMSHM_EPROTO)
				model_eproto(l);
			return;
		}
		for (i = 0; i < RP_ROUNDS; i++) {
			cmshm_link_update(l);
			if (!l->up)
				continue;
			err = model_recv(l->rx, &seq);
			if (err == -CMSHM_EPROTO)
				model_eproto(l);
			if (err)
				continue;
			MODEL_CHECK(seq > last,
				    "message of the previous session delivered again");
			last = seq;
		}
	}
};

#endif /* CMSHM_SCENARIO_LINK_H */
