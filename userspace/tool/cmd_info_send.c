// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-tool "info" (CMSHM_IOC_INFO, human readable) and "send" (one
 * message per argument, or a file / stdin as one message).
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

#include "tool.h"

/* Largest --file/--stdin message the tool reads into memory. */
#define SEND_FILE_MAX	(64u << 20)

/* ---------------------------------------------------------------- info */

static void print_size(const char *name, uint64_t v)
{
	printf("%-22s %" PRIu64 " (0x%" PRIx64 ")\n", name, v, v);
}

static int info_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmshm_counters *c;
	struct cmshm_info info;
	int fd, opt, rc;
	unsigned int i;

	while ((opt = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		rc = tool_common_option(&tool_cmd_info, opt, optarg);
		if (rc >= 0)
			return rc;
	}
	if (optind != argc)
		return tool_usage_err(&tool_cmd_info,
				      "unexpected argument '%s'",
				      argv[optind]);
	fd = tool_open(O_RDONLY);
	if (fd < 0)
		return EXIT_FAIL;
	rc = tool_get_info(fd, &info);
	close(fd);
	if (rc)
		return rc;
	c = &info.counters;
	printf("%-22s %s\n", "device:", tool_device);
	printf("%-22s %u\n", "version:", info.version);
	printf("%-22s %s (%u)\n", "link_state:",
	       tool_link_state_name(info.link_state), info.link_state);
	printf("%-22s 0x%08x%s\n", "flags:", info.flags,
	       (info.flags & CMSHM_INFO_F_POLLING) ?
	       " (polling, no mailbox)" : " (mailbox)");
	print_size("region_size:", info.region_size);
	print_size("app_offset:", info.app_offset);
	print_size("app_size:", info.app_size);
	print_size("tx_ring_size:", info.tx_ring_size);
	print_size("rx_ring_size:", info.rx_ring_size);
	print_size("max_msg_size:", info.max_msg_size);
	for (i = 0; i < 4; i++)
		if (info.reserved[i])
			printf("reserved[%u]:           0x%" PRIx64
			       " (expected 0)\n", i, (uint64_t)info.reserved[i]);
	printf("counters:\n");
	printf("  %-20s %" PRIu64 "\n", "tx_messages:",
	       (uint64_t)c->tx_messages);
	printf("  %-20s %" PRIu64 "\n", "tx_bytes:", (uint64_t)c->tx_bytes);
	printf("  %-20s %" PRIu64 "\n", "rx_messages:",
	       (uint64_t)c->rx_messages);
	printf("  %-20s %" PRIu64 "\n", "rx_bytes:", (uint64_t)c->rx_bytes);
	printf("  %-20s %" PRIu64 "\n", "doorbells_sent:",
	       (uint64_t)c->doorbells_sent);
	printf("  %-20s %" PRIu64 "\n", "doorbells_received:",
	       (uint64_t)c->doorbells_received);
	printf("  %-20s %" PRIu64 "\n", "doorbells_coalesced:",
	       (uint64_t)c->doorbells_coalesced);
	printf("  %-20s %" PRIu64 "\n", "protocol_errors:",
	       (uint64_t)c->protocol_errors);
	printf("  %-20s %" PRIu64 "\n", "peer_resets:",
	       (uint64_t)c->peer_resets);
	for (i = 0; i < 7; i++)
		if (c->reserved[i])
			printf("  reserved[%u]:          0x%" PRIx64
			       " (expected 0)\n", i,
			       (uint64_t)c->reserved[i]);
	return EXIT_OK;
}

const struct tool_cmd tool_cmd_info = {
	.name = "info",
	.brief = "print the device geometry, link state and counters",
	.run = info_run,
	.usage =
"Usage: cmshm-tool [-d DEVICE] info\n"
"\n"
"Print every field of CMSHM_IOC_INFO: protocol version, link state,\n"
"flags, region/application-area/ring sizes, the largest message, and the\n"
"link counters (messages, bytes, doorbells, protocol errors, peer resets).\n"
"\n"
"Options:\n"
"  -d, --device PATH   device (default /dev/cmshm0)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 success, 1 open or ioctl failed, 2 usage error.\n",
};

/* ---------------------------------------------------------------- send */

/* Read all of @fd (at most SEND_FILE_MAX bytes) into a malloc()ed buffer. */
static int slurp(int fd, const char *name, uint8_t **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap), *nb;

	while (buf) {
		ssize_t r;

		if (n == cap) {
			if (cap > SEND_FILE_MAX) {
				tool_err("%s: larger than %u bytes", name,
					 SEND_FILE_MAX);
				free(buf);
				return EXIT_FAIL;
			}
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			tool_err("%s: read: %s", name, strerror(errno));
			free(buf);
			return EXIT_FAIL;
		}
		if (r == 0) {
			*out = buf;
			*len = n;
			return 0;
		}
		n += (size_t)r;
	}
	free(buf);
	tool_err("out of memory");
	return EXIT_FAIL;
}

