// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the shared-memory access discipline the protocol headers
 * document: which words are read once, which barriers separate which
 * stores, and what is visible in shared memory at every step. The
 * protocol is compiled against trace_port.h (a CMSHM_PORT_HEADER) that
 * logs every access.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define CMSHM_PORT_HEADER "trace_port.h"
#include "cmshm_test.h"

static void tr_reset(void)
{
	tr_n = 0;
}

/* First event of @kind (at @addr unless NULL) at or after @from, or -1. */
static int tr_find(enum tr_kind kind, const volatile void *addr, int from)
{
	int i;

	assert_true(tr_n <= TR_MAX);
	for (i = from < 0 ? 0 : from; i < (int)tr_n; i++)
		if (tr_log[i].kind == kind && (!addr || tr_log[i].addr == addr))
			return i;
	return -1;
}

static int tr_last(enum tr_kind kind, const volatile void *addr)
{
	int i;

	for (i = (int)tr_n - 1; i >= 0; i--)
		if (tr_log[i].kind == kind && (!addr || tr_log[i].addr == addr))
			return i;
	return -1;
}

static unsigned int tr_count(enum tr_kind kind, const volatile void *addr)
{
	unsigned int i, n = 0;

	assert_true(tr_n <= TR_MAX);
	for (i = 0; i < tr_n; i++)
		if (tr_log[i].kind == kind && (!addr || tr_log[i].addr == addr))
			n++;
	return n;
}

/* Is there an event of @kind strictly between @a and @b? */
static int tr_between(enum tr_kind kind, int a, int b)
{
	int i = tr_find(kind, NULL, a + 1);

	return a >= 0 && i > a && i < b;
}

static int setup(void **state)
{
	*state = tregion_small();
	return 0;
}

static int teardown(void **state)
{
	tregion_free(*state);
	return 0;
}

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

/*
 * A peer index is loaded again only when the cached value is used up. A
 * stream of 8-byte messages in batches through a 4 KiB ring (256 records
 * of 16 bytes): the consumer loads head once per batch (its first peek
 * finds everything up to the cached head consumed), the producer loads
 * tail once per lap (when the room left by its cached tail is gone), each
 * load followed by its barrier. Without the cache both are loaded by
 * every call.
 */
#define STREAM_MSGS	1024u
#define STREAM_BATCH	8u
#define STREAM_RING	4096u

static int setup_stream(void **state)
{
	*state = tregion_new(16384, 64, STREAM_RING, 64);
	return 0;
}

static void ring_stream_loads_peer_index_rarely(void **state)
{
	struct tregion *t = *state;
	uint32_t i, k, len, seq = 0, rseq = 0;
	uint8_t in[8], out[8];
	unsigned int heads, tails;

	tr_reset();
	for (i = 0; i < STREAM_MSGS; i += STREAM_BATCH) {
		for (k = 0; k < STREAM_BATCH; k++) {
			tfill(in, sizeof(in), seq++);
			assert_int_equal(cmshm_ring_write(&t->prod, in, 8), 0);
		}
		for (k = 0; k < STREAM_BATCH; k++) {
			assert_int_equal(cmshm_ring_read(&t->cons, out, 8,
							 &len), 0);
			assert_int_equal(len, 8);
			assert_true(tcheck(out, 8, rseq++));
		}
	}
	assert_int_equal(cmshm_ring_read(&t->cons, out, 8, &len),
			 -CMSHM_EAGAIN);
	heads = tr_count(TR_LOAD, t->cons.head);
	tails = tr_count(TR_LOAD, t->prod.tail);
	/* once per batch, and once more by the read that found it empty */
	assert_int_equal(heads, STREAM_MSGS / STREAM_BATCH + 1);
	/* at messages 257, 513 and 769 */
	assert_int_equal(tails, STREAM_MSGS / (STREAM_RING / 16u) - 1u);
	/* each load still has its barrier, and only then */
	assert_int_equal(tr_count(TR_RMB, NULL), heads);
	assert_int_equal(tr_count(TR_ACQ, NULL), tails);
	assert_int_equal(tr_count(TR_WMB, NULL), STREAM_MSGS);
	assert_int_equal(tr_count(TR_REL, NULL), STREAM_MSGS);
	assert_int_equal(tr_count(TR_MB, NULL), 0);
}

