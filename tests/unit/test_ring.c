// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of include/cmshm/cmshm_ring.h: normal operation of one ring
 * seen by its producer and its consumer over the same region.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_test.h"

static int setup_small(void **state)
{
	*state = tregion_small();
	return 0;
}

static int setup_64k(void **state)
{
	*state = tregion_new(1024u * 1024u, 64, 65536, 4096);
	return 0;
}

static int teardown(void **state)
{
	tregion_free(*state);
	return 0;
}

/* Is @p .. @p + @len inside the consumer's data area? */
static void assert_in_data(const struct cmshm_ring *r, const void *p,
			   uint32_t len)
{
	const uint8_t *b = p;

	assert_true(b >= r->data + CMSHM_REC_HDR_SIZE);
	assert_true(b + len <= r->data + r->size);
}

static void ring_empty_eagain(void **state)
{
	struct tregion *t = *state;
	uint8_t buf[16];
	const void *p = NULL;
	uint32_t len = 77;

	assert_int_equal(cmshm_ring_peek(&t->cons, &p, &len), -CMSHM_EAGAIN);
	assert_null(p);
	assert_int_equal(cmshm_ring_read(&t->cons, buf, sizeof(buf), &len),
			 -CMSHM_EAGAIN);
	assert_int_equal(t->cons.own, 0);
	assert_int_equal(*t->cons.tail, 0);
}

static void ring_one_roundtrip(void **state)
{
	struct tregion *t = *state;
	uint8_t in[37], out[64];
	uint32_t len = 0;

	tfill(in, sizeof(in), 1);
	assert_int_equal(cmshm_ring_write(&t->prod, in, sizeof(in)), 0);
	/* 8-byte record header + 37 bytes, rounded up to 48 */
	assert_int_equal(*t->prod.head, 48);
	assert_int_equal(t->prod.own, 48);
	assert_int_equal(*tring_word(t, 0), 37);
	assert_int_equal(*tring_word(t, 4), 0);
	memset(out, 0, sizeof(out));
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len), 0);
	assert_int_equal(len, sizeof(in));
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(*t->cons.tail, 48);
	assert_int_equal(t->cons.own, 48);
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len),
			 -CMSHM_EAGAIN);
}

static void ring_fifo_many(void **state)
{
	struct tregion *t = *state;
	uint8_t buf[1024];
	uint32_t seq_w = 0, seq_r = 0, len, s = 12345;
	int round;

	for (round = 0; round < 200; round++) {
		/* write a burst of 1..20 messages of varied size */
		uint32_t n = tprng(&s) % 20 + 1, i;

		for (i = 0; i < n; i++) {
			uint32_t l = tprng(&s) % 1000 + 1;

			tfill(buf, l, seq_w);
			if (cmshm_ring_write(&t->prod, buf, l))
				break;
			seq_w++;
		}
		while (cmshm_ring_read(&t->cons, buf, sizeof(buf), &len) == 0) {
			assert_true(tcheck(buf, len, seq_r));
			seq_r++;
		}
		assert_int_equal(seq_r, seq_w);
	}
	assert_true(seq_w > 1000);
}

