/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm-remote: the fault phase's internals, shared by remote/fault.c (the
 * phase: when, how many, which kind) and remote/fault_words.c (the values
 * and the corruptions themselves). See fault.c for the whole picture.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_EMU_FAULT_H
#define CMSHM_EMU_FAULT_H

#include "remote.h"

/* Seconds our corrupted ctrl stays visible before we restart. */
#define FAULT_CTRL_HOLD		0.001

/** enum fault_kind - what a corruption hits (F_NONE: nothing applicable). */
enum fault_kind {
	F_NONE,
	F_R2H_HEAD,	/* fatal, remote-owned */
	F_H2R_TAIL,	/* fatal, remote-owned */
	F_CTRL,		/* remote ctrl word */
	F_RECORD,	/* the next published record (len, pad, bytes) */
	F_R2H_DATA,	/* bytes of published r2h data */
	F_HOST_HDR,	/* host-owned, transient */
	F_HOST_CTRL,
	F_H2R_HEAD,
	F_R2H_TAIL,
	F_H2R_DATA,
	F_NKINDS,
	F_LEN_OR_PAD = F_NKINDS,	/* a damaged published record */
};

/* fault_words.c */
uint32_t fault_rand32(struct remote *rm);
uint32_t fault_index_value(struct remote *rm, uint32_t cur, uint32_t size);
void fault_restore_host(struct remote *rm);
void fault_counted(struct remote *rm, uint64_t *kind);
void fault_set_fatal(struct remote *rm, int kind, int freeze);
void fault_corrupt_r2h_data(struct remote *rm);
void fault_corrupt_ctrl(struct remote *rm);
int fault_corrupt_host(struct remote *rm, int kind);

#endif /* CMSHM_EMU_FAULT_H */
