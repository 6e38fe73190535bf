// SPDX-License-Identifier: GPL-2.0
/*
 * cmshm_debug_canary - deliberately buggy test-only module.
 *
 * Proves that the debug kernel's checkers are live and that the VM harness
 * turns their reports into a failed run (tests/debug-kernel/run.sh loads it
 * and expects exactly these reports).  On load it commits, in this order:
 *
 *   lockdep   takes two mutexes in A-B then B-A order (no deadlock, one
 *             thread): "possible circular locking dependency detected";
 *   sleep     allocates with GFP_KERNEL under a raw spinlock: "sleeping
 *             function called from invalid context" (DEBUG_ATOMIC_SLEEP).
 *             A raw_spinlock_t, because with PREEMPT_RT a spinlock_t is a
 *             sleeping lock and allocating under it is legal;
 *   kasan     reads one byte past a 16-byte kmalloc() object:
 *             "KASAN: slab-out-of-bounds" (only on a KASAN kernel);
 *   leak      loses the only pointer to a 100-byte kmalloc() object: an
 *             "unreferenced object" for kmemleak.
 *
 * Never load this anywhere but a throw-away test VM.
 */

#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);
static DEFINE_RAW_SPINLOCK(canary_lock);

static void canary_lockdep(void)
{
	mutex_lock(&canary_a);
	mutex_lock(&canary_b);
	mutex_unlock(&canary_b);
	mutex_unlock(&canary_a);

	mutex_lock(&canary_b);
	mutex_lock(&canary_a);
	mutex_unlock(&canary_a);
	mutex_unlock(&canary_b);
}

static void canary_sleep(void)
{
	void *p;

	raw_spin_lock(&canary_lock);
	p = kmalloc(32, GFP_KERNEL);
	raw_spin_unlock(&canary_lock);
	kfree(p);
}

static int canary_kasan(void)
{
	size_t size = 16;
	char *p;
	char c;

	p = kmalloc(size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(size);
	c = READ_ONCE(p[size]);
	kfree(p);
	return c;
}

/* Published, then forgotten: keeps the compiler from dropping the memset(). */
static void *canary_leaked;

static int canary_leak(void)
{
	void *p = kmalloc(100, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	memset(p, 0x5a, 100);
	WRITE_ONCE(canary_leaked, p);
	WRITE_ONCE(canary_leaked, NULL);
	return 0;
}

static int __init canary_init(void)
{
	int ret;

	canary_lockdep();
	canary_sleep();
	ret = canary_kasan();
	if (ret < 0)
		return ret;
	ret = canary_leak();
	if (ret < 0)
		return ret;
	pr_info("cmshm_debug_canary: all bugs committed\n");
	return 0;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_DESCRIPTION("cmshm test-only: deliberate lockdep, atomic-sleep, KASAN and kmemleak bugs");
MODULE_LICENSE("GPL");
