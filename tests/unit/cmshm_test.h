/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Shared helpers for the cmshm host unit tests (cmocka).
 *
 * Every test binary includes this header once. It provides a shared region
 * (malloc'd, 64-byte aligned) laid out with cmshm_layout_init(), ring
 * views for both sides of one ring, and a main() helper that selects TAP
 * output unless CMOCKA_MESSAGE_OUTPUT says otherwise.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_TEST_H
#define CMSHM_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmshm/cmshm_link.h"

/**
 * struct tregion - one shared region and the ring views of one ring.
 * @base:        region start (64-byte aligned, heap).
 * @region_size: bytes at @base.
 * @h:           the private layout (from cmshm_layout_init()).
 * @prod:        producer view of the h2r ring.
 * @cons:        consumer view of the h2r ring.
 */
struct tregion {
	uint8_t *base;
	uint32_t region_size;
	struct cmshm_header h;
	struct cmshm_ring prod;
	struct cmshm_ring cons;
};

/**
 * tregion_new() - allocate and lay out a region, reset the h2r ring.
 * @region_size: bytes (multiple of 64).
 * @line_size:   line size for cmshm_layout_init().
 * @ring_size:   bytes per ring.
 * @app_align:   application area alignment.
 *
 * The region is filled with 0xa5 first so that stale bytes are visible.
 * Fails the current test on any error. Return: the region (free with
 * tregion_free()).
 */
static inline struct tregion *tregion_new(uint32_t region_size,
					  uint32_t line_size,
					  uint32_t ring_size,
					  uint32_t app_align)
{
	struct tregion *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->region_size = region_size;
	t->base = aligned_alloc(64, region_size);
	assert_non_null(t->base);
	memset(t->base, 0xa5, region_size);
	assert_int_equal(cmshm_layout_init(&t->h, region_size, line_size,
					   ring_size, app_align), 0);
	memset(&t->h.host, 0, sizeof(t->h.host));
	assert_int_equal(cmshm_header_validate(&t->h, region_size), 0);
	cmshm_header_write((struct cmshm_header *)t->base, &t->h);
	cmshm_ring_init(&t->prod, t->base, &t->h.h2r);
	cmshm_ring_init(&t->cons, t->base, &t->h.h2r);
	cmshm_ring_reset(&t->prod, 1);
	cmshm_ring_reset(&t->cons, 0);
	return t;
}

/** tregion_small() - 8 KiB region, 64-byte lines, 256-byte rings. */
static inline struct tregion *tregion_small(void)
{
	return tregion_new(8192, 64, 256, 64);
}

static inline void tregion_free(struct tregion *t)
{
	if (!t)
		return;
	free(t->base);
	free(t);
}

/**
 * tring_set_index() - move both views of the ring to free-running index
 * @idx (empty ring), consistently in private and shared state.
 */
static inline void tring_set_index(struct tregion *t, uint32_t idx)
{
	t->prod.own = idx;
	t->prod.peer = idx;
	t->prod.pending = 0;
	t->cons.own = idx;
	t->cons.peer = idx;
	t->cons.pending = 0;
	*t->prod.head = idx;
	*t->prod.tail = idx;
}

/** tring_word() - the uint32_t at ring position @pos (shared memory). */
static inline uint32_t *tring_word(struct tregion *t, uint32_t pos)
{
	return (uint32_t *)(t->prod.data + (pos & (t->prod.size - 1u)));
}

/** tfill() - deterministic payload pattern for message number @seq. */
static inline void tfill(uint8_t *buf, uint32_t len, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seq * 131u + i * 7u + (len >> 3));
}

/** tcheck() - nonzero if @buf holds tfill(@len, @seq). */
static inline int tcheck(const uint8_t *buf, uint32_t len, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != (uint8_t)(seq * 131u + i * 7u + (len >> 3)))
			return 0;
	return 1;
}

/** tprng() - xorshift32; deterministic sizes for the tests. */
static inline uint32_t tprng(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/**
 * trun() - run a cmocka group with TAP output by default.
 * Use the TRUN() macro; CMOCKA_MESSAGE_OUTPUT in the environment wins.
 */
#define TRUN(tests)							\
	do {								\
		if (!getenv("CMOCKA_MESSAGE_OUTPUT"))			\
			cmocka_set_message_output(CM_OUTPUT_TAP);	\
		return cmocka_run_group_tests(tests, NULL, NULL);	\
	} while (0)

#endif /* CMSHM_TEST_H */
