// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-vmtest - integration checks run in the QEMU guest against
 * /dev/cmshmN, with cmshm-remote playing the remote core on the host.
 * Prints one TAP line per check.
 *
 * Usage: cmshm-vmtest echo DEV       every file operation against a remote
 *                                    in echo mode
 *        cmshm-vmtest down DEV       a node whose remote never started
 *        cmshm-vmtest error DEV      a remote that corrupts its head once
 *                                    (cmshm-remote --corrupt-head-after 5)
 *        cmshm-vmtest multi DEV...   round trips on several nodes at once
 *
 * Exit status: 0 if every check passed, 1 otherwise, 2 on usage errors.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"

static void test_info_sysfs(const char *dev, int fd, struct cmshm_info *info)
{
	char buf[64];
	struct stat st;

	check(!stat(dev, &st) && S_ISCHR(st.st_mode) &&
	      (st.st_mode & 0777) == 0600, "%s is a character device, mode 0600",
	      dev);
	check(!get_info(fd, info), "CMSHM_IOC_INFO succeeds");
	check(info->version == 2 && info->link_state == CMSHM_LINK_STATE_UP,
	      "INFO: version 2, link up");
	check(info->region_size == 0x100000 && info->tx_ring_size == 65536 &&
	      info->rx_ring_size == 65536 && info->max_msg_size == 32760,
	      "INFO: 1 MiB region, 64 KiB rings, max message 32760 bytes");
	check(info->app_size > 0 && !(info->app_offset & 4095) &&
	      info->app_offset + info->app_size <= info->region_size,
	      "INFO: page-aligned application area inside the region (%llu bytes at %llu)",
	      (unsigned long long)info->app_size,
	      (unsigned long long)info->app_offset);
	check(!info->reserved[0] && !info->reserved[3] &&
	      !info->counters.reserved[0] && !info->counters.reserved[6],
	      "INFO: reserved fields are zero");
	check(!read_sysfs(dev, "link_state", buf, sizeof(buf)) &&
	      !strcmp(buf, "up"), "sysfs link_state is \"up\"");
	check(sysfs_u64(dev, "max_message_size") == info->max_msg_size &&
	      sysfs_u64(dev, "ring_size") == info->tx_ring_size &&
	      sysfs_u64(dev, "app_size") == info->app_size,
	      "sysfs sizes match INFO");
}

static void test_read_write(int fd, const struct cmshm_info *info)
{
	static uint8_t buf[1 << 16];
	uint32_t max = info->max_msg_size, seq;
	ssize_t r;
	int i, ok;

	check(!round_trip(fd, 100, 1), "100-byte message echoed intact");
	for (ok = 1, i = 0; i < 200 && ok; i++)
		ok = !round_trip(fd, 16 + (i * 977) % (max - 16), 1000 + i);
	check(ok, "200 messages of varied size echoed intact");
	check(!round_trip(fd, max, 7), "maximum-size message (%u bytes) echoed",
	      max);
	errno = 0;
	r = write(fd, buf, max + 1);
	check(r == -1 && errno == EMSGSIZE, "write of max+1 bytes: EMSGSIZE");
	check(write(fd, buf, 0) == 0, "write of 0 bytes returns 0");
	check(read(fd, buf, 0) == 0, "read of 0 bytes returns 0");

	cmshm_testmsg_fill(buf, 300, 42);
	check(write(fd, buf, 300) == 300, "write 300 bytes");
	errno = 0;
	r = read(fd, buf, 100);
	check(r == -1 && errno == EMSGSIZE,
	      "read into a 100-byte buffer: EMSGSIZE (no truncation)");
	memset(buf, 0, 300);
	r = read(fd, buf, sizeof(buf));
	check(r == 300 && !cmshm_testmsg_check(buf, 300, &seq) && seq == 42,
	      "the message stayed queued and is read whole afterwards");

	cmshm_testmsg_fill(buf, 64, 43);
	check(write(fd, buf, 64) == 64, "write 64 bytes");
	errno = 0;
	r = read(fd, bad_ptr(), 64);
	check(r == -1 && errno == EFAULT, "read to a bad pointer: EFAULT");
	r = read(fd, buf, sizeof(buf));
	check(r == 64 && !cmshm_testmsg_check(buf, 64, &seq) && seq == 43,
	      "the message survives the EFAULT read");
	errno = 0;
	r = write(fd, bad_ptr(), 64);
	check(r == -1 && errno == EFAULT, "write from a bad pointer: EFAULT");
}

