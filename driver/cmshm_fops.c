// SPDX-License-Identifier: GPL-2.0
/*
 * cmshm - /dev/cmshmN file operations.
 *
 *   read()   one whole message; blocks until one arrives (-EAGAIN with
 *            O_NONBLOCK); -EMSGSIZE if it does not fit (it stays queued)
 *   write()  one whole message of 1..max_msg_size bytes (-EMSGSIZE above);
 *            blocks while the ring is full or the link is down
 *   poll()   see cmshm_poll() and include/uapi/linux/cmshm.h
 *   mmap()   the application area, MAP_SHARED, write-combined
 *            (cmshm_mmap.c)
 *   ioctl()  CMSHM_IOC_INFO
 *
 * After the remote restarted, read() and write() each return -ECONNRESET
 * once per open file; after the remote broke the protocol, -EPROTO once.
 * After unbind every call returns -ENODEV (poll: EPOLLHUP) and a mapping
 * of the application area raises SIGBUS. lseek() fails with -ESPIPE
 * (stream_open()).
 *
 * cmshm->lock is never held across a fault on user memory: read() and
 * write() copy between the user's buffer and the ring with page faults
 * disabled, and on a fault drop the lock, fault the buffer in (which may
 * sleep for as long as userfaultfd, FUSE or swap take) and start again.
 * So a caller whose buffer faults slowly stalls only itself, never the
 * other direction, poll(), sysfs, the link work or unbind.
 *
 * Copyright (C) 2026 The cmshm authors
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cmshm.h"
#include "cmshm_compat.h"

static int cmshm_open(struct inode *inode, struct file *file)
{
	struct cmshm_dev *cmshm = container_of(inode->i_cdev,
					       struct cmshm_dev, cdev);
	struct cmshm_file *cf;

	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	mutex_lock(&cmshm->lock);
	if (cmshm->gone) {
		mutex_unlock(&cmshm->lock);
		kfree(cf);
		return -ENODEV;
	}
	get_device(&cmshm->dev);
	/* One address_space per device, so unbind can zap every mapping. */
	file->f_mapping = cmshm->inode->i_mapping;
	cf->cmshm = cmshm;
	cf->rd_gen = cmshm->event_gen;
	cf->wr_gen = cmshm->event_gen;
	cf->poll_gen = cmshm->event_gen;
	cf->link_gen = cmshm->link_gen;
	mutex_unlock(&cmshm->lock);
	file->private_data = cf;
	return stream_open(inode, file);
}

/*
 * Before a caller may wait for the remote, or stops reading: ring the
 * space doorbell read() held back (cmshm_link_peer_wants_space()), if the
 * remote still waits for that space (cmshm_link_held_space(): full
 * barrier, one load of its want word). Only while the link is up: the
 * hold belongs to this session's ring. cmshm->lock held, device not gone.
 */
static void cmshm_ring_held_space(struct cmshm_dev *cmshm)
{
	lockdep_assert_held(&cmshm->lock);
	if (cmshm->link_state == CMSHM_LINK_STATE_UP &&
	    cmshm_link_held_space(&cmshm->link))
		cmshm_kick(cmshm);
}

static int cmshm_release(struct inode *inode, struct file *file)
{
	struct cmshm_file *cf = file->private_data;
	struct cmshm_dev *cmshm = cf->cmshm;

	/* A reader that leaves rings a space doorbell read() held back. */
	mutex_lock(&cmshm->lock);
	if (!cmshm->gone)
		cmshm_ring_held_space(cmshm);
	mutex_unlock(&cmshm->lock);
	put_device(&cmshm->dev);
	kfree(cf);
	return 0;
}

/*
 * Common entry of read and write, cmshm->lock held: the device is there,
 * an event not yet reported to this file is returned (once), and the link
 * is up. -EAGAIN means "wait".
 *
 * The remote's control block is followed here only while the link is not
 * up. While it is up, a change of it comes with a doorbell (the remote
 * rings after it starts and after it acknowledges) or a polling tick, and
 * cmshm_link_work() follows it; a ring call racing with a restart the link
 * work has not seen yet finds an index moved backwards, and
 * cmshm_ring_failed() follows the link then. Until then the rings are used
 * with the session last seen: what is written meanwhile is in the restart
 * loss window of Documentation/protocol.rst, and nothing the restarted
 * remote writes is read before our acknowledgment resets our indices.
 */
static int cmshm_enter(struct cmshm_dev *cmshm, u32 *gen)
{
	if (cmshm->gone)
		return -ENODEV;
	if (cmshm->link_state != CMSHM_LINK_STATE_UP)
		cmshm_link_sync(cmshm);
	if (*gen != cmshm->event_gen) {
		*gen = cmshm->event_gen;
		return -cmshm->event_err;
	}
	if (cmshm->link_state != CMSHM_LINK_STATE_UP)
		return -EAGAIN;
	return 0;
}

