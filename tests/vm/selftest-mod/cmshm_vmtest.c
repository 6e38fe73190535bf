// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmshm_vmtest - test-only module for tests/vm/selftest.sh
 *
 * Checks that run-vm.sh loads modules with their parameters and reports
 * load failures. It does nothing but log a line.
 *
 * Parameters:
 *   fail: if non-zero, module init fails with -EINVAL.
 *   tag:  value echoed in the load message and in /sys/module/.../tag.
 */

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static bool fail;
module_param(fail, bool, 0444);
MODULE_PARM_DESC(fail, "make module init fail with -EINVAL");

static int tag;
module_param(tag, int, 0444);
MODULE_PARM_DESC(tag, "number echoed in the load message");

static int __init cmshm_vmtest_init(void)
{
	if (fail) {
		pr_info("cmshm_vmtest: failing init on request\n");
		return -EINVAL;
	}
	pr_info("cmshm_vmtest: loaded, tag=%d\n", tag);
	return 0;
}

static void __exit cmshm_vmtest_exit(void)
{
	pr_info("cmshm_vmtest: unloaded\n");
}

module_init(cmshm_vmtest_init);
module_exit(cmshm_vmtest_exit);

MODULE_DESCRIPTION("Test-only module for the cmshm VM harness self-test");
MODULE_LICENSE("GPL");
