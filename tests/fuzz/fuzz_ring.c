// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * libFuzzer target over the receive and validate paths of the portable
 * protocol (include/cmshm/): everything the peer can write is taken from
 * the fuzzer input, and the host side's ring and link calls must stay
 * memory safe and keep their documented promises.
 *
 * Input format (see tests/fuzz/make-seeds.py, which writes the seeds):
 *   byte 0: bit 0 = mode (0 snapshot, 1 operations); bits 1-2 select the
 *           ring size 256 << ((b >> 1) % 3).
 *   snapshot mode: the peer-written words of a 4 KiB region (r2h head,
 *           h2r tail, remote control block, r2h ring data) plus a header
 *           copy XORed onto a valid one, then a fixed sequence of host
 *           peek/read/release, reserve/commit, link_update and
 *           header_validate calls.
 *   operations mode: a handshake brings both sides up, then each input
 *           op interleaves "peer writes word X" with honest remote traffic
 *           and host calls, so corruption happens mid-traffic. While no
 *           corruption or restart happened, every message must arrive
 *           intact and in order, and no call may return -EPROTO.
 *
 * On a broken promise the target prints it and calls abort().
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmshm/cmshm_link.h"
#include "fuzz_ring_checks.h"

#define REGION		4096u
#define HOST_SESSION	0x48000001u
#define REM_SESSION	0x52000001u

/*
 * One consumer step: peek (twice when @twice), copy, release. Checks the
 * own index moves by at most the validated amount. Returns the result.
 */
static int host_recv(struct cmshm_ring *r, uint8_t *buf, uint32_t cap,
		     uint32_t *len, int twice)
{
	uint32_t own = r->own, avail_before;
	const void *p, *p2;
	uint32_t l2;
	int e;

	e = cmshm_ring_peek(r, &p, len);
	CHECK(e == 0 || e == -CMSHM_EAGAIN || e == -CMSHM_EPROTO);
	CHECK(r->own == own);
	CHECK(*r->tail == own);
	if (e) {
		CHECK(r->pending == 0);
		return e;
	}
	payload_inv(r, p, *len);
	avail_before = r->peer - own;
	CHECK(r->pending >= cmshm_rec_size(*len));
	CHECK(r->pending <= avail_before);
	if (twice) {
		e = cmshm_ring_peek(r, &p2, &l2);
		/* the shared head may only have been read again: same record */
		CHECK(e == 0);
		CHECK(p2 == p && l2 == *len);
	}
	if (*len > cap)
		return -CMSHM_EMSGSIZE;
	memcpy(buf, p, *len);
	cmshm_ring_release(r);
	CHECK(r->own - own <= avail_before);
	CHECK(r->own != own);
	CHECK(*r->tail == r->own);
	return 0;
}

static int host_send(struct cmshm_ring *r, uint32_t len, uint32_t seq)
{
	uint32_t own = r->own, head = *r->head;
	void *p;
	int e = cmshm_ring_reserve(r, len, &p);

	CHECK(err_ok(e));
	CHECK(r->own == own && *r->head == head);
	if (e) {
		CHECK(r->pending == 0);
		return e;
	}
	payload_inv(r, p, len);
	CHECK(r->pending >= cmshm_rec_size(len));
	CHECK(r->pending < r->size);
	fill(p, len, seq);
	cmshm_ring_commit(r);
	CHECK(*r->head == r->own);
	CHECK(r->own - r->peer <= r->size);
	return 0;
}

/* Use a header the validator accepted: rings over exactly the region. */
static void exercise_header(uint8_t *base, const struct cmshm_header *h)
{
	struct cmshm_ring p, c;
	uint8_t buf[64];
	uint32_t len, seq = 0, rseq = 0;
	int i;

	cmshm_ring_init(&p, base, &h->h2r);
	cmshm_ring_init(&c, base, &h->h2r);
	cmshm_ring_reset(&p, 1);
	cmshm_ring_reset(&c, 0);
	for (i = 0; i < 40; i++) {
		uint32_t l = (uint32_t)(i * 13 % 60) + 1;

		if (host_send(&p, l, seq) == 0)
			seq++;
		if (i & 1)
			continue;
		while (host_recv(&c, buf, sizeof(buf), &len, 0) == 0) {
			CHECK(same(buf, len, rseq));
			rseq++;
		}
	}
	/* the other ring and both ctrl blocks are writable, too */
	cmshm_ring_init(&p, base, &h->r2h);
	cmshm_ring_init(&c, base, &h->r2h);
	cmshm_ring_reset(&p, 1);
	cmshm_ring_reset(&c, 0);
	CHECK(host_send(&p, p.max_msg, 1) == 0);
	memset(base + h->remote_ctrl, 0, sizeof(struct cmshm_ctrl));
	memset(base + h->app_offset, 0, h->app_size);
}

