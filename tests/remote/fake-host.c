// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fake-host: the HOST side of cmshm in a plain file, for testing
 * cmshm-remote without the kernel driver. It uses the same protocol
 * headers (cmshm_layout_init, cmshm_header_write, cmshm_link_*, rings as
 * host: h2r produced, r2h consumed) and the test-mailbox doorbell layout
 * (Linux->remote counter at CHAN*128, remote->Linux at CHAN*128+64).
 *
 * In doorbell mode it is as strict as the emulator: once the link is up it
 * looks at r2h and the remote ctrl only after the remote rang, so a
 * missing remote doorbell shows up as a timeout.
 *
 * Build: cc -std=c11 -O2 -Wall -Wextra -Werror -I include -I userspace \
 *           -o fake-host tests/remote/fake-host.c
 *
 * Modes:
 *   idle    come up, stay up --hold-ms, exit 0
 *   echo    send --count numbered messages and verify each echoed back
 *   send    send --count numbered messages, exit when the remote consumed
 *           all; --restart-at K restarts the host (new header with
 *           --restart-ring-size, new session) after K messages;
 *           --corrupt-at K stores an invalid h2r head after K messages
 *           and waits for the remote to restart the link
 *   recv    receive --count numbered messages, seq 0.. in order
 *   badhdr  publish READY over a header with a bad magic; fail if the link
 *           ever comes up within --hold-ms
 *
 * --check-words: at exit, fail unless every header word and the host
 * control block in shared memory still hold what this program stored
 * (after a remote that corrupted host-owned words had to put them back).
 *
 * Exit status: 0 success, 1 failure or timeout (reason on stderr), 2 usage.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cmshm/cmshm_link.h"
#include "cmshm_testmsg.h"

/**
 * struct host - the fake host's whole state.
 * @base:      region in the mapped file.
 * @size:      region size in bytes.
 * @hdr:       private header as published.
 * @tx:        h2r ring (we produce).
 * @rx:        r2h ring (we consume).
 * @link:      handshake state; own = header's host ctrl.
 * @db_tx:     Linux->remote counter we increment, or NULL (polling).
 * @db_rx:     remote->Linux counter we watch.
 * @db_tx_val: private copy of *@db_tx.
 * @db_rx_last: last value of *@db_rx seen.
 */
struct host {
	uint8_t *base;
	uint32_t size;
	struct cmshm_header hdr;
	struct cmshm_ring tx, rx;
	struct cmshm_link link;
	uint32_t *db_tx, *db_rx;
	uint32_t db_tx_val, db_rx_last;
};

static struct {
	const char *mem, *mode;
	uint64_t region_off, doorbell_off;
	int have_db;
	unsigned int db_tx, db_rx;
	uint32_t size, ring_size, line_size, restart_ring_size;
	uint64_t count, restart_at, corrupt_at;
	uint32_t size_min, size_max;
	unsigned int hold_ms, timeout_s, poll_us;
	int check_words;
} o = {
	.mode = "idle", .size = 0x100000, .ring_size = 65536, .line_size = 64,
	.restart_ring_size = 16384, .restart_at = UINT64_MAX,
	.corrupt_at = UINT64_MAX, .size_min = 64, .size_max = 64,
	.timeout_s = 10, .poll_us = 20,
};

static uint64_t rng = 88172645463325252ull;
static unsigned long n_ups, n_resets, n_remote_db;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint32_t rnd32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static __attribute__((noreturn, format(printf, 1, 2)))
void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fake-host: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (ups=%lu resets=%lu remote_db=%lu)\n", n_ups,
		n_resets, n_remote_db);
	exit(1);
}

static void ring_remote(struct host *h)
{
	if (!h->db_tx)
		return;
	h->db_tx_val++;
	cmshm_wmb();
	cmshm_store32(h->db_tx, h->db_tx_val);
}

/* Sleep; return 1 if the region must be examined (polling, or rung). */
static int wait_remote(struct host *h)
{
	struct timespec ts = { 0, (long)o.poll_us * 1000L };
	uint32_t cur;

	nanosleep(&ts, NULL);
	if (!h->db_rx)
		return 1;
	cur = cmshm_load32(h->db_rx);
	cmshm_rmb();
	if (cur == h->db_rx_last)
		return 0;
	n_remote_db += cur - h->db_rx_last;
	h->db_rx_last = cur;
	return 1;
}

static uint32_t new_session(uint32_t old)
{
	uint32_t s = 0;

	while (!s || s == old)
		if (getrandom(&s, sizeof(s), 0) != (ssize_t)sizeof(s))
			s = rnd32();
	return s;
}

