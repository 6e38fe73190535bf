// SPDX-License-Identifier: GPL-2.0
/*
 * cmshm - /sys/class/cmshm/cmshmN/ attributes (see
 * Documentation/ABI/testing/sysfs-class-cmshm). Reading one changes
 * nothing: the link state is what the link work last saw.
 *
 * Copyright (C) 2026 The cmshm authors
 */

#include <linux/device.h>
#include <linux/sysfs.h>

#include "cmshm.h"

static const char * const cmshm_link_state_names[] = {
	[CMSHM_LINK_STATE_DOWN] = "down",
	[CMSHM_LINK_STATE_UP] = "up",
	[CMSHM_LINK_STATE_ERROR] = "error",
};

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
CMSHM_STAT_ATTR(doorbell_acks_failed, atomic64_read(&cmshm->db_ack_failed));
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
	&dev_attr_doorbell_acks_failed.attr,
	&dev_attr_protocol_errors.attr,
	&dev_attr_peer_resets.attr,
	NULL,
};

static const struct attribute_group cmshm_stat_group = {
	.name = "statistics",
	.attrs = cmshm_stat_attrs,
};

const struct attribute_group *cmshm_groups[] = {
	&cmshm_group,
	&cmshm_stat_group,
	NULL,
};
