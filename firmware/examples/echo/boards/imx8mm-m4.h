/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Echo firmware glue: i.MX 8M Mini Cortex-M4, Messaging Unit doorbells.
 * Linux side: dts/verdin-imx8mm-cmshm.dtso (region 0x8ff00000, 1 MiB,
 * which the M4 addresses at the same physical address;
 * mboxes = <&mu 2 0>, <&mu 3 0>: general-purpose interrupt 0 each way).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_imx_mu.h"

#define ECHO_REGION_BASE	0x8ff00000u
#define ECHO_REGION_SIZE	0x00100000u

static struct cmshm_imx_mu echo_mu;

#define echo_board_ctx		(&echo_mu)
#define echo_board_ring		cmshm_imx_mu_ring
#define echo_board_take()	cmshm_imx_mu_ack(&echo_mu)
#define echo_board_init() \
	cmshm_imx_mu_init(&echo_mu, CMSHM_IMX_MU_B_BASE, 0, 0)
