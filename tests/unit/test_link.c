// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of include/cmshm/cmshm_link.h: the session handshake, played
 * by two struct cmshm_link over one region. The host uses the header's
 * host control block, produces into h2r and consumes r2h; the remote uses
 * the control block at remote_ctrl and the rings crossed.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_test.h"

#define HS1	0x10000001u	/* host sessions */
#define HS2	0x10000002u
#define RS1	0x20000001u	/* remote sessions */
#define RS2	0x20000002u

struct lpair {
	struct tregion *t;
	struct cmshm_ctrl *hctrl;
	struct cmshm_ctrl *rctrl;
	struct cmshm_ring h_tx, h_rx, r_tx, r_rx;
	struct cmshm_link host, remote;
	uint32_t h_seq_tx, h_seq_rx, r_seq_tx, r_seq_rx;
};

static int setup(void **state)
{
	struct lpair *p = calloc(1, sizeof(*p));
	struct cmshm_header *hdr;

	assert_non_null(p);
	p->t = tregion_new(16384, 64, 1024, 64);
	hdr = (struct cmshm_header *)p->t->base;
	p->hctrl = &hdr->host;
	p->rctrl = (struct cmshm_ctrl *)(p->t->base + p->t->h.remote_ctrl);
	cmshm_ring_init(&p->h_tx, p->t->base, &p->t->h.h2r);
	cmshm_ring_init(&p->h_rx, p->t->base, &p->t->h.r2h);
	cmshm_ring_init(&p->r_tx, p->t->base, &p->t->h.r2h);
	cmshm_ring_init(&p->r_rx, p->t->base, &p->t->h.h2r);
	p->host.own = p->hctrl;
	p->host.peer = p->rctrl;
	p->host.tx = &p->h_tx;
	p->host.rx = &p->h_rx;
	p->remote.own = p->rctrl;
	p->remote.peer = p->hctrl;
	p->remote.tx = &p->r_tx;
	p->remote.rx = &p->r_rx;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct lpair *p = *state;

	tregion_free(p->t);
	free(p);
	return 0;
}

/* Both sides start and exchange updates; checks every event. */
static void handshake(struct lpair *p, uint32_t hs, uint32_t rs)
{
	cmshm_link_start(&p->host, hs);
	cmshm_link_start(&p->remote, rs);
	assert_int_equal(p->hctrl->state, CMSHM_STATE_READY);
	assert_int_equal(p->hctrl->session, hs);
	assert_int_equal(p->hctrl->ack, 0);
	assert_int_equal(p->rctrl->state, CMSHM_STATE_READY);
	/* host acknowledges the remote, not up yet: the remote has not */
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_KICK);
	assert_int_equal(p->hctrl->ack, rs);
	assert_false(p->host.up);
	/* remote acknowledges the host and sees its own session acked */
	assert_int_equal(cmshm_link_update(&p->remote),
			 CMSHM_LINK_KICK | CMSHM_LINK_UP);
	assert_int_equal(p->rctrl->ack, hs);
	assert_true(p->remote.up);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_UP);
	assert_true(p->host.up);
	/* steady state: nothing more */
	assert_int_equal(cmshm_link_update(&p->host), 0);
	assert_int_equal(cmshm_link_update(&p->remote), 0);
	p->h_seq_tx = p->h_seq_rx = p->r_seq_tx = p->r_seq_rx = 0;
}

/* Sends @n messages each way with sequence-tagged payloads. */
static void h_send(struct lpair *p, unsigned int n)
{
	uint8_t buf[64];

	while (n--) {
		uint32_t len = p->h_seq_tx % 60 + 1;

		tfill(buf, len, 0x1000 + p->h_seq_tx);
		assert_int_equal(cmshm_ring_write(p->host.tx, buf, len), 0);
		p->h_seq_tx++;
	}
}

static void r_send(struct lpair *p, unsigned int n)
{
	uint8_t buf[64];

	while (n--) {
		uint32_t len = p->r_seq_tx % 50 + 3;

		tfill(buf, len, 0x2000 + p->r_seq_tx);
		assert_int_equal(cmshm_ring_write(p->remote.tx, buf, len), 0);
		p->r_seq_tx++;
	}
}