/* (Re)publish the header with @ring_size rings and start a new session. */
static void host_start(struct host *h, uint32_t ring_size, int bad_magic)
{
	struct cmshm_header *sh = (struct cmshm_header *)h->base;

	memset(&h->hdr, 0, sizeof(h->hdr));
	if (cmshm_layout_init(&h->hdr, h->size, o.line_size, ring_size, 4096))
		fail("cmshm_layout_init(size %#x ring %u) failed", h->size,
		     ring_size);
	cmshm_header_write(sh, &h->hdr);
	if (bad_magic) {
		cmshm_store32(&sh->magic, CMSHM_MAGIC ^ 1u);
		cmshm_wmb();
	}
	cmshm_ring_init(&h->tx, h->base, &h->hdr.h2r);
	cmshm_ring_init(&h->rx, h->base, &h->hdr.r2h);
	h->link.own = &sh->host;
	h->link.peer = (struct cmshm_ctrl *)(h->base + h->hdr.remote_ctrl);
	h->link.tx = &h->tx;
	h->link.rx = &h->rx;
	cmshm_link_start(&h->link, new_session(h->link.session));
	ring_remote(h);
}

static void *map_at(int fd, uint64_t off, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)off);

	if (p == MAP_FAILED)
		fail("mmap %s at %#llx: %s", o.mem, (unsigned long long)off,
		     strerror(errno));
	return p;
}

static void usage_exit(void)
{
	fprintf(stderr,
		"usage: fake-host --mem FILE --region-off OFF [--size N] [--ring-size N]\n"
		"  [--line-size N] [--doorbell-off OFF --db-tx CH --db-rx CH]\n"
		"  --mode idle|echo|send|recv|badhdr [--count N] [--size-min N]\n"
		"  [--size-max N] [--restart-at K] [--restart-ring-size N]\n"
		"  [--corrupt-at K] [--hold-ms MS] [--timeout S] [--poll-us US]\n"
		"  [--check-words]\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s)
		usage_exit();
	return v;
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mem", 1, NULL, 'm' }, { "region-off", 1, NULL, 'r' },
		{ "size", 1, NULL, 's' }, { "ring-size", 1, NULL, 'R' },
		{ "line-size", 1, NULL, 'L' }, { "doorbell-off", 1, NULL, 'd' },
		{ "db-tx", 1, NULL, 't' }, { "db-rx", 1, NULL, 'x' },
		{ "mode", 1, NULL, 'M' }, { "count", 1, NULL, 'c' },
		{ "size-min", 1, NULL, 'a' }, { "size-max", 1, NULL, 'b' },
		{ "restart-at", 1, NULL, 'K' }, { "restart-ring-size", 1, NULL, 'S' },
		{ "corrupt-at", 1, NULL, 'C' }, { "hold-ms", 1, NULL, 'H' },
		{ "timeout", 1, NULL, 'T' }, { "poll-us", 1, NULL, 'p' },
		{ "check-words", 0, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'm': o.mem = optarg; break;
		case 'r': o.region_off = num(optarg); break;
		case 's': o.size = (uint32_t)num(optarg); break;
		case 'R': o.ring_size = (uint32_t)num(optarg); break;
		case 'L': o.line_size = (uint32_t)num(optarg); break;
		case 'd': o.doorbell_off = num(optarg); o.have_db = 1; break;
		case 't': o.db_tx = (unsigned int)num(optarg) & 7u; break;
		case 'x': o.db_rx = (unsigned int)num(optarg) & 7u; break;
		case 'M': o.mode = optarg; break;
		case 'c': o.count = num(optarg); break;
		case 'a': o.size_min = (uint32_t)num(optarg); break;
		case 'b': o.size_max = (uint32_t)num(optarg); break;
		case 'K': o.restart_at = num(optarg); break;
		case 'S': o.restart_ring_size = (uint32_t)num(optarg); break;
		case 'C': o.corrupt_at = num(optarg); break;
		case 'H': o.hold_ms = (unsigned int)num(optarg); break;
		case 'T': o.timeout_s = (unsigned int)num(optarg); break;
		case 'p': o.poll_us = (unsigned int)num(optarg); break;
		case 'W': o.check_words = 1; break;
		default: usage_exit();
		}
	}
	if (!o.mem || optind != argc || o.size_min < CMSHM_TESTMSG_MIN ||
	    o.size_min > o.size_max)
		usage_exit();
}

