// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * What the remote endpoint's copy API costs against its zero-copy API
 * plus memcpy(): one program, run under valgrind's callgrind by
 * tests/bench/remote-copy.sh, which collects only inside the functions of
 * one mode (--toggle-collect) and divides instruction counts.
 *
 *   bench_remote_copy MODE SIZE ITERATIONS
 *
 * MODE copy: ITERATIONS x round_copy(): cmshm_remote_send() of SIZE bytes
 * and cmshm_remote_recv() of SIZE bytes. MODE zerocopy: ITERATIONS x
 * round_zerocopy(): the same messages with cmshm_remote_reserve()/
 * bench_copy()/cmshm_remote_commit() and cmshm_remote_peek()/bench_copy()/
 * cmshm_remote_release(), where bench_copy() is a memcpy() that callgrind
 * can count on its own. Both round functions include their own call
 * frame and checks, so they compare like with like. The host
 * side (the driver's protocol code, not collected) drains r2h and fills
 * h2r between the calls. No doorbell function (polling host): the
 * doorbell itself is outside what is compared.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmshm/cmshm_remote.h"

#define REGION	(64u * 1024u)
#define RING	(16u * 1024u)

static struct cmshm_remote ep;
static struct cmshm_ring host_tx, host_rx;
static struct cmshm_link host;

/* A memcpy() of its own symbol, so callgrind can count it alone. */
__attribute__((noinline)) void bench_copy(void *dst, const void *src,
					  uint32_t n)
{
	memcpy(dst, src, n);
}

/* One remote round with the copy API: send @msg, receive into @out. */
__attribute__((noinline)) int round_copy(const uint8_t *msg, uint8_t *out,
					 uint32_t size)
{
	uint32_t len;

	if (cmshm_remote_send(&ep, msg, size))
		return -1;
	if (cmshm_remote_recv(&ep, out, size, &len) || len != size)
		return -1;
	return 0;
}

/* The same round with the zero-copy API and bench_copy(). */
__attribute__((noinline)) int round_zerocopy(const uint8_t *msg,
					     uint8_t *out, uint32_t size)
{
	const void *in;
	void *slot;
	uint32_t len;

	if (cmshm_remote_reserve(&ep, size, &slot))
		return -1;
	bench_copy(slot, msg, size);
	cmshm_remote_commit(&ep);
	if (cmshm_remote_peek(&ep, &in, &len) || len != size)
		return -1;
	bench_copy(out, in, len);
	cmshm_remote_release(&ep);
	return 0;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_remote_copy: %s\n", what);
	exit(1);
}

static void attach(uint8_t *base)
{
	struct cmshm_header h;
	int i;

	if (cmshm_layout_init(&h, REGION, 64, RING, 64))
		die("layout");
	cmshm_header_write((struct cmshm_header *)base, &h);
	cmshm_ring_init(&host_tx, base, &h.h2r);
	cmshm_ring_init(&host_rx, base, &h.r2h);
	host.own = &((struct cmshm_header *)base)->host;
	host.peer = (struct cmshm_ctrl *)(base + h.remote_ctrl);
	host.tx = &host_tx;
	host.rx = &host_rx;
	cmshm_link_start(&host, 0x1234u);
	if (cmshm_remote_init(&ep, base, REGION, NULL, NULL, 7))
		die("init");
	for (i = 0; i < 4; i++) {
		cmshm_remote_poll(&ep);
		cmshm_link_update(&host);
	}
	if (!cmshm_remote_up(&ep) || !host.up)
		die("no link");
}

/* Host side: queue one h2r message, take one r2h message. */
static void host_put(const uint8_t *msg, uint32_t len)
{
	void *p;

	if (cmshm_ring_reserve(&host_tx, len, &p))
		die("host reserve");
	memcpy(p, msg, len);
	cmshm_ring_commit(&host_tx);
}

static void host_take(uint32_t len)
{
	const void *p;
	uint32_t got;

	if (cmshm_ring_peek(&host_rx, &p, &got) || got != len)
		die("host peek");
	cmshm_ring_release(&host_rx);
}

int main(int argc, char **argv)
{
	uint8_t *base, *msg, *out;
	uint32_t size;
	long i, n;
	int zc;

	if (argc != 4)
		die("usage: bench_remote_copy copy|zerocopy SIZE ITERATIONS");
	zc = !strcmp(argv[1], "zerocopy");
	size = (uint32_t)strtoul(argv[2], NULL, 0);
	n = strtol(argv[3], NULL, 0);
	base = aligned_alloc(64, REGION);
	msg = malloc(size);
	out = malloc(size);
	if (!base || !msg || !out || !size || size > RING / 2 - 8)
		die("size");
	memset(msg, 0x5a, size);
	attach(base);
	for (i = 0; i < n; i++) {
		host_put(msg, size);
		if ((zc ? round_zerocopy : round_copy)(msg, out, size))
			die("round");
		host_take(size);
	}
	if (memcmp(out, msg, size))
		die("payload");
	free(out);
	free(msg);
	free(base);
	return 0;
}