/* Receives everything queued on both sides, checking order and data. */
static void drain(struct lpair *p)
{
	uint8_t buf[64];
	uint32_t len;

	while (cmshm_ring_read(p->remote.rx, buf, sizeof(buf), &len) == 0) {
		assert_int_equal(len, p->h_seq_rx % 60 + 1);
		assert_true(tcheck(buf, len, 0x1000 + p->h_seq_rx));
		p->h_seq_rx++;
	}
	while (cmshm_ring_read(p->host.rx, buf, sizeof(buf), &len) == 0) {
		assert_int_equal(len, p->r_seq_rx % 50 + 3);
		assert_true(tcheck(buf, len, 0x2000 + p->r_seq_rx));
		p->r_seq_rx++;
	}
	assert_int_equal(p->h_seq_rx, p->h_seq_tx);
	assert_int_equal(p->r_seq_rx, p->r_seq_tx);
}

static void assert_rx_empty(struct lpair *p)
{
	uint8_t buf[64];
	uint32_t len;

	assert_int_equal(cmshm_ring_read(p->host.rx, buf, sizeof(buf), &len),
			 -CMSHM_EAGAIN);
	assert_int_equal(cmshm_ring_read(p->remote.rx, buf, sizeof(buf),
					 &len), -CMSHM_EAGAIN);
}

static void link_handshake(void **state)
{
	struct lpair *p = *state;

	handshake(p, HS1, RS1);
	assert_int_equal(p->hctrl->ack, RS1);
	assert_int_equal(p->rctrl->ack, HS1);
	assert_int_equal(p->rctrl->session, RS1);
	assert_int_equal(p->rctrl->features, CMSHM_FEATURES);
	/* every ring index at 0 */
	assert_int_equal(*p->h_tx.head, 0);
	assert_int_equal(*p->h_tx.tail, 0);
	assert_int_equal(*p->h_rx.head, 0);
	assert_int_equal(*p->h_rx.tail, 0);
	assert_rx_empty(p);
}

static void link_handshake_remote_first(void **state)
{
	struct lpair *p = *state;

	/* the host has only written its header (OFFLINE) */
	cmshm_link_start(&p->remote, RS1);
	assert_int_equal(cmshm_link_update(&p->remote), 0);
	assert_int_equal(p->rctrl->ack, 0);
	cmshm_link_start(&p->host, HS1);
	assert_int_equal(cmshm_link_update(&p->remote), CMSHM_LINK_KICK);
	assert_false(p->remote.up);
	assert_int_equal(cmshm_link_update(&p->host),
			 CMSHM_LINK_KICK | CMSHM_LINK_UP);
	assert_int_equal(cmshm_link_update(&p->remote), CMSHM_LINK_UP);
	assert_int_equal(cmshm_link_update(&p->host), 0);
	assert_int_equal(cmshm_link_update(&p->remote), 0);
	assert_true(p->host.up && p->remote.up);
}

static void link_messages_both_ways(void **state)
{
	struct lpair *p = *state;
	int i;

	handshake(p, HS1, RS1);
	for (i = 0; i < 300; i++) {
		h_send(p, i % 7 + 1);
		r_send(p, i % 5 + 1);
		drain(p);
		assert_int_equal(cmshm_link_update(&p->host), 0);
		assert_int_equal(cmshm_link_update(&p->remote), 0);
	}
	assert_true(p->h_seq_rx > 1000);
	assert_true(p->r_seq_rx > 800);
}

