// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-remote: the fault phase's values and corruptions: interesting
 * values for indices and words, transient corruptions of host-owned words
 * (compare-and-swap, put back later), and the corruptions of what is ours
 * (control block, published records, r2h data). When and how often they
 * are applied is remote/fault.c's business; this file writes shared
 * memory around the endpoint library and reads its fields (@rm->ep), never
 * from inside it.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "fault.h"

/* The next value of the fault generator (xorshift64, --fault-seed). */
static uint64_t frand(struct remote *rm)
{
	uint64_t x = rm->fault.rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rm->fault.rng = x;
	return x;
}

/**
 * fault_rand32() - 32 random bits of the fault generator.
 * @rm: the emulator.
 *
 * Return: the value.
 */
uint32_t fault_rand32(struct remote *rm)
{
	return (uint32_t)(frand(rm) >> 17);
}

/**
 * fault_index_value() - a bad value for a free-running ring index.
 * @rm:   the emulator.
 * @cur:  the index's honest value.
 * @size: the ring's size in bytes.
 *
 * Return: 0, all-ones, misaligned, past the ring size, behind or ahead of
 * @cur, or random; never @cur.
 */
uint32_t fault_index_value(struct remote *rm, uint32_t cur, uint32_t size)
{
	uint32_t v = cur;
	int i;

	for (i = 0; i < 4 && v == cur; i++) {
		switch (fault_rand32(rm) % 9u) {
		case 0:
			v = 0;
			break;
		case 1:
			v = 0xffffffffu;
			break;
		case 2:
			/* misaligned */
			v = cur + 4u;
			break;
		case 3:
			v = cur + 1u;
			break;
		case 4:
			/* past the ring size */
			v = cur + size + 8u;
			break;
		case 5:
			/* behind the last value */
			v = cur - 8u;
			break;
		case 6:
			/* ahead of what exists */
			v = cur + 8u;
			break;
		case 7:
			v = fault_rand32(rm) & ~7u;
			break;
		default:
			v = fault_rand32(rm);
			break;
		}
	}
	return v == cur ? cur ^ 0x80000000u : v;
}

/* A value for a generic word (header, ctrl) whose honest value is @cur. */
static uint32_t word_value(struct remote *rm, uint32_t cur)
{
	uint32_t v = cur;
	int i;

	for (i = 0; i < 4 && v == cur; i++) {
		switch (fault_rand32(rm) % 7u) {
		case 0:
			v = 0;
			break;
		case 1:
			v = 0xffffffffu;
			break;
		case 2:
			v = cur + 1u;
			break;
		case 3:
			v = cur - 1u;
			break;
		case 4:
			v = cur ^ (1u << (fault_rand32(rm) % 32u));
			break;
		case 5:
			v = cur + 0x10000u;
			break;
		default:
			v = fault_rand32(rm);
			break;
		}
	}
	return v == cur ? ~cur : v;
}

/* A value for a control-block state word. */
static uint32_t state_value(struct remote *rm, uint32_t cur)
{
	static const uint32_t set[] = {
		0, 0xffffffffu, CMSHM_STATE_OFFLINE, CMSHM_STATE_ERROR,
		CMSHM_STATE_READY ^ 1u, CMSHM_STATE_READY ^ 0x80000000u,
	};
	uint32_t v = set[fault_rand32(rm) % (sizeof(set) / sizeof(set[0]))];

	return v == cur ? word_value(rm, cur) : v;
}

/*
 * Values for host-owned words must differ from anything the host may store
 * there before we put the word back, or the compare-and-swap could not
 * tell the host's store from ours: a restart stores 0 to its indices and
 * to ack/reserved, OFFLINE then READY to state. Mid-session the host only
 * moves its indices forward by whole records (16 bytes at least), which
 * none of the index values can match.
 */
static uint32_t host_value(struct remote *rm, uint32_t *w, uint32_t cur,
			   uint32_t size)
{
	struct cmshm_ctrl *hc = &((struct cmshm_header *)rm->base)->host;
	uint32_t v;
	int i;

	for (i = 0; i < 8; i++) {
		if (w == &hc->state)
			v = state_value(rm, cur);
		else if (size)
			v = fault_index_value(rm, cur, size);
		else
			v = word_value(rm, cur);
		if (v && v != cur && v != CMSHM_STATE_OFFLINE &&
		    v != CMSHM_STATE_READY && v != rm->ep.link.session)
			return v;
	}
	return cur ^ 0x80000004u;
}

/*
 * Transient corruption of a host-owned u32 or byte: compare-and-swap, so a
 * concurrent store by the host is never lost, and remember how to put it
 * back. Returns 1 if applied.
 */
