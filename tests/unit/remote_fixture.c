// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The fixture of the remote endpoint library's unit tests: see
 * remote_fixture.h.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "remote_fixture.h"

static void doorbell(void *ctx)
{
	((struct rtest *)ctx)->rings++;
}

void host_start(struct rtest *t, uint32_t ring_size, uint32_t hs)
{
	assert_int_equal(cmshm_layout_init(&t->h, REGION, 64, ring_size, 64),
			 0);
	cmshm_header_write((struct cmshm_header *)t->base, &t->h);
	cmshm_ring_init(&t->tx, t->base, &t->h.h2r);
	cmshm_ring_init(&t->rx, t->base, &t->h.r2h);
	t->host.own = &((struct cmshm_header *)t->base)->host;
	t->host.peer = (struct cmshm_ctrl *)(t->base + t->h.remote_ctrl);
	t->host.tx = &t->tx;
	t->host.rx = &t->rx;
	cmshm_link_start(&t->host, hs);
}

int setup(void **state)
{
	struct rtest *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->base = aligned_alloc(64, REGION);
	assert_non_null(t->base);
	memset(t->base, 0xa5, REGION);	/* stale RAM */
	assert_int_equal(cmshm_remote_init(&t->ep, t->base, REGION, doorbell,
					   t, 42), 0);
	*state = t;
	return 0;
}

int teardown(void **state)
{
	struct rtest *t = *state;

	free(t->base);
	free(t);
	return 0;
}

unsigned int settle(struct rtest *t)
{
	unsigned int ev = 0, i;

	for (i = 0; i < 4; i++) {
		ev |= cmshm_remote_poll(&t->ep);
		cmshm_link_update(&t->host);
	}
	return ev;
}

void up(struct rtest *t, uint32_t hs)
{
	host_start(t, 1024, hs);
	assert_int_equal(settle(t), CMSHM_REMOTE_UP);
	assert_true(cmshm_remote_up(&t->ep));
	assert_true(t->host.up);
}
