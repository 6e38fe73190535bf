// SPDX-License-Identifier: GPL-2.0
/*
 * cmshm - message rings in reserved memory between Linux and a remote core.
 *
 * Binds to a "cmshm,shared-memory" device-tree node whose memory-region is
 * a no-map reserved-memory region, maps it write-combined, writes the
 * protocol header (include/cmshm/cmshm_layout.h), and exposes /dev/cmshmN
 * (cmshm_fops.c). Doorbells go through the mailbox framework ("tx"/"rx"
 * channels, or one bidirectional channel); without mboxes an hrtimer polls.
 *
 * Lifetime: struct cmshm_dev embeds the class device; open files hold a
 * reference, so the struct outlives an unbind. Everything probe sets up is
 * undone by devm actions, in reverse order: unregister the node (mark gone,
 * wake waiters), free the mailbox channels, cancel the timer, cancel the
 * link work, drop the probe's reference. The mapping of the region belongs
 * to the refcounted struct (open files reach it) and goes with the last
 * reference.
 *
 * Copyright (C) 2026 The cmshm authors
 */

#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mailbox_controller.h>
#include <linux/platform_device.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cmshm.h"
#include "cmshm_compat.h"

#define CMSHM_MAX_DEVICES	64
#define CMSHM_LINE_SIZE		64
#define CMSHM_RING_SIZE_DEFAULT	65536
#define CMSHM_POLL_US_DEFAULT	1000
#define CMSHM_POLL_US_MIN	50
#define CMSHM_POLL_US_MAX	1000000
/* How long unbind waits for doorbells in flight to be reported done. */
#define CMSHM_TX_DRAIN_MS	100

static DEFINE_IDA(cmshm_ida);
static dev_t cmshm_devt;

/* Mode 0600 is devtmpfs's default for a node without a devnode() mode. */
static struct class cmshm_class = {
	.name = "cmshm",
};

static const char * const cmshm_link_state_names[] = {
	[CMSHM_LINK_STATE_DOWN] = "down",
	[CMSHM_LINK_STATE_UP] = "up",
	[CMSHM_LINK_STATE_ERROR] = "error",
};

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
 * the context either runs in (hard IRQ, thread or hrtimer).
 */
static void cmshm_mbox_tx_done(struct mbox_client *cl, void *msg, int r)
{
	struct cmshm_dev *cmshm = container_of(cl, struct cmshm_dev, mbox_cl);

	/* Acknowledged by us, or not tracked: cmshm_doorbell_run() follows. */
	if (cmshm->db_ack || !cmshm_mbox_reports_null_done())
		return;
	if (cmshm_doorbell_done(cmshm))
		cmshm_doorbell_run(cmshm);
}

/**
 * cmshm_mbox_rx() - receive callback: the remote rang our doorbell.
 * @cl:  our mailbox client.
 * @msg: the controller's message; ignored (a doorbell carries no data, and
 *       nothing the remote sends is trusted).
 *
 * Called by mbox_chan_received_data() in the context the controller's
 * interrupt handler runs in. Without PREEMPT_RT that is hard-IRQ context
 * (imx-mu, omap-mailbox) or an IRQ thread (stm32-ipcc); with PREEMPT_RT
 * every handler not requested with IRQF_NO_THREAD is force-threaded, so it
 * is a preemptible thread. What it does is allowed in all of them: counter
 * increments, wake_up() (a raw spinlock without PREEMPT_RT, a sleeping
 * spinlock_t in a thread with it) and schedule_work(); it reads no shared
 * memory and takes no mutex. Not supported: a controller that calls it
 * from true hard-IRQ context on PREEMPT_RT (IRQF_NO_THREAD, a _HARD
 * hrtimer): wake_up() would sleep in atomic context there, and the debug RT
 * kernel of make check-debug-rt reports it (tests/mailbox/'s
 * rx_context=hardirq shows it). The handshake and everything that touches
 * shared memory run later in cmshm_link_work() or in the reader's context.
 */
