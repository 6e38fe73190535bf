// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests of include/cmshm/cmshm_layout.h: cmshm_layout_init(),
 * cmshm_header_write()/cmshm_header_read() and cmshm_header_validate().
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_test.h"

#define MIB		(1024u * 1024u)
#define RS		MIB		/* typical region size */

struct blk {
	uint32_t start;
	uint32_t len;
};

static void typical(struct cmshm_header *h)
{
	memset(h, 0, sizeof(*h));
	assert_int_equal(cmshm_layout_init(h, RS, 64, 65536, 4096), 0);
}

/* Fills @b with the 8 blocks plus the app area; returns the count. */
static int blocks(const struct cmshm_header *h, struct blk *b)
{
	b[0].start = 0;
	b[0].len = cmshm_align_up(sizeof(*h), h->line_size);
	b[1].start = h->remote_ctrl;
	b[2].start = h->h2r.head_offset;
	b[3].start = h->h2r.tail_offset;
	b[4].start = h->r2h.head_offset;
	b[5].start = h->r2h.tail_offset;
	b[1].len = b[2].len = b[3].len = b[4].len = b[5].len = h->line_size;
	b[6].start = h->h2r.data_offset;
	b[6].len = h->h2r.size;
	b[7].start = h->r2h.data_offset;
	b[7].len = h->r2h.size;
	b[8].start = h->app_offset;
	b[8].len = h->app_size;
	return 9;
}

static void check_layout(const struct cmshm_header *h, uint32_t region,
			 uint32_t ls, uint32_t ring, uint32_t app_align)
{
	struct blk b[9];
	uint64_t used = 0;
	int n = blocks(h, b), i, j;

	assert_int_equal(h->magic, CMSHM_MAGIC);
	assert_int_equal(h->version, CMSHM_VERSION);
	assert_int_equal(h->region_size, region);
	assert_int_equal(h->line_size, ls);
	assert_int_equal(h->h2r.size, ring);
	assert_int_equal(h->r2h.size, ring);
	assert_int_equal(h->reserved, 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(b[i].start % ls, 0);
		assert_true((uint64_t)b[i].start + b[i].len <= region);
		for (j = 0; j < i; j++)
			assert_false(b[i].len && b[j].len &&
				     b[i].start < b[j].start + b[j].len &&
				     b[j].start < b[i].start + b[i].len);
		used += b[i].len;
	}
	/* the blocks are packed: header, 5 lines, rings, then the app area */
	assert_int_equal(b[1].start, b[0].len);
	assert_int_equal(b[6].start, b[0].len + 5u * ls);
	assert_int_equal(b[7].start, b[6].start + ring);
	assert_int_equal(h->app_offset % app_align, 0);
	assert_true(h->app_offset >= b[7].start + ring);
	assert_true(h->app_offset < b[7].start + ring + app_align);
	assert_int_equal(h->app_size % app_align, 0);
	assert_true(region - h->app_offset - h->app_size < app_align);
	assert_true(used <= region);
	assert_int_equal(cmshm_header_validate(h, region), 0);
}

static void layout_typical(void **state)
{
	struct cmshm_header h;

	(void)state;
	typical(&h);
	check_layout(&h, RS, 64, 65536, 4096);
	/* exact values for the typical case (sizeof(header) == 80) */
	assert_int_equal(sizeof(struct cmshm_header), 80);
	assert_int_equal(h.remote_ctrl, 128);
	assert_int_equal(h.h2r.head_offset, 192);
	assert_int_equal(h.h2r.tail_offset, 256);
	assert_int_equal(h.r2h.head_offset, 320);
	assert_int_equal(h.r2h.tail_offset, 384);
	assert_int_equal(h.h2r.data_offset, 448);
	assert_int_equal(h.r2h.data_offset, 448 + 65536);
	assert_int_equal(h.app_offset, 0x21000);
	assert_int_equal(h.app_size, RS - 0x21000);
}

