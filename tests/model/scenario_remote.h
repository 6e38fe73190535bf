/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The remote endpoint library itself (firmware/endpoint/cmshm_remote.c,
 * compiled here unchanged as C++ against model_port.h) following a host
 * that restarts with another layout while the library copies its header.
 *
 *   remote_header_restart: the host (thread 0, the driver's own code:
 *       cmshm_header_write(), cmshm_link_start()) has published layout A
 *       with session S1 before the threads start, then rewrites the
 *       header with layout B (both rings and the remote control block
 *       moved) and starts session S2. The remote (thread 1) calls
 *       cmshm_remote_poll() twice. Property: the library uses a geometry
 *       only whole: A with S1, or B with S2, never a mix; it reports no
 *       protocol error (both layouts are valid); and it writes only its
 *       own control block and indices of the layout it took.
 *
 * Region: 672 bytes, line_size 16, two 256-byte rings (the smallest valid
 * v1 layout), no application area.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_SCENARIO_REMOTE_H
#define CMSHM_SCENARIO_REMOTE_H

#include "model_common.h"
#include "cmshm_remote.c"

#define MODEL_LIB_BYTES		672u
#define MODEL_LIB_WORDS		(MODEL_LIB_BYTES / 4u)
#define MODEL_LIB_S1		0x51515151u
#define MODEL_LIB_S2		0x52525252u

/* Layout A from cmshm_layout_init(); B swaps the rings and moves ctrl. */
static inline void model_lib_layouts(struct cmshm_header *a,
				     struct cmshm_header *b)
{
	struct cmshm_ring_desc d;
	uint32_t ctrl;

	cmshm_layout_init(a, MODEL_LIB_BYTES, 16, 256, 16);
	*b = *a;
	d = b->h2r;
	b->h2r = b->r2h;
	b->r2h = d;
	ctrl = b->remote_ctrl;
	b->remote_ctrl = b->r2h.tail_offset;
	b->r2h.tail_offset = ctrl;
}

struct remote_header_restart : rl::test_suite<remote_header_restart, 2> {
	rl::atomic<uint32_t> w[MODEL_LIB_WORDS];
	struct cmshm_header a, b;
	struct cmshm_ring htx, hrx;
	struct cmshm_link host;
	struct cmshm_remote ep;

	uint8_t *base() { return (uint8_t *)model_region; }

	void host_start(const struct cmshm_header *h, uint32_t session)
	{
		cmshm_header_write((struct cmshm_header *)base(), h);
		cmshm_ring_init(&htx, base(), &h->h2r);
		cmshm_ring_init(&hrx, base(), &h->r2h);
		host.own = &((struct cmshm_header *)base())->host;
		host.peer = (struct cmshm_ctrl *)(base() + h->remote_ctrl);
		host.tx = &htx;
		host.rx = &hrx;
		cmshm_link_start(&host, session);
	}

	void before()
	{
		unsigned i;

		model_use(w, MODEL_LIB_BYTES);
		for (i = 0; i < MODEL_LIB_WORDS; i++)
			w[i].store(MODEL_GARBAGE, rl::mo_relaxed, $);
		model_lib_layouts(&a, &b);
		MODEL_CHECK(!cmshm_header_validate(&a, MODEL_LIB_BYTES) &&
			    !cmshm_header_validate(&b, MODEL_LIB_BYTES),
			    "the scenario's layouts are invalid");
		memset(&host, 0, sizeof(host));
		host_start(&a, MODEL_LIB_S1);
		cmshm_remote_init(&ep, base(), MODEL_LIB_BYTES, NULL, NULL, 9);
	}

	void thread(unsigned t)
	{
		if (t == MODEL_HOST) {
			host_start(&b, MODEL_LIB_S2);
			return;
		}
		cmshm_remote_poll(&ep);
		cmshm_remote_poll(&ep);
	}

	/* The library's views are those of layout @h. */
	bool uses(const struct cmshm_header *h)
	{
		return ep.link.own ==
		       (struct cmshm_ctrl *)(base() + h->remote_ctrl) &&
		       ep.tx.data == base() + h->r2h.data_offset &&
		       ep.tx.head == (uint32_t *)(base() + h->r2h.head_offset) &&
		       ep.tx.tail == (uint32_t *)(base() + h->r2h.tail_offset) &&
		       ep.rx.data == base() + h->h2r.data_offset &&
		       ep.rx.head == (uint32_t *)(base() + h->h2r.head_offset) &&
		       ep.rx.tail == (uint32_t *)(base() + h->h2r.tail_offset);
	}

	void after()
	{
		MODEL_CHECK(!ep.st.proto_errors,
			    "protocol error between honest peers (torn header)");
		if (!ep.geom_ok)
			return;	/* nothing taken yet: fine */
		if (ep.geom == MODEL_LIB_S1)
			MODEL_CHECK(uses(&a), "session S1 with a mixed layout");
		else if (ep.geom == MODEL_LIB_S2)
			MODEL_CHECK(uses(&b), "session S2 with a mixed layout");
		else
			MODEL_CHECK(0, "a session the host never published");
	}
};

#endif /* CMSHM_SCENARIO_REMOTE_H */
