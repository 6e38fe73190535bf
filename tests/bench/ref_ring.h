/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * A minimal single-producer/single-consumer message ring, written only as
 * the benchmark's reference for include/cmshm/cmshm_ring.h (make bench).
 *
 * The same record format as cmshm's ring: free-running uint32_t byte
 * indices (head written by the producer, tail by the consumer, each on its
 * own line), 8-byte aligned records of a len word, a flags word and the
 * payload, never wrapping (a CMSHM_REC_PAD len word sends the consumer to
 * offset 0; pad and record are published by one head update).
 *
 * What it leaves out: it trusts its peer (no validation of indices or len
 * words), it has no cache maintenance and no session handshake. What it
 * does differently: C11 acquire/release atomics on the indices instead of
 * fences, and each side caches the peer's index and reads it again only
 * when the cached value is used up (producer: the cached free space is too
 * small; consumer: everything up to the cached head was consumed).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef REF_RING_H
#define REF_RING_H

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "cmshm/cmshm_ring.h"	/* CMSHM_REC_* only */

/**
 * struct ref_ring - one side's view of a reference ring.
 * @data:    ring data (@size bytes).
 * @head:    producer index in shared memory.
 * @tail:    consumer index in shared memory.
 * @size:    data size in bytes, a power of two.
 * @own:     private copy of the index this side writes.
 * @cache:   last value read of the index the peer writes.
 * @pending: bytes reserved or peeked, not yet published.
 */
struct ref_ring {
	uint8_t *data;
	_Atomic uint32_t *head;
	_Atomic uint32_t *tail;
	uint32_t size;
	uint32_t own;
	uint32_t cache;
	uint32_t pending;
};

/**
 * ref_ring_init() - set up one side's view; both indices start at 0.
 * @r:    the view.
 * @data: ring data, 8-byte aligned.
 * @head: producer index, on its own cache line.
 * @tail: consumer index, on its own cache line.
 * @size: data size in bytes, a power of two.
 */
static inline void ref_ring_init(struct ref_ring *r, void *data,
				 _Atomic uint32_t *head, _Atomic uint32_t *tail,
				 uint32_t size)
{
	r->data = data;
	r->head = head;
	r->tail = tail;
	r->size = size;
	r->own = 0;
	r->cache = 0;
	r->pending = 0;
	atomic_store_explicit(head, 0, memory_order_relaxed);
	atomic_store_explicit(tail, 0, memory_order_relaxed);
}

/**
 * ref_ring_reserve() - room for one message (producer).
 * @r:       producer's view.
 * @len:     payload bytes, 1..size / 2 - 8.
 * @payload: set to where the payload goes.
 *
 * Reads the tail (acquire) only if the cached tail leaves too little room.
 *
 * Return: 0, or -EAGAIN if the ring is full.
 */
static inline int ref_ring_reserve(struct ref_ring *r, uint32_t len,
				   void **payload)
{
	uint32_t rec = (CMSHM_REC_HDR_SIZE + len + CMSHM_REC_ALIGN - 1u) &
		       ~(CMSHM_REC_ALIGN - 1u);
	uint32_t pos = r->own & (r->size - 1u);
	uint32_t skip = rec <= r->size - pos ? 0 : r->size - pos;
	uint32_t *word;

	if (r->size - (r->own - r->cache) < skip + rec) {
		r->cache = atomic_load_explicit(r->tail, memory_order_acquire);
		if (r->size - (r->own - r->cache) < skip + rec)
			return -EAGAIN;
	}
	if (skip) {
		*(uint32_t *)(r->data + pos) = CMSHM_REC_PAD;
		pos = 0;
	}
	word = (uint32_t *)(r->data + pos);
	word[0] = len;
	word[1] = 0;
	r->pending = skip + rec;
	*payload = word + 2;
	return 0;
}

/**
 * ref_ring_commit() - publish the reserved message (producer).
 * @r: producer's view, after ref_ring_reserve() and the payload.
 */
static inline void ref_ring_commit(struct ref_ring *r)
{
	r->own += r->pending;
	atomic_store_explicit(r->head, r->own, memory_order_release);
}

/**
 * ref_ring_peek() - the next message, in place (consumer).
 * @r:       consumer's view.
 * @payload: set to the payload.
 * @len:     set to its length.
 *
 * Reads the head (acquire) only when every message up to the cached head
 * was consumed.
 *
 * Return: 0, or -EAGAIN if the ring is empty.
 */
static inline int ref_ring_peek(struct ref_ring *r, const void **payload,
				uint32_t *len)
{
	uint32_t pos = r->own & (r->size - 1u), skip = 0, w;

	if (r->cache == r->own) {
		r->cache = atomic_load_explicit(r->head, memory_order_acquire);
		if (r->cache == r->own)
			return -EAGAIN;
	}
	w = *(const uint32_t *)(r->data + pos);
	if (w == CMSHM_REC_PAD) {
		skip = r->size - pos;
		pos = 0;
		w = *(const uint32_t *)r->data;
	}
	r->pending = skip + ((CMSHM_REC_HDR_SIZE + w + CMSHM_REC_ALIGN - 1u) &
			     ~(CMSHM_REC_ALIGN - 1u));
	*payload = r->data + pos + CMSHM_REC_HDR_SIZE;
	*len = w;
	return 0;
}

/**
 * ref_ring_release() - consume the peeked message (consumer).
 * @r: consumer's view, after ref_ring_peek() and the payload reads.
 */
static inline void ref_ring_release(struct ref_ring *r)
{
	r->own += r->pending;
	atomic_store_explicit(r->tail, r->own, memory_order_release);
}

/**
 * ref_ring_write() - reserve, memcpy() and commit one message (producer).
 * @r:   producer's view.
 * @buf: payload.
 * @len: payload bytes.
 *
 * Return: as ref_ring_reserve().
 */
static inline int ref_ring_write(struct ref_ring *r, const void *buf,
				 uint32_t len)
{
	void *p;
	int err = ref_ring_reserve(r, len, &p);

	if (err)
		return err;
	memcpy(p, buf, len);
	ref_ring_commit(r);
	return 0;
}

/**
 * ref_ring_read() - peek, memcpy() and release one message (consumer).
 * @r:   consumer's view.
 * @buf: destination.
 * @cap: bytes at @buf.
 * @len: set to the message length.
 *
 * Return: 0; -EAGAIN if empty; -EMSGSIZE if longer than @cap (it stays).
 */
static inline int ref_ring_read(struct ref_ring *r, void *buf, uint32_t cap,
				uint32_t *len)
{
	const void *p;
	int err = ref_ring_peek(r, &p, len);

	if (err)
		return err;
	if (*len > cap)
		return -EMSGSIZE;
	memcpy(buf, p, *len);
	ref_ring_release(r);
	return 0;
}

#endif /* REF_RING_H */