/* Remote restarts with traffic in flight both ways. */
static void link_remote_restart(void **state)
{
	struct lpair *p = *state;
	unsigned int ev, resets = 0, downs = 0, i;
	uint8_t buf[64];
	uint32_t len;

	handshake(p, HS1, RS1);
	h_send(p, 5);
	r_send(p, 5);
	drain(p);
	h_send(p, 4);			/* in flight h2r */
	r_send(p, 3);			/* in flight r2h */

	cmshm_link_start(&p->remote, RS2);
	/*
	 * Before the host notices, the host (still up) gets no old message:
	 * the remote's head went back to 0. The remote is down and must not
	 * read until it is up again (its rx still sees the old host head).
	 */
	assert_int_equal(cmshm_ring_read(p->host.rx, buf, sizeof(buf), &len),
			 -CMSHM_EPROTO);
	assert_true(p->host.up);
	assert_false(p->remote.up);

	ev = cmshm_link_update(&p->host);
	assert_int_equal(ev, CMSHM_LINK_DOWN | CMSHM_LINK_RESET |
			 CMSHM_LINK_KICK);
	assert_false(p->host.up);
	assert_int_equal(p->hctrl->ack, RS2);
	/* host indices reset */
	assert_int_equal(*p->h_tx.head, 0);
	assert_int_equal(*p->h_rx.tail, 0);
	assert_int_equal(p->h_tx.own, 0);
	assert_int_equal(p->h_rx.own, 0);
	assert_int_equal(cmshm_link_update(&p->remote),
			 CMSHM_LINK_KICK | CMSHM_LINK_UP);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_UP);
	for (i = 0; i < 20; i++) {
		ev = cmshm_link_update(&p->host);
		resets += !!(ev & CMSHM_LINK_RESET);
		downs += !!(ev & CMSHM_LINK_DOWN);
		ev = cmshm_link_update(&p->remote);
		resets += !!(ev & CMSHM_LINK_RESET);
	}
	assert_int_equal(resets, 0);
	assert_int_equal(downs, 0);
	/* the in-flight messages are gone, not delivered twice */
	assert_rx_empty(p);
	/* traffic resumes from index 0 with new messages */
	p->h_seq_tx = p->h_seq_rx = p->r_seq_tx = p->r_seq_rx = 100;
	for (i = 0; i < 50; i++) {
		h_send(p, 3);
		r_send(p, 2);
		drain(p);
	}
	assert_int_equal(p->h_seq_rx, 250);
}

/* Remote restarts and acks the host before the host looks. */
static void link_remote_restart_fast(void **state)
{
	struct lpair *p = *state;

	handshake(p, HS1, RS1);
	h_send(p, 3);
	r_send(p, 3);
	cmshm_link_start(&p->remote, RS2);
	assert_int_equal(cmshm_link_update(&p->remote), CMSHM_LINK_KICK);
	assert_false(p->remote.up);
	assert_int_equal(cmshm_link_update(&p->host),
			 CMSHM_LINK_DOWN | CMSHM_LINK_RESET |
			 CMSHM_LINK_KICK | CMSHM_LINK_UP);
	assert_int_equal(cmshm_link_update(&p->host), 0);
	assert_int_equal(cmshm_link_update(&p->remote), CMSHM_LINK_UP);
	assert_int_equal(cmshm_link_update(&p->remote), 0);
	assert_rx_empty(p);
	p->h_seq_tx = p->h_seq_rx = p->r_seq_tx = p->r_seq_rx = 0;
	h_send(p, 10);
	r_send(p, 10);
	drain(p);
}

/* The host restarts: the remote sees RESET once, symmetric to above. */
static void link_host_restart(void **state)
{
	struct lpair *p = *state;

	handshake(p, HS1, RS1);
	h_send(p, 6);
	r_send(p, 6);
	cmshm_link_start(&p->host, HS2);
	assert_int_equal(p->hctrl->ack, 0);
	assert_int_equal(cmshm_link_update(&p->remote),
			 CMSHM_LINK_DOWN | CMSHM_LINK_RESET | CMSHM_LINK_KICK);
	assert_int_equal(cmshm_link_update(&p->remote), 0);
	assert_int_equal(cmshm_link_update(&p->host),
			 CMSHM_LINK_KICK | CMSHM_LINK_UP);
	assert_int_equal(cmshm_link_update(&p->remote), CMSHM_LINK_UP);
	assert_rx_empty(p);
	p->h_seq_tx = p->h_seq_rx = p->r_seq_tx = p->r_seq_rx = 0;
	h_send(p, 10);
	r_send(p, 10);
	drain(p);
}

