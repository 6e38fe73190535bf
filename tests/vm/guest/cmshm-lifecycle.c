// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-lifecycle - guest checks of unbind with open files, bind/unbind
 * cycles, remote restarts and concurrent users. The remote (cmshm-remote)
 * runs in echo mode on the host. Prints one TAP line per check.
 *
 * Usage: cmshm-lifecycle unbind DEV PDEV [MS] blocked calls end at unbind,
 *                                            within MS ms (default 100)
 *        cmshm-lifecycle cycles DEV PDEV N   N unbind/bind cycles, fds open
 *        cmshm-lifecycle reset DEV N         the remote restarts N times
 *        cmshm-lifecycle concurrent DEV      4 writers and 4 readers
 * PDEV is the platform device name, e.g. cmshm-0.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

static sigjmp_buf touch_env;

static void touch_sigbus(int sig)
{
	siglongjmp(touch_env, sig);
}

/* Whether reading the byte at @p raises SIGBUS (the handler catches it). */
static bool touch_faults(volatile uint8_t *p)
{
	struct sigaction sa = { .sa_handler = touch_sigbus }, old;
	bool faulted;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(touch_env, 1)) {
		faulted = true;
	} else {
		(void)*p;
		faulted = false;
	}
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

/* A call blocked in another thread: what it returned and when. */
struct blocked {
	int fd;
	int op;		/* 0 read, 1 write, 2 poll */
	ssize_t ret;
	int err;
	short revents;
	double t_end;
};

static void *blocked_call(void *arg)
{
	struct blocked *b = arg;
	static uint8_t buf[4096];
	struct pollfd pfd = { .fd = b->fd, .events = POLLIN };

	if (b->op == 0) {
		b->ret = read(b->fd, buf, sizeof(buf));
	} else if (b->op == 1) {
		b->ret = write(b->fd, buf, sizeof(buf));
	} else {
		b->ret = poll(&pfd, 1, 10000);
		b->revents = pfd.revents;
	}
	b->err = errno;
	b->t_end = now_ms();
	return NULL;
}

/* Fill the host-to-remote ring; the remote (idle mode) never consumes. */
static int fill_ring(int fd)
{
	static uint8_t buf[4096];
	int n = 0;

	while (write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf))
		n++;
	return errno == EAGAIN ? n : -1;
}