/* Send numbered messages while there is room; 1 if any was sent. */
static int send_some(struct host *h, uint64_t *seq, uint64_t limit,
		     uint8_t *buf)
{
	uint32_t max = o.size_max > h->tx.max_msg ? h->tx.max_msg : o.size_max;
	uint32_t min = o.size_min > max ? max : o.size_min;
	uint32_t len;
	int err, sent = 0;

	while (*seq < limit) {
		len = min + rnd32() % (max - min + 1u);
		cmshm_testmsg_fill(buf, len, (uint32_t)*seq);
		err = cmshm_ring_write(&h->tx, buf, len);
		/* Full: ask for a doorbell, look once more (protocol v2). */
		if (err == -CMSHM_EAGAIN &&
		    cmshm_link_want(&h->link, CMSHM_WANT_SPACE))
			err = cmshm_ring_write(&h->tx, buf, len);
		if (err == -CMSHM_EAGAIN)
			break;
		cmshm_link_unwant(&h->link, CMSHM_WANT_SPACE);
		if (err)
			fail("h2r write seq %llu: error %d",
			     (unsigned long long)*seq, err);
		(*seq)++;
		sent = 1;
	}
	return sent;
}

/* Receive numbered messages, each must be seq *@next; 1 if any. */
static int recv_some(struct host *h, uint64_t *next, uint8_t *buf,
		     uint32_t cap)
{
	uint32_t len, seq;
	int err, got = 0;

	for (;;) {
		err = cmshm_ring_read(&h->rx, buf, cap, &len);
		if (err == -CMSHM_EAGAIN &&
		    cmshm_link_want(&h->link, CMSHM_WANT_DATA))
			err = cmshm_ring_read(&h->rx, buf, cap, &len);
		if (err == -CMSHM_EAGAIN)
			return got;
		cmshm_link_unwant(&h->link, CMSHM_WANT_DATA);
		if (err)
			fail("r2h read after %llu: error %d",
			     (unsigned long long)*next, err);
		if (cmshm_testmsg_check(buf, len, &seq))
			fail("corrupt %u-byte message, expected seq %llu", len,
			     (unsigned long long)*next);
		if (seq != (uint32_t)*next)
			fail("got seq %u, expected %llu", seq,
			     (unsigned long long)*next);
		(*next)++;
		got = 1;
	}
}

/* May the host act without a remote doorbell (it produces, or waits)? */
static int proactive(const struct host *h, uint64_t sent, int blocked,
		     int corrupting)
{
	if (!h->link.up)
		return 1;	/* follow the handshake at every wakeup */
	if (o.hold_ms && (!strcmp(o.mode, "idle") || !strcmp(o.mode, "badhdr")))
		return 1;
	if (blocked || corrupting)
		return 0;
	return (!strcmp(o.mode, "send") || !strcmp(o.mode, "echo")) &&
	       sent < o.count;
}

/* send mode, link up: send, restart or corrupt as asked; 1 when done. */
static int do_send(struct host *h, uint64_t *sent, int *blocked,
		   int *corrupting, uint8_t *buf)
{
	static int restarted, corrupted;
	uint64_t limit = o.count;
	uint32_t tail;

	if (*corrupting)
		return 0;	/* until the remote restarts the link */
	if (!restarted && o.restart_at < limit)
		limit = o.restart_at;
	if (!corrupted && o.corrupt_at < limit)
		limit = o.corrupt_at;
	if (send_some(h, sent, limit, buf) &&
	    cmshm_link_peer_wants(&h->link, CMSHM_WANT_DATA))
		ring_remote(h);
	*blocked = *sent < limit;
	if (*sent == limit && limit == o.restart_at && !restarted) {
		restarted = 1;
		host_start(h, o.restart_ring_size, 0);
		return 0;
	}
	if (*sent == limit && limit == o.corrupt_at && !corrupted) {
		corrupted = 1;
		*corrupting = 1;
		/* Aligned, but more than a ring size ahead of the tail. */
		cmshm_store32(h->tx.head, h->tx.own + h->tx.size + 8u);
		ring_remote(h);
		return 0;
	}
	if (*sent < o.count)
		return 0;
	if (cmshm_ring_load_tail(&h->tx, &tail))
		fail("invalid h2r tail");
	/* Waiting for the remote to consume: ask to be rung when it does. */
	if (tail != h->tx.own && cmshm_link_want(&h->link, CMSHM_WANT_SPACE) &&
	    cmshm_ring_load_tail(&h->tx, &tail))
		fail("invalid h2r tail");
	return tail == h->tx.own;
}

/* --check-words: the shared header and host ctrl are as we stored them. */
static void check_words(const struct host *h)
{
	const struct cmshm_header *sh = (const struct cmshm_header *)h->base;
	const uint32_t *mine = (const uint32_t *)&h->hdr;
	const uint32_t *shared = (const uint32_t *)sh;
	unsigned int i, n = (unsigned int)(offsetof(struct cmshm_header, host) / 4u);

	for (i = 0; i < n; i++)
		if (cmshm_load32(&shared[i]) != mine[i])
			fail("header word %u is %#x, we stored %#x", i,
			     cmshm_load32(&shared[i]), mine[i]);
	if (cmshm_load32(&sh->host.state) != CMSHM_STATE_READY ||
	    cmshm_load32(&sh->host.session) != h->link.session ||
	    cmshm_load32(&sh->host.ack) != h->link.acked ||
	    cmshm_load32(&sh->host.features) != CMSHM_FEATURES)
		fail("host ctrl is %#x/%#x/%#x/%#x, we stored READY/%#x/%#x/%#x",
		     cmshm_load32(&sh->host.state), cmshm_load32(&sh->host.session),
		     cmshm_load32(&sh->host.ack), cmshm_load32(&sh->host.features),
		     h->link.session, h->link.acked, CMSHM_FEATURES);
}

