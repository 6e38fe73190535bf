// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-remote: the command line (--help, parsing and checking it).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remote.h"

/* --mode names, indexed by enum remote_mode. */
const char *const remote_mode_names[] = {
	[MODE_ECHO] = "echo",
	[MODE_SOURCE] = "source",
	[MODE_SINK] = "sink",
	[MODE_IDLE] = "idle",
	[MODE_DUPLEX] = "duplex",
};

/**
 * remote_usage() - print --help.
 * @f: where to.
 */
void remote_usage(FILE *f)
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
"                      duplex: source and sink at once\n"
"  --count N           source: messages to send, then stay idle\n"
"                      (default: unlimited); sink: messages expected\n"
"  --size-min BYTES    source: smallest message (default 64, at least 1;\n"
"                      below 16 bytes a message carries no number and the\n"
"                      sink compares it with the one it expects next)\n"
"  --size-max BYTES    source: largest message (default 64; clamped to the\n"
"                      ring's maximum)\n"
"  --size-dist D       uniform (default) or log (log-uniform sizes)\n"
"  --stall MS/EVERY    stop all work (consuming, producing, doorbells) for\n"
"                      MS ms every EVERY ms: backpressure on the host\n"
"  --rate MSGS_PER_S   source: send rate; sink: consume rate; duplex: both\n"
"                      (default 0: as fast as possible). A sink with a rate\n"
"                      looks at its ring only when its next message is due,\n"
"                      so it never asks Linux for a doorbell while behind\n"
"                      schedule; once it found the ring empty, its schedule\n"
"                      restarts with the next message. A late source or sink\n"
"                      catches up at most 1 s' worth at once\n"
"  --exit-after-count  source: exit once N were sent and the host consumed\n"
"                      them all; sink: exit once N were received\n"
"  --poll-us N         wait granularity in microseconds (default 50)\n"
"Fault injection:\n"
"  --corrupt-head-after N  echo: after the Nth message echoed, store an\n"
"                      invalid (misaligned) r2h head once; the host must\n"
"                      detect it and restart the link (counted as\n"
"                      corruptions=, not as an error of this program)\n"
"  --fault-corrupt RATE  adversarial remote: during the fault phase apply\n"
"                      about RATE corruptions per second (float), where the\n"
"                      host reads next: r2h head and h2r tail (then no ring\n"
"                      work of ours until the host reacted, at most 20 ms),\n"
"                      our ctrl state/session/ack/features (held 1 ms, then\n"
"                      we restart with a new session), len words, pad\n"
"                      markers and bytes of records as they are published,\n"
"                      bytes of unconsumed r2h data; and host-owned words\n"
"                      (header, host ctrl, h2r head, r2h tail, h2r data),\n"
"                      changed by compare-and-swap and put back at the next\n"
"                      wakeup (the host never reads them, so must not\n"
"                      care). Values: 0, all-ones, misaligned, just past the\n"
"                      ring size, just behind/ahead of the current value,\n"
"                      random. At most one corruption the host must detect\n"
"                      is outstanding at a time.\n"
"  --fault-flood RATE  during the fault phase ring Linux RATE extra times\n"
"                      per second (float); 0: at every wakeup (--poll-us),\n"
"                      which saturates a doorbell controller that polls\n"
"  --fault-mute MS     during the fault phase go silent for MS ms at a time\n"
"                      (no consuming, producing, corrupting or doorbells),\n"
"                      with 2..6 x MS ms of activity between silences\n"
"  --fault-seed N      seed of the fault choices (default: random; the seed\n"
"                      used is in the summary as fault_seed=)\n"
"  --fault-for SECONDS length of the fault phase (float), counted from the\n"
"                      first link up (default 0: until exit). Then every\n"
"                      host-owned word is put back, the remote restarts\n"
"                      once with a new session and behaves honestly.\n"
"                      During the phase the region is examined at every\n"
"                      wakeup, doorbell or not. Ring errors our own\n"
"                      corruptions explain are counted as fault_errors= (the\n"
"                      link restarts), not as protocol errors. Summary:\n"
"                      corruptions= and corrupt_<target>= per target,\n"
"                      fault_restarts=, flood_db=, mutes=\n"
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

/* An unsigned number (0x, 0 prefixes); returns 0 or -1. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

/* Say which value of which option is bad; returns -1. */
static int bad_arg(const char *opt, const char *val)
{
	fprintf(stderr, "cmshm-remote: invalid %s '%s'\n", opt, val);
	return -1;
}

/* A finite float in [0, @max]; returns 0 or -1. */
static int parse_float(const char *s, double max, double *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return errno || *end || !(*v >= 0 && *v <= max) ? -1 : 0;
}

