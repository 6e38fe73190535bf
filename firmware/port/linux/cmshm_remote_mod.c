// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Module glue of the remote endpoint library (include/cmshm/cmshm_remote.h):
 * its functions, for a kernel driver that plays the remote side of a link.
 * Context and locking as the header says; a kernel caller serialises the
 * calls of one link itself (a mutex, or one workqueue).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <linux/module.h>

#include "cmshm/cmshm_remote.h"

EXPORT_SYMBOL_GPL(cmshm_remote_init);
EXPORT_SYMBOL_GPL(cmshm_remote_poll);
EXPORT_SYMBOL_GPL(cmshm_remote_reserve);
EXPORT_SYMBOL_GPL(cmshm_remote_commit);
EXPORT_SYMBOL_GPL(cmshm_remote_peek);
EXPORT_SYMBOL_GPL(cmshm_remote_release);
EXPORT_SYMBOL_GPL(cmshm_remote_tx_queued);
EXPORT_SYMBOL_GPL(cmshm_remote_notify);
EXPORT_SYMBOL_GPL(cmshm_remote_restart);
EXPORT_SYMBOL_GPL(cmshm_remote_stop);

MODULE_DESCRIPTION("cmshm remote endpoint library (the remote side of a link)");
MODULE_LICENSE("Dual BSD/GPL");
