// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-remote: plays the remote core (Cortex-M) side of cmshm from the
 * host, on the guest RAM file QEMU shares (memory-backend-file), using the
 * portable protocol headers in include/cmshm/ unchanged.
 *
 * Build:
 *   cc -std=c11 -O2 -Wall -Wextra -Werror -I include -o cmshm-remote \
 *      userspace/cmshm-remote.c userspace/remote/shm.c \
 *      userspace/remote/session.c userspace/remote/modes.c
 *
 * Main loop: sleep --poll-us; in doorbell mode re-examine the region only
 * when Linux rang (its counter changed) -- except while the link is down,
 * when the host ctrl is re-read at every wakeup, and when a source message
 * falls due on the rate schedule. See --help.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "remote/remote.h"
#include "cmshm_testmsg.h"

#define EXIT_USAGE	2

volatile sig_atomic_t remote_stop;

static const char *const mode_names[] = {
	[MODE_ECHO] = "echo",
	[MODE_SOURCE] = "source",
	[MODE_SINK] = "sink",
	[MODE_IDLE] = "idle",
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: cmshm-remote [OPTION]... --region ADDR\n"
"Play the remote core of a cmshm link on QEMU's guest RAM file.\n"
"\n"
"Memory:\n"
"  --mem FILE          guest RAM file (default: $CMSHM_VM_MEM)\n"
"  --ram-base ADDR     guest physical address at file offset 0\n"
"                      (default: $CMSHM_VM_RAM_BASE, else 0)\n"
"  --region ADDR       guest physical address of the cmshm region (required)\n"
"  --size BYTES        region size (default 0x100000); must match the header\n"
"Doorbells (test mailbox page; without --doorbell: polling, no doorbells):\n"
"  --doorbell ADDR     guest physical address of the doorbell page\n"
"  --db-in CHAN        channel whose Linux->remote counter (CHAN*128) is\n"
"                      watched (0..7, default 0)\n"
"  --db-out CHAN       channel whose remote->Linux counter (CHAN*128+64) is\n"
"                      incremented to ring Linux (0..7, default: --db-in)\n"
"Work:\n"
"  --mode MODE         echo: write every message back unchanged (default)\n"
"                      source: send numbered messages seq 0,1,2,...\n"
"                      sink: receive and verify numbered messages\n"
"                      idle: handshake only\n"
"  --count N           source: messages to send, then stay idle\n"
"                      (default: unlimited); sink: messages expected\n"
"  --size-min BYTES    source: smallest message (default 64, at least 16)\n"
"  --size-max BYTES    source: largest message (default 64; clamped to the\n"
"                      ring's maximum); sizes are uniform in the range\n"
"  --rate MSGS_PER_S   source: send rate (default 0: as fast as possible)\n"
"  --exit-after-count  source: exit once N were sent and the host consumed\n"
"                      them all; sink: exit once N were received\n"
"  --poll-us N         wait granularity in microseconds (default 50)\n"
"Fault injection:\n"
"  --corrupt-head-after N  echo: after the Nth message echoed, store an\n"
"                      invalid (misaligned) r2h head once; the host must\n"
"                      detect it and restart the link (counted as\n"
"                      corruptions=, not as an error of this program)\n"
"  --stats-file FILE   write the final counters there as key=value lines\n"
"  -v, --verbose       report link events on stderr (twice: more)\n"
"  -h, --help          show this help\n"
"\n"
"Numbers accept 0x (hex) and 0 (octal) prefixes.\n"
"The handshake may start on either side first. A new host session (the\n"
"host restarted) has its header re-read and re-validated; an invalid\n"
"header or ring index is a protocol error: it is reported, and after a bad\n"
"ring index the link restarts with a new session. Messages in flight when\n"
"the host restarts are lost (a \"reset\"): the sink then takes the next\n"
"message's sequence number as the new expectation. In source mode received\n"
"messages are left queued. On exit the remote publishes OFFLINE.\n"
"\n"
"SIGTERM or SIGINT stops it; it prints one summary line on stdout and\n"
"writes the stats file.\n"
"Exit status:\n"
"  0  no error (sink with --count: and N messages received)\n"
"  1  a protocol error was seen (even if recovered), a sink verification\n"
"     error (lost, duplicate, reordered, corrupt), an echo message too\n"
"     large to send back, sink count not reached, or a runtime failure\n"
"     (cannot open or map FILE)\n"
"  2  usage error\n");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int bad_arg(const char *opt, const char *val)
{
	fprintf(stderr, "cmshm-remote: invalid %s '%s'\n", opt, val);
	return -1;
}

enum {
	OPT_MEM = 256, OPT_RAM_BASE, OPT_REGION, OPT_SIZE, OPT_DOORBELL,
	OPT_DB_IN, OPT_DB_OUT, OPT_MODE, OPT_COUNT, OPT_SIZE_MIN,
	OPT_SIZE_MAX, OPT_RATE, OPT_POLL_US, OPT_EXIT_AFTER, OPT_STATS,
	OPT_CORRUPT_HEAD,
};

