// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-tool "ping": numbered round trips against a remote that echoes
 * every message back unchanged; reports latency percentiles.
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

/* Largest --count: the latency array must fit in memory. */
#define PING_COUNT_MAX	(1u << 24)

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Print the summary of @n round trips whose times (ns) are in @rtt. */
static void ping_report(uint64_t *rtt, uint64_t n, uint64_t size)
{
	uint64_t p99;

	if (!n) {
		printf("ping: count=0 size=%" PRIu64 "\n", size);
		return;
	}
	qsort(rtt, n, sizeof(*rtt), cmp_u64);
	/* Nearest-rank percentile: the ceil(0.99 n)-th smallest value. */
	p99 = (n * 99 + 99) / 100;
	printf("ping: count=%" PRIu64 " size=%" PRIu64
	       " min_us=%.1f median_us=%.1f p99_us=%.1f max_us=%.1f\n",
	       n, size, rtt[0] / 1e3, rtt[(n - 1) / 2] / 1e3,
	       rtt[p99 - 1] / 1e3, rtt[n - 1] / 1e3);
}

/* Describe how the echo @got (@len bytes) differs from @sent. */
static void ping_mismatch(uint64_t i, const uint8_t *sent, size_t size,
			  const uint8_t *got, size_t len)
{
	uint32_t seq = 0;
	size_t k;

	if (cmshm_testmsg_check(got, (uint32_t)len, &seq)) {
		tool_err("ping %" PRIu64 ": echo is not a valid numbered message (%zu bytes)",
			 i, len);
		return;
	}
	if (len != size || seq != (uint32_t)i) {
		tool_err("ping %" PRIu64 ": echo is message seq %u of %zu bytes, expected seq %u of %zu bytes",
			 i, seq, len, (uint32_t)i, size);
		return;
	}
	for (k = 0; k < len && sent[k] == got[k]; k++)
		;
	tool_err("ping %" PRIu64 ": echo differs at byte %zu", i, k);
}

static int ping_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t count = 10, size = 64, interval_ms = 0, i, *rtt;
	int fd, opt, rc, r, verbose = 0, timeout_ms = 1000;
	struct cmshm_info info;
	uint8_t *tx, *rx;
	int64_t t0, next;
	ssize_t len;

	while ((opt = getopt_long(argc, argv, "d:hc:s:i:t:v", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (tool_parse_u64("--count", optarg, 1,
					   PING_COUNT_MAX, &count))
				return EXIT_USAGE;
			break;
		case 's':
			if (tool_parse_u64("--size", optarg, CMSHM_TESTMSG_MIN,
					   UINT32_MAX, &size))
				return EXIT_USAGE;
			break;
		case 'i':
			if (tool_parse_u64("--interval", optarg, 0, 3600000,
					   &interval_ms))
				return EXIT_USAGE;
			break;
		case 't':
			if (tool_parse_timeout(optarg, &timeout_ms))
				return EXIT_USAGE;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			rc = tool_common_option(&tool_cmd_ping, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind != argc)
		return tool_usage_err(&tool_cmd_ping,
				      "unexpected argument '%s'",
				      argv[optind]);
	fd = tool_open(O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return EXIT_FAIL;
	rc = tool_get_info(fd, &info);
	if (rc) {
		close(fd);
		return rc;
	}
	if (size > info.max_msg_size) {
		close(fd);
		return tool_usage_err(&tool_cmd_ping,
				      "--size %" PRIu64 " exceeds max_msg_size %u of %s",
				      size, info.max_msg_size, tool_device);
	}
	tx = malloc(size);
	rx = malloc(size + 1);	/* one more byte: a longer echo is seen */
	rtt = malloc(count * sizeof(*rtt));
	if (!tx || !rx || !rtt) {
		tool_err("out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	next = tool_now_ns();
	for (i = 0; i < count; i++) {
		int64_t deadline;

		if (i && interval_ms) {
			next += (int64_t)interval_ms * 1000000;
			r = tool_sleep_until(next, NO_DEADLINE);
			if (r == WAIT_STOPPED)
				break;
		}
		cmshm_testmsg_fill(tx, (uint32_t)size, (uint32_t)i);
		t0 = tool_now_ns();
		deadline = tool_deadline(timeout_ms);
		r = tool_send_msg(fd, tx, size, deadline, NULL);
		if (r == WAIT_READY)
			r = tool_recv_msg(fd, rx, size + 1, deadline, &len);
		if (r == WAIT_STOPPED)
			break;
		if (r == WAIT_TIMEOUT) {
			tool_err("%s: ping %" PRIu64 ": no echo within %d ms",
				 tool_device, i, timeout_ms);
			rc = EXIT_TIMEOUT;
			break;
		}
		if (r == WAIT_ERROR) {
			/* EMSGSIZE on read: the echo is longer than sent. */
			rc = tool_syserr(errno == EMSGSIZE ? "read echo" :
					 "ping");
			break;
		}
		rtt[i] = (uint64_t)(tool_now_ns() - t0);
		if ((size_t)len != size || memcmp(tx, rx, size)) {
			ping_mismatch(i, tx, size, rx, (size_t)len);
			rc = EXIT_VERIFY;
			break;
		}
		if (verbose) {
			printf("ping %" PRIu64 ": %" PRIu64 " bytes, %.1f us\n",
			       i, size, rtt[i] / 1e3);
			fflush(stdout);
		}
	}
	if (tool_stop) {
		tool_err("interrupted");
		rc = EXIT_FAIL;
	}
	ping_report(rtt, i, size);
out:
	free(tx);
	free(rx);
	free(rtt);
	close(fd);
	return rc;
}

const struct tool_cmd tool_cmd_ping = {
	.name = "ping",
	.brief = "round-trip latency against a remote in echo mode",
	.run = ping_run,
	.usage =
"Usage: cmshm-tool [-d DEVICE] ping [--count N] [--size BYTES] [--interval MS]\n"
"                                    [--timeout MS] [--verbose]\n"
"\n"
"Send numbered messages (cmshm_testmsg.h, seq 0..N-1) one at a time and\n"
"wait for the remote to echo each back unchanged (cmshm-remote in echo\n"
"mode). Every echo must equal the message sent, byte for byte. Prints\n"
"  ping: count=N size=S min_us=.. median_us=.. p99_us=.. max_us=..\n"
"over the completed round trips (also after a failure). The round trip\n"
"is measured with CLOCK_MONOTONIC from before write() to after read().\n"
"\n"
"Options:\n"
"  -c, --count N       round trips (default 10)\n"
"  -s, --size BYTES    message size, 16..max_msg_size (default 64)\n"
"  -i, --interval MS   start a round trip every MS ms (default 0: at once)\n"
"  -t, --timeout MS    limit per round trip (default 1000; -1 = none)\n"
"  -v, --verbose       print every round trip\n"
"  -d, --device PATH   device (default /dev/cmshm0)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 all echoes matched, 1 open/ioctl/read/write failed or\n"
"interrupted, 2 usage error, 3 an echo differed (wrong length, sequence\n"
"or bytes), 4 no echo within --timeout.\n",
};
