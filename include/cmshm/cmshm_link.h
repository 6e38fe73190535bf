/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm protocol v1: the session handshake, identical on both sides.
 *
 * Each side owns a struct cmshm_ctrl {state, session, ack}. A side starts
 * (or restarts) by going OFFLINE, resetting the ring indices it owns,
 * choosing a new nonzero session, and going READY. When it sees the peer
 * READY with a session it has not acknowledged, it resets the indices it
 * owns again and stores that session in its ack. The link is up on a side
 * when the peer is READY, this side's ack equals the peer's session, and
 * the peer's ack equals this side's session. Because each side resets its
 * indices before it acknowledges, neither produces into a ring before both
 * halves of that ring are at 0.
 *
 * A peer whose session changes after the link was up has restarted: the
 * messages in flight in both directions at that moment are lost (the loss
 * window of Documentation/protocol.rst) and CMSHM_LINK_RESET is reported
 * once. Stale RAM from an earlier boot never brings the link up: the dead
 * peer cannot acknowledge the new session.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_LINK_H
#define CMSHM_LINK_H

#include "cmshm_ring.h"

/* Bits returned by cmshm_link_update(). */
#define CMSHM_LINK_UP		0x1u	/* the link came up */
#define CMSHM_LINK_DOWN		0x2u	/* the link went down */
#define CMSHM_LINK_RESET	0x4u	/* an attached peer restarted */
#define CMSHM_LINK_KICK		0x8u	/* own ctrl changed: ring the doorbell */

/**
 * struct cmshm_link - one side's private handshake state.
 * @own:     this side's control block in shared memory (written here only).
 * @peer:    the peer's control block in shared memory (read only).
 * @tx:      ring this side produces into.
 * @rx:      ring this side consumes from.
 * @session: this side's current session (private copy).
 * @acked:   the peer session acknowledged (private copy, 0: none).
 * @up:      nonzero while the link is up.
 * @was_up:  nonzero if the link was up with the peer session @acked.
 *
 * Not thread-safe: the caller serialises all calls, and ring operations,
 * under one lock.
 */
struct cmshm_link {
	struct cmshm_ctrl *own;
	struct cmshm_ctrl *peer;
	struct cmshm_ring *tx;
	struct cmshm_ring *rx;
	uint32_t session;
	uint32_t acked;
	uint8_t up;
	uint8_t was_up;
};

/**
 * cmshm_link_start() - (re)start this side with a new session.
 * @l:       the link; @own, @peer, @tx and @rx set.
 * @session: a nonzero value not used by the previous start of this side
 *           (random, or a counter kept across resets).
 *
 * Sequence: state OFFLINE, wmb; reset own ring indices, ack 0, reserved 0,
 * session; wmb; state READY; mb. The caller then rings the doorbell.
 *
 * Ordering, paired with cmshm_link_read_peer() and
 * cmshm_link_peer_unchanged(): a peer that reads any of the new index, ack
 * or session values and then, after a read barrier, the state sees OFFLINE
 * or later, never the READY of the previous session; a peer that reads the
 * READY of this session and then, after a read barrier, anything else sees
 * the resets and the new session. A peer acts only on READY, so no barrier
 * is needed between the resets and the session (the model check's mutation
 * test found none).
 */
static inline void cmshm_link_start(struct cmshm_link *l, uint32_t session)
{
	cmshm_store32(&l->own->state, CMSHM_STATE_OFFLINE);
	cmshm_wmb();
	cmshm_ring_reset(l->tx, 1);
	cmshm_ring_reset(l->rx, 0);
	cmshm_store32(&l->own->ack, 0);
	cmshm_store32(&l->own->reserved, 0);
	cmshm_store32(&l->own->session, session);
	cmshm_wmb();
	cmshm_store32(&l->own->state, CMSHM_STATE_READY);
	cmshm_cache_clean(l->own, sizeof(*l->own));
	cmshm_mb();
	l->session = session;
	l->acked = 0;
	l->up = 0;
	l->was_up = 0;
}

/**
 * cmshm_link_stop() - publish @state (OFFLINE or ERROR); the link is down.
 * @l:     the link.
 * @state: CMSHM_STATE_OFFLINE or CMSHM_STATE_ERROR.
 */
static inline void cmshm_link_stop(struct cmshm_link *l, uint32_t state)
{
	cmshm_store32(&l->own->state, state);
	cmshm_cache_clean(l->own, sizeof(*l->own));
	cmshm_mb();
	l->up = 0;
	l->was_up = 0;
}

/**
 * cmshm_link_read_peer() - one consistent look at the peer's control block.
 * @l:       the link.
 * @state:   the peer's state.
 * @session: the peer's session.
 * @ack:     the peer's ack.
 *
 * Reads session, rmb, state and ack, rmb, session again. The second rmb
 * also orders the caller's ring index loads after the state read. Pairs
 * with cmshm_link_start(): a new session S read first makes the state read
 * after it see OFFLINE or S's READY, never the previous session's READY,
 * and S's READY makes everything read after it see S's resets; an ack the
 * peer stored after S (acknowledging us later) that is read here makes the
 * second session read see S or later, so a session from before the peer's
 * restart is never combined with an ack from after it.
 *
 * Return: 0 if both session reads agree; -1 if the peer changed its
 * session meanwhile (it is restarting: treat it as not ready).
 */
