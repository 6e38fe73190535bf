/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm protocol v2: single-producer/single-consumer message ring.
 *
 * One ring per direction. head and tail are free-running byte counters
 * (uint32_t, wrapping): head is written only by the producer, tail only by
 * the consumer, each on its own cache line. head - tail is the number of
 * bytes in use and never exceeds the ring size.
 *
 * A message is a record, contiguous in memory and 8-byte aligned:
 *
 *   +---------+----------+-----------------+---------+
 *   | len u32 | flags u32| len payload bytes| padding |  -> round_up(8 + len, 8)
 *   +---------+----------+-----------------+---------+
 *
 * len is 1..max_msg; flags is written as 0 and ignored. A record never wraps:
 * when it does not fit before the end of the data area, the producer writes
 * CMSHM_REC_PAD as the len word at the current position and places the
 * record at offset 0; the pad and the record are published by one head
 * update. max_msg = size / 2 - 8 guarantees that a maximum-size message fits
 * in an empty ring at any position.
 *
 * Each side keeps private copies of the index it writes and of the last
 * peer index it validated; it never reads its own index back from shared
 * memory. The validated peer index is a cache: a side loads the peer's
 * index again only when the cached value is used up (the producer when the
 * room it leaves is too small for the next record, the consumer when it
 * consumed everything up to it but a pad), so each side loads the other's
 * index about once per batch of messages, not once per call. Every peer
 * index load and every len word is read once and validated before use; a
 * violation returns -CMSHM_EPROTO and changes nothing. A corrupted peer
 * index is found by the first call that loads it.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_RING_H
#define CMSHM_RING_H

#include "cmshm_layout.h"

#define CMSHM_REC_HDR_SIZE	8u
#define CMSHM_REC_ALIGN		8u
/* len word value marking "skip to the start of the data area". */
#define CMSHM_REC_PAD		0xffffffffu

/*
 * The doorbell-wanted word (CMSHM_FEATURE_DOORBELL_WANT) of an index's
 * line: the word after the index, written by the index's owner only.
 */
static inline uint32_t *cmshm_ring_want_word(uint32_t *idx)
{
	return idx + 1;
}

/**
 * struct cmshm_ring - one side's private view of one ring.
 * @data:    ring data area in shared memory.
 * @head:    producer index in shared memory.
 * @tail:    consumer index in shared memory.
 * @size:    data area size in bytes (power of two).
 * @max_msg: largest payload in bytes: size / 2 - CMSHM_REC_HDR_SIZE.
 * @own:     private copy of the index this side writes.
 * @peer:    last validated value of the index the peer writes, used until
 *           it is used up (0 after cmshm_ring_init() and cmshm_ring_reset():
 *           the peer's index is 0 too when the link comes up).
 * @pending: bytes reserved (producer) or peeked (consumer), not yet
 *           published; 0 when nothing is in progress.
 *
 * Not thread-safe: the caller serialises all calls on one ring.
 */
struct cmshm_ring {
	uint8_t *data;
	uint32_t *head;
	uint32_t *tail;
	uint32_t size;
	uint32_t max_msg;
	uint32_t own;
	uint32_t peer;
	uint32_t pending;
};

/**
 * cmshm_ring_init() - set up a private ring view from a validated layout.
 * @r:    the ring view.
 * @base: start of the shared region.
 * @d:    ring descriptor from a validated header.
 *
 * Touches no shared memory; call cmshm_ring_reset() before use.
 */
static inline void cmshm_ring_init(struct cmshm_ring *r, void *base,
				   const struct cmshm_ring_desc *d)
{
	uint8_t *b = (uint8_t *)base;

	r->data = b + d->data_offset;
	r->head = (uint32_t *)(b + d->head_offset);
	r->tail = (uint32_t *)(b + d->tail_offset);
	r->size = d->size;
	r->max_msg = d->size / 2u - CMSHM_REC_HDR_SIZE;
	r->own = 0;
	r->peer = 0;
	r->pending = 0;
}

/**
 * cmshm_ring_reset() - restart this side's half of a ring at index 0.
 * @r:        the ring view.
 * @producer: nonzero if this side produces into @r (writes head).
 *
 * Clears the private copies, the cached peer index included, stores 0 to
 * the index this side owns and to its doorbell-wanted word; the caller
 * orders them before publishing its session acknowledgment (see
 * cmshm_link_update()).
 */