static void cmshm_mbox_rx(struct mbox_client *cl, void *msg)
{
	struct cmshm_dev *cmshm = container_of(cl, struct cmshm_dev, mbox_cl);

	atomic64_inc(&cmshm->db_received);
	cmshm_wake(cmshm);
	schedule_work(&cmshm->link_work);
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
static enum hrtimer_restart cmshm_poll_timer(struct hrtimer *t)
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

static u32 cmshm_new_session(u32 old)
{
	u32 s;

	do {
		s = get_random_u32();
	} while (!s || s == old);
	return s;
}

/**
 * cmshm_set_link_state() - record a link state; a change is an event that
 * poll() reports as EPOLLPRI to every open file until it reads the state
 * back with CMSHM_IOC_INFO.
 * @cmshm: the device, cmshm->lock held.
 * @state: CMSHM_LINK_STATE_*.
 *
 * The caller wakes the waiters.
 */
void cmshm_set_link_state(struct cmshm_dev *cmshm, u32 state)
{
	if (cmshm->link_state == state)
		return;
	cmshm->link_state = state;
	cmshm->link_gen++;
}

/**
 * cmshm_link_sync() - follow the remote's control block and act on it.
 * @cmshm: the device, cmshm->lock held, not gone.
 *
 * Rings the doorbell when our control block changed, records a peer reset
 * as an ECONNRESET event for every open file, and wakes waiters when the
 * link state changed.
 */
void cmshm_link_sync(struct cmshm_dev *cmshm)
{
	unsigned int ev = cmshm_link_update(&cmshm->link);

	if (!ev)
		return;
	if (ev & CMSHM_LINK_RESET) {
		cmshm->stats.peer_resets++;
		cmshm->event_gen++;
		cmshm->event_err = ECONNRESET;
		dev_info_ratelimited(&cmshm->dev, "remote restarted\n");
	}
	if (ev & CMSHM_LINK_UP)
		cmshm_set_link_state(cmshm, CMSHM_LINK_STATE_UP);
	else if ((ev & CMSHM_LINK_DOWN) &&
		 cmshm->link_state != CMSHM_LINK_STATE_ERROR)
		cmshm_set_link_state(cmshm, CMSHM_LINK_STATE_DOWN);
	if (ev & CMSHM_LINK_KICK)
		cmshm_kick(cmshm);
	cmshm_wake(cmshm);
}

/**
 * cmshm_protocol_error() - the remote wrote an invalid value: fail closed.
 * @cmshm: the device, cmshm->lock held, not gone.
 * @what:  which check failed, for the (rate-limited) log line.
 *
 * Counts the error, reports EPROTO once per open file and direction, shows
 * the link as "error" until it comes up again, and restarts our side with a
 * new session: the remote resets its indices when it sees it, so traffic
 * resumes without reloading the module. Messages in flight are lost.
 */
void cmshm_protocol_error(struct cmshm_dev *cmshm, const char *what)
{
	cmshm->stats.protocol_errors++;
	cmshm->event_gen++;
	cmshm->event_err = EPROTO;
	cmshm_set_link_state(cmshm, CMSHM_LINK_STATE_ERROR);
	dev_err_ratelimited(&cmshm->dev,
			    "remote broke the protocol (%s): restarting the link\n",
			    what);
	cmshm_link_start(&cmshm->link,
			 cmshm_new_session(cmshm->link.session));
	cmshm_kick(cmshm);
	cmshm_wake(cmshm);
}

static void cmshm_link_work(struct work_struct *work)
{
	struct cmshm_dev *cmshm = container_of(work, struct cmshm_dev,
					       link_work);

	mutex_lock(&cmshm->lock);
	/* A doorbell latched before probe started the link: probe syncs. */
	if (!cmshm->gone && cmshm->link.session)
		cmshm_link_sync(cmshm);
	mutex_unlock(&cmshm->lock);
}

static ssize_t link_state_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct cmshm_dev *cmshm = container_of(dev, struct cmshm_dev, dev);
	u32 state;

	/* What the link work last saw: reading sysfs changes nothing. */
	mutex_lock(&cmshm->lock);
	state = cmshm->link_state;
	mutex_unlock(&cmshm->lock);
	return sysfs_emit(buf, "%s\n", cmshm_link_state_names[state]);
}
static DEVICE_ATTR_RO(link_state);

#define CMSHM_LAYOUT_ATTR(_name, _expr)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct cmshm_dev *cmshm = container_of(dev, struct cmshm_dev, dev); \
									\
	return sysfs_emit(buf, "%u\n", (unsigned int)(_expr));		\
}									\
static DEVICE_ATTR_RO(_name)