/*
 * A ring call returned -EPROTO, cmshm->lock held. A remote that restarts
 * zeroes its indices, so the bad index may be that restart racing our read:
 * then follow the link (the reset is reported by cmshm_enter()) and return
 * false so the caller retries once. Otherwise it is a violation: fail
 * closed, mark it reported to this caller, and return true.
 */
static bool cmshm_ring_failed(struct cmshm_dev *cmshm, const char *ring,
			      u32 *gen, bool retried)
{
	if (!retried && !cmshm_link_peer_unchanged(&cmshm->link)) {
		cmshm_link_sync(cmshm);
		return false;
	}
	cmshm_protocol_error(cmshm, ring);
	if (gen)
		*gen = cmshm->event_gen;
	return true;
}

/* Sleep until the next wake-up after @seq; 0 or -ERESTARTSYS. */
static int cmshm_wait(struct cmshm_dev *cmshm, struct file *file, int seq)
{
	if (file->f_flags & O_NONBLOCK)
		return -EAGAIN;
	return wait_event_interruptible(cmshm->wq,
					atomic_read(&cmshm->wake_seq) != seq);
}

/**
 * struct cmshm_io - one read() or write() in progress.
 * @tx:   write(): reserve @len bytes in the host-to-remote ring;
 *        read(): find the next message in the remote-to-host ring.
 * @len:  write(): bytes to reserve; read(): set to the message length.
 * @slot: write(): where the message is copied to.
 * @msg:  read(): the message in shared memory.
 */
struct cmshm_io {
	bool tx;
	u32 len;
	void *slot;
	const void *msg;
};

/* The ring operation of @io, once; cmshm->lock held. */
static int cmshm_io_try(struct cmshm_dev *cmshm, struct cmshm_io *io)
{
	if (io->tx)
		return cmshm_ring_reserve(&cmshm->tx, io->len, &io->slot);
	return cmshm_ring_peek(&cmshm->rx, &io->msg, &io->len);
}

/*
 * Wait until the ring operation of @io succeeds, for read() and write().
 * Returns 0 with cmshm->lock held, or with it released: -ENODEV,
 * -ECONNRESET or -EPROTO (once per open file and direction), -EAGAIN
 * (O_NONBLOCK), -ERESTARTSYS.
 */
static int cmshm_io_begin(struct cmshm_file *cf, struct file *file,
			  struct cmshm_io *io)
{
	struct cmshm_dev *cmshm = cf->cmshm;
	u32 *gen = io->tx ? &cf->wr_gen : &cf->rd_gen;
	bool retried = false;
	int seq, ret;

	for (;;) {
		/* Acquire: pairs with cmshm_wake(); the rings are read after. */
		seq = atomic_read_acquire(&cmshm->wake_seq);
		mutex_lock(&cmshm->lock);
		ret = cmshm_enter(cmshm, gen);
		if (!ret) {
			ret = cmshm_io_try(cmshm, io);
			/*
			 * Full or empty: ask the remote for a doorbell, then
			 * look once more before sleeping (cmshm_link_want()).
			 */
			if (ret == -EAGAIN &&
			    cmshm_link_want(&cmshm->link, io->tx ?
					    CMSHM_WANT_SPACE : CMSHM_WANT_DATA))
				ret = cmshm_io_try(cmshm, io);
			if (!ret) {
				cmshm_link_unwant(&cmshm->link, io->tx ?
						  CMSHM_WANT_SPACE :
						  CMSHM_WANT_DATA);
				return 0;
			}
			/* About to wait for the remote: nothing held back. */
			if (ret == -EAGAIN)
				cmshm_ring_held_space(cmshm);
			if (ret == -EPROTO &&
			    !cmshm_ring_failed(cmshm, io->tx ?
					       "host-to-remote ring" :
					       "remote-to-host ring",
					       gen, retried)) {
				mutex_unlock(&cmshm->lock);
				retried = true;
				continue;
			}
		}
		mutex_unlock(&cmshm->lock);
		if (ret != -EAGAIN)
			return ret;
		ret = cmshm_wait(cmshm, file, seq);
		if (ret)
			return ret;
		/* One restart race per look at the rings, not per call. */
		retried = false;
	}
}

