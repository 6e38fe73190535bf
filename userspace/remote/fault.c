// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-remote: the adversarial fault phase (--fault-corrupt, --fault-flood,
 * --fault-mute, --fault-seed, --fault-for).
 *
 * The phase starts at the first link up and lasts --fault-for seconds (or
 * until exit). Corruptions fall due at --fault-corrupt per second (a token
 * bucket) and are spent where the host reads next:
 *
 *   remote-owned (the host must validate them and fail closed):
 *     r2h head, h2r tail     after we published/freed, with a doorbell; no
 *                            ring work of ours until the host reacted (our
 *                            next store would heal the value)
 *     remote ctrl            state/session/ack held for 1 ms, then we
 *                            restart (our ctrl is ours to repair); the
 *                            reserved word is put back at the next wakeup
 *     records being published  len word (0, max+1, ring size, overrun,
 *                            shorter, random), pad markers (a pad where none
 *                            belongs, at position 0, or a damaged real pad),
 *                            payload/flags/padding bytes
 *     r2h data               random bytes in published, unconsumed data
 *   host-owned (the host never reads them back, so it must not care):
 *     header, host ctrl, h2r head, r2h tail, h2r data: changed with a
 *     compare-and-swap and put back (only if still ours) at the next
 *     wakeup, before this program reads any of them itself.
 *
 * At most one "fatal" corruption (one the host must detect) is outstanding
 * at a time: it is cleared when the indices restart (the host detected it
 * and restarted, or we restarted), or after 20 ms. Ring errors we see
 * while a corruption of ours may explain them are "fault_errors" (we
 * restart with a new session), not protocol errors.
 *
 * Values come from small sets of interesting ones: 0, all-ones,
 * misaligned, just past the ring size, just behind / ahead of the current
 * value, random.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/random.h>

#include "remote.h"

/* Seconds the host gets to react to a fatal corruption. */
#define FAULT_FATAL_TIMEOUT	0.020
/* Seconds our corrupted ctrl stays visible before we restart. */
#define FAULT_CTRL_HOLD		0.001
/* Most corruptions applied at one wakeup / reserved for records. */
#define FAULT_TOKEN_CAP		32.0
#define FAULT_REC_MAX		64u
/* Most flood doorbells at one wakeup. */
#define FAULT_FLOOD_BURST	64.0

enum fault_kind {
	F_NONE,
	F_R2H_HEAD,	/* fatal, remote-owned */
	F_H2R_TAIL,	/* fatal, remote-owned */
	F_CTRL,		/* remote ctrl word */
	F_RECORD,	/* the next published record (len, pad, bytes) */
	F_R2H_DATA,	/* bytes of published r2h data */
	F_HOST_HDR,	/* host-owned, transient */
	F_HOST_CTRL,
	F_H2R_HEAD,
	F_R2H_TAIL,
	F_H2R_DATA,
	F_NKINDS,
	F_LEN_OR_PAD = F_NKINDS,	/* a damaged published record */
};

/* Relative frequency of each kind when applicable. */
static const unsigned int fault_weight[F_NKINDS] = {
	[F_R2H_HEAD] = 8, [F_H2R_TAIL] = 8, [F_CTRL] = 6, [F_RECORD] = 60,
	[F_R2H_DATA] = 10, [F_HOST_HDR] = 3, [F_HOST_CTRL] = 3,
	[F_H2R_HEAD] = 3, [F_R2H_TAIL] = 3, [F_H2R_DATA] = 3,
};

static uint64_t frand(struct remote *rm)
{
	uint64_t x = rm->fault.rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rm->fault.rng = x;
	return x;
}

static uint32_t frand32(struct remote *rm)
{
	return (uint32_t)(frand(rm) >> 17);
}

/**
 * fault_configured() - does the command line ask for a fault phase?
 * @o: parsed options.
 *
 * Return: nonzero if any of --fault-corrupt, --fault-flood, --fault-mute
 * was given.
 */
int fault_configured(const struct remote_opts *o)
{
	return o->fault_rate > 0 || o->have_flood || o->fault_mute_ms;
}

/**
 * fault_init() - seed the fault generator (main, before the loop).
 * @rm: the emulator, options parsed.
 *
 * Without --fault-seed a random seed is chosen; either way it is stored in
 * @rm->opt.fault_seed so the summary shows it.
 */
