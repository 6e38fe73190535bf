/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * A cmshm port header (CMSHM_PORT_HEADER) for the relacy model checker.
 *
 * The protocol headers are compiled as C++ against it. Every 32-bit
 * shared-memory access (cmshm_load32()/cmshm_store32()) goes to an
 * rl::atomic<uint32_t> shadow of that word, with relaxed order, so relacy
 * may return any value the C++ memory model allows (including stale ones).
 * The only ordering is what the protocol code asks for with its barriers:
 *
 *   cmshm_rmb() -> acquire fence
 *   cmshm_wmb() -> release fence
 *   cmshm_mb()  -> seq_cst fence
 *   cmshm_acquire_fence() -> acquire fence
 *   cmshm_release_fence() -> release fence
 *
 * (relacy never lets a load return a store its peer makes later in program
 * order, so the load->store half of the last two cannot fail here: see
 * mutate.sh.)
 *
 * A release fence before a relaxed store, paired with an acquire fence
 * after a relaxed load that reads that store (or a later one), is the
 * C++11 fence-fence synchronisation the protocol relies on; a missing
 * barrier therefore shows up as a stale value read by the peer.
 *
 * The shared region is a small array of addresses (never dereferenced);
 * the test owns one shadow atomic per 32-bit word of it (struct
 * model_mem, or its own array) and points the port at them for the
 * current iteration (model_use()).
 * Cache maintenance is a no-op: relacy models a coherent memory.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_MODEL_PORT_H
#define CMSHM_MODEL_PORT_H

#include <stdint.h>
#include <stddef.h>
#include <errno.h>

/* relacy redefines new, delete, malloc, assert and errno: include it last. */
#include <relacy/relacy.hpp>

#define CMSHM_EAGAIN	EAGAIN
#define CMSHM_EINVAL	EINVAL
#define CMSHM_EMSGSIZE	EMSGSIZE
#define CMSHM_EPROTO	EPROTO

/* Bytes in the modelled shared region (see model_common.h for its map). */
#define MODEL_REGION_BYTES	192u
#define MODEL_REGION_WORDS	(MODEL_REGION_BYTES / 4u)
/*
 * The largest region a scenario models: scenario_remote.h lays out a whole
 * valid v1 header (two 256-byte rings) for the remote endpoint library.
 */
#define MODEL_REGION_BYTES_MAX	704u

/**
 * struct model_mem - the shadow of the shared region for one iteration.
 * @w: one relaxed atomic per 32-bit word of model_region.
 */
struct model_mem {
	rl::atomic<uint32_t> w[MODEL_REGION_WORDS];
};

/* The region's addresses; its contents are in model_cur_w[]. */
static uint32_t model_region[MODEL_REGION_BYTES_MAX / 4u];
/* Shadow of the running iteration (relacy runs one at a time): its words
 * and its size in bytes.
 */
static rl::atomic<uint32_t> *model_cur_w;
static uint32_t model_cur_bytes;

/* Point the port at @words shadow atomics of @bytes bytes of region. */
static inline void model_use(rl::atomic<uint32_t> *words, uint32_t bytes)
{
	model_cur_w = words;
	model_cur_bytes = bytes;
}

/* The shadow atomic of the aligned word at @p inside model_region. */
static inline rl::atomic<uint32_t> &model_word(const volatile void *p,
					       rl::debug_info_param info)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)model_region;

	if (off >= model_cur_bytes || (off & 3u))
		rl::ctx().fail_test("access outside the modelled region",
				    rl::test_result_user_assert_failed, info);
	return model_cur_w[off / 4u];
}

#define cmshm_load32(p) \
	model_word((p), $).load(rl::mo_relaxed, $)
#define cmshm_store32(p, v) \
	model_word((p), $).store((uint32_t)(v), rl::mo_relaxed, $)
#define cmshm_rmb()	rl::atomic_thread_fence(rl::mo_acquire, $)
#define cmshm_wmb()	rl::atomic_thread_fence(rl::mo_release, $)
#define cmshm_mb()	rl::atomic_thread_fence(rl::mo_seq_cst, $)
#define cmshm_acquire_fence()	rl::atomic_thread_fence(rl::mo_acquire, $)
#define cmshm_release_fence()	rl::atomic_thread_fence(rl::mo_release, $)
#define cmshm_cache_clean(p, n)		do { (void)(p); (void)(n); } while (0)
#define cmshm_cache_invalidate(p, n)	do { (void)(p); (void)(n); } while (0)

#endif /* CMSHM_MODEL_PORT_H */
