// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the remote endpoint library (firmware/endpoint/
 * cmshm_remote.c, compiled into this binary) against a host played with
 * the same protocol code the driver uses: cmshm_layout_init(),
 * cmshm_header_write(), cmshm_link_start()/cmshm_link_update() and the
 * rings.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_test.h"
#include "cmshm/cmshm_remote.h"

#define REGION	16384u
#define HS1	0x10000001u	/* host sessions */
#define HS2	0x10000002u
#define HS3	0x10000003u

/**
 * struct rtest - a region, the host's half and the endpoint under test.
 * @base:  the region (64-byte aligned).
 * @h:     the host's private layout.
 * @tx:    host's h2r producer view, @rx its r2h consumer view.
 * @host:  the host's link.
 * @ep:    the endpoint.
 * @rings: doorbells the endpoint rang.
 */
struct rtest {
	uint8_t *base;
	struct cmshm_header h;
	struct cmshm_ring tx, rx;
	struct cmshm_link host;
	struct cmshm_remote ep;
	unsigned int rings;
};

static void doorbell(void *ctx)
{
	((struct rtest *)ctx)->rings++;
}

/* The host (re)publishes its header with @ring_size rings and starts @hs. */
static void host_start(struct rtest *t, uint32_t ring_size, uint32_t hs)
{
	assert_int_equal(cmshm_layout_init(&t->h, REGION, 64, ring_size, 64),
			 0);
	cmshm_header_write((struct cmshm_header *)t->base, &t->h);
	cmshm_ring_init(&t->tx, t->base, &t->h.h2r);
	cmshm_ring_init(&t->rx, t->base, &t->h.r2h);
	t->host.own = &((struct cmshm_header *)t->base)->host;
	t->host.peer = (struct cmshm_ctrl *)(t->base + t->h.remote_ctrl);
	t->host.tx = &t->tx;
	t->host.rx = &t->rx;
	cmshm_link_start(&t->host, hs);
}