static void test_nonblock_poll(const char *dev, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	uint8_t buf[256];
	double t0, dt;
	int nfd, n;
	ssize_t r;

	nfd = open_dev(dev, O_RDWR | O_NONBLOCK);
	errno = 0;
	r = read(nfd, buf, sizeof(buf));
	check(r == -1 && errno == EAGAIN, "O_NONBLOCK read with nothing queued: EAGAIN");

	n = poll(&pfd, 1, 0);
	check(n == 1 && pfd.revents == POLLOUT,
	      "poll, idle link: POLLOUT only (revents 0x%x)", pfd.revents);

	cmshm_testmsg_fill(buf, 64, 5);
	t0 = now_ms();
	check(write(fd, buf, 64) == 64, "write for the poll test");
	pfd.events = POLLIN;
	n = poll(&pfd, 1, 5000);
	dt = now_ms() - t0;
	check(n == 1 && (pfd.revents & POLLIN),
	      "poll woken with POLLIN by the remote's doorbell after %.2f ms", dt);
	check(read(nfd, buf, sizeof(buf)) == 64,
	      "O_NONBLOCK read gets the waiting message");
	close(nfd);
}

/* Fill the rings without reading: the remote echoes until our rx ring is
 * full, then stops consuming; writes must then block (EAGAIN here) and
 * POLLOUT must drop until we read.
 */
static void test_backpressure(const char *dev, int fd,
			      const struct cmshm_info *info)
{
	static uint8_t buf[4096];
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	int nfd, sent = 0, got = 0, again = 0, status, ok;
	uint32_t seq = 0;
	pid_t child;
	ssize_t r;

	nfd = open_dev(dev, O_RDWR | O_NONBLOCK);
	for (int i = 0; i < 100000; i++) {
		cmshm_testmsg_fill(buf, sizeof(buf), sent);
		r = write(nfd, buf, sizeof(buf));
		if (r == (ssize_t)sizeof(buf)) {
			sent++;
			again = 0;
			continue;
		}
		if (r < 0 && errno == EAGAIN && ++again < 50) {
			usleep(20000);	/* the remote may still be draining */
			continue;
		}
		break;
	}
	check(errno == EAGAIN && sent > 0,
	      "O_NONBLOCK write on full rings: EAGAIN after %d messages", sent);
	check(sent >= 2 * (int)(info->tx_ring_size / sizeof(buf)) - 4,
	      "both rings filled before EAGAIN (%d x %zu bytes)", sent,
	      sizeof(buf));
	check(poll(&pfd, 1, 0) == 1 && !(pfd.revents & POLLOUT) &&
	      (pfd.revents & POLLIN),
	      "poll on full rings: POLLIN without POLLOUT (revents 0x%x)",
	      pfd.revents);

	child = fork();
	if (child == 0) {
		cmshm_testmsg_fill(buf, sizeof(buf), sent);
		_exit(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : 1);
	}
	usleep(300000);
	check(waitpid(child, &status, WNOHANG) == 0,
	      "blocking write waits while the rings are full");
	for (ok = 1; got <= sent && ok; got++) {
		r = read(fd, buf, sizeof(buf));
		ok = r == (ssize_t)sizeof(buf) &&
		     !cmshm_testmsg_check(buf, r, &seq) && seq == (uint32_t)got;
		if (!ok)
			printf("# read %d: r=%zd errno=%d seq=%u\n", got, r,
			       errno, seq);
	}
	check(ok, "all %d messages come back in order after draining", got);
	check(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "the blocked write completed once space was freed");
	close(nfd);
}

