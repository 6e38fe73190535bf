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
#if defined(__STDC_HOSTED__) && !__STDC_HOSTED__
/* Freestanding (the test firmware): its runtime provides these. */
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#else
#include <string.h>
#endif

#define CMSHM_TESTMSG_MAGIC	0x5153434du	/* "MCSQ" */
/** Smallest message that carries its number: the header alone. */
#define CMSHM_TESTMSG_MIN	16u

/** First word of a struct cmshm_app_cmd message: "APPX". */
#define CMSHM_APP_CMD_MAGIC	0x58505041u

/**
 * struct cmshm_app_cmd - application-area check, understood by
 * cmshm-remote in echo mode (instead of echoing this message).
 * @magic:    CMSHM_APP_CMD_MAGIC.
 * @offset:   byte offset in the application area.
 * @length:   bytes, 1..CMSHM_APP_CMD_MAX, inside the area.
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

/** The longest application-area check a remote answers, in bytes. */
#define CMSHM_APP_CMD_MAX	4096u

/**
 * cmshm_app_cmd_get() - is @msg an application-area check a remote with
 * an area of @app_size bytes answers?
 * @cmd:      set to a private copy of the command (@msg is read once).
 * @msg:      a received message.
 * @len:      its length in bytes.
 * @app_size: the application area's size in bytes.
 *
 * Return: 1 if @msg is a struct cmshm_app_cmd whose range is inside the
 * area and at most CMSHM_APP_CMD_MAX bytes long, else 0 (the message is
 * data: echo it).
 */
static inline int cmshm_app_cmd_get(struct cmshm_app_cmd *cmd,
				    const void *msg, uint32_t len,
				    uint32_t app_size)
{
	if (len != sizeof(*cmd))
		return 0;
	memcpy(cmd, msg, sizeof(*cmd));
	return cmd->magic == CMSHM_APP_CMD_MAGIC && cmd->length &&
	       cmd->length <= CMSHM_APP_CMD_MAX && cmd->offset <= app_size &&
	       cmd->length <= app_size - cmd->offset;
}

/** First word of a struct cmshm_fw_cmd message: "FCMD". */
#define CMSHM_FW_CMD_MAGIC	0x444d4346u
/** First word of a struct cmshm_fw_stats reply: "FSTA". */
#define CMSHM_FW_STATS_MAGIC	0x41545346u

/* Operations of struct cmshm_fw_cmd. */
#define CMSHM_FW_SOURCE		1u	/* send numbered messages */
#define CMSHM_FW_STATS		2u	/* reply with struct cmshm_fw_stats */
#define CMSHM_FW_RESTART	3u	/* restart the firmware */

/**
 * struct cmshm_fw_cmd - a command to the test firmware of the emulated
 * ZynqMP's R5 (firmware/examples/qemu-zynqmp), on any of its links; it is
 * consumed, never echoed or counted as data.
 * @magic: CMSHM_FW_CMD_MAGIC.
 * @op:    CMSHM_FW_SOURCE: send @arg[0] numbered messages (seq 0 up, as
 *         cmshm-tool sink checks them), lengths uniform in
 *         [@arg[1], @arg[2]] bytes (clamped to the ring's maximum), on
 *         this link, replacing a run in progress;
 *         CMSHM_FW_STATS: reply on this link with its struct
 *         cmshm_fw_stats, then zero its counters if @arg[0] is 1;
 *         CMSHM_FW_RESTART: restart the whole firmware from its reset
 *         vector, as a watchdog reset would (every link publishes a new
 *         session).
 * @arg:   operands; unused ones 0.
 */
struct cmshm_fw_cmd {
	uint32_t magic;
	uint32_t op;
	uint32_t arg[4];
};

