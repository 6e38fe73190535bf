/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Helpers shared by the guest test programs (vmtest.c).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_VMTEST_H
#define CMSHM_VMTEST_H

#include <stddef.h>
#include <stdint.h>

#include <linux/cmshm.h>
#include "cmshm_testmsg.h"

/* TAP checks printed and failed so far. */
extern int checks, failures;

/** check() - print one TAP line; returns @ok. */
int check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** now_ms() - CLOCK_MONOTONIC in milliseconds. */
double now_ms(void);
/** bad_ptr() - an address with nothing mapped. */
void *bad_ptr(void);
/** open_dev() - open(2) that prints a TAP comment on failure. */
int open_dev(const char *dev, int flags);
/** get_info() - CMSHM_IOC_INFO into @info (pre-filled with garbage). */
int get_info(int fd, struct cmshm_info *info);
/**
 * wait_link_up() - 0 once INFO reports the link up, -1 after @ms; sleeps
 * in poll(POLLPRI) between link state changes.
 */
int wait_link_up(int fd, int ms);
/** read_sysfs() - /sys/class/cmshm/<dev>/<attr> without the newline. */
int read_sysfs(const char *dev, const char *attr, char *buf, size_t n);
/** sysfs_u64() - a numeric attribute, or ~0 on error. */
unsigned long long sysfs_u64(const char *dev, const char *attr);
/** round_trip() - write numbered message @seq, read the echo; 0 if intact. */
int round_trip(int fd, uint32_t len, uint32_t seq);

/* The cmshm driver's sysfs folder, for bind and unbind. */
#define DRV "/sys/bus/platform/drivers/cmshm/"

/** sysfs_write() - write @val to the sysfs file @path; 0 or -1. */
int sysfs_write(const char *path, const char *val);
/** wait_dev() - open @dev O_RDWR once it exists again; the fd, or -1 after @ms. */
int wait_dev(const char *dev, int ms);

#endif /* CMSHM_VMTEST_H */