static void test_mmap(const char *dev, int fd, const struct cmshm_info *info)
{
	struct cmshm_app_cmd cmd;
	size_t len = info->app_size;
	uint8_t *app, reply[4096];
	uint32_t off = 8192, n = 1024, i;
	int ok, rofd;
	void *p;

	app = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check(app != MAP_FAILED, "mmap of the %zu-byte application area",
		   len))
		return;
	for (i = 0; i < n; i++)
		app[off + i] = (uint8_t)(i * 7 + 3);
	cmd.magic = CMSHM_APP_CMD_MAGIC;
	cmd.offset = off;
	cmd.length = n;
	cmd.reserved = 0;
	ok = write(fd, &cmd, sizeof(cmd)) == sizeof(cmd) &&
	     read(fd, reply, sizeof(reply)) == (ssize_t)n;
	for (i = 0; ok && i < n; i++)
		ok = reply[i] == (uint8_t)(i * 7 + 3);
	check(ok, "bytes written through mmap are seen by the remote");
	for (ok = 1, i = 0; i < n; i++)
		ok &= app[off + i] == (uint8_t)~(i * 7 + 3);
	check(ok, "bytes the remote wrote are seen through mmap");
	munmap(app, len);

	p = mmap(NULL, len + 4096, PROT_READ, MAP_SHARED, fd, 0);
	check(p == MAP_FAILED && errno == EINVAL, "mmap beyond the area: EINVAL");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, len);
	check(p == MAP_FAILED && errno == EINVAL,
	      "mmap at an offset past the area: EINVAL");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
	check(p != MAP_FAILED, "mmap of one page at offset 4096");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE: EINVAL");
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	check(p == MAP_FAILED && errno == EPERM, "PROT_EXEC: EPERM");
	rofd = open_dev(dev, O_RDONLY);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, rofd, 0);
	check(p == MAP_FAILED && errno == EACCES,
	      "PROT_WRITE on a read-only fd: EACCES");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, rofd, 0);
	check(p != MAP_FAILED && mprotect(p, 4096, PROT_READ | PROT_WRITE) &&
	      errno == EACCES, "read-only mapping cannot be made writable");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(rofd);
}

static void test_ioctl(const char *dev, int fd)
{
	unsigned long long sent, rcvd, txm, rxm;

	errno = 0;
	check(ioctl(fd, _IO(CMSHM_IOC_MAGIC, 0x7f)) == -1 && errno == ENOTTY,
	      "unknown ioctl: ENOTTY");
	errno = 0;
	check(ioctl(fd, CMSHM_IOC_INFO, bad_ptr()) == -1 && errno == EFAULT,
	      "INFO to a bad pointer: EFAULT");
	txm = sysfs_u64(dev, "statistics/tx_messages");
	rxm = sysfs_u64(dev, "statistics/rx_messages");
	sent = sysfs_u64(dev, "statistics/doorbells_sent");
	rcvd = sysfs_u64(dev, "statistics/doorbells_received");
	check(txm > 200 && txm != ~0ull && rxm > 200 && rxm != ~0ull,
	      "sysfs statistics count messages (tx %llu, rx %llu)", txm, rxm);
	check(sent > 0 && sent != ~0ull && rcvd > 0 && rcvd != ~0ull,
	      "sysfs statistics count doorbells (sent %llu, received %llu)",
	      sent, rcvd);
	check(sysfs_u64(dev, "statistics/protocol_errors") == 0,
	      "no protocol error counted");
}

static int run_echo(const char *dev)
{
	struct cmshm_info info;
	int fd = open_dev(dev, O_RDWR);

	if (!check(fd >= 0, "open %s", dev))
		return 1;
	check(!wait_link_up(fd, 20000), "link comes up with the remote");
	test_info_sysfs(dev, fd, &info);
	test_read_write(fd, &info);
	test_nonblock_poll(dev, fd);
	test_backpressure(dev, fd, &info);
	test_mmap(dev, fd, &info);
	test_ioctl(dev, fd);
	close(fd);
	return 0;
}

static int run_down(const char *dev)
{
	struct pollfd pfd;
	struct cmshm_info info;
	char buf[64];
	int fd = open_dev(dev, O_RDWR | O_NONBLOCK);

	if (!check(fd >= 0, "open %s (no remote)", dev))
		return 1;
	check(!get_info(fd, &info) && info.link_state == CMSHM_LINK_STATE_DOWN,
	      "INFO: link down without a remote");
	check(!read_sysfs(dev, "link_state", buf, sizeof(buf)) &&
	      !strcmp(buf, "down"), "sysfs link_state is \"down\"");
	pfd.fd = fd;
	pfd.events = POLLIN | POLLOUT | POLLPRI;
	pfd.revents = 0;
	check(poll(&pfd, 1, 200) == 0,
	      "poll sleeps while the link is down: nothing set in 200 ms (revents 0x%x)",
	      pfd.revents);
	errno = 0;
	check(write(fd, "x", 1) == -1 && errno == EAGAIN,
	      "O_NONBLOCK write with the link down: EAGAIN");
	errno = 0;
	check(read(fd, buf, sizeof(buf)) == -1 && errno == EAGAIN,
	      "O_NONBLOCK read with the link down: EAGAIN");
	close(fd);
	return 0;
}

/*
 * Against a remote in echo mode with --corrupt-head-after 5: the 5th echo
 * comes with an invalid head. The driver must fail closed (POLLERR, EPROTO
 * once, sysfs error counter) and recover without a reload.
 */