static void link_peer_offline_down(void **state)
{
	struct lpair *p = *state;

	handshake(p, HS1, RS1);
	cmshm_link_stop(&p->remote, CMSHM_STATE_OFFLINE);
	assert_false(p->remote.up);
	assert_int_equal(p->rctrl->state, CMSHM_STATE_OFFLINE);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_DOWN);
	assert_false(p->host.up);
	assert_int_equal(cmshm_link_update(&p->host), 0);
	/* the remote comes back with a new session: RESET, then up */
	cmshm_link_start(&p->remote, RS2);
	assert_int_equal(cmshm_link_update(&p->host),
			 CMSHM_LINK_RESET | CMSHM_LINK_KICK);
	assert_int_equal(cmshm_link_update(&p->remote),
			 CMSHM_LINK_KICK | CMSHM_LINK_UP);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_UP);
}

static void link_peer_error_down(void **state)
{
	struct lpair *p = *state;

	handshake(p, HS1, RS1);
	cmshm_link_stop(&p->remote, CMSHM_STATE_ERROR);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_DOWN);
	assert_false(p->host.up);
	assert_int_equal(cmshm_link_update(&p->host), 0);
	assert_false(p->host.up);
}

static void link_peer_session_zero(void **state)
{
	struct lpair *p = *state;

	/* a READY peer with session 0 is down and never acknowledged */
	cmshm_link_start(&p->host, HS1);
	p->rctrl->state = CMSHM_STATE_READY;
	p->rctrl->session = 0;
	p->rctrl->ack = HS1;
	assert_int_equal(cmshm_link_update(&p->host), 0);
	assert_int_equal(p->hctrl->ack, 0);
	assert_false(p->host.up);
	/* after an up link, session 0 takes it down */
	handshake(p, HS2, RS1);
	p->rctrl->session = 0;
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_DOWN);
	assert_false(p->host.up);
	assert_int_equal(cmshm_link_update(&p->host), 0);
}

static void link_stale_ram_never_up(void **state)
{
	struct lpair *p = *state;
	unsigned int i, ev;

	/* RAM left over from an earlier boot: READY, acked an old host */
	p->rctrl->state = CMSHM_STATE_READY;
	p->rctrl->session = 0x5a5a5a5au;
	p->rctrl->ack = HS1;
	cmshm_link_start(&p->host, HS2);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_KICK);
	assert_int_equal(p->hctrl->ack, 0x5a5a5a5au);
	for (i = 0; i < 100; i++) {
		ev = cmshm_link_update(&p->host);
		assert_int_equal(ev, 0);
		assert_false(p->host.up);
	}
	/* a real remote starting later brings the link up */
	cmshm_link_start(&p->remote, RS1);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_KICK);
	assert_false(p->host.up);
	assert_int_equal(cmshm_link_update(&p->remote),
			 CMSHM_LINK_KICK | CMSHM_LINK_UP);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_UP);
}

static void link_not_ready_states(void **state)
{
	static const uint32_t st[] = { 0, 0xa5a5a5a5u, CMSHM_STATE_OFFLINE,
				       CMSHM_STATE_ERROR, 0x59444553u };
	struct lpair *p = *state;
	unsigned int i;

	cmshm_link_start(&p->host, HS1);
	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		p->rctrl->state = st[i];
		p->rctrl->session = RS1;
		p->rctrl->ack = HS1;
		assert_int_equal(cmshm_link_update(&p->host), 0);
		assert_int_equal(p->hctrl->ack, 0);
		assert_false(p->host.up);
	}
}

static void link_peer_drops_ack(void **state)
{
	struct lpair *p = *state;

	handshake(p, HS1, RS1);
	p->rctrl->ack = 0;
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_DOWN);
	assert_int_equal(cmshm_link_update(&p->host), 0);
	p->rctrl->ack = HS1;
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_UP);
	assert_true(p->host.up);
}

