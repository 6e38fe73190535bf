// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-remote: the work done while the link is up, per --mode.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <string.h>

#include "remote.h"
#include "../cmshm_testmsg.h"

/* Ring Linux at least this often while a pass moves many messages. */
#define REMOTE_DB_BATCH		64u

/*
 * A late source never sends, and a late sink never consumes, more than this
 * many seconds' worth at once (--rate).
 */
#define REMOTE_MAX_CATCH_UP	1.0

/**
 * remote_random() - next value of the emulator's xorshift64 generator.
 * @rm: the emulator (@rm->rng nonzero).
 *
 * Return: a pseudo-random 64-bit value.
 */
uint64_t remote_random(struct remote *rm)
{
	uint64_t x = rm->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rm->rng = x;
	return x;
}

/**
 * remote_sink_reset() - forget the expected sequence (after a link reset).
 * @rm: the emulator.
 *
 * Messages in flight across a host restart are lost by design; the next
 * message received sets the new expectation, whatever its sequence.
 */
void remote_sink_reset(struct remote *rm)
{
	rm->sink_valid = 0;
	memset(rm->sink_seen, 0, sizeof(rm->sink_seen));
}

/* Mark @seq received (@on) or not in the sink's window. */
static void seen_set(struct remote *rm, uint32_t seq, int on)
{
	uint32_t i = seq % REMOTE_SINK_WINDOW;
	uint8_t bit = (uint8_t)(1u << (i % 8u));

	if (on)
		rm->sink_seen[i / 8u] |= bit;
	else
		rm->sink_seen[i / 8u] &= (uint8_t)~bit;
}

/* Was @seq received (within the sink's window)? */
static int seen_get(const struct remote *rm, uint32_t seq)
{
	uint32_t i = seq % REMOTE_SINK_WINDOW;

	return !!(rm->sink_seen[i / 8u] & (1u << (i % 8u)));
}

/*
 * Account one verified message with sequence @seq. A gap counts as lost;
 * a sequence behind the expectation is a duplicate if already received
 * (within the window), else reordered (and no longer lost).
 */
static void sink_account(struct remote *rm, uint32_t seq)
{
	uint32_t gap, back, s;

	if (!rm->sink_valid) {
		rm->sink_valid = 1;
		rm->sink_expect = seq;
	}
	gap = seq - rm->sink_expect;
	if (gap < 0x80000000u) {
		rm->st.sink_lost += gap;
		s = gap > REMOTE_SINK_WINDOW ? seq - REMOTE_SINK_WINDOW :
		    rm->sink_expect;
		for (; s != seq; s++)
			seen_set(rm, s, 0);
		seen_set(rm, seq, 1);
		rm->sink_expect = seq + 1u;
		rm->st.sink_ok++;
		return;
	}
	back = rm->sink_expect - seq;
	if (back <= REMOTE_SINK_WINDOW && seen_get(rm, seq)) {
		rm->st.sink_dup++;
		return;
	}
	rm->st.sink_reorder++;
	rm->st.sink_ok++;
	if (back <= REMOTE_SINK_WINDOW) {
		seen_set(rm, seq, 1);
		if (rm->st.sink_lost)
			rm->st.sink_lost--;
	}
}

/*
 * One more message moved in this pass: every REMOTE_DB_BATCH of them, ring
 * Linux for what is owed (the library holds the doorbells of a pass, see
 * remote_work()).
 */
static void batch(struct remote *rm, int *moved)
{
	if (++*moved % REMOTE_DB_BATCH)
		return;
	cmshm_remote_notify(&rm->ep);
	cmshm_remote_defer(&rm->ep);
}

/* @len, at most @max. */
static uint32_t clamp_len(uint32_t len, uint32_t max)
{
	return len > max ? max : len;
}

/*
 * Publish one message (cmshm_remote_send() with a hook): the fault phase
 * may damage the record between reservation and commit.
 */
static int tx_write(struct remote *rm, const void *buf, uint32_t len)
{
	uint32_t own = rm->ep.tx.own;
	void *slot;
	int err = cmshm_remote_reserve(&rm->ep, len, &slot);

	if (err)
		return err;
	memcpy(slot, buf, len);
	fault_record(rm, own, slot, len);
	cmshm_remote_commit(&rm->ep);
	return 0;
}

/*
 * A struct cmshm_app_cmd in range: reply with the application-area bytes it
 * names and store their complement there (see cmshm_testmsg.h). Returns
 * what tx_write() returned, or 1 if @msg is not such a command.
 */
static int app_cmd(struct remote *rm, const void *msg, uint32_t len)
{
	struct cmshm_app_cmd cmd;
	uint8_t *area, copy[CMSHM_APP_CMD_MAX];
	uint32_t i, app_size;
	int err;

	area = cmshm_remote_app(&rm->ep, &app_size);
	if (!cmshm_app_cmd_get(&cmd, msg, len, app_size))
		return 1;
	area += cmd.offset;
	memcpy(copy, area, cmd.length);
	err = tx_write(rm, copy, cmd.length);
	if (!err)
		for (i = 0; i < cmd.length; i++)
			area[i] = (uint8_t)~copy[i];
	return err;
}

