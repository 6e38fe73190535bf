// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The guest's half of tests/bench/vm.sh: instructions per write() and
 * read() on /dev/cmshmN, doorbells per message and round-trip latency, in
 * a guest run by QEMU with -icount shift=0 (every guest instruction is
 * counted exactly by the PMU's instructions event, and the guest's clock
 * advances 1 ns per instruction while a CPU runs).
 *
 *   vm_bench write DEV SIZE N SEQ   N messages of SIZE bytes, numbered
 *                                   from SEQ (cmshm_testmsg.h, for a
 *                                   remote in sink mode), back to back
 *   vm_bench read DEV SIZE N        N messages of SIZE bytes from a
 *                                   remote in source mode
 *   vm_bench ping DEV SIZE N        N round trips against a remote in
 *                                   echo mode
 *   vm_bench floor DEV SIZE N       the floors beside them: N write()s of
 *                                   SIZE bytes to /dev/null (the system
 *                                   call alone), and N memcpy()s of SIZE
 *                                   bytes into DEV's mmapped application
 *                                   area (the zero-copy path's copy)
 *
 * Each first moves WARMUP messages (or round trips) that are not measured
 * (the link comes up, the ring fills), then measures N. Instructions are
 * counted by perf_event_open(PERF_COUNT_HW_INSTRUCTIONS) for this task, in
 * user and kernel mode (interrupts that land on its CPU while it runs are
 * counted; work done in other tasks and on the other CPU is not), read
 * before and after each call; the cost of the two reads of the counter,
 * measured first (the median of CALIBRATE pairs), is subtracted. Doorbells
 * are the device's statistics/ counters before and after the N messages.
 * Prints one line:
 *
 *   BENCH op=OP size=SIZE dev=NAME ring=BYTES n=N instr_min= instr_median=
 *         instr_mean= db_sent= db_received= db_coalesced= [rtt_min_us=
 *         rtt_median_us= rtt_p99_us=] elapsed_us= overhead=
 *
 * with the device's ring size (its ring_size attribute, bytes per
 * direction), doorbells per message and (ping) the round-trip times by the
 * guest's CLOCK_MONOTONIC (emulated time; a round trip's instructions
 * include those two clock_gettime() calls, in the vDSO). Exit status 0, or 1 on any
 * failure (a message that is not the one expected, a failed call).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cmshm_testmsg.h"

#define WARMUP		16
#define CALIBRATE	1001

static int perf_fd = -1;
static uint64_t overhead;

static void die(const char *what)
{
	fprintf(stderr, "vm_bench: %s: %m\n", what);
	printf("BENCH-ERROR %s\n", what);
	exit(1);
}

