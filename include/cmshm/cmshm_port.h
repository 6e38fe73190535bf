/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm protocol port layer: types, error codes, shared-memory accessors,
 * barriers and cache maintenance hooks for each environment the protocol
 * code runs in.
 *
 * Environments:
 *   - Linux kernel (__KERNEL__): READ_ONCE/WRITE_ONCE,
 *     dma_rmb()/dma_wmb()/dma_mb(),
 *     no cache maintenance (the region is mapped write-combined, i.e. Normal
 *     Non-cacheable on arm64).
 *   - a port header of your own: define CMSHM_PORT_HEADER to "file.h" and
 *     provide every CMSHM_* macro below (for firmware with a data cache:
 *     SCB_CleanDCache_by_Addr()/SCB_InvalidateDCache_by_Addr() on Cortex-M7;
 *     firmware/port/arm/cmshm_port_arm.h is the one for Cortex-M4/M7/R5).
 *   - hosted C11 (userspace, the emulator, unit tests): GCC/Clang __atomic
 *     builtins; on bare-metal Arm without a port header, DMB SY barriers.
 *
 * Barriers: cmshm_rmb() (load->load), cmshm_wmb() (store->store),
 * cmshm_mb() (all of them, store->load too), and two that name the roles
 * of the ring indices, in C11 fence terms:
 *   cmshm_acquire_fence(): right after the load of a peer index. Orders
 *     that load before every later load and store of this side: the reads
 *     of what the peer published before storing the index, and the writes
 *     to space it freed before storing it (load->store). Its other half is
 *     the peer's cmshm_wmb() or cmshm_release_fence() before that store.
 *   cmshm_release_fence(): right before the store of an own index. Orders
 *     every earlier load and store of this side before that store: the
 *     reads of a record before the store that frees its space
 *     (load->store). Its other half is the peer's cmshm_acquire_fence()
 *     after loading that index.
 * Neither orders a store before a later load: the doorbell-wanted
 * store-buffering pairs (cmshm_link_want(), cmshm_link_peer_wants()) need
 * cmshm_mb(). In the kernel both are dma_mb(); hosted, the C11 acquire
 * and release fences; on bare-metal Arm the same DMB SY as the others.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_PORT_H
#define CMSHM_PORT_H

#if defined(__KERNEL__)

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/barrier.h>

#define CMSHM_EAGAIN	EAGAIN
#define CMSHM_EINVAL	EINVAL
#define CMSHM_EMSGSIZE	EMSGSIZE
#define CMSHM_EPROTO	EPROTO
#define CMSHM_ENOTCONN	ENOTCONN

#define cmshm_memcpy(d, s, n)	memcpy((d), (s), (n))

/* Peer-written words are read exactly once per use through this macro. */
#define cmshm_load32(p)		READ_ONCE(*(p))
#define cmshm_store32(p, v)	WRITE_ONCE(*(p), (v))
/* Orders earlier loads from shared memory before later loads. */
#define cmshm_rmb()		dma_rmb()
/* Orders earlier stores to shared memory before later stores. */
#define cmshm_wmb()		dma_wmb()
/*
 * Orders all earlier accesses before all later ones (load->store and
 * store->load too). dma_mb() is DMB OSH on arm64: ordered for every
 * observer in the Outer Shareable domain. The region is mapped
 * write-combined (Normal Non-cacheable), which the architecture treats as
 * Outer Shareable whatever its shareability attribute (Arm ARM DDI 0487,
 * B2.7 "Normal memory", Shareable Normal memory), so the remote core is
 * such an observer: the barrier the DMA API's users issue for the same
 * mappings. mb() (DSB SY) would also wait for completion, which only the
 * doorbell needs; cmshm_kick() issues its own mb() before it rings.
 */