int main(int argc, char **argv)
{
	static struct host h;
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), sent = 0, got = 0;
	int fd, badhdr, look, blocked = 0, corrupting = 0, moved, done;
	double t0, up_since = 0;
	unsigned int ev;
	uint32_t tail;
	uint8_t *buf, *db;

	parse(argc, argv);
	badhdr = !strcmp(o.mode, "badhdr");
	if (strcmp(o.mode, "idle") && strcmp(o.mode, "echo") &&
	    strcmp(o.mode, "send") && strcmp(o.mode, "recv") && !badhdr)
		usage_exit();
	if (getrandom(&rng, sizeof(rng), 0) != (ssize_t)sizeof(rng) || !rng)
		rng = 88172645463325252ull;
	buf = malloc(o.size);
	if (!buf)
		fail("out of memory");
	fd = open(o.mem, O_RDWR);
	if (fd < 0)
		fail("open %s: %s", o.mem, strerror(errno));
	h.base = map_at(fd, o.region_off, o.size);
	h.size = o.size;
	if (o.have_db) {
		db = map_at(fd, o.doorbell_off, (size_t)pg);
		h.db_tx = (uint32_t *)(db + o.db_tx * 128u);
		h.db_rx = (uint32_t *)(db + o.db_rx * 128u + 64u);
		h.db_tx_val = cmshm_load32(h.db_tx);
		h.db_rx_last = cmshm_load32(h.db_rx);
	}
	close(fd);

	host_start(&h, o.ring_size, badhdr);
	t0 = now();
	for (look = 1, done = 0; !done; look = wait_remote(&h)) {
		if (now() > t0 + o.timeout_s)
			fail("timeout: mode %s sent %llu received %llu up %d",
			     o.mode, (unsigned long long)sent,
			     (unsigned long long)got, h.link.up);
		if (!look && !proactive(&h, sent, blocked, corrupting))
			continue;
		ev = cmshm_link_update(&h.link);
		if (ev & CMSHM_LINK_KICK)
			ring_remote(&h);
		if (ev & CMSHM_LINK_RESET) {
			n_resets++;
			corrupting = 0;
		}
		if (ev & CMSHM_LINK_UP) {
			n_ups++;
			up_since = now();
			blocked = 0;
			if (badhdr)
				fail("link came up over an invalid header");
		}
		if (badhdr) {
			done = now() - t0 >= o.hold_ms / 1e3;
			continue;
		}
		if (!h.link.up) {
			/* A remote that exits once it has its count goes
			 * OFFLINE: what it consumed before still counts.
			 */
			if (!strcmp(o.mode, "send") && sent == o.count &&
			    sent && !cmshm_ring_load_tail(&h.tx, &tail) &&
			    tail == h.tx.own)
				done = 1;
			continue;
		}
		moved = 0;
		if (!strcmp(o.mode, "idle")) {
			done = now() - up_since >= o.hold_ms / 1e3;
		} else if (!strcmp(o.mode, "echo")) {
			if (recv_some(&h, &got, buf, o.size))
				moved |= CMSHM_WANT_SPACE;
			if (send_some(&h, &sent, o.count, buf))
				moved |= CMSHM_WANT_DATA;
			blocked = sent < o.count;
			done = got == o.count;
		} else if (!strcmp(o.mode, "recv")) {
			if (recv_some(&h, &got, buf, o.size))
				moved |= CMSHM_WANT_SPACE;
			done = got == o.count;
		} else {
			done = do_send(&h, &sent, &blocked, &corrupting, buf);
		}
		/* Ring for what moved, if the remote waits for it. */
		if (((moved & CMSHM_WANT_DATA) &&
		     cmshm_link_peer_wants(&h.link, CMSHM_WANT_DATA)) ||
		    ((moved & CMSHM_WANT_SPACE) &&
		     cmshm_link_peer_wants(&h.link, CMSHM_WANT_SPACE)))
			ring_remote(&h);
	}
	if (o.check_words)
		check_words(&h);
	printf("fake-host: mode=%s ups=%lu resets=%lu sent=%llu received=%llu remote_db=%lu\n",
	       o.mode, n_ups, n_resets, (unsigned long long)sent,
	       (unsigned long long)got, n_remote_db);
	free(buf);
	return 0;
}