static void layout_many_sizes(void **state)
{
	static const uint32_t ls[] = { 16, 32, 64, 128, 4096 };
	static const uint32_t ring[] = { 256, 1024, 65536, 262144 };
	static const uint32_t aa[] = { 1, 16, 4096, 65536 };
	struct cmshm_header h;
	unsigned int a, b, c, ok = 0;

	(void)state;
	for (a = 0; a < 5; a++)
		for (b = 0; b < 4; b++)
			for (c = 0; c < 4; c++) {
				uint32_t al = aa[c] < ls[a] ? ls[a] : aa[c];

				/* see layout_ring_smaller_than_line */
				if (ring[b] < ls[a]) {
					ok++;
					continue;
				}
				assert_int_equal(cmshm_layout_init(&h, RS,
					ls[a], ring[b], al), 0);
				check_layout(&h, RS, ls[a], ring[b], al);
				ok++;
			}
	assert_int_equal(ok, 80);
}

/*
 * Regression: cmshm_layout_init() used to accept ring_size < line_size
 * (e.g. 256-byte rings with 4096-byte lines). r2h.data_offset (=
 * h2r.data_offset + ring_size) was then not line aligned: the two ring
 * data areas, written by different sides, shared a cache line, and
 * cmshm_header_validate() rejected the layout cmshm_layout_init() had
 * returned 0 for. Either outcome is acceptable: -EINVAL, or a layout that
 * validates.
 */
static void layout_ring_smaller_than_line(void **state)
{
	static const uint32_t ls[] = { 512, 1024, 2048, 4096, 4096 };
	static const uint32_t ring[] = { 256, 512, 1024, 256, 2048 };
	struct cmshm_header h;
	unsigned int i;
	int err;

	(void)state;
	for (i = 0; i < 5; i++) {
		err = cmshm_layout_init(&h, RS, ls[i], ring[i], 4096);
		if (err) {
			assert_int_equal(err, -CMSHM_EINVAL);
			continue;
		}
		assert_int_equal(h.r2h.data_offset % ls[i], 0);
		assert_int_equal(h.app_offset % ls[i], 0);
		assert_int_equal(cmshm_header_validate(&h, RS), 0);
	}
}

static void layout_region_too_small(void **state)
{
	struct cmshm_header h;
	uint32_t need;

	(void)state;
	/* 128 header + 5*64 lines + 2*256 ring = 960, app aligned to 64 */
	need = 128 + 5 * 64 + 2 * 256;
	assert_int_equal(cmshm_layout_init(&h, need, 64, 256, 64), 0);
	assert_int_equal(h.app_offset, need);
	assert_int_equal(h.app_size, 0);
	assert_int_equal(cmshm_header_validate(&h, need), 0);
	assert_int_equal(cmshm_layout_init(&h, need - 1, 64, 256, 64),
			 -CMSHM_EINVAL);
	assert_int_equal(cmshm_layout_init(&h, need - 64, 64, 256, 64),
			 -CMSHM_EINVAL);
	assert_int_equal(cmshm_layout_init(&h, 0, 64, 256, 64),
			 -CMSHM_EINVAL);
	/* the app area alignment counts: rings end at 960, next page 4096 */
	assert_int_equal(cmshm_layout_init(&h, 4095, 64, 256, 4096),
			 -CMSHM_EINVAL);
	assert_int_equal(cmshm_layout_init(&h, 4096, 64, 256, 4096), 0);
	assert_int_equal(h.app_offset, 4096);
	assert_int_equal(h.app_size, 0);
	/* 1 GiB rings never fit in 1 MiB */
	assert_int_equal(cmshm_layout_init(&h, RS, 64, 1u << 30, 4096),
			 -CMSHM_EINVAL);
}

static void layout_bad_line_size(void **state)
{
	static const uint32_t bad[] = { 0, 1, 8, 48, 96, 8192, 0x80000000u };
	struct cmshm_header h;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cmshm_layout_init(&h, RS, bad[i], 65536,
						   4096), -CMSHM_EINVAL);
	assert_int_equal(cmshm_layout_init(&h, RS, 16, 65536, 4096), 0);
	assert_int_equal(cmshm_layout_init(&h, RS, 4096, 65536, 4096), 0);
}

static void layout_bad_ring_size(void **state)
{
	static const uint32_t bad[] = { 0, 8, 128, 255, 3000, 65535,
					0x80000000u, 0xffffffffu };
	struct cmshm_header h;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cmshm_layout_init(&h, 0xfffff000u, 64, bad[i],
						   4096), -CMSHM_EINVAL);
	assert_int_equal(cmshm_layout_init(&h, 0xfffff000u, 64, 256, 4096),
			 0);
	assert_int_equal(cmshm_layout_init(&h, 0xfffff000u, 64, 1u << 30,
					   4096), 0);
	assert_int_equal(cmshm_header_validate(&h, 0xfffff000u), 0);
}

