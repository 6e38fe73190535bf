# SPDX-License-Identifier: GPL-2.0
#
# cmshm: build the module for a kernel tree, and run the project's checks.
#
#   make                      cmshm.ko for the running kernel
#   make KDIR=... ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#                             cmshm.ko for a board's kernel tree
#   make modules_install      install it (INSTALL_MOD_PATH honoured)
#   make userspace            cmshm-tool and cmshm-remote for this machine
#   make check                every test; ends with "N passed, N failed"
#   make demo                 boot Debian's arm64 kernel in QEMU and show
#                             messages going both ways
#   make demo-zynqmp          the same on QEMU's emulated ZynqMP, with the
#                             R5 test firmware as the remote core
#   make fuzz                 run the protocol fuzzer for longer
#   make check-model          relacy model check of include/cmshm/ and of
#                             the driver's doorbell and wake-up sequences
#                             (C++11 memory model; relacy-dev), TAP
#                             output; part of make check
#   make check-model-mutants  the model check with each barrier removed in
#                             turn, and each driver ordering weakened:
#                             every one must be caught (24 min)
#   make check-kernels        build for every kernel of tests/vm/kernels.sh
#                             (Debian 6.1 arm64/amd64/armhf, 6.12 arm64,
#                             arm64 PREEMPT_RT, amd64) and run the
#                             functional, lifecycle and stream scenarios on
#                             each bootable one
#   make check-debug          the VM integration suite on an arm64 debug
#                             kernel (KASAN, lockdep, kmemleak); builds it
#                             from Debian's linux-source-6.1 the first time
#   make check-debug-kcsan    the same with KCSAN instead of KASAN
#   make check-debug-rt       the same on a PREEMPT_RT kernel (KASAN, lockdep,
#                             kmemleak) from Debian's linux-source-6.12
#   make firmware             the remote endpoint library and the echo
#                             firmware for Cortex-M4/M7/R5, with their sizes
#                             (build/firmware/); part of make check
#   make bench                benchmarks (not part of make check;
#                             tests/bench/run.sh): the remote endpoint's
#                             copy API against zero-copy plus memcpy; the
#                             ring against memcpy and a reference SPSC
#                             ring (callgrind instructions, ns, two-thread
#                             messages/s); the driver in a VM under QEMU
#                             -icount on Debian's 6.1 and 6.12 arm64
#                             kernels (guest instructions per write/read,
#                             doorbells per message, ping); build/bench/

KDIR ?= /lib/modules/$(shell uname -r)/build
TOP := $(CURDIR)

all: modules

modules modules_install:
	$(MAKE) -C $(KDIR) M=$(TOP) $@

userspace:
	$(MAKE) -C userspace

deps:
	scripts/install-deps.sh

# Each suite prints TAP lines; tests/run-suites.sh adds them up.
check: deps
	tests/run-suites.sh \
		"unit=$(MAKE) -s -C tests/unit check" \
		"model=$(MAKE) -s -C tests/model check" \
		"remote=tests/remote/selftest.sh" \
		"tool=tests/tool/selftest.sh" \
		"dt=tests/dt/check-bindings.sh" \
		"firmware=firmware/check-build.sh" \
		"boards=firmware/boards/check-build.sh" \
		"style=tests/style/check-kernel.sh" \
		"fuzz=$(MAKE) -s -C tests/fuzz fuzz-check" \
		"vm-harness=tests/vm/selftest.sh" \
		"vm=tests/vm/run-integration.sh" \
		"kernels=tests/vm/check-kernels.sh --kernels '6.12 6.12-rt 6.1-armhf' functional" \
		"txdone-6.12=tests/vm/run-integration.sh --kernel 6.12 txdone" \
		"doc-remote=tests/vm/doc-remote/run.sh" \
		"faults=tests/vm/faults/run.sh" \
		"zynqmp=tests/vm/zynqmp/run.sh" \
		"zynqmp-6.12-rt=tests/vm/zynqmp/run.sh --kernel 6.12-rt functional restart"

check-model: deps
	tests/run-suites.sh "model=$(MAKE) -s -C tests/model check"

# Each barrier of include/cmshm/ removed in turn must fail check-model.
check-model-mutants: deps
	tests/run-suites.sh "model-mutants=tests/model/mutate.sh"

check-kernels: deps
	tests/run-suites.sh "kernels=tests/vm/check-kernels.sh"

fuzz: deps
	$(MAKE) -C tests/fuzz fuzz

check-debug: deps
	tests/run-suites.sh "debug-kernel=tests/debug-kernel/run.sh"

check-debug-kcsan: deps
	tests/run-suites.sh "debug-kernel-kcsan=tests/debug-kernel/run.sh --variant kcsan"

check-debug-rt: deps
	tests/run-suites.sh "debug-kernel-rt=tests/debug-kernel/run.sh --variant rt"

demo: deps
	tests/vm/demo.sh

demo-zynqmp: deps
	tests/vm/zynqmp/demo.sh

firmware: deps
	tests/run-suites.sh "firmware=firmware/check-build.sh"

# Benchmarks print figures; they are not tests and not in make check.
bench: deps
	tests/bench/run.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -rf build

.PHONY: all modules modules_install userspace deps check check-model \
	check-model-mutants check-kernels \
	check-debug check-debug-kcsan check-debug-rt fuzz demo demo-zynqmp \
	firmware bench \
	clean
