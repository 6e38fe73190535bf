/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm port for bare-metal Arm cores: Cortex-M4, Cortex-M7 and Cortex-R5
 * (Armv7-M, Armv7E-M, Armv7-R), with GCC or Clang. Select it with
 *   -DCMSHM_PORT_HEADER='"cmshm_port_arm.h"' -I firmware/port/arm
 *
 * Barriers. The host is another cluster, outside this core's inner
 * shareable domain, and the region is Normal memory (or Device/Strongly-
 * ordered where the MPU says so), so the full-system forms are used:
 *   cmshm_rmb(), cmshm_wmb(), cmshm_mb(), cmshm_acquire_fence(),
 *   cmshm_release_fence(): DMB SY. A DMB orders this core's explicit
 *   memory accesses, as every other observer sees them (Armv7-M ARM,
 *   DDI 0403E, A3.7.3; Armv7-A/R ARM, DDI 0406C, A3.8.3), loads against
 *   later stores included, which the two fences need (cmshm_port.h).
 *   cmshm_doorbell_barrier(): DSB SY, before the library calls the doorbell
 *   function: the stores to the region complete before the mailbox
 *   register write that interrupts the host can take effect (a DMB would
 *   only order them against other memory accesses; DDI 0403E A3.7.3,
 *   "DSB"). This is the barrier virtio's weak_barriers=false path and
 *   Linux's writel() put before a doorbell.
 *
 * Caches. CMSHM_ARM_DCACHE (default 0) says how the region is seen:
 *   0: not cached. Cortex-M4 has no data cache. On Cortex-M7 and Cortex-R5
 *      map the region Normal Non-cacheable (or Device, shareable) with an
 *      MPU region: M7 MPU_RASR TEX=0b001 C=0 B=0 S=1 (DDI 0403E B3.5.8,
 *      Table B3-13); R5 MPU region access control TEX=0b001 C=0 B=0 S=1
 *      (Cortex-R5 TRM, DDI 0460D, 4.3.21). Nothing else to do.
 *   1: the region is cached write-back; the library cleans what it writes
 *      and invalidates what it reads, by address, one CMSHM_CACHE_LINE at
 *      a time, then DSB:
 *      Cortex-M7 (M profile): the memory-mapped cache maintenance
 *      registers of the system control space, DCIMVAC (invalidate by
 *      address to PoC, 0xE000EF5C) and DCCMVAC (clean by address to PoC,
 *      0xE000EF68) (Armv7-M ARM, DDI 0403E, B2.2.7 "Cache maintenance
 *      operations" and B3.2.2, Table B3-4; the same offsets as Linux's
 *      arch/arm/include/asm/v7m.h V7M_SCB_DCIMVAC/DCCMVAC). Cortex-M7 TRM
 *      (DDI 0489F) 5.2: 32-byte lines.
 *      Cortex-R5 (R profile): the CP15 c7 operations DCIMVAC
 *      (MCR p15, 0, Rt, c7, c6, 1) and DCCMVAC (MCR p15, 0, Rt, c7, c10, 1)
 *      (Armv7-A/R ARM, DDI 0406C, B4.2.1 "Cache and branch predictor
 *      maintenance operations" and the CP15 c7 summary of B6.1, PMSA).
 *      Cortex-R5 TRM (DDI 0460D) 8.1: 32-byte lines.
 *      The host must then lay the region out with line_size >= 32, so no
 *      line is written by both sides: the library refuses a header with a
 *      smaller line_size (CMSHM_CACHE_LINE).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_PORT_ARM_H
#define CMSHM_PORT_ARM_H

#include <stddef.h>
#include <stdint.h>

#if !defined(__arm__)
#error "cmshm_port_arm.h is for 32-bit Arm cores"
#endif

/* Linux's errno values (asm-generic/errno*.h): the host logs them as-is. */
#define CMSHM_EAGAIN	11
#define CMSHM_EINVAL	22
#define CMSHM_EPROTO	71
#define CMSHM_EMSGSIZE	90
#define CMSHM_ENOTCONN	107

/* One single-copy-atomic 32-bit access each (aligned LDR/STR). */
#define cmshm_load32(p)		(*(const volatile uint32_t *)(p))
#define cmshm_store32(p, v)	(*(volatile uint32_t *)(p) = (uint32_t)(v))

static inline void cmshm_arm_dmb(void)
{
	__asm__ __volatile__("dmb sy" ::: "memory");
}

static inline void cmshm_arm_dsb(void)
{
	__asm__ __volatile__("dsb sy" ::: "memory");
}

#define cmshm_rmb()		cmshm_arm_dmb()
#define cmshm_wmb()		cmshm_arm_dmb()
#define cmshm_mb()		cmshm_arm_dmb()
#define cmshm_acquire_fence()	cmshm_arm_dmb()
#define cmshm_release_fence()	cmshm_arm_dmb()
#define cmshm_doorbell_barrier()	cmshm_arm_dsb()

#ifndef CMSHM_ARM_DCACHE
#define CMSHM_ARM_DCACHE	0
#endif

#if CMSHM_ARM_DCACHE

/* Cortex-M7 and Cortex-R5 data cache line (TRMs above). */
#define CMSHM_CACHE_LINE	32u

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define CMSHM_SCB_DCIMVAC	((volatile uint32_t *)0xE000EF5Cu)
#define CMSHM_SCB_DCCMVAC	((volatile uint32_t *)0xE000EF68u)
static inline void cmshm_arm_dc_clean_line(uintptr_t a)
{
	*CMSHM_SCB_DCCMVAC = (uint32_t)a;
}

static inline void cmshm_arm_dc_inval_line(uintptr_t a)
{
	*CMSHM_SCB_DCIMVAC = (uint32_t)a;
}
#elif defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'R'
static inline void cmshm_arm_dc_clean_line(uintptr_t a)
{
	__asm__ __volatile__("mcr p15, 0, %0, c7, c10, 1" :: "r"(a) : "memory");
}

static inline void cmshm_arm_dc_inval_line(uintptr_t a)
{
	__asm__ __volatile__("mcr p15, 0, %0, c7, c6, 1" :: "r"(a) : "memory");
}
#else
#error "CMSHM_ARM_DCACHE needs an M-profile (Cortex-M7) or R-profile core"
#endif

/*
 * Clean (write back) or invalidate every line overlapping [p, p + n),
 * then DSB so the maintenance completes before what follows (a barrier
 * and the index store, or the loads of the fresh data).
 */
static inline void cmshm_arm_dc_clean(const volatile void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CMSHM_CACHE_LINE - 1u);
	uintptr_t end = (uintptr_t)p + n;

	cmshm_arm_dsb();	/* the stores reach the cache first */
	for (; a < end; a += CMSHM_CACHE_LINE)
		cmshm_arm_dc_clean_line(a);
	cmshm_arm_dsb();
}

static inline void cmshm_arm_dc_inval(const volatile void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CMSHM_CACHE_LINE - 1u);
	uintptr_t end = (uintptr_t)p + n;

	for (; a < end; a += CMSHM_CACHE_LINE)
		cmshm_arm_dc_inval_line(a);
	cmshm_arm_dsb();
}

#define cmshm_cache_clean(p, n)	cmshm_arm_dc_clean((p), (size_t)(n))
#define cmshm_cache_invalidate(p, n)	cmshm_arm_dc_inval((p), (size_t)(n))

#else /* !CMSHM_ARM_DCACHE */

#define cmshm_cache_clean(p, n)		do { (void)(p); (void)(n); } while (0)
#define cmshm_cache_invalidate(p, n)	do { (void)(p); (void)(n); } while (0)

#endif /* CMSHM_ARM_DCACHE */

/* No C library: GCC's builtin, backed by the firmware's memcpy symbol. */
#ifndef cmshm_memcpy
#define cmshm_memcpy(d, s, n)	__builtin_memcpy((d), (s), (n))
#endif

#endif /* CMSHM_PORT_ARM_H */
