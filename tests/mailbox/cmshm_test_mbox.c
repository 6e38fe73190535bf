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
 * send_data() increments the first counter. An hrtimer polls the second
 * counter of every started channel and calls mbox_chan_received_data() when
 * it changed. By default the timer is HRTIMER_MODE_REL, which the kernel
 * runs where it runs an ordinary interrupt handler: in hard-IRQ context
 * without PREEMPT_RT (like imx-mu or omap-mailbox), and in a preemptible
 * thread with PREEMPT_RT, where every handler not marked IRQF_NO_THREAD is
 * force-threaded (like stm32-ipcc's threaded handler everywhere). That is
 * the context every real controller gives a mailbox client's rx callback.
 * rx_context=hardirq makes the timer HRTIMER_MODE_REL_HARD: true hard-IRQ
 * context on every kernel, which on PREEMPT_RT forbids what an IRQ thread
 * may do (a test of the debug RT kernel's DEBUG_ATOMIC_SLEEP uses it).
 *
 * Tx is done as soon as the counter is stored (txdone_poll, last_tx_done()
 * always true). shutdown() returns only when no receive callback for the
 * channel can run any more: the framework clears chan->cl right after it.
 *
 * Copyright (C) 2026 The cmshm authors
 */

#include <linux/delay.h>
#include <linux/hrtimer.h>
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

/**
 * struct tmbox_chan - per-channel state.
 * @started: the channel is requested: set by startup() (release, after
 *           @in_seen), cleared by shutdown(), read by the hrtimer
 *           (acquire).
 * @out:     private copy of our host-to-remote counter.
 * @in_seen: last remote-to-host counter value seen (hrtimer only while
 *           @started; startup() before it sets @started).
 */
struct tmbox_chan {
	bool started;
	u32 out;
	u32 in_seen;
};

/**
 * struct tmbox - one controller.
 * @mbox:  the controller.
 * @chans: framework channels.
 * @priv:  our per-channel state.
 * @base:  doorbell region, write-combined.
 * @timer: doorbell poller.
 * @mode:  HRTIMER_MODE_REL or HRTIMER_MODE_REL_HARD (see rx_context).
 * @sync_lock: serializes shutdown()'s cancel and restart of @timer.
 */
struct tmbox {
	struct mbox_controller mbox;
	struct mbox_chan chans[TMBOX_CHANNELS];
	struct tmbox_chan priv[TMBOX_CHANNELS];
	void *base;
	struct hrtimer timer;
	enum hrtimer_mode mode;
	struct mutex sync_lock;	/* shutdown()'s cancel + restart of @timer */
};

static u32 *tmbox_word(struct tmbox *tm, int i, unsigned int off)
{
	return tm->base + i * TMBOX_SLOT + off;
}

static int tmbox_send_data(struct mbox_chan *chan, void *data)
{
	struct tmbox *tm = dev_get_drvdata(chan->mbox->dev);
	int i = chan - tm->chans;

	tm->priv[i].out++;
	/* The client's shared-memory stores before the doorbell. */
	wmb();
	WRITE_ONCE(*tmbox_word(tm, i, 0), tm->priv[i].out);
	return 0;
}

static int tmbox_startup(struct mbox_chan *chan)
{
	struct tmbox *tm = dev_get_drvdata(chan->mbox->dev);
	int i = chan - tm->chans;
	struct tmbox_chan *c = &tm->priv[i];

	c->in_seen = READ_ONCE(*tmbox_word(tm, i, TMBOX_IN_OFFSET));
	/* Pairs with the acquire in tmbox_poll(): @in_seen first. */
	smp_store_release(&c->started, true);
	return 0;
}

/*
 * After this returns no rx callback runs for @chan, as after free_irq():
 * the framework clears chan->cl next. hrtimer_cancel() waits for a poll
 * that is running (and may have seen @started still set); the restarted
 * timer sees it clear (the timer base's lock orders the store before it).
 * No lock is held across the client's callback, so the callback's context
 * is exactly the timer's, in either rx_context.
 */
static void tmbox_shutdown(struct mbox_chan *chan)
{
	struct tmbox *tm = dev_get_drvdata(chan->mbox->dev);

	WRITE_ONCE(tm->priv[chan - tm->chans].started, false);
	mutex_lock(&tm->sync_lock);
	hrtimer_cancel(&tm->timer);
	hrtimer_start(&tm->timer, ns_to_ktime((u64)poll_us * NSEC_PER_USEC),
		      tm->mode);
	mutex_unlock(&tm->sync_lock);
}

static bool tmbox_last_tx_done(struct mbox_chan *chan)
{
	return true;
}

static const struct mbox_chan_ops tmbox_ops = {
	.send_data = tmbox_send_data,
	.startup = tmbox_startup,
	.shutdown = tmbox_shutdown,
	.last_tx_done = tmbox_last_tx_done,
};

static enum hrtimer_restart tmbox_poll(struct hrtimer *t)
{
	struct tmbox *tm = container_of(t, struct tmbox, timer);
	struct tmbox_chan *c;
	u32 v;
	int i;

	for (i = 0; i < TMBOX_CHANNELS; i++) {
		c = &tm->priv[i];
		/* Pairs with tmbox_startup()'s release: @in_seen is set. */
		if (!smp_load_acquire(&c->started))
			continue;
		v = READ_ONCE(*tmbox_word(tm, i, TMBOX_IN_OFFSET));
		if (v == c->in_seen)
			continue;
		c->in_seen = v;
		/* The remote's shared-memory stores are visible after this. */
		rmb();
		if (rx_delay_us)
			udelay(rx_delay_us);
		mbox_chan_received_data(&tm->chans[i], NULL);
	}
	hrtimer_forward_now(t, ns_to_ktime((u64)poll_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void tmbox_cancel_timer(void *data)
{
	struct tmbox *tm = data;

	hrtimer_cancel(&tm->timer);
}

static int tmbox_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct reserved_mem *rmem;
	struct device_node *np;
	struct tmbox *tm;
	int ret;

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
	platform_set_drvdata(pdev, tm);

	hrtimer_setup(&tm->timer, tmbox_poll, CLOCK_MONOTONIC, tm->mode);
	ret = devm_add_action_or_reset(dev, tmbox_cancel_timer, tm);
	if (ret)
		return ret;

	tm->mbox.dev = dev;
	tm->mbox.chans = tm->chans;
	tm->mbox.num_chans = TMBOX_CHANNELS;
	tm->mbox.ops = &tmbox_ops;
	tm->mbox.txdone_poll = true;
	tm->mbox.txpoll_period = 1;
	ret = devm_mbox_controller_register(dev, &tm->mbox);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register mailbox\n");
	hrtimer_start(&tm->timer, ns_to_ktime((u64)poll_us * NSEC_PER_USEC),
		      tm->mode);
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