static void ring_full_then_space(void **state)
{
	struct tregion *t = *state;	/* 256-byte ring */
	uint8_t buf[64];
	uint32_t len, n = 0;
	int err;

	/* 24-byte payload = 32-byte records: exactly 8 fit in 256 bytes */
	tfill(buf, 24, 0);
	while ((err = cmshm_ring_write(&t->prod, buf, 24)) == 0)
		n++;
	assert_int_equal(err, -CMSHM_EAGAIN);
	assert_int_equal(n, 8);
	assert_int_equal(*t->prod.head, 256);
	assert_int_equal(cmshm_ring_can_write(&t->prod, 1), 0);
	/* a failed write publishes nothing */
	assert_int_equal(*t->prod.head, 256);
	assert_int_equal(t->prod.own, 256);
	assert_int_equal(cmshm_ring_read(&t->cons, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 24);
	assert_int_equal(cmshm_ring_can_write(&t->prod, 24), 1);
	assert_int_equal(cmshm_ring_can_write(&t->prod, 25), 0);
	assert_int_equal(cmshm_ring_write(&t->prod, buf, 25), -CMSHM_EAGAIN);
	assert_int_equal(cmshm_ring_write(&t->prod, buf, 24), 0);
	assert_int_equal(cmshm_ring_write(&t->prod, buf, 1), -CMSHM_EAGAIN);
	n = 0;
	while (cmshm_ring_read(&t->cons, buf, sizeof(buf), &len) == 0)
		n++;
	assert_int_equal(n, 8);
	assert_int_equal(*t->cons.tail, 288);
}

/*
 * Random sizes over many laps, starting just below the uint32 wrap of the
 * free-running indices. Checks data, order, that pads really happen and
 * that the consumer never sees a pad as a message.
 */
static void wrap_run(struct tregion *t, uint32_t start, uint32_t seed,
		     uint32_t maxlen, unsigned int msgs)
{
	uint8_t *buf = malloc(t->prod.size);
	uint32_t seq_w = 0, seq_r = 0, len, s = seed, pads = 0;
	uint64_t bytes = 0;
	int wrapped = 0;

	assert_non_null(buf);
	tring_set_index(t, start);
	while (seq_r < msgs) {
		uint32_t burst = tprng(&s) % 6 + 1, i;

		for (i = 0; i < burst; i++) {
			uint32_t l = tprng(&s) % maxlen + 1;
			uint32_t before = t->prod.own;
			void *p;

			if (cmshm_ring_reserve(&t->prod, l, &p))
				break;
			assert_in_data(&t->prod, p, l);
			if ((uint8_t *)p == t->prod.data + CMSHM_REC_HDR_SIZE &&
			    (before & (t->prod.size - 1u))) {
				/* record placed at 0: a pad at @before */
				assert_int_equal(*tring_word(t, before),
						 CMSHM_REC_PAD);
				pads++;
			}
			tfill(p, l, seq_w++);
			cmshm_ring_commit(&t->prod);
			assert_true(t->prod.own - before >= cmshm_rec_size(l));
			bytes += t->prod.own - before;
			if (t->prod.own < before)
				wrapped = 1;
		}
		burst = tprng(&s) % 6 + 1;
		for (i = 0; i < burst; i++) {
			if (cmshm_ring_read(&t->cons, buf, t->prod.size, &len))
				break;
			assert_true(tcheck(buf, len, seq_r));
			seq_r++;
		}
		assert_true(t->prod.own - t->cons.own <= t->prod.size);
	}
	/* drain */
	while (cmshm_ring_read(&t->cons, buf, t->prod.size, &len) == 0)
		assert_true(tcheck(buf, len, seq_r++));
	assert_int_equal(seq_r, seq_w);
	assert_int_equal(t->cons.own, t->prod.own);
	assert_int_equal(*t->cons.tail, *t->prod.head);
	assert_true(pads > 20);
	assert_true(bytes / t->prod.size > 50);	/* laps */
	assert_true(wrapped || start < 0x80000000u);
	free(buf);
}

static void ring_wrap_padding_laps(void **state)
{
	struct tregion *t = *state;

	wrap_run(t, 0, 1, t->prod.max_msg, 3000);
}

static void ring_wrap_index_u32(void **state)
{
	struct tregion *t = *state;

	wrap_run(t, 0xfffff000u, 7, t->prod.max_msg, 3000);
	assert_true(t->prod.own < 0x10000000u);	/* went past 2^32 */
}

static void ring_wrap_index_u32_unaligned_pos(void **state)
{
	struct tregion *t = *state;

	/* start position 0xf0 within the ring, index just below 2^32 */
	wrap_run(t, 0xfffffff0u, 99, 40, 2000);
	assert_true(t->prod.own < 0x10000000u);
}

static void ring_wrap_large_ring(void **state)
{
	struct tregion *t = *state;	/* 64 KiB rings */

	wrap_run(t, 0xffff0000u, 3, t->prod.max_msg, 600);
}

static void ring_pad_exact(void **state)
{
	struct tregion *t = *state;	/* 256-byte ring */
	uint8_t in[120], out[128];
	uint32_t len;

	/* position 200: 56 bytes to the end; a 64-byte record needs a pad */
	tring_set_index(t, 200);
	tfill(in, 56, 5);
	assert_int_equal(cmshm_ring_write(&t->prod, in, 56), 0);
	assert_int_equal(*tring_word(t, 200), CMSHM_REC_PAD);
	assert_int_equal(*tring_word(t, 0), 56);
	assert_int_equal(*t->prod.head, 200 + 56 + 64);
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len), 0);
	assert_int_equal(len, 56);
	assert_true(tcheck(out, 56, 5));
	assert_int_equal(*t->cons.tail, 320);
	/* a record that exactly reaches the end needs no pad */
	tring_set_index(t, 192);
	tfill(in, 56, 6);
	assert_int_equal(cmshm_ring_write(&t->prod, in, 56), 0);
	assert_int_equal(*tring_word(t, 192), 56);
	assert_int_equal(*t->prod.head, 256);
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len), 0);
	assert_true(tcheck(out, 56, 6));
}