static int setup(void **state)
{
	struct rtest *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->base = aligned_alloc(64, REGION);
	assert_non_null(t->base);
	memset(t->base, 0xa5, REGION);	/* stale RAM */
	assert_int_equal(cmshm_remote_init(&t->ep, t->base, REGION, doorbell,
					   t, 42), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct rtest *t = *state;

	free(t->base);
	free(t);
	return 0;
}

/* Alternate host updates and endpoint polls; OR of the endpoint events. */
static unsigned int settle(struct rtest *t)
{
	unsigned int ev = 0, i;

	for (i = 0; i < 4; i++) {
		ev |= cmshm_remote_poll(&t->ep);
		cmshm_link_update(&t->host);
	}
	return ev;
}

static void up(struct rtest *t, uint32_t hs)
{
	host_start(t, 1024, hs);
	assert_int_equal(settle(t), CMSHM_REMOTE_UP);
	assert_true(cmshm_remote_up(&t->ep));
	assert_true(t->host.up);
}

static void init_errors(void **state)
{
	struct rtest *t = *state;
	struct cmshm_remote r;

	assert_int_equal(cmshm_remote_init(&r, NULL, REGION, NULL, NULL, 1),
			 -CMSHM_EINVAL);
	assert_int_equal(cmshm_remote_init(&r, t->base + 4, REGION, NULL,
					   NULL, 1), -CMSHM_EINVAL);
	assert_int_equal(cmshm_remote_init(&r, t->base, 64, NULL, NULL, 1),
			 -CMSHM_EINVAL);
	/* Nothing was written: the region is still the stale pattern. */
	assert_int_equal(t->base[0], 0xa5);
	assert_int_equal(cmshm_remote_max_msg(&t->ep), 0);
}

/* Stale RAM, no host: no event, no write to the region. */
static void no_host(void **state)
{
	struct rtest *t = *state;
	uint32_t i;

	assert_int_equal(cmshm_remote_poll(&t->ep), 0);
	assert_int_equal(cmshm_remote_send(&t->ep, "x", 1), -CMSHM_ENOTCONN);
	for (i = 0; i < REGION; i++)
		assert_int_equal(t->base[i], 0xa5);
	assert_int_equal(t->rings, 0);
}

static void attach_and_exchange(void **state)
{
	struct rtest *t = *state;
	uint8_t buf[300], out[300];
	const void *p;
	void *w;
	uint32_t len, i;

	up(t, HS1);
	assert_int_equal(settle(t), 0);	/* UP reported once */
	assert_int_equal(cmshm_remote_max_msg(&t->ep), 1024 / 2 - 8);
	/* host -> remote, copied */
	for (i = 1; i <= 3; i++) {
		tfill(buf, 100 * i, i);
		assert_int_equal(cmshm_ring_write(&t->tx, buf, 100 * i), 0);
	}
	for (i = 1; i <= 3; i++) {
		assert_int_equal(cmshm_remote_recv(&t->ep, out, sizeof(out),
						   &len), 0);
		tfill(buf, 100 * i, i);
		assert_int_equal(len, 100 * i);
		assert_memory_equal(out, buf, len);
	}
	assert_int_equal(cmshm_remote_recv(&t->ep, out, sizeof(out), &len),
			 -CMSHM_EAGAIN);
	/* remote -> host, copied and in place */
	tfill(buf, 77, 9);
	assert_int_equal(cmshm_remote_send(&t->ep, buf, 77), 0);
	assert_int_equal(cmshm_remote_reserve(&t->ep, 5, &w), 0);
	memcpy(w, "hello", 5);
	cmshm_remote_commit(&t->ep);
	assert_int_equal(cmshm_ring_read(&t->rx, out, sizeof(out), &len), 0);
	assert_int_equal(len, 77);
	assert_memory_equal(out, buf, 77);
	assert_int_equal(cmshm_ring_read(&t->rx, out, sizeof(out), &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(out, "hello", 5);
	/* peek twice gives the same message; too small a buffer keeps it */
	assert_int_equal(cmshm_ring_write(&t->tx, "abc", 3), 0);
	assert_int_equal(cmshm_remote_recv(&t->ep, out, 2, &len),
			 -CMSHM_EMSGSIZE);
	assert_int_equal(len, 3);
	assert_int_equal(cmshm_remote_peek(&t->ep, &p, &len), 0);
	assert_int_equal(cmshm_remote_peek(&t->ep, &p, &len), 0);
	assert_memory_equal(p, "abc", 3);
	cmshm_remote_release(&t->ep);
	assert_int_equal(cmshm_remote_peek(&t->ep, &p, &len), -CMSHM_EAGAIN);
	/* sizes */
	assert_int_equal(cmshm_remote_send(&t->ep, buf, 0), -CMSHM_EINVAL);
	assert_int_equal(cmshm_remote_send(&t->ep, buf, 1024 / 2 - 7),
			 -CMSHM_EMSGSIZE);
	assert_int_equal(cmshm_remote_tx_queued(&t->ep), 0);
	assert_int_equal(cmshm_remote_send(&t->ep, buf, 8), 0);
	assert_int_equal(cmshm_remote_tx_queued(&t->ep), 16);
}

static void full_ring(void **state)
{
	struct rtest *t = *state;
	uint8_t buf[200] = { 0 };
	uint32_t n = 0, len;

	up(t, HS1);
	while (cmshm_remote_send(&t->ep, buf, sizeof(buf)) == 0)
		n++;
	assert_int_equal(n, 1024 / 208);
	assert_int_equal(cmshm_remote_send(&t->ep, buf, sizeof(buf)),
			 -CMSHM_EAGAIN);
	assert_int_equal(cmshm_ring_read(&t->rx, buf, sizeof(buf), &len), 0);
	assert_int_equal(cmshm_remote_send(&t->ep, buf, sizeof(buf)), 0);
}

/*
 * With CMSHM_FEATURE_DOORBELL_WANT (both sides have it): a publishing
 * call rings only while the host asks for it (cmshm_link_want() after it
 * found its ring empty or full), a deferred batch at most once.
 */
static void doorbells(void **state)
{
	struct rtest *t = *state;
	const void *p;
	uint8_t b[8] = { 0 };
	uint32_t len;
	unsigned int r0;

	up(t, HS1);
	assert_true(t->ep.link.notify && t->host.notify);
	r0 = t->rings;
	/* The host is not waiting for data: no doorbell. */
	assert_int_equal(cmshm_remote_send(&t->ep, b, 8), 0);
	assert_int_equal(t->rings, r0);
	/* It reads that message, finds r2h empty and asks: both sends ring. */
	assert_int_equal(cmshm_ring_read(&t->rx, b, 8, &len), 0);
	assert_int_equal(cmshm_ring_peek(&t->rx, &p, &len), -CMSHM_EAGAIN);
	assert_int_equal(cmshm_link_want(&t->host, CMSHM_WANT_DATA), 1);
	assert_int_equal(cmshm_link_want(&t->host, CMSHM_WANT_DATA), 0);
	assert_int_equal(cmshm_remote_send(&t->ep, b, 8), 0);
	assert_int_equal(cmshm_remote_send(&t->ep, b, 8), 0);
	assert_int_equal(t->rings, r0 + 2);
	/* It consumes and no longer waits: silence again. */
	cmshm_link_unwant(&t->host, CMSHM_WANT_DATA);
	assert_int_equal(cmshm_remote_send(&t->ep, b, 8), 0);
	assert_int_equal(t->rings, r0 + 2);
	/* A release rings only while the host waits for space. */
	assert_int_equal(cmshm_ring_write(&t->tx, b, 8), 0);
	assert_int_equal(cmshm_remote_recv(&t->ep, b, 8, &len), 0);
	assert_int_equal(t->rings, r0 + 2);
	assert_int_equal(cmshm_link_want(&t->host, CMSHM_WANT_SPACE), 1);
	assert_int_equal(cmshm_ring_write(&t->tx, b, 8), 0);
	assert_int_equal(cmshm_remote_recv(&t->ep, b, 8, &len), 0);
	assert_int_equal(t->rings, r0 + 3);
	cmshm_link_unwant(&t->host, CMSHM_WANT_SPACE);
	/* Deferred: one doorbell for the batch, and only if wanted. */
	assert_int_equal(cmshm_link_want(&t->host, CMSHM_WANT_DATA), 1);
	cmshm_remote_defer(&t->ep);
	assert_int_equal(cmshm_remote_send(&t->ep, b, 8), 0);
	assert_int_equal(cmshm_remote_send(&t->ep, b, 8), 0);
	assert_int_equal(cmshm_remote_poll(&t->ep), 0);
	assert_int_equal(t->rings, r0 + 3);
	cmshm_remote_notify(&t->ep);
	assert_int_equal(t->rings, r0 + 4);
	cmshm_remote_defer(&t->ep);
	cmshm_remote_notify(&t->ep);	/* nothing moved: no doorbell */
	assert_int_equal(t->rings, r0 + 4);
	cmshm_link_unwant(&t->host, CMSHM_WANT_DATA);
	cmshm_remote_defer(&t->ep);
	assert_int_equal(cmshm_remote_send(&t->ep, b, 8), 0);
	cmshm_remote_notify(&t->ep);	/* moved, not wanted */
	assert_int_equal(t->rings, r0 + 4);
	assert_int_equal(cmshm_remote_poll(&t->ep), 0);
	assert_int_equal(t->rings, r0 + 4);
}

/*
 * The endpoint asks for doorbells itself: a recv that finds h2r empty and
 * a send that finds r2h full set its doorbell-wanted words, the next
 * success clears them, and the host's publish sees them.
 */
static void doorbells_wanted_by_remote(void **state)
{
	struct rtest *t = *state;
	uint8_t b[512] = { 0 };
	uint32_t len;

	up(t, HS1);
	assert_int_equal(cmshm_remote_recv(&t->ep, b, 8, &len), -CMSHM_EAGAIN);
	assert_int_equal(*cmshm_ring_want_word(t->ep.rx.tail), 1);
	assert_int_equal(cmshm_ring_write(&t->tx, b, 8), 0);
	assert_true(cmshm_link_peer_wants(&t->host, CMSHM_WANT_DATA));
	assert_int_equal(cmshm_remote_recv(&t->ep, b, 8, &len), 0);
	assert_int_equal(*cmshm_ring_want_word(t->ep.rx.tail), 0);
	assert_false(cmshm_link_peer_wants(&t->host, CMSHM_WANT_DATA));
	/* fill r2h (1024 bytes: 504-byte records) */
	while (cmshm_remote_send(&t->ep, b, 496) == 0)
		;
	assert_int_equal(*cmshm_ring_want_word(t->ep.tx.head), 1);
	assert_int_equal(cmshm_ring_read(&t->rx, b, sizeof(b), &len), 0);
	assert_true(cmshm_link_peer_wants(&t->host, CMSHM_WANT_SPACE));
	assert_int_equal(cmshm_remote_send(&t->ep, b, 496), 0);
	assert_int_equal(*cmshm_ring_want_word(t->ep.tx.head), 0);
}

/*
 * The host's read path (the Linux driver): space doorbells in batches
 * (cmshm_link_peer_wants_space()). r2h is 1024 bytes: 16 records of 64.
 */
static void doorbells_space_batched(void **state)
{
	struct rtest *t = *state;
	uint8_t b[56] = { 0 };
	uint32_t len, i, n = 0, first = 0;

	up(t, HS1);
	while (cmshm_remote_send(&t->ep, b, sizeof(b)) == 0)
		n++;
	assert_int_equal(n, 16);
	assert_int_equal(*cmshm_ring_want_word(t->ep.tx.head), 1);
	/* Held while more than half is in use; rung from half on. */
	for (i = 1; i <= n; i++) {
		assert_int_equal(cmshm_ring_read(&t->rx, b, sizeof(b), &len), 0);
		if (cmshm_link_peer_wants_space(&t->host) && !first)
			first = i;
		assert_int_equal(!!(t->host.want & CMSHM_SPACE_HELD), !first);
	}
	assert_int_equal(first, 8);
	/* Nothing held after the ring emptied. */
	assert_false(cmshm_link_held_space(&t->host));

	/* A hold is rung before the host waits, if the remote still waits. */
	while (cmshm_remote_send(&t->ep, b, sizeof(b)) == 0)
		;
	assert_int_equal(cmshm_ring_read(&t->rx, b, sizeof(b), &len), 0);
	assert_false(cmshm_link_peer_wants_space(&t->host));
	assert_true(cmshm_link_held_space(&t->host));
	assert_false(cmshm_link_held_space(&t->host));
	/* The remote found room and stopped waiting: the hold is dropped. */
	assert_int_equal(cmshm_remote_send(&t->ep, b, sizeof(b)), 0);
	assert_int_equal(*cmshm_ring_want_word(t->ep.tx.head), 0);
	assert_int_equal(cmshm_ring_read(&t->rx, b, sizeof(b), &len), 0);
	assert_false(cmshm_link_peer_wants_space(&t->host));
	assert_false(cmshm_link_held_space(&t->host));
}

/*
 * A consumer that keeps up pays one barrier and one want load per
 * release: it loads the head again only when the producer wants space.
 * The host peeks with two messages queued (its cached head covers both),
 * the remote sends a third: releasing the first while the remote does not
 * want space leaves the cached head where it was; once the remote wants
 * space, the next release loads the head (now covering the third).
 */
static void doorbells_space_reload_when_wanted(void **state)
{
	struct rtest *t = *state;
	uint8_t b[56] = { 0 };
	const void *p;
	uint32_t len, head2;

	up(t, HS1);
	assert_int_equal(cmshm_remote_send(&t->ep, b, sizeof(b)), 0);
	assert_int_equal(cmshm_remote_send(&t->ep, b, sizeof(b)), 0);
	assert_int_equal(cmshm_ring_peek(&t->rx, &p, &len), 0);
	head2 = t->rx.peer;
	assert_int_equal(head2 - t->rx.own, 128);
	assert_int_equal(cmshm_remote_send(&t->ep, b, sizeof(b)), 0);
	cmshm_ring_release(&t->rx);
	assert_false(cmshm_link_peer_wants_space(&t->host));
	assert_int_equal(t->rx.peer, head2);
	assert_false(t->host.want & CMSHM_SPACE_HELD);
	assert_int_equal(cmshm_link_want(&t->ep.link, CMSHM_WANT_SPACE), 1);
	assert_int_equal(cmshm_ring_read(&t->rx, b, sizeof(b), &len), 0);
	assert_true(cmshm_link_peer_wants_space(&t->host));
	assert_int_equal(t->rx.peer, head2 + 64);
}

/*
 * Link up; the host fills h2r (1024 bytes: 16 records of 64) and, finding
 * it full, asks for space.
 */
static void fill_h2r_host_waits(struct rtest *t)
{
	uint8_t b[56] = { 0 };
	uint32_t n = 0;

	up(t, HS1);
	while (cmshm_ring_write(&t->tx, b, sizeof(b)) == 0)
		n++;
	assert_int_equal(n, 16);
	assert_int_equal(cmshm_link_want(&t->host, CMSHM_WANT_SPACE), 1);
}

/*
 * The library's release path holds space doorbells the same way, and
 * rings a held one when it finds r2h full (it is about to wait for the
 * host, which may be waiting for this space). h2r is 1024 bytes.
 */
static void doorbells_space_batched_remote(void **state)
{
	struct rtest *t = *state;
	uint8_t b[56] = { 0 };
	uint32_t len, i, r0;

	fill_h2r_host_waits(t);
	r0 = t->rings;
	for (i = 1; i <= 16; i++) {
		assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len),
				 0);
		/* Held while more than half is in use; rung from half on. */
		assert_int_equal(t->rings - r0, i < 8 ? 0 : i - 7);
	}
	cmshm_link_unwant(&t->host, CMSHM_WANT_SPACE);

	/* Held, then the remote finds r2h full: the held one is rung. */
	while (cmshm_ring_write(&t->tx, b, sizeof(b)) == 0)
		;
	assert_int_equal(cmshm_link_want(&t->host, CMSHM_WANT_SPACE), 1);
	assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len), 0);
	r0 = t->rings;
	while (cmshm_remote_send(&t->ep, b, sizeof(b)) == 0)
		;
	assert_int_equal(t->rings, r0 + 1);
	/* Not wanted: the next wait rings nothing. */
	cmshm_link_unwant(&t->host, CMSHM_WANT_SPACE);
	assert_int_equal(cmshm_remote_send(&t->ep, b, sizeof(b)),
			 -CMSHM_EAGAIN);
	assert_int_equal(t->rings, r0 + 1);
}