void fault_init(struct remote *rm)
{
	uint64_t s = rm->opt.fault_seed;

	if (!rm->opt.have_seed &&
	    getrandom(&s, sizeof(s), 0) != (ssize_t)sizeof(s))
		s = remote_random(rm);
	rm->opt.fault_seed = s;
	rm->fault.rng = s ^ 0x2545f4914f6cdd1dull;
	if (!rm->fault.rng)
		rm->fault.rng = 0x9e3779b97f4a7c15ull;
}

/* A value for a free-running index whose honest value is @cur. */
static uint32_t index_value(struct remote *rm, uint32_t cur, uint32_t size)
{
	uint32_t v = cur;
	int i;

	for (i = 0; i < 4 && v == cur; i++) {
		switch (frand32(rm) % 9u) {
		case 0: v = 0; break;
		case 1: v = 0xffffffffu; break;
		case 2: v = cur + 4u; break;		/* misaligned */
		case 3: v = cur + 1u; break;
		case 4: v = cur + size + 8u; break;	/* past the ring size */
		case 5: v = cur - 8u; break;		/* behind the last value */
		case 6: v = cur + 8u; break;		/* ahead of what exists */
		case 7: v = frand32(rm) & ~7u; break;
		default: v = frand32(rm); break;
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
		switch (frand32(rm) % 7u) {
		case 0: v = 0; break;
		case 1: v = 0xffffffffu; break;
		case 2: v = cur + 1u; break;
		case 3: v = cur - 1u; break;
		case 4: v = cur ^ (1u << (frand32(rm) % 32u)); break;
		case 5: v = cur + 0x10000u; break;
		default: v = frand32(rm); break;
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
	uint32_t v = set[frand32(rm) % (sizeof(set) / sizeof(set[0]))];

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
			v = index_value(rm, cur, size);
		else
			v = word_value(rm, cur);
		if (v && v != cur && v != CMSHM_STATE_OFFLINE &&
		    v != CMSHM_STATE_READY && v != rm->link.session)
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

static int host8(struct remote *rm, uint8_t *p)
{
	struct fault_restore *r;
	uint8_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
	uint8_t bad = (uint8_t)(cur ^ (1u + frand32(rm) % 255u));

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

/* Put back every host-owned location that still holds our value (LIFO). */
static void restore_host(struct remote *rm)
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

static void counted(struct remote *rm, uint64_t *kind)
{
	rm->st.corruptions++;
	(*kind)++;
	rm->fault.tainted = 1;
}

static void set_fatal(struct remote *rm, int kind, int freeze)
{
	rm->fault.fatal = kind;
	rm->fault.fatal_at = remote_now();
	rm->fault.frozen = freeze;
}

static int can_publish(const struct remote *rm)
{
	return rm->opt.mode == MODE_ECHO || rm->opt.mode == MODE_SOURCE;
}

static int applicable(const struct remote *rm, int kind)
{
	const struct remote_fault *f = &rm->fault;
	int room = f->n_restore < FAULT_RESTORE_MAX && rm->have_geom;

	switch (kind) {
	case F_R2H_HEAD:
	case F_H2R_TAIL:
	case F_CTRL:
		return rm->link.up && !f->fatal && !f->ctrl_fix_at;
	case F_RECORD:
		return rm->link.up && can_publish(rm) &&
		       f->rec_wanted < FAULT_REC_MAX;
	case F_R2H_DATA:
		return rm->link.up && f->r2h_used;
	case F_H2R_DATA:
		return room && rm->link.up && f->h2r_used;
	default:
		return room;
	}
}

static int pick_kind(struct remote *rm)
{
	unsigned int total = 0, r;
	int k;

	for (k = F_NONE + 1; k < F_NKINDS; k++)
		if (applicable(rm, k))
			total += fault_weight[k];
	if (!total)
		return F_NONE;
	r = frand32(rm) % total;
	for (k = F_NONE + 1; k < F_NKINDS; k++) {
		if (!applicable(rm, k))
			continue;
		if (r < fault_weight[k])
			return k;
		r -= fault_weight[k];
	}
	return F_NONE;
}

/* Bytes of published r2h data not yet consumed: corrupt one of them. */
static void corrupt_r2h_data(struct remote *rm)
{
	struct cmshm_ring *tx = &rm->tx;
	uint32_t used = rm->fault.r2h_used;
	uint8_t *p;

	p = tx->data + ((tx->own - used + frand32(rm) % used) & (tx->size - 1u));
	*p = (uint8_t)(*p ^ (1u + frand32(rm) % 255u));
	counted(rm, &rm->st.corrupt_r2h_data);
}

static void corrupt_ctrl(struct remote *rm)
{
	struct cmshm_ctrl *c = rm->link.own;
	uint32_t w = frand32(rm) % 4u;

	switch (w) {
	case 0:
		cmshm_store32(&c->state, state_value(rm, cmshm_load32(&c->state)));
		break;
	case 1:
		cmshm_store32(&c->session,
			      frand32(rm) & 1u ? rm->link.acked :
			      word_value(rm, rm->link.session));
		break;
	case 2:
		cmshm_store32(&c->ack, word_value(rm, rm->link.acked));
		break;
	default:
		/* Ignored by the reader: put back at the next wakeup. */
		cmshm_store32(&c->reserved, 1u + frand32(rm));
		rm->fault.reserved_fix = 1;
		counted(rm, &rm->st.corrupt_remote_ctrl);
		return;
	}
	counted(rm, &rm->st.corrupt_remote_ctrl);
	set_fatal(rm, F_CTRL, 0);
	rm->fault.ctrl_fix_at = remote_now() + FAULT_CTRL_HOLD;
}

/* Host-owned kinds; returns 1 if applied. */
static int corrupt_host(struct remote *rm, int kind)
{
	struct cmshm_header *h = (struct cmshm_header *)rm->base;
	uint32_t *w, i, used;
	uint8_t *d;
	int done;

	switch (kind) {
	case F_HOST_HDR:
		/* Every word before the host ctrl. */
		i = frand32(rm) % (uint32_t)(offsetof(struct cmshm_header, host) / 4u);
		w = (uint32_t *)h + i;
		done = host32(rm, w, host_value(rm, w, cmshm_load32(w), 0));
		break;
	case F_HOST_CTRL:
		w = (uint32_t *)&h->host + frand32(rm) % 4u;
		done = host32(rm, w, host_value(rm, w, cmshm_load32(w), 0));
		break;
	case F_H2R_HEAD:
		w = rm->rx.head;
		done = host32(rm, w, host_value(rm, w, cmshm_load32(w),
						rm->rx.size));
		break;
	case F_R2H_TAIL:
		w = rm->tx.tail;
		done = host32(rm, w, host_value(rm, w, cmshm_load32(w),
						rm->tx.size));
		break;
	default:
		/*
		 * Only published data we have not consumed: the host does not
		 * store there until we consume it, and we put it back first.
		 */
		used = rm->fault.h2r_used;
		d = rm->rx.data + ((rm->rx.own + frand32(rm) % used) &
				   (rm->rx.size - 1u));
		done = host8(rm, d);
		break;
	}
	if (done)
		counted(rm, &rm->st.corrupt_host);
	return done;
}

/**
 * fault_record() - maybe corrupt the record about to be published.
 * @rm:      the emulator, link up.
 * @own:     r2h head before the reservation (where a pad would be).
 * @payload: the reserved payload, already filled.
 * @len:     its length.
 *
 * Called by the producer between cmshm_ring_reserve() and
 * cmshm_ring_commit(), so the host reads the damage with the record.
 * Uses a corruption reserved by the fault phase, if any: the len word, a
 * pad marker, or payload/flags/padding bytes (only the latter while
 * another fatal corruption is outstanding).
 */
void fault_record(struct remote *rm, uint32_t own, void *payload, uint32_t len)
{
	struct cmshm_ring *tx = &rm->tx;
	uint8_t *rec = (uint8_t *)payload - CMSHM_REC_HDR_SIZE;
	uint32_t *word = (uint32_t *)rec;
	uint32_t pos = (uint32_t)(rec - tx->data);
	uint32_t pad_pos = own & (tx->size - 1u);
	uint32_t recsz = cmshm_rec_size(len), v, r, i, n;
	int padded = pos == 0 && pad_pos != 0;

	if (rm->fault.phase != 1 || !rm->fault.rec_wanted)
		return;
	rm->fault.rec_wanted--;
	r = rm->fault.fatal ? 60u + frand32(rm) % 40u : frand32(rm) % 100u;
	if (r < 40) {
		switch (frand32(rm) % 8u) {
		case 0: v = 0; break;
		case 1: v = tx->max_msg + 1u; break;
		case 2: v = tx->size; break;
		case 3: v = len + 8u; break;			/* overruns */
		case 4: v = len > 1 ? len - 1u : 2u; break;	/* shorter */
		case 5: v = tx->size - pos - 7u; break;		/* past the end */
		case 6: v = 0xfffffffeu; break;
		default: v = frand32(rm); break;
		}
		cmshm_store32(word, v);
		counted(rm, &rm->st.corrupt_len);
		set_fatal(rm, F_LEN_OR_PAD, 0);
	} else if (r < 60) {
		if (padded && frand32(rm) % 2u)
			/* Damage the real pad marker. */
			cmshm_store32((uint32_t *)(tx->data + pad_pos),
				      frand32(rm) % 2u ? frand32(rm) % 64u :
				      frand32(rm));
		else
			/* A pad where none belongs (at 0: never valid). */
			cmshm_store32(word, CMSHM_REC_PAD);
		counted(rm, &rm->st.corrupt_pad);
		set_fatal(rm, F_LEN_OR_PAD, 0);
	} else {
		/* Payload, flags word or the padding after the payload. */
		n = 1u + frand32(rm) % 4u;
		for (i = 0; i < n; i++) {
			uint8_t *b = rec + 4u + frand32(rm) % (recsz - 4u);

			*b = (uint8_t)(*b ^ (1u + frand32(rm) % 255u));
		}
		counted(rm, &rm->st.corrupt_r2h_data);
	}
}

/* The phase is over: repair what is ours, restart cleanly, be honest. */
static void end_phase(struct remote *rm)
{
	struct remote_fault *f = &rm->fault;

	restore_host(rm);
	f->phase = 2;
	f->muted = 0;
	f->tokens = 0;
	f->rec_wanted = 0;
	remote_log(rm, 1, "fault phase over after %.1f s: %llu corruptions",
		   remote_now() - f->t_start,
		   (unsigned long long)rm->st.corruptions);
	if (rm->started) {
		rm->st.fault_restarts++;
		remote_link_restart(rm);
	}
	f->tainted = 0;
	f->fatal = 0;
	f->frozen = 0;
	f->ctrl_fix_at = 0;
	f->reserved_fix = 0;
}

/* Active time before the next silent period: 2..6 times its length. */
static double active_time(struct remote *rm)
{
	return rm->opt.fault_mute_ms * (2.0 + (double)(frand32(rm) % 4001u) / 1000.0) / 1e3;
}

/**
 * fault_begin() - start of a main-loop wakeup.
 * @rm: the emulator.
 *
 * Puts back the host-owned words corrupted at the previous wakeup (before
 * anything here reads them), starts the phase at the first link up, ends
 * it after --fault-for, handles the silent periods, gives up on a fatal
 * corruption the host did not react to, restarts to repair our corrupted
 * control block, and accrues corruptions and flood doorbells.
 *
 * Return: 1 while silent (look at nothing, answer nothing), else 0.
 */
int fault_begin(struct remote *rm)
{
	struct remote_fault *f = &rm->fault;
	double now = remote_now(), dt;

	restore_host(rm);
	if (f->reserved_fix && rm->link.own) {
		cmshm_store32(&rm->link.own->reserved, 0);
		f->reserved_fix = 0;
	}
	if (f->phase == 0) {
		if (!fault_configured(&rm->opt) || !rm->link.up)
			return 0;
		f->phase = 1;
		f->t_start = now;
		f->t_last = now;
		f->mute_edge = now + active_time(rm);
		remote_log(rm, 1, "fault phase: %.0f corruptions/s, seed %#llx",
			   rm->opt.fault_rate,
			   (unsigned long long)rm->opt.fault_seed);
	}
	if (f->phase != 1)
		return 0;
	if (rm->opt.fault_for > 0 && now >= f->t_start + rm->opt.fault_for) {
		end_phase(rm);
		return 0;
	}
	if (rm->opt.fault_mute_ms) {
		if (!f->muted && now >= f->mute_edge) {
			f->muted = 1;
			f->mute_edge = now + rm->opt.fault_mute_ms / 1e3;
			rm->st.mutes++;
		} else if (f->muted && now >= f->mute_edge) {
			f->muted = 0;
			f->mute_edge = now + active_time(rm);
		}
		if (f->muted) {
			f->t_last = now;
			return 1;
		}
	}
	if (f->fatal && now - f->fatal_at > FAULT_FATAL_TIMEOUT) {
		f->fatal = 0;
		f->frozen = 0;
	}
	if (f->ctrl_fix_at && now >= f->ctrl_fix_at && rm->started) {
		rm->st.fault_restarts++;
		remote_link_restart(rm);
	}
	dt = now - f->t_last;
	f->t_last = now;
	f->tokens += rm->opt.fault_rate * dt;
	if (f->tokens > FAULT_TOKEN_CAP)
		f->tokens = FAULT_TOKEN_CAP;
	if (rm->opt.have_flood && rm->opt.fault_flood > 0) {
		f->flood_tokens += rm->opt.fault_flood * dt;
		if (f->flood_tokens > FAULT_FLOOD_BURST)
			f->flood_tokens = FAULT_FLOOD_BURST;
	}
	return 0;
}

/**
 * fault_end() - end of a main-loop wakeup (not silent): apply the
 * corruptions due and flood.
 * @rm: the emulator.
 *
 * Rings Linux once after corrupting something the host must look at, so
 * sleeping readers and writers look at it now.
 */
void fault_end(struct remote *rm)
{
	struct remote_fault *f = &rm->fault;
	int kind, ring = 0;

	if (f->phase != 1 || f->muted)
		return;
	/* Before this batch changes any of the indices. */
	f->h2r_used = 0;
	f->r2h_used = 0;
	if (rm->link.up) {
		f->h2r_used = cmshm_load32(rm->rx.head) - rm->rx.own;
		f->r2h_used = rm->tx.own - cmshm_load32(rm->tx.tail);
		if (f->h2r_used > rm->rx.size)
			f->h2r_used = 0;
		if (f->r2h_used > rm->tx.size)
			f->r2h_used = 0;
	}
	while (f->tokens >= 1.0) {
		kind = pick_kind(rm);
		if (kind == F_NONE)
			break;
		f->tokens -= 1.0;
		switch (kind) {
		case F_RECORD:
			f->rec_wanted++;	/* counted when applied */
			break;
		case F_R2H_HEAD:
			cmshm_store32(rm->tx.head,
				      index_value(rm, rm->tx.own, rm->tx.size));
			counted(rm, &rm->st.corrupt_r2h_head);
			set_fatal(rm, F_R2H_HEAD, 1);
			ring = 1;
			break;
		case F_H2R_TAIL:
			cmshm_store32(rm->rx.tail,
				      index_value(rm, rm->rx.own, rm->rx.size));
			counted(rm, &rm->st.corrupt_h2r_tail);
			set_fatal(rm, F_H2R_TAIL, 1);
			ring = 1;
			break;
		case F_CTRL:
			corrupt_ctrl(rm);
			ring = 1;
			break;
		case F_R2H_DATA:
			corrupt_r2h_data(rm);
			ring = 1;
			break;
		default:
			corrupt_host(rm, kind);
			break;
		}
	}
	if (ring)
		remote_ring(rm);
	if (!rm->opt.have_flood)
		return;
	if (rm->opt.fault_flood <= 0) {
		remote_ring(rm);
		rm->st.flood_db++;
		return;
	}
	while (f->flood_tokens >= 1.0) {
		f->flood_tokens -= 1.0;
		remote_ring(rm);
		rm->st.flood_db++;
	}
}

/**
 * fault_active() - is the fault phase running?
 * @rm: the emulator.
 *
 * Return: nonzero during the phase (the main loop then looks at the region
 * at every wakeup, doorbell or not).
 */
int fault_active(const struct remote *rm)
{
	return rm->fault.phase == 1;
}

/**
 * fault_frozen() - must ring work wait (an index corruption outstanding)?
 * @rm: the emulator.
 *
 * Return: nonzero while our next publish or release would overwrite a
 * corrupted index before the host looked at it.
 */
int fault_frozen(const struct remote *rm)
{
	return rm->fault.phase == 1 && rm->fault.frozen;
}

/**
 * fault_tainted() - may a ring error be caused by our own corruptions?
 * @rm: the emulator.
 *
 * Return: nonzero if a corruption was applied since the ring indices last
 * restarted (or our control block is still corrupted).
 */
int fault_tainted(const struct remote *rm)
{
	return rm->fault.tainted;
}

/**
 * fault_on_reset() - the ring indices restarted.
 * @rm:          the emulator.
 * @own_restart: 1 after cmshm_link_start() (our ctrl is clean again), 0
 *               after acknowledging a new host session.
 *
 * The outstanding fatal corruption is resolved; nothing corrupted before
 * can reach a ring call any more, unless our control block is still
 * corrupted (then the taint stays until we restart).
 */
void fault_on_reset(struct remote *rm, int own_restart)
{
	struct remote_fault *f = &rm->fault;

	f->fatal = 0;
	f->frozen = 0;
	if (own_restart) {
		f->ctrl_fix_at = 0;
		f->reserved_fix = 0;
	}
	if (!f->ctrl_fix_at)
		f->tainted = 0;
}

/**
 * fault_finish() - on exit: put back the host-owned words still corrupted.
 * @rm: the emulator.
 */
void fault_finish(struct remote *rm)
{
	restore_host(rm);
}
