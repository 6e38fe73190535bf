// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of the validation of peer-written words in cmshm_ring.h.
 * Each test corrupts one peer value and checks that the call returns
 * -CMSHM_EPROTO and that nothing was consumed or published: the private
 * index, the shared index this side writes and (producer) the data area
 * are unchanged. A side loads the peer's index only when its cached copy
 * is used up, so each test puts the side where the call must load it
 * (test_port_cache.c checks that the calls before do not).
 *
 * All tests use a 256-byte ring (max_msg 120).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_test.h"

#define RING	256u

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
 * Consumer side: put both views at index @idx (empty), then let the test
 * write records and head by hand.
 */
static void cons_at(struct tregion *t, uint32_t idx)
{
	tring_set_index(t, idx);
}

static void put_rec(struct tregion *t, uint32_t idx, uint32_t len)
{
	*tring_word(t, idx) = len;
	*tring_word(t, idx + 4) = 0;
}

/* peek, read and a blind release all fail/consume nothing. */
static void cons_expect_eproto(struct tregion *t)
{
	uint32_t own = t->cons.own, tail = *t->cons.tail;
	uint32_t head = *t->cons.head, len = 0xdeadu;
	const void *p = NULL;
	uint8_t buf[RING];

	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), -CMSHM_EPROTO);
	assert_null(p);
	assert_int_equal(len, 0xdeadu);
	assert_int_equal(t->cons.own, own);
	assert_int_equal(t->cons.pending, 0);
	assert_int_equal(*t->cons.tail, tail);
	memset(buf, 0x3c, sizeof(buf));
	assert_int_equal(cmshm_ring_read(&t->cons, buf, sizeof(buf), &len),
			 -CMSHM_EPROTO);
	assert_int_equal(buf[0], 0x3c);
	assert_int_equal(t->cons.own, own);
	assert_int_equal(*t->cons.tail, tail);
	/* a caller that releases anyway still consumes nothing */
	cmshm_ring_release(&t->cons);
	assert_int_equal(t->cons.own, own);
	assert_int_equal(*t->cons.tail, tail);
	/* and the consumer never writes the producer's index */
	assert_int_equal(*t->cons.head, head);
	/* the error is stable */
	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), -CMSHM_EPROTO);
}

static void cons_head_unaligned(void **state)
{
	struct tregion *t = *state;

	cons_at(t, 24);
	put_rec(t, 24, 8);
	*t->cons.head = 24 + 16 + 4;
	cons_expect_eproto(t);
	*t->cons.head = 24 + 4;
	cons_expect_eproto(t);
	/* control: the aligned head is accepted */
	*t->cons.head = 24 + 16;
	assert_int_equal(cmshm_ring_read(&t->cons, (uint8_t[8]){ 0 }, 8,
					 &(uint32_t){ 0 }), 0);
}

static void cons_head_too_far(void **state)
{
	struct tregion *t = *state;
	uint32_t i;

	cons_at(t, 24);
	/* valid records fill the ring: 16 records of 16 bytes */
	for (i = 0; i < RING; i += 16)
		put_rec(t, 24 + i, 8);
	*t->cons.head = 24 + RING + 8;
	cons_expect_eproto(t);
	*t->cons.head = 0x80000000u;
	cons_expect_eproto(t);
	/* a head behind our tail is "too far" in modular arithmetic */
	*t->cons.head = 16;
	cons_expect_eproto(t);
	/* control: exactly size bytes ahead is a full ring */
	*t->cons.head = 24 + RING;
	assert_int_equal(cmshm_ring_peek(&t->cons, &(const void *){ NULL },
					 &(uint32_t){ 0 }), 0);
}

static void cons_head_backwards(void **state)
{
	struct tregion *t = *state;
	const void *p;
	uint32_t len, i;

	cons_at(t, 24);
	put_rec(t, 24, 8);
	put_rec(t, 40, 8);
	put_rec(t, 56, 8);
	*t->cons.head = 24 + 48;
	for (i = 0; i < 3; i++)
		assert_int_equal(cmshm_ring_read(&t->cons, (uint8_t[8]){ 0 },
						 8, &len), 0);
	assert_int_equal(t->cons.peer, 72);
	/* all consumed: the next peek loads head, which moved back */
	*t->cons.head = 48;
	cons_expect_eproto(t);
	*t->cons.head = 24;
	cons_expect_eproto(t);
	/*
	 * Only a pad left below the cached head (position 240, head 256):
	 * the next peek loads head, and one that moved back to 248 is still
	 * ahead of our tail, but backwards.
	 */
	cons_at(t, 240);
	put_rec(t, 240, CMSHM_REC_PAD);
	*t->cons.head = 256;
	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), -CMSHM_EAGAIN);
	assert_int_equal(t->cons.peer, 256);
	*t->cons.head = 248;
	cons_expect_eproto(t);
	/* control: the same or a later head is fine */
	*t->cons.head = 256;
	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), -CMSHM_EAGAIN);
	put_rec(t, 0, 8);
	*t->cons.head = 256 + 16;
	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), 0);
	assert_int_equal(len, 8);
}