/*
 * The library's hold looks at the head again before it rings: a host that
 * refilled h2r after the first space doorbell is not rung again until a
 * half ring is free once more, although the library's cached head (the
 * snapshot of its first peek) shows less than half in use from the next
 * release on. Judged by that cached head alone, each of the 8 releases
 * below would ring.
 */
static void doorbells_space_batched_remote_refill(void **state)
{
	struct rtest *t = *state;
	uint8_t b[56] = { 0 };
	uint32_t len, i, n, r0, rung = 0;

	fill_h2r_host_waits(t);
	r0 = t->rings;
	for (i = 1; i <= 8; i++)
		assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len),
				 0);
	assert_int_equal(t->rings, r0 + 1);
	/* The host wakes, refills the free half and waits again. */
	cmshm_link_unwant(&t->host, CMSHM_WANT_SPACE);
	for (n = 0; cmshm_ring_write(&t->tx, b, sizeof(b)) == 0; n++)
		;
	assert_int_equal(n, 8);
	assert_int_equal(cmshm_link_want(&t->host, CMSHM_WANT_SPACE), 1);
	r0 = t->rings;
	for (i = 1; i <= 8; i++) {
		assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len),
				 0);
		if (t->rings != r0 && !rung)
			rung = i;
	}
	assert_int_equal(t->rings, r0 + 1);
	assert_int_equal(rung, 8);
}

