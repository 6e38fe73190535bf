// SPDX-License-Identifier: GPL-2.0
/*
 * cmshm-test-mbox - a doorbell mailbox controller in shared memory, for
 * testing cmshm in QEMU, whose virt machine has no mailbox.
 *
 * Binds to "cmshm,test-mailbox" with a memory-region (no-map) holding one
 * 128-byte slot per channel, shared with the process that plays the
 * remote core:
 *
 *   slot i + 0:  u32 host-to-remote doorbell count (written by Linux)
 *   slot i + 64: u32 remote-to-host doorbell count (written by the remote)
 *
 * send_data() increments the first counter; like stm32-ipcc's
 * writel_relaxed() or omap-mailbox's __raw_writel(), it adds no barrier of
 * its own, so ordering the client's shared-memory stores before the doorbell
 * is the client's job. A doorbell carries no payload: a non-NULL message is
 * rejected with -EINVAL (a warning in the kernel log), as zynqmp-ipi fails a
 * message too large for its buffer, and stays queued in the framework.
 *
 * A node with an "interrupts" property is a controller with a real receive
 * interrupt: the remote core increments the second counter, then raises
 * that interrupt (on QEMU's emulated ZynqMP, the R5 firmware sets the
 * SPI's pending bit in the GIC distributor: firmware/boards/
 * qemu-zynqmp-r5), and the handler reads the second counter of every
 * started channel and calls mbox_chan_received_data() for each one that
 * changed. The handler is an ordinary one (not IRQF_NO_THREAD): hard-IRQ
 * context, force-threaded on PREEMPT_RT, as imx-mu's. Where the doorbell
 * of a channel would fire as soon as it is enabled or unmasked (a latched
 * one), the driver sets the interrupt pending itself with
 * irq_set_irqchip_state(), so the handler delivers it in its own context.
 *
 * Without "interrupts", an hrtimer polls the second counter of every
 * started channel in the same way. By default the timer is
 * HRTIMER_MODE_REL, which the kernel runs where it runs an ordinary
 * interrupt handler: in hard-IRQ context without PREEMPT_RT (like imx-mu or
 * omap-mailbox), and in a preemptible thread with PREEMPT_RT, where every
 * handler not marked IRQF_NO_THREAD is force-threaded (like stm32-ipcc's
 * threaded handler everywhere). That is the context every real controller
 * gives a mailbox client's rx callback. rx_context=hardirq makes the timer
 * HRTIMER_MODE_REL_HARD: true hard-IRQ context on every kernel, which on
 * PREEMPT_RT forbids what an IRQ thread may do (a test of the debug RT
 * kernel's DEBUG_ATOMIC_SLEEP uses it). A doorbell the remote rang while
 * the channel was shut down stays latched, as in an interrupt status
 * register, and is delivered as soon as startup() enables the channel.
 *
 * TX done follows the node's "cmshm,txdone" property (or the txdone module
 * parameter, which overrides it), one of the disciplines real controllers
 * use. A doorbell stays pending for tx_busy_us after send_data(), as if the
 * remote's interrupt handler took that long to clear it:
 *
 *   "irq"   txdone_irq: the poll timer reports it done with
 *           mbox_chan_txdone() once it is no longer pending (imx-mu,
 *           stm32-ipcc, omap-mailbox).
 *   "poll"  txdone_poll: last_tx_done() is false while it is pending, and
 *           send_data() fails with -EBUSY then (zynqmp-ipi, stm32-ipcc
 *           without its TX-free interrupt). One doorbell in flight.
 *   "ack"   neither: the client reports TX done (mbox_client_txdone()), as
 *           with a doorbell controller that has no status (qcom-ipcc).
 *
 * rx_ack=CHANNEL[,CHANNEL...] makes those channels receive like the RX
 * channel of the Xilinx IPI mailbox (zynqmp-ipi), whose interrupt handler
 * masks the remote's interrupt (STATUS_ENQUIRY with DIRQ) when it delivers
 * a doorbell and whose send_data() on the RX channel is the acknowledgment
 * that unmasks it (IPI_MAILBOX_ACK with EIRQ): once a doorbell is delivered
 * on such a channel, doorbells the remote rings on it stay latched and are
 * not delivered until the client sends on that channel. That send (any
 * send_data() on it, under the channel's TX-done discipline like any other)
 * is the acknowledgment: it unmasks the channel, and a doorbell latched
 * meanwhile is delivered at the next poll, as the IPI's interrupt fires
 * again when unmasked with its status bit set. A client that never sends
 * on its rx channel receives one doorbell there per bind. (Where the IPI
 * clears its status bit at the acknowledgment, and so forgets doorbells
 * rung since the interrupt, this keeps them: the test mailbox models the
 * mask, not that loss.) startup() unmasks, as the IPI's ENABLE_IRQ does.
 *
 * shutdown() returns only when no receive callback for the channel can run
 * any more: the framework clears chan->cl right after it.
 *
 * Copyright (C) 2026 The cmshm authors
 */

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/mailbox_controller.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/string.h>