CMSHM_LAYOUT_ATTR(region_size, cmshm->size);
CMSHM_LAYOUT_ATTR(app_size, cmshm->layout.app_size);
CMSHM_LAYOUT_ATTR(ring_size, cmshm->layout.h2r.size);
CMSHM_LAYOUT_ATTR(max_message_size, cmshm->tx.max_msg);

static struct attribute *cmshm_attrs[] = {
	&dev_attr_link_state.attr,
	&dev_attr_region_size.attr,
	&dev_attr_app_size.attr,
	&dev_attr_ring_size.attr,
	&dev_attr_max_message_size.attr,
	NULL,
};

static const struct attribute_group cmshm_group = {
	.attrs = cmshm_attrs,
};

/* statistics/<counter>: a snapshot taken under cmshm->lock. */
#define CMSHM_STAT_ATTR(_name, _expr)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct cmshm_dev *cmshm = container_of(dev, struct cmshm_dev, dev); \
	u64 v;								\
									\
	mutex_lock(&cmshm->lock);					\
	v = (_expr);							\
	mutex_unlock(&cmshm->lock);					\
	return sysfs_emit(buf, "%llu\n", v);				\
}									\
static DEVICE_ATTR_RO(_name)

CMSHM_STAT_ATTR(tx_messages, cmshm->stats.tx_messages);
CMSHM_STAT_ATTR(tx_bytes, cmshm->stats.tx_bytes);
CMSHM_STAT_ATTR(rx_messages, cmshm->stats.rx_messages);
CMSHM_STAT_ATTR(rx_bytes, cmshm->stats.rx_bytes);
CMSHM_STAT_ATTR(doorbells_sent, atomic64_read(&cmshm->db_sent));
CMSHM_STAT_ATTR(doorbells_received, atomic64_read(&cmshm->db_received));
CMSHM_STAT_ATTR(doorbells_coalesced, atomic64_read(&cmshm->db_coalesced));
CMSHM_STAT_ATTR(protocol_errors, cmshm->stats.protocol_errors);
CMSHM_STAT_ATTR(peer_resets, cmshm->stats.peer_resets);

static struct attribute *cmshm_stat_attrs[] = {
	&dev_attr_tx_messages.attr,
	&dev_attr_tx_bytes.attr,
	&dev_attr_rx_messages.attr,
	&dev_attr_rx_bytes.attr,
	&dev_attr_doorbells_sent.attr,
	&dev_attr_doorbells_received.attr,
	&dev_attr_doorbells_coalesced.attr,
	&dev_attr_protocol_errors.attr,
	&dev_attr_peer_resets.attr,
	NULL,
};

static const struct attribute_group cmshm_stat_group = {
	.name = "statistics",
	.attrs = cmshm_stat_attrs,
};

static const struct attribute_group *cmshm_groups[] = {
	&cmshm_group,
	&cmshm_stat_group,
	NULL,
};

static void cmshm_dev_release(struct device *dev)
{
	struct cmshm_dev *cmshm = container_of(dev, struct cmshm_dev, dev);

	if (cmshm->id >= 0)
		ida_free(&cmshm_ida, cmshm->id);
	if (cmshm->base)
		memunmap(cmshm->base);
	mutex_destroy(&cmshm->lock);
	kfree(cmshm);
}

static void cmshm_put_dev(void *data)
{
	put_device(data);
}

static void cmshm_free_chan(void *chan)
{
	mbox_free_channel(chan);
}

static void cmshm_cancel_work(void *data)
{
	struct cmshm_dev *cmshm = data;

	cancel_work_sync(&cmshm->link_work);
}

static void cmshm_cancel_timer(void *data)
{
	struct cmshm_dev *cmshm = data;

	hrtimer_cancel(&cmshm->poll_timer);
}