/* The task's instruction count so far. */
static uint64_t instructions(void)
{
	uint64_t v;

	if (read(perf_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		die("read of the instruction counter");
	return v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/**
 * perf_start() - count this task's instructions, user and kernel, and
 * measure what two back-to-back reads of the count add to a measurement.
 */
static void perf_start(void)
{
	struct perf_event_attr a;
	uint64_t d[CALIBRATE], c0;
	int i;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	a.disabled = 1;
	perf_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (perf_fd < 0)
		die("perf_event_open(PERF_COUNT_HW_INSTRUCTIONS)");
	if (ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0))
		die("PERF_EVENT_IOC_ENABLE");
	for (i = 0; i < CALIBRATE; i++) {
		c0 = instructions();
		d[i] = instructions() - c0;
	}
	qsort(d, CALIBRATE, sizeof(d[0]), cmp_u64);
	overhead = d[CALIBRATE / 2];
	if (!d[0])
		die("the instruction counter does not count");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/**
 * struct dbs - a device's doorbell counters (statistics/), and when.
 * @sent:      doorbells_sent.
 * @received:  doorbells_received.
 * @coalesced: doorbells_coalesced.
 * @at:        CLOCK_MONOTONIC in ns when they were read.
 */
struct dbs {
	uint64_t sent;
	uint64_t received;
	uint64_t coalesced;
	uint64_t at;
};

/* cmshmN of /dev/cmshmN. */
static const char *dev_name(const char *dev)
{
	const char *base = strrchr(dev, '/');

	return base ? base + 1 : dev;
}

/* /sys/class/cmshm/cmshmN/@name, e.g. "statistics/doorbells_sent". */
static uint64_t sysfs_read(const char *dev, const char *name)
{
	char path[256];
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/cmshm/%s/%s", dev_name(dev),
		 name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &v) != 1)
		die(path);
	fclose(f);
	return v;
}

static void dbs_read(const char *dev, struct dbs *s)
{
	s->sent = sysfs_read(dev, "statistics/doorbells_sent");
	s->received = sysfs_read(dev, "statistics/doorbells_received");
	s->coalesced = sysfs_read(dev, "statistics/doorbells_coalesced");
	s->at = now_ns();
}

/**
 * report() - print the BENCH line of one measurement.
 * @op:   write, read or ping.
 * @dev:  the device.
 * @size: message bytes.
 * @n:    messages (or round trips) measured.
 * @d:    instructions of each call (or round trip), overhead removed;
 *        sorted here.
 * @s0:   doorbell counters before the first measured call.
 * @rtt:  round-trip times in ns (sorted here), or NULL.
 */
static void report(const char *op, const char *dev, uint32_t size, long n,
		   uint64_t *d, const struct dbs *s0, uint64_t *rtt)
{
	struct dbs s1;
	double sum = 0;
	long i;

	dbs_read(dev, &s1);
	for (i = 0; i < n; i++)
		sum += (double)d[i];
	qsort(d, n, sizeof(d[0]), cmp_u64);
	printf("BENCH op=%s size=%u dev=%s ring=%llu n=%ld instr_min=%llu instr_median=%llu instr_mean=%.1f db_sent=%.4f db_received=%.4f db_coalesced=%.4f",
	       op, size, dev_name(dev),
	       (unsigned long long)sysfs_read(dev, "ring_size"), n,
	       (unsigned long long)d[0],
	       (unsigned long long)d[(n - 1) / 2], sum / n,
	       (double)(s1.sent - s0->sent) / n,
	       (double)(s1.received - s0->received) / n,
	       (double)(s1.coalesced - s0->coalesced) / n);
	if (rtt) {
		qsort(rtt, n, sizeof(rtt[0]), cmp_u64);
		printf(" rtt_min_us=%.1f rtt_median_us=%.1f rtt_p99_us=%.1f",
		       rtt[0] / 1e3, rtt[(n - 1) / 2] / 1e3,
		       rtt[(n * 99 + 99) / 100 - 1] / 1e3);
	}
	printf(" elapsed_us=%.0f overhead=%llu\n", (s1.at - s0->at) / 1e3,
	       (unsigned long long)overhead);
	fflush(stdout);
}

/* Is @buf (@len bytes) numbered message @seq of @size bytes? */
static int is_msg(const uint8_t *buf, ssize_t len, uint32_t size,
		  uint32_t seq)
{
	uint32_t got;

	if (len != (ssize_t)size)
		return 0;
	if (size < CMSHM_TESTMSG_MIN)
		return cmshm_testmsg_match(buf, size, seq);
	return !cmshm_testmsg_check(buf, size, &got) && got == seq;
}

static int bench_write(const char *dev, uint32_t size, long n, uint32_t seq)
{
	long total = n + WARMUP, i;
	uint8_t *msgs = malloc((size_t)total * size);
	uint64_t *d = malloc(n * sizeof(*d)), c0;
	int fd = open(dev, O_WRONLY);
	struct dbs s0;

	if (!msgs || !d || fd < 0)
		die("setup");
	/* Every message built first: the loop only writes. */
	for (i = 0; i < total; i++)
		cmshm_testmsg_fill(msgs + i * size, size, seq + (uint32_t)i);
	for (i = 0; i < WARMUP; i++)
		if (write(fd, msgs + i * size, size) != (ssize_t)size)
			die("write");
	dbs_read(dev, &s0);
	for (i = 0; i < n; i++) {
		const uint8_t *p = msgs + (WARMUP + i) * size;
		ssize_t r;

		c0 = instructions();
		r = write(fd, p, size);
		d[i] = instructions() - c0 - overhead;
		if (r != (ssize_t)size)
			die("write");
	}
	/*
	 * Let the remote drain the ring and ring for the space (a sink
	 * slower than us may take longer: then the next stream's warm-up
	 * waits for the rest).
	 */
	usleep(100000);
	report("write", dev, size, n, d, &s0, NULL);
	close(fd);
	free(d);
	free(msgs);
	return 0;
}

static int bench_read(const char *dev, uint32_t size, long n)
{
	uint8_t *buf = malloc(size);
	uint64_t *d = malloc(n * sizeof(*d)), c0;
	int fd = open(dev, O_RDONLY);
	struct dbs s0;
	ssize_t r;
	long i;

	if (!buf || !d || fd < 0)
		die("setup");
	for (i = 0; i < WARMUP; i++)
		if (!is_msg(buf, read(fd, buf, size), size, (uint32_t)i))
			die("read: not the message expected");
	dbs_read(dev, &s0);
	for (i = 0; i < n; i++) {
		c0 = instructions();
		r = read(fd, buf, size);
		d[i] = instructions() - c0 - overhead;
		if (!is_msg(buf, r, size, (uint32_t)(WARMUP + i)))
			die("read: not the message expected");
	}
	report("read", dev, size, n, d, &s0, NULL);
	close(fd);
	free(d);
	free(buf);
	return 0;
}

static int bench_ping(const char *dev, uint32_t size, long n)
{
	uint8_t *tx = malloc(size), *rx = malloc(size);
	uint64_t *d = malloc(n * sizeof(*d)), *rtt = malloc(n * sizeof(*rtt));
	uint64_t c0, c1, t0;
	int fd = open(dev, O_RDWR);
	struct dbs s0;
	ssize_t r = 0;
	long i;

	if (!tx || !rx || !d || !rtt || fd < 0)
		die("setup");
	for (i = -WARMUP; i < n; i++) {
		cmshm_testmsg_fill(tx, size, (uint32_t)(i + WARMUP));
		if (!i)
			dbs_read(dev, &s0);
		c0 = instructions();
		t0 = now_ns();
		if (write(fd, tx, size) == (ssize_t)size)
			r = read(fd, rx, size);
		else
			r = -1;
		c1 = now_ns();
		if (i >= 0)
			rtt[i] = c1 - t0;
		c1 = instructions();
		if (r != (ssize_t)size || memcmp(tx, rx, size))
			die("ping: no echo, or not the message sent");
		if (i >= 0)
			d[i] = c1 - c0 - overhead;
	}
	report("ping", dev, size, n, d, &s0, rtt);
	close(fd);
	free(rtt);
	free(d);
	free(rx);
	free(tx);
	return 0;
}

/* The floors: write() to /dev/null, memcpy() into the application area. */
static int bench_floor(const char *dev, uint32_t size, long n)
{
	uint8_t *buf = malloc(size), *app;
	uint64_t *d = malloc(n * sizeof(*d)), c0;
	int null = open("/dev/null", O_WRONLY), fd = open(dev, O_RDWR);
	struct dbs s0;
	long i;

	if (!buf || !d || null < 0 || fd < 0)
		die("setup");
	cmshm_testmsg_fill(buf, size, 0);
	app = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (app == MAP_FAILED)
		die("mmap of the application area");
	/* Fault the page in before counting. */
	memcpy(app, buf, size);
	dbs_read(dev, &s0);
	for (i = 0; i < n; i++) {
		c0 = instructions();
		if (write(null, buf, size) != (ssize_t)size)
			die("write to /dev/null");
		d[i] = instructions() - c0 - overhead;
	}
	report("null", dev, size, n, d, &s0, NULL);
	dbs_read(dev, &s0);
	for (i = 0; i < n; i++) {
		c0 = instructions();
		memcpy(app, buf, size);
		/* The copy is not optimised out: app is shared memory. */
		__asm__ __volatile__("" : : "r"(app) : "memory");
		d[i] = instructions() - c0 - overhead;
	}
	report("mmap-copy", dev, size, n, d, &s0, NULL);
	munmap(app, size);
	close(fd);
	close(null);
	free(d);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t size;
	long n;

	if (argc < 5)
		goto usage;
	size = (uint32_t)strtoul(argv[3], NULL, 0);
	n = strtol(argv[4], NULL, 0);
	if (!size || n <= 0)
		goto usage;
	perf_start();
	if (!strcmp(argv[1], "write") && argc == 6)
		return bench_write(argv[2], size, n,
				   (uint32_t)strtoul(argv[5], NULL, 0));
	if (!strcmp(argv[1], "read") && argc == 5)
		return bench_read(argv[2], size, n);
	if (!strcmp(argv[1], "ping") && argc == 5)
		return bench_ping(argv[2], size, n);
	if (!strcmp(argv[1], "floor") && argc == 5)
		return bench_floor(argv[2], size, n);
usage:
	fprintf(stderr, "usage: vm_bench write DEV SIZE N SEQ | read|ping|floor DEV SIZE N\n");
	return 1;
}