#include "cmshm_compat.h"

#define TMBOX_CHANNELS		8
#define TMBOX_SLOT		128
#define TMBOX_IN_OFFSET		64

static unsigned int poll_us = 100;
module_param(poll_us, uint, 0444);
MODULE_PARM_DESC(poll_us, "Doorbell polling period in microseconds (default 100)");

static char *rx_context = "irq";
module_param(rx_context, charp, 0444);
MODULE_PARM_DESC(rx_context,
		 "Context of the rx callback: irq (an interrupt handler's: hard IRQ, or its thread on PREEMPT_RT; default) or hardirq (always hard IRQ)");

static unsigned int rx_delay_us;
module_param(rx_delay_us, uint, 0444);
MODULE_PARM_DESC(rx_delay_us,
		 "Test only: busy-wait this long before each rx callback, to widen races with shutdown (default 0)");

static unsigned int startup_delay_us;
module_param(startup_delay_us, uint, 0444);
MODULE_PARM_DESC(startup_delay_us,
		 "Test only: sleep this long in startup() after enabling the channel, so a latched doorbell's callback, and work it queues, run while the client is still requesting its channels (default 0)");

static bool startup_doorbell;
module_param(startup_doorbell, bool, 0444);
MODULE_PARM_DESC(startup_doorbell,
		 "Test only: deliver one doorbell as soon as a channel is enabled, as a controller whose status register kept one from before the client was bound (default off)");

static char *txdone = "";
module_param(txdone, charp, 0444);
MODULE_PARM_DESC(txdone,
		 "TX-done discipline for every node: irq, poll or ack (default: the node's cmshm,txdone, else irq)");

static unsigned int tx_busy_us = 200;
module_param(tx_busy_us, uint, 0444);
MODULE_PARM_DESC(tx_busy_us,
		 "How long a doorbell stays pending after it is sent, in microseconds (default 200)");

static unsigned int rx_ack[TMBOX_CHANNELS];
static int rx_ack_count;
module_param_array(rx_ack, uint, &rx_ack_count, 0444);
MODULE_PARM_DESC(rx_ack,
		 "Channels that, like the Xilinx IPI mailbox's RX channel, deliver no further doorbell after one until the client acknowledges it by sending on that channel, e.g. 1,4 (default none)");

enum tmbox_txdone {
	TMBOX_TXDONE_IRQ,
	TMBOX_TXDONE_POLL,
	TMBOX_TXDONE_ACK,
};

static const char * const tmbox_txdone_names[] = {
	[TMBOX_TXDONE_IRQ] = "irq",
	[TMBOX_TXDONE_POLL] = "poll",
	[TMBOX_TXDONE_ACK] = "ack",
};

/**
 * struct tmbox_chan - per-channel state.
 * @started:    the channel is requested: set by startup() (release),
 *              cleared by shutdown(), read by the hrtimer (acquire).
 * @out:        private copy of our host-to-remote counter.
 * @in_seen:    last remote-to-host counter value delivered; set at probe,
 *              then touched only by the hrtimer, so a doorbell rung while
 *              the channel is shut down stays latched.
 * @tx_pending: a doorbell was sent and is not yet cleared (release in
 *              send_data(), acquire in the hrtimer); send_data() runs only
 *              when the framework has no doorbell active, so it never
 *              races with the clear.
 * @tx_done_at: when the pending doorbell is cleared; written before
 *              @tx_pending.
 * @latched:    deliver one doorbell now whatever the counter says
 *              (startup_doorbell); set by startup(), taken by the hrtimer.
 * @rx_ack:     the channel is one of the rx_ack parameter's; set at probe.
 * @rx_masked:  @rx_ack: a doorbell was delivered and not yet acknowledged;
 *              set by the hrtimer before it delivers one, cleared by
 *              send_data() (the acknowledgment) and by startup().
 */
struct tmbox_chan {
	bool started;
	u32 out;
	u32 in_seen;
	bool tx_pending;
	ktime_t tx_done_at;
	bool latched;
	bool rx_ack;
	bool rx_masked;
};