#define cmshm_mb()		dma_mb()
#define cmshm_cache_clean(p, n)		do { } while (0)
#define cmshm_cache_invalidate(p, n)	do { } while (0)
/*
 * The acquire and release fences (above) order loads before later
 * stores, which Documentation/memory-barriers.txt does not promise of
 * dma_rmb() (loads only) or dma_wmb() (stores only): both are dma_mb(),
 * DMB OSH on arm64. That also orders store->load, which neither role
 * needs, but the kernel has no device barrier for load->store alone. mb()
 * (DSB SY on arm64) would also wait for completion, which only the
 * doorbell needs.
 */
#define cmshm_acquire_fence()	dma_mb()
#define cmshm_release_fence()	dma_mb()

#elif defined(CMSHM_PORT_HEADER)

#include CMSHM_PORT_HEADER

#else /* hosted or bare-metal C99 with GCC or Clang */

#include <stdint.h>
#include <stddef.h>

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__
#include <errno.h>
#endif

/* The values of Linux's asm-generic/errno.h when there is no errno.h. */
#ifdef EAGAIN
#define CMSHM_EAGAIN	EAGAIN
#define CMSHM_EINVAL	EINVAL
#define CMSHM_EMSGSIZE	EMSGSIZE
#define CMSHM_EPROTO	EPROTO
#define CMSHM_ENOTCONN	ENOTCONN
#else
#define CMSHM_EAGAIN	11
#define CMSHM_EINVAL	22
#define CMSHM_EMSGSIZE	90
#define CMSHM_EPROTO	71
#define CMSHM_ENOTCONN	107
#endif

#define cmshm_load32(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define cmshm_store32(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

#if (defined(__arm__) || defined(__aarch64__)) && !defined(__linux__)
/* Bare metal: the peer is another core, possibly outside our shareability
 * domain, so use full-system barriers.
 */
static inline void cmshm_dmb_sy(void)
{
	__asm__ __volatile__("dmb sy" ::: "memory");
}

#define cmshm_rmb()	cmshm_dmb_sy()
#define cmshm_wmb()	cmshm_dmb_sy()
#define cmshm_mb()	cmshm_dmb_sy()
#define cmshm_acquire_fence()	cmshm_dmb_sy()
#define cmshm_release_fence()	cmshm_dmb_sy()
#else
#define cmshm_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define cmshm_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define cmshm_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define cmshm_acquire_fence()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define cmshm_release_fence()	__atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#ifndef cmshm_cache_clean
#define cmshm_cache_clean(p, n)		do { (void)(p); (void)(n); } while (0)
#endif
#ifndef cmshm_cache_invalidate
#define cmshm_cache_invalidate(p, n)	do { (void)(p); (void)(n); } while (0)
#endif

#endif /* environment */

/* Defaults a port header may leave out. */
#ifndef CMSHM_ENOTCONN
#define CMSHM_ENOTCONN	107	/* Linux's value */
#endif
/* A port header without the two fences: its full barrier does both. */
#ifndef cmshm_acquire_fence
#define cmshm_acquire_fence()	cmshm_mb()
#endif
#ifndef cmshm_release_fence
#define cmshm_release_fence()	cmshm_mb()
#endif

/*
 * Before a doorbell (the remote endpoint's, cmshm_remote.h): every
 * earlier store to the region completes before the doorbell register
 * write or call. A port whose cmshm_mb() only orders memory against
 * memory (a DMB) defines it as a DSB.
 */
#ifndef cmshm_doorbell_barrier
#define cmshm_doorbell_barrier()	cmshm_mb()
#endif

/*
 * Copies of payload bytes: the C library's memcpy() when there is one,
 * else GCC's builtin (which a freestanding firmware backs with its own
 * memcpy symbol). Define cmshm_memcpy first to use another routine.
 */
#ifndef cmshm_memcpy
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__
#include <string.h>
#define cmshm_memcpy(d, s, n)	memcpy((d), (s), (n))
#else
#define cmshm_memcpy(d, s, n)	__builtin_memcpy((d), (s), (n))
#endif
#endif

#endif /* CMSHM_PORT_H */