static void cons_len_zero(void **state)
{
	struct tregion *t = *state;

	cons_at(t, 24);
	put_rec(t, 24, 0);
	*t->cons.head = 24 + 16;
	cons_expect_eproto(t);
}

static void cons_len_too_big(void **state)
{
	struct tregion *t = *state;

	cons_at(t, 0);
	put_rec(t, 0, t->cons.max_msg + 1);
	*t->cons.head = RING;
	cons_expect_eproto(t);
	put_rec(t, 0, 0xfffffffeu);	/* near the pad value, overflows rec */
	cons_expect_eproto(t);
	put_rec(t, 0, 0x7ffffff9u);
	cons_expect_eproto(t);
	/* control: the largest valid len is accepted (head unchanged) */
	put_rec(t, 0, t->cons.max_msg);
	assert_int_equal(cmshm_ring_peek(&t->cons, &(const void *){ NULL },
					 &(uint32_t){ 0 }), 0);
}

static void cons_record_crosses_end(void **state)
{
	struct tregion *t = *state;

	/* position 240: 16 bytes to the end; a 24-byte record crosses it */
	cons_at(t, 0x1000u + 240);
	put_rec(t, 240, 16);
	*t->cons.head = 0x1000u + 240 + 24;
	cons_expect_eproto(t);
	/* also with the largest message at the last slot */
	cons_at(t, 248);
	put_rec(t, 248, t->cons.max_msg);
	*t->cons.head = 248 + RING / 2;
	cons_expect_eproto(t);
}

static void cons_record_beyond_head(void **state)
{
	struct tregion *t = *state;

	cons_at(t, 24);
	put_rec(t, 24, 100);		/* 112-byte record */
	*t->cons.head = 24 + 16;
	cons_expect_eproto(t);
	/* the cached head stays (fail closed): start again for each value */
	cons_at(t, 24);
	*t->cons.head = 24 + 104;	/* one slot short */
	cons_expect_eproto(t);
	cons_at(t, 24);
	*t->cons.head = 24 + 112;
	assert_int_equal(cmshm_ring_peek(&t->cons, &(const void *){ NULL },
					 &(uint32_t){ 0 }), 0);
}

static void cons_pad_at_zero(void **state)
{
	struct tregion *t = *state;

	cons_at(t, RING);		/* position 0 */
	put_rec(t, 0, CMSHM_REC_PAD);
	put_rec(t, 8, 8);
	*t->cons.head = RING + 32;
	cons_expect_eproto(t);
	/* also when the skip it implies (a whole ring) is not beyond head */
	cons_at(t, RING);
	*t->cons.head = RING + RING;
	cons_expect_eproto(t);
}

static void cons_pad_beyond_head(void **state)
{
	struct tregion *t = *state;

	cons_at(t, 240);
	put_rec(t, 240, CMSHM_REC_PAD);	/* skip 16 bytes */
	put_rec(t, 0, 8);
	*t->cons.head = 240 + 8;	/* head inside the skipped area */
	cons_expect_eproto(t);
}

static void cons_pad_then_pad(void **state)
{
	struct tregion *t = *state;

	cons_at(t, 240);
	put_rec(t, 240, CMSHM_REC_PAD);
	put_rec(t, 0, CMSHM_REC_PAD);
	put_rec(t, 8, 8);
	*t->cons.head = 240 + 16 + 32;
	cons_expect_eproto(t);
}

static void cons_pad_then_bad_len(void **state)
{
	struct tregion *t = *state;

	cons_at(t, 240);
	put_rec(t, 240, CMSHM_REC_PAD);
	put_rec(t, 0, 0);
	*t->cons.head = 240 + 16 + 16;
	cons_expect_eproto(t);
	put_rec(t, 0, 40);		/* 48-byte record, head 16 past pad */
	cons_expect_eproto(t);
	/* control: a good record after the pad is delivered */
	put_rec(t, 0, 8);
	{
		uint8_t buf[8];
		uint32_t len;

		assert_int_equal(cmshm_ring_read(&t->cons, buf, 8, &len), 0);
		assert_int_equal(len, 8);
		assert_int_equal(t->cons.own, 240 + 16 + 16);
	}
}

