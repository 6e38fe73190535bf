// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-faulttest - guest side of the adversarial-remote test: traffic on
 * /dev/cmshmN from several threads while cmshm-remote (echo mode,
 * --fault-corrupt/--fault-flood/--fault-mute) damages everything it can
 * write, then checks that the driver recovered. Prints TAP lines.
 *
 * Usage: cmshm-faulttest DEV SECONDS
 *   SECONDS of fault-phase traffic (the remote's --fault-for must end a
 *   few seconds earlier), then the recovery checks.
 *
 * During the fault phase (threads, each with its own open file):
 *   blocking writer, O_NONBLOCK writer (poll for POLLOUT on EAGAIN),
 *   blocking reader, O_NONBLOCK reader driven by poll(), and a sampler of
 *   sysfs link_state and CMSHM_IOC_INFO.
 * What an echo remote may legitimately return under corruption: any
 * message of 1..max_msg_size bytes (its length word and payload may have
 * been damaged). A message whose numbered header and CRC are intact must
 * be one this program wrote (writer id, number not above those written).
 * Tolerated errors: EPROTO and ECONNRESET from read()/write(), EAGAIN on
 * the O_NONBLOCK files, EINTR only when the threads are being stopped.
 * Anything else fails: another errno, a read of 0 or more than
 * max_msg_size bytes, a short write, POLLNVAL, an unknown link_state.
 *
 * After the phase: the link must come back "up", the rings are drained,
 * and 1000 numbered round trips must come back intact with no new
 * protocol error.
 *
 * Exit status: 0 if every check passed, 1 otherwise, 2 on usage errors.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"

#define BUF_SIZE	65536u
#define ROUND_TRIPS	1000u
#define RT_SEQ_BASE	0x7f000000u
/* Writers put their id in the top byte of the sequence number. */
#define WRITER_SHIFT	24u
#define N_WRITERS	2u

static const char *dev;
static uint32_t max_msg;
static volatile int stop;

/*
 * Counters shared by the threads (updated with __atomic builtins).
 * attempted[w]: numbers writer w has started to write (a message may be
 * echoed before write() returns).
 */
static struct {
	uint64_t written, write_eproto, write_reset, write_again;
	uint64_t read_msgs, read_eproto, read_reset, read_again;
	uint64_t intact, damaged, foreign, bad_len, max_len;
	uint64_t pollerr, pollhup, pollnval, unexpected, eintr;
	uint64_t samples, st_up, st_down, st_error, st_bad, info_bad;
	uint64_t attempted[N_WRITERS + 1];
	int last_errno;
	char last_what[64];
} c;

