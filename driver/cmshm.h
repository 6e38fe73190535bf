/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmshm - message rings in reserved memory between Linux and a remote core.
 * Internal definitions shared by the driver's files.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_DRIVER_H
#define CMSHM_DRIVER_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/mailbox_client.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <linux/cmshm.h>
#include <cmshm/cmshm_link.h>

/* Remote-written words the polling timer watches (cmshm_poll_timer()). */
#define CMSHM_POLL_WORDS	5

/*
 * Values of cmshm_dev.db_state. At most one doorbell is handed to the
 * mailbox framework at a time, so its queue never fills and a doorbell is
 * never sent from it on another CPU long after the data it covers.
 */
#define CMSHM_DB_IDLE		0	/* no doorbell in the framework */
#define CMSHM_DB_BUSY		1	/* one sent, not yet reported done */
#define CMSHM_DB_AGAIN		2	/* BUSY, and data was published since */

/**
 * struct cmshm_dev - one bound cmshm node.
 * @dev:            class device; its release frees this struct, so the
 *                  struct lives until the last open file is closed.
 * @cdev:           character device /dev/cmshm@id.
 * @id:             minor number and N of /dev/cmshmN; -1 until probe takes
 *                  it and after unbind gives it back.
 * @base:           write-combined mapping of the region; unmapped when the
 *                  last reference goes. Written through at probe, then only
 *                  while !@gone under @lock (mmap() maps @phys, not this).
 * @inode:          inode on cmshm's internal filesystem whose address_space
 *                  every open file uses, so unbind zaps every mapping.
 * @phys:           physical address of the region.
 * @size:           bytes in the region.
 * @layout:         private copy of the header written at probe; the driver
 *                  never reads the shared header back.
 * @poll_interval:  polling-mode period, or 0 with a mailbox.
 * @poll_timer:     polling-mode hrtimer.
 * @poll_seen:      the remote-written words at the last tick (polling
 *                  mode; the hrtimer's alone).
 * @tx_cl:          mailbox client of @tx_chan, also of @rx_chan when the
 *                  one channel is bidirectional: its tx_done drives the
 *                  doorbell state machine (cmshm_mbox_tx_done()).
 * @rx_cl:          mailbox client of a separate @rx_chan: receive
 *                  callback only, so what is sent on @rx_chan (the
 *                  acknowledgments of @rx_ack) never reaches @db_state.
 * @tx_chan:        doorbell to the remote, or NULL in polling mode.
 * @rx_chan:        doorbell from the remote (may equal @tx_chan), or NULL.
 *                  Stored once by probe, after the channel's receive
 *                  callback may already have run (see @rx_ack_owed).
 * @db_ack:         the controller reports TX done neither by interrupt nor
 *                  by polling: cmshm_kick() reports it (knows_txdone).
 * @rx_ack:         "cmshm,rx-ack": acknowledge every doorbell received on
 *                  a separate @rx_chan with an empty message on it
 *                  (cmshm_mbox_rx()). Set before @rx_chan is requested.
 * @rx_ack_owed:    a doorbell came before probe stored @rx_chan, so its
 *                  acknowledgment is owed; taken with atomic_xchg() by
 *                  whichever of the callback and probe sees the other's
 *                  store (cmshm_rx_ack_owed()).
 * @db_state:       CMSHM_DB_*; changed only by fully ordered atomics, see
 *                  cmshm_kick().
 * @db_sent:        counter, see struct cmshm_counters.
 * @db_received:    counter.
 * @db_coalesced:   counter.
 * @db_ack_failed:  counter: acknowledgments (@rx_ack) the framework
 *                  refused (sysfs only: not in struct cmshm_counters).
 * @link_work:      follows the remote's control block after a doorbell or
 *                  timer tick, so the handshake completes with no reader.
 * @wq:             readers, writers and pollers wait here.
 * @wake_seq:       bumped before every wake-up of @wq; a waiter samples it
 *                  before looking at the rings, so no wake-up is missed.
 * @lock:           guards every field below, the rings and the link, and
 *                  all access to shared memory except the doorbell path.
 *                  Held only for bounded work: never across a sleep, and
 *                  never across a fault on user memory (read() and write()
 *                  copy with page faults disabled and fault the buffer in
 *                  after dropping it), so one caller's slow fault never
 *                  stalls another. Taken under mmap_lock by the page fault
 *                  of a mapping (cmshm_vm_fault()), so nothing may take
 *                  mmap_lock while holding it.
 * @gone:           the device was unbound; written under @lock, read also
 *                  locklessly (READ_ONCE) by waiters, by mmap() and by the
 *                  tx-done callback (cmshm_mbox_tx_done()).
 * @link:           handshake state.
 * @tx:             host-to-remote ring (we produce).
 * @rx:             remote-to-host ring (we consume).
 * @link_state:     CMSHM_LINK_STATE_*; changed only by cmshm_set_link_state().
 * @link_gen:       bumped on every change of @link_state; an open file
 *                  whose copy differs gets EPOLLPRI until CMSHM_IOC_INFO.
 * @event_gen:      bumped on each peer reset or protocol error; an open
 *                  file reports -@event_err once per direction when its
 *                  copy differs.
 * @event_err:      ECONNRESET or EPROTO: the latest event.
 * @stats:          message, byte, error and reset counters (doorbell
 *                  counters are the atomics above).
 */