/* getopt_long() values of the long options. */
enum {
	OPT_MEM = 256, OPT_RAM_BASE, OPT_REGION, OPT_SIZE, OPT_DOORBELL,
	OPT_DB_IN, OPT_DB_OUT, OPT_MODE, OPT_COUNT, OPT_SIZE_MIN,
	OPT_SIZE_MAX, OPT_SIZE_DIST, OPT_STALL, OPT_RATE, OPT_POLL_US, OPT_EXIT_AFTER, OPT_STATS,
	OPT_CORRUPT_HEAD, OPT_FAULT_CORRUPT, OPT_FAULT_FLOOD, OPT_FAULT_MUTE,
	OPT_FAULT_SEED, OPT_FAULT_FOR,
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
	{ "size-dist", required_argument, NULL, OPT_SIZE_DIST },
	{ "stall", required_argument, NULL, OPT_STALL },
	{ "size-max", required_argument, NULL, OPT_SIZE_MAX },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "poll-us", required_argument, NULL, OPT_POLL_US },
	{ "exit-after-count", no_argument, NULL, OPT_EXIT_AFTER },
	{ "stats-file", required_argument, NULL, OPT_STATS },
	{ "corrupt-head-after", required_argument, NULL, OPT_CORRUPT_HEAD },
	{ "fault-corrupt", required_argument, NULL, OPT_FAULT_CORRUPT },
	{ "fault-flood", required_argument, NULL, OPT_FAULT_FLOOD },
	{ "fault-mute", required_argument, NULL, OPT_FAULT_MUTE },
	{ "fault-seed", required_argument, NULL, OPT_FAULT_SEED },
	{ "fault-for", required_argument, NULL, OPT_FAULT_FOR },
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
		for (i = 0; i < (int)REMOTE_NMODES; i++) {
			if (!strcmp(arg, remote_mode_names[i])) {
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
		if (parse_u64(arg, &v) || !v ||
		    v > CMSHM_RING_SIZE_MAX / 2)
			return bad_arg(c == OPT_SIZE_MIN ? "--size-min" : "--size-max", arg);
		if (c == OPT_SIZE_MIN)
			o->size_min = (uint32_t)v;
		else
			o->size_max = (uint32_t)v;
		return 0;
	case OPT_SIZE_DIST:
		if (strcmp(arg, "uniform") && strcmp(arg, "log"))
			return bad_arg("--size-dist", arg);
		o->size_log = !strcmp(arg, "log");
		return 0;
	case OPT_STALL:
		if (sscanf(arg, "%u/%u", &o->stall_ms, &o->stall_every_ms) != 2 ||
		    !o->stall_ms || o->stall_ms >= o->stall_every_ms)
			return bad_arg("--stall", arg);
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
	case OPT_FAULT_CORRUPT:
		return parse_float(arg, 1e7, &o->fault_rate) ?
		       bad_arg("--fault-corrupt", arg) : 0;
	case OPT_FAULT_FLOOD:
		o->have_flood = 1;
		return parse_float(arg, 1e7, &o->fault_flood) ?
		       bad_arg("--fault-flood", arg) : 0;
	case OPT_FAULT_MUTE:
		if (parse_u64(arg, &v) || !v || v > 600000u)
			return bad_arg("--fault-mute", arg);
		o->fault_mute_ms = (unsigned int)v;
		return 0;
	case OPT_FAULT_SEED:
		o->have_seed = 1;
		return parse_u64(arg, &o->fault_seed) ? bad_arg("--fault-seed", arg) : 0;
	case OPT_FAULT_FOR:
		return parse_float(arg, 1e7, &o->fault_for) ?
		       bad_arg("--fault-for", arg) : 0;
	case 'v':
		o->verbose++;
		return 0;
	case 'h':
		return 1;
	default:
		return -1;
	}
}

/**
 * remote_parse_args() - parse the command line (and its environment).
 * @o:    filled in (all of it).
 * @argc: from main().
 * @argv: from main().
 *
 * Return: 0 to run, 1 after --help, -1 on a usage error (printed).
 */
int remote_parse_args(struct remote_opts *o, int argc, char **argv)
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
		fprintf(stderr,
			"cmshm-remote: addresses must not be below --ram-base %#" PRIx64 "\n",
			o->ram_base);
		return -1;
	}
	if (o->size_min > o->size_max) {
		fprintf(stderr, "cmshm-remote: --size-min above --size-max\n");
		return -1;
	}
	if (o->exit_after_count &&
	    (!o->have_count || (o->mode != MODE_SOURCE && o->mode != MODE_SINK &&
				o->mode != MODE_DUPLEX))) {
		fprintf(stderr,
			"cmshm-remote: --exit-after-count needs --count and --mode source, sink or duplex\n");
		return -1;
	}
	return 0;
}
