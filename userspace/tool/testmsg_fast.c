// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Fast equivalents of cmshm_testmsg_fill()/cmshm_testmsg_check() for the
 * throughput commands: the reference CRC in cmshm_testmsg.h runs bit by
 * bit (about 20 ns per byte), which would dominate "source" and "sink"
 * figures. This file computes the same CRC-32/IEEE slicing-by-8 and
 * tm_selfcheck() proves byte-for-byte equality with the reference at
 * startup, so the message format stays defined by cmshm_testmsg.h alone.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmshm_testmsg.h"
#include "tool.h"

static uint32_t crc_table[8][256];
static int crc_ready;

static void crc_init(void)
{
	uint32_t i, c;
	int k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^
				crc_table[0][crc_table[k - 1][i] & 0xff];
	crc_ready = 1;
}

/* Same result as cmshm_crc32(); bytes are combined explicitly (any endian). */
static uint32_t crc32_fast(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len >= 8) {
		uint32_t a = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				    (uint32_t)p[2] << 16 |
				    (uint32_t)p[3] << 24);

		crc = crc_table[7][a & 0xff] ^ crc_table[6][(a >> 8) & 0xff] ^
		      crc_table[5][(a >> 16) & 0xff] ^ crc_table[4][a >> 24] ^
		      crc_table[3][p[4]] ^ crc_table[2][p[5]] ^
		      crc_table[1][p[6]] ^ crc_table[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/**
 * tm_fill() - cmshm_testmsg_fill() with a table-driven CRC.
 * @buf: destination, @len bytes.
 * @len: total length, at least CMSHM_TESTMSG_MIN (caller checks).
 * @seq: sequence number.
 */
void tm_fill(uint8_t *buf, uint32_t len, uint32_t seq)
{
	struct cmshm_testmsg_hdr h;
	uint32_t i, x = seq * 2654435761u + 1u;

	for (i = CMSHM_TESTMSG_MIN; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 24);
	}
	h.magic = CMSHM_TESTMSG_MAGIC;
	h.seq = seq;
	h.len = len;
	h.crc = crc32_fast(seq, buf + CMSHM_TESTMSG_MIN,
			   len - CMSHM_TESTMSG_MIN);
	memcpy(buf, &h, sizeof(h));
}

/**
 * tm_check() - cmshm_testmsg_check() with a table-driven CRC.
 * @buf: received message.
 * @len: bytes received.
 * @seq: set to the header's sequence number when @len allows.
 *
 * Return: 0 when magic, length and CRC match, -1 otherwise.
 */
int tm_check(const uint8_t *buf, uint32_t len, uint32_t *seq)
{
	struct cmshm_testmsg_hdr h;

	if (len < CMSHM_TESTMSG_MIN)
		return -1;
	memcpy(&h, buf, sizeof(h));
	*seq = h.seq;
	if (h.magic != CMSHM_TESTMSG_MAGIC || h.len != len)
		return -1;
	return h.crc == crc32_fast(h.seq, buf + CMSHM_TESTMSG_MIN,
				   len - CMSHM_TESTMSG_MIN) ? 0 : -1;
}

/**
 * tm_selfcheck() - build the CRC table and compare with the reference.
 *
 * Called once before tm_fill()/tm_check() are used.
 *
 * Return: 0, or EXIT_FAIL after printing an internal error.
 */
int tm_selfcheck(void)
{
	static const uint32_t lens[] = { 16, 17, 23, 24, 25, 1000, 4099 };
	uint8_t a[4099], b[4099];
	uint32_t s, seq;
	unsigned int i;

	if (!crc_ready)
		crc_init();
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (s = 0; s < 3; s++) {
			seq = s * 0x9e3779b9u;
			cmshm_testmsg_fill(a, lens[i], seq);
			tm_fill(b, lens[i], seq);
			if (memcmp(a, b, lens[i]) || tm_check(a, lens[i], &seq))
				goto bad;
			b[lens[i] - 1] ^= 0x40;
			if (!tm_check(b, lens[i], &seq) ||
			    !cmshm_testmsg_check(b, lens[i], &seq))
				goto bad;
		}
	}
	return 0;
bad:
	tool_err("internal error: fast test-message code differs from cmshm_testmsg.h");
	return EXIT_FAIL;
}
