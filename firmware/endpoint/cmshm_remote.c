// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm remote endpoint: following the host's sessions, the handshake, and
 * whole messages, on top of the protocol code of include/cmshm/. API and
 * contexts: include/cmshm/cmshm_remote.h. Portable C99; the environment
 * (barriers, cache maintenance, memcpy) comes from cmshm_port.h.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm/cmshm_remote.h"

/*
 * Built as the kernel module of firmware/port/linux, every API function
 * is exported right after its definition, as the kernel's style asks;
 * elsewhere the macro is an empty declaration.
 */
#if defined(__KERNEL__) && defined(MODULE)
#include <linux/export.h>
#define CMSHM_REMOTE_EXPORT(sym)	EXPORT_SYMBOL_GPL(sym)
#else
#define CMSHM_REMOTE_EXPORT(sym)	struct cmshm_remote_exported_##sym
#endif

/*
 * The data cache line of this core, when the port maintains the cache by
 * address: a layout with smaller lines would put words of both sides in
 * one cache line.
 */
#ifndef CMSHM_CACHE_LINE
#define CMSHM_CACHE_LINE	CMSHM_LINE_SIZE_MIN
#endif

/* The region: the host's control block is inside the header at 0. */
static uint8_t *region(const struct cmshm_remote *r)
{
	return (uint8_t *)r->link.peer -
	       offsetof(struct cmshm_header, host);
}

static struct cmshm_ctrl *host_ctrl(const struct cmshm_remote *r)
{
	return r->link.peer;
}

/* r->owed: ring whatever the host wants (see ring_host()). */
#define OWED_ALWAYS	0x4u

/*
 * Ring the host now, or note it is owed (cmshm_remote_defer()). @why:
 * CMSHM_WANT_DATA after a commit (rung only if the host wants it,
 * cmshm_link_peer_wants()); OWED_ALWAYS after a change of this side's
 * control block, after a release when cmshm_link_peer_wants_space() said
 * the host waits for space, and for a held space doorbell before this
 * side waits (ring_error()); 0 to ring what is owed (callers pass it only
 * when something is).
 */
static void ring_host(struct cmshm_remote *r, unsigned int why)
{
	unsigned int owed = r->owed | why;

	if (r->defer) {
		r->owed = (uint8_t)owed;
		return;
	}
	r->owed = 0;
	if (!r->doorbell || (!(owed & OWED_ALWAYS) &&
			     !cmshm_link_peer_wants(&r->link, CMSHM_WANT_DATA)))
		return;
	/* Our stores before the register write: see the typedef. */
	cmshm_doorbell_barrier();
	r->doorbell(r->db_ctx);
}

int cmshm_remote_init(struct cmshm_remote *r, void *base, uint32_t size,
		      cmshm_remote_doorbell_fn doorbell, void *db_ctx,
		      uint32_t seed)
{
	uint8_t *p = (uint8_t *)r;
	uint32_t i;

	for (i = 0; i < (uint32_t)sizeof(*r); i++)
		p[i] = 0;
	if (!base || ((uintptr_t)base & 7u) ||
	    size < (uint32_t)sizeof(struct cmshm_header))
		return -CMSHM_EINVAL;
	r->size = size;
	r->doorbell = doorbell;
	r->db_ctx = db_ctx;
	r->link.session = seed;	/* the generator's state until a start */
	r->link.peer = &((struct cmshm_header *)base)->host;
	r->link.tx = &r->tx;
	r->link.rx = &r->rx;
	return 0;
}

CMSHM_REMOTE_EXPORT(cmshm_remote_init);

/*
 * The next session: the current one (or the seed) through a step of a
 * 32-bit LCG (Numerical Recipes' constants) and the murmur3 finaliser, so
 * nearby seeds give unrelated sessions. Never 0, never the current
 * session, never @avoid (the remote session the host acknowledged last,
 * read from shared memory once: a new session equal to it would let the
 * host keep its stale indices).
 */
