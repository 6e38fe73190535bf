// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the shared-memory access discipline the protocol headers
 * document: which words are read once, which barriers separate which
 * stores, and what is visible in shared memory at every step. The
 * protocol is compiled against trace_port.h (a CMSHM_PORT_HEADER) that
 * logs every access. The cached peer indices: test_port_cache.c.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define CMSHM_PORT_HEADER "trace_port.h"
#include "cmshm_test.h"
#include "trace_query.h"

/*
 * cmshm_header_write() documents that host.state goes OFFLINE before any
 * geometry word changes and that host is written as OFFLINE/0/0. A remote
 * reading concurrently must therefore never see any other host.state or
 * a nonzero host.session/ack. The private header's host block is not
 * filled by cmshm_layout_init(), so it may hold anything (here: the values
 * of an earlier session).
 */
static void header_write_never_publishes_private_host(void **state)
{
	struct tregion *t = *state;
	struct cmshm_header *shared = (struct cmshm_header *)t->base;
	struct cmshm_header h = t->h;
	unsigned int i;

	h.host.state = CMSHM_STATE_READY;
	h.host.session = 0x1234u;
	h.host.ack = 0x5678u;
	tr_reset();
	cmshm_header_write(shared, &h);
	assert_true(tr_n > 0);
	for (i = 0; i < tr_n; i++) {
		if (tr_log[i].kind != TR_STORE)
			continue;
		if (tr_log[i].addr == &shared->host.state)
			assert_int_equal(tr_log[i].value, CMSHM_STATE_OFFLINE);
		if (tr_log[i].addr == &shared->host.session ||
		    tr_log[i].addr == &shared->host.ack)
			assert_int_equal(tr_log[i].value, 0);
	}
}

static void header_write_offline_first(void **state)
{
	struct tregion *t = *state;
	struct cmshm_header *shared = (struct cmshm_header *)t->base;
	int first_store, wmb, magic;

	tr_reset();
	cmshm_header_write(shared, &t->h);
	first_store = tr_find(TR_STORE, NULL, 0);
	assert_int_equal(first_store, 0);
	assert_ptr_equal(tr_log[0].addr, &shared->host.state);
	assert_int_equal(tr_log[0].value, CMSHM_STATE_OFFLINE);
	wmb = tr_find(TR_WMB, NULL, 0);
	magic = tr_find(TR_STORE, &shared->magic, 0);
	assert_true(wmb > 0 && magic > wmb);
	/* the final words are followed by a wmb and a clean of the header */
	assert_true(tr_last(TR_WMB, NULL) > tr_last(TR_STORE, NULL));
	assert_true(tr_last(TR_CLEAN, shared) > tr_last(TR_WMB, NULL));
	/* only the header is written */
	for (unsigned int i = 0; i < tr_n; i++)
		if (tr_log[i].kind == TR_STORE)
			assert_true((const volatile uint8_t *)tr_log[i].addr <
				    t->base + sizeof(*shared));
}

static void header_read_each_word_once(void **state)
{
	struct tregion *t = *state;
	const uint32_t *w = (const uint32_t *)t->base;
	struct cmshm_header copy;
	unsigned int i;

	tr_reset();
	cmshm_header_read(&copy, (const struct cmshm_header *)t->base);
	assert_int_equal(tr_count(TR_LOAD, NULL), sizeof(copy) / 4);
	for (i = 0; i < sizeof(copy) / 4; i++)
		assert_int_equal(tr_count(TR_LOAD, &w[i]), 1);
	assert_true(tr_last(TR_RMB, NULL) > tr_last(TR_LOAD, NULL));
	assert_int_equal(tr_find(TR_INVAL, t->base, 0), 0);
	assert_int_equal(tr_count(TR_STORE, NULL), 0);
}

static void ring_reserve_loads_tail_once_then_acquire(void **state)
{
	struct tregion *t = *state;
	void *p;
	int ld, acq, st;

	tring_set_index(t, 240);	/* forces a pad */
	/* a cached tail 232 bytes behind: too little room, so it loads */
	t->prod.peer = 8;
	tr_reset();
	assert_int_equal(cmshm_ring_reserve(&t->prod, 20, &p), 0);
	assert_int_equal(t->prod.peer, 240);
	assert_int_equal(tr_count(TR_LOAD, t->prod.tail), 1);
	assert_int_equal(tr_count(TR_LOAD, NULL), 1);
	ld = tr_find(TR_LOAD, t->prod.tail, 0);
	acq = tr_find(TR_ACQ, NULL, ld);
	st = tr_find(TR_STORE, NULL, 0);
	/* the consumer's reads of freed space before our writes to it */
	assert_true(ld >= 0 && acq > ld && st > acq);
	/* an acquire fence, no full barrier */
	assert_int_equal(tr_count(TR_ACQ, NULL), 1);
	assert_int_equal(tr_count(TR_MB, NULL), 0);
	/* nothing published by reserve */
	assert_int_equal(tr_count(TR_STORE, t->prod.head), 0);
	/* pad word, len, flags */
	assert_int_equal(tr_count(TR_STORE, NULL), 3);
	assert_int_equal(tr_count(TR_STORE, tring_word(t, 240)), 1);
}

