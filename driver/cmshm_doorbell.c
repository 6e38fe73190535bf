// SPDX-License-Identifier: GPL-2.0
/*
 * cmshm - doorbells both ways: the remote's through the mailbox framework's
 * receive callback (or the polling hrtimer when the node has no mboxes),
 * ours through at most one mailbox message in flight (cmshm_kick()), and
 * the wake-up of readers, writers and pollers that both lead to.
 *
 * Copyright (C) 2026 The cmshm authors
 */

#include <linux/hrtimer.h>
#include <linux/mailbox_client.h>
#include <linux/mailbox_controller.h>
#include <linux/of.h>
#include <linux/string.h>

#include "cmshm.h"
#include "cmshm_compat.h"

/**
 * cmshm_wake() - wake every reader, writer and poller of @cmshm.
 * @cmshm: the device.
 *
 * Process, softirq or interrupt context, but on PREEMPT_RT not in true
 * hard-IRQ context: the wait queue's spinlock_t is a sleeping lock there.
 * Its callers satisfy that: the mailbox receive callback (see
 * cmshm_mbox_rx()) and the polling hrtimer (HRTIMER_MODE_REL, which
 * PREEMPT_RT expires in softirq thread context).
 *
 * Ordering: the bump of wake_seq is a release (smp_mb__before_atomic()):
 * what this CPU observed before the wake-up, such as the remote's ring
 * stores ordered before its doorbell, is visible to a waiter whose acquire
 * load of wake_seq (cmshm_io_begin()) returns the new value, so a waiter
 * that then finds the rings empty really did sample before this wake-up
 * and does not sleep through it.
 */
void cmshm_wake(struct cmshm_dev *cmshm)
{
	/* Release; pairs with cmshm_io_begin()'s acquire (see above). */
	smp_mb__before_atomic();
	atomic_inc(&cmshm->wake_seq);
	wake_up_interruptible_all(&cmshm->wq);
}

/*
 * Hand one doorbell to the framework; the caller owns db_state (BUSY).
 * Returns false if the framework refused it (db_state is IDLE again).
 */
static bool cmshm_doorbell_send(struct cmshm_dev *cmshm)
{
	int ret;

	/*
	 * Publish, then ring. mb() orders every shared-memory store this CPU
	 * made or observed before it (the caller's ring and control-block
	 * stores, or those of a CPU whose doorbell this one took over through
	 * db_state's fully ordered atomics: barriers are cumulative) before
	 * the controller's register write or firmware call. Controllers do not
	 * order it: stm32-ipcc rings with writel_relaxed(), omap-mailbox with
	 * __raw_writel(), zynqmp-ipi with an SMC. A full barrier (DSB SY on
	 * arm64, DSB + DMB on arm), not wmb(): virtio issues the same mb()
	 * before a notify when weak_barriers is false. Pairs with the
	 * remote's read barrier between its doorbell status and the rings.
	 *
	 * The message is NULL: a doorbell carries nothing (omap-mailbox would
	 * send any pointer's value to the remote; zynqmp-ipi reads it as a
	 * message and fails a channel with a buffer).
	 */
	mb();
	ret = mbox_send_message(cmshm->tx_chan, NULL);
	if (ret < 0) {
		/* A kick that came meanwhile (AGAIN) is dropped with it. */
		atomic_set(&cmshm->db_state, CMSHM_DB_IDLE);
		dev_err_ratelimited(&cmshm->dev, "doorbell failed: %d\n", ret);
		return false;
	}
	atomic64_inc(&cmshm->db_sent);
	return true;
}

/*
 * The doorbell in the framework is done. Returns true if data was
 * published since it was sent: the caller now owns db_state (BUSY) and
 * sends one more. The successful cmpxchg() and the xchg() are fully
 * ordered and read the latest kicker's RMW, so its stores are ordered
 * before the next doorbell's mb().
 */
static bool cmshm_doorbell_done(struct cmshm_dev *cmshm)
{
	if (atomic_cmpxchg(&cmshm->db_state, CMSHM_DB_BUSY,
			   CMSHM_DB_IDLE) == CMSHM_DB_BUSY) {
		/* cmshm_unregister() waits for this when gone. */
		if (READ_ONCE(cmshm->gone))
			wake_up_all(&cmshm->wq);
		return false;
	}
	atomic_xchg(&cmshm->db_state, CMSHM_DB_BUSY);
	return true;
}

/* Send doorbells while db_state is owned and one is owed. */
static void cmshm_doorbell_run(struct cmshm_dev *cmshm)
{
	do {
		if (!cmshm_doorbell_send(cmshm))
			return;
		if (cmshm->db_ack)
			mbox_client_txdone(cmshm->tx_chan, 0);
		else if (cmshm_mbox_reports_null_done())
			return;	/* by interrupt or polling: tx_done follows */
		/* else: sent at once and never reported (cmshm_compat.h) */
	} while (cmshm_doorbell_done(cmshm));
}