/**
 * struct cmshm_fw_stats - one link's counters in the test firmware, the
 * reply to CMSHM_FW_STATS.
 * @magic:      CMSHM_FW_STATS_MAGIC.
 * @boots:      firmware starts since power-on (1 + restarts).
 * @rx_msgs:    data messages received (commands not counted).
 * @sink_ok:    numbered messages received intact, in order.
 * @sink_lost:  sequence numbers skipped.
 * @sink_order: intact messages that arrived behind the expected number
 *              (duplicated or reordered).
 * @sink_bad:   messages failing cmshm_testmsg_check().
 * @tx_msgs:    messages sent (echoes, numbered messages, replies).
 * @resets:     host restarts seen (CMSHM_REMOTE_RESET).
 * @errors:     protocol errors (CMSHM_REMOTE_ERROR).
 */
struct cmshm_fw_stats {
	uint32_t magic;
	uint32_t boots;
	uint32_t rx_msgs;
	uint32_t sink_ok;
	uint32_t sink_lost;
	uint32_t sink_order;
	uint32_t sink_bad;
	uint32_t tx_msgs;
	uint32_t resets;
	uint32_t errors;
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

/* CRC-32/IEEE table (reflected polynomial 0xEDB88320), byte at a time. */
static const uint32_t cmshm_crc32_table[256] = {
	0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau,
	0x076dc419u, 0x706af48fu, 0xe963a535u, 0x9e6495a3u,
	0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
	0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u,
	0x1db71064u, 0x6ab020f2u, 0xf3b97148u, 0x84be41deu,
	0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
	0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu,
	0x14015c4fu, 0x63066cd9u, 0xfa0f3d63u, 0x8d080df5u,
	0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
	0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu,
	0x35b5a8fau, 0x42b2986cu, 0xdbbbc9d6u, 0xacbcf940u,
	0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
	0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u,
	0x21b4f4b5u, 0x56b3c423u, 0xcfba9599u, 0xb8bda50fu,
	0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
	0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du,
	0x76dc4190u, 0x01db7106u, 0x98d220bcu, 0xefd5102au,
	0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
	0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u,
	0x7f6a0dbbu, 0x086d3d2du, 0x91646c97u, 0xe6635c01u,
	0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
	0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u,
	0x65b0d9c6u, 0x12b7e950u, 0x8bbeb8eau, 0xfcb9887cu,
	0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
	0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u,
	0x4adfa541u, 0x3dd895d7u, 0xa4d1c46du, 0xd3d6f4fbu,
	0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
	0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u,
	0x5005713cu, 0x270241aau, 0xbe0b1010u, 0xc90c2086u,
	0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
	0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u,
	0x59b33d17u, 0x2eb40d81u, 0xb7bd5c3bu, 0xc0ba6cadu,
	0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
	0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u,
	0xe3630b12u, 0x94643b84u, 0x0d6d6a3eu, 0x7a6a5aa8u,
	0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
	0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu,
	0xf762575du, 0x806567cbu, 0x196c3671u, 0x6e6b06e7u,
	0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
	0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u,
	0xd6d6a3e8u, 0xa1d1937eu, 0x38d8c2c4u, 0x4fdff252u,
	0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
	0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u,
	0xdf60efc3u, 0xa867df55u, 0x316e8eefu, 0x4669be79u,
	0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
	0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu,
	0xc5ba3bbeu, 0xb2bd0b28u, 0x2bb45a92u, 0x5cb36a04u,
	0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
	0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au,
	0x9c0906a9u, 0xeb0e363fu, 0x72076785u, 0x05005713u,
	0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
	0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u,
	0x86d3d2d4u, 0xf1d4e242u, 0x68ddb3f8u, 0x1fda836eu,
	0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
	0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu,
	0x8f659effu, 0xf862ae69u, 0x616bffd3u, 0x166ccf45u,
	0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
	0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu,
	0xaed16a4au, 0xd9d65adcu, 0x40df0b66u, 0x37d83bf0u,
	0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
	0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u,
	0xbad03605u, 0xcdd70693u, 0x54de5729u, 0x23d967bfu,
	0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
	0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
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

	crc = ~crc;
	while (len--)
		crc = (crc >> 8) ^ cmshm_crc32_table[(crc ^ *p++) & 0xffu];
	return ~crc;
}

/* Bytes of message @seq at [from, len): a generator seeded by @seq. */
static inline void cmshm_testmsg_pattern(uint8_t *p, uint32_t from,
					 uint32_t len, uint32_t seq)
{
	uint32_t i, x = seq * 2654435761u + 1u;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		if (i >= from)
			p[i] = (uint8_t)(x >> 24);
	}
}

