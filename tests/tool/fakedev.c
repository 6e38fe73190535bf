// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * LD_PRELOAD shim for tests/tool/selftest.sh: makes cmshm-tool see a fake
 * /dev/cmshmN so its logic can be tested before (and without) the driver.
 *
 * open() of $CMSHM_FAKE_PATH returns one end of an AF_UNIX SOCK_SEQPACKET
 * pair (whole messages, poll() like the driver); a thread on the other end
 * plays the remote according to $CMSHM_FAKE_MODE:
 *   silent      never sends anything
 *   echo        writes every message back; CMSHM_FAKE_CORRUPT=K flips a
 *               byte of the K-th echo (0-based)
 *   gen         sends CMSHM_FAKE_COUNT numbered messages (16..100 bytes);
 *               CMSHM_FAKE_FAULT=dup:K|skip:K|swap:K|corrupt:K injects one
 *               fault at seq K
 *   say         sends the comma-separated hex messages in CMSHM_FAKE_SAY
 *   sinkhole    reads and checks numbered messages in order; at close it
 *               prints "fake: sinkhole N ok" or "fake: sinkhole BAD at N"
 * ioctl(CMSHM_IOC_INFO) reports CMSHM_FAKE_APP_SIZE (default 4096) and
 * CMSHM_FAKE_MAX_MSG (default 1024); write() above that fails with
 * EMSGSIZE, read() into a smaller buffer fails with EMSGSIZE and leaves
 * the message queued, read(fd, buf, 0) returns 0, and mmap() gives a
 * shared anonymous mapping. Test-only code.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/cmshm.h>
#include "cmshm_testmsg.h"

#define MAX_FDS 1024

static char fake[MAX_FDS];
static pthread_t threads[MAX_FDS];

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

static int fault_at(const char *kind)
{
	const char *f = getenv("CMSHM_FAKE_FAULT");
	size_t n = strlen(kind);

	if (!f || strncmp(f, kind, n) || f[n] != ':')
		return -1;
	return atoi(f + n + 1);
}

static void send_seq(int fd, uint32_t seq, int corrupt)
{
	uint8_t buf[100];
	uint32_t len = 16 + seq * 7 % 85;

	cmshm_testmsg_fill(buf, len, seq);
	if (corrupt)
		buf[len - 1] ^= 1;
	if (send(fd, buf, len, MSG_NOSIGNAL) < 0)
		perror("fake: send");
}

static void *remote(void *arg)
{
	int fd = (int)(long)arg;
	const char *mode = getenv("CMSHM_FAKE_MODE");
	static uint8_t buf[1 << 16];
	uint32_t i, seq;
	ssize_t n;

	if (!mode || !strcmp(mode, "silent"))
		return NULL;
	if (!strcmp(mode, "echo")) {
		int64_t bad = (int64_t)env_u64("CMSHM_FAKE_CORRUPT", ~0ull);

		for (i = 0; (n = recv(fd, buf, sizeof(buf), 0)) > 0; i++) {
			if (i == bad)
				buf[n / 2] ^= 0x80;
			send(fd, buf, (size_t)n, MSG_NOSIGNAL);
		}
	} else if (!strcmp(mode, "gen")) {
		uint32_t count = (uint32_t)env_u64("CMSHM_FAKE_COUNT", 10);

		for (i = 0; i < count; i++) {
			if ((int)i == fault_at("skip"))
				continue;
			if ((int)i == fault_at("swap") && i + 1 < count) {
				send_seq(fd, i + 1, 0);
				send_seq(fd, i, 0);
				i++;
				continue;
			}
			send_seq(fd, i, (int)i == fault_at("corrupt"));
			if ((int)i == fault_at("dup"))
				send_seq(fd, i, 0);
		}
	} else if (!strcmp(mode, "say")) {
		const char *s = getenv("CMSHM_FAKE_SAY");

		while (s && *s) {
			size_t len = 0;
			unsigned int byte;

			while (*s && *s != ',' && sscanf(s, "%2x", &byte) == 1) {
				buf[len++] = (uint8_t)byte;
				s += 2;
			}
			send(fd, buf, len, MSG_NOSIGNAL);
			if (*s == ',')
				s++;
		}
	} else if (!strcmp(mode, "sinkhole")) {
		for (i = 0; (n = recv(fd, buf, sizeof(buf), 0)) > 0; i++) {
			if (cmshm_testmsg_check(buf, (uint32_t)n, &seq) ||
			    seq != i) {
				fprintf(stderr, "fake: sinkhole BAD at %u\n", i);
				return NULL;
			}
		}
		fprintf(stderr, "fake: sinkhole %u ok\n", i);
	}
	return NULL;
}