/* A host without the feature: every publishing call rings, as in v1. */
static void doorbells_host_without_feature(void **state)
{
	struct rtest *t = *state;
	uint8_t b[8] = { 0 };
	uint32_t len;
	unsigned int r0;

	host_start(t, 1024, HS1);
	cmshm_store32(&t->host.own->features, 0);
	assert_int_equal(settle(t), CMSHM_REMOTE_UP);
	/* (t->host runs this code: only its control block says "v1") */
	assert_false(t->ep.link.notify);
	r0 = t->rings;
	assert_int_equal(cmshm_remote_send(&t->ep, b, 8), 0);
	assert_int_equal(t->rings, r0 + 1);
	assert_int_equal(cmshm_ring_write(&t->tx, b, 8), 0);
	assert_int_equal(cmshm_remote_recv(&t->ep, b, 8, &len), 0);
	assert_int_equal(t->rings, r0 + 2);
}

/* A host restart with the same layout: DOWN|RESET, then UP, no replay. */
static void host_restart(void **state)
{
	struct rtest *t = *state;
	uint8_t b[16];
	uint32_t len;

	up(t, HS1);
	assert_int_equal(cmshm_ring_write(&t->tx, "old", 3), 0);
	assert_int_equal(cmshm_remote_send(&t->ep, "old", 3), 0);
	host_start(t, 1024, HS2);
	assert_int_equal(settle(t), CMSHM_REMOTE_DOWN | CMSHM_REMOTE_RESET |
			 CMSHM_REMOTE_UP);
	assert_int_equal(t->ep.st.resets, 1);
	/* Nothing from the old session is delivered again, either way. */
	assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len),
			 -CMSHM_EAGAIN);
	assert_int_equal(cmshm_ring_read(&t->rx, b, sizeof(b), &len),
			 -CMSHM_EAGAIN);
	assert_int_equal(cmshm_ring_write(&t->tx, "new", 3), 0);
	assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len), 0);
	assert_memory_equal(b, "new", 3);
}