/* Echo: read a message, write it back; a full tx ring leaves it queued. */
static void do_echo(struct remote *rm, int *moved)
{
	const void *p;
	uint32_t len;
	int err;

	for (;;) {
		err = cmshm_remote_peek(&rm->ep, &p, &len);
		if (err == -CMSHM_EAGAIN)
			return;
		if (err) {
			remote_data_error(rm, "h2r", err);
			return;
		}
		err = app_cmd(rm, p, len);
		if (err == 1)
			err = tx_write(rm, p, len);
		if (err == -CMSHM_EAGAIN) {
			rm->tx_blocked = 1;
			return;
		}
		if (err == -CMSHM_EMSGSIZE) {
			rm->st.echo_dropped++;
			remote_log(rm, 0,
				   "echo: %u-byte message exceeds the r2h maximum %u: dropped",
				   len, cmshm_remote_max_msg(&rm->ep));
		} else if (err) {
			remote_data_error(rm, "r2h", err);
			return;
		}
		if (!err) {
			rm->st.tx_msgs++;
			rm->st.tx_bytes += len;
		}
		if (!err && rm->st.tx_msgs == rm->opt.corrupt_head_after) {
			/* Misaligned: the host must refuse it. */
			cmshm_store32(rm->ep.tx.head, rm->ep.tx.own + 4u);
			rm->st.corruptions++;
			remote_log(rm, 1, "corrupted the r2h head");
		}
		cmshm_remote_release(&rm->ep);
		rm->st.rx_msgs++;
		rm->st.rx_bytes += len;
		batch(rm, moved);
	}
}

/*
 * The --rate schedule: message @n (counted from 0) is due at @t0 + @n /
 * rate; without --rate every message is due at once.
 */
static int rate_due(const struct remote *rm, double t0, uint64_t n,
		    double now)
{
	if (rm->opt.rate <= 0)
		return 1;
	return now >= t0 + (double)n / rm->opt.rate;
}

/*
 * More than @max_late seconds behind the schedule (@t0, @n as in
 * rate_due()) at @now: move @t0 so that message @n is due now, and the
 * earlier backlog is forgotten.
 */
static void rate_rebase(const struct remote *rm, double *t0, uint64_t n,
			double now, double max_late)
{
	if (rm->opt.rate > 0 && now - (*t0 + (double)n / rm->opt.rate) >
				max_late)
		*t0 = now - (double)n / rm->opt.rate;
}

/*
 * Sink: read, verify and account every queued message, or with --rate
 * those the schedule allows (@rm->st.rx_msgs consumed so far, from
 * @rm->sink_t0). A rate-limited sink looks at the ring only when its next
 * message is due: a look at an empty ring asks Linux for a doorbell
 * (cmshm_remote_peek() sets want-data), which a sink behind schedule does
 * not want. Once it found the ring empty it waits for that doorbell
 * (@rm->rx_waiting), and its schedule starts again from then: no credit
 * accrues while it waits.
 */
static void do_sink(struct remote *rm, int kicked, int *moved)
{
	const void *p;
	uint32_t len, seq = 0;
	double now = remote_now();
	int err;

	if (rm->opt.rate > 0) {
		if (rm->rx_waiting && !kicked)
			return;
		rm->rx_waiting = 0;
		rate_rebase(rm, &rm->sink_t0, rm->st.rx_msgs, now,
			    REMOTE_MAX_CATCH_UP);
	}
	while (!rm->done) {
		if (!rate_due(rm, rm->sink_t0, rm->st.rx_msgs, now))
			return;
		err = cmshm_remote_peek(&rm->ep, &p, &len);
		if (err == -CMSHM_EAGAIN) {
			rm->st.sink_empty++;
			rm->rx_waiting = rm->opt.rate > 0;
			rate_rebase(rm, &rm->sink_t0, rm->st.rx_msgs, now, 0);
			return;
		}
		if (err) {
			remote_data_error(rm, "h2r", err);
			return;
		}
		err = cmshm_testmsg_check(p, len, &seq);
		if (err == 1) {
			/* Too short to carry its number: the next one? */
			seq = rm->sink_valid ? rm->sink_expect : 0;
			err = cmshm_testmsg_match(p, len, seq) ? 0 : -1;
		}
		if (err) {
			rm->st.sink_corrupt++;
			remote_log(rm, 0, "sink: corrupt %u-byte message (seq field %u)",
				   len, seq);
		} else {
			sink_account(rm, seq);
		}
		cmshm_remote_release(&rm->ep);
		rm->st.rx_msgs++;
		rm->st.rx_bytes += len;
		batch(rm, moved);
		if (rm->opt.exit_after_count && rm->opt.mode == MODE_SINK &&
		    rm->st.sink_ok >= rm->opt.count)
			rm->done = 1;
		if (rm->opt.rate > 0)
			now = remote_now();
	}
}