/**
 * cmshm_kick() - ring the remote's doorbell after publishing.
 * @cmshm: the device.
 *
 * Any context that may call mbox_send_message() without blocking (process
 * context under cmshm->lock here; the tx-done path is atomic). No-op in
 * polling mode. At most one doorbell is handed to the framework at a
 * time, whatever the controller's TX-done discipline (interrupt, polling,
 * or acknowledged here for a controller with neither): a kick while one is
 * in flight only marks db_state AGAIN, and the completion of that one
 * sends the next (cmshm_doorbell_done()), after a new mb(). So data
 * published before any kick is always followed by a doorbell sent after
 * it, the framework's queue never fills, and a controller that takes one
 * doorbell at a time (-EBUSY from send_data()) never has one left behind.
 * Where the framework does not track NULL messages (see
 * cmshm_mbox_reports_null_done()) each doorbell is sent at once and counts
 * as done when mbox_send_message() returns; a controller that refuses a
 * doorbell there leaves it queued until the next one, which only the
 * framework fix cures.
 */
void cmshm_kick(struct cmshm_dev *cmshm)
{
	int old, new;

	if (!cmshm->tx_chan)
		return;
	/* A fully ordered RMW even when only AGAIN is kept: see above. */
	old = atomic_read(&cmshm->db_state);
	do {
		new = old == CMSHM_DB_IDLE ? CMSHM_DB_BUSY : CMSHM_DB_AGAIN;
	} while (!atomic_try_cmpxchg(&cmshm->db_state, &old, new));
	if (old != CMSHM_DB_IDLE) {
		atomic64_inc(&cmshm->db_coalesced);
		return;
	}
	cmshm_doorbell_run(cmshm);
}

/*
 * TX done by the controller's interrupt or the framework's polling, in
 * the context either runs in (hard IRQ, thread or hrtimer). tx_cl's only:
 * rx_cl has no tx_done, so what is sent on a separate rx channel (the
 * acknowledgments of cmshm,rx-ack) never reaches db_state.
 */
static void cmshm_mbox_tx_done(struct mbox_client *cl, void *msg, int r)
{
	struct cmshm_dev *cmshm = container_of(cl, struct cmshm_dev, tx_cl);

	/* Acknowledged by us, or not tracked: cmshm_doorbell_run() follows. */
	if (cmshm->db_ack || !cmshm_mbox_reports_null_done())
		return;
	if (cmshm_doorbell_done(cmshm))
		cmshm_doorbell_run(cmshm);
}

/*
 * Whether the client must report TX done on @chan: the controller
 * registered with neither txdone_irq nor txdone_poll, the case in which
 * the framework expects mbox_client_txdone() (mbox_controller_register(),
 * drivers/mailbox/mailbox.c). The client API offers no accessor for it, so
 * the controller's declared capabilities are read here: at probe, and for
 * each acknowledgment of cmshm,rx-ack (fixed at registration, so the
 * same answer).
 */
static bool cmshm_mbox_wants_ack(struct mbox_chan *chan)
{
	return !chan->mbox->txdone_irq && !chan->mbox->txdone_poll;
}

/*
 * Acknowledge a doorbell received on @chan, the separate rx channel
 * (cmshm,rx-ack): an empty message on it. zynqmp-ipi turns it into
 * IPI_MAILBOX_ACK, which clears the remote's bit in our status register
 * and unmasks its interrupt, masked by the STATUS_ENQUIRY of the handler
 * that delivered the doorbell; without it no doorbell from the remote is
 * ever delivered again. Not blocking (tx_block is false): any context the
 * receive callback runs in, and probe. A refused acknowledgment (only a
 * full framework queue, which one acknowledgment per delivered doorbell
 * does not fill) is counted and leaves the remote's interrupt masked.
 */
static void cmshm_rx_ack(struct cmshm_dev *cmshm, struct mbox_chan *chan)
{
	int ret;

	ret = mbox_send_message(chan, NULL);
	if (ret < 0) {
		atomic64_inc(&cmshm->db_ack_failed);
		dev_err_ratelimited(cmshm->rx_cl.dev,
				    "doorbell acknowledgment failed: %d\n", ret);
		return;
	}
	if (cmshm_mbox_wants_ack(chan))
		mbox_client_txdone(chan, 0);
}

/*
 * Acknowledge the doorbell being received, or owe the acknowledgment:
 * the callback runs as soon as the controller's startup() enables the
 * channel (a doorbell latched before the bind), before
 * mbox_request_channel() returns the channel and probe stores rx_chan.
 * Then whichever of this and cmshm_get_mailbox() sees the other's store
 * sends it: each stores (the flag here, rx_chan there), then a fully
 * ordered RMW, then loads the other; the atomic_xchg() taking the flag
 * makes it one acknowledgment.
 */