/*
 * cmshm_ring_can_write() (poll()) loads the tail only when the room left
 * by the cached tail is too small for the message.
 */
static void ring_can_write_loads_tail_when_short(void **state)
{
	struct tregion *t = *state;	/* 256-byte ring, max_msg 120 */
	uint8_t buf[8] = { 0 };
	uint32_t len, i;

	assert_int_equal(cmshm_ring_write(&t->prod, buf, 8), 0);
	tr_reset();
	assert_int_equal(cmshm_ring_can_write(&t->prod, t->prod.max_msg), 1);
	assert_int_equal(tr_count(TR_LOAD, NULL), 0);
	/* 144 bytes used: a 128-byte record no longer fits the cached room */
	for (i = 0; i < 8; i++)
		assert_int_equal(cmshm_ring_write(&t->prod, buf, 8), 0);
	tr_reset();
	assert_int_equal(cmshm_ring_can_write(&t->prod, t->prod.max_msg), 0);
	assert_int_equal(tr_count(TR_LOAD, t->prod.tail), 1);
	assert_int_equal(tr_count(TR_LOAD, NULL), 1);
	assert_true(tr_find(TR_ACQ, NULL, 0) > tr_find(TR_LOAD, NULL, 0));
	/* a small one still fits the cached room: no load */
	tr_reset();
	assert_int_equal(cmshm_ring_can_write(&t->prod, 8), 1);
	assert_int_equal(tr_count(TR_LOAD, NULL), 0);
	/* the consumer frees everything: the next look loads it, once */
	while (!cmshm_ring_read(&t->cons, buf, sizeof(buf), &len))
		;
	tr_reset();
	assert_int_equal(cmshm_ring_can_write(&t->prod, t->prod.max_msg), 1);
	assert_int_equal(cmshm_ring_can_write(&t->prod, t->prod.max_msg), 1);
	assert_int_equal(tr_count(TR_LOAD, t->prod.tail), 1);
	assert_int_equal(t->prod.peer, 144);
}

/*
 * A head that covers only a pad (a peer may publish one alone) is an empty
 * ring for now, and the cached head is used up: every peek loads it again
 * (the first one twice: the head it loads covers only the pad too) until
 * the record after the pad arrives. Not loading it would report an empty
 * ring forever.
 */
static void ring_peek_pad_only_loads_head_again(void **state)
{
	struct tregion *t = *state;	/* 256-byte ring */
	const void *p;
	uint32_t len;

	tring_set_index(t, 240);
	*tring_word(t, 240) = CMSHM_REC_PAD;
	*t->cons.head = 256;
	tr_reset();
	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), -CMSHM_EAGAIN);
	assert_int_equal(tr_count(TR_LOAD, t->cons.head), 2);
	assert_int_equal(t->cons.peer, 256);
	tr_reset();
	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), -CMSHM_EAGAIN);
	assert_int_equal(tr_count(TR_LOAD, t->cons.head), 1);
	assert_int_equal(tr_count(TR_STORE, NULL), 0);
	/* the record at 0 arrives */
	*tring_word(t, 0) = 5;
	*tring_word(t, 4) = 0;
	*t->cons.head = 256 + 16;
	tr_reset();
	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), 0);
	assert_int_equal(len, 5);
	assert_ptr_equal(p, t->cons.data + CMSHM_REC_HDR_SIZE);
	assert_int_equal(tr_count(TR_LOAD, t->cons.head), 1);
	cmshm_ring_release(&t->cons);
	assert_int_equal(*t->cons.tail, 256 + 16);
}

/*
 * Make @call on @r (a producer's write or a consumer's read) until one
 * loads @idx, the peer index corrupted by the caller: the calls before it
 * must succeed (they use the cached copy, which is a value validated
 * earlier), the one that loads it must return -CMSHM_EPROTO having loaded
 * nothing else, stored nothing and kept @r's private index.
 *
 * Return: the calls that succeeded before.
 */
