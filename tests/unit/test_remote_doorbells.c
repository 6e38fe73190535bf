// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the remote endpoint library's doorbells (firmware/endpoint/
 * cmshm_remote.c, compiled into this binary) and of the host's side of
 * them (cmshm_link.h, as the driver uses it): rung only when the peer
 * wants one, space signalled in batches, a host without the feature. The
 * fixture: remote_fixture.h.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "remote_fixture.h"

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

/* Link up; the remote sends two 56-byte messages (r2h records of 64). */
static void up_two_r2h(struct rtest *t)
{
	uint8_t b[56] = { 0 };

	up(t, HS1);
	assert_int_equal(cmshm_remote_send(&t->ep, b, sizeof(b)), 0);
	assert_int_equal(cmshm_remote_send(&t->ep, b, sizeof(b)), 0);
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

	up_two_r2h(t);
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
 * The head loaded again after a release is validated like any head load,
 * and a bad one is reported by that release's space check, the operation
 * that loaded it: by cmshm_link_peer_wants_space() to the host (the driver
 * then fails the link after the message it delivered), and by
 * cmshm_remote_release() as a protocol error (ERROR, our side restarts).
 * The cached head stays as it was. Both rings hold two messages, the
 * consumer has peeked (its cached head covers both), its producer wants
 * space, and then publishes a misaligned head.
 */
static void doorbells_space_bad_head_reported(void **state)
{
	struct rtest *t = *state;
	uint8_t b[56] = { 0 };
	const void *p;
	uint32_t len, head2;

	up_two_r2h(t);
	assert_int_equal(cmshm_ring_write(&t->tx, b, sizeof(b)), 0);
	assert_int_equal(cmshm_ring_write(&t->tx, b, sizeof(b)), 0);
	assert_int_equal(cmshm_link_want(&t->ep.link, CMSHM_WANT_SPACE), 1);
	assert_int_equal(cmshm_link_want(&t->host, CMSHM_WANT_SPACE), 1);

	/* The host's read path. */
	assert_int_equal(cmshm_ring_read(&t->rx, b, sizeof(b), &len), 0);
	head2 = t->rx.peer;
	cmshm_store32(t->rx.head, head2 + 3);
	assert_int_equal(cmshm_link_peer_wants_space(&t->host),
			 -CMSHM_EPROTO);
	assert_int_equal(t->rx.peer, head2);

	/* The library's. */
	assert_int_equal(t->ep.st.proto_errors, 0);
	assert_int_equal(cmshm_remote_peek(&t->ep, &p, &len), 0);
	cmshm_store32(t->tx.head, t->tx.own + 3);
	cmshm_remote_release(&t->ep);
	assert_int_equal(t->ep.st.proto_errors, 1);
	assert_true(cmshm_remote_poll(&t->ep) & CMSHM_REMOTE_ERROR);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(doorbells),
		T(doorbells_wanted_by_remote),
		T(doorbells_space_batched),
		T(doorbells_space_reload_when_wanted),
		T(doorbells_space_bad_head_reported),
		T(doorbells_space_batched_remote),
		T(doorbells_space_batched_remote_refill),
		T(doorbells_host_without_feature),
	};

	TRUN(tests);
}
