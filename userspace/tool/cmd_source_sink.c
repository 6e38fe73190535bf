// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-tool "source" (write N numbered messages as fast as possible) and
 * "sink" (read N numbered messages and check order and integrity).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmshm_testmsg.h"
#include "tool.h"

/* Sequence numbers are 32 bits: one stream has at most 2^32 messages. */
#define STREAM_COUNT_MAX	(1ull << 32)
/* Report at most this many individual anomalies on stderr. */
#define SINK_REPORT_MAX		10

static void print_rate(const char *cmd, const char *what, uint64_t msgs,
		       uint64_t bytes, int64_t ns)
{
	double s = ns > 0 ? ns / 1e9 : 0;

	printf("%s: %s=%" PRIu64 " bytes=%" PRIu64 " seconds=%.6f"
	       " msgs_per_s=%.0f MB_per_s=%.3f", cmd, what, msgs, bytes, s,
	       s > 0 ? msgs / s : 0.0, s > 0 ? bytes / s / 1e6 : 0.0);
}

/**
 * source_size() - length of message @seq in [@min, @max].
 * @seq: sequence number.
 * @min: smallest length.
 * @max: largest length.
 * @log: log-uniform instead of uniform (see cmshm_testmsg_size()).
 *
 * Deterministic (a hash of @seq), so a run can be repeated exactly.
 *
 * Return: the length in bytes.
 */
static uint32_t source_size(uint32_t seq, uint32_t min, uint32_t max, int log)
{
	uint32_t x = seq * 0x9e3779b9u + 0x7f4a7c15u;

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return cmshm_testmsg_size(x, min, max, log);
}

