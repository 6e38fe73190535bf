// SPDX-License-Identifier: GPL-2.0
/*
 * cmshm - mmap() of /dev/cmshmN: the application area, the part of the
 * region the protocol never touches, shared with the remote as the
 * application agrees with its firmware. MAP_SHARED and write-combined, as
 * the rest of the region; pages are inserted on first touch and removed
 * at unbind (cmshm_unregister()), after which a mapping raises SIGBUS.
 *
 * Copyright (C) 2026 The cmshm authors
 */

#include <linux/fs.h>
#include <linux/mm.h>

#include "cmshm.h"
#include "cmshm_compat.h"

/*
 * A page of the application area is touched. Each page is inserted on its
 * first fault, under cmshm->lock, so that one inserted before unbind marks
 * the device gone is removed by cmshm_unregister()'s zap, and none is
 * inserted after: a mapping used after unbind raises SIGBUS. The mapping
 * holds the file, so the device outlives it.
 */
static vm_fault_t cmshm_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct cmshm_file *cf = vma->vm_file->private_data;
	struct cmshm_dev *cmshm = cf->cmshm;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	mutex_lock(&cmshm->lock);
	/* cmshm_mmap() checked the range; vm_pgoff cannot change since. */
	if (!cmshm->gone)
		ret = vmf_insert_pfn(vma, vmf->address,
				     PHYS_PFN(cmshm->phys +
					      cmshm->layout.app_offset) +
				     vmf->pgoff);
	mutex_unlock(&cmshm->lock);
	return ret;
}

static const struct vm_operations_struct cmshm_vm_ops = {
	.fault = cmshm_vm_fault,
};

/**
 * cmshm_mmap() - map the application area, MAP_SHARED, write-combined.
 * @file: an open /dev/cmshmN.
 * @vma:  the new mapping; its offset is into the application area.
 *
 * Process context, mmap_lock held for writing. Maps nothing yet: pages are
 * inserted by cmshm_vm_fault() and removed at unbind.
 *
 * Return: 0; -EINVAL for a private mapping or a range outside the area;
 * -EPERM for PROT_EXEC; -ENODEV after unbind.
 */
int cmshm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct cmshm_file *cf = file->private_data;
	struct cmshm_dev *cmshm = cf->cmshm;
	unsigned long pages = cmshm->layout.app_size >> PAGE_SHIFT;

	/* VM_MAYSHARE: VM_SHARED is cleared for a read-only fd. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	/* app_offset and app_size are page multiples (cmshm_layout_init()). */
	if (vma->vm_pgoff >= pages || vma_pages(vma) > pages - vma->vm_pgoff)
		return -EINVAL;
	/* A map racing with unbind gets SIGBUS at its first touch. */
	if (READ_ONCE(cmshm->gone))
		return -ENODEV;
	vm_flags_clear(vma, VM_MAYEXEC);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND |
		     VM_DONTDUMP);
	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	vma->vm_ops = &cmshm_vm_ops;
	return 0;
}
