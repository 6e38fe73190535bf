/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The echo firmware's runtime entry points (runtime.c, startup_*).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef ECHO_RUNTIME_H
#define ECHO_RUNTIME_H

#include <stddef.h>

/**
 * echo_runtime_start() - copy .data, zero .bss, run main(); never returns.
 *
 * Called by the reset code with a valid stack, interrupts disabled.
 */
void echo_runtime_start(void) __attribute__((noreturn));

int main(void);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif /* ECHO_RUNTIME_H */