/* A new layout: rings and control block move, the endpoint follows. */
static void host_new_layout(void **state)
{
	struct rtest *t = *state;
	struct cmshm_ctrl *old;
	uint8_t b[600];
	uint32_t len;

	up(t, HS1);
	old = t->ep.link.own;
	host_start(t, 2048, HS2);
	assert_int_equal(settle(t), CMSHM_REMOTE_DOWN | CMSHM_REMOTE_RESET |
			 CMSHM_REMOTE_UP);
	assert_ptr_equal(t->ep.link.own, old);	/* same ctrl offset */
	assert_int_equal(cmshm_remote_max_msg(&t->ep), 2048 / 2 - 8);
	memset(b, 3, sizeof(b));
	assert_int_equal(cmshm_remote_send(&t->ep, b, 600), 0);
	assert_int_equal(cmshm_ring_read(&t->rx, b, sizeof(b), &len), 0);
	assert_int_equal(len, 600);
}

/* An invalid header: ERROR once, never up, nothing of it written. */
static void bad_header(void **state)
{
	struct rtest *t = *state;
	struct cmshm_header *sh = (struct cmshm_header *)t->base;
	uint8_t before[REGION];

	host_start(t, 1024, HS1);
	cmshm_store32(&sh->host.state, CMSHM_STATE_OFFLINE);
	sh->r2h.data_offset = sh->h2r.data_offset;	/* overlapping rings */
	cmshm_store32(&sh->host.state, CMSHM_STATE_READY);
	memcpy(before, t->base, REGION);
	assert_int_equal(cmshm_remote_poll(&t->ep), CMSHM_REMOTE_ERROR);
	assert_int_equal(settle(t), 0);
	assert_false(cmshm_remote_up(&t->ep));
	assert_int_equal(t->ep.st.proto_errors, 1);
	assert_memory_equal(before, t->base, REGION);
	assert_int_equal(t->rings, 0);
	/* The next host session has a good header: up. */
	up(t, HS2);
}