/* First devm action to run at unbind: nothing new reaches the device. */
static void cmshm_unregister(void *data)
{
	struct cmshm_dev *cmshm = data;

	mutex_lock(&cmshm->lock);
	WRITE_ONCE(cmshm->gone, true);
	cmshm_link_stop(&cmshm->link, CMSHM_STATE_OFFLINE);
	cmshm_kick(cmshm);
	mutex_unlock(&cmshm->lock);
	cmshm_wake(cmshm);
	/*
	 * The channels are freed next. The framework's tx_tick() calls our
	 * tx_done after dropping the channel lock and reads chan->cl there,
	 * which mbox_free_channel() clears: a doorbell still in flight
	 * can oops the tx-done path (seen on 6.12 in the bind cycles), and
	 * mbox_free_channel() drops one still queued. Give the controller a
	 * bounded time to send and finish them, this OFFLINE one included.
	 */
	if (cmshm->tx_chan)
		wait_event_timeout(cmshm->wq,
				   atomic_read(&cmshm->db_state) == CMSHM_DB_IDLE,
				   msecs_to_jiffies(CMSHM_TX_DRAIN_MS));
	cdev_device_del(&cmshm->cdev, &cmshm->dev);
	/* No new open can reach us: a rebind may take the number now. */
	ida_free(&cmshm_ida, cmshm->id);
	cmshm->id = -1;
}

static int cmshm_get_region(struct cmshm_dev *cmshm, struct device *dev)
{
	struct reserved_mem *rmem;
	struct device_node *np;
	bool no_map;

	np = of_parse_phandle(dev->of_node, "memory-region", 0);
	if (!np)
		return dev_err_probe(dev, -EINVAL, "no memory-region\n");
	rmem = of_reserved_mem_lookup(np);
	no_map = of_property_read_bool(np, "no-map");
	of_node_put(np);
	if (!rmem)
		return dev_err_probe(dev, -EINVAL,
				     "memory-region is not a reserved-memory region\n");
	if (!no_map)
		return dev_err_probe(dev, -EINVAL,
				     "memory-region %s must be no-map\n",
				     rmem->name);
	if (!PAGE_ALIGNED(rmem->base))
		return dev_err_probe(dev, -EINVAL,
				     "memory-region %pa is not page aligned\n",
				     &rmem->base);
	if (rmem->size > U32_MAX)
		return dev_err_probe(dev, -EINVAL,
				     "memory-region larger than 4 GiB\n");
	cmshm->phys = rmem->base;
	cmshm->size = rmem->size;
	return 0;
}

/*
 * Whether the client must report TX done on @chan: the controller
 * registered with neither txdone_irq nor txdone_poll, the case in which
 * the framework expects mbox_client_txdone() (mbox_controller_register(),
 * drivers/mailbox/mailbox.c). The client API offers no accessor for it, so
 * the controller's declared capabilities are read here, once, at probe.
 */
static bool cmshm_mbox_wants_ack(struct mbox_chan *chan)
{
	return !chan->mbox->txdone_irq && !chan->mbox->txdone_poll;
}

/*
 * Request one doorbell channel: by @name, or the only one if @name is NULL.
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
static struct mbox_chan *cmshm_request_chan(struct cmshm_dev *cmshm,
					    const char *name)
{
	struct mbox_client *cl = &cmshm->mbox_cl;
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
 * queue, the link work, the link's pointers) is set up before: a doorbell
 * latched while no client was bound fires as soon as startup() enables it.
 */
