// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * What one message costs on cmshm's ring (include/cmshm/cmshm_ring.h, the
 * hosted port) beside a memcpy() of the same bytes and a minimal reference
 * ring of the same record format (ref_ring.h), run by tests/bench/ring.sh.
 *
 *   bench_ring count IMPL SIZE MESSAGES   one single-thread run, for
 *                                         callgrind (--toggle-collect)
 *   bench_ring time REPETITIONS           every IMPL and size, timed:
 *                                         single thread (ns/message) and
 *                                         two threads (messages/s)
 *
 * IMPL: cm-copy (cmshm_ring_write() + cmshm_ring_read()), cm-zc
 * (cmshm_ring_reserve()/commit() + cmshm_ring_peek()/release(), the payload
 * copied by bench_copy()), ref-copy and ref-zc (the same on ref_ring.h),
 * memcpy (bench_copy() into and out of the cmshm ring's data area, record
 * after record: the payload copies alone). Each message is one put_*()
 * and one get_*() call; the functions are global and never inlined, so
 * callgrind collects exactly them.
 *
 * Single thread: BATCH messages are put, then BATCH are got, so each side
 * of the reference ring reads its peer's index about once per batch.
 * The reference ring has the indices and data at the same offsets as
 * cmshm's host-to-remote ring (cmshm_layout_init()), in a page-aligned
 * region of its own, so that both see the same alignments (memcpy() of
 * 4 KiB is 2-3 times slower at some source/destination offsets).
 * Two threads: a producer and a consumer thread (pinned to CPUs 0 and 1
 * when there are two) over one ring in an aligned malloc()ed region,
 * spinning while the ring is full or empty. Every message carries its
 * number in its first 4 bytes and the receiver checks it.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmshm/cmshm_ring.h"
#include "ref_ring.h"

#define RING	(64u * 1024u)	/* bytes per ring: the driver's default */
#define LINE	64u
#define REGION	(256u * 1024u)
#define BATCH	8u
#define NOINLINE __attribute__((noinline, used))

/**
 * struct bench - both sides of one ring of each kind; each side's private
 * view on its own cache lines (the two threads write them).
 */
struct bench {
	struct cmshm_ring cm_tx __attribute__((aligned(128)));
	struct cmshm_ring cm_rx __attribute__((aligned(128)));
	struct ref_ring ref_tx __attribute__((aligned(128)));
	struct ref_ring ref_rx __attribute__((aligned(128)));
	uint32_t mem_put_pos __attribute__((aligned(128)));
	uint32_t mem_get_pos __attribute__((aligned(128)));
	uint8_t *mem_buf;
	uint8_t *msg;
	uint8_t *out;
	uint32_t size;
};

static struct bench b;

static void die(const char *what)
{
	fprintf(stderr, "bench_ring: %s\n", what);
	exit(1);
}

/**
 * bench_copy() - memcpy() in a symbol of its own, so callgrind counts it.
 * @dst: destination.
 * @src: source.
 * @n:   bytes.
 */
NOINLINE void bench_copy(void *dst, const void *src, uint32_t n)
{
	memcpy(dst, src, n);
}

/* cmshm, copy API: one call each way. */
NOINLINE int put_cm_copy(struct bench *x)
{
	return cmshm_ring_write(&x->cm_tx, x->msg, x->size);
}

NOINLINE int get_cm_copy(struct bench *x)
{
	uint32_t len;
	int err = cmshm_ring_read(&x->cm_rx, x->out, x->size, &len);

	return err ? err : (int)len;
}

/* cmshm, zero-copy API, the payload copied by bench_copy(). */
NOINLINE int put_cm_zc(struct bench *x)
{
	void *p;
	int err = cmshm_ring_reserve(&x->cm_tx, x->size, &p);

	if (err)
		return err;
	bench_copy(p, x->msg, x->size);
	cmshm_ring_commit(&x->cm_tx);
	return 0;
}