static void ring_commit_wmb_before_head(void **state)
{
	struct tregion *t = *state;
	void *p;
	int head, wmb, clean;

	assert_int_equal(cmshm_ring_reserve(&t->prod, 20, &p), 0);
	memset(p, 1, 20);
	tr_reset();
	cmshm_ring_commit(&t->prod);
	head = tr_find(TR_STORE, t->prod.head, 0);
	assert_true(head >= 0);
	assert_int_equal(tr_count(TR_STORE, NULL), 1);
	assert_int_equal(tr_log[head].value, 32);
	wmb = tr_find(TR_WMB, NULL, 0);
	assert_true(wmb >= 0 && wmb < head);
	/* the record was cleaned before the barrier, the head after */
	clean = tr_find(TR_CLEAN, t->prod.data, 0);
	assert_true(clean >= 0 && clean < wmb);
	assert_true(tr_log[clean].value >= 32);
	assert_true(tr_find(TR_CLEAN, t->prod.head, head) > head);
}

static void ring_commit_after_pad_cleans_record(void **state)
{
	struct tregion *t = *state;
	void *p;
	int clean;

	tring_set_index(t, 240);
	assert_int_equal(cmshm_ring_reserve(&t->prod, 20, &p), 0);
	tr_reset();
	cmshm_ring_commit(&t->prod);
	/* the record lies at [0, 32): that range is cleaned */
	clean = tr_find(TR_CLEAN, t->prod.data, 0);
	assert_true(clean >= 0);
	assert_int_equal(tr_log[clean].value, 32);
	assert_int_equal(*t->prod.head, 240 + 16 + 32);
}

static void ring_peek_loads_once_rmb_first(void **state)
{
	struct tregion *t = *state;
	const void *p;
	uint32_t len;
	int hd, rmb, lw;

	tring_set_index(t, 240);
	assert_int_equal(cmshm_ring_write(&t->prod, "abcdefghijklmnopqrst", 20),
			 0);
	tr_reset();
	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), 0);
	assert_int_equal(len, 20);
	assert_int_equal(tr_count(TR_LOAD, t->cons.head), 1);
	assert_int_equal(tr_count(TR_LOAD, tring_word(t, 240)), 1);
	assert_int_equal(tr_count(TR_LOAD, tring_word(t, 0)), 1);
	assert_int_equal(tr_count(TR_LOAD, NULL), 3);
	hd = tr_find(TR_LOAD, t->cons.head, 0);
	rmb = tr_find(TR_RMB, NULL, hd);
	lw = tr_find(TR_LOAD, tring_word(t, 240), 0);
	assert_true(hd >= 0 && rmb > hd && lw > rmb);
	assert_int_equal(tr_count(TR_STORE, NULL), 0);
}

static void ring_release_fence_before_tail(void **state)
{
	struct tregion *t = *state;
	const void *p;
	uint32_t len;
	int rel, st;

	assert_int_equal(cmshm_ring_write(&t->prod, "xy", 2), 0);
	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), 0);
	tr_reset();
	cmshm_ring_release(&t->cons);
	rel = tr_find(TR_REL, NULL, 0);
	st = tr_find(TR_STORE, t->cons.tail, 0);
	/* our reads of the record before the store that frees it */
	assert_true(rel >= 0 && st > rel);
	assert_int_equal(tr_log[st].value, 16);
	assert_int_equal(tr_count(TR_STORE, NULL), 1);
	/* a release fence, no full barrier */
	assert_int_equal(tr_count(TR_REL, NULL), 1);
	assert_int_equal(tr_count(TR_MB, NULL), 0);
}

struct lsetup {
	struct cmshm_ring tx, rx;
	struct cmshm_link l;
	struct cmshm_ctrl *peer;
};

static void lsetup_host(struct tregion *t, struct lsetup *s)
{
	struct cmshm_header *hdr = (struct cmshm_header *)t->base;

	cmshm_ring_init(&s->tx, t->base, &t->h.h2r);
	cmshm_ring_init(&s->rx, t->base, &t->h.r2h);
	s->peer = (struct cmshm_ctrl *)(t->base + t->h.remote_ctrl);
	s->l.own = &hdr->host;
	s->l.peer = s->peer;
	s->l.tx = &s->tx;
	s->l.rx = &s->rx;
}