static inline void cmshm_ring_reset(struct cmshm_ring *r, int producer)
{
	uint32_t *idx = producer ? r->head : r->tail;

	r->own = 0;
	r->peer = 0;
	r->pending = 0;
	cmshm_store32(idx, 0);
	cmshm_store32(cmshm_ring_want_word(idx), 0);
	cmshm_cache_clean(idx, 2 * sizeof(*idx));
}

static inline uint32_t cmshm_rec_size(uint32_t len)
{
	return cmshm_align_up(CMSHM_REC_HDR_SIZE + len, CMSHM_REC_ALIGN);
}

/*
 * Producer: read the consumer's tail once and check that it moved forward
 * from the last valid value, no further than our head, and is aligned;
 * on success it is the new cached tail (r->peer). Always loads: the ring
 * calls use cmshm_ring_room(), which loads only when the cache is used up.
 * cmshm_acquire_fence() follows: the consumer's reads of the space it
 * freed must complete before our writes to it, in this call and in the
 * later ones that use the cached tail (load->store ordering). It pairs
 * with the cmshm_release_fence() of cmshm_ring_release() before the
 * consumer stored that tail.
 */
static inline int cmshm_ring_load_tail(struct cmshm_ring *r, uint32_t *tail)
{
	uint32_t last = r->peer, ahead = r->own - last, t;

	cmshm_cache_invalidate(r->tail, sizeof(*r->tail));
	t = cmshm_load32(r->tail);
	cmshm_acquire_fence();
	if ((t & (CMSHM_REC_ALIGN - 1u)) || t - last > ahead)
		return -CMSHM_EPROTO;
	r->peer = t;
	*tail = t;
	return 0;
}

/*
 * Producer: the bytes to skip (@skip: a pad, when a record of @rec bytes
 * would cross the end of the data area) and whether the pad and the record
 * fit. In the room the cached tail leaves first (the tail only moves
 * forward, so what fits there fits); only if that is too small, load the
 * tail once (cmshm_ring_load_tail()) and look again.
 *
 * Return: 1 if it fits, 0 if not, -CMSHM_EPROTO if the tail loaded is
 * invalid (the cache is unchanged).
 */
static inline int cmshm_ring_room(struct cmshm_ring *r, uint32_t rec,
				  uint32_t *skip)
{
	/* free bytes: size - (own - tail), i.e. room + tail (mod 2^32) */
	uint32_t room = r->size - r->own;
	uint32_t to_end = r->size - (r->own & (r->size - 1u)), tail;
	int err;

	*skip = rec <= to_end ? 0 : to_end;
	rec += *skip;
	if (rec <= room + r->peer)
		return 1;
	err = cmshm_ring_load_tail(r, &tail);
	if (err)
		return err;
	return rec <= room + tail;
}

/**
 * cmshm_ring_can_write() - would a message of @len bytes fit now?
 * @r:   producer's ring view.
 * @len: payload bytes, 1..@r->max_msg.
 *
 * Producer side. Loads the consumer's tail only when the room the cached
 * tail leaves is too small for the message, as cmshm_ring_reserve() does:
 * a 0 is always the answer of a fresh load (so looking again after
 * cmshm_link_want() loads it again), a 1 may come from the cache alone.
 *
 * Return: 1 if it fits, 0 if not, -CMSHM_EPROTO if the tail it loaded is
 * invalid.
 */
static inline int cmshm_ring_can_write(struct cmshm_ring *r, uint32_t len)
{
	uint32_t skip;

	return cmshm_ring_room(r, cmshm_rec_size(len), &skip);
}

/**
 * cmshm_ring_reserve() - reserve room for one message (producer side).
 * @r:       producer's ring view.
 * @len:     payload bytes, 1..@r->max_msg.
 * @payload: set to where the caller writes @len payload bytes.
 *
 * Checks the record (and the pad before it, when it would cross the end)
 * against the room the cached tail leaves; only if that is too small,
 * loads the consumer's tail once, validates it (cmshm_ring_load_tail())
 * and checks again. If it fits, writes the pad marker and the record
 * header. Nothing is visible to the consumer until cmshm_ring_commit().
 * A reservation that is not committed is simply dropped by the next call.
 *
 * Return: 0; -CMSHM_EINVAL for @len 0; -CMSHM_EMSGSIZE for @len above
 * max_msg; -CMSHM_EAGAIN if there is not enough space yet (found with a
 * fresh tail); -CMSHM_EPROTO if the tail it loaded is invalid (nothing
 * written).
 */
