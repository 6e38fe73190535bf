// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The remote endpoint library, compiled unchanged with the kernel port
 * (see Kbuild next to this file).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "../../endpoint/cmshm_remote.c"