static void layout_bad_app_align(void **state)
{
	static const uint32_t bad[] = { 0, 3, 12, 4095, 4097, 0xffffffffu };
	struct cmshm_header h;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cmshm_layout_init(&h, RS, 64, 65536, bad[i]),
				 -CMSHM_EINVAL);
	assert_int_equal(cmshm_layout_init(&h, RS, 64, 65536, 1), 0);
}

static void header_write_read_roundtrip(void **state)
{
	struct cmshm_header h, copy;
	uint8_t *shared = aligned_alloc(64, 4096);

	(void)state;
	assert_non_null(shared);
	memset(shared, 0xff, 4096);
	typical(&h);
	/* whatever the private host block holds, the shared one is 0FFL/0/0 */
	h.host.state = CMSHM_STATE_OFFLINE;
	h.host.session = 0;
	h.host.ack = 0;
	h.host.features = 0;
	cmshm_header_write((struct cmshm_header *)shared, &h);
	memset(&copy, 0x5a, sizeof(copy));
	cmshm_header_read(&copy, (const struct cmshm_header *)shared);
	assert_memory_equal(&copy, &h, sizeof(h));
	assert_int_equal(copy.host.state, CMSHM_STATE_OFFLINE);
	assert_int_equal(copy.host.session, 0);
	assert_int_equal(copy.host.ack, 0);
	assert_int_equal(cmshm_header_validate(&copy, RS), 0);
	/* the header write stays inside sizeof(header) */
	assert_int_equal(shared[sizeof(h)], 0xff);
	/* magic is the bytes "CSHM" in memory order (little endian) */
	assert_memory_equal(shared, "CSHM", 4);
	free(shared);
}

static void header_write_resets_host_ctrl(void **state)
{
	struct cmshm_header h, copy;
	struct cmshm_header *shared = aligned_alloc(64, 128);

	(void)state;
	assert_non_null(shared);
	typical(&h);
	/* a private copy reused from an earlier session */
	h.host.state = CMSHM_STATE_READY;
	h.host.session = 0x1234u;
	h.host.ack = 0x5678u;
	cmshm_header_write(shared, &h);
	cmshm_header_read(&copy, shared);
	assert_int_equal(copy.host.state, CMSHM_STATE_OFFLINE);
	assert_int_equal(copy.host.session, 0);
	assert_int_equal(copy.host.ack, 0);
	assert_int_equal(copy.magic, CMSHM_MAGIC);
	free(shared);
}

static void validate_accepts_edge_app(void **state)
{
	struct cmshm_header h;

	(void)state;
	typical(&h);
	/* an empty app area anywhere aligned inside the region is fine */
	h.app_size = 0;
	h.app_offset = RS;
	assert_int_equal(cmshm_header_validate(&h, RS), 0);
	h.app_offset = 0;
	assert_int_equal(cmshm_header_validate(&h, RS), 0);
	/* app area up to the very end */
	typical(&h);
	h.app_size = RS - h.app_offset;
	assert_int_equal(cmshm_header_validate(&h, RS), 0);
}

static void validate_ring_size_too_large(void **state)
{
	struct cmshm_header h;
	uint32_t rs = 0xfffff000u;

	(void)state;
	/* a geometry where a 2 GiB ring would fit: only the bound rejects it */
	assert_int_equal(cmshm_layout_init(&h, rs, 64, 1u << 30, 4096), 0);
	h.r2h.data_offset = h.h2r.data_offset + 0x80000000u;
	h.app_offset = cmshm_align_up(h.r2h.data_offset + h.r2h.size, 4096);
	h.app_size = 0;
	assert_int_equal(cmshm_header_validate(&h, rs), 0);
	h.h2r.size = 0x80000000u;
	assert_int_equal(cmshm_header_validate(&h, rs), -CMSHM_EPROTO);
	h.h2r.size = 1u << 30;
	h.r2h.data_offset = h.h2r.data_offset + (1u << 30);
	h.r2h.size = 0x80000000u;
	h.app_offset = 0;
	assert_int_equal(cmshm_header_validate(&h, rs), -CMSHM_EPROTO);
	h.r2h.size = 1u << 30;
	assert_int_equal(cmshm_header_validate(&h, rs), 0);
}