static inline int cmshm_ring_reserve(struct cmshm_ring *r, uint32_t len,
				     void **payload)
{
	uint32_t rec, skip, pos;
	uint32_t *word;
	int err;

	r->pending = 0;
	if (!len)
		return -CMSHM_EINVAL;
	if (len > r->max_msg)
		return -CMSHM_EMSGSIZE;
	rec = cmshm_rec_size(len);
	pos = r->own & (r->size - 1u);
	err = cmshm_ring_room(r, rec, &skip);
	if (err <= 0)
		return err ? err : -CMSHM_EAGAIN;
	if (skip) {
		word = (uint32_t *)(r->data + pos);
		cmshm_store32(word, CMSHM_REC_PAD);
		cmshm_cache_clean(word, sizeof(*word));
		pos = 0;
	}
	word = (uint32_t *)(r->data + pos);
	cmshm_store32(&word[0], len);
	cmshm_store32(&word[1], 0);
	r->pending = skip + rec;
	*payload = (uint8_t *)word + CMSHM_REC_HDR_SIZE;
	return 0;
}

/**
 * cmshm_ring_commit() - publish the reserved message (producer side).
 * @r: producer's ring view, after a successful cmshm_ring_reserve() and
 *     after the payload was written.
 *
 * Sequence: clean the record from the data cache, cmshm_wmb() (payload and
 * header before head: pairs with the cmshm_rmb() after the consumer's head
 * load, cmshm_ring_load_head()), store the new head, clean it. The caller
 * then rings the doorbell with a full barrier first (mb(): the kernel's
 * cmshm_kick(), a remote's doorbell function): doorbell controllers do not
 * order the head store before their register write or firmware call.
 */
static inline void cmshm_ring_commit(struct cmshm_ring *r)
{
	uint32_t end = ((r->own + r->pending - 1u) & (r->size - 1u)) + 1u;
	uint32_t start = r->own & (r->size - 1u);

	/* After a pad the record starts at 0 (the pad word is already clean). */
	if (start >= end)
		start = 0;
	cmshm_cache_clean(r->data + start, end - start);
	cmshm_wmb();
	r->own += r->pending;
	r->pending = 0;
	cmshm_store32(r->head, r->own);
	cmshm_cache_clean(r->head, sizeof(*r->head));
}

/**
 * cmshm_ring_write() - reserve, copy and commit one message (producer).
 * @r:   producer's ring view.
 * @buf: payload.
 * @len: payload bytes.
 *
 * For callers that copy from ordinary memory (firmware, userspace), with
 * cmshm_memcpy() (cmshm_port.h).
 *
 * Return: as cmshm_ring_reserve().
 */
static inline int cmshm_ring_write(struct cmshm_ring *r, const void *buf,
				   uint32_t len)
{
	void *p;
	int err = cmshm_ring_reserve(r, len, &p);

	if (err)
		return err;
	cmshm_memcpy(p, buf, len);
	cmshm_ring_commit(r);
	return 0;
}

/*
 * Consumer: read the producer's head once and check that it moved forward
 * from the last valid value, is at most size bytes ahead of our tail, and
 * is aligned; on success it is the new cached head (r->peer).
 * cmshm_rmb() then orders the record reads after it, in this call and in
 * the later ones that use the cached head (pairs with the cmshm_wmb() of
 * cmshm_ring_commit() before the producer stored that head). The
 * consumer's only store, its tail, is ordered after the record reads by
 * cmshm_release_fence() in cmshm_ring_release().
 */
static inline int cmshm_ring_load_head(struct cmshm_ring *r, uint32_t *head)
{
	uint32_t h;

	cmshm_cache_invalidate(r->head, sizeof(*r->head));
	h = cmshm_load32(r->head);
	cmshm_rmb();
	if ((h & (CMSHM_REC_ALIGN - 1u)) || h - r->own > r->size ||
	    h - r->own < r->peer - r->own)
		return -CMSHM_EPROTO;
	r->peer = h;
	*head = h;
	return 0;
}

