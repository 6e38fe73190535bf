/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The fixture of the remote endpoint library's unit tests (test_remote.c,
 * test_remote_doorbells.c): a region, a host played with the same
 * protocol code the driver uses (cmshm_layout_init(),
 * cmshm_header_write(), cmshm_link_start()/cmshm_link_update() and the
 * rings), and the endpoint under test. Defined in remote_fixture.c.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef REMOTE_FIXTURE_H
#define REMOTE_FIXTURE_H

#include "cmshm_test.h"
#include "cmshm/cmshm_remote.h"

#define REGION	16384u
#define HS1	0x10000001u	/* host sessions */
#define HS2	0x10000002u
#define HS3	0x10000003u

/**
 * struct rtest - a region, the host's half and the endpoint under test.
 * @base:  the region (64-byte aligned).
 * @h:     the host's private layout.
 * @tx:    host's h2r producer view, @rx its r2h consumer view.
 * @host:  the host's link.
 * @ep:    the endpoint.
 * @rings: doorbells the endpoint rang.
 */
struct rtest {
	uint8_t *base;
	struct cmshm_header h;
	struct cmshm_ring tx, rx;
	struct cmshm_link host;
	struct cmshm_remote ep;
	unsigned int rings;
};

/* The host (re)publishes its header with @ring_size rings and starts @hs. */
void host_start(struct rtest *t, uint32_t ring_size, uint32_t hs);
/* cmocka setup: stale RAM, an endpoint on it, no host yet. */
int setup(void **state);
int teardown(void **state);
/* Alternate host updates and endpoint polls; OR of the endpoint events. */
unsigned int settle(struct rtest *t);
/* The host starts @hs with 1024-byte rings; both sides come up. */
void up(struct rtest *t, uint32_t hs);

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

#endif /* REMOTE_FIXTURE_H */