static unsigned int calls_until_load(int (*call)(struct tregion *),
				     struct tregion *t, struct cmshm_ring *r,
				     const uint32_t *idx)
{
	unsigned int ok = 0;
	uint32_t own;
	int err;

	for (;;) {
		assert_true(ok < 16);
		own = r->own;
		tr_reset();
		err = call(t);
		if (tr_count(TR_LOAD, idx))
			break;
		assert_int_equal(err, 0);
		ok++;
	}
	assert_int_equal(err, -CMSHM_EPROTO);
	assert_int_equal(tr_count(TR_LOAD, NULL), 1);
	assert_int_equal(tr_count(TR_STORE, NULL), 0);
	assert_int_equal(r->own, own);
	assert_int_equal(r->pending, 0);
	return ok;
}

/* One message of 24 bytes, its first byte the message number. */
static uint8_t msg_no;

static int write_24(struct tregion *t)
{
	uint8_t buf[24] = { msg_no };
	int err = cmshm_ring_write(&t->prod, buf, sizeof(buf));

	msg_no += !err;
	return err;
}

static int read_24(struct tregion *t)
{
	uint8_t buf[24] = { 0xff };
	uint32_t len;
	int err = cmshm_ring_read(&t->cons, buf, sizeof(buf), &len);

	if (!err) {
		assert_int_equal(len, 24);
		assert_int_equal(buf[0], msg_no);
		msg_no++;
	}
	return err;
}

/* @n calls of @call that succeed, the messages numbered from 0. */
static void calls_from_0(int (*call)(struct tregion *), struct tregion *t,
			 unsigned int n)
{
	msg_no = 0;
	while (n--)
		assert_int_equal(call(t), 0);
}

/*
 * A corrupted tail is found by the first call that loads it: the calls
 * before it use the cached tail (the room the consumer really freed) and
 * succeed without loading; the first one that needs more room loads it,
 * returns -CMSHM_EPROTO and stores nothing; so does every later one.
 */
static void ring_bad_tail_found_by_first_load(void **state)
{
	struct tregion *t = *state;	/* 256-byte ring */
	uint32_t head;

	/* 4 records of 32 bytes, consumed; the producer's cache: tail 0 */
	calls_from_0(write_24, t, 4);
	calls_from_0(read_24, t, 4);
	*t->prod.tail = 0x1234567u;	/* unaligned, beyond our head */
	/* the 4 records of cached room, then the first load */
	assert_int_equal(calls_until_load(write_24, t, &t->prod, t->prod.tail),
			 4);
	head = *t->prod.head;
	assert_int_equal(head, 256);
	assert_int_equal(t->prod.peer, 0);
	tr_reset();
	assert_int_equal(cmshm_ring_can_write(&t->prod, 1), -CMSHM_EPROTO);
	assert_int_equal(write_24(t), -CMSHM_EPROTO);
	assert_int_equal(tr_count(TR_LOAD, t->prod.tail), 2);
	assert_int_equal(tr_count(TR_STORE, NULL), 0);
	assert_int_equal(*t->prod.head, head);
}

/*
 * The same for the consumer: the messages below the cached head are
 * delivered without loading it; the first peek after them loads the
 * corrupted head, returns -CMSHM_EPROTO and consumes nothing.
 */
static void ring_bad_head_found_by_first_load(void **state)
{
	struct tregion *t = *state;	/* 256-byte ring */
	uint32_t len;

	calls_from_0(write_24, t, 4);
	/* the first read loads head 128: 4 records cached */
	calls_from_0(read_24, t, 1);
	assert_int_equal(t->cons.peer, 128);
	*t->cons.head = 132;		/* unaligned */
	assert_int_equal(calls_until_load(read_24, t, &t->cons, t->cons.head),
			 3);
	assert_int_equal(*t->cons.tail, 128);
	assert_int_equal(t->cons.peer, 128);
	tr_reset();
	assert_int_equal(cmshm_ring_peek(&t->cons, &(const void *){ NULL },
					 &len), -CMSHM_EPROTO);
	assert_int_equal(tr_count(TR_LOAD, t->cons.head), 1);
	assert_int_equal(tr_count(TR_STORE, NULL), 0);
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

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

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
		cmocka_unit_test_setup_teardown(
			ring_stream_loads_peer_index_rarely, setup_stream,
			teardown),
		T(ring_can_write_loads_tail_when_short),
		T(ring_peek_pad_only_loads_head_again),
		T(ring_bad_tail_found_by_first_load),
		T(ring_bad_head_found_by_first_load),
		T(link_start_order),
		T(link_update_reads_once_resets_before_ack),
	};

	TRUN(tests);
}