static void cmshm_rx_ack_owed(struct cmshm_dev *cmshm)
{
	struct mbox_chan *chan = READ_ONCE(cmshm->rx_chan);

	if (likely(chan)) {
		cmshm_rx_ack(cmshm, chan);
		return;
	}
	atomic_xchg(&cmshm->rx_ack_owed, 1);
	chan = READ_ONCE(cmshm->rx_chan);
	if (chan && atomic_xchg(&cmshm->rx_ack_owed, 0))
		cmshm_rx_ack(cmshm, chan);
}

/*
 * A doorbell from the remote, in the receive callback's context: count it,
 * wake the readers and writers, and follow the link in the link work.
 */
static void cmshm_doorbell_received(struct cmshm_dev *cmshm)
{
	atomic64_inc(&cmshm->db_received);
	cmshm_wake(cmshm);
	schedule_work(&cmshm->link_work);
}

/**
 * cmshm_mbox_rx() - receive callback: the remote rang our doorbell.
 * @cl:  our mailbox client (rx_cl, or tx_cl through cmshm_mbox_rx_bidir()).
 * @msg: the controller's message; ignored (a doorbell carries no data, and
 *       nothing the remote sends is trusted).
 *
 * Called by mbox_chan_received_data() in the context the controller's
 * interrupt handler runs in. Without PREEMPT_RT that is hard-IRQ context
 * (imx-mu, omap-mailbox) or an IRQ thread (stm32-ipcc); with PREEMPT_RT
 * every handler not requested with IRQF_NO_THREAD is force-threaded, so it
 * is a preemptible thread. What it does is allowed in all of them: counter
 * increments, mbox_send_message() without blocking (cmshm,rx-ack; it
 * takes the channel's spinlock_t with interrupts off), wake_up() (a raw
 * spinlock without PREEMPT_RT, a sleeping spinlock_t in a thread with it)
 * and schedule_work(); it reads no shared memory and takes no mutex.
 * Not supported: a controller that calls it from true hard-IRQ context on
 * PREEMPT_RT (IRQF_NO_THREAD, a _HARD hrtimer): wake_up() would sleep in
 * atomic context there, and the debug RT kernel of make check-debug-rt
 * reports it (tests/mailbox/'s rx_context=hardirq shows it). The
 * handshake and everything that touches shared memory run later in
 * cmshm_link_work() or in the reader's context.
 *
 * The acknowledgment (cmshm,rx-ack) goes before the wake-up: it clears
 * the remote's status bit, so a doorbell the remote rang since the
 * interrupt is merged into this one (zynqmp-ipi has one bit per remote),
 * and only readers and link work woken after it see that doorbell's data.
 */
static void cmshm_mbox_rx(struct mbox_client *cl, void *msg)
{
	struct cmshm_dev *cmshm = container_of(cl, struct cmshm_dev, rx_cl);

	if (cmshm->rx_ack)
		cmshm_rx_ack_owed(cmshm);
	cmshm_doorbell_received(cmshm);
}

/*
 * Receive callback of tx_cl: a doorbell on the single bidirectional
 * channel (or one a controller reports on "tx"). As cmshm_mbox_rx(),
 * never acknowledged: cmshm,rx-ack needs a separate rx channel.
 */
static void cmshm_mbox_rx_bidir(struct mbox_client *cl, void *msg)
{
	cmshm_doorbell_received(container_of(cl, struct cmshm_dev, tx_cl));
}

/*
 * Polling mode: what a doorbell from the remote would announce is a change
 * of one of the words it writes: its control block, the remote-to-host
 * head, the host-to-remote tail. Each is read once per tick and only
 * compared with the previous tick's (never trusted: the link work and the
 * readers validate what they use); the waiters and the link work are
 * woken only when one changed, so an idle link costs a timer tick and five
 * loads, not a wake-up of every waiter and a kworker.
 */
enum hrtimer_restart cmshm_poll_timer(struct hrtimer *t)
{
	struct cmshm_dev *cmshm = container_of(t, struct cmshm_dev, poll_timer);
	u32 now[CMSHM_POLL_WORDS];