static inline int cmshm_link_read_peer(const struct cmshm_link *l,
				       uint32_t *state, uint32_t *session,
				       uint32_t *ack)
{
	uint32_t again;

	cmshm_cache_invalidate(l->peer, sizeof(*l->peer));
	*session = cmshm_load32(&l->peer->session);
	cmshm_rmb();
	*state = cmshm_load32(&l->peer->state);
	*ack = cmshm_load32(&l->peer->ack);
	cmshm_rmb();
	cmshm_cache_invalidate(l->peer, sizeof(*l->peer));
	again = cmshm_load32(&l->peer->session);
	return again == *session ? 0 : -1;
}

/**
 * cmshm_link_follow() - follow the peer's control block.
 * @l:      the link, started.
 * @expect: the only peer session this side may acknowledge, or 0 for any.
 *          The remote passes the host session whose header it validated:
 *          a host that restarted since (maybe with another layout) is
 *          treated as not ready until its new header is validated.
 *
 * Reads the peer's control block with cmshm_link_read_peer().
 * A peer that is not READY, has session 0, or (with @expect) another
 * session, is down; any other value is a peer at some stage of its start,
 * so nothing here is a protocol error.
 * When it acknowledges a new peer session it resets the ring indices this
 * side owns first (wmb between).
 *
 * Return: a mask of CMSHM_LINK_UP, _DOWN, _RESET and _KICK.
 */
static inline unsigned int cmshm_link_follow(struct cmshm_link *l,
					     uint32_t expect)
{
	uint32_t state, session, ack;
	unsigned int ev = 0;

	if (cmshm_link_read_peer(l, &state, &session, &ack) ||
	    state != CMSHM_STATE_READY || !session ||
	    (expect && session != expect)) {
		if (l->up)
			ev |= CMSHM_LINK_DOWN;
		l->up = 0;
		return ev;
	}
	if (session != l->acked) {
		if (l->up)
			ev |= CMSHM_LINK_DOWN;
		if (l->was_up)
			ev |= CMSHM_LINK_RESET;
		l->up = 0;
		l->was_up = 0;
		cmshm_ring_reset(l->tx, 1);
		cmshm_ring_reset(l->rx, 0);
		cmshm_wmb();
		cmshm_store32(&l->own->ack, session);
		cmshm_cache_clean(l->own, sizeof(*l->own));
		cmshm_mb();
		l->acked = session;
		ev |= CMSHM_LINK_KICK;
	}
	if (!l->up && ack == l->session) {
		l->up = 1;
		l->was_up = 1;
		ev |= CMSHM_LINK_UP;
	} else if (l->up && ack != l->session) {
		/* The peer dropped its ack: it is restarting. */
		l->up = 0;
		ev |= CMSHM_LINK_DOWN;
	}
	return ev;
}

/**
 * cmshm_link_update() - cmshm_link_follow() accepting any peer session
 * (the host, which owns the layout).
 * @l: the link, started.
 *
 * Return: as cmshm_link_follow().
 */
static inline unsigned int cmshm_link_update(struct cmshm_link *l)
{
	return cmshm_link_follow(l, 0);
}

/**
 * cmshm_link_peer_unchanged() - classify an -CMSHM_EPROTO from a ring call.
 * @l: the link, up.
 *
 * A peer that restarts zeroes its ring indices (after going OFFLINE, with a
 * write barrier between), so a ring call racing with the restart can see an
 * index move backwards. Call this after the failing ring call: it reads the
 * peer's state first (the ring call's read barrier orders it after the bad
 * index: a zeroed index read there means OFFLINE or a later state is seen
 * here, never the READY of the old session), then, after a read barrier,
 * the session and ack (a READY read here is the new session's, so the new
 * session is seen).
 *
 * Return: 1 if the peer is still READY with the session we acknowledged and
 * still acknowledges ours: the bad value is a protocol violation. 0 if the
 * peer is restarting: run cmshm_link_update() and treat it as a reset.
 */
static inline int cmshm_link_peer_unchanged(struct cmshm_link *l)
{
	uint32_t state, session, ack;

	cmshm_cache_invalidate(l->peer, sizeof(*l->peer));
	state = cmshm_load32(&l->peer->state);
	cmshm_rmb();
	session = cmshm_load32(&l->peer->session);
	ack = cmshm_load32(&l->peer->ack);
	/* These reads before the caller's restart stores on a violation. */
	cmshm_rmb();
	return state == CMSHM_STATE_READY && session == l->acked &&
	       ack == l->session;
}

#endif /* CMSHM_LINK_H */