struct side {
	struct cmshm_ring tx, rx;
	struct cmshm_link l;
};

static void sides_init(uint8_t *base, const struct cmshm_header *h,
		       struct side *host, struct side *rem)
{
	struct cmshm_ctrl *hc = &((struct cmshm_header *)base)->host;
	struct cmshm_ctrl *rc = (struct cmshm_ctrl *)(base + h->remote_ctrl);

	memset(host, 0, sizeof(*host));
	memset(rem, 0, sizeof(*rem));
	cmshm_ring_init(&host->tx, base, &h->h2r);
	cmshm_ring_init(&host->rx, base, &h->r2h);
	cmshm_ring_init(&rem->tx, base, &h->r2h);
	cmshm_ring_init(&rem->rx, base, &h->h2r);
	host->l.own = hc;
	host->l.peer = rc;
	host->l.tx = &host->tx;
	host->l.rx = &host->rx;
	rem->l.own = rc;
	rem->l.peer = hc;
	rem->l.tx = &rem->tx;
	rem->l.rx = &rem->rx;
}

/*
 * link_update with its promises. @trusted: the fuzzer never writes this
 * side's control block (the host), so its shared words can be checked.
 */
static unsigned int update_inv(struct side *s, int trusted)
{
	int was = s->l.up;
	uint32_t state = s->l.own->state;
	unsigned int ev = cmshm_link_update(&s->l);

	CHECK(!(ev & ~0xfu));
	CHECK(!((ev & CMSHM_LINK_UP) && !s->l.up));
	if (ev & CMSHM_LINK_DOWN)
		CHECK(was);
	if (ev & CMSHM_LINK_RESET)
		CHECK(ev & CMSHM_LINK_KICK);
	if (s->l.up) {
		CHECK(s->l.acked != 0);
		CHECK(s->l.was_up);
	}
	if (trusted) {
		if (s->l.up)
			CHECK(s->l.own->ack == s->l.acked);
		CHECK(s->l.own->session == s->l.session);
		/* update never changes this side's state */
		CHECK(s->l.own->state == state);
	}
	return ev;
}

static void snapshot(uint8_t *base, const struct cmshm_header *lay,
		     struct in *in)
{
	struct cmshm_header *shared = (struct cmshm_header *)base;
	struct cmshm_ctrl *rc = (struct cmshm_ctrl *)(base + lay->remote_ctrl);
	struct side host, rem;
	struct cmshm_header copy;
	uint32_t rx_start = in_u32(in) & ~7u;
	uint32_t tx_start = in_u32(in) & ~7u;
	uint32_t tx_back = in_u32(in) & (lay->h2r.size - 8u);
	uint32_t head_d = in_u32(in), tail_d = in_u32(in);
	uint32_t ctl[4], i, len, lens;
	uint8_t *cp = (uint8_t *)&copy, buf[1024];
	int e;

	for (i = 0; i < 4; i++)
		ctl[i] = in_u32(in);
	copy = *lay;
	for (i = 0; i < sizeof(copy); i++)
		cp[i] ^= in_u8(in);
	lens = in_u32(in);
	for (i = 0; i < lay->r2h.size; i++)
		base[lay->r2h.data_offset + i] = in_u8(in);

	sides_init(base, lay, &host, &rem);
	cmshm_link_start(&host.l, HOST_SESSION);