static const struct option long_opts[] = {
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "ram-base", required_argument, NULL, OPT_RAM_BASE },
	{ "region", required_argument, NULL, OPT_REGION },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "doorbell", required_argument, NULL, OPT_DOORBELL },
	{ "db-in", required_argument, NULL, OPT_DB_IN },
	{ "db-out", required_argument, NULL, OPT_DB_OUT },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "size-min", required_argument, NULL, OPT_SIZE_MIN },
	{ "size-max", required_argument, NULL, OPT_SIZE_MAX },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "poll-us", required_argument, NULL, OPT_POLL_US },
	{ "exit-after-count", no_argument, NULL, OPT_EXIT_AFTER },
	{ "stats-file", required_argument, NULL, OPT_STATS },
	{ "corrupt-head-after", required_argument, NULL, OPT_CORRUPT_HEAD },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One option; returns 0, 1 for --help, -1 for a bad value. */
static int parse_one(struct remote_opts *o, int c, const char *arg,
		     int *have_region, int *have_db_out)
{
	uint64_t v;
	char *end;
	int i;

	switch (c) {
	case OPT_MEM:
		o->mem = arg;
		return 0;
	case OPT_RAM_BASE:
		return parse_u64(arg, &o->ram_base) ? bad_arg("--ram-base", arg) : 0;
	case OPT_REGION:
		*have_region = 1;
		return parse_u64(arg, &o->region) ? bad_arg("--region", arg) : 0;
	case OPT_SIZE:
		if (parse_u64(arg, &o->size) || o->size < sizeof(struct cmshm_header) ||
		    o->size > UINT32_MAX)
			return bad_arg("--size", arg);
		return 0;
	case OPT_DOORBELL:
		o->have_db = 1;
		return parse_u64(arg, &o->doorbell) ? bad_arg("--doorbell", arg) : 0;
	case OPT_DB_IN:
	case OPT_DB_OUT:
		if (parse_u64(arg, &v) || v >= REMOTE_DB_CHANNELS)
			return bad_arg(c == OPT_DB_IN ? "--db-in" : "--db-out", arg);
		if (c == OPT_DB_IN) {
			o->db_in = (unsigned int)v;
		} else {
			o->db_out = (unsigned int)v;
			*have_db_out = 1;
		}
		return 0;
	case OPT_MODE:
		for (i = 0; i < (int)(sizeof(mode_names) / sizeof(mode_names[0])); i++) {
			if (!strcmp(arg, mode_names[i])) {
				o->mode = (enum remote_mode)i;
				return 0;
			}
		}
		return bad_arg("--mode", arg);
	case OPT_COUNT:
		o->have_count = 1;
		return parse_u64(arg, &o->count) ? bad_arg("--count", arg) : 0;
	case OPT_SIZE_MIN:
	case OPT_SIZE_MAX:
		if (parse_u64(arg, &v) || v < CMSHM_TESTMSG_MIN ||
		    v > CMSHM_RING_SIZE_MAX / 2)
			return bad_arg(c == OPT_SIZE_MIN ? "--size-min" : "--size-max", arg);
		if (c == OPT_SIZE_MIN)
			o->size_min = (uint32_t)v;
		else
			o->size_max = (uint32_t)v;
		return 0;
	case OPT_RATE:
		errno = 0;
		o->rate = strtod(arg, &end);
		if (errno || *end || !*arg || !(o->rate >= 0))
			return bad_arg("--rate", arg);
		return 0;
	case OPT_POLL_US:
		if (parse_u64(arg, &v) || v > 10000000u)
			return bad_arg("--poll-us", arg);
		o->poll_us = (unsigned int)v;
		return 0;
	case OPT_EXIT_AFTER:
		o->exit_after_count = 1;
		return 0;
	case OPT_STATS:
		o->stats_file = arg;
		return 0;
	case OPT_CORRUPT_HEAD:
		if (parse_u64(arg, &v) || !v)
			return bad_arg("--corrupt-head-after", arg);
		o->corrupt_head_after = v;
		return 0;
	case 'v':
		o->verbose++;
		return 0;
	case 'h':
		return 1;
	default:
		return -1;
	}
}

