// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-tool - exercise /dev/cmshmN from the Linux side: send and receive
 * messages, watch the link, measure latency and throughput with numbered
 * test messages, and inspect the mmap()ed application area.
 *
 *   cmshm-tool [-d /dev/cmshm0] COMMAND [options]
 *
 * Global options are parsed here; each COMMAND (userspace/tool/cmd_*.c)
 * parses its own options with getopt_long() and returns an exit code:
 * 0 success, 1 operation failed, 2 usage, 3 verification failure,
 * 4 timeout.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/tool.h"

#ifndef CMSHM_TOOL_VERSION
#define CMSHM_TOOL_VERSION "0.1"
#endif

static const struct tool_cmd *const commands[] = {
	&tool_cmd_info, &tool_cmd_send, &tool_cmd_recv, &tool_cmd_watch,
	&tool_cmd_ping, &tool_cmd_source, &tool_cmd_sink, &tool_cmd_dump,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
"Usage: cmshm-tool [-d DEVICE] COMMAND [options] [arguments]\n"
"       cmshm-tool COMMAND --help\n"
"       cmshm-tool help [COMMAND]\n"
"\n"
"Exercise a cmshm shared-memory link (/dev/cmshmN) from the Linux side.\n"
"\n"
"Global options:\n"
"  -d, --device PATH   device to use (default /dev/cmshm0); every COMMAND\n"
"                      also accepts -d\n"
"  -h, --help          this help\n"
"  -V, --version       print the version\n"
"\n"
"Commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i]->name,
			commands[i]->brief);
	fprintf(out,
"\n"
"Timeouts are in milliseconds (-1 = none) and enforced with poll();\n"
"Ctrl-C (SIGINT) or SIGTERM stops any command cleanly (a second one\n"
"kills the process).\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  an operation failed; the error is printed as\n"
"     \"cmshm-tool: /dev/cmshm0: read: Connection reset by peer\";\n"
"     also used when interrupted before completion\n"
"  2  usage error (bad option, argument or range)\n"
"  3  verification failure: lost, duplicated, reordered or corrupt data\n"
"  4  timeout\n");
}

static const struct tool_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct tool_cmd *cmd;
	char prog[64];
	int opt;

	argv[0] = (char *)tool_name;	/* getopt's own messages */

	/* '+': stop at COMMAND, whose options are parsed by the command. */
	while ((opt = getopt_long(argc, argv, "+d:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			tool_device = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("cmshm-tool %s\n", CMSHM_TOOL_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help'.\n", tool_name);
			return EXIT_USAGE;
		}
	}
	if (optind == argc)
		return tool_usage_err(NULL, "no COMMAND given");
	if (!strcmp(argv[optind], "help")) {
		if (optind + 1 == argc) {
			usage(stdout);
			return EXIT_OK;
		}
		cmd = find_command(argv[optind + 1]);
		if (!cmd)
			return tool_usage_err(NULL, "unknown command '%s'",
					      argv[optind + 1]);
		fputs(cmd->usage, stdout);
		return EXIT_OK;
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return tool_usage_err(NULL, "unknown command '%s'",
				      argv[optind]);
	tool_signals_init();
	argc -= optind;
	argv += optind;
	snprintf(prog, sizeof(prog), "%s %s", tool_name, cmd->name);
	argv[0] = prog;
	optind = 0;	/* full getopt reset for the command's own options */
	return cmd->run(argc, argv);
}
