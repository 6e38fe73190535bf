// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The little C runtime the echo firmware needs without a C library:
 * .data/.bss set-up, and the memcpy()/memset()/memcmp() that GCC's
 * builtins, cmshm_memcpy() and the test messages (cmshm_testmsg.h) fall
 * back to. Built with -fno-builtin and -fno-tree-loop-distribute-patterns
 * so GCC does not turn these loops back into calls to themselves.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include <stddef.h>
#include <stdint.h>

#include "echo_runtime.h"

/* From the linker script: .data's load and run addresses, .bss. */
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	/* Words when both are aligned: ring payloads always are. */
	if (!(((uintptr_t)d | (uintptr_t)s) & 3u)) {
		for (; n >= 4; n -= 4, d += 4, s += 4)
			*(uint32_t *)(void *)d = *(const uint32_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n--; x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

void echo_runtime_start(void)
{
	uint32_t *s = __data_load, *d = __data_start;

	while (d < __data_end)
		*d++ = *s++;
	for (d = __bss_start; d < __bss_end; d++)
		*d = 0;
	main();
	for (;;)
		;
}