static int host32(struct remote *rm, uint32_t *p, uint32_t bad)
{
	struct fault_restore *r;
	uint32_t cur = cmshm_load32(p);

	if (rm->fault.n_restore >= FAULT_RESTORE_MAX || bad == cur ||
	    !__atomic_compare_exchange_n(p, &cur, bad, 0, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return 0;
	r = &rm->fault.restore[rm->fault.n_restore++];
	r->p = p;
	r->width = 4;
	r->bad = bad;
	r->orig = cur;
	return 1;
}

/* host32() for a byte, flipping random bits of it. */
static int host8(struct remote *rm, uint8_t *p)
{
	struct fault_restore *r;
	uint8_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
	uint8_t bad = (uint8_t)(cur ^ (1u + fault_rand32(rm) % 255u));

	if (rm->fault.n_restore >= FAULT_RESTORE_MAX ||
	    !__atomic_compare_exchange_n(p, &cur, bad, 0, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return 0;
	r = &rm->fault.restore[rm->fault.n_restore++];
	r->p = p;
	r->width = 1;
	r->bad = bad;
	r->orig = cur;
	return 1;
}

/**
 * fault_restore_host() - put back every host-owned location that still
 * holds our value (LIFO).
 * @rm: the emulator.
 */
void fault_restore_host(struct remote *rm)
{
	struct fault_restore *r;
	uint32_t v32;
	uint8_t v8;

	while (rm->fault.n_restore) {
		r = &rm->fault.restore[--rm->fault.n_restore];
		if (r->width == 4) {
			v32 = r->bad;
			__atomic_compare_exchange_n((uint32_t *)r->p, &v32,
						    r->orig, 0,
						    __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
		} else {
			v8 = (uint8_t)r->bad;
			__atomic_compare_exchange_n((uint8_t *)r->p, &v8,
						    (uint8_t)r->orig, 0,
						    __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
		}
	}
}

/**
 * fault_counted() - count one corruption applied; taints the ring errors.
 * @rm:   the emulator.
 * @kind: its per-target counter in @rm->st.
 */
void fault_counted(struct remote *rm, uint64_t *kind)
{
	rm->st.corruptions++;
	(*kind)++;
	rm->fault.tainted = 1;
}

/**
 * fault_set_fatal() - note the corruption the host must detect now.
 * @rm:     the emulator.
 * @kind:   enum fault_kind.
 * @freeze: nonzero if our next ring work would heal it (no ring work until
 *          the host reacted or the timeout passed).
 */
void fault_set_fatal(struct remote *rm, int kind, int freeze)
{
	rm->fault.fatal = kind;
	rm->fault.fatal_at = remote_now();
	rm->fault.frozen = freeze;
}

/**
 * fault_corrupt_r2h_data() - corrupt one byte of published r2h data the
 * host has not consumed yet.
 * @rm: the emulator, link up, @rm->fault.r2h_used nonzero.
 */
void fault_corrupt_r2h_data(struct remote *rm)
{
	struct cmshm_ring *tx = &rm->ep.tx;
	uint32_t used = rm->fault.r2h_used;
	uint8_t *p;

	p = tx->data + ((tx->own - used + fault_rand32(rm) % used) & (tx->size - 1u));
	*p = (uint8_t)(*p ^ (1u + fault_rand32(rm) % 255u));
	fault_counted(rm, &rm->st.corrupt_r2h_data);
}

/**
 * fault_corrupt_ctrl() - corrupt one word of our control block.
 * @rm: the emulator, link up.
 *
 * state, session or ack: a fatal corruption, repaired by a restart after
 * FAULT_CTRL_HOLD; the reserved word: put back at the next wakeup.
 */
void fault_corrupt_ctrl(struct remote *rm)
{
	struct cmshm_ctrl *c = rm->ep.link.own;
	uint32_t w = fault_rand32(rm) % 4u;

	switch (w) {
	case 0:
		cmshm_store32(&c->state, state_value(rm, cmshm_load32(&c->state)));
		break;
	case 1:
		cmshm_store32(&c->session,
			      fault_rand32(rm) & 1u ? rm->ep.link.acked :
			      word_value(rm, rm->ep.link.session));
		break;
	case 2:
		cmshm_store32(&c->ack, word_value(rm, rm->ep.link.acked));
		break;
	default:
		/*
		 * Read by the host only when the link comes up, and then only
		 * as a hint: put back at the next wakeup.
		 */
		cmshm_store32(&c->features, 1u + fault_rand32(rm));
		rm->fault.features_fix = 1;
		fault_counted(rm, &rm->st.corrupt_remote_ctrl);
		return;
	}
	fault_counted(rm, &rm->st.corrupt_remote_ctrl);
	fault_set_fatal(rm, F_CTRL, 0);
	rm->fault.ctrl_fix_at = remote_now() + FAULT_CTRL_HOLD;
}

/**
 * fault_corrupt_host() - a transient corruption of a host-owned location.
 * @rm:   the emulator.
 * @kind: F_HOST_HDR, F_HOST_CTRL, F_H2R_HEAD, F_R2H_TAIL or F_H2R_DATA.
 *
 * Return: 1 if applied (put back by fault_restore_host()), else 0.
 */
int fault_corrupt_host(struct remote *rm, int kind)
{
	struct cmshm_header *h = (struct cmshm_header *)rm->base;
	uint32_t *w, i, used;
	uint8_t *d;
	int done;

	switch (kind) {
	case F_HOST_HDR:
		/* Every word before the host ctrl. */
		i = fault_rand32(rm) % (uint32_t)(offsetof(struct cmshm_header, host) / 4u);
		w = (uint32_t *)h + i;
		done = host32(rm, w, host_value(rm, w, cmshm_load32(w), 0));
		break;
	case F_HOST_CTRL:
		w = (uint32_t *)&h->host + fault_rand32(rm) % 4u;
		done = host32(rm, w, host_value(rm, w, cmshm_load32(w), 0));
		break;
	case F_H2R_HEAD:
		w = rm->ep.rx.head;
		done = host32(rm, w, host_value(rm, w, cmshm_load32(w),
						rm->ep.rx.size));
		break;
	case F_R2H_TAIL:
		w = rm->ep.tx.tail;
		done = host32(rm, w, host_value(rm, w, cmshm_load32(w),
						rm->ep.tx.size));
		break;
	default:
		/*
		 * Only published data we have not consumed: the host does not
		 * store there until we consume it, and we put it back first.
		 */
		used = rm->fault.h2r_used;
		d = rm->ep.rx.data + ((rm->ep.rx.own + fault_rand32(rm) % used) &
				   (rm->ep.rx.size - 1u));
		done = host8(rm, d);
		break;
	}
	if (done)
		fault_counted(rm, &rm->st.corrupt_host);
	return done;
}

/**
 * fault_record() - maybe corrupt the record about to be published.
 * @rm:      the emulator, link up.
 * @own:     r2h head before the reservation (where a pad would be).
 * @payload: the reserved payload, already filled.
 * @len:     its length.
 *
 * Called by the producer between cmshm_remote_reserve() and
 * cmshm_remote_commit(), so the host reads the damage with the record.
 * Uses a corruption reserved by the fault phase, if any: the len word, a
 * pad marker, or payload/flags/padding bytes (only the latter while
 * another fatal corruption is outstanding).
 */
void fault_record(struct remote *rm, uint32_t own, void *payload, uint32_t len)
{
	struct cmshm_ring *tx = &rm->ep.tx;
	uint8_t *rec = (uint8_t *)payload - CMSHM_REC_HDR_SIZE;
	uint32_t *word = (uint32_t *)rec;
	uint32_t pos = (uint32_t)(rec - tx->data);
	uint32_t pad_pos = own & (tx->size - 1u);
	uint32_t recsz = cmshm_rec_size(len), v, r, i, n;
	int padded = pos == 0 && pad_pos != 0;

	if (rm->fault.phase != 1 || !rm->fault.rec_wanted)
		return;
	rm->fault.rec_wanted--;
	r = rm->fault.fatal ? 60u + fault_rand32(rm) % 40u : fault_rand32(rm) % 100u;
	if (r < 40) {
		switch (fault_rand32(rm) % 8u) {
		case 0:
			v = 0;
			break;
		case 1:
			v = tx->max_msg + 1u;
			break;
		case 2:
			v = tx->size;
			break;
		case 3:
			/* overruns */
			v = len + 8u;
			break;
		case 4:
			/* shorter */
			v = len > 1 ? len - 1u : 2u;
			break;
		case 5:
			/* past the end */
			v = tx->size - pos - 7u;
			break;
		case 6:
			v = 0xfffffffeu;
			break;
		default:
			v = fault_rand32(rm);
			break;
		}
		cmshm_store32(word, v);
		fault_counted(rm, &rm->st.corrupt_len);
		fault_set_fatal(rm, F_LEN_OR_PAD, 0);
	} else if (r < 60) {
		if (padded && fault_rand32(rm) % 2u)
			/* Damage the real pad marker. */
			cmshm_store32((uint32_t *)(tx->data + pad_pos),
				      fault_rand32(rm) % 2u ? fault_rand32(rm) % 64u :
				      fault_rand32(rm));
		else
			/* A pad where none belongs (at 0: never valid). */
			cmshm_store32(word, CMSHM_REC_PAD);
		fault_counted(rm, &rm->st.corrupt_pad);
		fault_set_fatal(rm, F_LEN_OR_PAD, 0);
	} else {
		/* Payload, flags word or the padding after the payload. */
		n = 1u + fault_rand32(rm) % 4u;
		for (i = 0; i < n; i++) {
			uint8_t *b = rec + 4u + fault_rand32(rm) % (recsz - 4u);

			*b = (uint8_t)(*b ^ (1u + fault_rand32(rm) % 255u));
		}
		fault_counted(rm, &rm->st.corrupt_r2h_data);
	}
}
