// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Module glue of the remote endpoint library (include/cmshm/cmshm_remote.h),
 * whose functions cmshm_remote_lib.c exports, for a kernel driver that
 * plays the remote side of a link.
 * Context and locking as the header says; a kernel caller serialises the
 * calls of one link itself (a mutex, or one workqueue).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <linux/module.h>

#include "cmshm/cmshm_remote.h"

MODULE_DESCRIPTION("cmshm remote endpoint library (the remote side of a link)");
MODULE_LICENSE("Dual BSD/GPL");
