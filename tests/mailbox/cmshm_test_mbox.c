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
 * send_data() increments the first counter. A hard-IRQ hrtimer polls the
 * second counter of every started channel and calls
 * mbox_chan_received_data() from hard-IRQ context when it changed, which is
 * what a real MU/IPCC interrupt handler gives a mailbox client. Tx is done
 * as soon as the counter is stored (txdone_poll, last_tx_done() true).
 *
 * Copyright (C) 2026 The cmshm authors
 */

#include <linux/hrtimer.h>
#include <linux/io.h>
#include <linux/mailbox_controller.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/platform_device.h>

#define TMBOX_CHANNELS		8
#define TMBOX_SLOT		128
#define TMBOX_IN_OFFSET		64

static unsigned int poll_us = 100;
module_param(poll_us, uint, 0444);
MODULE_PARM_DESC(poll_us, "Doorbell polling period in microseconds (default 100)");

/**
 * struct tmbox_chan - per-channel state.
 * @started: the channel is requested; read by the hrtimer (READ_ONCE).
 * @out:     private copy of our host-to-remote counter.
 * @in_seen: last remote-to-host counter value seen (hrtimer only).
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
 * @timer: doorbell poller (hard-IRQ mode).
 */
struct tmbox {
	struct mbox_controller mbox;
	struct mbox_chan chans[TMBOX_CHANNELS];
	struct tmbox_chan priv[TMBOX_CHANNELS];
	void *base;
	struct hrtimer timer;
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

	tm->priv[i].in_seen = READ_ONCE(*tmbox_word(tm, i, TMBOX_IN_OFFSET));
	WRITE_ONCE(tm->priv[i].started, true);
	return 0;
}

static void tmbox_shutdown(struct mbox_chan *chan)
{
	struct tmbox *tm = dev_get_drvdata(chan->mbox->dev);

	WRITE_ONCE(tm->priv[chan - tm->chans].started, false);
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
	u32 v;
	int i;

	for (i = 0; i < TMBOX_CHANNELS; i++) {
		if (!READ_ONCE(tm->priv[i].started))
			continue;
		v = READ_ONCE(*tmbox_word(tm, i, TMBOX_IN_OFFSET));
		if (v == tm->priv[i].in_seen)
			continue;
		tm->priv[i].in_seen = v;
		/* The remote's shared-memory stores are visible after this. */
		rmb();
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

	hrtimer_init(&tm->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	tm->timer.function = tmbox_poll;
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
		      HRTIMER_MODE_REL_HARD);
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
