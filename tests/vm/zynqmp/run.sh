#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Linux and real firmware on one emulated SoC: Debian's arm64 kernel on
# the Cortex-A53s of QEMU's xlnx-zcu102, the test firmware
# (firmware/examples/qemu-zynqmp, on the remote endpoint library) on its
# Cortex-R5F, and no host process playing the remote core. Prints the
# guest's TAP lines plus one line per VM run for the harness verdict
# (guest exit status, kernel log free of warnings, module unload), and
# checks the firmware's own console.
#
# Usage: tests/vm/zynqmp/run.sh [--kernel NAME] [SCENARIO...]
# NAME: an arm64 kernel of tests/vm/kernels.sh (default $CMSHM_KERNEL,
# else 6.1). Scenarios (default: all): functional stream restart
#   functional  cmshm-vmtest's echo suite, cmshm-tool's suite and 1000
#               pings against the firmware's echo link; the R5's doorbells
#               arrive as interrupts of the test mailbox
#   stream      CMSHM_STREAM_COUNT (default 100000) numbered messages each
#               way at once, checked by cmshm-tool in Linux and by the
#               firmware's sink
#   restart     the firmware restarts 3 times (a command on cmshm1) while
#               cmshm0 carries round trips: ECONNRESET once per restart,
#               then the link is back
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
if [ "${1:-}" = --kernel ]; then
	export CMSHM_KERNEL=${2:?--kernel needs a name}
	shift 2
fi
count=${CMSHM_STREAM_COUNT:-100000}
fails=0

g=$("$top"/tests/vm/build-guest.sh) ||
	{ echo "not ok - build guest artifacts for ${CMSHM_KERNEL:-the kernel}"; exit 1; }
if fw=$("$top"/firmware/examples/qemu-zynqmp/build.sh 2>"$g/fw-build.log"); then
	echo "ok - the R5 test firmware builds (arm-none-eabi-gcc, -Werror)"
else
	echo "not ok - the R5 test firmware builds"
	sed 's/^/# /' "$g/fw-build.log"
	exit 1
fi
entry=$(LC_ALL=C readelf -h "$fw" | awk '/Entry point address:/ { print $4 }')
# shellcheck source=tests/vm/kernels.sh
. "$top"/tests/vm/kernels.sh
kernel_env=$(cmshm_kernel_env_file)
# shellcheck source=/dev/null
. "$kernel_env"

# run NAME GUEST-COMMAND: one boot of the emulated ZynqMP; the R5 is
# started after cmshm.ko is bound, so its first doorbell finds the
# interrupt requested.
run() {
	local name=$1 log fwlog rc
	shift
	log=${CMSHM_VM_LOG_DIR:-$top/build/vm/logs-$KNAME}/zynqmp-$name.log
	fwlog=${log%.log}.r5.log
	mkdir -p "$(dirname "$log")"
	"$top"/tests/vm/run-vm.sh --machine zynqmp --firmware "$fw" \
		--firmware-log "$fwlog" --timeout "${CMSHM_VM_TIMEOUT:-900}" \
		--kernel-env "$kernel_env" \
		--module "$g"/cmshm_test_mbox.ko --module "$g"/cmshm.ko \
		--file "$g"/cmshm_rpu_start.ko:/data/cmshm_rpu_start.ko \
		--file "$g"/cmshm-tool --file "$g"/cmshm-vmtest \
		--file "$g"/cmshm-lifecycle --file "$g"/cmshm-fwctl \
		--file "$top"/tests/vm/guest/stream.sh \
		--file "$top"/tests/vm/guest/tool.sh \
		--file "$top"/tests/vm/zynqmp/guest.sh \
		-- "guest.sh start $entry && $*" >"$log" 2>&1
	rc=$?
	sed -E "/^(not )?ok /!s/^/# /; s/^((not )?ok( [0-9]+)? - )/\\1$KRELEASE zynqmp: /" "$log"
	if [ $rc -eq 0 ]; then
		echo "ok - $KRELEASE: ZynqMP run '$name': guest passed, clean kernel log, modules unloaded"
	else
		echo "not ok - $KRELEASE: ZynqMP run '$name' failed with status $rc (log: $log)"
		fails=$((fails + 1))
	fi
	# The firmware's console: it booted, and never saw a protocol error.
	if grep -q "^cmshm-r5: boot 1" "$fwlog" &&
	   ! grep -q "protocol error" "$fwlog"; then
		echo "ok - $KRELEASE: ZynqMP run '$name': the R5 firmware booted and saw no protocol error"
	else
		echo "not ok - $KRELEASE: ZynqMP run '$name': the R5 firmware's console (log: $fwlog)"
		fails=$((fails + 1))
	fi
}

functional() { run functional "guest.sh functional"; }
stream() { run stream "guest.sh stream $count"; }
restart() { run restart "guest.sh restart 3"; }

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(functional stream restart)
for s in "${scenarios[@]}"; do
	"$s"
done
[ $fails -eq 0 ]