/* Send @len bytes; blocking unless @timeout_ms is set. Return EXIT_*. */
static int send_one(int fd, const uint8_t *buf, size_t len, int timeout_ms)
{
	int r;

	if (timeout_ms != NO_DEADLINE) {
		r = tool_send_msg(fd, buf, len, tool_deadline(timeout_ms),
				  NULL);
		if (r == WAIT_READY)
			return EXIT_OK;
		if (r == WAIT_TIMEOUT) {
			tool_err("%s: write: timed out after %d ms",
				 tool_device, timeout_ms);
			return EXIT_TIMEOUT;
		}
		if (r == WAIT_STOPPED) {
			tool_err("interrupted");
			return EXIT_FAIL;
		}
		return tool_syserr("write");
	}
	for (;;) {
		ssize_t n;

		if (tool_stop) {
			tool_err("interrupted");
			return EXIT_FAIL;
		}
		tool_signals_unblock();
		n = write(fd, buf, len);
		tool_signals_block();
		if (n >= 0 && (size_t)n == len)
			return EXIT_OK;
		if (n >= 0)
			errno = EIO;
		else if (errno == EINTR)
			continue;
		return tool_syserr("write");
	}
}

static int send_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "hex", no_argument, NULL, 'x' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "file", required_argument, NULL, 'f' },
		{ "stdin", no_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = NULL;
	int fd, opt, rc, hex = 0, timeout_ms = NO_DEADLINE;
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	uint64_t repeat = 1, i;
	int a;

	while ((opt = getopt_long(argc, argv, "d:hxr:f:it:", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'x':
			hex = 1;
			break;
		case 'r':
			if (tool_parse_u64("--repeat", optarg, 1, UINT32_MAX,
					   &repeat))
				return EXIT_USAGE;
			break;
		case 'f':
			file = optarg;
			break;
		case 'i':
			file = "-";
			break;
		case 't':
			if (tool_parse_timeout(optarg, &timeout_ms))
				return EXIT_USAGE;
			break;
		default:
			rc = tool_common_option(&tool_cmd_send, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (file && optind != argc)
		return tool_usage_err(&tool_cmd_send,
				      "--file/--stdin take no MESSAGE arguments");
	if (!file && optind == argc)
		return tool_usage_err(&tool_cmd_send, "no MESSAGE given");
	if (file && hex)
		return tool_usage_err(&tool_cmd_send,
				      "--hex applies to MESSAGE arguments only");
	/* Check every hex argument before sending anything. */
	for (a = optind; hex && a < argc; a++) {
		uint8_t *b;
		size_t n;

		rc = tool_parse_hex(argv[a], &b, &n);
		if (rc == -1)
			return tool_usage_err(&tool_cmd_send,
					      "invalid hex message '%s'",
					      argv[a]);
		if (rc)
			return EXIT_FAIL;
		free(b);
	}
	if (file) {
		int in = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC)
					   : STDIN_FILENO;

		if (in < 0) {
			tool_err("%s: open: %s", file, strerror(errno));
			return EXIT_FAIL;
		}
		rc = slurp(in, strcmp(file, "-") ? file : "stdin", &blob,
			   &blob_len);
		if (in != STDIN_FILENO)
			close(in);
		if (rc)
			return rc;
	}
	fd = tool_open(O_WRONLY |
		       (timeout_ms != NO_DEADLINE ? O_NONBLOCK : 0));
	if (fd < 0) {
		free(blob);
		return EXIT_FAIL;
	}
	rc = EXIT_OK;
	for (i = 0; i < repeat && rc == EXIT_OK; i++) {
		if (file) {
			rc = send_one(fd, blob, blob_len, timeout_ms);
			continue;
		}
		for (a = optind; a < argc && rc == EXIT_OK; a++) {
			uint8_t *b = (uint8_t *)argv[a];
			size_t n = strlen(argv[a]);

			if (hex && tool_parse_hex(argv[a], &b, &n)) {
				rc = EXIT_FAIL;
				break;
			}
			rc = send_one(fd, b, n, timeout_ms);
			if (hex)
				free(b);
		}
	}
	free(blob);
	close(fd);
	return rc;
}

const struct tool_cmd tool_cmd_send = {
	.name = "send",
	.brief = "send one message per argument, or a file as one message",
	.run = send_run,
	.usage =
"Usage: cmshm-tool [-d DEVICE] send [--hex] [--repeat N] [--timeout MS] MESSAGE...\n"
"       cmshm-tool [-d DEVICE] send [--repeat N] [--timeout MS] --file FILE\n"
"       cmshm-tool [-d DEVICE] send [--repeat N] [--timeout MS] --stdin\n"
"\n"
"Write each MESSAGE argument as one message (its bytes, without a\n"
"terminating NUL), in order. --file/--stdin send the whole content as one\n"
"message (up to 64 MiB are read; the driver rejects anything above\n"
"max_msg_size with EMSGSIZE). Use '--' before messages starting with '-'.\n"
"\n"
"Options:\n"
"  -x, --hex           MESSAGE arguments are hex bytes (\"48656c6c6f\",\n"
"                      \"48 65:6c_6c\"); all are checked before sending\n"
"  -r, --repeat N      send the whole list N times (default 1)\n"
"  -f, --file FILE     send the content of FILE ('-' for stdin)\n"
"  -i, --stdin         same as --file -\n"
"  -t, --timeout MS    O_NONBLOCK + poll(POLLOUT): give up after MS ms per\n"
"                      message (default: blocking write(), which waits\n"
"                      while the ring is full or the link is down; Ctrl-C\n"
"                      stops it)\n"
"  -d, --device PATH   device (default /dev/cmshm0)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 all messages sent, 1 a write failed or interrupted (e.g.\n"
"EMSGSIZE: \"Message too long\"), 2 usage error, 4 --timeout expired.\n",
};