static void ring_max_msg_every_position(void **state)
{
	struct tregion *t = *state;	/* 256-byte ring */
	uint32_t max = t->prod.max_msg, pos, len;
	uint8_t in[256], out[256];

	assert_int_equal(max, 256 / 2 - 8);
	assert_int_equal(t->cons.max_msg, max);
	for (pos = 0; pos < 256; pos += 8) {
		/* also once with the indices about to wrap */
		uint32_t base, k;

		for (k = 0; k < 2; k++) {
			base = (k ? 0xffffff00u : 0x100u) + pos;
			tring_set_index(t, base);
			tfill(in, max, pos + k);
			assert_int_equal(cmshm_ring_can_write(&t->prod, max), 1);
			assert_int_equal(cmshm_ring_write(&t->prod, in, max), 0);
			assert_int_equal(cmshm_ring_read(&t->cons, out,
							 sizeof(out), &len), 0);
			assert_int_equal(len, max);
			assert_true(tcheck(out, max, pos + k));
			assert_int_equal(t->cons.own, t->prod.own);
		}
	}
}

static void ring_max_plus_one(void **state)
{
	struct tregion *t = *state;
	uint8_t in[256];
	void *p = NULL;

	memset(in, 1, sizeof(in));
	assert_int_equal(cmshm_ring_write(&t->prod, in, t->prod.max_msg + 1),
			 -CMSHM_EMSGSIZE);
	assert_int_equal(cmshm_ring_reserve(&t->prod, 0xffffffffu, &p),
			 -CMSHM_EMSGSIZE);
	assert_null(p);
	assert_int_equal(*t->prod.head, 0);
	assert_int_equal(t->prod.own, 0);
	assert_int_equal(cmshm_ring_write(&t->prod, in, t->prod.max_msg), 0);
}

static void ring_zero_len(void **state)
{
	struct tregion *t = *state;
	uint8_t in[8] = { 0 };
	void *p = NULL;

	assert_int_equal(cmshm_ring_write(&t->prod, in, 0), -CMSHM_EINVAL);
	assert_int_equal(cmshm_ring_reserve(&t->prod, 0, &p), -CMSHM_EINVAL);
	assert_null(p);
	assert_int_equal(*t->prod.head, 0);
	assert_int_equal(*tring_word(t, 0), 0xa5a5a5a5u);
}