struct cmshm_dev {
	struct device dev;
	struct cdev cdev;
	int id;
	void *base;
	struct inode *inode;
	phys_addr_t phys;
	u32 size;
	struct cmshm_header layout;
	u32 poll_interval;
	struct hrtimer poll_timer;
	u32 poll_seen[CMSHM_POLL_WORDS];
	struct mbox_client tx_cl;
	struct mbox_client rx_cl;
	struct mbox_chan *tx_chan;
	struct mbox_chan *rx_chan;
	bool db_ack;
	bool rx_ack;
	atomic_t rx_ack_owed;
	atomic_t db_state;
	atomic64_t db_sent;
	atomic64_t db_received;
	atomic64_t db_coalesced;
	atomic64_t db_ack_failed;
	struct work_struct link_work;
	wait_queue_head_t wq;
	atomic_t wake_seq;

	/* Guards the fields below, the rings and the link; see above. */
	struct mutex lock;
	bool gone;
	struct cmshm_link link;
	struct cmshm_ring tx;
	struct cmshm_ring rx;
	u32 link_state;
	u32 link_gen;
	u32 event_gen;
	int event_err;
	struct cmshm_counters stats;
};

/**
 * struct cmshm_file - per open file state.
 * @cmshm:  the device; a reference is held while the file is open.
 * @rd_gen: event_gen last reported by read() (or seen at open).
 * @wr_gen: event_gen last reported by write() (or seen at open).
 * @poll_gen: event_gen last looked at by poll() (EPOLLERR once).
 * @link_gen: cmshm->link_gen last read back by CMSHM_IOC_INFO (or seen at
 *            open): poll() reports EPOLLPRI while it differs.
 *
 * All four are guarded by cmshm->lock.
 */
struct cmshm_file {
	struct cmshm_dev *cmshm;
	u32 rd_gen;
	u32 wr_gen;
	u32 poll_gen;
	u32 link_gen;
};

/* cmshm_fops.c */
extern const struct file_operations cmshm_fops;

/* cmshm_mmap.c */
int cmshm_mmap(struct file *file, struct vm_area_struct *vma);

/* cmshm_sysfs.c */
extern const struct attribute_group *cmshm_groups[];

/* cmshm_doorbell.c */
void cmshm_wake(struct cmshm_dev *cmshm);
void cmshm_kick(struct cmshm_dev *cmshm);
int cmshm_get_mailbox(struct cmshm_dev *cmshm, struct device *dev);
enum hrtimer_restart cmshm_poll_timer(struct hrtimer *t);

/* cmshm_core.c */
void cmshm_link_sync(struct cmshm_dev *cmshm);
void cmshm_set_link_state(struct cmshm_dev *cmshm, u32 state);
void cmshm_protocol_error(struct cmshm_dev *cmshm, const char *what);

#endif /* CMSHM_DRIVER_H */
