// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-stall - a call whose user buffer faults slowly stalls only itself.
 *
 * Usage: cmshm-stall DEV PDEV [MS]
 *   DEV   /dev/cmshmN whose remote runs in source mode (sends messages of
 *         at most 4096 bytes, never consumes)
 *   PDEV  its platform device, e.g. cmshm-0
 *   MS    how soon poll(), ioctl, sysfs and unbind must answer (default 100)
 *
 * A writer and a reader each pass a buffer on a page registered with
 * userfaultfd and never filled, so the kernel's access to it sleeps until
 * this program resolves the fault, as it would on a slow FUSE file or
 * swap. While both sleep: another reader receives 100 messages, another
 * writer sends 100, poll(), CMSHM_IOC_INFO and sysfs answer within MS, and
 * unbind completes within MS. Then the pages are filled and both stalled
 * calls must return ENODEV; the device is bound again.
 *
 * On a driver that holds its lock across the copy, the other calls block
 * behind the stalled ones: each runs in a thread, and one that has not
 * returned in 5 s fails its check. The pages are filled at the end in any
 * case, so everything returns and the program ends.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmtest.h"

#define STALL_MSGS	100
#define STALL_DEADLINE	5000.0	/* ms before a call counts as blocked */

/* One call in its own thread: what it returned and how long it took. */
struct job {
	const char *what;
	int (*fn)(struct job *j);
	int fd;
	void *buf;
	const char *arg;
	long ret;
	int err;
	double t0;
	double ms;
	int done;	/* __atomic: set when fn returned */
	pthread_t th;
};