static void ring_read_small_buffer(void **state)
{
	struct tregion *t = *state;
	uint8_t in[100], out[100];
	uint32_t len = 0;

	tfill(in, 100, 9);
	assert_int_equal(cmshm_ring_write(&t->prod, in, 100), 0);
	assert_int_equal(cmshm_ring_write(&t->prod, in, 3), 0);
	memset(out, 0xee, sizeof(out));
	assert_int_equal(cmshm_ring_read(&t->cons, out, 99, &len),
			 -CMSHM_EMSGSIZE);
	assert_int_equal(len, 100);
	assert_int_equal(out[0], 0xee);		/* nothing copied */
	assert_int_equal(t->cons.own, 0);
	assert_int_equal(*t->cons.tail, 0);
	assert_int_equal(cmshm_ring_read(&t->cons, out, 0, &len),
			 -CMSHM_EMSGSIZE);
	assert_int_equal(cmshm_ring_read(&t->cons, out, 100, &len), 0);
	assert_int_equal(len, 100);
	assert_memory_equal(in, out, 100);
	assert_int_equal(cmshm_ring_read(&t->cons, out, 100, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(out, in, 3);
}

static void ring_can_write(void **state)
{
	struct tregion *t = *state;	/* 256-byte ring, max 120 */
	uint8_t buf[128];
	uint32_t len;

	assert_int_equal(cmshm_ring_can_write(&t->prod, 1), 1);
	assert_int_equal(cmshm_ring_can_write(&t->prod, 120), 1);
	memset(buf, 3, sizeof(buf));
	assert_int_equal(cmshm_ring_write(&t->prod, buf, 120), 0);	/* 128 */
	assert_int_equal(cmshm_ring_write(&t->prod, buf, 112), 0);	/* 120 */
	/* 8 bytes left: nothing fits */
	assert_int_equal(cmshm_ring_can_write(&t->prod, 1), 0);
	assert_int_equal(cmshm_ring_read(&t->cons, buf, sizeof(buf), &len), 0);
	/* tail 128, head 248: 8 to the end + 128 at the front */
	assert_int_equal(cmshm_ring_can_write(&t->prod, 120), 1);
	assert_int_equal(cmshm_ring_can_write(&t->prod, 1), 1);
	/* can_write changes nothing */
	assert_int_equal(*t->prod.head, 248);
	assert_int_equal(t->prod.own, 248);
	assert_int_equal(cmshm_ring_write(&t->prod, buf, 120), 0);
	assert_int_equal(*tring_word(t, 248), CMSHM_REC_PAD);
	assert_int_equal(cmshm_ring_can_write(&t->prod, 1), 0);
}

static void ring_peek_twice(void **state)
{
	struct tregion *t = *state;
	uint8_t in[50];
	const void *p1, *p2;
	uint32_t l1, l2;

	tfill(in, 50, 4);
	assert_int_equal(cmshm_ring_write(&t->prod, in, 50), 0);
	assert_int_equal(cmshm_ring_write(&t->prod, in, 10), 0);
	assert_int_equal(cmshm_ring_peek(&t->cons, &p1, &l1), 0);
	assert_int_equal(cmshm_ring_peek(&t->cons, &p2, &l2), 0);
	assert_ptr_equal(p1, p2);
	assert_int_equal(l1, 50);
	assert_int_equal(l2, 50);
	assert_memory_equal(p1, in, 50);
	assert_in_data(&t->cons, p1, l1);
	assert_int_equal(*t->cons.tail, 0);
	cmshm_ring_release(&t->cons);
	assert_int_equal(*t->cons.tail, 64);
	assert_int_equal(cmshm_ring_peek(&t->cons, &p2, &l2), 0);
	assert_int_equal(l2, 10);
	cmshm_ring_release(&t->cons);
	assert_int_equal(cmshm_ring_peek(&t->cons, &p2, &l2), -CMSHM_EAGAIN);
	/* a release after a failed peek consumes nothing */
	cmshm_ring_release(&t->cons);
	assert_int_equal(*t->cons.tail, 64 + 24);
}

static void ring_uncommitted_invisible(void **state)
{
	struct tregion *t = *state;
	uint8_t out[128];
	void *p;
	uint32_t len;

	assert_int_equal(cmshm_ring_reserve(&t->prod, 40, &p), 0);
	memset(p, 0x11, 40);
	assert_int_equal(*t->prod.head, 0);
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len),
			 -CMSHM_EAGAIN);
	/* the next reserve drops the first reservation */
	assert_int_equal(cmshm_ring_reserve(&t->prod, 8, &p), 0);
	assert_ptr_equal(p, t->prod.data + CMSHM_REC_HDR_SIZE);
	memset(p, 0x22, 8);
	cmshm_ring_commit(&t->prod);
	assert_int_equal(*t->prod.head, 16);
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len), 0);
	assert_int_equal(len, 8);
	assert_int_equal(out[0], 0x22);
	assert_int_equal(out[7], 0x22);
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len),
			 -CMSHM_EAGAIN);
}

