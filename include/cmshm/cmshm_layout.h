/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm protocol v2: the shared region's layout and its self-describing
 * header. Documentation/protocol.rst is the normative description; this file
 * is its C form, used unchanged by the Linux driver, userspace and firmware.
 *
 *   offset 0          +------------------------------------------+
 *                     | struct cmshm_header   (host writes)      |
 *                     |   ... includes host control block        |
 *   remote_ctrl       | struct cmshm_ctrl     (remote writes)    |
 *   h2r.head_offset   | host->remote head     (host writes)      |
 *   h2r.tail_offset   | host->remote tail     (remote writes)    |
 *   r2h.head_offset   | remote->host head     (remote writes)    |
 *   r2h.tail_offset   | remote->host tail     (host writes)      |
 *   h2r.data_offset   | host->remote ring data (h2r.size bytes)  |
 *   r2h.data_offset   | remote->host ring data (r2h.size bytes)  |
 *   app_offset        | application area (app_size bytes), mmap  |
 *                     +------------------------------------------+
 *
 * Every block written by one side starts on its own line_size boundary, so
 * no cache line is written by both sides. All words are little-endian
 * uint32_t (both sides of every supported SoC are little-endian).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_LAYOUT_H
#define CMSHM_LAYOUT_H

#include "cmshm_port.h"

/** CMSHM_MAGIC - header magic, the bytes "CSHM" in memory order. */
#define CMSHM_MAGIC		0x4d485343u
/**
 * CMSHM_VERSION - protocol version described by these headers. Version 2
 * added struct cmshm_ctrl's @features and the doorbell-wanted words. The
 * same definition as in include/uapi/linux/cmshm.h (identical
 * definitions, so either header may come first).
 */
#define CMSHM_VERSION		2u

/*
 * Feature bits of cmshm_ctrl.features. A side uses a feature only while
 * the link is up and both control blocks have its bit: each side sets the
 * bits it supports before it goes READY and reads the peer's once, when
 * the link comes up.
 *
 * CMSHM_FEATURE_DOORBELL_WANT: a side rings the peer only when the peer
 * asked for it in its doorbell-wanted word (word 1 of the line of each
 * index it owns): the consumer's "wants data" on its tail line, the
 * producer's "wants space" on its head line. Without the feature a side
 * rings after every publish, as in version 1.
 */
#define CMSHM_FEATURE_DOORBELL_WANT	0x1u
/** CMSHM_FEATURES - every feature this code implements. */
#define CMSHM_FEATURES		CMSHM_FEATURE_DOORBELL_WANT

/* Values of cmshm_ctrl.state. Any other value reads as "not started". */
#define CMSHM_STATE_OFFLINE	0x4c46464fu	/* "OFFL" */
#define CMSHM_STATE_READY	0x59444552u	/* "REDY" */
#define CMSHM_STATE_ERROR	0x52525245u	/* "ERRR" */

/* Bounds a valid header must respect (bytes). */
#define CMSHM_LINE_SIZE_MIN	16u
#define CMSHM_LINE_SIZE_MAX	4096u
#define CMSHM_RING_SIZE_MIN	256u
#define CMSHM_RING_SIZE_MAX	0x40000000u	/* 1 GiB */

/**
 * struct cmshm_ctrl - one side's control block.
 * @state:    CMSHM_STATE_*; written last when going READY.
 * @session:  nonzero number chosen anew each time this side (re)starts.
 * @ack:      the peer session this side has attached to (0: none yet).
 * @features: CMSHM_FEATURE_* bits this side supports, written before it
 *            goes READY; bits the reader does not know are ignored. The
 *            host's, in the header, is the features word it offers.
 *
 * Written only by its owner; read by the peer. Starts on a line boundary.
 */
struct cmshm_ctrl {
	uint32_t state;
	uint32_t session;
	uint32_t ack;
	uint32_t features;
};

/**
 * struct cmshm_ring_desc - where one ring lives, as region offsets.
 * @head_offset: offset of the producer index (uint32_t), own line.
 * @tail_offset: offset of the consumer index (uint32_t), own line.
 * @data_offset: offset of the ring data, line aligned.
 * @size:        ring data size in bytes, a power of two.
 */
struct cmshm_ring_desc {
	uint32_t head_offset;
	uint32_t tail_offset;
	uint32_t data_offset;
	uint32_t size;
};