/**
 * struct tmbox - one controller.
 * @mbox:   the controller.
 * @chans:  framework channels.
 * @priv:   our per-channel state.
 * @base:   doorbell region, write-combined.
 * @timer:  doorbell poller (without @irq); also reports TX done in the
 *          irq discipline.
 * @irq:    the receive interrupt, or 0 (the timer polls).
 * @mode:   HRTIMER_MODE_REL or HRTIMER_MODE_REL_HARD (see rx_context).
 * @txdone: TX-done discipline.
 * @sync_lock: serializes startup()'s and shutdown()'s restarts of @timer.
 */
struct tmbox {
	struct mbox_controller mbox;
	struct mbox_chan chans[TMBOX_CHANNELS];
	struct tmbox_chan priv[TMBOX_CHANNELS];
	void *base;
	struct hrtimer timer;
	int irq;
	enum hrtimer_mode mode;
	enum tmbox_txdone txdone;
	struct mutex sync_lock;	/* startup()/shutdown() restarts of @timer */
};

static u32 *tmbox_word(struct tmbox *tm, int i, unsigned int off)
{
	return tm->base + i * TMBOX_SLOT + off;
}

/* The doorbell of @c was sent and the remote has not cleared it yet. */
static bool tmbox_tx_busy(struct tmbox_chan *c)
{
	/* Pairs with send_data()'s release: @tx_done_at is set. */
	return smp_load_acquire(&c->tx_pending) &&
	       ktime_before(ktime_get(), c->tx_done_at);
}

/* Run the poller now, or after @delay_ns. */
static void tmbox_restart_timer(struct tmbox *tm, u64 delay_ns)
{
	mutex_lock(&tm->sync_lock);
	hrtimer_cancel(&tm->timer);
	hrtimer_start(&tm->timer, ns_to_ktime(delay_ns), tm->mode);
	mutex_unlock(&tm->sync_lock);
}

/*
 * Look at the receive counters now, in the receive path's own context:
 * for a doorbell latched while shut down or masked.
 */
static void tmbox_rx_kick(struct tmbox *tm)
{
	if (tm->irq) {
		if (irq_set_irqchip_state(tm->irq, IRQCHIP_STATE_PENDING, true))
			dev_warn_ratelimited(tm->mbox.dev,
					     "cannot set interrupt %d pending\n",
					     tm->irq);
		return;
	}
	tmbox_restart_timer(tm, 0);
}

static int tmbox_send_data(struct mbox_chan *chan, void *data)
{
	struct tmbox *tm = dev_get_drvdata(chan->mbox->dev);
	int i = chan - tm->chans;
	struct tmbox_chan *c = &tm->priv[i];

	if (data) {
		dev_warn_ratelimited(tm->mbox.dev,
				     "channel %d: doorbell with a payload rejected\n",
				     i);
		return -EINVAL;
	}
	if (tm->txdone == TMBOX_TXDONE_POLL && tmbox_tx_busy(c))
		return -EBUSY;
	c->tx_done_at = ktime_add_us(ktime_get(), tx_busy_us);
	/* Pairs with tmbox_tx_busy()'s acquire: @tx_done_at first. */
	smp_store_release(&c->tx_pending, true);
	/* No barrier: see the top of this file. */
	c->out++;
	WRITE_ONCE(*tmbox_word(tm, i, 0), c->out);
	/* The acknowledgment: a latched doorbell comes next poll, or now. */
	if (c->rx_ack) {
		WRITE_ONCE(c->rx_masked, false);
		if (tm->irq)
			tmbox_rx_kick(tm);
	}
	return 0;
}

static int tmbox_startup(struct mbox_chan *chan)
{
	struct tmbox *tm = dev_get_drvdata(chan->mbox->dev);
	struct tmbox_chan *c = &tm->priv[chan - tm->chans];

	WRITE_ONCE(c->tx_pending, false);
	WRITE_ONCE(c->rx_masked, false);
	WRITE_ONCE(c->latched, startup_doorbell);
	/* Pairs with the acquire in tmbox_scan_rx(): @latched first. */
	smp_store_release(&c->started, true);
	/* The interrupt is enabled: a latched doorbell fires at once. */
	tmbox_rx_kick(tm);
	if (startup_delay_us)
		usleep_range(startup_delay_us, startup_delay_us + 100);
	return 0;
}