static int cmshm_get_mailbox(struct cmshm_dev *cmshm, struct device *dev)
{
	struct device_node *np = dev->of_node;
	struct mbox_chan *chan;
	int ret;

	cmshm->mbox_cl.dev = dev;
	cmshm->mbox_cl.rx_callback = cmshm_mbox_rx;
	cmshm->mbox_cl.tx_done = cmshm_mbox_tx_done;
	cmshm->mbox_cl.tx_block = false;

	if (!of_property_present(np, "mbox-names")) {
		chan = cmshm_request_chan(cmshm, NULL);
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

	chan = cmshm_request_chan(cmshm, "tx");
	if (IS_ERR(chan))
		return dev_err_probe(dev, PTR_ERR(chan),
				     "cannot get mailbox channel \"tx\"\n");
	ret = devm_add_action_or_reset(dev, cmshm_free_chan, chan);
	if (ret)
		return ret;
	cmshm->tx_chan = chan;
	cmshm->db_ack = cmshm_mbox_wants_ack(chan);

	chan = cmshm_request_chan(cmshm, "rx");
	if (IS_ERR(chan))
		return dev_err_probe(dev, PTR_ERR(chan),
				     "cannot get mailbox channel \"rx\"\n");
	ret = devm_add_action_or_reset(dev, cmshm_free_chan, chan);
	if (ret)
		return ret;
	cmshm->rx_chan = chan;
	return 0;
}

/* The highest cmshmN alias of a cmshm node that is a usable minor, or -1. */
static int cmshm_highest_alias(void)
{
	struct device_node *np;
	int id, max = -1;

	for_each_compatible_node(np, NULL, "cmshm,shared-memory") {
		id = of_alias_get_id(np, "cmshm");
		if (id > max && id < CMSHM_MAX_DEVICES)
			max = id;
	}
	return max;
}

/*
 * The minor and N of /dev/cmshmN: the node's alias if it has one, else the
 * lowest free number above every usable alias (so a node probed early does
 * not take a number an aliased node probed later needs).
 */
static int cmshm_alloc_id(struct device *dev)
{
	int alias = of_alias_get_id(dev->of_node, "cmshm");
	int id;

	if (alias >= CMSHM_MAX_DEVICES)
		return dev_err_probe(dev, -EINVAL,
				     "alias cmshm%d: the limit is cmshm%d\n",
				     alias, CMSHM_MAX_DEVICES - 1);
	if (alias >= 0) {
		id = ida_alloc_range(&cmshm_ida, alias, alias, GFP_KERNEL);
		if (id < 0)
			return dev_err_probe(dev, id, "alias cmshm%d in use\n",
					     alias);
		return id;
	}
	id = ida_alloc_range(&cmshm_ida, cmshm_highest_alias() + 1,
			     CMSHM_MAX_DEVICES - 1, GFP_KERNEL);
	if (id < 0)
		return dev_err_probe(dev, id, "no free cmshm number\n");
	return id;
}

static int cmshm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct cmshm_header *shared;
	struct cmshm_dev *cmshm;
	u32 ring_size = CMSHM_RING_SIZE_DEFAULT;
	int ret;

	cmshm = kzalloc(sizeof(*cmshm), GFP_KERNEL);
	if (!cmshm)
		return -ENOMEM;
	cmshm->id = -1;
	mutex_init(&cmshm->lock);
	init_waitqueue_head(&cmshm->wq);
	INIT_WORK(&cmshm->link_work, cmshm_link_work);
	hrtimer_setup(&cmshm->poll_timer, cmshm_poll_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
	device_initialize(&cmshm->dev);
	cmshm->dev.release = cmshm_dev_release;
	ret = devm_add_action_or_reset(dev, cmshm_put_dev, &cmshm->dev);
	if (ret)
		return ret;

	ret = cmshm_get_region(cmshm, dev);
	if (ret)
		return ret;
	of_property_read_u32(dev->of_node, "cmshm,ring-size", &ring_size);
	if (!is_power_of_2(ring_size) || ring_size < CMSHM_RING_SIZE_MIN ||
	    ring_size > CMSHM_RING_SIZE_MAX)
		return dev_err_probe(dev, -EINVAL,
				     "cmshm,ring-size %u: need a power of two in [%u, %u]\n",
				     ring_size, CMSHM_RING_SIZE_MIN,
				     CMSHM_RING_SIZE_MAX);
	ret = cmshm_layout_init(&cmshm->layout, cmshm->size, CMSHM_LINE_SIZE,
				ring_size, PAGE_SIZE);
	if (ret)
		return dev_err_probe(dev, -EINVAL,
				     "memory-region of %u bytes too small for two %u-byte rings\n",
				     cmshm->size, ring_size);

	/* One node per region: a second claim of the same bytes fails. */
	if (!devm_request_mem_region(dev, cmshm->phys, cmshm->size,
				     dev_name(dev)))
		return dev_err_probe(dev, -EBUSY,
				     "memory-region %pa is in use\n", &cmshm->phys);

	/* Reachable from open files: unmapped by the last put_device(). */
	cmshm->base = memremap(cmshm->phys, cmshm->size, MEMREMAP_WC);
	if (!cmshm->base)
		return dev_err_probe(dev, -ENXIO,
				     "cannot map memory-region write-combined\n");

	/* Run after the channels are freed and the timer is cancelled. */
	ret = devm_add_action_or_reset(dev, cmshm_cancel_work, cmshm);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(dev, cmshm_cancel_timer, cmshm);
	if (ret)
		return ret;

	/* Before any callback can run: the link work reaches these. */
	shared = cmshm->base;
	cmshm_header_write(shared, &cmshm->layout);
	cmshm_ring_init(&cmshm->tx, cmshm->base, &cmshm->layout.h2r);
	cmshm_ring_init(&cmshm->rx, cmshm->base, &cmshm->layout.r2h);
	cmshm->link.own = &shared->host;
	cmshm->link.peer = cmshm->base + cmshm->layout.remote_ctrl;
	cmshm->link.tx = &cmshm->tx;
	cmshm->link.rx = &cmshm->rx;
	cmshm->link_state = CMSHM_LINK_STATE_DOWN;

	if (of_property_present(dev->of_node, "mboxes")) {
		ret = cmshm_get_mailbox(cmshm, dev);
		if (ret)
			return ret;
	} else {
		cmshm->poll_interval = CMSHM_POLL_US_DEFAULT;
		of_property_read_u32(dev->of_node, "cmshm,poll-interval-us",
				     &cmshm->poll_interval);
		if (cmshm->poll_interval < CMSHM_POLL_US_MIN ||
		    cmshm->poll_interval > CMSHM_POLL_US_MAX)
			return dev_err_probe(dev, -EINVAL,
					     "cmshm,poll-interval-us %u out of [%u, %u]\n",
					     cmshm->poll_interval,
					     CMSHM_POLL_US_MIN,
					     CMSHM_POLL_US_MAX);
	}

	ret = cmshm_alloc_id(dev);
	if (ret < 0)
		return ret;
	cmshm->id = ret;
	cmshm->dev.parent = dev;
	cmshm->dev.class = &cmshm_class;
	cmshm->dev.devt = MKDEV(MAJOR(cmshm_devt), cmshm->id);
	cmshm->dev.groups = cmshm_groups;
	ret = dev_set_name(&cmshm->dev, "cmshm%d", cmshm->id);
	if (ret)
		return ret;
	cdev_init(&cmshm->cdev, &cmshm_fops);
	cmshm->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&cmshm->cdev, &cmshm->dev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot add /dev/cmshm%d\n",
				     cmshm->id);
	ret = devm_add_action_or_reset(dev, cmshm_unregister, cmshm);
	if (ret)
		return ret;

	/* The channel and the node exist: now tell the remote we are READY. */
	mutex_lock(&cmshm->lock);
	cmshm_link_start(&cmshm->link, cmshm_new_session(0));
	cmshm_kick(cmshm);
	cmshm_link_sync(cmshm);
	mutex_unlock(&cmshm->lock);
	if (cmshm->poll_interval)
		hrtimer_start(&cmshm->poll_timer,
			      ns_to_ktime((u64)cmshm->poll_interval *
					  NSEC_PER_USEC), HRTIMER_MODE_REL);

	platform_set_drvdata(pdev, cmshm);
	dev_info(dev, "cmshm%d: %u bytes at %pa, %u-byte rings, %s\n",
		 cmshm->id, cmshm->size, &cmshm->phys, ring_size,
		 cmshm->tx_chan ? "mailbox" : "polling");
	return 0;
}

