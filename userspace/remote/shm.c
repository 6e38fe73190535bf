// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-remote: mapping guest RAM from QEMU's memory-backend file, and the
 * test-mailbox doorbells.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "remote.h"

/**
 * remote_log() - print a diagnostic on stderr if @level <= the verbosity.
 * @rm:    the emulator (for its verbosity; level 0 always prints).
 * @level: 0 for errors, 1 for events (-v), 2 for details (-vv).
 * @fmt:   printf format; a newline is added.
 */
void remote_log(const struct remote *rm, int level, const char *fmt, ...)
{
	va_list ap;

	if (level > rm->opt.verbose)
		return;
	fprintf(stderr, "cmshm-remote: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * remote_now() - monotonic time.
 *
 * Return: seconds since an arbitrary point (CLOCK_MONOTONIC).
 */
double remote_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Map @len bytes at file offset @off (any alignment) of @fd shared and
 * writable. Sets *@map and *@map_len to the page-aligned mapping and returns
 * the address corresponding to @off, or NULL with errno set.
 */
static void *map_range(int fd, uint64_t off, uint64_t len, void **map,
		       size_t *map_len)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t start = off & ~(pg - 1);
	uint64_t delta = off - start;
	void *p;

	*map_len = (size_t)(len + delta);
	p = mmap(NULL, *map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)start);
	if (p == MAP_FAILED)
		return NULL;
	*map = p;
	return (uint8_t *)p + delta;
}

/**
 * remote_map() - map the region and (doorbell mode) the doorbell page.
 * @rm: the emulator, @rm->opt filled and checked (addresses >= ram_base).
 *
 * The file is mapped MAP_SHARED even if it is still shorter than the
 * ranges (QEMU sizes it when it starts); nothing is touched until
 * remote_present() says the file backs the mappings. The file stays open
 * until then.
 *
 * Return: 0, or -1 after printing why (cannot open or map the file).
 */
int remote_map(struct remote *rm)
{
	uint64_t off = rm->opt.region - rm->opt.ram_base;
	uint8_t *db;

	rm->fd = open(rm->opt.mem, O_RDWR);
	if (rm->fd < 0) {
		remote_log(rm, 0, "cannot open %s: %s", rm->opt.mem,
			   strerror(errno));
		return -1;
	}
	rm->base = map_range(rm->fd, off, rm->opt.size, &rm->map,
			     &rm->map_len);
	if (!rm->base) {
		remote_log(rm, 0, "cannot map region of %s: %s", rm->opt.mem,
			   strerror(errno));
		return -1;
	}
	rm->size = (uint32_t)rm->opt.size;
	rm->need_size = off + rm->opt.size;
	if (!rm->opt.have_db)
		return 0;
	off = rm->opt.doorbell - rm->opt.ram_base;
	db = map_range(rm->fd, off, REMOTE_DB_CHANNELS * REMOTE_DB_STRIDE,
		       &rm->db_map, &rm->db_map_len);
	if (!db) {
		remote_log(rm, 0, "cannot map doorbell page of %s: %s",
			   rm->opt.mem, strerror(errno));
		return -1;
	}
	rm->db_in = (uint32_t *)(db + rm->opt.db_in * REMOTE_DB_STRIDE);
	rm->db_out = (uint32_t *)(db + rm->opt.db_out * REMOTE_DB_STRIDE +
				  REMOTE_DB_OUT_OFFSET);
	off += REMOTE_DB_CHANNELS * REMOTE_DB_STRIDE;
	if (off > rm->need_size)
		rm->need_size = off;
	return 0;
}

/**
 * remote_present() - is the file long enough to touch the mappings?
 * @rm: the emulator, after remote_map().
 *
 * Accessing a MAP_SHARED page beyond the end of the file raises SIGBUS, so
 * the emulator waits until the file covers both ranges. The first time it
 * does, the doorbell counters are initialised: the watched counter's
 * current value counts as seen; our out counter continues from its value.
 *
 * Return: 1 once the file is long enough (then always), else 0.
 */
int remote_present(struct remote *rm)
{
	struct stat sb;

	if (rm->present)
		return 1;
	if (fstat(rm->fd, &sb) || (uint64_t)sb.st_size < rm->need_size)
		return 0;
	close(rm->fd);
	rm->fd = -1;
	if (rm->db_in) {
		rm->db_last_in = cmshm_load32(rm->db_in);
		rm->db_out_val = cmshm_load32(rm->db_out);
		cmshm_rmb();
	}
	rm->present = 1;
	remote_log(rm, 1, "%s is %lld bytes: region and doorbells backed",
		   rm->opt.mem, (long long)sb.st_size);
	return 1;
}

/**
 * remote_unmap() - undo remote_map().
 * @rm: the emulator.
 */
void remote_unmap(struct remote *rm)
{
	if (rm->fd >= 0)
		close(rm->fd);
	rm->fd = -1;
	if (rm->map)
		munmap(rm->map, rm->map_len);
	if (rm->db_map)
		munmap(rm->db_map, rm->db_map_len);
	rm->map = NULL;
	rm->db_map = NULL;
	rm->base = NULL;
}

/**
 * remote_ring() - ring Linux's doorbell (no-op in polling mode).
 * @ctx: the emulator (struct remote).
 *
 * The library's doorbell function (cmshm_remote_doorbell_fn, given to
 * cmshm_remote_init() in doorbell mode), also called by the fault phase.
 * Increments the private counter and stores it to the remote->Linux
 * counter after a release fence, so every earlier store to the region
 * (indices, ctrl) is visible before the doorbell is.
 */
void remote_ring(void *ctx)
{
	struct remote *rm = ctx;

	if (!rm->db_out)
		return;
	rm->db_out_val++;
	cmshm_wmb();
	cmshm_store32(rm->db_out, rm->db_out_val);
	rm->st.db_out++;
}

/**
 * remote_wait() - sleep --poll-us once, then look at the doorbell.
 * @rm: the emulator.
 *
 * Return: 0 while the file is too short (see remote_present()); 1 if the
 * shared region must be re-examined (polling mode: always;
 * doorbell mode: the Linux->remote counter changed since the last look, in
 * which case later reads of the region are ordered after it), else 0.
 * Returns early, without a doorbell, when a signal interrupts the sleep.
 */
int remote_wait(struct remote *rm)
{
	struct timespec ts = {
		.tv_sec = rm->opt.poll_us / 1000000u,
		.tv_nsec = (long)(rm->opt.poll_us % 1000000u) * 1000L,
	};
	uint32_t cur;

	nanosleep(&ts, NULL);
	if (!remote_present(rm))
		return 0;
	if (!rm->db_in)
		return 1;
	cur = cmshm_load32(rm->db_in);
	cmshm_rmb();
	if (cur == rm->db_last_in)
		return 0;
	rm->st.db_in += (uint32_t)(cur - rm->db_last_in);
	rm->db_last_in = cur;
	return 1;
}
