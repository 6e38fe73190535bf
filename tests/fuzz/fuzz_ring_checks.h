/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * For fuzz_ring.c: the reader of the fuzzer's input, the payload pattern,
 * and the invariants checked after every host call (the private ring
 * views, a delivered payload, a header cmshm_header_validate() accepted).
 * A broken invariant prints itself and calls abort().
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef FUZZ_RING_CHECKS_H
#define FUZZ_RING_CHECKS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmshm/cmshm_link.h"

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n",\
				__FILE__, __LINE__, #c);		\
			abort();					\
		}							\
	} while (0)

/* Input reader: returns zeros once the input is exhausted. */
struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t in_u8(struct in *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static uint32_t in_u32(struct in *in)
{
	uint32_t v = in_u8(in);

	v |= (uint32_t)in_u8(in) << 8;
	v |= (uint32_t)in_u8(in) << 16;
	v |= (uint32_t)in_u8(in) << 24;
	return v;
}

static int err_ok(int e)
{
	return e == 0 || e == -CMSHM_EAGAIN || e == -CMSHM_EMSGSIZE ||
	       e == -CMSHM_EINVAL || e == -CMSHM_EPROTO;
}

static void fill(uint8_t *b, uint32_t len, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seq * 29u + i + len);
}

static int same(const uint8_t *b, uint32_t len, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (uint8_t)(seq * 29u + i + len))
			return 0;
	return 1;
}

/* Both private ring views are consistent with what they promise. */
static void ring_inv(const struct cmshm_ring *r, int producer)
{
	CHECK(r->pending <= r->size);
	if (producer)
		CHECK(r->own - r->peer <= r->size);
	else
		CHECK(r->peer - r->own <= r->size);
	CHECK(!(r->own & 7u) && !(r->peer & 7u));
}

static void payload_inv(const struct cmshm_ring *r, const void *p,
			uint32_t len)
{
	const uint8_t *b = p;

	CHECK(len >= 1 && len <= r->max_msg);
	CHECK(b >= r->data + CMSHM_REC_HDR_SIZE);
	CHECK(b + len <= r->data + r->size);
	CHECK(!((uintptr_t)(b - r->data) & 7u));
}

/* Independent 64-bit re-check of a header cmshm_header_validate() took. */
static void header_inv(const struct cmshm_header *h, uint32_t region)
{
	uint64_t s[9], l[9];
	int i, j;

	s[0] = 0;
	l[0] = (sizeof(*h) + h->line_size - 1) & ~(uint64_t)(h->line_size - 1);
	s[1] = h->remote_ctrl;
	s[2] = h->h2r.head_offset;
	s[3] = h->h2r.tail_offset;
	s[4] = h->r2h.head_offset;
	s[5] = h->r2h.tail_offset;
	for (i = 1; i <= 5; i++)
		l[i] = h->line_size;
	s[6] = h->h2r.data_offset;
	l[6] = h->h2r.size;
	s[7] = h->r2h.data_offset;
	l[7] = h->r2h.size;
	s[8] = h->app_offset;
	l[8] = h->app_size;
	CHECK(h->line_size >= 16 && h->line_size <= 4096);
	CHECK(!(h->line_size & (h->line_size - 1)));
	CHECK(h->h2r.size >= 256 && !(h->h2r.size & (h->h2r.size - 1)));
	CHECK(h->r2h.size >= 256 && !(h->r2h.size & (h->r2h.size - 1)));
	for (i = 0; i < 9; i++) {
		CHECK(s[i] + l[i] <= region);
		CHECK(!(s[i] % h->line_size));
		for (j = 0; j < i; j++)
			CHECK(!l[i] || !l[j] || s[i] + l[i] <= s[j] ||
			      s[j] + l[j] <= s[i]);
	}
}

#endif /* FUZZ_RING_CHECKS_H */