static int fake_open(const char *path, int flags)
{
	const char *want = getenv("CMSHM_FAKE_PATH");
	int sv[2];

	if (!want || strcmp(path, want))
		return -2;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    sv[0] >= MAX_FDS)
		return -1;
	if (flags & O_NONBLOCK)
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fake[sv[0]] = 1;
	pthread_create(&threads[sv[0]], NULL, remote, (void *)(long)sv[1]);
	return sv[0];
}

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;
	int fd;

	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = va_arg(ap, mode_t);
	va_end(ap);
	fd = fake_open(path, flags);
	if (fd != -2)
		return fd;
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	return real(path, flags, mode);
}

int open64(const char *path, int flags, ...)
	__attribute__((alias("open")));

int close(int fd)
{
	static int (*real)(int);
	int r;

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "close");
	r = real(fd);
	if (fd >= 0 && fd < MAX_FDS && fake[fd]) {
		fake[fd] = 0;
		pthread_join(threads[fd], NULL);	/* sinkhole reports */
	}
	return r;
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, void *);
	struct cmshm_info *info;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd < 0 || fd >= MAX_FDS || !fake[fd]) {
		if (!real)
			real = (int (*)(int, unsigned long, void *))
				dlsym(RTLD_NEXT, "ioctl");
		return real(fd, req, arg);
	}
	if (req != CMSHM_IOC_INFO) {
		errno = ENOTTY;
		return -1;
	}
	info = arg;
	memset(info, 0, sizeof(*info));
	info->version = 1;
	info->link_state = CMSHM_LINK_STATE_UP;
	info->region_size = 0x100000;
	info->app_size = env_u64("CMSHM_FAKE_APP_SIZE", 4096);
	info->app_offset = 0x100000 - info->app_size;
	info->tx_ring_size = 65536;
	info->rx_ring_size = 65536;
	info->max_msg_size = (uint32_t)env_u64("CMSHM_FAKE_MAX_MSG", 1024);
	info->counters.tx_messages = 7;
	info->counters.peer_resets = 3;
	return 0;
}

ssize_t read(int fd, void *buf, size_t count)
{
	static ssize_t (*real)(int, void *, size_t);
	ssize_t n;

	if (!real)
		real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	if (fd < 0 || fd >= MAX_FDS || !fake[fd])
		return real(fd, buf, count);
	if (!count)
		return 0;
	n = recv(fd, buf, count, MSG_PEEK | MSG_TRUNC);
	if (n > (ssize_t)count) {
		errno = EMSGSIZE;
		return -1;
	}
	return n < 0 ? n : recv(fd, buf, count, 0);
}

ssize_t write(int fd, const void *buf, size_t count)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))
			dlsym(RTLD_NEXT, "write");
	if (fd >= 0 && fd < MAX_FDS && fake[fd] &&
	    count > env_u64("CMSHM_FAKE_MAX_MSG", 1024)) {
		errno = EMSGSIZE;
		return -1;
	}
	return real(fd, buf, count);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);

	if (!real)
		real = (void *(*)(void *, size_t, int, int, int, off_t))
			dlsym(RTLD_NEXT, "mmap");
	if (fd >= 0 && fd < MAX_FDS && fake[fd])
		return real(addr, len, prot, MAP_SHARED | MAP_ANONYMOUS, -1,
			    0);
	return real(addr, len, prot, flags, fd, off);
}
