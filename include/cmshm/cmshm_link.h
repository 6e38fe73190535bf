/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm protocol v2: the session handshake, identical on both sides.
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

/* Doorbells this side asks the peer for (cmshm_link.want). */
#define CMSHM_WANT_DATA		0x1u	/* its rx ring is empty */
#define CMSHM_WANT_SPACE	0x2u	/* its tx ring is full */
/* cmshm_link.want: a space doorbell is held (cmshm_link_peer_wants()). */
#define CMSHM_SPACE_HELD	0x4u

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
 * @notify:  nonzero while the link is up with CMSHM_FEATURE_DOORBELL_WANT
 *           in both control blocks: ring only when the peer wants it.
 * @want:    CMSHM_WANT_* set in this side's doorbell-wanted words (private
 *           copy; the words are never read back), and CMSHM_SPACE_HELD
 *           while a space doorbell the peer may want is held back.
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
	uint8_t notify;
	uint8_t want;
};

/**
 * cmshm_link_start() - (re)start this side with a new session.
 * @l:       the link; @own, @peer, @tx and @rx set.
 * @session: a nonzero value not used by the previous start of this side
 *           (random, or a counter kept across resets).
 *
 * Sequence: state OFFLINE, wmb; reset own ring indices and doorbell-wanted
 * words, ack 0, features CMSHM_FEATURES, session; wmb; state READY; mb.
 * The caller then rings the doorbell.
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
	cmshm_store32(&l->own->features, CMSHM_FEATURES);
	cmshm_store32(&l->own->session, session);
	cmshm_wmb();
	cmshm_store32(&l->own->state, CMSHM_STATE_READY);
	cmshm_cache_clean(l->own, sizeof(*l->own));
	cmshm_mb();
	l->session = session;
	l->acked = 0;
	l->up = 0;
	l->was_up = 0;
	l->notify = 0;
	l->want = 0;
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
	l->notify = 0;
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
 * When it acknowledges a new peer session it resets the ring indices (and
 * doorbell-wanted words) this side owns first (wmb between). When the link
 * comes up it reads the peer's features once: the read barrier at the end
 * of cmshm_link_read_peer() orders it after the READY read, and the peer
 * stored it before READY with a write barrier between (cmshm_link_start()).
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
		l->notify = 0;
		return ev;
	}
	if (session != l->acked) {
		if (l->up)
			ev |= CMSHM_LINK_DOWN;
		if (l->was_up)
			ev |= CMSHM_LINK_RESET;
		l->up = 0;
		l->was_up = 0;
		l->notify = 0;
		l->want = 0;
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
		l->notify = !!(cmshm_load32(&l->peer->features) &
			       CMSHM_FEATURES & CMSHM_FEATURE_DOORBELL_WANT);
		ev |= CMSHM_LINK_UP;
	} else if (l->up && ack != l->session) {
		/* The peer dropped its ack: it is restarting. */
		l->up = 0;
		l->notify = 0;
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

/**
 * cmshm_link_want() - ask the peer for a doorbell before waiting.
 * @l:    the link.
 * @want: CMSHM_WANT_DATA (the rx ring was found empty) or
 *        CMSHM_WANT_SPACE (the tx ring was found full).
 *
 * Stores 1 in this side's doorbell-wanted word (the rx tail's line, or the
 * tx head's), then cmshm_mb(), unless it is set already. The caller then
 * looks at the ring again before it waits: that second look and the
 * peer's cmshm_link_peer_wants() are the two halves of a store-buffering
 * pair (want store, full barrier, index load here; index store, full
 * barrier, want load there), so either the look finds the peer's new
 * message (or space), or the peer sees the want and rings. Set regardless
 * of the negotiated features: a peer without CMSHM_FEATURE_DOORBELL_WANT
 * ignores the word and rings anyway.
 *
 * Return: 1 if the word was just set (look again), 0 if it already was
 * (it has stayed set since the look after it was set).
 */
static inline int cmshm_link_want(struct cmshm_link *l, unsigned int want)
{
	uint32_t *w = cmshm_ring_want_word(want == CMSHM_WANT_DATA ?
					   l->rx->tail : l->tx->head);

	if (l->want & want)
		return 0;
	l->want |= (uint8_t)want;
	cmshm_store32(w, 1);
	cmshm_cache_clean(w, sizeof(*w));
	cmshm_mb();
	return 1;
}

/**
 * cmshm_link_unwant() - the ring is usable again: no doorbell needed.
 * @l:    the link.
 * @want: CMSHM_WANT_DATA (a message was found) or CMSHM_WANT_SPACE (room
 *        was found).
 *
 * Stores 0 in this side's doorbell-wanted word if it is set. No barrier:
 * a peer that still sees 1 rings once more, which costs a doorbell, never
 * a message.
 */
static inline void cmshm_link_unwant(struct cmshm_link *l, unsigned int want)
{
	uint32_t *w;

	if (!(l->want & want))
		return;
	w = cmshm_ring_want_word(want == CMSHM_WANT_DATA ? l->rx->tail :
				 l->tx->head);
	l->want &= (uint8_t)~want;
	cmshm_store32(w, 0);
	cmshm_cache_clean(w, sizeof(*w));
}

