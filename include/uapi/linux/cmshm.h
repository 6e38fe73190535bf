/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * cmshm userspace ABI: /dev/cmshmN.
 *
 *   fd = open("/dev/cmshm0", O_RDWR);
 *   write(fd, msg, len);        one whole message to the remote core
 *   read(fd, buf, sizeof(buf)); one whole message from the remote core
 *   ioctl(fd, CMSHM_IOC_INFO, &info);
 *   mmap(NULL, info.app_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
 *           the application area, write-combined; after the device
 *           is unbound, touching the mapping raises SIGBUS
 *
 * poll(), for what this file can do (its open mode); nothing stays set on
 * a state only the remote can change, so a program sleeps in poll() while
 * the link is down:
 *   POLLIN  | POLLRDNORM  readable fd: a message waits, or read() would
 *                         return ECONNRESET/EPROTO (an unreported event)
 *   POLLOUT | POLLWRNORM  writable fd: a maximum-size message fits, or
 *                         write() would return an unreported event
 *   POLLPRI               link_state changed since this fd last called
 *                         CMSHM_IOC_INFO (or was opened): wait for the
 *                         link to come up with poll(POLLPRI), then INFO
 *   POLLERR               the remote broke the protocol since this fd's
 *                         previous poll(): once per error and fd (an
 *                         epoll_ctl(EPOLL_CTL_ADD) counts as a poll; the
 *                         error still comes as POLLPRI and from read()
 *                         and write())
 *   POLLHUP               the device was unbound (every call: ENODEV)
 * Link down is no bit at all: POLLIN/POLLOUT are simply absent.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef _UAPI_LINUX_CMSHM_H
#define _UAPI_LINUX_CMSHM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * The shared-memory protocol version that cmshm_info.version reports; the
 * same value as CMSHM_VERSION in include/cmshm/cmshm_layout.h (identical
 * definitions, so either header may come first).
 */
#define CMSHM_VERSION		2u

/* Values of cmshm_info.link_state and of sysfs link_state. */
#define CMSHM_LINK_STATE_DOWN	0	/* remote not attached */
#define CMSHM_LINK_STATE_UP	1	/* messages flow */
#define CMSHM_LINK_STATE_ERROR	2	/* remote broke the protocol */

/**
 * struct cmshm_counters - link statistics since the device was bound.
 * @tx_messages:      messages written to the remote.
 * @tx_bytes:         payload bytes written to the remote.
 * @rx_messages:      messages read from the remote.
 * @rx_bytes:         payload bytes read from the remote.
 * @doorbells_sent:   doorbells rung on the mailbox "tx" channel.
 * @doorbells_received: doorbells received on the mailbox "rx" channel
 *                    (polling mode: 0).
 * @doorbells_coalesced: doorbells not sent because one still queued in the
 *                    mailbox framework covers the new data.
 * @protocol_errors:  invalid values found in shared memory.
 * @peer_resets:      remote restarts seen after the link had been up.
 * @reserved:         zero.
 */
struct cmshm_counters {
	__u64 tx_messages;
	__u64 tx_bytes;
	__u64 rx_messages;
	__u64 rx_bytes;
	__u64 doorbells_sent;
	__u64 doorbells_received;
	__u64 doorbells_coalesced;
	__u64 protocol_errors;
	__u64 peer_resets;
	__u64 reserved[7];
};

/**
 * struct cmshm_info - CMSHM_IOC_INFO result.
 * @version:       shared-memory protocol version (CMSHM_VERSION).
 * @link_state:    CMSHM_LINK_STATE_*.
 * @region_size:   bytes of the reserved-memory region.
 * @app_size:      bytes of the application area; mmap offset 0 is its start.
 * @app_offset:    offset of the application area in the region (for the
 *                 remote's view of the same bytes).
 * @tx_ring_size:  bytes of the host-to-remote ring.
 * @rx_ring_size:  bytes of the remote-to-host ring.
 * @max_msg_size:  largest message in bytes for read() and write().
 * @flags:         CMSHM_INFO_F_*.
 * @reserved:      zero.
 * @counters:      statistics.
 */
struct cmshm_info {
	__u32 version;
	__u32 link_state;
	__u64 region_size;
	__u64 app_size;
	__u64 app_offset;
	__u32 tx_ring_size;
	__u32 rx_ring_size;
	__u32 max_msg_size;
	__u32 flags;
	__u64 reserved[4];
	struct cmshm_counters counters;
};

/* cmshm_info.flags: no mailbox, the driver polls the rings. */
#define CMSHM_INFO_F_POLLING	(1U << 0)

/*
 * 0xC5, numbers 0x00-0x0F: free in Documentation/userspace-api/ioctl/
 * ioctl-number.rst (checked against Linux 6.12 by tests/style/).
 */
#define CMSHM_IOC_MAGIC		0xC5
#define CMSHM_IOC_INFO		_IOR(CMSHM_IOC_MAGIC, 0x00, struct cmshm_info)

#endif /* _UAPI_LINUX_CMSHM_H */