static void link_start_order(void **state)
{
	struct tregion *t = *state;
	struct lsetup s;
	int off, wmb1, rst_h, rst_t, ack, ses, wmb2, rdy, mb;

	lsetup_host(t, &s);
	tr_reset();
	cmshm_link_start(&s.l, 42);
	off = tr_find(TR_STORE, &s.l.own->state, 0);
	assert_int_equal(off, 0);
	assert_int_equal(tr_log[off].value, CMSHM_STATE_OFFLINE);
	wmb1 = tr_find(TR_WMB, NULL, off);
	rst_h = tr_find(TR_STORE, s.tx.head, 0);
	rst_t = tr_find(TR_STORE, s.rx.tail, 0);
	ack = tr_find(TR_STORE, &s.l.own->ack, 0);
	ses = tr_find(TR_STORE, &s.l.own->session, 0);
	wmb2 = tr_find(TR_WMB, NULL, wmb1 + 1);
	rdy = tr_find(TR_STORE, &s.l.own->state, off + 1);
	mb = tr_find(TR_MB, NULL, rdy);
	assert_true(wmb1 > off);
	assert_true(rst_h > wmb1 && rst_t > wmb1 && ack > wmb1 && ses > wmb1);
	assert_true(wmb2 > rst_h && wmb2 > rst_t && wmb2 > ack && wmb2 > ses);
	assert_true(rdy > wmb2);
	assert_int_equal(tr_log[rdy].value, CMSHM_STATE_READY);
	assert_true(mb > rdy);
	assert_int_equal(tr_log[ses].value, 42);
	assert_int_equal(tr_log[ack].value, 0);
	/* the peer's indices and ctrl are never written */
	assert_int_equal(tr_count(TR_STORE, s.tx.tail), 0);
	assert_int_equal(tr_count(TR_STORE, s.rx.head), 0);
	assert_int_equal(tr_count(TR_STORE, &s.peer->state), 0);
}

static void link_update_reads_once_resets_before_ack(void **state)
{
	struct tregion *t = *state;
	struct lsetup s;
	int st, se, se2, ak, rmb, rmb2, rh, rt, wmb, ackst;

	lsetup_host(t, &s);
	cmshm_link_start(&s.l, 42);
	s.peer->state = CMSHM_STATE_READY;
	s.peer->session = 77;
	s.peer->ack = 0;
	tr_reset();
	assert_int_equal(cmshm_link_update(&s.l), CMSHM_LINK_KICK);
	/* session, rmb, state and ack, rmb, session again */
	assert_int_equal(tr_count(TR_LOAD, &s.peer->state), 1);
	assert_int_equal(tr_count(TR_LOAD, &s.peer->session), 2);
	assert_int_equal(tr_count(TR_LOAD, &s.peer->ack), 1);
	assert_int_equal(tr_count(TR_LOAD, NULL), 4);
	se = tr_find(TR_LOAD, &s.peer->session, 0);
	st = tr_find(TR_LOAD, &s.peer->state, 0);
	ak = tr_find(TR_LOAD, &s.peer->ack, 0);
	se2 = tr_find(TR_LOAD, &s.peer->session, se + 1);
	rmb = tr_find(TR_RMB, NULL, 0);
	rmb2 = tr_find(TR_RMB, NULL, rmb + 1);
	assert_true(se < rmb && rmb < st && rmb < ak);
	assert_true(st < rmb2 && ak < rmb2 && rmb2 < se2);
	rmb = rmb2;
	rh = tr_find(TR_STORE, s.tx.head, 0);
	rt = tr_find(TR_STORE, s.rx.tail, 0);
	ackst = tr_find(TR_STORE, &s.l.own->ack, 0);
	wmb = tr_find(TR_WMB, NULL, rmb);
	assert_true(rh > rmb && rt > rmb);
	assert_true(wmb > rh && wmb > rt && ackst > wmb);
	assert_int_equal(tr_log[ackst].value, 77);
	assert_true(tr_between(TR_MB, ackst, (int)tr_n));
	/* a second update with nothing new writes nothing */
	tr_reset();
	assert_int_equal(cmshm_link_update(&s.l), 0);
	assert_int_equal(tr_count(TR_STORE, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(header_write_never_publishes_private_host),
		T(header_write_offline_first),
		T(header_read_each_word_once),
		T(ring_reserve_loads_tail_once_then_acquire),
		T(ring_commit_wmb_before_head),
		T(ring_commit_after_pad_cleans_record),
		T(ring_peek_loads_once_rmb_first),
		T(ring_release_fence_before_tail),
		T(link_start_order),
		T(link_update_reads_once_resets_before_ack),
	};

	TRUN(tests);
}