	now[0] = READ_ONCE(cmshm->link.peer->state);
	now[1] = READ_ONCE(cmshm->link.peer->session);
	now[2] = READ_ONCE(cmshm->link.peer->ack);
	now[3] = READ_ONCE(*cmshm->rx.head);
	now[4] = READ_ONCE(*cmshm->tx.tail);
	if (memcmp(now, cmshm->poll_seen, sizeof(now))) {
		memcpy(cmshm->poll_seen, now, sizeof(now));
		cmshm_wake(cmshm);
		schedule_work(&cmshm->link_work);
	}
	hrtimer_forward_now(t, ns_to_ktime((u64)cmshm->poll_interval *
					   NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void cmshm_free_chan(void *chan)
{
	mbox_free_channel(chan);
}

/*
 * Request one doorbell channel for client @cl: by @name, or the only one
 * if @name is NULL.
 *
 * knows_txdone is set only for a controller that reports TX done neither by
 * interrupt nor by polling: set for a polling one, it would turn that
 * controller's TX done into ours, and a doorbell sent while the hardware
 * still shows the previous one (-EBUSY) would stay queued in the framework.
 * For the controller that needs it, the channel is requested a second time
 * with it: mbox_free_channel() turns a channel acknowledged by its client
 * into a polling one (as if knows_txdone had made it so), and only
 * knows_txdone turns it back at the next request; without it, a
 * channel requested again after an unbind starts the controller's polling
 * timer, which it never set up (a WARNING in hrtimer_start_range_ns() from
 * msg_submit(), seen on 6.1 in the lifecycle scenario with txdone=ack).
 */
static struct mbox_chan *cmshm_request_chan(struct mbox_client *cl,
					    const char *name)
{
	struct mbox_chan *chan;

	cl->knows_txdone = false;
	chan = name ? mbox_request_channel_byname(cl, name) :
		      mbox_request_channel(cl, 0);
	if (IS_ERR(chan) || !cmshm_mbox_wants_ack(chan))
		return chan;
	mbox_free_channel(chan);
	cl->knows_txdone = true;
	return name ? mbox_request_channel_byname(cl, name) :
		      mbox_request_channel(cl, 0);
}

/*
 * Request the doorbell channels. Everything the callbacks reach (the wait
 * queue, the link work, the link's pointers, both clients, rx_ack) is set
 * up before: a doorbell latched while no client was bound fires as soon
 * as startup() enables it. The one such doorbell cmshm,rx-ack must
 * acknowledge before rx_chan is stored is owed (cmshm_rx_ack_owed()).
 */
int cmshm_get_mailbox(struct cmshm_dev *cmshm, struct device *dev)
{
	struct device_node *np = dev->of_node;
	struct mbox_chan *chan;
	int ret;

	cmshm->tx_cl.dev = dev;
	cmshm->tx_cl.rx_callback = cmshm_mbox_rx_bidir;
	cmshm->tx_cl.tx_done = cmshm_mbox_tx_done;
	cmshm->tx_cl.tx_block = false;
	cmshm->rx_cl.dev = dev;
	cmshm->rx_cl.rx_callback = cmshm_mbox_rx;
	cmshm->rx_cl.tx_done = NULL;
	cmshm->rx_cl.tx_block = false;

	if (!of_property_present(np, "mbox-names")) {
		if (of_property_read_bool(np, "cmshm,rx-ack"))
			return dev_err_probe(dev, -EINVAL,
					     "cmshm,rx-ack needs channels \"tx\" and \"rx\"\n");
		chan = cmshm_request_chan(&cmshm->tx_cl, NULL);
		if (IS_ERR(chan))
			return dev_err_probe(dev, PTR_ERR(chan),
					     "cannot get mailbox channel\n");
		ret = devm_add_action_or_reset(dev, cmshm_free_chan, chan);
		if (ret)
			return ret;
		cmshm->tx_chan = chan;
		cmshm->rx_chan = chan;
		cmshm->db_ack = cmshm_mbox_wants_ack(chan);
		return 0;
	}

	chan = cmshm_request_chan(&cmshm->tx_cl, "tx");
	if (IS_ERR(chan))
		return dev_err_probe(dev, PTR_ERR(chan),
				     "cannot get mailbox channel \"tx\"\n");
	ret = devm_add_action_or_reset(dev, cmshm_free_chan, chan);
	if (ret)
		return ret;
	cmshm->tx_chan = chan;
	cmshm->db_ack = cmshm_mbox_wants_ack(chan);

	cmshm->rx_ack = of_property_read_bool(np, "cmshm,rx-ack");
	chan = cmshm_request_chan(&cmshm->rx_cl, "rx");
	if (IS_ERR(chan))
		return dev_err_probe(dev, PTR_ERR(chan),
				     "cannot get mailbox channel \"rx\"\n");
	ret = devm_add_action_or_reset(dev, cmshm_free_chan, chan);
	if (ret)
		return ret;
	/* Fully ordered after the store: see cmshm_rx_ack_owed(). */
	WRITE_ONCE(cmshm->rx_chan, chan);
	if (cmshm->rx_ack && atomic_xchg(&cmshm->rx_ack_owed, 0))
		cmshm_rx_ack(cmshm, chan);
	return 0;
}