static int run_unbind(const char *dev, const char *pdev, double max_ms)
{
	struct blocked b[3] = {
		{ .op = 0 }, { .op = 1 }, { .op = 2 },
	};
	pthread_t th[3];
	struct cmshm_info info;
	double t0, worst = 0;
	int rd, wr, pl, mm, i, fd, ok;
	uint8_t *app, buf[64];
	struct pollfd pfd;

	rd = open_dev(dev, O_RDWR);
	if (!check(rd >= 0 && !wait_link_up(rd, 20000) && !get_info(rd, &info),
		   "%s open, link up (remote in idle mode)", dev))
		return 1;
	wr = open_dev(dev, O_RDWR | O_NONBLOCK);
	check(fill_ring(wr) > 0, "ring filled, so a blocking write blocks");
	fcntl(wr, F_SETFL, 0);
	pl = open_dev(dev, O_RDWR);
	mm = open_dev(dev, O_RDWR);
	app = mmap(NULL, info.app_size, PROT_READ | PROT_WRITE, MAP_SHARED, mm,
		   0);
	check(app != MAP_FAILED, "application area mapped");
	if (app != MAP_FAILED) {
		app[0] = 0x5a;
		check(app[0] == 0x5a && !touch_faults(app),
		      "the mapping is usable before the unbind");
	}
	b[0].fd = rd;
	b[1].fd = wr;
	b[2].fd = pl;
	for (i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, blocked_call, &b[i]);
	usleep(300000);
	for (ok = 1, i = 0; i < 3; i++)
		ok &= b[i].t_end == 0;
	check(ok, "read, write and poll are blocked");
	t0 = now_ms();
	check(!sysfs_write(DRV "unbind", pdev), "unbind %s with 4 files open",
	      pdev);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 3; i++)
		if (b[i].t_end - t0 > worst)
			worst = b[i].t_end - t0;
	check(b[0].ret == -1 && b[0].err == ENODEV,
	      "blocked read returns ENODEV (%zd, %s)", b[0].ret,
	      strerror(b[0].err));
	check(b[1].ret == -1 && b[1].err == ENODEV,
	      "blocked write returns ENODEV (%zd, %s)", b[1].ret,
	      strerror(b[1].err));
	check(b[2].ret == 1 && (b[2].revents & POLLHUP),
	      "blocked poll returns POLLHUP (revents 0x%x)", b[2].revents);
	check(worst < max_ms, "all three returned %.1f ms after the unbind (limit %.0f ms)",
	      worst, max_ms);

	errno = 0;
	check(read(rd, buf, sizeof(buf)) == -1 && errno == ENODEV,
	      "later read: ENODEV");
	errno = 0;
	check(write(wr, buf, sizeof(buf)) == -1 && errno == ENODEV,
	      "later write: ENODEV");
	errno = 0;
	check(ioctl(rd, CMSHM_IOC_INFO, &info) == -1 && errno == ENODEV,
	      "later ioctl: ENODEV");
	errno = 0;
	check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, mm, 0) == MAP_FAILED &&
	      errno == ENODEV, "later mmap: ENODEV");
	pfd.fd = pl;
	pfd.events = POLLIN | POLLOUT;
	check(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLHUP,
	      "later poll: POLLHUP only (0x%x)", pfd.revents);
	fd = open(dev, O_RDWR);
	check(fd < 0, "the device node is gone");
	if (app != MAP_FAILED) {
		check(touch_faults(app), "a mapping used before the unbind raises SIGBUS after it");
		check(touch_faults(app + info.app_size - 1),
		      "so does a page of it never touched before");
		munmap(app, info.app_size);
	}
	close(rd);
	close(wr);
	close(pl);
	close(mm);

	check(!sysfs_write(DRV "bind", pdev), "bind %s again", pdev);
	fd = wait_dev(dev, 5000);
	check(fd >= 0 && !wait_link_up(fd, 20000) && write(fd, buf, 64) == 64,
	      "link up and writable after rebind");
	close(fd);
	return 0;
}

static int run_cycles(const char *dev, const char *pdev, int n)
{
	int i, fd, fd2, ok = 1, enodev = 1, up = 1;
	uint8_t buf[64];
	double t0 = now_ms();
	void *app;

	for (i = 0; i < n && ok; i++) {
		fd = wait_dev(dev, 5000);
		fd2 = open(dev, O_RDONLY | O_NONBLOCK);
		ok = fd >= 0 && fd2 >= 0;
		if (!ok)
			break;
		app = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, 0);
		if (i % 50 == 0)
			up &= !wait_link_up(fd, 20000);
		ok = !sysfs_write(DRV "unbind", pdev);
		enodev &= read(fd, buf, sizeof(buf)) == -1 && errno == ENODEV;
		if (app != MAP_FAILED)
			munmap(app, 4096);
		close(fd2);
		ok = ok && !sysfs_write(DRV "bind", pdev);
		close(fd);
	}
	check(ok && i == n,
	      "%d unbind/bind cycles with two files open and a mapping (%.1f s)",
	      i, (now_ms() - t0) / 1000);
	check(enodev, "every read on an unbound device returned ENODEV");
	check(up, "the link came up with the remote on every 50th cycle");
	fd = wait_dev(dev, 5000);
	check(fd >= 0 && !wait_link_up(fd, 20000), "link up after the cycles");
	close(fd);
	return 0;
}

/*
 * The ECONNRESET contract (Documentation/reliability.rst): in each
 * direction, a call returns ECONNRESET iff the remote restarted since that
 * direction last reported one (or since open): once per run of restarts
 * between two calls, never for no restart, never missed. The driver counts
 * each restart it notices in statistics/peer_resets when it records the
 * event, so sampling that counter before (p0) and after (p1) every call
 * checks the contract exactly whatever the timing:
 *   - a report at call k is justified only if p1(k) > p0(last report);
 *   - if p0(k) > p1(last report), a restart was recorded after the last
 *     report and before call k began: call k must report.
 * "last report" is the open() for the first one.
 */