/**
 * struct cmshm_header - the self-describing header at region offset 0.
 * @magic:       CMSHM_MAGIC.
 * @version:     CMSHM_VERSION.
 * @region_size: size of the whole region in bytes.
 * @line_size:   alignment of every single-writer block (bytes, power of 2).
 * @remote_ctrl: offset of the remote's struct cmshm_ctrl.
 * @app_offset:  offset of the application area (page aligned for mmap).
 * @app_size:    size of the application area in bytes (may be 0).
 * @reserved:    written as 0, ignored by the reader.
 * @h2r:         the host-to-remote ring.
 * @r2h:         the remote-to-host ring.
 * @host:        the host's control block.
 *
 * Written only by the host (Linux), before it publishes host.state READY;
 * the remote reads it once per host session and validates it with
 * cmshm_header_validate() before using any offset in it.
 */
struct cmshm_header {
	uint32_t magic;
	uint32_t version;
	uint32_t region_size;
	uint32_t line_size;
	uint32_t remote_ctrl;
	uint32_t app_offset;
	uint32_t app_size;
	uint32_t reserved;
	struct cmshm_ring_desc h2r;
	struct cmshm_ring_desc r2h;
	struct cmshm_ctrl host;
};

static inline uint32_t cmshm_align_up(uint32_t v, uint32_t a)
{
	return (v + a - 1u) & ~(a - 1u);
}

static inline int cmshm_is_pow2(uint32_t v)
{
	return v && !(v & (v - 1u));
}

/*
 * @v a power of 2 in [@min, @max], for @min >= 1: 0 passes the first test
 * and fails the second (0 - @min wraps above @max - @min).
 */
static inline int cmshm_pow2_in(uint32_t v, uint32_t min, uint32_t max)
{
	return !(v & (v - 1u)) && v - min <= max - min;
}

/**
 * cmshm_layout_init() - compute a v2 layout (host side, before the header
 * is written).
 * @h:           output; filled completely except @h->host.
 * @region_size: bytes in the region.
 * @line_size:   cache line size to separate writers by (power of 2).
 * @ring_size:   bytes of ring data per direction (power of 2, at least
 *               @line_size so each data area starts on its own line).
 * @app_align:   alignment of the application area, e.g. the page size.
 *
 * Pure computation on private memory; no shared-memory access.
 *
 * Return: 0, or -CMSHM_EINVAL if a parameter is out of range or the region
 * is too small to hold the header, both rings and an aligned app area.
 */
static inline int cmshm_layout_init(struct cmshm_header *h,
				    uint32_t region_size, uint32_t line_size,
				    uint32_t ring_size, uint32_t app_align)
{
	uint64_t off;

	if (!cmshm_is_pow2(line_size) || line_size < CMSHM_LINE_SIZE_MIN ||
	    line_size > CMSHM_LINE_SIZE_MAX || !cmshm_is_pow2(ring_size) ||
	    ring_size < CMSHM_RING_SIZE_MIN ||
	    ring_size > CMSHM_RING_SIZE_MAX || ring_size < line_size ||
	    !cmshm_is_pow2(app_align))
		return -CMSHM_EINVAL;

	h->magic = CMSHM_MAGIC;
	h->version = CMSHM_VERSION;
	h->region_size = region_size;
	h->line_size = line_size;
	h->reserved = 0;
	off = cmshm_align_up((uint32_t)sizeof(*h), line_size);
	h->remote_ctrl = (uint32_t)off;
	off += line_size;
	h->h2r.head_offset = (uint32_t)off;
	h->h2r.tail_offset = (uint32_t)(off + line_size);
	h->r2h.head_offset = (uint32_t)(off + 2u * line_size);
	h->r2h.tail_offset = (uint32_t)(off + 3u * line_size);
	off += 4u * line_size;
	h->h2r.data_offset = (uint32_t)off;
	h->h2r.size = ring_size;
	off += ring_size;
	h->r2h.data_offset = (uint32_t)off;
	h->r2h.size = ring_size;
	off += ring_size;
	off = (off + app_align - 1u) & ~(uint64_t)(app_align - 1u);
	if (off > region_size)
		return -CMSHM_EINVAL;
	h->app_offset = (uint32_t)off;
	h->app_size = (region_size - (uint32_t)off) & ~(app_align - 1u);
	return 0;
}

/* [start, start + len) inside [0, limit) and start aligned to @align. */
static inline int cmshm_range_ok(uint32_t start, uint32_t len,
				 uint32_t limit, uint32_t align)
{
	return !(start & (align - 1u)) && start <= limit &&
	       len <= limit - start;
}

