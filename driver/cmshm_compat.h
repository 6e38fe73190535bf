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

#endif /* CMSHM_COMPAT_H */