/* An app area that overlaps the next block by a single byte. */
static void validate_app_overlap_one_byte(void **state)
{
	struct cmshm_header h;

	(void)state;
	typical(&h);
	/* free space between the rings (end 0x201c0) and the app area */
	h.r2h.tail_offset = 0x20200;
	h.app_offset = 0x201c0;
	h.app_size = 64;
	assert_int_equal(cmshm_header_validate(&h, RS), 0);
	h.app_size = 65;
	assert_int_equal(cmshm_header_validate(&h, RS), -CMSHM_EPROTO);
	/* and a block that starts one line before the app area ends */
	h.app_size = 64;
	h.r2h.tail_offset = 0x20180;
	assert_int_equal(cmshm_header_validate(&h, RS), -CMSHM_EPROTO);
}

/*
 * One test per single-field corruption of the typical layout. Each test
 * checks the pristine header passes, applies one change and expects
 * -CMSHM_EPROTO.
 */
#define CORRUPT(name, stmt)						\
	static void corrupt_##name(void **state)			\
	{								\
		struct cmshm_header h;					\
		(void)state;						\
		typical(&h);						\
		assert_int_equal(cmshm_header_validate(&h, RS), 0);	\
		stmt;							\
		assert_int_equal(cmshm_header_validate(&h, RS),		\
				 -CMSHM_EPROTO);			\
	}

CORRUPT(magic, h.magic ^= 1)
CORRUPT(magic_byteswapped, h.magic = 0x4353484du)
CORRUPT(version, h.version = 1)
CORRUPT(version_next, h.version = 3)
CORRUPT(version_zero, h.version = 0)
CORRUPT(region_size_mismatch, h.region_size = RS / 2)
CORRUPT(region_size_larger, h.region_size = RS + 4096)
CORRUPT(line_size_not_pow2, h.line_size = 48)
CORRUPT(line_size_zero, h.line_size = 0)
CORRUPT(line_size_too_small, h.line_size = 8)
CORRUPT(line_size_too_big, h.line_size = 8192)
CORRUPT(h2r_size_not_pow2, h.h2r.size = 65536 - 64)
CORRUPT(h2r_size_too_small, h.h2r.size = 128)
CORRUPT(h2r_size_zero, h.h2r.size = 0)
CORRUPT(h2r_size_too_large, h.h2r.size = 0x80000000u)
CORRUPT(r2h_size_not_pow2, h.r2h.size = 65536 + 64)
CORRUPT(r2h_size_too_small, h.r2h.size = 128)
CORRUPT(r2h_size_zero, h.r2h.size = 0)
CORRUPT(r2h_size_too_large, h.r2h.size = 0x80000000u)
CORRUPT(remote_ctrl_misaligned, h.remote_ctrl += 4)
CORRUPT(h2r_head_misaligned, h.h2r.head_offset += 8)
CORRUPT(h2r_tail_misaligned, h.h2r.tail_offset += 4)
CORRUPT(r2h_head_misaligned, h.r2h.head_offset += 32)
CORRUPT(r2h_tail_misaligned, h.r2h.tail_offset += 4)
CORRUPT(h2r_data_misaligned, h.h2r.data_offset += 4)
CORRUPT(r2h_data_misaligned, h.r2h.data_offset += 16)
CORRUPT(app_misaligned, h.app_offset += 4; h.app_size -= 4096)
CORRUPT(remote_ctrl_out_of_range, h.remote_ctrl = RS)
CORRUPT(remote_ctrl_far_out, h.remote_ctrl = 0xffffffc0u)
CORRUPT(h2r_head_out_of_range, h.h2r.head_offset = RS)
CORRUPT(h2r_tail_out_of_range, h.h2r.tail_offset = RS + 64)
CORRUPT(r2h_head_out_of_range, h.r2h.head_offset = 0xffffffc0u)
CORRUPT(r2h_tail_out_of_range, h.r2h.tail_offset = RS)
CORRUPT(h2r_data_out_of_range, h.h2r.data_offset = RS - 65536 + 64;
	h.app_offset = 0; h.app_size = 0)
CORRUPT(r2h_data_out_of_range, h.r2h.data_offset = RS - 64;
	h.app_offset = 0; h.app_size = 0)