/*
 * Producer side: the producer wrote 10 records of 24 bytes (own 240), the
 * consumer released one (tail 24) and the producer has seen it: the room
 * its cached tail leaves is 40 bytes, too little for a maximum-size
 * message (128 bytes after a 16-byte pad), so a call for one loads the
 * tail.
 */
static void prod_prepare(struct tregion *t)
{
	uint8_t buf[16];
	uint32_t len;
	int i;

	memset(buf, 0x77, sizeof(buf));
	for (i = 0; i < 10; i++)
		assert_int_equal(cmshm_ring_write(&t->prod, buf, 16), 0);
	assert_int_equal(cmshm_ring_read(&t->cons, buf, 16, &len), 0);
	assert_int_equal(*t->prod.tail, 24);
	assert_int_equal(cmshm_ring_can_write(&t->prod, 16), 1);
	assert_int_equal(t->prod.peer, 24);
	assert_int_equal(t->prod.own, 240);
}

static void prod_expect_eproto(struct tregion *t)
{
	uint32_t own = t->prod.own, head = *t->prod.head;
	uint32_t tail = *t->prod.tail, peer = t->prod.peer;
	uint32_t max = t->prod.max_msg;
	uint8_t snap[RING], buf[RING / 2];
	void *p = NULL;

	memset(buf, 0x3c, sizeof(buf));
	memcpy(snap, t->prod.data, RING);
	assert_int_equal(cmshm_ring_reserve(&t->prod, max, &p), -CMSHM_EPROTO);
	assert_null(p);
	assert_int_equal(t->prod.pending, 0);
	assert_int_equal(t->prod.peer, peer);
	assert_int_equal(cmshm_ring_can_write(&t->prod, max), -CMSHM_EPROTO);
	assert_int_equal(cmshm_ring_write(&t->prod, buf, max), -CMSHM_EPROTO);
	assert_int_equal(t->prod.own, own);
	assert_int_equal(*t->prod.head, head);
	assert_int_equal(*t->prod.tail, tail);
	assert_memory_equal(snap, t->prod.data, RING);
	/* a commit after the failure publishes nothing */
	cmshm_ring_commit(&t->prod);
	assert_int_equal(t->prod.own, own);
	assert_int_equal(*t->prod.head, head);
}

static void prod_tail_unaligned(void **state)
{
	struct tregion *t = *state;

	prod_prepare(t);
	*t->prod.tail = 28;
	prod_expect_eproto(t);
	*t->prod.tail = 25;
	prod_expect_eproto(t);
}

static void prod_tail_beyond_head(void **state)
{
	struct tregion *t = *state;

	prod_prepare(t);
	*t->prod.tail = 240 + 8;
	prod_expect_eproto(t);
	*t->prod.tail = 240 + RING;
	prod_expect_eproto(t);
	/* control: tail == head (all consumed) is fine */
	*t->prod.tail = 240;
	assert_int_equal(cmshm_ring_can_write(&t->prod, t->prod.max_msg), 1);
	assert_int_equal(t->prod.peer, 240);
}

static void prod_tail_backwards(void **state)
{
	struct tregion *t = *state;

	prod_prepare(t);
	*t->prod.tail = 0;
	prod_expect_eproto(t);
	*t->prod.tail = 16;
	prod_expect_eproto(t);
	*t->prod.tail = 0xfffffff8u;
	prod_expect_eproto(t);
	/* control: the same tail again is valid (but leaves too little room) */
	*t->prod.tail = 24;
	assert_int_equal(cmshm_ring_can_write(&t->prod, t->prod.max_msg), 0);
	assert_int_equal(cmshm_ring_reserve(&t->prod, t->prod.max_msg,
					    &(void *){ NULL }), -CMSHM_EAGAIN);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(cons_head_unaligned),
		T(cons_head_too_far),
		T(cons_head_backwards),
		T(cons_len_zero),
		T(cons_len_too_big),
		T(cons_record_crosses_end),
		T(cons_record_beyond_head),
		T(cons_pad_at_zero),
		T(cons_pad_beyond_head),
		T(cons_pad_then_pad),
		T(cons_pad_then_bad_len),
		T(prod_tail_unaligned),
		T(prod_tail_beyond_head),
		T(prod_tail_backwards),
	};

	TRUN(tests);
}