static int run_error(const char *dev)
{
	struct pollfd pfd;
	uint8_t buf[256];
	char state[64];
	int fd = open_dev(dev, O_RDWR), ok, i, ro, pri, returns;
	struct cmshm_info info;
	double t_end;
	ssize_t r;

	if (!check(fd >= 0 && !wait_link_up(fd, 20000), "open %s, link up",
		   dev))
		return 1;
	/* A file that only reads, and one that only watches the link. */
	ro = open_dev(dev, O_RDONLY | O_NONBLOCK);
	pri = open_dev(dev, O_RDONLY | O_NONBLOCK);
	check(ro >= 0 && pri >= 0 && !get_info(pri, &info),
	      "a read-only file and a link watcher open");
	for (ok = 1, i = 1; i <= 4 && ok; i++)
		ok = !round_trip(fd, 64, i);
	check(ok, "4 round trips before the corruption");
	cmshm_testmsg_fill(buf, 64, 5);
	check(write(fd, buf, 64) == 64, "5th message written");
	pfd.fd = fd;
	pfd.events = POLLIN;
	check(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLERR),
	      "poll reports POLLERR for the corrupted head (revents 0x%x)",
	      pfd.revents);
	errno = 0;
	r = read(fd, buf, sizeof(buf));
	check(r == -1 && errno == EPROTO, "read returns EPROTO once");
	check(sysfs_u64(dev, "statistics/protocol_errors") == 1,
	      "sysfs protocol_errors is 1");
	errno = 0;
	r = write(fd, buf, 64);
	check(r == -1 && errno == EPROTO,
	      "write returns EPROTO once, too (event per direction)");
	check(!wait_link_up(fd, 20000) &&
	      !read_sysfs(dev, "link_state", state, sizeof(state)) &&
	      !strcmp(state, "up"), "link recovers without reloading the module");
	/*
	 * POLLERR cannot be masked: on a file that never writes it must be
	 * reported once, not until write() reports EPROTO (9,829 returns a
	 * second were measured before).
	 */
	for (returns = 0, t_end = now_ms() + 1000; now_ms() < t_end;) {
		pfd.fd = ro;
		pfd.events = 0;
		pfd.revents = 0;
		if (poll(&pfd, 1, 100) > 0)
			returns++;
		if (returns > 100)
			break;
	}
	check(returns == 1,
	      "read-only file after the protocol error: poll() returned %d time(s) in 1 s, once",
	      returns);
	pfd.fd = pri;
	pfd.events = POLLPRI;
	check(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLPRI),
	      "POLLPRI on the watcher: the link state changed (revents 0x%x)",
	      pfd.revents);
	check(!get_info(pri, &info) && info.link_state == CMSHM_LINK_STATE_UP &&
	      poll(&pfd, 1, 100) == 0,
	      "after INFO read it back, the watcher sleeps in poll(POLLPRI)");
	close(ro);
	close(pri);
	for (ok = 1, i = 10; i < 110 && ok; i++)
		ok = !round_trip(fd, 16 + i, i);
	check(ok, "100 round trips after the recovery");
	close(fd);
	return 0;
}

static int run_multi(int n, char **devs)
{
	int fds[8], i, k, ok = 1;
	struct cmshm_info info;

	if (n > 8)
		n = 8;
	for (i = 0; i < n; i++) {
		fds[i] = open_dev(devs[i], O_RDWR);
		check(fds[i] >= 0 && !wait_link_up(fds[i], 20000),
		      "%s open, link up", devs[i]);
		if (fds[i] < 0)
			return 1;
		if (!get_info(fds[i], &info) &&
		    (info.flags & CMSHM_INFO_F_POLLING))
			printf("# %s is in polling mode\n", devs[i]);
	}
	for (k = 0; k < 300 && ok; k++)
		for (i = 0; i < n && ok; i++)
			ok = !round_trip(fds[i], 16 + (k * 31 + i) % 2000,
					 k * n + i);
	check(ok, "300 interleaved round trips on each of %d nodes", n);
	for (i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "echo"))
		run_echo(argv[2]);
	else if (argc >= 3 && !strcmp(argv[1], "down"))
		run_down(argv[2]);
	else if (argc >= 3 && !strcmp(argv[1], "error"))
		run_error(argv[2]);
	else if (argc >= 3 && !strcmp(argv[1], "multi"))
		run_multi(argc - 2, argv + 2);
	else {
		fprintf(stderr,
			"usage: cmshm-vmtest echo|down|error DEV | multi DEV...\n");
		return 2;
	}
	printf("# %s: %d checks, %d failed\n", argv[1], checks, failures);
	return failures || !checks ? 1 : 0;
}
