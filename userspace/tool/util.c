// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-tool helpers: error messages, number parsing, opening the device.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tool.h"

const char *tool_name = "cmshm-tool";
const char *tool_device = "/dev/cmshm0";

/**
 * tool_err() - print "cmshm-tool: MESSAGE" and a newline on stderr.
 * @fmt: printf format of the message.
 */
void tool_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", tool_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * tool_syserr() - report a failed system call on the device.
 * @what: the operation, e.g. "read".
 *
 * Prints "cmshm-tool: /dev/cmshm0: read: Connection reset by peer" using
 * the current errno.
 *
 * Return: EXIT_FAIL.
 */
int tool_syserr(const char *what)
{
	int e = errno;

	tool_err("%s: %s: %s", tool_device, what, strerror(e));
	errno = e;
	return EXIT_FAIL;
}

/**
 * tool_usage_err() - report a command-line error.
 * @cmd: the subcommand, or NULL for the global options.
 * @fmt: printf format of the message.
 *
 * Return: EXIT_USAGE.
 */
int tool_usage_err(const struct tool_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", tool_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry '%s %s --help'.\n", tool_name,
			cmd->name);
	else
		fprintf(stderr, "\nTry '%s --help'.\n", tool_name);
	return EXIT_USAGE;
}

/**
 * tool_parse_u64() - parse a non-negative integer option value.
 * @opt: option name for the error message, e.g. "--count".
 * @s:   text; decimal, 0x hex, or with a K/M/G suffix (powers of 1024).
 * @min: smallest accepted value.
 * @max: largest accepted value.
 * @out: result.
 *
 * Return: 0, or EXIT_USAGE after printing an error.
 */
int tool_parse_u64(const char *opt, const char *s, uint64_t min,
		   uint64_t max, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		goto bad;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		goto bad;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end || (shift && v > (ULLONG_MAX >> shift)))
		goto bad;
	v <<= shift;
	if (v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	tool_err("invalid %s value '%s' (expected %" PRIu64 "..%" PRIu64 ")",
		 opt, s ? s : "", min, max);
	return EXIT_USAGE;
}

/**
 * tool_parse_timeout() - parse a --timeout value in milliseconds.
 * @s:  text: 0..INT_MAX, or -1 for no timeout.
 * @ms: result, NO_DEADLINE for -1.
 *
 * Return: 0, or EXIT_USAGE after printing an error.
 */
int tool_parse_timeout(const char *s, int *ms)
{
	uint64_t v;

	if (!strcmp(s, "-1")) {
		*ms = NO_DEADLINE;
		return 0;
	}
	if (tool_parse_u64("--timeout", s, 0, INT_MAX, &v))
		return EXIT_USAGE;
	*ms = (int)v;
	return 0;
}

/**
 * tool_common_option() - handle the options every subcommand accepts.
 * @cmd: the subcommand.
 * @c:   getopt_long() result: 'd' (--device), 'h' (--help) or '?'.
 * @arg: optarg.
 *
 * Return: -1 if @c was --device (keep parsing), otherwise the exit code
 * the subcommand must return (0 after --help, EXIT_USAGE otherwise).
 */
int tool_common_option(const struct tool_cmd *cmd, int c, const char *arg)
{
	switch (c) {
	case 'd':
		tool_device = arg;
		return -1;
	case 'h':
		fputs(cmd->usage, stdout);
		return EXIT_OK;
	default:
		fprintf(stderr, "Try '%s %s --help'.\n", tool_name, cmd->name);
		return EXIT_USAGE;
	}
}

/**
 * tool_open() - open the device chosen with -d.
 * @flags: O_RDWR, O_RDONLY, ... optionally with O_NONBLOCK.
 *
 * Return: a file descriptor, or -1 after printing the error.
 */
int tool_open(int flags)
{
	int fd = open(tool_device, flags | O_CLOEXEC);

	if (fd < 0)
		tool_syserr("open");
	return fd;
}

/**
 * tool_get_info() - CMSHM_IOC_INFO with basic sanity checks.
 * @fd:   open device.
 * @info: result.
 *
 * Return: 0, or EXIT_FAIL after printing the error.
 */
int tool_get_info(int fd, struct cmshm_info *info)
{
	memset(info, 0, sizeof(*info));
	if (ioctl(fd, CMSHM_IOC_INFO, info) < 0)
		return tool_syserr("ioctl CMSHM_IOC_INFO");
	if (!info->max_msg_size) {
		tool_err("%s: device reports max_msg_size 0", tool_device);
		return EXIT_FAIL;
	}
	return 0;
}

/**
 * tool_set_nonblock() - switch O_NONBLOCK on or off.
 * @fd: file descriptor.
 * @on: non-zero for O_NONBLOCK.
 *
 * Return: 0, or EXIT_FAIL after printing the error.
 */
int tool_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK :
			    fl & ~O_NONBLOCK) < 0)
		return tool_syserr("fcntl");
	return 0;
}