static uint32_t next_session(struct cmshm_remote *r, uint32_t avoid)
{
	uint32_t x = r->link.session, s;

	do {
		x = x * 1664525u + 1013904223u;
		s = x;
		s ^= s >> 16;
		s *= 0x85ebca6bu;
		s ^= s >> 13;
		s *= 0xc2b2ae35u;
		s ^= s >> 16;
	} while (!s || s == r->link.session || s == avoid);
	return s;
}

void cmshm_remote_restart(struct cmshm_remote *r)
{
	struct cmshm_ctrl *h = host_ctrl(r);
	uint32_t avoid;

	if (!r->geom_ok)
		return;
	cmshm_cache_invalidate(h, sizeof(*h));
	avoid = cmshm_load32(&h->ack);
	if (r->link.up)
		r->events |= CMSHM_REMOTE_DOWN;
	cmshm_link_start(&r->link, next_session(r, avoid));
	ring_host(r, OWED_ALWAYS);
}

CMSHM_REMOTE_EXPORT(cmshm_remote_restart);

/*
 * A first look at the host's control block: its session and state, then
 * one read barrier, so that what the caller reads next (the header) is at
 * least as new as the session read: the host stores its new header, then
 * (wmb) its new session. No barrier is needed between the two words: a
 * READY that belongs to another session than the one read only makes the
 * caller copy a header that read_header()'s checks then refuse (the host
 * block inside the copy, read after the barrier, and reread_host()).
 */
static void read_host(const struct cmshm_remote *r, uint32_t *state,
		      uint32_t *session)
{
	struct cmshm_ctrl *h = host_ctrl(r);

	cmshm_cache_invalidate(h, sizeof(*h));
	*session = cmshm_load32(&h->session);
	*state = cmshm_load32(&h->state);
	cmshm_rmb();
}

/*
 * The host's control block again after the header copy, state first. The
 * copy's words are read in no particular order, so any of them may come
 * from a host that restarted meanwhile: it went OFFLINE before changing
 * any header word (cmshm_header_write()). The cmshm_rmb() at the end of
 * cmshm_header_read() orders this state read after every word of the
 * copy: a word written after that OFFLINE makes it read OFFLINE or a later
 * READY, and a later READY makes the session read after it (rmb) return
 * the later session. So READY with the same session means no header word
 * changed during the copy. Reading session first here would not do: it
 * could return the old session and the state the new READY (the model
 * check's remote_header_restart finds that in a few hundred iterations).
 */
static void reread_host(const struct cmshm_remote *r, uint32_t *state,
			uint32_t *session)
{
	struct cmshm_ctrl *h = host_ctrl(r);

	cmshm_cache_invalidate(h, sizeof(*h));
	*state = cmshm_load32(&h->state);
	cmshm_rmb();
	*session = cmshm_load32(&h->session);
}

/*
 * Take the geometry of host session @session from a validated copy: the
 * private ring views, the application area, and this side's control
 * block, restarting our side if it moved (or was never started).
 */
static void take_geometry(struct cmshm_remote *r,
			  const struct cmshm_header *h)
{
	uint8_t *base = region(r);
	struct cmshm_ctrl *own = (struct cmshm_ctrl *)(base + h->remote_ctrl);

	cmshm_ring_init(&r->tx, base, &h->r2h);
	cmshm_ring_init(&r->rx, base, &h->h2r);
	r->app = h->app_size ? base + h->app_offset : (uint8_t *)0;
	r->app_size = h->app_size;
	r->geom_ok = 1;
	if (r->link.own != own) {
		r->link.own = own;
		cmshm_remote_restart(r);
	}
}

/*
 * A READY host session we have no header for: read the header between two
 * reads of the host's control block that both show READY and @session
 * (read_host(), then reread_host(): the copy belongs to that session), and
 * validate it.
 *
 * Return: 1 if the geometry of @session is known now (valid or not), 0 if
 * the host is changing it: look again later.
 */