/* The host restarts between the two control block reads: no geometry. */
static void header_changing(void **state)
{
	struct rtest *t = *state;
	struct cmshm_header *sh = (struct cmshm_header *)t->base;

	host_start(t, 1024, HS1);
	/* READY, but the copy's host block says another session. */
	cmshm_store32(&sh->host.session, HS2);
	cmshm_store32(&sh->host.session, HS1);
	assert_int_equal(cmshm_remote_poll(&t->ep), 0);
	assert_non_null(t->ep.link.own);
	/* Host OFFLINE: nothing to read, no event. */
	host_start(t, 1024, HS2);
	cmshm_link_stop(&t->host, CMSHM_STATE_OFFLINE);
	assert_int_equal(settle(t), 0);
	assert_false(cmshm_remote_up(&t->ep));
}

/* An invalid h2r head while the host is READY: ERROR, restart, up again. */
static void ring_protocol_error(void **state)
{
	struct rtest *t = *state;
	uint32_t session = t->ep.link.session, len;
	uint8_t b[16];

	up(t, HS1);
	session = t->ep.link.session;
	cmshm_store32(t->tx.head, 4);	/* misaligned */
	assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len),
			 -CMSHM_ENOTCONN);
	assert_false(cmshm_remote_up(&t->ep));
	assert_int_not_equal(t->ep.link.session, session);
	assert_int_equal(t->ep.st.proto_errors, 1);
	cmshm_ring_reset(&t->tx, 1);	/* the host follows our restart */
	assert_int_equal(settle(t), CMSHM_REMOTE_DOWN | CMSHM_REMOTE_ERROR |
			 CMSHM_REMOTE_UP);
	assert_int_equal(cmshm_ring_write(&t->tx, "ok", 2), 0);
	assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len), 0);
}

