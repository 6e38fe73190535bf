/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Echo firmware glue: i.MX 8M Plus (or Nano) Cortex-M7, Messaging Unit
 * doorbells. The M7 sees MU_B at the same address as the Mini's M4
 * (IMX8MPRM memory map, MU1_B) and drives it with the same code
 * (firmware/boards/imx8m-m4/). Built with CMSHM_ARM_DCACHE=1, so the
 * region stays coherent if the firmware turns the M7 data cache on.
 * Linux side: an overlay like dts/verdin-imx8mm-cmshm.dtso (region
 * 0x8ff00000, 1 MiB, the same address from the M7; mboxes = <&mu 2 0>,
 * <&mu 3 0>: general-purpose interrupt 0 each way).
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
