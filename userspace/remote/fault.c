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

#include "fault.h"

/*
 * Seconds the host gets to react to a fatal corruption. A corrupted index
 * is loaded only when the host's cached copy is used up (its writers
 * filled the room our last tail left, its readers consumed the records up
 * to our last head), which our frozen ring work makes happen, not always
 * within this time: the index corruptions it gives up on are counted
 * (idx_expired). A longer time does not help: it lets fewer index
 * corruptions be applied, and fewer are detected.
 */
#define FAULT_FATAL_TIMEOUT	0.020
/* Most corruptions applied at one wakeup / reserved for records. */
#define FAULT_TOKEN_CAP		32.0
#define FAULT_REC_MAX		64u
/* Most flood doorbells at one wakeup. */
#define FAULT_FLOOD_BURST	64.0

static const unsigned int fault_weight[F_NKINDS] = {
	[F_R2H_HEAD] = 8, [F_H2R_TAIL] = 8, [F_CTRL] = 6, [F_RECORD] = 60,
	[F_R2H_DATA] = 10, [F_HOST_HDR] = 3, [F_HOST_CTRL] = 3,
	[F_H2R_HEAD] = 3, [F_R2H_TAIL] = 3, [F_H2R_DATA] = 3,
};

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

/* Does this mode publish records of its own (record corruptions)? */
static int can_publish(const struct remote *rm)
{
	return rm->opt.mode == MODE_ECHO || rm->opt.mode == MODE_SOURCE;
}

/* May a corruption of @kind be applied now? */
static int applicable(const struct remote *rm, int kind)
{
	const struct remote_fault *f = &rm->fault;
	int room = f->n_restore < FAULT_RESTORE_MAX && rm->ep.geom_ok;

	switch (kind) {
	case F_R2H_HEAD:
	case F_H2R_TAIL:
	case F_CTRL:
		return cmshm_remote_up(&rm->ep) && !f->fatal && !f->ctrl_fix_at;
	case F_RECORD:
		return cmshm_remote_up(&rm->ep) && can_publish(rm) &&
		       f->rec_wanted < FAULT_REC_MAX;
	case F_R2H_DATA:
		return cmshm_remote_up(&rm->ep) && f->r2h_used;
	case F_H2R_DATA:
		return room && cmshm_remote_up(&rm->ep) && f->h2r_used;
	default:
		return room;
	}
}

/* A random applicable kind, by fault_weight[]; F_NONE if there is none. */
static int pick_kind(struct remote *rm)
{
	unsigned int total = 0, r;
	int k;

	for (k = F_NONE + 1; k < F_NKINDS; k++)
		if (applicable(rm, k))
			total += fault_weight[k];
	if (!total)
		return F_NONE;
	r = fault_rand32(rm) % total;
	for (k = F_NONE + 1; k < F_NKINDS; k++) {
		if (!applicable(rm, k))
			continue;
		if (r < fault_weight[k])
			return k;
		r -= fault_weight[k];
	}
	return F_NONE;
}

/* The phase is over: repair what is ours, restart cleanly, be honest. */
static void end_phase(struct remote *rm)
{
	struct remote_fault *f = &rm->fault;

	fault_restore_host(rm);
	f->phase = 2;
	f->muted = 0;
	f->tokens = 0;
	f->rec_wanted = 0;
	remote_log(rm, 1, "fault phase over after %.1f s: %llu corruptions",
		   remote_now() - f->t_start,
		   (unsigned long long)rm->st.corruptions);
	if (rm->ep.geom_ok) {
		rm->st.fault_restarts++;
		remote_link_restart(rm);
	}
	f->tainted = 0;
	f->fatal = 0;
	f->frozen = 0;
	f->ctrl_fix_at = 0;
	f->features_fix = 0;
}

/* Active time before the next silent period: 2..6 times its length. */
static double active_time(struct remote *rm)
{
	return rm->opt.fault_mute_ms * (2.0 + (double)(fault_rand32(rm) % 4001u) / 1000.0) / 1e3;
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

	fault_restore_host(rm);
	if (f->features_fix && rm->ep.link.own) {
		cmshm_store32(&rm->ep.link.own->features, CMSHM_FEATURES);
		f->features_fix = 0;
	}
	if (f->phase == 0) {
		if (!fault_configured(&rm->opt) || !cmshm_remote_up(&rm->ep))
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
		if (f->frozen)
			rm->st.idx_expired++;
		f->fatal = 0;
		f->frozen = 0;
	}
	if (f->ctrl_fix_at && now >= f->ctrl_fix_at && rm->ep.geom_ok) {
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
	if (cmshm_remote_up(&rm->ep)) {
		f->h2r_used = cmshm_load32(rm->ep.rx.head) - rm->ep.rx.own;
		f->r2h_used = rm->ep.tx.own - cmshm_load32(rm->ep.tx.tail);
		if (f->h2r_used > rm->ep.rx.size)
			f->h2r_used = 0;
		if (f->r2h_used > rm->ep.tx.size)
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
			cmshm_store32(rm->ep.tx.head,
				      fault_index_value(rm, rm->ep.tx.own, rm->ep.tx.size));
			fault_counted(rm, &rm->st.corrupt_r2h_head);
			fault_set_fatal(rm, F_R2H_HEAD, 1);
			ring = 1;
			break;
		case F_H2R_TAIL:
			cmshm_store32(rm->ep.rx.tail,
				      fault_index_value(rm, rm->ep.rx.own, rm->ep.rx.size));
			fault_counted(rm, &rm->st.corrupt_h2r_tail);
			fault_set_fatal(rm, F_H2R_TAIL, 1);
			ring = 1;
			break;
		case F_CTRL:
			fault_corrupt_ctrl(rm);
			ring = 1;
			break;
		case F_R2H_DATA:
			fault_corrupt_r2h_data(rm);
			ring = 1;
			break;
		default:
			fault_corrupt_host(rm, kind);
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
 * @own_restart: 1 after a restart of our side (a new session of ours: our
 *               ctrl is clean again), 0 after the library acknowledged a
 *               new host session.
 *
 * Called by remote_sync(), which sees the library's resets as changes of
 * @rm->ep.link.session and @rm->ep.link.acked.
 *
 * The outstanding fatal corruption is resolved; nothing corrupted before
 * can reach a ring call any more, unless our control block is still
 * corrupted (then the taint stays until we restart).
 */
void fault_on_reset(struct remote *rm, int own_restart)
{
	struct remote_fault *f = &rm->fault;

	if (f->frozen)
		rm->st.idx_detected++;
	f->fatal = 0;
	f->frozen = 0;
	if (own_restart) {
		f->ctrl_fix_at = 0;
		f->features_fix = 0;
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
	fault_restore_host(rm);
}