	/* consumer: r2h at rx_start, head as given */
	host.rx.own = host.rx.peer = rx_start;
	*host.rx.tail = rx_start;
	*host.rx.head = rx_start + head_d;
	for (i = 0; i < 48; i++) {
		uint32_t cap = (lens >> (i % 24)) & 0x3ffu;

		e = host_recv(&host.rx, buf, i % 4 ? sizeof(buf) : cap, &len,
			      i % 3 == 0);
		ring_inv(&host.rx, 0);
		if (e == -CMSHM_EAGAIN || e == -CMSHM_EPROTO)
			break;
		/* once the peer's words are fixed, retries must agree */
		if (e == -CMSHM_EMSGSIZE)
			CHECK(host_recv(&host.rx, buf, sizeof(buf), &len, 0) ==
			      0);
	}

	/* producer: h2r at tx_start, tail as given */
	host.tx.own = tx_start;
	host.tx.peer = tx_start - tx_back;
	*host.tx.head = tx_start;
	*host.tx.tail = host.tx.peer + tail_d;
	e = cmshm_ring_can_write(&host.tx, 1);
	CHECK(e == 0 || e == 1 || e == -CMSHM_EPROTO);
	for (i = 0; i < 32; i++) {
		uint32_t l = ((lens * (i + 1)) >> 3) % (host.tx.max_msg + 2);

		e = host_send(&host.tx, l, i);
		ring_inv(&host.tx, 1);
		if (e == -CMSHM_EAGAIN || e == -CMSHM_EPROTO)
			break;
		if (e == 0 && (lens & (1u << (i % 32))))
			*host.tx.tail = host.tx.own;	/* peer consumed all */
	}

	/* link: the peer's control block as given, XORed onto a good one */
	rc->state = CMSHM_STATE_READY ^ ctl[0];
	rc->session = REM_SESSION ^ ctl[1];
	rc->ack = HOST_SESSION ^ ctl[2];
	rc->features = ctl[3];
	for (i = 0; i < 3; i++)
		update_inv(&host, 1);
	if (host.l.up)
		CHECK(rc->state == CMSHM_STATE_READY && rc->session &&
		      rc->ack == HOST_SESSION &&
		      shared->host.ack == rc->session);

	/* header: validate the copy; if accepted, its offsets must be safe */
	if (cmshm_header_validate(&copy, REGION) == 0) {
		header_inv(&copy, REGION);
		exercise_header(base, &copy);
	}
}

/* Peer-writable words, as the fuzzer addresses them. */
static uint32_t *peer_word(uint8_t *base, const struct cmshm_header *h,
			   uint8_t idx)
{
	switch (idx & 7u) {
	case 0:
		return (uint32_t *)(base + h->r2h.head_offset);
	case 1:
		return (uint32_t *)(base + h->h2r.tail_offset);
	case 2:
	case 3:
	case 4:
		return (uint32_t *)(base + h->remote_ctrl) + (idx & 7u) - 2;
	default:
		/* a word of the r2h data area */
		return (uint32_t *)(base + h->r2h.data_offset +
				    ((uint32_t)idx * 8u + (idx >> 7) * 4u) %
				    h->r2h.size);
	}
}

static void operations(uint8_t *base, const struct cmshm_header *lay,
		       struct in *in)
{
	struct side host, rem;
	uint32_t h_tx = 0, h_rx = 0, r_tx = 0, r_rx = 0, session = 2, len;
	uint8_t buf[1024];
	int clean = 1, e, steps = 0;

	sides_init(base, lay, &host, &rem);
	cmshm_link_start(&host.l, HOST_SESSION);
	cmshm_link_start(&rem.l, REM_SESSION);
	update_inv(&host, 1);
	update_inv(&rem, 0);
	update_inv(&host, 1);
	CHECK(host.l.up && rem.l.up);

