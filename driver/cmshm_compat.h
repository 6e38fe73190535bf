/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmshm - the kernel APIs that changed between Linux 6.1 and 6.13, in one
 * place. Everything else in the driver uses APIs that exist unchanged on
 * every supported kernel (6.1 to 6.12, with PREEMPT_RT, arm64, armhf and
 * amd64); each entry below names the release and the upstream commit that
 * made it necessary, so it can be dropped when the oldest supported kernel
 * passes that release.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_COMPAT_H
#define CMSHM_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/mailbox_controller.h>
#include <linux/mm.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
/*
 * 6.3, bc292ab00f6c ("mm: introduce vma->vm_flags wrapper functions"):
 * vma->vm_flags became read-only; these wrappers are the only way to change
 * it from 6.3 on. The caller holds mmap_lock for writing (->mmap does).
 */
static inline void vm_flags_set(struct vm_area_struct *vma,
				vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma,
				  vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
/*
 * 6.13, "hrtimers: Introduce hrtimer_setup() to replace hrtimer_init()"
 * (the hrtimer_setup() series by Nam Cao): hrtimer_init() and the separate
 * store of ->function are gone from 6.15 on; hrtimer_setup() does both.
 */
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/**
 * cmshm_mbox_reports_null_done() - does the framework track NULL messages?
 *
 * c58e9456e30c ("mailbox: Fix NULL message support in
 * mbox_send_message()", v7.1-rc2 upstream, in Debian's 6.12.117 as a stable
 * backport) marks an idle channel with MBOX_NO_MSG instead of NULL. Before
 * it (Debian 12's 6.1), a NULL message is never the active one: the
 * framework hands each one to send_data() at once, never polls it and
 * never reports it done. Tested by the marker, not by version, because
 * stable kernels carry the fix at different releases.
 *
 * Return: true if a NULL doorbell is reported done like any message.
 */
static inline bool cmshm_mbox_reports_null_done(void)
{
#ifdef MBOX_NO_MSG
	return true;
#else
	return false;
#endif
}

#endif /* CMSHM_COMPAT_H */
