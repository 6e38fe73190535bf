// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-fwctl - guest side of the emulated ZynqMP tests: commands to the
 * R5's test firmware (struct cmshm_fw_cmd, cmshm_testmsg.h) over a cmshm
 * device, and the checks of its replies. Prints TAP lines.
 *
 *   cmshm-fwctl source DEV COUNT MIN MAX
 *        the firmware sends COUNT numbered messages of MIN..MAX bytes on
 *        DEV (read them with cmshm-tool sink)
 *   cmshm-fwctl stats DEV [COUNT]
 *        read and zero the link's firmware counters; with COUNT, check
 *        that its sink took exactly COUNT numbered messages, in order and
 *        intact, and saw no protocol error
 *   cmshm-fwctl restart DEV
 *        the firmware restarts from its reset vector (every link resets)
 *
 * Exit status: 0 if every check passed, 1 otherwise.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmtest.h"

/* How long a reply or the link may take under TCG on a loaded host. */
#define FWCTL_TIMEOUT_MS	20000

static int send_cmd(int fd, uint32_t op, uint32_t a0, uint32_t a1,
		    uint32_t a2)
{
	struct cmshm_fw_cmd cmd = {
		.magic = CMSHM_FW_CMD_MAGIC,
		.op = op,
		.arg = { a0, a1, a2, 0 },
	};

	return write(fd, &cmd, sizeof(cmd)) == (ssize_t)sizeof(cmd) ? 0 : -1;
}

/* Read the next message into @st; 0 if it is a stats reply. */
static int read_stats(int fd, struct cmshm_fw_stats *st)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, FWCTL_TIMEOUT_MS) != 1)
		return -1;
	n = read(fd, st, sizeof(*st));
	return n == (ssize_t)sizeof(*st) && st->magic == CMSHM_FW_STATS_MAGIC ?
	       0 : -1;
}

static int run(const char *what, const char *dev, int argc, char **argv)
{
	struct cmshm_fw_stats st;
	unsigned long count;
	int fd = open_dev(dev, O_RDWR);

	if (!check(fd >= 0, "open %s", dev))
		return 1;
	if (!check(!wait_link_up(fd, FWCTL_TIMEOUT_MS), "%s: link up", dev))
		return 1;
	if (!strcmp(what, "source") && argc == 3) {
		check(!send_cmd(fd, CMSHM_FW_SOURCE, strtoul(argv[0], NULL, 0),
				strtoul(argv[1], NULL, 0),
				strtoul(argv[2], NULL, 0)),
		      "%s: firmware asked for %s numbered messages", dev,
		      argv[0]);
	} else if (!strcmp(what, "restart") && !argc) {
		check(!send_cmd(fd, CMSHM_FW_RESTART, 0, 0, 0),
		      "%s: firmware asked to restart", dev);
	} else if (!strcmp(what, "stats") && argc <= 1) {
		if (!check(!send_cmd(fd, CMSHM_FW_STATS, 1, 0, 0) &&
			   !read_stats(fd, &st),
			   "%s: firmware replies with its counters", dev))
			return 1;
		printf("# firmware %s: boots %u rx %u sink ok %u lost %u out-of-order %u bad %u tx %u resets %u errors %u\n",
		       dev, st.boots, st.rx_msgs, st.sink_ok, st.sink_lost,
		       st.sink_order, st.sink_bad, st.tx_msgs, st.resets,
		       st.errors);
		if (argc) {
			count = strtoul(argv[0], NULL, 0);
			check(st.sink_ok == count && st.rx_msgs == count,
			      "%s: the firmware verified %lu numbered messages (%u)",
			      dev, count, st.sink_ok);
			check(!st.sink_lost && !st.sink_order && !st.sink_bad,
			      "%s: none lost, out of order or corrupt", dev);
			check(!st.errors, "%s: the firmware saw no protocol error",
			      dev);
		}
	} else {
		fprintf(stderr, "usage: see the top of cmshm-fwctl.c\n");
		return 2;
	}
	close(fd);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3) {
		fprintf(stderr, "usage: cmshm-fwctl source|stats|restart DEV ...\n");
		return 2;
	}
	return run(argv[1], argv[2], argc - 3, argv + 3);
}
