// SPDX-License-Identifier: GPL-2.0
/*
 * cmshm - message rings in reserved memory between Linux and a remote core.
 *
 * Binds to a "cmshm,shared-memory" device-tree node whose memory-region is
 * a no-map reserved-memory region, maps it write-combined, writes the
 * protocol header (include/cmshm/cmshm_layout.h), and exposes /dev/cmshmN
 * (cmshm_fops.c, its mmap() in cmshm_mmap.c) and its sysfs attributes
 * (cmshm_sysfs.c). Doorbells go through the mailbox framework ("tx"/"rx"
 * channels, or one bidirectional channel); without mboxes an hrtimer
 * polls (cmshm_doorbell.c). This file has the probe, the link handshake's
 * driver side and unbind.
 *
 * Lifetime: struct cmshm_dev embeds the class device; open files hold a
 * reference, so the struct outlives an unbind. Everything probe sets up is
 * undone by devm actions, in reverse order: unregister the node (mark gone,
 * wake waiters, zap user mappings), free the mailbox channels, cancel the
 * timer, cancel the link work, drop the probe's reference. The kernel
 * mapping of the region and the inode whose address_space open files use
 * belong to the refcounted struct (open files reach them) and go with the
 * last reference.
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
#include <linux/mount.h>
#include <linux/platform_device.h>
#include <linux/pseudo_fs.h>
#include <linux/random.h>
#include <linux/slab.h>

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

/* Of the internal filesystem that holds each device's inode (no mount point). */
#define CMSHM_FS_MAGIC		0x636d7368	/* "cmsh" */

static DEFINE_IDA(cmshm_ida);
static dev_t cmshm_devt;

/*
 * Each device has one inode on an internal filesystem, and every open file
 * uses its address_space (cmshm_open()), whichever device node it was
 * opened through, so that unbind reaches every mapping with one
 * unmap_mapping_range() (the pattern of drm_fs_inode_new() and VFIO). The
 * filesystem is pinned while a device holds an inode; simple_pin_fs()
 * serialises the count.
 *
 * The type has no .owner: a mount would hold a module reference while any
 * device is bound, and rmmod, which unbinds them, would always fail (as
 * virtio_balloon's internal filesystem, which also has none). It is safe:
 * the mount is internal (SB_KERNMOUNT), so the last simple_release_fs()
 * (cmshm_dev_release()) tears the superblock down before it returns, and
 * that release runs before the module can go (an open file holds the
 * module through cmshm_fops.owner, and unbind drops the probe's reference).
 */
static struct vfsmount *cmshm_mnt;
static int cmshm_mnt_count;

static int cmshm_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, CMSHM_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type cmshm_fs_type = {
	.name = "cmshm",
	.init_fs_context = cmshm_init_fs_context,
	.kill_sb = kill_anon_super,
};

/* Mode 0600 is devtmpfs's default for a node without a devnode() mode. */
static struct class cmshm_class = {
	.name = "cmshm",
};

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

static void cmshm_dev_release(struct device *dev)
{
	struct cmshm_dev *cmshm = container_of(dev, struct cmshm_dev, dev);

	if (cmshm->id >= 0)
		ida_free(&cmshm_ida, cmshm->id);
	if (cmshm->base)
		memunmap(cmshm->base);
	if (cmshm->inode) {
		iput(cmshm->inode);
		simple_release_fs(&cmshm_mnt, &cmshm_mnt_count);
	}
	mutex_destroy(&cmshm->lock);
	kfree(cmshm);
}

static void cmshm_put_dev(void *data)
{
	put_device(data);
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
	 * Every page a fault inserted while !gone goes; no fault inserts one
	 * from now on (cmshm_vm_fault() checks gone under the lock).
	 */
	unmap_mapping_range(cmshm->inode->i_mapping, 0, 0, 1);
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

/* The device's inode on the internal filesystem; see cmshm_mnt. */
static int cmshm_get_inode(struct cmshm_dev *cmshm, struct device *dev)
{
	struct inode *inode;
	int ret;

	ret = simple_pin_fs(&cmshm_fs_type, &cmshm_mnt, &cmshm_mnt_count);
	if (ret)
		return dev_err_probe(dev, ret, "cannot mount cmshm's filesystem\n");
	inode = alloc_anon_inode(cmshm_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		simple_release_fs(&cmshm_mnt, &cmshm_mnt_count);
		return dev_err_probe(dev, PTR_ERR(inode),
				     "cannot allocate an inode\n");
	}
	cmshm->inode = inode;
	return 0;
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

	ret = cmshm_get_inode(cmshm, dev);
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
		if (of_property_read_bool(dev->of_node, "cmshm,rx-ack"))
			return dev_err_probe(dev, -EINVAL,
					     "cmshm,rx-ack needs channels \"tx\" and \"rx\"\n");
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
