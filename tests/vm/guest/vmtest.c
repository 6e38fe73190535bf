// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Helpers shared by the guest test programs: TAP output, device and sysfs
 * access, numbered round trips.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"

int checks, failures;

int check(int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (!ok)
		failures++;
	printf("%s %d - ", ok ? "ok" : "not ok", checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* An address with nothing mapped, hidden from the compiler's checks. */
void *bad_ptr(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	munmap(p, 4096);
	return p;
}

int open_dev(const char *dev, int flags)
{
	int fd = open(dev, flags);

	if (fd < 0)
		printf("# open %s: %s\n", dev, strerror(errno));
	return fd;
}

int get_info(int fd, struct cmshm_info *info)
{
	memset(info, 0xa5, sizeof(*info));
	return ioctl(fd, CMSHM_IOC_INFO, info);
}

/* Wait up to @ms for the link to come up; 0 when up. */
int wait_link_up(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLPRI };
	struct cmshm_info info;
	double end = now_ms() + ms, left;

	/* INFO, then sleep until the link state changes (POLLPRI). */
	for (;;) {
		if (get_info(fd, &info))
			return -1;
		if (info.link_state == CMSHM_LINK_STATE_UP)
			return 0;
		left = end - now_ms();
		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, (int)left + 1) < 0 && errno != EINTR)
			return -1;
	}
}

int read_sysfs(const char *dev, const char *attr, char *buf, size_t n)
{
	char path[256];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/cmshm/%s/%s",
		 strrchr(dev, '/') + 1, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = 0;
	if (r && buf[r - 1] == '\n')
		buf[r - 1] = 0;
	return 0;
}

unsigned long long sysfs_u64(const char *dev, const char *attr)
{
	char buf[64];

	if (read_sysfs(dev, attr, buf, sizeof(buf)))
		return ~0ull;
	return strtoull(buf, NULL, 0);
}

/* Write a numbered message and read the echo; 0 if it came back intact. */
int round_trip(int fd, uint32_t len, uint32_t seq)
{
	static uint8_t out[1 << 16], in[1 << 16];
	uint32_t got;
	ssize_t r;

	cmshm_testmsg_fill(out, len, seq);
	r = write(fd, out, len);
	if (r != (ssize_t)len) {
		printf("# write %u: %zd %s\n", len, r, strerror(errno));
		return -1;
	}
	r = read(fd, in, sizeof(in));
	if (r != (ssize_t)len) {
		printf("# read: %zd %s\n", r, strerror(errno));
		return -1;
	}
	if (cmshm_testmsg_check(in, len, &got) || got != seq ||
	    memcmp(in, out, len))
		return -1;
	return 0;
}


int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

int wait_dev(const char *dev, int ms)
{
	double end = now_ms() + ms;
	int fd;

	while (now_ms() < end) {
		fd = open(dev, O_RDWR);
		if (fd >= 0)
			return fd;
		usleep(2000);
	}
	return -1;
}