/* A reservation is dropped by the next call, even one that fails. */
static void ring_failed_reserve_drops_reservation(void **state)
{
	struct tregion *t = *state;
	uint8_t out[128];
	uint32_t len;
	void *p;

	assert_int_equal(cmshm_ring_reserve(&t->prod, 40, &p), 0);
	assert_int_equal(cmshm_ring_reserve(&t->prod, 0, &p), -CMSHM_EINVAL);
	cmshm_ring_commit(&t->prod);
	assert_int_equal(*t->prod.head, 0);
	assert_int_equal(cmshm_ring_reserve(&t->prod, 40, &p), 0);
	assert_int_equal(cmshm_ring_reserve(&t->prod, t->prod.max_msg + 1, &p),
			 -CMSHM_EMSGSIZE);
	cmshm_ring_commit(&t->prod);
	assert_int_equal(*t->prod.head, 0);
	/* fill the ring, then a reservation followed by a failing one */
	memset(out, 0, sizeof(out));
	assert_int_equal(cmshm_ring_write(&t->prod, out, 120), 0);
	assert_int_equal(cmshm_ring_write(&t->prod, out, 8), 0);
	/* 112 bytes free: a 16-byte record fits, a 128-byte one does not */
	assert_int_equal(cmshm_ring_reserve(&t->prod, 8, &p), 0);
	assert_int_equal(cmshm_ring_reserve(&t->prod, 120, &p), -CMSHM_EAGAIN);
	cmshm_ring_commit(&t->prod);
	assert_int_equal(*t->prod.head, 144);
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len), 0);
	assert_int_equal(len, 120);
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len), 0);
	assert_int_equal(len, 8);
	assert_int_equal(cmshm_ring_read(&t->cons, out, sizeof(out), &len),
			 -CMSHM_EAGAIN);
}

static void ring_reset_restarts(void **state)
{
	struct tregion *t = *state;
	uint8_t in[16] = { 1 }, out[16];
	uint32_t len;

	assert_int_equal(cmshm_ring_write(&t->prod, in, 16), 0);
	assert_int_equal(cmshm_ring_write(&t->prod, in, 16), 0);
	cmshm_ring_reset(&t->prod, 1);
	cmshm_ring_reset(&t->cons, 0);
	assert_int_equal(*t->prod.head, 0);
	assert_int_equal(*t->cons.tail, 0);
	assert_int_equal(cmshm_ring_read(&t->cons, out, 16, &len),
			 -CMSHM_EAGAIN);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)
#define TL(f) cmocka_unit_test_setup_teardown(f, setup_64k, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(ring_empty_eagain),
		T(ring_one_roundtrip),
		TL(ring_fifo_many),
		T(ring_full_then_space),
		T(ring_wrap_padding_laps),
		T(ring_wrap_index_u32),
		T(ring_wrap_index_u32_unaligned_pos),
		TL(ring_wrap_large_ring),
		T(ring_pad_exact),
		T(ring_max_msg_every_position),
		T(ring_max_plus_one),
		T(ring_zero_len),
		T(ring_read_small_buffer),
		T(ring_can_write),
		T(ring_peek_twice),
		T(ring_uncommitted_invisible),
		T(ring_failed_reserve_drops_reservation),
		T(ring_reset_restarts),
	};

	TRUN(tests);
}