static int read_header(struct cmshm_remote *r, uint32_t session)
{
	struct cmshm_header copy;
	uint32_t state2, session2;

	cmshm_header_read(&copy, (const struct cmshm_header *)region(r));
	reread_host(r, &state2, &session2);
	if (state2 != CMSHM_STATE_READY || session2 != session ||
	    copy.host.state != CMSHM_STATE_READY ||
	    copy.host.session != session)
		return 0;
	r->geom = session;
	if (cmshm_header_validate(&copy, r->size) ||
	    copy.line_size < CMSHM_CACHE_LINE) {
		/* Never touch this session's layout; keep our old ctrl. */
		r->geom_ok = 0;
		r->app = (uint8_t *)0;
		r->app_size = 0;
		r->st.proto_errors++;
		r->events |= CMSHM_REMOTE_ERROR;
		return 1;
	}
	take_geometry(r, &copy);
	return 1;
}

/* The link is down without a handshake step (no usable geometry). */
static uint8_t link_lost(struct cmshm_remote *r)
{
	if (!r->link.up)
		return 0;
	r->link.up = 0;
	return CMSHM_REMOTE_DOWN;
}

/*
 * The link's up, down and reset events are the endpoint's, bit for bit:
 * cmshm_remote_poll() passes them on as they are.
 */
#if CMSHM_LINK_UP != CMSHM_REMOTE_UP || CMSHM_LINK_DOWN != CMSHM_REMOTE_DOWN
#error "cmshm_remote_poll() passes link events on as endpoint events"
#endif
#if CMSHM_LINK_RESET != CMSHM_REMOTE_RESET
#error "cmshm_remote_poll() passes link events on as endpoint events"
#endif
#define LINK_EVENTS	(CMSHM_LINK_UP | CMSHM_LINK_DOWN | CMSHM_LINK_RESET)

unsigned int cmshm_remote_poll(struct cmshm_remote *r)
{
	unsigned int ev, lev;
	uint32_t state, session;

	read_host(r, &state, &session);
	if (state == CMSHM_STATE_READY && session && session != r->geom &&
	    !read_header(r, session)) {
		r->events |= link_lost(r);	/* the host is changing it */
	} else if (!r->geom_ok) {
		/* No header yet, or the last one was invalid: hands off. */
		r->events |= link_lost(r);
	} else {
		/*
		 * Only the session whose header we validated is acknowledged;
		 * any other shows as down until its header is read.
		 */
		lev = cmshm_link_follow(&r->link, r->geom);
		r->events |= (uint8_t)(lev & LINK_EVENTS);
		if (lev & CMSHM_LINK_RESET)
			r->st.resets++;
		if (lev & CMSHM_LINK_KICK)
			ring_host(r, OWED_ALWAYS);
	}
	if (r->owed)
		ring_host(r, 0);	/* keeps it owed while deferred */
	ev = r->events;
	r->events = 0;
	return ev;
}

CMSHM_REMOTE_EXPORT(cmshm_remote_poll);

/*
 * A ring call failed with @err. -CMSHM_EPROTO while the host is still READY
 * with the session we acknowledged (cmshm_link_peer_unchanged(), ordered
 * after the bad index by the ring call's barrier) is a protocol error:
 * restart our side. Otherwise the host is restarting and zeroed its index:
 * the next cmshm_remote_poll() follows it.
 */
static int ring_error(struct cmshm_remote *r, int err)
{
	if (err != -CMSHM_EPROTO) {
		/*
		 * We wait for the host: ring a space doorbell we held, without
		 * a look at its want word (cmshm_link_held_space() would look;
		 * the look costs more code than the rare extra doorbell).
		 */
		if (r->link.want & CMSHM_SPACE_HELD) {
			r->link.want &= (uint8_t)~CMSHM_SPACE_HELD;
			ring_host(r, OWED_ALWAYS);
		}
		return err;
	}
	if (!cmshm_link_peer_unchanged(&r->link))
		return -CMSHM_ENOTCONN;	/* link.up stays set until poll */
	r->st.proto_errors++;
	r->events |= CMSHM_REMOTE_ERROR;
	cmshm_remote_restart(r);
	return -CMSHM_ENOTCONN;
}