static inline int cmshm_ranges_overlap(uint32_t a, uint32_t alen,
				       uint32_t b, uint32_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/**
 * cmshm_header_validate() - check a header copy before using its offsets.
 * @h:           a private copy of the shared header (see
 *               cmshm_header_read()), never the shared memory itself.
 * @region_size: the size of the region as this side knows it.
 *
 * Called by the remote on every new host session. Checks magic, version,
 * that every block lies inside the region, is aligned to line_size, and
 * that no two blocks overlap.
 *
 * Return: 0 if valid; -CMSHM_EPROTO otherwise.
 */
static inline int cmshm_header_validate(const struct cmshm_header *h,
					uint32_t region_size)
{
	uint32_t ls = h->line_size;
	uint32_t start[9], len[9];
	int i, j;

	if (h->magic != CMSHM_MAGIC || h->version != CMSHM_VERSION ||
	    h->region_size != region_size ||
	    !cmshm_pow2_in(ls, CMSHM_LINE_SIZE_MIN, CMSHM_LINE_SIZE_MAX) ||
	    !cmshm_pow2_in(h->h2r.size, CMSHM_RING_SIZE_MIN,
			   CMSHM_RING_SIZE_MAX) ||
	    !cmshm_pow2_in(h->r2h.size, CMSHM_RING_SIZE_MIN,
			   CMSHM_RING_SIZE_MAX))
		return -CMSHM_EPROTO;

	start[0] = 0;
	len[0] = cmshm_align_up((uint32_t)sizeof(*h), ls);
	start[1] = h->remote_ctrl;
	start[2] = h->h2r.head_offset;
	start[3] = h->h2r.tail_offset;
	start[4] = h->r2h.head_offset;
	start[5] = h->r2h.tail_offset;
	for (i = 1; i <= 5; i++)
		len[i] = ls;
	start[6] = h->h2r.data_offset;
	len[6] = h->h2r.size;
	start[7] = h->r2h.data_offset;
	len[7] = h->r2h.size;
	/* The application area: may be empty (an empty range overlaps none). */
	start[8] = h->app_offset;
	len[8] = h->app_size;

	for (i = 0; i < 9; i++) {
		if (!cmshm_range_ok(start[i], len[i], region_size, ls))
			return -CMSHM_EPROTO;
		for (j = 0; j < i; j++)
			if (cmshm_ranges_overlap(start[i], len[i],
						 start[j], len[j]))
				return -CMSHM_EPROTO;
	}
	return 0;
}

/**
 * cmshm_header_write() - publish a header (host side).
 * @shared: the header in shared memory.
 * @h:      the private header from cmshm_layout_init(); @h->host is
 *          ignored: the shared host block is written as OFFLINE/0/0, and the
 *          host then starts its link with cmshm_link_start().
 *
 * Stores host.state OFFLINE first (wmb), then every geometry word and the
 * host block, then cmshm_wmb() and a cache clean. The host never reads the
 * shared copy back.
 */
static inline void cmshm_header_write(struct cmshm_header *shared,
				      const struct cmshm_header *h)
{
	const uint32_t *src = (const uint32_t *)h;
	uint32_t *dst = (uint32_t *)shared;
	/* Every word before the host control block; @h->host is not used. */
	unsigned int i, n = (unsigned int)((const uint8_t *)&h->host -
					   (const uint8_t *)h) / 4u;

	/* Go OFFLINE before any geometry word changes under the remote. */
	cmshm_store32(&shared->host.state, CMSHM_STATE_OFFLINE);
	cmshm_wmb();
	for (i = 0; i < n; i++)
		cmshm_store32(&dst[i], src[i]);
	cmshm_store32(&shared->host.session, 0);
	cmshm_store32(&shared->host.ack, 0);
	cmshm_store32(&shared->host.features, 0);
	cmshm_wmb();
	cmshm_cache_clean(shared, sizeof(*shared));
}

/**
 * cmshm_header_read() - take a private copy of the shared header (remote
 * side); validate the copy with cmshm_header_validate() before use.
 * @h:      output copy.
 * @shared: the header in shared memory.
 *
 * Each word is read exactly once, followed by cmshm_rmb().
 */
static inline void cmshm_header_read(struct cmshm_header *h,
				     const struct cmshm_header *shared)
{
	const uint32_t *src = (const uint32_t *)shared;
	uint32_t *dst = (uint32_t *)h;
	unsigned int i, n = (unsigned int)(sizeof(*h) / sizeof(uint32_t));

	cmshm_cache_invalidate(shared, sizeof(*shared));
	for (i = 0; i < n; i++)
		dst[i] = cmshm_load32(&src[i]);
	cmshm_rmb();
}

#endif /* CMSHM_LAYOUT_H */
