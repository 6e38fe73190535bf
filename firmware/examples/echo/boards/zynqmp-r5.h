/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Echo firmware glue: ZynqMP Cortex-R5 (RPU0), IPI doorbells.
 * Linux side: dts/zcu102-cmshm.dtso (region 0x3f000000, 1 MiB in the
 * first DDR bank, the same address from the R5; IPI channel 1 of RPU0,
 * its peer the APU's channel 0).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_zynqmp_ipi.h"

#define ECHO_REGION_BASE	0x3f000000u
#define ECHO_REGION_SIZE	0x00100000u

static struct cmshm_zynqmp_ipi echo_ipi;

#define echo_board_ctx		(&echo_ipi)
#define echo_board_ring		cmshm_zynqmp_ipi_ring
#define echo_board_take()	cmshm_zynqmp_ipi_ack(&echo_ipi)
#define echo_board_init() \
	cmshm_zynqmp_ipi_init(&echo_ipi, CMSHM_ZYNQMP_IPI_CH1_BASE, \
			      CMSHM_ZYNQMP_IPI_APU)