NOINLINE int get_cm_zc(struct bench *x)
{
	const void *p;
	uint32_t len;
	int err = cmshm_ring_peek(&x->cm_rx, &p, &len);

	if (err)
		return err;
	bench_copy(x->out, p, len);
	cmshm_ring_release(&x->cm_rx);
	return (int)len;
}

/* The reference ring, copy API. */
NOINLINE int put_ref_copy(struct bench *x)
{
	return ref_ring_write(&x->ref_tx, x->msg, x->size);
}

NOINLINE int get_ref_copy(struct bench *x)
{
	uint32_t len;
	int err = ref_ring_read(&x->ref_rx, x->out, x->size, &len);

	return err ? err : (int)len;
}

/* The reference ring, zero-copy API. */
NOINLINE int put_ref_zc(struct bench *x)
{
	void *p;
	int err = ref_ring_reserve(&x->ref_tx, x->size, &p);

	if (err)
		return err;
	bench_copy(p, x->msg, x->size);
	ref_ring_commit(&x->ref_tx);
	return 0;
}

NOINLINE int get_ref_zc(struct bench *x)
{
	const void *p;
	uint32_t len;
	int err = ref_ring_peek(&x->ref_rx, &p, &len);

	if (err)
		return err;
	bench_copy(x->out, p, len);
	ref_ring_release(&x->ref_rx);
	return (int)len;
}

/* Where the record after the one at @pos goes (no pad, no wrap). */
static inline uint32_t next_pos(uint32_t pos, uint32_t size)
{
	uint32_t rec = cmshm_rec_size(size);

	pos += rec;
	return pos > RING - rec ? 0 : pos;
}

/* The payload copies alone, at the addresses cmshm's ring would use. */
NOINLINE int put_memcpy(struct bench *x)
{
	bench_copy(x->mem_buf + x->mem_put_pos + CMSHM_REC_HDR_SIZE, x->msg,
		   x->size);
	x->mem_put_pos = next_pos(x->mem_put_pos, x->size);
	return 0;
}

NOINLINE int get_memcpy(struct bench *x)
{
	bench_copy(x->out, x->mem_buf + x->mem_get_pos + CMSHM_REC_HDR_SIZE,
		   x->size);
	x->mem_get_pos = next_pos(x->mem_get_pos, x->size);
	return (int)x->size;
}

/**
 * struct impl - one way of moving a message.
 * @name: as on the command line.
 * @put:  queue one message of b.size bytes from b.msg: 0 or -EAGAIN.
 * @get:  take one into b.out: its length or -EAGAIN.
 * @mt:   nonzero if it has a two-thread run.
 */
struct impl {
	const char *name;
	int (*put)(struct bench *x);
	int (*get)(struct bench *x);
	int mt;
};

