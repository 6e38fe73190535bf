/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Echo firmware glue: STM32MP15 Cortex-M4 (CPU2), IPCC doorbells.
 * Linux side: dts/stm32mp157c-dk2-cmshm.dtso (region 0xd0000000, 1 MiB in
 * DDR, the same address from the M4; mboxes = <&ipcc 4>, <&ipcc 5>).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "cmshm_stm32_ipcc.h"

#define ECHO_REGION_BASE	0xd0000000u
#define ECHO_REGION_SIZE	0x00100000u

static struct cmshm_stm32_ipcc echo_ipcc;

#define echo_board_ctx		(&echo_ipcc)
#define echo_board_ring		cmshm_stm32_ipcc_ring
#define echo_board_take()	cmshm_stm32_ipcc_ack(&echo_ipcc)
#define echo_board_init() \
	cmshm_stm32_ipcc_init(&echo_ipcc, CMSHM_STM32_IPCC_BASE, 4, 5)