static void add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static uint64_t get(uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void unexpected(const char *what, int err)
{
	add(&c.unexpected, 1);
	c.last_errno = err;
	snprintf(c.last_what, sizeof(c.last_what), "%s", what);
	printf("# unexpected: %s: %s\n", what, strerror(err));
}

/* Classify a failed read()/write(); returns 1 if the thread must stop. */
static int io_error(int is_write, int nonblock, int err)
{
	if (err == EPROTO) {
		add(is_write ? &c.write_eproto : &c.read_eproto, 1);
	} else if (err == ECONNRESET) {
		add(is_write ? &c.write_reset : &c.read_reset, 1);
	} else if (err == EAGAIN && nonblock) {
		add(is_write ? &c.write_again : &c.read_again, 1);
	} else if (err == EINTR && stop) {
		add(&c.eintr, 1);
		return 1;
	} else {
		unexpected(is_write ? "write" : "read", err);
		return 1;
	}
	return 0;
}

static void count_revents(short re)
{
	if (re & POLLERR)
		add(&c.pollerr, 1);
	if (re & POLLHUP)
		add(&c.pollhup, 1);
	if (re & POLLNVAL) {
		add(&c.pollnval, 1);
		unexpected("poll: POLLNVAL", EBADF);
	}
}

/* What an echo under corruption may return (see the header comment). */
static void account_read(const uint8_t *buf, ssize_t n)
{
	uint32_t seq, w, k;
	uint64_t cur;

	if (n <= 0 || (uint64_t)n > max_msg) {
		add(&c.bad_len, 1);
		printf("# read returned %zd bytes (max %u)\n", n, max_msg);
		return;
	}
	add(&c.read_msgs, 1);
	cur = get(&c.max_len);
	while ((uint64_t)n > cur &&
	       !__atomic_compare_exchange_n(&c.max_len, &cur, (uint64_t)n, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (cmshm_testmsg_check(buf, (uint32_t)n, &seq)) {
		add(&c.damaged, 1);
		return;
	}
	w = seq >> WRITER_SHIFT;
	k = seq & ((1u << WRITER_SHIFT) - 1u);
	if (w < 1 || w > N_WRITERS || k >= get(&c.attempted[w])) {
		add(&c.foreign, 1);
		printf("# intact message with impossible number %#x\n", seq);
		return;
	}
	add(&c.intact, 1);
}

static uint32_t msg_len(uint32_t *rng)
{
	*rng = *rng * 1103515245u + 12345u;
	if ((*rng >> 8) % 64u == 0)
		return CMSHM_TESTMSG_MIN + (*rng >> 4) % (max_msg - CMSHM_TESTMSG_MIN + 1u);
	return CMSHM_TESTMSG_MIN + (*rng >> 4) % 2033u;
}

struct worker {
	pthread_t th;
	int id;
	int done;
	void *(*fn)(void *);
};

static void *writer(void *arg)
{
	struct worker *wk = arg;
	uint32_t rng = 0x1234u * (uint32_t)wk->id, len, k = 0, id = (uint32_t)wk->id;
	int nonblock = id == 2, fd = open_dev(dev, O_RDWR | (nonblock ? O_NONBLOCK : 0));
	static uint8_t bufs[N_WRITERS + 1][BUF_SIZE];
	uint8_t *buf = bufs[id];
	struct pollfd pfd;
	ssize_t r;

	if (fd < 0) {
		unexpected("open (writer)", errno);
		goto out;
	}
	while (!stop && k < (1u << WRITER_SHIFT) - 1u) {
		len = msg_len(&rng);
		cmshm_testmsg_fill(buf, len, id << WRITER_SHIFT | k);
		__atomic_store_n(&c.attempted[id], (uint64_t)k + 1u, __ATOMIC_RELAXED);
		r = write(fd, buf, len);
		if (r == (ssize_t)len) {
			add(&c.written, 1);
			k++;
			continue;
		}
		if (r >= 0) {
			unexpected("short write", EIO);
			break;
		}
		if (io_error(1, nonblock, errno))
			break;
		if (errno == EAGAIN) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, 20) > 0)
				count_revents(pfd.revents);
		}
	}
	close(fd);
out:
	__atomic_store_n(&wk->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *blocking_reader(void *arg)
{
	struct worker *wk = arg;
	static uint8_t buf[BUF_SIZE];
	int fd = open_dev(dev, O_RDWR);
	ssize_t r;

	if (fd < 0) {
		unexpected("open (reader)", errno);
		goto out;
	}
	while (!stop) {
		r = read(fd, buf, sizeof(buf));
		if (r >= 0)
			account_read(buf, r);
		else if (io_error(0, 0, errno))
			break;
	}
	close(fd);
out:
	__atomic_store_n(&wk->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *poll_reader(void *arg)
{
	struct worker *wk = arg;
	static uint8_t buf[BUF_SIZE];
	int fd = open_dev(dev, O_RDWR | O_NONBLOCK), n;
	struct pollfd pfd;
	ssize_t r;

	if (fd < 0) {
		unexpected("open (poller)", errno);
		goto out;
	}
	while (!stop) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		n = poll(&pfd, 1, 50);
		if (n < 0) {
			if (errno != EINTR || !stop)
				unexpected("poll", errno);
			break;
		}
		if (n == 0)
			continue;
		count_revents(pfd.revents);
		if (pfd.revents & POLLHUP)
			usleep(1000);	/* link down: nothing to read */
		if (!(pfd.revents & (POLLIN | POLLERR)))
			continue;
		r = read(fd, buf, sizeof(buf));
		if (r >= 0)
			account_read(buf, r);
		else if (io_error(0, 1, errno))
			break;
	}
	close(fd);
out:
	__atomic_store_n(&wk->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The shared helpers (vmtest.c) for this program's device. */
static int dev_sysfs(const char *attr, char *buf, size_t n)
{
	return read_sysfs(dev, attr, buf, n);
}

static unsigned long long dev_u64(const char *attr)
{
	return sysfs_u64(dev, attr);
}

static void *sampler(void *arg)
{
	struct worker *wk = arg;
	struct cmshm_info info;
	int fd = open_dev(dev, O_RDONLY);
	char st[64];
	uint64_t i = 0;

	while (!stop) {
		if (dev_sysfs("link_state", st, sizeof(st))) {
			unexpected("read link_state", errno);
			break;
		}
		add(&c.samples, 1);
		if (!strcmp(st, "up"))
			add(&c.st_up, 1);
		else if (!strcmp(st, "down"))
			add(&c.st_down, 1);
		else if (!strcmp(st, "error"))
			add(&c.st_error, 1);
		else
			add(&c.st_bad, 1);
		if (fd >= 0 && ++i % 16 == 0) {
			memset(&info, 0xa5, sizeof(info));
			if (ioctl(fd, CMSHM_IOC_INFO, &info) ||
			    info.link_state > CMSHM_LINK_STATE_ERROR ||
			    info.max_msg_size != max_msg)
				add(&c.info_bad, 1);
		}
		usleep(500);
	}
	if (fd >= 0)
		close(fd);
	__atomic_store_n(&wk->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* Read (O_NONBLOCK) whatever is queued until @quiet_ms pass with nothing. */
static unsigned int drain(int quiet_ms)
{
	static uint8_t buf[BUF_SIZE];
	int fd = open_dev(dev, O_RDWR | O_NONBLOCK);
	double last = now_s();
	unsigned int n = 0;

	if (fd < 0)
		return 0;
	while (now_s() - last < quiet_ms / 1e3) {
		if (read(fd, buf, sizeof(buf)) > 0) {
			n++;
			last = now_s();
		} else {
			usleep(2000);
		}
	}
	close(fd);
	return n;
}

int main(int argc, char **argv)
{
	struct worker wk[] = {
		{ .id = 1, .fn = writer }, { .id = 2, .fn = writer },
		{ .id = 3, .fn = blocking_reader }, { .id = 4, .fn = poll_reader },
		{ .id = 5, .fn = sampler },
	};
	const unsigned int nwk = sizeof(wk) / sizeof(wk[0]);
	unsigned long long pe0, pe1, pe2;
	struct cmshm_info info;
	struct sigaction sa;
	double secs, t_end, t_stop;
	unsigned int i, alive, drained, ok;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3 || !(secs = strtod(argv[2], NULL)) || secs < 0) {
		fprintf(stderr, "usage: cmshm-faulttest DEV SECONDS\n");
		return 2;
	}
	dev = argv[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: interrupt blocking calls */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);

	fd = open_dev(dev, O_RDWR);
	if (!check(fd >= 0 && !wait_link_up(fd, 30000) &&
		   !ioctl(fd, CMSHM_IOC_INFO, &info),
		   "open %s, link up with the fault remote", dev))
		return 1;
	max_msg = info.max_msg_size;
	close(fd);
	pe0 = dev_u64("statistics/protocol_errors");
	printf("# fault phase: %.0f s of traffic, max message %u bytes\n", secs,
	       max_msg);

	for (i = 0; i < nwk; i++)
		pthread_create(&wk[i].th, NULL, wk[i].fn, &wk[i]);
	t_end = now_s() + secs;
	while (now_s() < t_end && !get(&c.unexpected))
		usleep(100000);
	stop = 1;
	t_stop = now_s() + 20;
	do {
		for (alive = 0, i = 0; i < nwk; i++) {
			if (__atomic_load_n(&wk[i].done, __ATOMIC_ACQUIRE))
				continue;
			alive++;
			pthread_kill(wk[i].th, SIGUSR1);
		}
		if (alive)
			usleep(10000);
	} while (alive && now_s() < t_stop);
	pe1 = dev_u64("statistics/protocol_errors");

	printf("# written %llu (EPROTO %llu, ECONNRESET %llu, EAGAIN %llu)\n",
	       (unsigned long long)c.written, (unsigned long long)c.write_eproto,
	       (unsigned long long)c.write_reset, (unsigned long long)c.write_again);
	printf("# read %llu: intact %llu, damaged %llu (EPROTO %llu, ECONNRESET %llu, EAGAIN %llu)\n",
	       (unsigned long long)c.read_msgs, (unsigned long long)c.intact,
	       (unsigned long long)c.damaged, (unsigned long long)c.read_eproto,
	       (unsigned long long)c.read_reset, (unsigned long long)c.read_again);
	printf("# poll: POLLERR %llu, POLLHUP %llu; link_state samples %llu: up %llu, down %llu, error %llu\n",
	       (unsigned long long)c.pollerr, (unsigned long long)c.pollhup,
	       (unsigned long long)c.samples, (unsigned long long)c.st_up,
	       (unsigned long long)c.st_down, (unsigned long long)c.st_error);
	printf("# sysfs protocol_errors %llu -> %llu, peer_resets %llu\n", pe0,
	       pe1, dev_u64("statistics/peer_resets"));

	check(!alive, "all %u traffic threads stopped (none hung)", nwk);
	check(!c.unexpected,
	      "fault phase: no errno other than EPROTO/ECONNRESET/EAGAIN, no POLLNVAL (%llu unexpected%s%s)",
	      (unsigned long long)c.unexpected, c.unexpected ? ", last: " : "",
	      c.last_what);
	check(c.written > 1000 && c.read_msgs > 1000 && c.intact > 0,
	      "traffic flowed during the fault phase (%llu written, %llu read, %llu intact)",
	      (unsigned long long)c.written, (unsigned long long)c.read_msgs,
	      (unsigned long long)c.intact);
	check(c.read_eproto > 0, "read() returned EPROTO (%llu times)",
	      (unsigned long long)c.read_eproto);
	check(c.write_eproto > 0, "write() returned EPROTO (%llu times)",
	      (unsigned long long)c.write_eproto);
	check(c.pollerr > 0, "poll() reported POLLERR (%llu times)",
	      (unsigned long long)c.pollerr);
	check(pe0 != ~0ull && pe1 != ~0ull && pe1 > pe0,
	      "sysfs statistics/protocol_errors counted the violations (%llu -> %llu)",
	      pe0, pe1);
	check(c.st_error > 0 && !c.st_bad,
	      "sysfs link_state showed \"error\" (%llu of %llu samples; %llu unknown)",
	      (unsigned long long)c.st_error, (unsigned long long)c.samples,
	      (unsigned long long)c.st_bad);
	check(!c.info_bad, "CMSHM_IOC_INFO stayed sane (%llu bad)",
	      (unsigned long long)c.info_bad);
	check(!c.bad_len,
	      "every read returned 1..max_msg_size bytes (%llu bad, largest %llu of %u)",
	      (unsigned long long)c.bad_len, (unsigned long long)c.max_len,
	      max_msg);
	check(!c.foreign,
	      "every intact numbered message was one we wrote (%llu impossible)",
	      (unsigned long long)c.foreign);

	/* Recovery: the remote's fault phase is over by now. */
	fd = open_dev(dev, O_RDWR);
	check(fd >= 0 && !wait_link_up(fd, 30000),
	      "link comes back up after the fault phase, module not reloaded");
	drained = drain(500);
	printf("# drained %u leftover messages\n", drained);
	pe1 = dev_u64("statistics/protocol_errors");
	for (ok = 1, i = 0; fd >= 0 && i < ROUND_TRIPS && ok; i++)
		ok = !round_trip(fd, CMSHM_TESTMSG_MIN + (i * 977u) % 4000u,
				 RT_SEQ_BASE + i);
	check(fd >= 0 && ok, "%u round trips intact after the fault phase (%u done)",
	      ROUND_TRIPS, i);
	pe2 = dev_u64("statistics/protocol_errors");
	check(pe2 == pe1, "no protocol error once the remote is honest (%llu -> %llu)",
	      pe1, pe2);
	{
		char st[64];

		check(!dev_sysfs("link_state", st, sizeof(st)) && !strcmp(st, "up"),
		      "sysfs link_state is \"up\" at the end");
	}
	if (fd >= 0)
		close(fd);
	printf("# faults: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