/* A host restarting (OFFLINE, indices zeroed): not an error. */
static void restart_race(void **state)
{
	struct rtest *t = *state;
	uint8_t b[16];
	uint32_t len, session;

	up(t, HS1);
	assert_int_equal(cmshm_ring_write(&t->tx, "abcd", 4), 0);
	assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len), 0);
	session = t->ep.link.session;
	/* The host goes OFFLINE and zeroes its h2r head: it moved back. */
	cmshm_store32(&((struct cmshm_header *)t->base)->host.state,
		      CMSHM_STATE_OFFLINE);
	cmshm_store32(t->tx.head, 0);
	assert_int_equal(cmshm_remote_recv(&t->ep, b, sizeof(b), &len),
			 -CMSHM_ENOTCONN);
	assert_int_equal(t->ep.st.proto_errors, 0);
	assert_int_equal(t->ep.link.session, session);
	assert_int_equal(cmshm_remote_poll(&t->ep), CMSHM_REMOTE_DOWN);
}

/* Sessions: nonzero, new on each restart, never the host's last ack. */
static void sessions(void **state)
{
	struct rtest *t = *state;
	struct cmshm_remote other;
	uint32_t s1, s2;

	up(t, HS1);
	s1 = t->ep.link.session;
	assert_int_not_equal(s1, 0);
	cmshm_remote_restart(&t->ep);
	s2 = t->ep.link.session;
	assert_int_not_equal(s2, 0);
	assert_int_not_equal(s2, s1);
	assert_int_equal(settle(t), CMSHM_REMOTE_DOWN | CMSHM_REMOTE_UP);
	/* A second endpoint with the next seed starts elsewhere. */
	assert_int_equal(cmshm_remote_init(&other, t->base, REGION, NULL,
					   NULL, 43), 0);
	host_start(t, 1024, HS3);
	cmshm_remote_poll(&other);
	assert_int_not_equal(other.link.session, s1);
	assert_int_not_equal(other.link.session, s2);
	assert_int_not_equal(other.link.session, t->host.acked);
}

static void stop(void **state)
{
	struct rtest *t = *state;
	unsigned int r0;

	up(t, HS1);
	r0 = t->rings;
	cmshm_remote_stop(&t->ep);
	assert_int_equal(t->ep.link.own->state, CMSHM_STATE_OFFLINE);
	assert_int_equal(t->rings, r0 + 1);
	assert_int_equal(cmshm_link_update(&t->host), CMSHM_LINK_DOWN);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(init_errors),
		T(no_host),
		T(attach_and_exchange),
		T(full_ring),
		T(doorbells),
		T(doorbells_wanted_by_remote),
		T(doorbells_space_batched),
		T(doorbells_space_reload_when_wanted),
		T(doorbells_space_batched_remote),
		T(doorbells_space_batched_remote_refill),
		T(doorbells_host_without_feature),
		T(host_restart),
		T(host_new_layout),
		T(bad_header),
		T(header_changing),
		T(ring_protocol_error),
		T(restart_race),
		T(sessions),
		T(stop),
	};

	TRUN(tests);
}