/* RESET means "an attached peer restarted": once per attached session. */
static void link_restart_before_up(void **state)
{
	struct lpair *p = *state;

	handshake(p, HS1, RS1);
	cmshm_link_start(&p->remote, RS2);
	assert_int_equal(cmshm_link_update(&p->host),
			 CMSHM_LINK_DOWN | CMSHM_LINK_RESET | CMSHM_LINK_KICK);
	/* the remote restarts again before the link came back up */
	cmshm_link_start(&p->remote, RS2 + 1);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_KICK);
	assert_int_equal(p->hctrl->ack, RS2 + 1);
	assert_int_equal(cmshm_link_update(&p->remote),
			 CMSHM_LINK_KICK | CMSHM_LINK_UP);
	assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_UP);
}

/* cmshm_link_peer_unchanged(): classifies an -EPROTO from a ring call. */
static void link_peer_unchanged(void **state)
{
	struct lpair *p = *state;
	uint8_t buf[64];
	uint32_t len;

	handshake(p, HS1, RS1);
	assert_int_equal(cmshm_link_peer_unchanged(&p->host), 1);
	assert_int_equal(cmshm_link_peer_unchanged(&p->remote), 1);
	/* a real protocol violation: the peer is unchanged */
	*p->h_rx.head = 4;
	assert_int_equal(cmshm_ring_read(p->host.rx, buf, sizeof(buf), &len),
			 -CMSHM_EPROTO);
	assert_int_equal(cmshm_link_peer_unchanged(&p->host), 1);
	*p->h_rx.head = 0;
	/* a restart racing with traffic: the index went back to 0 */
	r_send(p, 3);
	drain(p);
	cmshm_link_start(&p->remote, RS2);
	assert_int_equal(cmshm_ring_read(p->host.rx, buf, sizeof(buf), &len),
			 -CMSHM_EPROTO);
	assert_int_equal(cmshm_link_peer_unchanged(&p->host), 0);
	assert_true(cmshm_link_update(&p->host) & CMSHM_LINK_RESET);
	/* going OFFLINE, and a dropped ack, count as changed too */
	handshake(p, HS2, RS1);
	p->rctrl->ack = 0;
	assert_int_equal(cmshm_link_peer_unchanged(&p->host), 0);
	p->rctrl->ack = HS2;
	assert_int_equal(cmshm_link_peer_unchanged(&p->host), 1);
	cmshm_link_stop(&p->remote, CMSHM_STATE_OFFLINE);
	assert_int_equal(cmshm_link_peer_unchanged(&p->host), 0);
	/* it only reads: nothing in shared memory changed */
	assert_int_equal(p->hctrl->ack, RS1);
	assert_int_equal(p->hctrl->session, HS2);
}

static void link_restart_many(void **state)
{
	struct lpair *p = *state;
	unsigned int i, resets = 0, ev;

	handshake(p, HS1, RS1);
	for (i = 1; i <= 50; i++) {
		h_send(p, i % 4 + 1);
		r_send(p, i % 3 + 1);
		if (i % 2)
			drain(p);
		cmshm_link_start(&p->remote, RS1 + i);
		ev = cmshm_link_update(&p->host);
		resets += !!(ev & CMSHM_LINK_RESET);
		assert_int_equal(cmshm_link_update(&p->remote),
				 CMSHM_LINK_KICK | CMSHM_LINK_UP);
		assert_int_equal(cmshm_link_update(&p->host), CMSHM_LINK_UP);
		assert_int_equal(cmshm_link_update(&p->host), 0);
		assert_rx_empty(p);
		p->h_seq_tx = p->h_seq_rx = p->r_seq_tx = p->r_seq_rx = 0;
	}
	assert_int_equal(resets, 50);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(link_handshake),
		T(link_handshake_remote_first),
		T(link_messages_both_ways),
		T(link_remote_restart),
		T(link_remote_restart_fast),
		T(link_host_restart),
		T(link_peer_offline_down),
		T(link_peer_error_down),
		T(link_peer_session_zero),
		T(link_stale_ram_never_up),
		T(link_not_ready_states),
		T(link_peer_drops_ack),
		T(link_restart_before_up),
		T(link_peer_unchanged),
		T(link_restart_many),
	};

	TRUN(tests);
}
