// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-tool output formatting: escaped text, hex strings and a
 * "hexdump -C" compatible dump of mapped device memory.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/**
 * tool_print_text() - print bytes as text with non-printables escaped.
 * @out: stream.
 * @buf: bytes.
 * @len: number of bytes.
 *
 * Printable ASCII is copied, backslash becomes "\\", newline, tab and
 * carriage return become "\n", "\t", "\r", anything else "\xHH". No
 * newline is added.
 */
void tool_print_text(FILE *out, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if (c == '\\')
			fputs("\\\\", out);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
}

/**
 * tool_print_hex() - print bytes as lower-case hex digits, no separators.
 * @out: stream.
 * @buf: bytes.
 * @len: number of bytes.
 *
 * The output is accepted back by "send --hex". No newline is added.
 */
void tool_print_hex(FILE *out, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(out, "%02x", buf[i]);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * tool_parse_hex() - decode a hex string such as "de ad:be_ef".
 * @s:   text; pairs of hex digits, with optional spaces, ':' or '_'
 *       between bytes.
 * @buf: set to a malloc()ed buffer the caller frees (also when empty).
 * @len: decoded length.
 *
 * Return: 0, -1 on a bad character or an odd number of digits, -2 when
 * out of memory.
 */
int tool_parse_hex(const char *s, uint8_t **buf, size_t *len)
{
	uint8_t *b = malloc(strlen(s) / 2 + 1);
	size_t n = 0;

	if (!b)
		return -2;
	while (*s) {
		int hi, lo;

		if (*s == ' ' || *s == ':' || *s == '_') {
			s++;
			continue;
		}
		hi = hex_value(s[0]);
		lo = hi < 0 ? -1 : hex_value(s[1]);
		if (lo < 0) {
			free(b);
			return -1;
		}
		b[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*buf = b;
	*len = n;
	return 0;
}

static void hexdump_line(FILE *out, uint64_t off, const uint8_t *b,
			 size_t n)
{
	size_t i;

	fprintf(out, "%08" PRIx64 " ", off);
	for (i = 0; i < 16; i++) {
		if (i == 8)
			fputc(' ', out);
		if (i < n)
			fprintf(out, " %02x", b[i]);
		else
			fputs("   ", out);
	}
	fputs("  |", out);
	for (i = 0; i < n; i++)
		fputc(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.', out);
	fputs("|\n", out);
}

/**
 * tool_hexdump() - dump memory like "hexdump -C" (canonical hex+ASCII).
 * @out:     stream.
 * @base:    start of the mapping (offset 0); read byte by byte through a
 *           volatile pointer so the compiler never widens or elides loads
 *           on device memory.
 * @offset:  first byte to dump; printed offsets are relative to @base.
 * @length:  bytes to dump.
 * @squeeze: non-zero to print "*" for repeated full lines (hexdump's
 *           default), zero to print every line (hexdump -v).
 *
 * The last line holds the end offset, as in hexdump.
 */
void tool_hexdump(FILE *out, const volatile uint8_t *base, uint64_t offset,
		  uint64_t length, int squeeze)
{
	uint8_t prev[16], cur[16];
	uint64_t pos = offset, end = offset + length;
	int have_prev = 0, starred = 0;

	while (pos < end) {
		size_t i, n = end - pos < 16 ? (size_t)(end - pos) : 16;

		for (i = 0; i < n; i++)
			cur[i] = base[pos + i];
		if (squeeze && n == 16 && have_prev &&
		    !memcmp(prev, cur, 16)) {
			if (!starred)
				fputs("*\n", out);
			starred = 1;
		} else {
			hexdump_line(out, pos, cur, n);
			starred = 0;
		}
		memcpy(prev, cur, n);
		have_prev = n == 16;
		pos += n;
	}
	if (length)
		fprintf(out, "%08" PRIx64 "\n", end);
}

/**
 * tool_link_state_name() - name of a CMSHM_LINK_STATE_* value.
 * @state: cmshm_info.link_state.
 *
 * Return: "down", "up", "error" or "unknown".
 */
const char *tool_link_state_name(uint32_t state)
{
	switch (state) {
	case CMSHM_LINK_STATE_DOWN:
		return "down";
	case CMSHM_LINK_STATE_UP:
		return "up";
	case CMSHM_LINK_STATE_ERROR:
		return "error";
	default:
		return "unknown";
	}
}