/**
 * cmshm_testmsg_fill() - build numbered message @seq of @len bytes.
 * @buf: destination, at least @len bytes.
 * @len: total length, at least 1.
 * @seq: sequence number.
 *
 * A message of CMSHM_TESTMSG_MIN bytes or more carries the header; a
 * shorter one is only the first @len bytes of the pattern for @seq (see
 * cmshm_testmsg_match()).
 *
 * Return: 0, or -1 if @len is 0.
 */
static inline int cmshm_testmsg_fill(void *buf, uint32_t len, uint32_t seq)
{
	struct cmshm_testmsg_hdr h;
	uint8_t *p = (uint8_t *)buf;

	if (!len)
		return -1;
	if (len < CMSHM_TESTMSG_MIN) {
		cmshm_testmsg_pattern(p, 0, len, seq);
		return 0;
	}
	cmshm_testmsg_pattern(p, CMSHM_TESTMSG_MIN, len, seq);
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
 * Return: 0 if magic, length and CRC match; 1 if @len is below
 * CMSHM_TESTMSG_MIN (a short message carries no number: compare it with
 * the expected one with cmshm_testmsg_match()); -1 otherwise.
 */
static inline int cmshm_testmsg_check(const void *buf, uint32_t len,
				      uint32_t *seq)
{
	struct cmshm_testmsg_hdr h;
	const uint8_t *p = (const uint8_t *)buf;

	if (len < CMSHM_TESTMSG_MIN)
		return len ? 1 : -1;
	memcpy(&h, p, sizeof(h));
	*seq = h.seq;
	if (h.magic != CMSHM_TESTMSG_MAGIC || h.len != len)
		return -1;
	if (h.crc != cmshm_crc32(h.seq, p + CMSHM_TESTMSG_MIN,
				 len - CMSHM_TESTMSG_MIN))
		return -1;
	return 0;
}

/**
 * cmshm_testmsg_match() - is @buf exactly message @seq of @len bytes?
 * @buf: message.
 * @len: bytes received, 1..CMSHM_TESTMSG_MIN - 1 (longer ones: check()).
 * @seq: the sequence number expected.
 *
 * Return: 1 if it matches, 0 if not.
 */
static inline int cmshm_testmsg_match(const void *buf, uint32_t len,
				      uint32_t seq)
{
	uint8_t want[CMSHM_TESTMSG_MIN];

	if (!len || len >= CMSHM_TESTMSG_MIN)
		return 0;
	cmshm_testmsg_pattern(want, 0, len, seq);
	return !memcmp(buf, want, len);
}

/**
 * cmshm_testmsg_size() - a message length in [@min, @max] from a random
 * number.
 * @r:         32 random bits.
 * @min:       smallest length (at least 1).
 * @max:       largest length.
 * @log_scale: 0: uniform; 1: log-uniform (a power-of-two band chosen
 *             uniformly, then uniform inside it, so small and large
 *             messages are both common).
 *
 * Return: the length in bytes.
 */
static inline uint32_t cmshm_testmsg_size(uint32_t r, uint32_t min,
					  uint32_t max, int log_scale)
{
	uint32_t bands = 0, lo, hi;

	if (min >= max)
		return min;
	if (!log_scale)
		return min + (uint32_t)((uint64_t)r % ((uint64_t)max - min + 1));
	while (bands < 32 && (max >> bands))
		bands++;
	lo = 1u << (r % bands);
	hi = lo > (UINT32_MAX >> 1) ? UINT32_MAX : 2 * lo - 1;
	lo = lo < min ? min : lo;
	hi = hi > max ? max : hi;
	if (lo > hi)
		return min;
	return lo + (r >> 5) % (hi - lo + 1);
}

#endif /* CMSHM_TESTMSG_H */