/**
 * cmshm_read() - receive one whole message.
 * @file:  an open /dev/cmshmN.
 * @buf:   user buffer.
 * @count: bytes at @buf.
 * @ppos:  unused (stream).
 *
 * Process context; sleeps (interruptibly) until a message arrives unless
 * O_NONBLOCK. The payload is copied out of shared memory under
 * cmshm->lock with page faults disabled; if @buf is not resident the lock
 * is dropped, @buf is faulted in with fault_in_safe_writeable() (which
 * writes nothing) and the call starts over: the message stays queued
 * meanwhile, so it is the next one read unless the remote restarts.
 * After the release, the space check (cmshm_link_peer_wants_space()) may
 * load the remote's head again; a bad one fails the link as a ring call's
 * would, and this caller, whose message was good, sees -EPROTO on its
 * next call.
 *
 * Return: the message length; 0 for @count 0; -EMSGSIZE if the message
 * is longer than @count (it stays queued); -EFAULT if @buf cannot be
 * written (it stays queued); -EINTR if killed while faulting @buf in; the
 * errors of cmshm_io_begin().
 */
static ssize_t cmshm_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct cmshm_file *cf = file->private_data;
	struct cmshm_dev *cmshm = cf->cmshm;
	struct cmshm_io io = { .tx = false };
	ssize_t ret;
	int space;

	if (!count)
		return 0;
	for (;;) {
		ret = cmshm_io_begin(cf, file, &io);
		if (ret)
			return ret;
		if (io.len > count) {
			ret = -EMSGSIZE;
			break;
		}
		if (!copy_to_user_nofault(buf, io.msg, io.len)) {
			cmshm_ring_release(&cmshm->rx);
			cmshm->stats.rx_messages++;
			cmshm->stats.rx_bytes += io.len;
			/* Space matters to a remote waiting for it: batched. */
			space = cmshm_link_peer_wants_space(&cmshm->link);
			if (space > 0)
				cmshm_kick(cmshm);
			else if (space < 0)
				/* A bad head, after a good message: next call. */
				cmshm_ring_failed(cmshm, "remote-to-host ring",
						  NULL, false);
			ret = io.len;
			break;
		}
		/* Not resident: fault it in with no lock held, then retry. */
		mutex_unlock(&cmshm->lock);
		if (fault_in_safe_writeable(buf, io.len))
			return -EFAULT;
		/* As generic_perform_write(): a killed task does not loop. */
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	mutex_unlock(&cmshm->lock);
	return ret;
}

/**
 * cmshm_write() - send one whole message.
 * @file:  an open /dev/cmshmN.
 * @buf:   the message.
 * @count: its length, 1..max_msg_size bytes.
 * @ppos:  unused (stream).
 *
 * Process context; sleeps (interruptibly) while the ring is full or the
 * link is down unless O_NONBLOCK. The payload is copied into the reserved
 * record under cmshm->lock with page faults disabled; if @buf is not
 * resident the lock is dropped with nothing published, @buf is faulted
 * in with fault_in_readable() and the call starts over.
 *
 * Return: @count; 0 for @count 0; -EMSGSIZE above max_msg_size; -EFAULT if
 * @buf cannot be read (nothing is sent); -EINTR if killed while faulting
 * @buf in; the errors of cmshm_io_begin().
 */
static ssize_t cmshm_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	struct cmshm_file *cf = file->private_data;
	struct cmshm_dev *cmshm = cf->cmshm;
	struct cmshm_io io = { .tx = true, .len = count };
	ssize_t ret;

	if (!count)
		return 0;
	/* max_msg is fixed at probe. */
	if (count > cmshm->tx.max_msg)
		return -EMSGSIZE;
	for (;;) {
		ret = cmshm_io_begin(cf, file, &io);
		if (ret)
			return ret;
		if (!copy_from_user_nofault(io.slot, buf, count)) {
			cmshm_ring_commit(&cmshm->tx);
			cmshm->stats.tx_messages++;
			cmshm->stats.tx_bytes += count;
			if (cmshm_link_peer_wants(&cmshm->link,
						  CMSHM_WANT_DATA))
				cmshm_kick(cmshm);
			ret = count;
			break;
		}
		/* Nothing is published: the reservation is dropped. */
		mutex_unlock(&cmshm->lock);
		if (fault_in_readable(buf, count))
			return -EFAULT;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	mutex_unlock(&cmshm->lock);
	return ret;
}

/**
 * cmshm_poll() - what read(), write() and CMSHM_IOC_INFO would do now.
 * @file: an open /dev/cmshmN.
 * @wait: poll table.
 *
 * Process context; takes cmshm->lock. Every bit is for what this file can
 * do (its open mode), and nothing is level-triggered on a state a program
 * cannot change, so a program sleeps in poll() while the link is down:
 *
 *   EPOLLIN | EPOLLRDNORM   readable file: a message waits, or read() would
 *                           return an unreported ECONNRESET/EPROTO at once
 *   EPOLLOUT | EPOLLWRNORM  writable file: a maximum-size message fits, or
 *                           write() would return an unreported event
 *   EPOLLPRI                the link state changed since this file last
 *                           read it with CMSHM_IOC_INFO (or opened)
 *   EPOLLERR                the remote broke the protocol since this
 *                           file's previous poll(): reported once
 *   EPOLLHUP                the device was unbound
 *
 * Return: the mask above.
 */