static const struct of_device_id cmshm_of_match[] = {
	{ .compatible = "cmshm,shared-memory" },
	{ }
};
MODULE_DEVICE_TABLE(of, cmshm_of_match);

static struct platform_driver cmshm_driver = {
	.probe = cmshm_probe,
	.driver = {
		.name = "cmshm",
		.of_match_table = cmshm_of_match,
	},
};

static int __init cmshm_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&cmshm_devt, 0, CMSHM_MAX_DEVICES, "cmshm");
	if (ret)
		return ret;
	ret = class_register(&cmshm_class);
	if (ret)
		goto unregister_chrdev;
	ret = platform_driver_register(&cmshm_driver);
	if (ret)
		goto destroy_class;
	return 0;

destroy_class:
	class_unregister(&cmshm_class);
unregister_chrdev:
	unregister_chrdev_region(cmshm_devt, CMSHM_MAX_DEVICES);
	return ret;
}
module_init(cmshm_init);

static void __exit cmshm_exit(void)
{
	platform_driver_unregister(&cmshm_driver);
	class_unregister(&cmshm_class);
	unregister_chrdev_region(cmshm_devt, CMSHM_MAX_DEVICES);
}
module_exit(cmshm_exit);

MODULE_DESCRIPTION("Message rings in reserved memory shared with a remote core");
MODULE_LICENSE("GPL");
