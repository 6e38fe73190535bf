/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Numbered test messages shared by cmshm-tool, cmshm-remote and the VM
 * tests: a 16-byte header (magic, sequence number, length, CRC32 of the
 * rest) followed by bytes derived from the sequence number, so a receiver
 * detects loss, duplication, reordering and corruption of any byte.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_TESTMSG_H
#define CMSHM_TESTMSG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CMSHM_TESTMSG_MAGIC	0x5153434du	/* "MCSQ" */
/** Smallest numbered message: the header alone. */
#define CMSHM_TESTMSG_MIN	16u

/** First word of a struct cmshm_app_cmd message: "APPX". */
#define CMSHM_APP_CMD_MAGIC	0x58505041u

/**
 * struct cmshm_app_cmd - application-area check, understood by
 * cmshm-remote in echo mode (instead of echoing this message).
 * @magic:    CMSHM_APP_CMD_MAGIC.
 * @offset:   byte offset in the application area.
 * @length:   bytes, 1..4096, inside the area.
 * @reserved: 0.
 *
 * The remote replies with one message holding the @length bytes it reads
 * at @offset, then stores their bitwise complement at the same place, so
 * the sender checks both directions of the mmap()ed area. A command out of
 * range is echoed unchanged.
 */
struct cmshm_app_cmd {
	uint32_t magic;
	uint32_t offset;
	uint32_t length;
	uint32_t reserved;
};

/**
 * struct cmshm_testmsg_hdr - header of a numbered test message.
 * @magic: CMSHM_TESTMSG_MAGIC.
 * @seq:   sequence number, 0 for the first message of a stream.
 * @len:   total message length in bytes, header included.
 * @crc:   CRC-32 (IEEE 802.3, as zlib's crc32()) of bytes 16..len-1,
 *         seeded with @seq so a replayed payload with a new header fails.
 */
struct cmshm_testmsg_hdr {
	uint32_t magic;
	uint32_t seq;
	uint32_t len;
	uint32_t crc;
};

/**
 * cmshm_crc32() - CRC-32/IEEE (reflected, polynomial 0xEDB88320).
 * @crc: running value; 0 to start.
 * @buf: data.
 * @len: bytes.
 *
 * Return: the updated CRC, equal to zlib's crc32(crc, buf, len).
 */
static inline uint32_t cmshm_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = (const uint8_t *)buf;
	int k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

/**
 * cmshm_testmsg_fill() - build numbered message @seq of @len bytes.
 * @buf: destination, at least @len bytes.
 * @len: total length, at least CMSHM_TESTMSG_MIN.
 * @seq: sequence number.
 *
 * Return: 0, or -1 if @len is below CMSHM_TESTMSG_MIN.
 */
static inline int cmshm_testmsg_fill(void *buf, uint32_t len, uint32_t seq)
{
	struct cmshm_testmsg_hdr h;
	uint8_t *p = (uint8_t *)buf;
	uint32_t i, x = seq * 2654435761u + 1u;

	if (len < CMSHM_TESTMSG_MIN)
		return -1;
	for (i = CMSHM_TESTMSG_MIN; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 24);
	}
	h.magic = CMSHM_TESTMSG_MAGIC;
	h.seq = seq;
	h.len = len;
	h.crc = cmshm_crc32(seq, p + CMSHM_TESTMSG_MIN,
			    len - CMSHM_TESTMSG_MIN);
	memcpy(p, &h, sizeof(h));
	return 0;
}

/**
 * cmshm_testmsg_check() - verify a received numbered message.
 * @buf: message.
 * @len: bytes received.
 * @seq: set to the message's sequence number when the header is readable.
 *
 * Return: 0 if magic, length and CRC match; -1 otherwise.
 */
static inline int cmshm_testmsg_check(const void *buf, uint32_t len,
				      uint32_t *seq)
{
	struct cmshm_testmsg_hdr h;
	const uint8_t *p = (const uint8_t *)buf;

	if (len < CMSHM_TESTMSG_MIN)
		return -1;
	memcpy(&h, p, sizeof(h));
	*seq = h.seq;
	if (h.magic != CMSHM_TESTMSG_MAGIC || h.len != len)
		return -1;
	if (h.crc != cmshm_crc32(h.seq, p + CMSHM_TESTMSG_MIN,
				 len - CMSHM_TESTMSG_MIN))
		return -1;
	return 0;
}

#endif /* CMSHM_TESTMSG_H */