CORRUPT(r2h_data_wraps_u32, h.r2h.data_offset = 0xffff0000u;
	h.app_offset = 0; h.app_size = 0)
CORRUPT(remote_ctrl_is_h2r_head, h.remote_ctrl = h.h2r.head_offset)
CORRUPT(remote_ctrl_in_header, h.remote_ctrl = 64)
CORRUPT(h2r_head_is_r2h_tail, h.h2r.head_offset = h.r2h.tail_offset)
CORRUPT(h2r_tail_is_h2r_head, h.h2r.tail_offset = h.h2r.head_offset)
CORRUPT(r2h_head_is_h2r_tail, h.r2h.head_offset = h.h2r.tail_offset)
CORRUPT(r2h_tail_in_ring, h.r2h.tail_offset = h.h2r.data_offset + 1024)
CORRUPT(h2r_head_at_zero, h.h2r.head_offset = 0)
CORRUPT(rings_overlap, h.r2h.data_offset = h.h2r.data_offset + 32768)
CORRUPT(rings_same, h.r2h.data_offset = h.h2r.data_offset)
CORRUPT(h2r_data_over_index, h.h2r.data_offset = h.r2h.tail_offset)
CORRUPT(app_overlaps_r2h, h.app_offset = h.r2h.data_offset + 65536 - 4096)
CORRUPT(app_overlaps_h2r, h.app_offset = h.h2r.data_offset;
	h.app_size = 64)
CORRUPT(app_overlaps_header, h.app_offset = 0; h.app_size = 64)
CORRUPT(app_overlaps_remote_ctrl, h.app_offset = h.remote_ctrl;
	h.app_size = 64)
CORRUPT(app_size_out_of_range, h.app_size += 4096)
CORRUPT(app_offset_out_of_range, h.app_offset = RS + 4096; h.app_size = 0)
CORRUPT(app_wraps_u32, h.app_size = 0xfffff000u)

#define T(f) cmocka_unit_test(f)
#define C(f) cmocka_unit_test(corrupt_##f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(layout_typical),
		T(layout_many_sizes),
		T(layout_ring_smaller_than_line),
		T(layout_region_too_small),
		T(layout_bad_line_size),
		T(layout_bad_ring_size),
		T(layout_bad_app_align),
		T(header_write_read_roundtrip),
		T(header_write_resets_host_ctrl),
		T(validate_accepts_edge_app),
		T(validate_ring_size_too_large),
		T(validate_app_overlap_one_byte),
		C(magic), C(magic_byteswapped), C(version), C(version_next),
		C(version_zero),
		C(region_size_mismatch), C(region_size_larger),
		C(line_size_not_pow2), C(line_size_zero),
		C(line_size_too_small), C(line_size_too_big),
		C(h2r_size_not_pow2), C(h2r_size_too_small),
		C(h2r_size_zero), C(h2r_size_too_large),
		C(r2h_size_not_pow2), C(r2h_size_too_small),
		C(r2h_size_zero), C(r2h_size_too_large),
		C(remote_ctrl_misaligned), C(h2r_head_misaligned),
		C(h2r_tail_misaligned), C(r2h_head_misaligned),
		C(r2h_tail_misaligned), C(h2r_data_misaligned),
		C(r2h_data_misaligned), C(app_misaligned),
		C(remote_ctrl_out_of_range), C(remote_ctrl_far_out),
		C(h2r_head_out_of_range), C(h2r_tail_out_of_range),
		C(r2h_head_out_of_range), C(r2h_tail_out_of_range),
		C(h2r_data_out_of_range), C(r2h_data_out_of_range),
		C(r2h_data_wraps_u32),
		C(remote_ctrl_is_h2r_head), C(remote_ctrl_in_header),
		C(h2r_head_is_r2h_tail), C(h2r_tail_is_h2r_head),
		C(r2h_head_is_h2r_tail), C(r2h_tail_in_ring),
		C(h2r_head_at_zero), C(rings_overlap), C(rings_same),
		C(h2r_data_over_index),
		C(app_overlaps_r2h), C(app_overlaps_h2r),
		C(app_overlaps_header), C(app_overlaps_remote_ctrl),
		C(app_size_out_of_range), C(app_offset_out_of_range),
		C(app_wraps_u32),
	};

	TRUN(tests);
}