static __poll_t cmshm_poll(struct file *file, poll_table *wait)
{
	struct cmshm_file *cf = file->private_data;
	struct cmshm_dev *cmshm = cf->cmshm;
	bool rd = file->f_mode & FMODE_READ;
	bool wr = file->f_mode & FMODE_WRITE;
	__poll_t mask = 0;
	const void *msg;
	u32 len;
	int ret;

	poll_wait(file, &cmshm->wq, wait);
	mutex_lock(&cmshm->lock);
	if (cmshm->gone) {
		mask = EPOLLHUP;
		goto unlock;
	}
	/* As cmshm_enter(): the link work follows an up link. */
	if (cmshm->link_state != CMSHM_LINK_STATE_UP)
		cmshm_link_sync(cmshm);
	/* Nothing to read or no room: ask for a doorbell, look again. */
	if (rd && cmshm->link_state == CMSHM_LINK_STATE_UP) {
		ret = cmshm_ring_peek(&cmshm->rx, &msg, &len);
		if (ret == -EAGAIN &&
		    cmshm_link_want(&cmshm->link, CMSHM_WANT_DATA))
			ret = cmshm_ring_peek(&cmshm->rx, &msg, &len);
		if (!ret)
			mask |= EPOLLIN | EPOLLRDNORM;
		else if (ret == -EPROTO)
			cmshm_ring_failed(cmshm, "remote-to-host ring", NULL,
					  false);
	}
	if (wr && cmshm->link_state == CMSHM_LINK_STATE_UP) {
		ret = cmshm_ring_can_write(&cmshm->tx, cmshm->tx.max_msg);
		if (!ret && cmshm_link_want(&cmshm->link, CMSHM_WANT_SPACE))
			ret = cmshm_ring_can_write(&cmshm->tx,
						   cmshm->tx.max_msg);
		if (ret > 0)
			mask |= EPOLLOUT | EPOLLWRNORM;
		else if (ret == -EPROTO)
			cmshm_ring_failed(cmshm, "host-to-remote ring", NULL,
					  false);
	}
	/* An unreported event makes read()/write() return at once. */
	if (rd && cf->rd_gen != cmshm->event_gen)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (wr && cf->wr_gen != cmshm->event_gen)
		mask |= EPOLLOUT | EPOLLWRNORM;
	/* Once per file: EPOLLERR cannot be masked, so it must not stay. */
	if (cf->poll_gen != cmshm->event_gen) {
		if (cmshm->event_err == EPROTO)
			mask |= EPOLLERR;
		cf->poll_gen = cmshm->event_gen;
	}
	if (cf->link_gen != cmshm->link_gen)
		mask |= EPOLLPRI;
	/* Nothing the caller asked for is ready, so it may sleep. */
	if (!(mask & poll_requested_events(wait) & (EPOLLIN | EPOLLOUT)))
		cmshm_ring_held_space(cmshm);
unlock:
	mutex_unlock(&cmshm->lock);
	return mask;
}

static long cmshm_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct cmshm_file *cf = file->private_data;
	struct cmshm_dev *cmshm = cf->cmshm;
	struct cmshm_info info;

	if (cmd != CMSHM_IOC_INFO)
		return -ENOTTY;
	memset(&info, 0, sizeof(info));
	mutex_lock(&cmshm->lock);
	if (cmshm->gone) {
		mutex_unlock(&cmshm->lock);
		return -ENODEV;
	}
	/* What the link work last saw: INFO changes nothing but @link_gen. */
	info.version = CMSHM_VERSION;
	info.link_state = cmshm->link_state;
	cf->link_gen = cmshm->link_gen;
	info.region_size = cmshm->size;
	info.app_size = cmshm->layout.app_size;
	info.app_offset = cmshm->layout.app_offset;
	info.tx_ring_size = cmshm->layout.h2r.size;
	info.rx_ring_size = cmshm->layout.r2h.size;
	info.max_msg_size = cmshm->tx.max_msg;
	info.flags = cmshm->tx_chan ? 0 : CMSHM_INFO_F_POLLING;
	info.counters = cmshm->stats;
	mutex_unlock(&cmshm->lock);
	info.counters.doorbells_sent = atomic64_read(&cmshm->db_sent);
	info.counters.doorbells_received = atomic64_read(&cmshm->db_received);
	info.counters.doorbells_coalesced = atomic64_read(&cmshm->db_coalesced);
	if (copy_to_user((void __user *)arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

const struct file_operations cmshm_fops = {
	.owner = THIS_MODULE,
	.open = cmshm_open,
	.release = cmshm_release,
	.read = cmshm_read,
	.write = cmshm_write,
	.poll = cmshm_poll,
	.mmap = cmshm_mmap,
	.unlocked_ioctl = cmshm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
