// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the remote endpoint library (firmware/endpoint/
 * cmshm_remote.c, compiled into this binary): initialisation, the
 * handshake, messages, host restarts and new layouts, invalid headers and
 * indices, sessions, stop. Doorbells: test_remote_doorbells.c. The
 * fixture (a host played with the driver's protocol code): remote_fixture.h.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "remote_fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(init_errors),
		T(no_host),
		T(attach_and_exchange),
		T(full_ring),
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