/* Returns 0 to run, 1 after --help, -1 on a usage error (printed). */
static int parse_args(struct remote_opts *o, int argc, char **argv)
{
	int have_region = 0, have_db_out = 0, c, r;
	const char *env;

	memset(o, 0, sizeof(*o));
	o->mem = getenv("CMSHM_VM_MEM");
	env = getenv("CMSHM_VM_RAM_BASE");
	if (env && *env && parse_u64(env, &o->ram_base))
		return bad_arg("CMSHM_VM_RAM_BASE", env);
	o->size = 0x100000;
	o->mode = MODE_ECHO;
	o->size_min = 64;
	o->size_max = 64;
	o->poll_us = 50;
	while ((c = getopt_long(argc, argv, "vh", long_opts, NULL)) != -1) {
		r = parse_one(o, c, optarg, &have_region, &have_db_out);
		if (r)
			return r;
	}
	if (optind < argc) {
		fprintf(stderr, "cmshm-remote: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!have_db_out)
		o->db_out = o->db_in;
	if (!o->mem || !*o->mem) {
		fprintf(stderr, "cmshm-remote: --mem FILE (or CMSHM_VM_MEM) is required\n");
		return -1;
	}
	if (!have_region) {
		fprintf(stderr, "cmshm-remote: --region ADDR is required\n");
		return -1;
	}
	if (o->region < o->ram_base || (o->have_db && o->doorbell < o->ram_base)) {
		fprintf(stderr, "cmshm-remote: addresses must not be below --ram-base %#" PRIx64 "\n",
			o->ram_base);
		return -1;
	}
	if (o->size_min > o->size_max) {
		fprintf(stderr, "cmshm-remote: --size-min above --size-max\n");
		return -1;
	}
	if (o->exit_after_count &&
	    (!o->have_count || (o->mode != MODE_SOURCE && o->mode != MODE_SINK))) {
		fprintf(stderr, "cmshm-remote: --exit-after-count needs --count and --mode source or sink\n");
		return -1;
	}
	return 0;
}

/* Nonzero if the run failed (see the exit status in --help). */
static int run_failed(const struct remote *rm)
{
	const struct remote_stats *s = &rm->st;

	if (s->proto_errors || s->echo_dropped)
		return 1;
	if (rm->opt.mode != MODE_SINK)
		return 0;
	if (s->sink_lost || s->sink_dup || s->sink_reorder || s->sink_corrupt)
		return 1;
	return rm->opt.have_count && s->sink_ok < rm->opt.count;
}

/* Write "key=value" lines (one per counter) to @f. */
static void print_stats(const struct remote *rm, FILE *f, const char *sep,
			int status)
{
	const struct remote_stats *s = &rm->st;

	fprintf(f, "mode=%s%s", mode_names[rm->opt.mode], sep);
#define P(name) fprintf(f, #name "=%" PRIu64 "%s", s->name, sep)
	P(link_ups); P(link_downs); P(resets); P(host_sessions);
	P(rx_msgs); P(rx_bytes); P(tx_msgs); P(tx_bytes);
	P(db_in); P(db_out); P(proto_errors); P(header_errors);
	P(restart_races); P(echo_dropped); P(corruptions);
	P(sink_ok); P(sink_lost); P(sink_dup); P(sink_reorder);
	P(sink_corrupt);
#undef P
	fprintf(f, "session=%#x%sexit_status=%d\n", rm->link.session, sep,
		status);
}

/* Write the stats file atomically (temporary file, then rename). */
static int write_stats(const struct remote *rm, int status)
{
	size_t n = strlen(rm->opt.stats_file) + 8;
	char *tmp = malloc(n);
	FILE *f;
	int err;

	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.tmp", rm->opt.stats_file);
	f = fopen(tmp, "w");
	if (!f) {
		free(tmp);
		return -1;
	}
	print_stats(rm, f, "\n", status);
	err = fclose(f);
	if (!err)
		err = rename(tmp, rm->opt.stats_file);
	free(tmp);
	return err ? -1 : 0;
}

static void on_signal(int sig)
{
	(void)sig;
	remote_stop = 1;
}

static void main_loop(struct remote *rm)
{
	int kicked = 1;	/* look once at start */

	while (!remote_stop && !rm->done) {
		if (!remote_present(rm)) {
			remote_wait(rm);	/* sleeps, touches nothing */
			kicked = 1;
			continue;
		}
		if (kicked || !rm->link.up || remote_source_due(rm)) {
			remote_link_step(rm);
			if (rm->link.up)
				remote_work(rm, kicked);
			if (rm->done)
				break;
		}
		kicked = remote_wait(rm);
	}
}

int main(int argc, char **argv)
{
	static struct remote rm;
	struct sigaction sa;
	int r, status;

	r = parse_args(&rm.opt, argc, argv);
	if (r > 0) {
		usage(stdout);
		return 0;
	}
	if (r < 0) {
		fprintf(stderr, "Try 'cmshm-remote --help'.\n");
		return EXIT_USAGE;
	}
	if (getrandom(&rm.rng, sizeof(rm.rng), 0) != (ssize_t)sizeof(rm.rng) ||
	    !rm.rng)
		rm.rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	rm.buf = malloc(rm.opt.size_max);
	if (!rm.buf) {
		fprintf(stderr, "cmshm-remote: out of memory\n");
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: wake the sleep */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	rm.fd = -1;
	if (remote_map(&rm)) {
		remote_unmap(&rm);
		free(rm.buf);
		return 1;
	}
	remote_log(&rm, 1, "mode %s, region %#" PRIx64 "+%#x, %s",
		   mode_names[rm.opt.mode], rm.opt.region, rm.size,
		   rm.opt.have_db ? "doorbells" : "polling");

	main_loop(&rm);

	remote_shutdown(&rm);
	status = run_failed(&rm);
	printf("cmshm-remote: ");
	print_stats(&rm, stdout, " ", status);
	fflush(stdout);
	if (rm.opt.stats_file && write_stats(&rm, status)) {
		remote_log(&rm, 0, "cannot write %s: %s", rm.opt.stats_file,
			   strerror(errno));
		status = 1;
	}
	remote_unmap(&rm);
	free(rm.buf);
	return status;
}