static const struct impl impls[] = {
	{ "cm-copy", put_cm_copy, get_cm_copy, 1 },
	{ "cm-zc", put_cm_zc, get_cm_zc, 1 },
	{ "ref-copy", put_ref_copy, get_ref_copy, 1 },
	{ "ref-zc", put_ref_zc, get_ref_zc, 1 },
	{ "memcpy", put_memcpy, get_memcpy, 0 },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NIMPL		ARRAY_SIZE(impls)

static const uint32_t sizes[] = { 8, 64, 1024, 4096 };

/**
 * setup() - fresh rings of both kinds, empty, for messages of @size bytes.
 * @size: payload bytes, 8..RING / 2 - 8.
 */
static void setup(uint32_t size)
{
	static uint8_t *region, *ref;
	struct cmshm_header h;

	if (!region) {
		region = aligned_alloc(4096, REGION);
		ref = aligned_alloc(4096, REGION);
		b.msg = aligned_alloc(64, RING);
		b.out = aligned_alloc(64, RING);
		if (!region || !ref || !b.msg || !b.out)
			die("out of memory");
		memset(region, 0, REGION);
		memset(ref, 0, REGION);
		memset(b.msg, 0x5a, RING);
		memset(b.out, 0, RING);
	}
	if (cmshm_layout_init(&h, REGION, LINE, RING, 4096))
		die("layout");
	cmshm_header_write((struct cmshm_header *)region, &h);
	cmshm_ring_init(&b.cm_tx, region, &h.h2r);
	cmshm_ring_init(&b.cm_rx, region, &h.h2r);
	cmshm_ring_reset(&b.cm_tx, 1);
	cmshm_ring_reset(&b.cm_rx, 0);
	/* The same offsets in a region of its own: same alignments. */
	ref_ring_init(&b.ref_tx, ref + h.h2r.data_offset,
		      (_Atomic uint32_t *)(ref + h.h2r.head_offset),
		      (_Atomic uint32_t *)(ref + h.h2r.tail_offset), RING);
	b.ref_rx = b.ref_tx;
	/* memcpy: the same addresses as cmshm's ring. */
	b.mem_buf = b.cm_tx.data;
	b.mem_put_pos = 0;
	b.mem_get_pos = 0;
	b.size = size;
}

#define set_seq(seq)	memcpy(b.msg, &(uint32_t){ (seq) }, 4)

static void check_seq(int got, uint32_t seq)
{
	if (got != (int)b.size || memcmp(b.out, &seq, sizeof(seq)))
		die("wrong message received");
}

/**
 * run_st() - @n messages (a multiple of BATCH), one thread.
 * @m: the implementation.
 * @n: messages.
 */
static void run_st(const struct impl *m, long n)
{
	uint32_t seq = 0, k;
	long i;

	for (i = 0; i < n; i += BATCH) {
		for (k = 0; k < BATCH; k++) {
			set_seq(seq + k);
			if (m->put(&b))
				die("ring full in the single-thread run");
		}
		for (k = 0; k < BATCH; k++)
			check_seq(m->get(&b), seq + k);
		seq += BATCH;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/**
 * struct mt_arg - one thread of a two-thread run.
 * @m:     the implementation.
 * @n:     messages.
 * @cpu:   CPU to pin to, or -1.
 * @go:    set by the main thread to start both.
 * @ready: threads waiting for @go.
 * @end:   set by the consumer when it has the last message.
 */
struct mt_arg {
	const struct impl *m;
	long n;
	int cpu;
	atomic_int *go;
	atomic_int *ready;
	double end;
};

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void wait_go(const struct mt_arg *a)
{
	pin(a->cpu);
	atomic_fetch_add(a->ready, 1);
	while (!atomic_load_explicit(a->go, memory_order_acquire))
		relax();
}

static void *producer(void *p)
{
	const struct mt_arg *a = p;
	long i;
	int err;

	wait_go(a);
	for (i = 0; i < a->n; i++) {
		set_seq((uint32_t)i);
		while ((err = a->m->put(&b)) == -EAGAIN)
			relax();
		if (err)
			die("put failed");
	}
	return NULL;
}

static void *consumer(void *p)
{
	struct mt_arg *a = p;
	long i;
	int got;

	wait_go(a);
	for (i = 0; i < a->n; i++) {
		while ((got = a->m->get(&b)) == -EAGAIN)
			relax();
		check_seq(got, (uint32_t)i);
	}
	a->end = now();
	return NULL;
}

/**
 * run_mt() - @n messages from a producer thread to a consumer thread.
 * @m: the implementation.
 * @n: messages.
 *
 * Return: seconds from the start signal to the last message received.
 */
static double run_mt(const struct impl *m, long n)
{
	atomic_int go = 0, ready = 0;
	int two = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
	struct mt_arg pa = { m, n, two ? 0 : -1, &go, &ready, 0 };
	struct mt_arg ca = { m, n, two ? 1 : -1, &go, &ready, 0 };
	pthread_t pt, ct;
	double t0;

	if (pthread_create(&pt, NULL, producer, &pa) ||
	    pthread_create(&ct, NULL, consumer, &ca))
		die("pthread_create");
	while (atomic_load(&ready) < 2)
		sched_yield();
	t0 = now();
	atomic_store_explicit(&go, 1, memory_order_release);
	pthread_join(pt, NULL);
	pthread_join(ct, NULL);
	return ca.end - t0;
}

static const struct impl *find_impl(const char *name)
{
	size_t i;

	for (i = 0; i < NIMPL; i++)
		if (!strcmp(impls[i].name, name))
			return &impls[i];
	die("unknown IMPL (cm-copy, cm-zc, ref-copy, ref-zc, memcpy)");
	return NULL;
}

/*
 * Messages per timed run: single thread, 256 MiB of payload (64 Ki..4 Mi
 * messages); two threads, 8 MiB (8 Ki..128 Ki messages, a few ms: short
 * runs, many of them, so that the best one ran without preemption when
 * other jobs share the CPUs).
 */
static long timed_count(uint32_t size, int mt)
{
	long lo = mt ? 8192 : 65536, hi = mt ? 131072 : 4l << 20;
	long n = (mt ? 8l << 20 : 256l << 20) / size;

	n = n < lo ? lo : n > hi ? hi : n;
	return n - n % BATCH;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/**
 * time_all() - every implementation at every size, the best of @reps
 * single-thread runs, the best and the median of 5 x @reps two-thread
 * runs, the implementations interleaved within each repetition.
 * @reps: repetitions.
 *
 * Prints "st IMPL SIZE NS_PER_MESSAGE" and "mt IMPL SIZE BEST MEDIAN"
 * (messages/s).
 */
static void time_all(int reps)
{
	int r, runs = 5 * reps;
	double st[NIMPL], *mt = calloc(NIMPL * runs, sizeof(*mt)), *row, t;
	long n, n_mt;
	size_t s, i;

	if (!mt)
		die("out of memory");

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		n = timed_count(sizes[s], 0);
		n_mt = timed_count(sizes[s], 1);
		memset(st, 0, sizeof(st));
		for (r = 0; r < runs; r++) {
			for (i = 0; i < NIMPL; i++) {
				if (r < reps) {
					setup(sizes[s]);
					t = now();
					run_st(&impls[i], n);
					t = (now() - t) * 1e9 / (double)n;
					if (!r || t < st[i])
						st[i] = t;
				}
				if (!impls[i].mt)
					continue;
				setup(sizes[s]);
				mt[i * runs + r] = (double)n_mt /
						   run_mt(&impls[i], n_mt);
			}
		}
		for (i = 0; i < NIMPL; i++) {
			printf("st %s %u %.2f\n", impls[i].name, sizes[s], st[i]);
			if (!impls[i].mt)
				continue;
			row = mt + i * runs;
			qsort(row, runs, sizeof(*row), cmp_double);
			printf("mt %s %u %.0f %.0f\n", impls[i].name, sizes[s],
			       row[runs - 1], row[runs / 2]);
		}
		fflush(stdout);
	}
	free(mt);
}

int main(int argc, char **argv)
{
	long n;
	uint32_t size;

	if (argc == 5 && !strcmp(argv[1], "count")) {
		size = (uint32_t)strtoul(argv[3], NULL, 0);
		n = strtol(argv[4], NULL, 0);
		if (size < 4 || size > RING / 2 - CMSHM_REC_HDR_SIZE ||
		    n <= 0 || n % BATCH)
			die("SIZE 4..32760, MESSAGES a multiple of 8");
		setup(size);
		run_st(find_impl(argv[2]), n);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "time")) {
		time_all(atoi(argv[2]) > 0 ? atoi(argv[2]) : 1);
		return 0;
	}
	die("usage: bench_ring count IMPL SIZE MESSAGES | time REPETITIONS");
	return 1;
}