/*
 * After this returns no rx callback runs for @chan, as after free_irq():
 * the framework clears chan->cl next. hrtimer_cancel() waits for a poll
 * that is running (and may have seen @started still set); the restarted
 * timer sees it clear (the timer base's lock orders the store before it).
 * With an interrupt, synchronize_irq() waits for a running handler (or its
 * thread) the same way, and a later one sees @started clear (the full
 * barrier below pairs with the handler's acquire). No lock is held across
 * the client's callback, so the callback's context is exactly the timer's
 * or the interrupt handler's.
 */
static void tmbox_shutdown(struct mbox_chan *chan)
{
	struct tmbox *tm = dev_get_drvdata(chan->mbox->dev);

	WRITE_ONCE(tm->priv[chan - tm->chans].started, false);
	if (tm->irq) {
		/* @started before synchronize_irq() samples the handler. */
		smp_mb();
		synchronize_irq(tm->irq);
	}
	tmbox_restart_timer(tm, (u64)poll_us * NSEC_PER_USEC);
}

static bool tmbox_last_tx_done(struct mbox_chan *chan)
{
	struct tmbox *tm = dev_get_drvdata(chan->mbox->dev);

	return !tmbox_tx_busy(&tm->priv[chan - tm->chans]);
}

static const struct mbox_chan_ops tmbox_ops = {
	.send_data = tmbox_send_data,
	.startup = tmbox_startup,
	.shutdown = tmbox_shutdown,
	.last_tx_done = tmbox_last_tx_done,
};

/* Report TX done for each doorbell no longer pending (irq discipline). */
static void tmbox_scan_txdone(struct tmbox *tm)
{
	struct tmbox_chan *c;
	int i;

	if (tm->txdone != TMBOX_TXDONE_IRQ)
		return;
	for (i = 0; i < TMBOX_CHANNELS; i++) {
		c = &tm->priv[i];
		/* Pairs with tmbox_startup()'s release. */
		if (!smp_load_acquire(&c->started))
			continue;
		/* tmbox_tx_busy() re-reads @tx_pending with acquire. */
		if (READ_ONCE(c->tx_pending) && !tmbox_tx_busy(c)) {
			WRITE_ONCE(c->tx_pending, false);
			mbox_chan_txdone(&tm->chans[i], 0);
		}
	}
}

/*
 * Deliver a doorbell on each started channel whose remote-to-host counter
 * changed (or that has one latched). From the timer or the interrupt
 * handler, never both: @in_seen and @latched have one reader.
 */
static void tmbox_scan_rx(struct tmbox *tm)
{
	struct tmbox_chan *c;
	u32 v;
	int i;

	for (i = 0; i < TMBOX_CHANNELS; i++) {
		c = &tm->priv[i];
		/* Pairs with tmbox_startup()'s release. */
		if (!smp_load_acquire(&c->started))
			continue;
		/* Masked until acknowledged: the doorbell stays latched. */
		if (READ_ONCE(c->rx_masked))
			continue;
		v = READ_ONCE(*tmbox_word(tm, i, TMBOX_IN_OFFSET));
		if (v == c->in_seen && !READ_ONCE(c->latched))
			continue;
		WRITE_ONCE(c->latched, false);
		c->in_seen = v;
		/* Before the callback, whose acknowledgment clears it. */
		if (c->rx_ack)
			WRITE_ONCE(c->rx_masked, true);
		/*
		 * What readl() gives a real controller's handler: the status
		 * read is ordered before every later read.
		 */
		rmb();
		if (rx_delay_us)
			udelay(rx_delay_us);
		mbox_chan_received_data(&tm->chans[i], NULL);
	}
}

static enum hrtimer_restart tmbox_poll(struct hrtimer *t)
{
	struct tmbox *tm = container_of(t, struct tmbox, timer);

