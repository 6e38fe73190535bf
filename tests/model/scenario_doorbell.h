/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Replicas of the Linux driver's doorbell and wake-up sequences around the
 * rings. The driver is kernel C and is not compiled here: each scenario
 * repeats its statements in the driver's order, with the driver's
 * orderings, and check-driver-sequences.sh fails when the driver text they
 * copy changes. The rings themselves are the real include/cmshm/ code.
 *
 *   doorbell_coalesced: driver/cmshm_doorbell.c cmshm_kick(),
 *       cmshm_doorbell_run(), cmshm_doorbell_send(), cmshm_doorbell_done()
 *       and cmshm_mbox_tx_done(). Thread 0 (host, under cmshm->lock in
 *       cmshm_write()) commits message 1 and kicks, then message 2 and
 *       kicks again; thread 2 (another host CPU) runs the tx-done callback
 *       of every doorbell sent, which sends the one a coalesced kick
 *       (AGAIN) left owed; thread 1 (remote) reads the doorbell register,
 *       cmshm_rmb()s and drains h2r, until it has seen the final count.
 *       Property: having seen the final doorbell, the remote has both
 *       messages (and db_state ends IDLE): no message is published
 *       without a doorbell sent after it is visible.
 *   wake_no_miss: driver/cmshm_doorbell.c cmshm_wake() (from cmshm_mbox_rx())
 *       and driver/cmshm_fops.c cmshm_io_begin() / cmshm_wait(). Thread 1
 *       (remote) commits one r2h message, cmshm_mb()s and rings; thread 2
 *       (host IRQ) takes the doorbell and bumps wake_seq; thread 0 (host
 *       reader) samples wake_seq, takes cmshm->lock and peeks r2h.
 *       Property: a reader that finds r2h empty sampled wake_seq before
 *       the wake-up, so wait_event(wake_seq != seq) returns.
 *
 * The driver's orderings, as macros a mutant build flips (mutate.sh):
 *   MODEL_DB_MB_BEFORE_SEND  1: mb() before mbox_send_message(); 0 as at
 *                            fec8b60 (no barrier before the doorbell).
 *   MODEL_DB_KICK_ORDER      order of cmshm_kick()'s atomic_try_cmpxchg()
 *                            (fully ordered: seq_cst).
 *   MODEL_DB_DONE_ORDER      order of cmshm_doorbell_done()'s successful
 *                            atomic_cmpxchg() and its atomic_xchg().
 *   MODEL_WAKE_MB_BEFORE_INC 1: smp_mb__before_atomic() before
 *                            atomic_inc(&wake_seq); 0 as at fec8b60.
 *   MODEL_WAKE_SAMPLE_ORDER  order of cmshm_io_begin()'s first wake_seq
 *                            load: acquire; rl::mo_relaxed as at fec8b60.
 *
 * A doorbell register write is a relaxed RMW of a counter (the remote's
 * count of doorbells): stm32-ipcc writes it with writel_relaxed(), omap
 * with __raw_writel(), neither orders earlier stores. The ends of the
 * mailbox (the register read in an interrupt handler, the controller's
 * tx-done interrupt and the framework's channel lock) are acquire fences.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_SCENARIO_DOORBELL_H
#define CMSHM_SCENARIO_DOORBELL_H

#include "model_common.h"

#ifndef MODEL_DB_MB_BEFORE_SEND
#define MODEL_DB_MB_BEFORE_SEND	1
#endif
#ifndef MODEL_DB_KICK_ORDER
#define MODEL_DB_KICK_ORDER	rl::mo_seq_cst
#endif
#ifndef MODEL_DB_DONE_ORDER
#define MODEL_DB_DONE_ORDER	rl::mo_seq_cst
#endif
#ifndef MODEL_WAKE_MB_BEFORE_INC
#define MODEL_WAKE_MB_BEFORE_INC	1
#endif
#ifndef MODEL_WAKE_SAMPLE_ORDER
#define MODEL_WAKE_SAMPLE_ORDER	rl::mo_acquire
#endif

/* driver/cmshm.h: values of cmshm_dev.db_state. */
#define MODEL_DB_IDLE	0u
#define MODEL_DB_BUSY	1u
#define MODEL_DB_AGAIN	2u

#define MODEL_DB_HOST	0u	/* the writer (cmshm_write()) */
#define MODEL_DB_REMOTE	1u	/* the remote: doorbell, then h2r */
#define MODEL_DB_TXDONE	2u	/* the CPU of the tx-done callback */

struct doorbell_coalesced : rl::test_suite<doorbell_coalesced, 3> {
	struct model_world m;
	rl::atomic<uint32_t> db_state;	/* cmshm_dev.db_state */
	rl::atomic<uint32_t> db;	/* doorbells the remote latched */
	rl::atomic<uint32_t> host_done;	/* model only: both kicks returned */
	rl::atomic<uint32_t> txdone_fin; /* model only: tx done stopped */
	uint32_t seen;		/* remote: doorbell count it last saw */
	uint32_t got;		/* remote: messages drained */

	void before()
	{
		m.init(MODEL_GARBAGE);
		m.zero_indices();
		db_state.store(MODEL_DB_IDLE, rl::mo_relaxed, $);
		db.store(0, rl::mo_relaxed, $);
		host_done.store(0, rl::mo_relaxed, $);
		txdone_fin.store(0, rl::mo_relaxed, $);
		seen = 0;
		got = 0;
	}

	/*
	 * cmshm_doorbell_send(): the mb() orders what this CPU stored or
	 * observed (a coalesced kicker's commit, read through db_state's
	 * RMWs: cumulativity) before the register write; it pairs with the
	 * remote's cmshm_rmb() after it reads the doorbell.
	 */
	void send()
	{
		if (MODEL_DB_MB_BEFORE_SEND)
			rl::atomic_thread_fence(rl::mo_seq_cst, $);
		db.fetch_add(1, rl::mo_relaxed, $);	/* writel_relaxed() */
	}

	/*
	 * cmshm_doorbell_done(): true if a kick came since (AGAIN) and this
	 * CPU owns db_state again. The xchg reads the kicker's RMW; its full
	 * ordering (and the next send()'s mb()) acquires the kicker's commit.
	 * A failed cmpxchg is unordered, as in the LKMM.
	 */
	bool done()
	{
		uint32_t old = MODEL_DB_BUSY;

		if (db_state.compare_exchange_strong(old, MODEL_DB_IDLE,
						     MODEL_DB_DONE_ORDER, $,
						     rl::mo_relaxed, $))
			return false;
		db_state.exchange(MODEL_DB_BUSY, MODEL_DB_DONE_ORDER, $);
		return true;
	}

	/*
	 * cmshm_kick() with a controller that reports tx done by interrupt:
	 * cmshm_doorbell_run() sends one and returns. The fully ordered
	 * try_cmpxchg is a release of the commit before it, also when it
	 * only marks AGAIN and another CPU's doorbell covers the message.
	 */
	void kick()
	{
		uint32_t old = db_state.load(rl::mo_relaxed, $), new_state;

		do {
			new_state = old == MODEL_DB_IDLE ? MODEL_DB_BUSY :
				    MODEL_DB_AGAIN;
		} while (!db_state.compare_exchange_strong(old, new_state,
							   MODEL_DB_KICK_ORDER,
							   $, rl::mo_relaxed,
							   $));
		if (old != MODEL_DB_IDLE)
			return;		/* coalesced */
		send();
	}

	/* cmshm_write(): commit (wmb, head store), then cmshm_kick(). */
	void host()
	{
		uint32_t seq;

		for (seq = 1; seq <= 2; seq++) {
			MODEL_CHECK(!model_send(&m.tx[MODEL_HOST], seq),
				    "writer: h2r full or protocol error");
			kick();
		}
		host_done.store(1, rl::mo_relaxed, $);
	}

	/*
	 * cmshm_mbox_tx_done() for every doorbell sent, in order (one is in
	 * flight at a time). The tx-done interrupt follows the send; the
	 * framework's channel lock orders them: an acquire fence. Stops when
	 * the host returned and no doorbell is in flight (model only: the
	 * relaxed RMWs read the latest values without ordering anything).
	 */
	void txdone()
	{
		uint32_t completed = 0;

		for (;;) {
			if (db.load(rl::mo_relaxed, $) == completed) {
				if (host_done.fetch_add(0, rl::mo_relaxed, $) &&
				    db.fetch_add(0, rl::mo_relaxed, $) ==
				    completed)
					break;
				model_pause();
				continue;
			}
			rl::atomic_thread_fence(rl::mo_acquire, $);
			completed++;
			if (done())
				send();	/* cmshm_doorbell_run() */
		}
		txdone_fin.store(1, rl::mo_relaxed, $);
	}

	/*
	 * The remote's doorbell handler: read the latched count, read
	 * barrier (pairs with send()'s mb()), drain h2r. Stops with both
	 * messages, or once tx done stopped and it has seen the final count
	 * (model only, as above).
	 */
	void remote()
	{
		uint32_t d, s;

		for (;;) {
			d = db.load(rl::mo_relaxed, $);
			if (d == seen) {
				if (got == 2u ||
				    (txdone_fin.fetch_add(0, rl::mo_relaxed, $) &&
				     db.fetch_add(0, rl::mo_relaxed, $) == seen))
					break;
				model_pause();
				continue;
			}
			cmshm_rmb();
			while (!model_recv(&m.rx[MODEL_DB_REMOTE], &s)) {
				model_check_next(got, s);
				got++;
			}
			seen = d;
		}
	}

	void thread(unsigned t)
	{
		if (t == MODEL_DB_HOST)
			host();
		else if (t == MODEL_DB_REMOTE)
			remote();
		else
			txdone();
	}

	void after()
	{
		MODEL_CHECK(db_state.load(rl::mo_relaxed, $) == MODEL_DB_IDLE,
			    "a doorbell is still owed at the end");
		MODEL_CHECK(got == 2u,
			    "remote saw the final doorbell, not the last message");
	}
};

#define MODEL_WAKE_READER	0u	/* cmshm_read() */
#define MODEL_WAKE_REMOTE	1u
#define MODEL_WAKE_IRQ		2u	/* cmshm_mbox_rx() */

struct wake_no_miss : rl::test_suite<wake_no_miss, 3> {
	struct model_world m;
	rl::atomic<uint32_t> db;	/* the host's doorbell register */
	rl::atomic<uint32_t> wake_seq;	/* cmshm_dev.wake_seq */
	rl::atomic<uint32_t> lock;	/* cmshm_dev.lock (the reader's) */
	uint32_t seq;		/* reader: its sample of wake_seq */
	int found;		/* reader: r2h held the message */

	void before()
	{
		m.init(MODEL_GARBAGE);
		m.zero_indices();
		db.store(0, rl::mo_relaxed, $);
		wake_seq.store(0, rl::mo_relaxed, $);
		lock.store(0, rl::mo_relaxed, $);
		seq = 0;
		found = 0;
	}

	/* The remote's send: commit, barrier before the doorbell, ring. */
	void remote()
	{
		MODEL_CHECK(!model_send(&m.tx[MODEL_REMOTE], 1),
			    "remote: r2h full or protocol error");
		cmshm_mb();
		db.store(1, rl::mo_relaxed, $);
	}

	/*
	 * The doorbell interrupt: the handler's status read (readl()) orders
	 * later accesses, then cmshm_wake(): smp_mb__before_atomic() makes
	 * the unordered atomic_inc() a release of what this CPU observed
	 * (the remote's commit), paired with cmshm_io_begin()'s acquire.
	 */
	void irq()
	{
		while (!db.load(rl::mo_relaxed, $))
			model_pause();
		rl::atomic_thread_fence(rl::mo_acquire, $);
		if (MODEL_WAKE_MB_BEFORE_INC)
			rl::atomic_thread_fence(rl::mo_seq_cst, $);
		wake_seq.fetch_add(1, rl::mo_relaxed, $);
	}

	/*
	 * cmshm_io_begin() for read(): sample wake_seq (acquire: the ring
	 * loads below cannot be satisfied before it), mutex_lock() (an
	 * acquire: it orders only what follows it, not the sample before
	 * it), cmshm_ring_peek(). Finding r2h empty, the reader would sleep
	 * in cmshm_wait() until wake_seq != seq.
	 */
	void reader()
	{
		uint32_t s;

		seq = wake_seq.load(MODEL_WAKE_SAMPLE_ORDER, $);
		while (lock.exchange(1, rl::mo_acquire, $))
			model_pause();
		if (!model_recv(&m.rx[MODEL_HOST], &s)) {
			MODEL_CHECK(s == 1u, "reader: wrong message");
			found = 1;
		}
		lock.store(0, rl::mo_release, $);
	}

	void thread(unsigned t)
	{
		if (t == MODEL_WAKE_READER)
			reader();
		else if (t == MODEL_WAKE_REMOTE)
			remote();
		else
			irq();
	}

	void after()
	{
		MODEL_CHECK(found || seq != wake_seq.load(rl::mo_relaxed, $),
			    "reader sampled the final wake_seq, found r2h empty: missed wake-up");
	}
};

#endif /* CMSHM_SCENARIO_DOORBELL_H */
