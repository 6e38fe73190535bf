// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the rings' cached peer indices, on the access log of
 * trace_port.h (a CMSHM_PORT_HEADER that logs every access): a peer index
 * is loaded only when the cached one is used up, each load validated and
 * followed by its barrier, and a corrupted index is found by the first
 * call that loads it. The publish and consume orders: test_port_order.c.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define CMSHM_PORT_HEADER "trace_port.h"
#include "cmshm_test.h"
#include "trace_query.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			ring_stream_loads_peer_index_rarely, setup_stream,
			teardown),
		T(ring_can_write_loads_tail_when_short),
		T(ring_peek_pad_only_loads_head_again),
		T(ring_bad_tail_found_by_first_load),
		T(ring_bad_head_found_by_first_load),
	};

	TRUN(tests);
}