/**
 * cmshm_ring_peek() - find the next message (consumer side).
 * @r:       consumer's ring view.
 * @payload: set to the message payload in shared memory.
 * @len:     set to the payload length in bytes.
 *
 * Loads the producer's head only when everything up to the cached head
 * was consumed, or all of it but a pad marker (a producer publishes a pad
 * together with the record after it; a head that covers only the pad is
 * an empty ring for now): then once, validated as in
 * cmshm_ring_load_head(), and once more only if that fresh head covers
 * nothing but a pad too. Reads the len word(s) once each and validates
 * them against the head (cached or loaded): len 1..max_msg, the record
 * inside the data area and below head; a pad marker only at a nonzero
 * position and below head. The message stays queued until
 * cmshm_ring_release(); peeking again returns the same message.
 *
 * Return: 0; -CMSHM_EAGAIN if no message is available (a fresh head shows
 * nothing new); -CMSHM_EPROTO on any invalid peer value (nothing
 * consumed).
 */
static inline int cmshm_ring_peek(struct cmshm_ring *r, const void **payload,
				  uint32_t *len)
{
	uint32_t head, avail = r->peer - r->own, pos, skip = 0, w, rec;
	const uint32_t *word;
	int err;

	r->pending = 0;
	for (;;) {
		if (skip == avail) {
			/* The head we know is used up: load it. */
			w = r->peer;
			err = cmshm_ring_load_head(r, &head);
			if (err)
				return err;
			if (head == w)
				return -CMSHM_EAGAIN;
			avail = head - r->own;
			continue;
		}
		pos = (r->own + skip) & (r->size - 1u);
		word = (const uint32_t *)(r->data + pos);
		cmshm_cache_invalidate(word, CMSHM_REC_HDR_SIZE);
		w = cmshm_load32(&word[0]);
		if (w != CMSHM_REC_PAD)
			break;
		if (skip || !pos)
			return -CMSHM_EPROTO;
		skip = r->size - pos;
		if (skip > avail)
			return -CMSHM_EPROTO;
	}
	if (!w || w > r->max_msg)
		return -CMSHM_EPROTO;
	rec = cmshm_rec_size(w);
	if (rec > r->size - pos || rec > avail - skip)
		return -CMSHM_EPROTO;
	cmshm_cache_invalidate(word, rec);
	r->pending = skip + rec;
	*payload = (const uint8_t *)word + CMSHM_REC_HDR_SIZE;
	*len = w;
	return 0;
}

/**
 * cmshm_ring_release() - consume the peeked message (consumer side).
 * @r: consumer's ring view, after a successful cmshm_ring_peek() and after
 *     the payload was copied out.
 *
 * Sequence: cmshm_release_fence() (our reads of the record complete before
 * the producer may reuse the space: pairs with the cmshm_acquire_fence()
 * after the producer's tail load, cmshm_ring_load_tail()), store the new
 * tail, clean it. The caller then asks cmshm_link_peer_wants_space()
 * whether to ring (a full barrier, then the producer's want word), so a
 * producer waiting for space wakes.
 */
static inline void cmshm_ring_release(struct cmshm_ring *r)
{
	cmshm_release_fence();
	r->own += r->pending;
	r->pending = 0;
	cmshm_store32(r->tail, r->own);
	cmshm_cache_clean(r->tail, sizeof(*r->tail));
}

/**
 * cmshm_ring_read() - peek, copy and release one message (consumer).
 * @r:   consumer's ring view.
 * @buf: destination.
 * @cap: bytes available at @buf.
 * @len: set to the message length (also on -CMSHM_EMSGSIZE).
 *
 * Return: 0; -CMSHM_EMSGSIZE if the message is longer than @cap (it stays
 * queued); otherwise as cmshm_ring_peek().
 */
static inline int cmshm_ring_read(struct cmshm_ring *r, void *buf,
				  uint32_t cap, uint32_t *len)
{
	const void *p;
	int err = cmshm_ring_peek(r, &p, len);

	if (err)
		return err;
	if (*len > cap)
		return -CMSHM_EMSGSIZE;
	cmshm_memcpy(buf, p, *len);
	cmshm_ring_release(r);
	return 0;
}

#endif /* CMSHM_RING_H */
