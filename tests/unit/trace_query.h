/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Queries on the access log of trace_port.h, and the cmocka fixture, for
 * the tests of the protocol's shared-memory access discipline
 * (test_port_order.c, test_port_cache.c). Include after cmshm_test.h,
 * with CMSHM_PORT_HEADER set to "trace_port.h".
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef TRACE_QUERY_H
#define TRACE_QUERY_H

static inline void tr_reset(void)
{
	tr_n = 0;
}

/* First event of @kind (at @addr unless NULL) at or after @from, or -1. */
static inline int tr_find(enum tr_kind kind, const volatile void *addr, int from)
{
	int i;

	assert_true(tr_n <= TR_MAX);
	for (i = from < 0 ? 0 : from; i < (int)tr_n; i++)
		if (tr_log[i].kind == kind && (!addr || tr_log[i].addr == addr))
			return i;
	return -1;
}

static inline int tr_last(enum tr_kind kind, const volatile void *addr)
{
	int i;

	for (i = (int)tr_n - 1; i >= 0; i--)
		if (tr_log[i].kind == kind && (!addr || tr_log[i].addr == addr))
			return i;
	return -1;
}

static inline unsigned int tr_count(enum tr_kind kind, const volatile void *addr)
{
	unsigned int i, n = 0;

	assert_true(tr_n <= TR_MAX);
	for (i = 0; i < tr_n; i++)
		if (tr_log[i].kind == kind && (!addr || tr_log[i].addr == addr))
			n++;
	return n;
}

/* Is there an event of @kind strictly between @a and @b? */
static inline int tr_between(enum tr_kind kind, int a, int b)
{
	int i = tr_find(kind, NULL, a + 1);

	return a >= 0 && i > a && i < b;
}

static inline int setup(void **state)
{
	*state = tregion_small();
	return 0;
}

static inline int teardown(void **state)
{
	tregion_free(*state);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

#endif /* TRACE_QUERY_H */
