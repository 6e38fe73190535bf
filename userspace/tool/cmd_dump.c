// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-tool "dump": mmap() the application area and hexdump a range,
 * optionally filling it with a byte pattern first.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tool.h"

static int dump_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "write-pattern", required_argument, NULL, 'w' },
		{ "no-squeeze", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t offset = 0, length = 0, pattern = 0, i;
	int fd, opt, rc, have_len = 0, fill = 0, squeeze = 1;
	struct cmshm_info info;
	volatile uint8_t *map;
	size_t map_len;

	while ((opt = getopt_long(argc, argv, "d:ho:l:w:v", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (tool_parse_u64("--offset", optarg, 0, UINT64_MAX,
					   &offset))
				return EXIT_USAGE;
			break;
		case 'l':
			if (tool_parse_u64("--length", optarg, 1, UINT64_MAX,
					   &length))
				return EXIT_USAGE;
			have_len = 1;
			break;
		case 'w':
			if (tool_parse_u64("--write-pattern", optarg, 0, 255,
					   &pattern))
				return EXIT_USAGE;
			fill = 1;
			break;
		case 'v':
			squeeze = 0;
			break;
		default:
			rc = tool_common_option(&tool_cmd_dump, opt, optarg);
			if (rc >= 0)
				return rc;
		}
	}
	if (optind != argc)
		return tool_usage_err(&tool_cmd_dump,
				      "unexpected argument '%s'",
				      argv[optind]);
	fd = tool_open(fill ? O_RDWR : O_RDONLY);
	if (fd < 0)
		return EXIT_FAIL;
	rc = tool_get_info(fd, &info);
	if (rc)
		goto out;
	if (!info.app_size) {
		tool_err("%s: the device has no application area (app_size 0)",
			 tool_device);
		rc = EXIT_FAIL;
		goto out;
	}
	if (offset >= info.app_size) {
		rc = tool_usage_err(&tool_cmd_dump,
				    "--offset %" PRIu64 " (0x%" PRIx64 ") is outside the application area of %s (app_size %" PRIu64 " = 0x%" PRIx64 ")",
				    offset, offset, tool_device,
				    (uint64_t)info.app_size,
				    (uint64_t)info.app_size);
		goto out;
	}
	if (!have_len)
		length = info.app_size - offset;
	if (length > info.app_size - offset) {
		rc = tool_usage_err(&tool_cmd_dump,
				    "range 0x%" PRIx64 "+0x%" PRIx64 " ends beyond the application area of %s (app_size %" PRIu64 " = 0x%" PRIx64 ")",
				    offset, length, tool_device,
				    (uint64_t)info.app_size,
				    (uint64_t)info.app_size);
		goto out;
	}
	if (info.app_size > SIZE_MAX) {
		tool_err("%s: app_size %" PRIu64 " too large to map",
			 tool_device, (uint64_t)info.app_size);
		rc = EXIT_FAIL;
		goto out;
	}
	map_len = (size_t)info.app_size;
	map = mmap(NULL, map_len, PROT_READ | (fill ? PROT_WRITE : 0),
		   MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		rc = tool_syserr("mmap");
		goto out;
	}
	/* Byte stores through a volatile pointer: no memset() on WC memory. */
	for (i = 0; fill && i < length; i++)
		map[offset + i] = (uint8_t)pattern;
	tool_hexdump(stdout, map, offset, length, squeeze);
	if (munmap((void *)map, map_len) < 0)
		rc = tool_syserr("munmap");
out:
	close(fd);
	return rc;
}

const struct tool_cmd tool_cmd_dump = {
	.name = "dump",
	.brief = "hexdump (and optionally fill) the mmap()ed application area",
	.run = dump_run,
	.usage =
"Usage: cmshm-tool [-d DEVICE] dump [--offset O] [--length L]\n"
"                                    [--write-pattern BYTE] [--no-squeeze]\n"
"\n"
"mmap(MAP_SHARED) the whole application area (app_size from\n"
"CMSHM_IOC_INFO, offset 0) and print bytes O..O+L-1 like \"hexdump -C\":\n"
"offsets are relative to the start of the area, repeated lines are shown\n"
"as '*', the last line is the end offset. Values accept 0x hex and K/M\n"
"suffixes.\n"
"\n"
"Options:\n"
"  -o, --offset O      first byte (default 0; must be below app_size)\n"
"  -l, --length L      bytes (default: up to the end of the area;\n"
"                      O+L must not exceed app_size)\n"
"  -w, --write-pattern BYTE  fill the range with BYTE (0..255) through the\n"
"                      mapping before dumping it (opens O_RDWR)\n"
"  -v, --no-squeeze    print repeated lines too (hexdump -v)\n"
"  -d, --device PATH   device (default /dev/cmshm0)\n"
"  -h, --help          this help\n"
"\n"
"Exit status: 0 success, 1 open/ioctl/mmap failed or app_size is 0,\n"
"2 usage error, including a range outside the application area.\n",
};
