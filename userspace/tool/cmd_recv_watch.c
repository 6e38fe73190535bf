// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-tool "recv" (receive N messages and print them) and "watch"
 * (print every message and link state change with a timestamp).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

enum out_fmt { OUT_TEXT, OUT_HEX, OUT_RAW };

/*
 * Open the device O_NONBLOCK and allocate a receive buffer of @bufsize
 * bytes, or of max_msg_size when @bufsize is UINT64_MAX.
 */
static int open_for_recv(uint64_t bufsize, int *fd, uint8_t **buf,
			 size_t *size)
{
	struct cmshm_info info;
	int rc;

	*fd = tool_open(O_RDONLY | O_NONBLOCK);
	if (*fd < 0)
		return EXIT_FAIL;
	if (bufsize == UINT64_MAX) {
		rc = tool_get_info(*fd, &info);
		if (rc) {
			close(*fd);
			return rc;
		}
		bufsize = info.max_msg_size;
	}
	*size = (size_t)bufsize;
	*buf = malloc(*size ? *size : 1);
	if (!*buf) {
		tool_err("out of memory");
		close(*fd);
		return EXIT_FAIL;
	}
	return 0;
}

/* ---------------------------------------------------------------- recv */

static int recv_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "hex", no_argument, NULL, 'x' },
		{ "raw", no_argument, NULL, 'r' },
		{ "bufsize", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t count = 1, got, bufsize = UINT64_MAX;
	int fd, opt, rc, r, timeout_ms = NO_DEADLINE;
	enum out_fmt fmt = OUT_TEXT;
	uint8_t *buf;
	size_t size;
	ssize_t len;

	while ((opt = getopt_long(argc, argv, "d:hc:t:xrb:", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (tool_parse_u64("--count", optarg, 0, UINT64_MAX - 1,
					   &count))
				return EXIT_USAGE;
			break;
		case 't':
			if (tool_parse_timeout(optarg, &timeout_ms))
				return EXIT_USAGE;
			break;
		case 'x':
		case 'r':
			if (fmt != OUT_TEXT)
				return tool_usage_err(&tool_cmd_recv,
					"--hex and --raw exclude each other");
			fmt = opt == 'x' ? OUT_HEX : OUT_RAW;
			break;
		case 'b':
			if (tool_parse_u64("--bufsize", optarg, 0, 1u << 30,
					   &bufsize))
				return EXIT_USAGE;
			break;
		default:
			rc = tool_common_option(&tool_cmd_recv, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind != argc)
		return tool_usage_err(&tool_cmd_recv,
				      "unexpected argument '%s'",
				      argv[optind]);
	rc = open_for_recv(bufsize, &fd, &buf, &size);
	if (rc)
		return rc;
	for (got = 0; count == 0 || got < count; got++) {
		r = tool_recv_msg(fd, buf, size, tool_deadline(timeout_ms),
				  &len);
		if (r == WAIT_TIMEOUT) {
			tool_err("%s: read: timed out after %d ms (%" PRIu64
				 " message(s) received)", tool_device,
				 timeout_ms, got);
			rc = EXIT_TIMEOUT;
			break;
		}
		if (r == WAIT_STOPPED) {
			tool_err("interrupted (%" PRIu64
				 " message(s) received)", got);
			rc = EXIT_FAIL;
			break;
		}
		if (r == WAIT_ERROR) {
			rc = tool_syserr("read");
			break;
		}
		if (fmt == OUT_RAW) {
			fwrite(buf, 1, (size_t)len, stdout);
		} else {
			if (fmt == OUT_HEX)
				tool_print_hex(stdout, buf, (size_t)len);
			else
				tool_print_text(stdout, buf, (size_t)len);
			putchar('\n');
		}
		fflush(stdout);
	}
	free(buf);
	close(fd);
	return rc;
}

const struct tool_cmd tool_cmd_recv = {
	.name = "recv",
	.brief = "receive N messages and print them",
	.run = recv_run,
	.usage =
"Usage: cmshm-tool [-d DEVICE] recv [--count N] [--timeout MS] [--hex|--raw]\n"
"                                    [--bufsize BYTES]\n"
"\n"
"Receive N messages (O_NONBLOCK + poll(POLLIN)) and print each on stdout:\n"
"by default as one line of text with \\\\, \\n, \\t, \\r and \\xHH escapes.\n"
"\n"
"Options:\n"
"  -c, --count N       messages to receive (default 1; 0 = until stopped)\n"
"  -t, --timeout MS    give up when no message arrives for MS ms\n"
"                      (default -1: wait forever; Ctrl-C stops)\n"
"  -x, --hex           print each message as one line of hex digits\n"
"  -r, --raw           write the bytes unchanged, without separators\n"
"  -b, --bufsize BYTES read() buffer size (default max_msg_size from INFO,\n"
"                      which is then not queried); a smaller buffer makes\n"
"                      read() fail with EMSGSIZE, 0 tests read(fd, buf, 0)\n"
"  -d, --device PATH   device (default /dev/cmshm0)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 all messages received, 1 open/read failed (e.g.\n"
"ECONNRESET after a remote restart, EPROTO, ENODEV) or interrupted,\n"
"2 usage error, 4 --timeout expired.\n",
};

/* --------------------------------------------------------------- watch */

static void stamp(void)
{
	int64_t t = tool_now_ns();

	printf("%" PRId64 ".%06" PRId64 " ", t / 1000000000,
	       t % 1000000000 / 1000);
}

static void event(const char *what)
{
	stamp();
	printf("%s\n", what);
	fflush(stdout);
}

/*
 * Read and print every queued message. Return -1 to keep watching,
 * otherwise an exit code.
 */
static int watch_drain(int fd, uint8_t *buf, size_t size, int hex,
		       int *got_any)
{
	for (;;) {
		ssize_t n = read(fd, buf, size);

		if (n >= 0) {
			stamp();
			printf("msg len=%zd ", n);
			if (hex)
				tool_print_hex(stdout, buf, (size_t)n);
			else
				tool_print_text(stdout, buf, (size_t)n);
			putchar('\n');
			fflush(stdout);
			*got_any = 1;
			if (!size)
				return -1;	/* read(fd, buf, 0): once */
			continue;
		}
		switch (errno) {
		case EAGAIN:
			return -1;
		case EINTR:
			if (tool_stop)
				return EXIT_OK;
			continue;
		case ECONNRESET:
			event("peer reset (read: ECONNRESET)");
			continue;
		case EPROTO:
			event("protocol error (read: EPROTO)");
			continue;
		case ENODEV:
			event("device gone (read: ENODEV)");
			return tool_syserr("read");
		default:
			return tool_syserr("read");
		}
	}
}

static int watch_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "timeout", required_argument, NULL, 't' },
		{ "hex", no_argument, NULL, 'x' },
		{ "bufsize", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	int fd, opt, rc, r, hex = 0, timeout_ms = NO_DEADLINE;
	uint64_t bufsize = UINT64_MAX;
	struct cmshm_info info;
	uint32_t state;
	int64_t deadline;
	uint8_t *buf;
	size_t size;
	char line[64];
	short rev;

	while ((opt = getopt_long(argc, argv, "d:ht:xb:", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 't':
			if (tool_parse_timeout(optarg, &timeout_ms))
				return EXIT_USAGE;
			break;
		case 'x':
			hex = 1;
			break;
		case 'b':
			if (tool_parse_u64("--bufsize", optarg, 0, 1u << 30,
					   &bufsize))
				return EXIT_USAGE;
			break;
		default:
			rc = tool_common_option(&tool_cmd_watch, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind != argc)
		return tool_usage_err(&tool_cmd_watch,
				      "unexpected argument '%s'",
				      argv[optind]);
	deadline = tool_deadline(timeout_ms);
	rc = open_for_recv(bufsize, &fd, &buf, &size);
	if (rc)
		return rc;
	rc = tool_get_info(fd, &info);
	if (rc)
		goto out;
	state = info.link_state;
	snprintf(line, sizeof(line), "link %s (initial)",
		 tool_link_state_name(state));
	event(line);
	rc = -1;
	while (rc < 0) {
		int got_any = 0;

		/* Sleeps while the link is down: nothing is set for that. */
		r = tool_wait(fd, POLLIN | POLLPRI, deadline, &rev);
		if (r == WAIT_STOPPED || r == WAIT_TIMEOUT) {
			rc = EXIT_OK;
			break;
		}
		if (r == WAIT_ERROR) {
			rc = tool_syserr("poll");
			break;
		}
		if (rev & POLLERR)
			event("protocol error (poll: POLLERR)");
		/* POLLPRI: the link state changed; INFO reads it (and acks). */
		if (rev & POLLPRI) {
			rc = tool_get_info(fd, &info);
			if (rc)
				break;
			rc = -1;
			if (info.link_state != state) {
				state = info.link_state;
				snprintf(line, sizeof(line), "link %s",
					 tool_link_state_name(state));
				event(line);
			}
		}
		if (rev & (POLLIN | POLLHUP))
			rc = watch_drain(fd, buf, size, hex, &got_any);
	}
out:
	free(buf);
	close(fd);
	return rc;
}

const struct tool_cmd tool_cmd_watch = {
	.name = "watch",
	.brief = "print messages and link state changes with timestamps",
	.run = watch_run,
	.usage =
"Usage: cmshm-tool [-d DEVICE] watch [--timeout MS] [--hex] [--bufsize BYTES]\n"
"\n"
"Poll the device and print one line per event, prefixed with the\n"
"CLOCK_MONOTONIC time in seconds (comparable with dmesg timestamps):\n"
"  T link STATE (initial)         link_state from CMSHM_IOC_INFO at start\n"
"  T link down|error|up           the link state changed (POLLPRI, INFO)\n"
"  T protocol error (poll: POLLERR)\n"
"  T msg len=N TEXT               a message (escaped text or --hex)\n"
"  T peer reset (read: ECONNRESET)\n"
"  T protocol error (read: EPROTO)\n"
"  T device gone (read: ENODEV)   then exits with status 1\n"
"It sleeps in poll() between events, the link down included.\n"
"\n"
"Options:\n"
"  -t, --timeout MS    stop after MS ms in total (default -1: until Ctrl-C)\n"
"  -x, --hex           print message bytes as hex\n"
"  -b, --bufsize BYTES read() buffer size (default max_msg_size)\n"
"  -d, --device PATH   device (default /dev/cmshm0)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 stopped by Ctrl-C/SIGTERM or --timeout elapsed,\n"
"1 open/ioctl/read failed (including ENODEV), 2 usage error.\n",
};
