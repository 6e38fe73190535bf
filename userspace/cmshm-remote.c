// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-remote: plays the remote core (Cortex-M) side of cmshm from the
 * host, on the guest RAM file QEMU shares (memory-backend-file), with the
 * remote endpoint library a firmware uses (include/cmshm/cmshm_remote.h,
 * firmware/endpoint/cmshm_remote.c, hosted port: the default
 * cmshm_port.h). The protocol is the library's; this program adds the
 * modes, the fault injection around the library, and the counters.
 *
 * Build:
 *   cc -std=c11 -O2 -Wall -Wextra -Werror -I include -o cmshm-remote \
 *      userspace/cmshm-remote.c userspace/remote/shm.c \
 *      userspace/remote/session.c userspace/remote/modes.c \
 *      userspace/remote/fault.c firmware/endpoint/cmshm_remote.c
 *
 * Main loop: sleep --poll-us; in doorbell mode re-examine the region only
 * when Linux rang (its counter changed) -- except while the link is down,
 * when the host ctrl is re-read at every wakeup, and when a message falls
 * due on the --rate schedule: the next one a source sends, or the next one
 * a rate-limited sink consumes (a sink with --rate looks at its ring only
 * then, so that it never asks Linux for a doorbell while it is behind
 * schedule: it is not waiting for data). See --help.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
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

/* Nonzero if the run failed (see the exit status in --help). */
static int run_failed(const struct remote *rm)
{
	const struct remote_stats *s = &rm->st;

	if (s->proto_errors || s->echo_dropped)
		return 1;
	if (rm->opt.mode != MODE_SINK && rm->opt.mode != MODE_DUPLEX)
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

	fprintf(f, "mode=%s%s", remote_mode_names[rm->opt.mode], sep);
#define P(name) fprintf(f, #name "=%" PRIu64 "%s", s->name, sep)
	P(link_ups); P(link_downs); P(resets); P(host_sessions);
	P(rx_msgs); P(rx_bytes); P(tx_msgs); P(tx_bytes);
	P(db_in); P(db_out); P(proto_errors); P(header_errors);
	P(restart_races); P(echo_dropped); P(corruptions);
	P(sink_ok); P(sink_lost); P(sink_dup); P(sink_reorder);
	P(sink_corrupt); P(sink_empty);
	if (fault_configured(&rm->opt)) {
		P(corrupt_r2h_head); P(corrupt_h2r_tail);
		P(corrupt_remote_ctrl); P(corrupt_len); P(corrupt_pad);
		P(corrupt_r2h_data); P(corrupt_host); P(fault_errors);
		P(fault_restarts); P(idx_detected); P(idx_expired);
		P(flood_db); P(mutes);
		fprintf(f, "fault_seed=%" PRIu64 "%s", rm->opt.fault_seed, sep);
	}
#undef P
	/* Before the first start the library's session is its seed. */
	fprintf(f, "session=%#x%sexit_status=%d\n",
		rm->ep.link.own ? rm->ep.link.session : 0, sep, status);
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

/* SIGTERM, SIGINT: finish the current wakeup, then exit. */
static void on_signal(int sig)
{
	(void)sig;
	remote_stop = 1;
}

/*
 * One wakeup at a time. The fault phase (fault.c) brackets each one:
 * fault_begin() first (puts back host words, may keep us silent), then the
 * honest work, then fault_end() (applies the corruptions due, floods).
 */
static void main_loop(struct remote *rm)
{
	int kicked = 1;	/* look once at start */

	while (!remote_stop && !rm->done) {
		if (!remote_present(rm)) {
			remote_wait(rm);	/* sleeps, touches nothing */
			kicked = 1;
			continue;
		}
		if (fault_begin(rm) || remote_stalled(rm)) {
			/* Silent: remember a doorbell for later. */
			kicked |= remote_wait(rm);
			continue;
		}
		if (fault_active(rm))
			kicked = 1;
		if (kicked || !cmshm_remote_up(&rm->ep) ||
		    remote_due(rm)) {
			remote_link_step(rm);
			if (cmshm_remote_up(&rm->ep))
				remote_work(rm, kicked);
			if (rm->done)
				break;
		}
		fault_end(rm);
		kicked = remote_wait(rm);
	}
	fault_finish(rm);
}

/* Parse, map, run the main loop, publish OFFLINE, report (--help). */
int main(int argc, char **argv)
{
	static struct remote rm;
	struct sigaction sa;
	uint32_t seed;
	int r, status;

	r = remote_parse_args(&rm.opt, argc, argv);
	if (r > 0) {
		remote_usage(stdout);
		return 0;
	}
	if (r < 0) {
		fprintf(stderr, "Try 'cmshm-remote --help'.\n");
		return EXIT_USAGE;
	}
	if (getrandom(&rm.rng, sizeof(rm.rng), 0) != (ssize_t)sizeof(rm.rng) ||
	    !rm.rng)
		rm.rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	fault_init(&rm);
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
	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = (uint32_t)remote_random(&rm);
	/* Polling mode: no doorbell function, the host polls. */
	if (cmshm_remote_init(&rm.ep, rm.base, rm.size,
			      rm.opt.have_db ? remote_ring : NULL, &rm, seed)) {
		remote_log(&rm, 0,
			   "region %#" PRIx64 "+%#x: not 8-byte aligned or too small",
			   rm.opt.region, rm.size);
		remote_unmap(&rm);
		free(rm.buf);
		return 1;
	}
	rm.seen_session = rm.ep.link.session;
	remote_log(&rm, 1, "mode %s, region %#" PRIx64 "+%#x, %s",
		   remote_mode_names[rm.opt.mode], rm.opt.region, rm.size,
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