int cmshm_remote_reserve(struct cmshm_remote *r, uint32_t len,
			 void **payload)
{
	int err;

	if (!r->link.up)
		return -CMSHM_ENOTCONN;
	/* Full: ask for a doorbell, then look once more (cmshm_link_want()). */
	do
		err = cmshm_ring_reserve(&r->tx, len, payload);
	while (err == -CMSHM_EAGAIN &&
	       cmshm_link_want(&r->link, CMSHM_WANT_SPACE));
	if (err)
		return ring_error(r, err);
	cmshm_link_unwant(&r->link, CMSHM_WANT_SPACE);
	return 0;
}

CMSHM_REMOTE_EXPORT(cmshm_remote_reserve);

void cmshm_remote_commit(struct cmshm_remote *r)
{
	cmshm_ring_commit(&r->tx);
	ring_host(r, CMSHM_WANT_DATA);
}

CMSHM_REMOTE_EXPORT(cmshm_remote_commit);

int cmshm_remote_peek(struct cmshm_remote *r, const void **payload,
		      uint32_t *len)
{
	int err;

	if (!r->link.up)
		return -CMSHM_ENOTCONN;
	/* Empty: ask for a doorbell, then look once more. */
	do
		err = cmshm_ring_peek(&r->rx, payload, len);
	while (err == -CMSHM_EAGAIN &&
	       cmshm_link_want(&r->link, CMSHM_WANT_DATA));
	if (err)
		return ring_error(r, err);
	cmshm_link_unwant(&r->link, CMSHM_WANT_DATA);
	return 0;
}

CMSHM_REMOTE_EXPORT(cmshm_remote_peek);

void cmshm_remote_release(struct cmshm_remote *r)
{
	int space;

	cmshm_ring_release(&r->rx);
	/* Space in batches: the host wants it and half the ring is free. */
	space = cmshm_link_peer_wants_space(&r->link);
	if (space > 0)
		ring_host(r, OWED_ALWAYS);
	else if (space)
		ring_error(r, space);	/* a bad head: as from a peek */
}

CMSHM_REMOTE_EXPORT(cmshm_remote_release);

int32_t cmshm_remote_tx_queued(struct cmshm_remote *r)
{
	uint32_t tail;
	int err;

	if (!r->link.up)
		return -CMSHM_ENOTCONN;
	/* Waiting for the host to consume: ask to be rung when it does. */
	do
		err = cmshm_ring_load_tail(&r->tx, &tail);
	while (!err && tail != r->tx.own &&
	       cmshm_link_want(&r->link, CMSHM_WANT_SPACE));
	if (err)
		return ring_error(r, err);
	if (tail != r->tx.own)
		ring_error(r, 0);
	return (int32_t)(r->tx.own - tail);
}

CMSHM_REMOTE_EXPORT(cmshm_remote_tx_queued);

void cmshm_remote_notify(struct cmshm_remote *r)
{
	r->defer = 0;
	if (r->owed)
		ring_host(r, 0);
}

CMSHM_REMOTE_EXPORT(cmshm_remote_notify);

void cmshm_remote_stop(struct cmshm_remote *r)
{
	uint32_t state, session;

	if (!r->geom_ok)	/* (a geometry comes with our own ctrl) */
		return;
	reread_host(r, &state, &session);
	if (state != CMSHM_STATE_READY || session != r->geom)
		return;
	cmshm_link_stop(&r->link, CMSHM_STATE_OFFLINE);
	r->defer = 0;
	ring_host(r, OWED_ALWAYS);
}

CMSHM_REMOTE_EXPORT(cmshm_remote_stop);