static void *job_main(void *arg)
{
	struct job *j = arg;

	j->t0 = now_ms();
	errno = 0;
	j->ret = j->fn(j);
	j->err = errno;
	j->ms = now_ms() - j->t0;
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void job_start(struct job *j)
{
	pthread_create(&j->th, NULL, job_main, j);
}

/* Wait for @j to return, at most @ms; 1 if it did. */
static int job_wait(struct job *j, double ms)
{
	double end = now_ms() + ms;

	while (!__atomic_load_n(&j->done, __ATOMIC_ACQUIRE)) {
		if (now_ms() > end)
			return 0;
		usleep(1000);
	}
	pthread_join(j->th, NULL);
	return 1;
}

static int do_write_stalled(struct job *j)
{
	return write(j->fd, j->buf, 64);
}

static int do_read_stalled(struct job *j)
{
	return read(j->fd, j->buf, 4096);
}

/* STALL_MSGS reads; returns how many succeeded. */
static int do_reads(struct job *j)
{
	static uint8_t buf[4096];
	int n = 0;

	while (n < STALL_MSGS && read(j->fd, buf, sizeof(buf)) > 0)
		n++;
	return n;
}

/* STALL_MSGS writes of 64 bytes (the remote consumes none: they fit). */
static int do_writes(struct job *j)
{
	static uint8_t buf[64];
	int n = 0;

	while (n < STALL_MSGS && write(j->fd, buf, sizeof(buf)) == 64)
		n++;
	return n;
}

static int do_poll(struct job *j)
{
	struct pollfd pfd = { .fd = j->fd, .events = POLLIN | POLLOUT };

	return poll(&pfd, 1, 0) == 1 ? pfd.revents : -1;
}

static int do_info(struct job *j)
{
	struct cmshm_info info;

	return get_info(j->fd, &info) ? -1 : (int)info.link_state;
}

static int do_sysfs(struct job *j)
{
	char buf[32];

	return read_sysfs(j->arg, "link_state", buf, sizeof(buf)) ? -1 :
	       !strcmp(buf, "up");
}

static int do_unbind(struct job *j)
{
	return sysfs_write(DRV "unbind", j->arg);
}

/* Run @j and wait for it; 1 if it returned within the deadline. */
static int run_job(struct job *j)
{
	job_start(j);
	return job_wait(j, STALL_DEADLINE);
}

/* Userfaultfd events (page faults) that arrive within @ms. */
static int uffd_events(int uffd, int want, double ms)
{
	struct uffd_msg msg;
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	double end = now_ms() + ms;
	int n = 0;

	while (n < want && now_ms() < end) {
		if (poll(&pfd, 1, 100) != 1)
			continue;
		if (read(uffd, &msg, sizeof(msg)) == (ssize_t)sizeof(msg) &&
		    msg.event == UFFD_EVENT_PAGEFAULT)
			n++;
	}
	return n;
}

/* Fill each page of [@area, @area + @len) with zeros: wakes its faults. */
static int uffd_fill(int uffd, uint8_t *area, size_t len, long page)
{
	static uint8_t zeros[65536];
	struct uffdio_copy copy;
	size_t off;
	int ok = 1;

	for (off = 0; off < len; off += page) {
		copy.dst = (unsigned long)(area + off);
		copy.src = (unsigned long)zeros;
		copy.len = page;
		copy.mode = 0;
		copy.copy = 0;
		if (ioctl(uffd, UFFDIO_COPY, &copy) && errno != EEXIST)
			ok = 0;
	}
	return ok;
}

static int run_stall(const char *dev, const char *pdev, double max_ms)
{
	long page = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct job w_stall = { .what = "write", .fn = do_write_stalled };
	struct job r_stall = { .what = "read", .fn = do_read_stalled };
	struct job reads = { .what = "reads", .fn = do_reads };
	struct job writes = { .what = "writes", .fn = do_writes };
	struct job pl = { .what = "poll", .fn = do_poll };
	struct job info = { .what = "ioctl", .fn = do_info };
	struct job sys = { .what = "sysfs", .fn = do_sysfs };
	struct job unb = { .what = "unbind", .fn = do_unbind };
	int uffd, stuck = 0, fd;
	uint8_t *area;

	fd = open_dev(dev, O_RDWR);
	if (!check(fd >= 0 && !wait_link_up(fd, 20000), "%s open, link up",
		   dev))
		return 1;
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (unsigned long)area;
	reg.range.len = 2 * page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (!check(uffd >= 0 && area != MAP_FAILED &&
		   !ioctl(uffd, UFFDIO_API, &api) &&
		   !ioctl(uffd, UFFDIO_REGISTER, &reg),
		   "two pages registered with userfaultfd (%s)",
		   strerror(errno)))
		return 1;

	/* Everything is opened first: open() takes the driver's lock too. */
	w_stall.fd = open_dev(dev, O_RDWR);
	w_stall.buf = area;
	r_stall.fd = open_dev(dev, O_RDWR);
	r_stall.buf = area + page;
	writes.fd = open_dev(dev, O_RDWR | O_NONBLOCK);
	job_start(&w_stall);
	job_start(&r_stall);
	check(uffd_events(uffd, 2, 3000) == 2,
	      "a write and a read sleep on their unresolved pages");

	reads.fd = fd;
	stuck |= !check(run_job(&reads) && reads.ret == STALL_MSGS,
			"meanwhile another read()er receives %d messages (%ld in %.1f ms)",
			STALL_MSGS, reads.ret, reads.ms);
	stuck |= !check(run_job(&writes) && writes.ret == STALL_MSGS,
			"another write()r sends %d messages (%ld in %.1f ms)",
			STALL_MSGS, writes.ret, writes.ms);
	pl.fd = fd;
	stuck |= !check(run_job(&pl) && pl.ret > 0 && pl.ms < max_ms,
			"poll() answers (revents 0x%lx in %.1f ms, limit %.0f)",
			pl.ret, pl.ms, max_ms);
	info.fd = fd;
	stuck |= !check(run_job(&info) && info.ret == CMSHM_LINK_STATE_UP &&
			info.ms < max_ms,
			"CMSHM_IOC_INFO answers: link up (%.1f ms)", info.ms);
	sys.arg = dev;
	stuck |= !check(run_job(&sys) && sys.ret == 1 && sys.ms < max_ms,
			"sysfs link_state answers: up (%.1f ms)", sys.ms);
	check(!__atomic_load_n(&w_stall.done, __ATOMIC_ACQUIRE) &&
	      !__atomic_load_n(&r_stall.done, __ATOMIC_ACQUIRE),
	      "the stalled write and read are still asleep");
	unb.arg = pdev;
	if (stuck) {
		/* Unbind would block for good behind the stalled calls. */
		check(0, "unbind with a stalled writer and reader # not run: calls are blocked");
	} else {
		check(run_job(&unb) && !unb.ret && unb.ms < max_ms,
		      "unbind %s with both stalled completes in %.1f ms (limit %.0f)",
		      pdev, unb.ms, max_ms);
	}

	check(uffd_fill(uffd, area, 2 * page, page), "the two pages filled");
	job_wait(&w_stall, STALL_DEADLINE);
	job_wait(&r_stall, STALL_DEADLINE);
	check(w_stall.ret == -1 && w_stall.err == ENODEV,
	      "then the stalled write returns ENODEV (%ld, %s)", w_stall.ret,
	      strerror(w_stall.err));
	check(r_stall.ret == -1 && r_stall.err == ENODEV,
	      "and the stalled read returns ENODEV (%ld, %s)", r_stall.ret,
	      strerror(r_stall.err));
	/* Any call still running returns now that the pages are there. */
	job_wait(&reads, STALL_DEADLINE);
	job_wait(&writes, STALL_DEADLINE);
	job_wait(&pl, STALL_DEADLINE);
	job_wait(&info, STALL_DEADLINE);
	job_wait(&sys, STALL_DEADLINE);
	if (stuck)
		sysfs_write(DRV "unbind", pdev);
	close(fd);
	close(w_stall.fd);
	close(r_stall.fd);
	close(writes.fd);
	check(!sysfs_write(DRV "bind", pdev), "bind %s again", pdev);
	fd = wait_dev(dev, 5000);
	check(fd >= 0 && !wait_link_up(fd, 20000), "link up after rebind");
	close(fd);
	close(uffd);
	munmap(area, 2 * page);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: see the comment at the top of %s\n",
			__FILE__);
		return 2;
	}
	run_stall(argv[1], argv[2], argc == 4 ? atof(argv[3]) : 100);
	printf("# stall: %d checks, %d failed\n", checks, failures);
	return failures || !checks ? 1 : 0;
}