/* May the source send without a doorbell at @now? */
static int source_due(const struct remote *rm, double now)
{
	if ((rm->opt.mode != MODE_SOURCE && rm->opt.mode != MODE_DUPLEX) ||
	    rm->tx_blocked)
		return 0;
	if (rm->opt.have_count && rm->src_seq >= rm->opt.count)
		return 0;
	return rate_due(rm, rm->src_t0, rm->src_seq, now);
}

/* May a rate-limited sink consume without a doorbell at @now? */
static int sink_due(const struct remote *rm, double now)
{
	if ((rm->opt.mode != MODE_SINK && rm->opt.mode != MODE_DUPLEX) ||
	    rm->opt.rate <= 0 || rm->rx_waiting)
		return 0;
	return rate_due(rm, rm->sink_t0, rm->st.rx_msgs, now);
}

/**
 * remote_due() - is there work to do now without a doorbell?
 * @rm: the emulator.
 *
 * Return: 1 if the link is up and either the source may send (messages
 * remain, the last write did not find the ring full, the rate schedule
 * allows the next one) or a sink with --rate may consume (its last look
 * did not find the ring empty, the schedule allows the next one); else 0.
 */
int remote_due(const struct remote *rm)
{
	double now;

	if (!cmshm_remote_up(&rm->ep))
		return 0;
	now = remote_now();
	return source_due(rm, now) || sink_due(rm, now);
}

/* Source: send what the schedule allows; then, with --exit-after-count,
 * finish once the host has consumed everything.
 */
static void do_source(struct remote *rm, int kicked, int *moved)
{
	uint32_t max = clamp_len(rm->opt.size_max,
				 cmshm_remote_max_msg(&rm->ep));
	uint32_t min = clamp_len(rm->opt.size_min, max);
	uint32_t len;
	int32_t queued;
	double now = remote_now();
	int err;

	if (rm->tx_blocked && !kicked)
		return;
	rm->tx_blocked = 0;
	rate_rebase(rm, &rm->src_t0, rm->src_seq, now, REMOTE_MAX_CATCH_UP);
	while (!rm->opt.have_count || rm->src_seq < rm->opt.count) {
		if (remote_stop || !rate_due(rm, rm->src_t0, rm->src_seq, now))
			return;
		len = cmshm_testmsg_size((uint32_t)remote_random(rm), min, max,
					 rm->opt.size_log);
		cmshm_testmsg_fill(rm->buf, len, (uint32_t)rm->src_seq);
		err = tx_write(rm, rm->buf, len);
		if (err == -CMSHM_EAGAIN) {
			rm->tx_blocked = 1;
			return;
		}
		if (err) {
			remote_data_error(rm, "r2h", err);
			return;
		}
		rm->src_seq++;
		rm->st.tx_msgs++;
		rm->st.tx_bytes += len;
		batch(rm, moved);
		if (rm->opt.rate > 0)
			now = remote_now();
	}
	if (!rm->opt.exit_after_count)
		return;
	queued = cmshm_remote_tx_queued(&rm->ep);
	if (queued < 0)
		remote_data_error(rm, "r2h", queued);
	else if (!queued &&
		 (rm->opt.mode != MODE_DUPLEX || rm->st.sink_ok >= rm->opt.count))
		rm->done = 1;
}

/**
 * remote_stalled() - inside a --stall window (no work, no doorbells)?
 * @rm: the emulator.
 *
 * Return: 1 during the first stall_ms of every stall_every_ms, else 0.
 */
int remote_stalled(const struct remote *rm)
{
	uint64_t ms;

	if (!rm->opt.stall_every_ms)
		return 0;
	ms = (uint64_t)(remote_now() * 1000.0);
	return ms % rm->opt.stall_every_ms < rm->opt.stall_ms;
}

/**
 * remote_work() - one pass of the mode's work; the link must be up.
 * @rm:     the emulator.
 * @kicked: nonzero if this pass follows a doorbell (or polling mode).
 *
 * Consumes and/or produces messages until nothing more can be done (or the
 * --rate schedule allows no more for now), then rings Linux once if
 * anything moved (space freed or messages queued),
 * besides the intermediate doorbells of a long pass: the library's
 * doorbells are deferred for the pass (cmshm_remote_defer()) and rung by
 * cmshm_remote_notify(). Does nothing while the fault phase waits for the
 * host to see a corrupted index.
 */
void remote_work(struct remote *rm, int kicked)
{
	int moved = 0;

	if (fault_frozen(rm))
		return;
	cmshm_remote_defer(&rm->ep);
	switch (rm->opt.mode) {
	case MODE_ECHO:
		if (rm->tx_blocked && !kicked)
			break;
		rm->tx_blocked = 0;
		do_echo(rm, &moved);
		break;
	case MODE_SINK:
		do_sink(rm, kicked, &moved);
		break;
	case MODE_SOURCE:
		do_source(rm, kicked, &moved);
		break;
	case MODE_DUPLEX:
		do_sink(rm, kicked, &moved);
		do_source(rm, kicked, &moved);
		break;
	case MODE_IDLE:
		break;
	}
	cmshm_remote_notify(&rm->ep);
}