/**
 * cmshm_link_peer_wants() - after a publish: does the peer want a doorbell?
 * @l:    the link.
 * @want: CMSHM_WANT_DATA after cmshm_ring_commit() on the tx ring (the
 *        peer consumes it), CMSHM_WANT_SPACE after cmshm_ring_release() on
 *        the rx ring (the peer produces into it).
 *
 * Without CMSHM_FEATURE_DOORBELL_WANT negotiated, always. Otherwise
 * cmshm_mb() (the index store before the want load: pairs with the full
 * barrier of the peer's cmshm_link_want()), then one load of the peer's
 * doorbell-wanted word: any nonzero value is a want (a bad value costs
 * doorbells, never a message, so it is not a protocol error).
 *
 * Return: 1 if the caller must ring the doorbell, 0 if not.
 */
static inline int cmshm_link_peer_wants(struct cmshm_link *l,
					unsigned int want)
{
	uint32_t *w;

	if (!l->notify)
		return 1;
	w = cmshm_ring_want_word(want == CMSHM_WANT_DATA ? l->tx->tail :
				 l->rx->head);
	cmshm_mb();
	cmshm_cache_invalidate(w, sizeof(*w));
	return cmshm_load32(w) != 0;
}

/**
 * cmshm_link_peer_wants_space() - after a release: ring for space now, or
 * hold the doorbell back until half the ring is free?
 * @l: the link.
 *
 * Space signalled in batches. A producer waiting for space is woken when
 * at most half of the ring is in use (an empty ring included), not once
 * per message, so a saturated stream costs one doorbell per half ring:
 *
 * 1. Without CMSHM_FEATURE_DOORBELL_WANT negotiated: 1, as every release
 *    rang in v1.
 * 2. More than half of the rx ring in use by the cached head: hold
 *    (CMSHM_SPACE_HELD), with no barrier and no load.
 * 3. cmshm_link_peer_wants(l, CMSHM_WANT_SPACE): cmshm_mb() after the
 *    tail store of the release, then the want load, so the store-buffering
 *    argument of cmshm_link_want() is unchanged. Not wanted: 0, nothing
 *    held.
 * 4. Wanted: the head loaded again (validated as cmshm_ring_peek() does;
 *    then the cached head). More than half in use: hold; otherwise 1.
 *    The consumer drains its cached view one snapshot at a time, so by the
 *    cache alone it would ring once per snapshot, and then on every
 *    release while the producer keeps the ring full. Loading the head
 *    only when the peer wants space keeps a consumer that keeps up (the
 *    peer never waits) at one barrier and one load per release.
 *
 * Any head read is at most the real one (it only grows), so a hold is
 * never longer than the real fill allows. The head is validated as any
 * head load (cmshm_ring_load_head()); an invalid one is reported here,
 * by the operation that loaded it, and the cached head stays as it was.
 *
 * The promise a consumer that holds makes: before it waits for the peer
 * itself (its tx ring full, its rx ring empty, or for any other reason the
 * peer must end), it calls cmshm_link_held_space() and rings if told. A
 * peer that consumes only after it has sent is then never left waiting
 * for space on a side that waits for it.
 *
 * Called by the consumer right after cmshm_ring_release() on the rx ring
 * (the Linux driver's read(), the endpoint library's
 * cmshm_remote_release()), in the context of that release.
 *
 * Return: 1 if the caller must ring the doorbell, 0 if not;
 * -CMSHM_EPROTO if the head loaded in step 4 is invalid (a protocol error
 * as from cmshm_ring_peek(), or a peer restart racing the load: see
 * cmshm_link_peer_unchanged(); the message just released was valid).
 */
static inline int cmshm_link_peer_wants_space(struct cmshm_link *l)
{
	struct cmshm_ring *r = l->rx;
	uint32_t head;
	int wants;

	if (!l->notify)
		return 1;
	if (r->peer - r->own <= r->size / 2u) {
		wants = cmshm_link_peer_wants(l, CMSHM_WANT_SPACE);
		if (wants && cmshm_ring_load_head(r, &head))
			return -CMSHM_EPROTO;
		if (!wants || head - r->own <= r->size / 2u) {
			l->want &= (uint8_t)~CMSHM_SPACE_HELD;
			return wants;
		}
	}
	l->want |= (uint8_t)CMSHM_SPACE_HELD;
	return 0;
}

/**
 * cmshm_link_held_space() - before waiting for the peer: ring a space
 * doorbell cmshm_link_peer_wants_space() held back?
 * @l: the link.
 *
 * If one is held, clears the hold and looks at the peer's want word as
 * cmshm_link_peer_wants() would have (cmshm_mb(), one load).
 *
 * Return: 1 if the caller must ring the doorbell, 0 if not.
 */
static inline int cmshm_link_held_space(struct cmshm_link *l)
{
	if (!(l->want & CMSHM_SPACE_HELD))
		return 0;
	l->want &= (uint8_t)~CMSHM_SPACE_HELD;
	return cmshm_link_peer_wants(l, CMSHM_WANT_SPACE);
}

#endif /* CMSHM_LINK_H */