	tmbox_scan_txdone(tm);
	if (!tm->irq)
		tmbox_scan_rx(tm);
	hrtimer_forward_now(t, ns_to_ktime((u64)poll_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static irqreturn_t tmbox_irq(int irq, void *data)
{
	tmbox_scan_rx(data);
	return IRQ_HANDLED;
}

static void tmbox_cancel_timer(void *data)
{
	struct tmbox *tm = data;

	hrtimer_cancel(&tm->timer);
}

static int tmbox_get_txdone(struct tmbox *tm, struct device *dev)
{
	const char *name = txdone;
	int ret;

	if (!*name && of_property_read_string(dev->of_node, "cmshm,txdone",
					      &name))
		name = "irq";
	ret = match_string(tmbox_txdone_names,
			   ARRAY_SIZE(tmbox_txdone_names), name);
	if (ret < 0)
		return dev_err_probe(dev, -EINVAL,
				     "txdone %s: need irq, poll or ack\n", name);
	tm->txdone = ret;
	return 0;
}

static int tmbox_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct reserved_mem *rmem;
	struct device_node *np;
	struct tmbox *tm;
	int i, ret;

	if (!poll_us)
		return dev_err_probe(dev, -EINVAL, "poll_us must be > 0\n");
	tm = devm_kzalloc(dev, sizeof(*tm), GFP_KERNEL);
	if (!tm)
		return -ENOMEM;
	if (!strcmp(rx_context, "irq"))
		tm->mode = HRTIMER_MODE_REL;
	else if (!strcmp(rx_context, "hardirq"))
		tm->mode = HRTIMER_MODE_REL_HARD;
	else
		return dev_err_probe(dev, -EINVAL,
				     "rx_context must be irq or hardirq\n");
	ret = tmbox_get_txdone(tm, dev);
	if (ret)
		return ret;
	for (i = 0; i < rx_ack_count; i++) {
		if (rx_ack[i] >= TMBOX_CHANNELS)
			return dev_err_probe(dev, -EINVAL,
					     "rx_ack: no channel %u (0..%d)\n",
					     rx_ack[i], TMBOX_CHANNELS - 1);
		tm->priv[rx_ack[i]].rx_ack = true;
	}
	ret = devm_mutex_init(dev, &tm->sync_lock);
	if (ret)
		return ret;
	np = of_parse_phandle(dev->of_node, "memory-region", 0);
	if (!np)
		return dev_err_probe(dev, -EINVAL, "no memory-region\n");
	rmem = of_reserved_mem_lookup(np);
	of_node_put(np);
	if (!rmem || rmem->size < TMBOX_CHANNELS * TMBOX_SLOT)
		return dev_err_probe(dev, -EINVAL, "bad memory-region\n");
	tm->base = devm_memremap(dev, rmem->base, rmem->size, MEMREMAP_WC);
	if (IS_ERR(tm->base))
		return dev_err_probe(dev, PTR_ERR(tm->base), "cannot map\n");
	/* Doorbells rung before we were loaded are not latched. */
	for (i = 0; i < TMBOX_CHANNELS; i++)
		tm->priv[i].in_seen = READ_ONCE(*tmbox_word(tm, i,
							    TMBOX_IN_OFFSET));
	platform_set_drvdata(pdev, tm);

	hrtimer_setup(&tm->timer, tmbox_poll, CLOCK_MONOTONIC, tm->mode);
	ret = devm_add_action_or_reset(dev, tmbox_cancel_timer, tm);
	if (ret)
		return ret;

	/* Last before the controller: the handler reaches all of the above. */
	ret = platform_get_irq_optional(pdev, 0);
	if (ret > 0) {
		tm->irq = ret;
		ret = devm_request_irq(dev, tm->irq, tmbox_irq, 0,
				       dev_name(dev), tm);
		if (ret)
			return dev_err_probe(dev, ret, "cannot request irq %d\n",
					     tm->irq);
	} else if (ret != -ENXIO) {
		return dev_err_probe(dev, ret, "bad interrupts property\n");
	}

	tm->mbox.dev = dev;
	tm->mbox.chans = tm->chans;
	tm->mbox.num_chans = TMBOX_CHANNELS;
	tm->mbox.ops = &tmbox_ops;
	tm->mbox.txdone_irq = tm->txdone == TMBOX_TXDONE_IRQ;
	tm->mbox.txdone_poll = tm->txdone == TMBOX_TXDONE_POLL;
	tm->mbox.txpoll_period = 1;
	ret = devm_mbox_controller_register(dev, &tm->mbox);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register mailbox\n");
	hrtimer_start(&tm->timer, ns_to_ktime((u64)poll_us * NSEC_PER_USEC),
		      tm->mode);
	dev_info(dev, "txdone %s, doorbells pending %u us, %d rx_ack channel(s), receive by %s\n",
		 tmbox_txdone_names[tm->txdone], tx_busy_us, rx_ack_count,
		 tm->irq ? "interrupt" : "polling");
	return 0;
}

static const struct of_device_id tmbox_of_match[] = {
	{ .compatible = "cmshm,test-mailbox" },
	{ }
};
MODULE_DEVICE_TABLE(of, tmbox_of_match);

static struct platform_driver tmbox_driver = {
	.probe = tmbox_probe,
	.driver = {
		.name = "cmshm-test-mbox",
		.of_match_table = tmbox_of_match,
	},
};
module_platform_driver(tmbox_driver);

MODULE_DESCRIPTION("Shared-memory doorbell mailbox for testing cmshm");
MODULE_LICENSE("GPL");
