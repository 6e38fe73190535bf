/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Echo firmware glue: i.MX 8M Plus (or Nano) Cortex-M7, Messaging Unit
 * doorbells. The M7 sees MU_B at the same address as the Mini's M4
 * (IMX8MPRM memory map, MU1_B) and drives it with the same code
 * (firmware/boards/imx8m-m4/), so the glue is the Mini's. Built with
 * CMSHM_ARM_DCACHE=1, so the region stays coherent if the firmware turns
 * the M7 data cache on.
 * Linux side: an overlay like dts/verdin-imx8mm-cmshm.dtso (region
 * 0x8ff00000, 1 MiB, the same address from the M7; mboxes = <&mu 2 0>,
 * <&mu 3 0>: general-purpose interrupt 0 each way).
 *
 * Copyright (C) 2026 The cmshm authors
 */
/* The Mini's glue unchanged: the same MU_B, region and interrupt. */
#include "imx8mm-m4.h"