static int source_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "size-min", required_argument, NULL, 'm' },
		{ "size-max", required_argument, NULL, 'M' },
		{ "size-dist", required_argument, NULL, 'D' },
		{ "nonblock", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t count = 0, smin = 0, smax = 0, i, bytes = 0;
	int fd, opt, rc, r, nonblock = 0, have_count = 0, log = 0;
	int timeout_ms = NO_DEADLINE;
	unsigned long eagains = 0;
	struct cmshm_info info;
	int64_t t0, t1;
	uint8_t *buf;

	while ((opt = getopt_long(argc, argv, "d:hc:s:m:M:D:nt:", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (tool_parse_u64("--count", optarg, 0,
					   STREAM_COUNT_MAX, &count))
				return EXIT_USAGE;
			have_count = 1;
			break;
		case 'D':
			if (strcmp(optarg, "uniform") && strcmp(optarg, "log"))
				return tool_usage_err(&tool_cmd_source,
						      "--size-dist: uniform or log");
			log = !strcmp(optarg, "log");
			break;
		case 'M':
			if (!strcmp(optarg, "max")) {
				smax = UINT32_MAX;	/* max_msg_size */
				break;
			}
			/* fall through */
		case 's':
		case 'm':
			if (tool_parse_u64(opt == 's' ? "--size" :
					   opt == 'm' ? "--size-min" :
					   "--size-max", optarg,
					   1, UINT32_MAX - 1, &i))
				return EXIT_USAGE;
			if (opt != 'M')
				smin = i;
			if (opt != 'm')
				smax = i;
			break;
		case 'n':
			nonblock = 1;
			break;
		case 't':
			if (tool_parse_timeout(optarg, &timeout_ms))
				return EXIT_USAGE;
			break;
		default:
			rc = tool_common_option(&tool_cmd_source, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind != argc)
		return tool_usage_err(&tool_cmd_source,
				      "unexpected argument '%s'",
				      argv[optind]);
	if (!have_count)
		return tool_usage_err(&tool_cmd_source, "--count is required");
	if (!smin && !smax)
		smin = smax = 64;
	else if (!smin)
		smin = CMSHM_TESTMSG_MIN;
	else if (!smax)
		smax = smin;
	if (smin > smax)
		return tool_usage_err(&tool_cmd_source,
				      "--size-min %" PRIu64 " is above --size-max %" PRIu64,
				      smin, smax);
	fd = tool_open(O_WRONLY | (nonblock ? O_NONBLOCK : 0));
	if (fd < 0)
		return EXIT_FAIL;
	rc = tool_get_info(fd, &info);
	if (rc) {
		close(fd);
		return rc;
	}
	if (smax == UINT32_MAX)
		smax = info.max_msg_size;
	if (smin > smax)
		smin = smax;
	if (smax > info.max_msg_size) {
		close(fd);
		return tool_usage_err(&tool_cmd_source,
				      "message size %" PRIu64 " exceeds max_msg_size %u of %s",
				      smax, info.max_msg_size, tool_device);
	}
	buf = malloc(smax);
	if (!buf) {
		close(fd);
		tool_err("out of memory");
		return EXIT_FAIL;
	}
	if (!nonblock) {
		rc = tool_watchdog_start(timeout_ms);
		if (rc)
			goto out;
		tool_signals_unblock();
	}
	t0 = t1 = tool_now_ns();
	for (i = 0; i < count; i++) {
		uint32_t len = source_size((uint32_t)i, (uint32_t)smin,
					   (uint32_t)smax, log);

		cmshm_testmsg_fill(buf, len, (uint32_t)i);
		if (nonblock) {
			r = tool_send_msg(fd, buf, len,
					  tool_deadline(timeout_ms), &eagains);
		} else {
			ssize_t n;

			for (;;) {
				if (tool_stop) {
					r = WAIT_STOPPED;
					break;
				}
				if (tool_timed_out) {
					r = WAIT_TIMEOUT;
					break;
				}
				n = write(fd, buf, len);
				if (n < 0 && errno == EINTR)
					continue;
				r = WAIT_READY;
				if (n != (ssize_t)len) {
					if (n >= 0)
						errno = EIO;
					r = WAIT_ERROR;
				}
				break;
			}
		}
		if (r != WAIT_READY)
			break;
		tool_progress++;
		bytes += len;
		t1 = tool_now_ns();
	}
	if (!nonblock) {
		tool_signals_block();
		tool_watchdog_stop();
	}
	if (i < count) {
		if (r == WAIT_TIMEOUT) {
			tool_err("%s: write: message %" PRIu64 " not accepted within %d ms",
				 tool_device, i, timeout_ms);
			rc = EXIT_TIMEOUT;
		} else if (r == WAIT_STOPPED) {
			tool_err("interrupted");
			rc = EXIT_FAIL;
		} else {
			rc = tool_syserr("write");
		}
	}
	print_rate("source", "messages", i, bytes, t1 - t0);
	printf(" eagain=%lu\n", eagains);
out:
	free(buf);
	close(fd);
	return rc;
}

const struct tool_cmd tool_cmd_source = {
	.name = "source",
	.brief = "write N numbered messages and report throughput",
	.run = source_run,
	.usage =
"Usage: cmshm-tool [-d DEVICE] source --count N [--size BYTES |\n"
"                  --size-min A --size-max B] [--nonblock] [--timeout MS]\n"
"\n"
"Write N numbered messages (cmshm_testmsg.h, seq 0..N-1, checked by\n"
"\"sink\" or cmshm-remote) as fast as possible. Lengths are uniform in\n"
"[A, B], a deterministic function of seq. Prints\n"
"  source: messages=N bytes=B seconds=T msgs_per_s=R MB_per_s=M eagain=E\n"
"(MB = 10^6 bytes; T from the first write() to the end of the last).\n"
"\n"
"Options:\n"
"  -c, --count N       messages to write (required; up to 2^32)\n"
"  -s, --size BYTES    fixed length, 1..max_msg_size (default 64); below\n"
"                      16 bytes a message carries no number and the sink\n"
"                      compares it with the one it expects next\n"
"  -m, --size-min A    smallest length (default 16 when only -M is given)\n"
"  -M, --size-max B    largest length (default A); \"max\": max_msg_size\n"
"  -D, --size-dist D   uniform (default) or log: log-uniform lengths\n"
"  -n, --nonblock      O_NONBLOCK: on EAGAIN poll(POLLOUT) and retry;\n"
"                      E counts the EAGAIN results\n"
"  -t, --timeout MS    fail when one message is not accepted within MS ms\n"
"                      (default -1: wait forever; Ctrl-C stops)\n"
"  -d, --device PATH   device (default /dev/cmshm0)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 all written, 1 open/ioctl/write failed or interrupted,\n"
"2 usage error (also: size above max_msg_size), 4 --timeout expired.\n",
};

/* ---------------------------------------------------------------- sink */

/**
 * struct sink_stats - verification state of one sink run.
 * @count:      expected messages (seq 0..count-1).
 * @seen:       bitmap of sequence numbers received intact.
 * @distinct:   bits set in @seen.
 * @max_seq:    highest sequence number received intact, if @distinct.
 * @received:   read() calls that returned a message.
 * @bytes:      bytes of those messages.
 * @duplicated: intact messages whose seq was already seen.
 * @reordered:  intact messages with a seq below @max_seq, first arrival.
 * @corrupt:    messages failing cmshm_testmsg_check() or with seq >= count.
 * @reported:   anomalies printed so far.
 */
struct sink_stats {
	uint64_t count;
	uint8_t *seen;
	uint64_t distinct;
	uint64_t max_seq;
	uint64_t received;
	uint64_t bytes;
	uint64_t duplicated;
	uint64_t reordered;
	uint64_t corrupt;
	unsigned int reported;
};

static void sink_note(struct sink_stats *st, const char *what, uint64_t seq,
		      size_t len)
{
	if (st->reported++ < SINK_REPORT_MAX)
		tool_err("sink: message #%" PRIu64 " (%zu bytes, seq %" PRIu64
			 "): %s", st->received, len, seq, what);
	else if (st->reported == SINK_REPORT_MAX + 1)
		tool_err("sink: further anomalies not shown");
}

static void sink_account(struct sink_stats *st, const uint8_t *buf,
			 size_t len)
{
	uint32_t seq = 0;

	int rc;

	st->received++;
	st->bytes += len;
	rc = len > UINT32_MAX ? -1 : cmshm_testmsg_check(buf, (uint32_t)len,
							 &seq);
	if (rc == 1) {
		/* Too short to carry its number: it must be the next one. */
		seq = st->distinct ? (uint32_t)st->max_seq + 1 : 0;
		rc = cmshm_testmsg_match(buf, (uint32_t)len, seq) ? 0 : -1;
	}
	if (rc) {
		st->corrupt++;
		sink_note(st, "corrupt (magic, length or CRC)", seq, len);
		return;
	}
	if (seq >= st->count) {
		st->corrupt++;
		sink_note(st, "sequence number out of range", seq, len);
		return;
	}
	if (st->seen[seq / 8] & (1u << (seq % 8))) {
		st->duplicated++;
		sink_note(st, "duplicate", seq, len);
		return;
	}
	st->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	if (st->distinct && seq < st->max_seq) {
		st->reordered++;
		sink_note(st, "reordered (arrived after a later one)", seq,
			  len);
	}
	if (!st->distinct || seq > st->max_seq)
		st->max_seq = seq;
	st->distinct++;
}

static int sink_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t lost, missing, expected_below;
	int fd, opt, rc, r = WAIT_READY, timeout_ms = NO_DEADLINE;
	int have_count = 0, failed = 0;
	struct sink_stats st;
	struct cmshm_info info;
	int64_t t0 = 0, t1 = 0;
	uint8_t *buf = NULL;
	ssize_t len;

	memset(&st, 0, sizeof(st));
	while ((opt = getopt_long(argc, argv, "d:hc:t:", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (tool_parse_u64("--count", optarg, 0,
					   STREAM_COUNT_MAX, &st.count))
				return EXIT_USAGE;
			have_count = 1;
			break;
		case 't':
			if (tool_parse_timeout(optarg, &timeout_ms))
				return EXIT_USAGE;
			break;
		default:
			rc = tool_common_option(&tool_cmd_sink, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind != argc)
		return tool_usage_err(&tool_cmd_sink,
				      "unexpected argument '%s'",
				      argv[optind]);
	if (!have_count)
		return tool_usage_err(&tool_cmd_sink, "--count is required");
	fd = tool_open(O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return EXIT_FAIL;
	rc = tool_get_info(fd, &info);
	if (rc)
		goto out;
	buf = malloc(info.max_msg_size);
	st.seen = calloc(st.count / 8 + 1, 1);
	if (!buf || !st.seen) {
		tool_err("out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	while (st.received < st.count) {
		r = tool_recv_msg(fd, buf, info.max_msg_size,
				  tool_deadline(timeout_ms), &len);
		if (r != WAIT_READY)
			break;
		t1 = tool_now_ns();
		if (!st.received)
			t0 = t1;
		sink_account(&st, buf, (size_t)len);
	}
	if (r == WAIT_ERROR)
		failed = tool_syserr("read");
	else if (r == WAIT_STOPPED)
		tool_err("interrupted");
	else if (r == WAIT_TIMEOUT)
		tool_err("%s: read: no message within %d ms (%" PRIu64
			 " of %" PRIu64 " received)", tool_device, timeout_ms,
			 st.received, st.count);
	/*
	 * After N reads every unseen seq is lost. After an early stop only
	 * the holes below the highest seq are certainly lost; the rest may
	 * still be in flight and is reported as missing.
	 */
	expected_below = st.count;
	if (r != WAIT_READY)
		expected_below = st.distinct ? st.max_seq + 1 : 0;
	lost = expected_below - st.distinct;
	missing = st.count - expected_below;
	print_rate("sink", "received", st.received, st.bytes, t1 - t0);
	printf(" expected=%" PRIu64 " lost=%" PRIu64 " missing=%" PRIu64
	       " duplicated=%" PRIu64 " reordered=%" PRIu64 " corrupt=%" PRIu64
	       "\n", st.count, lost, missing, st.duplicated, st.reordered,
	       st.corrupt);
	if (lost || st.duplicated || st.reordered || st.corrupt)
		rc = EXIT_VERIFY;
	else if (r == WAIT_ERROR)
		rc = failed;
	else if (r == WAIT_STOPPED)
		rc = EXIT_FAIL;
	else if (r == WAIT_TIMEOUT)
		rc = EXIT_TIMEOUT;
out:
	free(st.seen);
	free(buf);
	close(fd);
	return rc;
}

const struct tool_cmd tool_cmd_sink = {
	.name = "sink",
	.brief = "read N numbered messages and verify order and integrity",
	.run = sink_run,
	.usage =
"Usage: cmshm-tool [-d DEVICE] sink --count N [--timeout MS]\n"
"\n"
"Read N numbered messages (cmshm_testmsg.h) and check that seq 0..N-1\n"
"arrive exactly once, in order, with the right length and CRC. Prints\n"
"  sink: received=R bytes=B seconds=T msgs_per_s=.. MB_per_s=..\n"
"        expected=N lost=L missing=M duplicated=D reordered=O corrupt=C\n"
"(on one line; T from the first message to the last). lost: seqs never\n"
"received although N messages arrived, or, after an early stop, holes\n"
"below the highest seq received; missing: seqs above it after an early\n"
"stop; reordered: a seq arriving after a higher one; corrupt: bad magic,\n"
"length or CRC, or seq >= N. The first anomalies are also listed on\n"
"stderr.\n"
"\n"
"Options:\n"
"  -c, --count N       messages to read (required; up to 2^32)\n"
"  -t, --timeout MS    stop when no message arrives for MS ms\n"
"                      (default -1: wait forever; Ctrl-C stops)\n"
"  -d, --device PATH   device (default /dev/cmshm0)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 all N verified, 1 open/ioctl/read failed (e.g.\n"
"ECONNRESET) or interrupted, 2 usage error, 3 lost, duplicated,\n"
"reordered or corrupt messages (takes precedence), 4 --timeout expired.\n",
};
