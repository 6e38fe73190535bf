/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * A cmshm port header (CMSHM_PORT_HEADER) for the unit tests that records
 * every shared-memory load and store, barrier and cache operation in a
 * log, so that tests can check the order the protocol documents.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_TRACE_PORT_H
#define CMSHM_TRACE_PORT_H

#include <stdint.h>
#include <stddef.h>
#include <errno.h>

#define CMSHM_EAGAIN	EAGAIN
#define CMSHM_EINVAL	EINVAL
#define CMSHM_EMSGSIZE	EMSGSIZE
#define CMSHM_EPROTO	EPROTO

/** enum tr_kind - kinds of recorded events. */
enum tr_kind {
	TR_LOAD, TR_STORE, TR_RMB, TR_WMB, TR_MB, TR_ACQ, TR_REL, TR_CLEAN,
	TR_INVAL
};

/**
 * struct tr_ev - one recorded event.
 * @kind:  enum tr_kind.
 * @addr:  address accessed (NULL for barriers).
 * @value: value loaded or stored; byte count for cache operations.
 */
struct tr_ev {
	enum tr_kind kind;
	const volatile void *addr;
	uint32_t value;
};

#define TR_MAX	32768

/* One log per test binary (the binary includes this header once). */
static struct tr_ev tr_log[TR_MAX];
static unsigned int tr_n;

static inline void tr_add(enum tr_kind k, const volatile void *a, uint32_t v)
{
	if (tr_n < TR_MAX) {
		tr_log[tr_n].kind = k;
		tr_log[tr_n].addr = a;
		tr_log[tr_n].value = v;
	}
	tr_n++;
}

static inline uint32_t tr_load32(const volatile uint32_t *p)
{
	uint32_t v = __atomic_load_n(p, __ATOMIC_RELAXED);

	tr_add(TR_LOAD, p, v);
	return v;
}

static inline void tr_store32(volatile uint32_t *p, uint32_t v)
{
	tr_add(TR_STORE, p, v);
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

#define cmshm_load32(p)		tr_load32(p)
#define cmshm_store32(p, v)	tr_store32((p), (uint32_t)(v))
#define cmshm_rmb()		tr_add(TR_RMB, NULL, 0)
#define cmshm_wmb()		tr_add(TR_WMB, NULL, 0)
#define cmshm_mb()		tr_add(TR_MB, NULL, 0)
#define cmshm_acquire_fence()	tr_add(TR_ACQ, NULL, 0)
#define cmshm_release_fence()	tr_add(TR_REL, NULL, 0)
#define cmshm_cache_clean(p, n)	tr_add(TR_CLEAN, (p), (uint32_t)(n))
#define cmshm_cache_invalidate(p, n) tr_add(TR_INVAL, (p), (uint32_t)(n))

#endif /* CMSHM_TRACE_PORT_H */