	while (in->n && steps++ < 512) {
		uint8_t op = in_u8(in), a = in_u8(in);
		uint32_t *w;

		switch (op % 10) {
		case 0:		/* the peer writes a word */
			w = peer_word(base, lay, a);
			if (op & 0x80)
				*w += (uint32_t)(int8_t)in_u8(in) * 8u;
			else
				*w = in_u32(in);
			clean = 0;
			break;
		case 1:		/* host receives */
			e = host_recv(&host.rx, buf, a & 1 ? a : sizeof(buf),
				      &len, a & 2);
			if (clean && e == 0) {
				CHECK(same(buf, len, h_rx));
				h_rx++;
			}
			if (clean)
				CHECK(e != -CMSHM_EPROTO);
			break;
		case 2:		/* host sends */
			e = host_send(&host.tx, (uint32_t)a * 4u + (op >> 4),
				      h_tx);
			if (e == 0)
				h_tx++;
			if (clean)
				CHECK(e != -CMSHM_EPROTO);
			break;
		case 3:
			update_inv(&host, 1);
			break;
		case 4:		/* the honest remote sends */
			if (rem.l.up) {
				e = cmshm_ring_write(&rem.tx, buf, 0);
				CHECK(e == -CMSHM_EINVAL);
				len = (uint32_t)a * 2u + 1u;
				if (len > rem.tx.max_msg)
					len = rem.tx.max_msg;
				fill(buf, len, r_tx);
				e = cmshm_ring_write(&rem.tx, buf, len);
				CHECK(err_ok(e));
				if (e == 0)
					r_tx++;
				if (clean)
					CHECK(e == 0 || e == -CMSHM_EAGAIN);
			}
			break;
		case 5:		/* the honest remote receives */
			if (rem.l.up) {
				e = cmshm_ring_read(&rem.rx, buf, sizeof(buf),
						    &len);
				CHECK(err_ok(e));
				if (clean) {
					CHECK(e == 0 || e == -CMSHM_EAGAIN);
					if (e == 0) {
						CHECK(same(buf, len, r_rx));
						r_rx++;
					}
				}
			}
			break;
		case 6:
			update_inv(&rem, 0);
			break;
		case 7:		/* a restart: messages may be lost */
			if (a & 1)
				cmshm_link_start(&rem.l, REM_SESSION + session++);
			else
				cmshm_link_start(&host.l,
						 HOST_SESSION + session++);
			clean = 0;
			break;
		case 8:		/* the remote stops */
			cmshm_link_stop(&rem.l, a & 1 ? CMSHM_STATE_ERROR :
					CMSHM_STATE_OFFLINE);
			clean = 0;
			break;
		default:	/* host can_write */
			e = cmshm_ring_can_write(&host.tx, (uint32_t)a + 1u);
			CHECK(e == 0 || e == 1 || e == -CMSHM_EPROTO);
			break;
		}
		ring_inv(&host.tx, 1);
		ring_inv(&host.rx, 0);
		CHECK(*host.tx.head == host.tx.own);
		CHECK(*host.rx.tail == host.rx.own);
		CHECK(host.l.own->session == host.l.session);
		if (clean) {
			CHECK(h_rx <= r_tx && r_rx <= h_tx);
			CHECK(host.l.up && rem.l.up);
			CHECK(cmshm_link_peer_unchanged(&host.l) == 1);
		} else {
			e = cmshm_link_peer_unchanged(&host.l);
			CHECK(e == 0 || e == 1);
		}
	}
	if (clean) {
		/* nothing lost: drain both directions */
		while (host_recv(&host.rx, buf, sizeof(buf), &len, 0) == 0)
			CHECK(same(buf, len, h_rx++));
		while (cmshm_ring_read(&rem.rx, buf, sizeof(buf), &len) == 0)
			CHECK(same(buf, len, r_rx++));
		CHECK(h_rx == r_tx && r_rx == h_tx);
	}
#ifdef FUZZ_DEBUG
	fprintf(stderr, "ops: clean %d host rx %u tx %u remote rx %u tx %u\n",
		clean, h_rx, h_tx, r_rx, r_tx);
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct cmshm_header lay;
	uint8_t *base;
	uint8_t b0;

	if (!size)
		return 0;
	b0 = in_u8(&in);
	/* exactly the region, so ASan sees any access outside it */
	base = aligned_alloc(64, REGION);
	CHECK(base);
	memset(base, 0, REGION);
	CHECK(cmshm_layout_init(&lay, REGION, 64, 256u << ((b0 >> 1) % 3),
				64) == 0);
	memset(&lay.host, 0, sizeof(lay.host));
	CHECK(cmshm_header_validate(&lay, REGION) == 0);
	cmshm_header_write((struct cmshm_header *)base, &lay);
	if (b0 & 1)
		operations(base, &lay, &in);
	else
		snapshot(base, &lay, &in);
	free(base);
	return 0;
}