struct reset_dir {
	const char *name;
	unsigned long long p0_last, p1_last;
	int reports, spurious, missed;
};

/* Account for one call of @d that returned @r (errno @err). */
static void reset_account(struct reset_dir *d, unsigned long long p0,
			  unsigned long long p1, ssize_t r, int err)
{
	bool reported = r < 0 && err == ECONNRESET;

	if (reported) {
		d->reports++;
		if (p1 <= d->p0_last) {
			d->spurious++;
			printf("# %s: ECONNRESET with no restart since the last one (peer_resets %llu..%llu, last report at %llu)\n",
			       d->name, p0, p1, d->p0_last);
		}
		d->p0_last = p0;
		d->p1_last = p1;
	} else if (p0 > d->p1_last) {
		d->missed++;
		printf("# %s: no ECONNRESET although peer_resets went from %llu to %llu before the call\n",
		       d->name, d->p1_last, p0);
	}
}

static unsigned long long peer_resets(const char *dev)
{
	return sysfs_u64(dev, "statistics/peer_resets");
}

/* Round trips with a time limit per echo while the remote restarts @want
 * times: an echo lost in a reset window is skipped, never received twice.
 */
static int run_reset(const char *dev, int want)
{
	static uint8_t out[2048], in[2048];
	struct reset_dir wr = { .name = "write" }, rd = { .name = "read" };
	uint32_t seq, got, last = 0, lost = 0, dup = 0, ok_rt = 0;
	unsigned long long p0, p1;
	struct pollfd pfd;
	double end, done = 0;
	ssize_t r;
	int fd, i, ok;

	p0 = peer_resets(dev);
	fd = open_dev(dev, O_RDWR);
	p1 = peer_resets(dev);
	wr.p0_last = rd.p0_last = p0;
	wr.p1_last = rd.p1_last = p1;
	if (!check(fd >= 0 && !wait_link_up(fd, 20000), "%s open, link up",
		   dev))
		return 1;
	printf("# RESET-TEST-START\n");
	fflush(stdout);
	end = now_ms() + 90000;
	/* Until 2 s after the last restart was recorded, or 90 s. */
	for (seq = 1; now_ms() < end && (!done || now_ms() < done + 2000);
	     seq++) {
		if (!done && peer_resets(dev) >= (unsigned int)want)
			done = now_ms();
		cmshm_testmsg_fill(out, 64 + seq % 1000, seq);
		p0 = peer_resets(dev);
		r = write(fd, out, 64 + seq % 1000);
		reset_account(&wr, p0, peer_resets(dev), r, errno);
		if (r < 0 && errno == ECONNRESET)
			continue;
		if (r < 0) {
			printf("# write: %s\n", strerror(errno));
			break;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		for (;;) {
			if (poll(&pfd, 1, 500) != 1) {
				lost++;
				break;
			}
			p0 = peer_resets(dev);
			r = read(fd, in, sizeof(in));
			reset_account(&rd, p0, peer_resets(dev), r, errno);
			if (r < 0 && (errno == ECONNRESET || errno == EAGAIN))
				continue;
			if (r < 0 || cmshm_testmsg_check(in, r, &got)) {
				printf("# bad read %zd %s\n", r, strerror(errno));
				dup = ~0u;
				break;
			}
			if (got <= last)
				dup++;
			last = got;
			ok_rt += got == seq;
			if (got == seq)
				break;
		}
	}
	p1 = peer_resets(dev);
	check(p1 == (unsigned int)want,
	      "sysfs peer_resets counts the %d restarts (%llu)", want, p1);
	check(wr.reports >= 1 && wr.reports <= want && !wr.spurious &&
	      !wr.missed,
	      "write: ECONNRESET once per run of restarts between two calls (%d for %d restarts, %d spurious, %d missed)",
	      wr.reports, want, wr.spurious, wr.missed);
	check(rd.reports >= 1 && rd.reports <= want && !rd.spurious &&
	      !rd.missed,
	      "read: ECONNRESET once per run of restarts between two calls (%d for %d restarts, %d spurious, %d missed)",
	      rd.reports, want, rd.spurious, rd.missed);
	check(dup == 0, "no echo received twice or out of order (%u bad)", dup);
	printf("# %u round trips, %u echoes lost in reset windows\n", ok_rt,
	       lost);
	check(!wait_link_up(fd, 20000), "link up again");
	for (ok = 1, i = 0; i < 100 && ok; i++)
		ok = !round_trip(fd, 200, 0x100000 + i);
	check(ok, "100 round trips after the last restart");
	close(fd);
	return 0;
}

#define CONC_PROCS	4
#define CONC_MSGS	2000

/* Writers send disjoint sequence ranges; readers mark what they receive in
 * a shared table. Every message must arrive exactly once, intact.
 */
static int run_concurrent(const char *dev)
{
	size_t total = CONC_PROCS * CONC_MSGS;
	uint8_t *seen = mmap(NULL, total, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *left = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd = open_dev(dev, O_RDWR), i, status, ok = 1, bad = 0;
	size_t k, once = 0;

	if (!check(fd >= 0 && !wait_link_up(fd, 20000), "%s open, link up",
		   dev))
		return 1;
	close(fd);
	*left = (int)total;
	for (i = 0; i < 2 * CONC_PROCS; i++) {
		if (fork())
			continue;
		/* Half the writers block; readers never do, so they can stop. */
		fd = open(dev, O_RDWR |
			  (i >= CONC_PROCS || (i & 1) ? O_NONBLOCK : 0));
		if (i < CONC_PROCS) {	/* writer */
			static uint8_t m[1024];

			for (k = 0; k < CONC_MSGS; k++) {
				uint32_t s = i * CONC_MSGS + k, len;

				len = 16 + (s * 13) % 1000;
				cmshm_testmsg_fill(m, len, s);
				while (write(fd, m, len) != (ssize_t)len) {
					if (errno != EAGAIN)
						_exit(1);
					poll(&(struct pollfd){ .fd = fd,
					     .events = POLLOUT }, 1, 100);
				}
			}
			_exit(0);
		}
		for (;;) {	/* reader */
			static uint8_t m[65536];
			uint32_t s;
			ssize_t r;

			if (__atomic_load_n(left, __ATOMIC_SEQ_CST) <= 0)
				_exit(0);
			if (poll(&(struct pollfd){ .fd = fd, .events = POLLIN },
				 1, 100) != 1)
				continue;
			r = read(fd, m, sizeof(m));
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r < 0 || cmshm_testmsg_check(m, r, &s) ||
			    s >= total)
				_exit(2);
			__atomic_add_fetch(&seen[s], 1, __ATOMIC_SEQ_CST);
			__atomic_sub_fetch(left, 1, __ATOMIC_SEQ_CST);
		}
	}
	for (i = 0; i < 2 * CONC_PROCS; i++) {
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			ok = 0;
			printf("# a process failed (status 0x%x)\n", status);
		}
	}
	for (k = 0; k < total; k++) {
		once += seen[k] == 1;
		bad += seen[k] > 1;
	}
	check(ok, "%d writers (half blocking) and %d readers finished cleanly",
	      CONC_PROCS, CONC_PROCS);
	check(once == total && !bad,
	      "each of %zu messages delivered whole exactly once (%zu once, %d more than once)",
	      total, once, bad);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "unbind"))
		run_unbind(argv[2], argv[3], argc == 5 ? atof(argv[4]) : 100);
	else if (argc == 5 && !strcmp(argv[1], "cycles"))
		run_cycles(argv[2], argv[3], atoi(argv[4]));
	else if (argc == 4 && !strcmp(argv[1], "reset"))
		run_reset(argv[2], atoi(argv[3]));
	else if (argc == 3 && !strcmp(argv[1], "concurrent"))
		run_concurrent(argv[2]);
	else {
		fprintf(stderr, "usage: see the comment at the top of %s\n",
			__FILE__);
		return 2;
	}
	printf("# %s: %d checks, %d failed\n", argv[1], checks, failures);
	return failures || !checks ? 1 : 0;
}
