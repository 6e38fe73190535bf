#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# make demo-zynqmp: Debian's stock arm64 kernel on the Cortex-A53s of QEMU's
# emulated ZynqMP (xlnx-zcu102) with cmshm.ko, and the R5 test firmware
# (firmware/examples/qemu-zynqmp, built on the remote endpoint library) on
# its Cortex-R5F as the remote core: messages both ways and a latency
# summary, then the firmware's own console.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)

echo "== building the module, the tools, the guest and the R5 firmware (first run downloads Debian's arm64 kernel)"
g=$("$top"/tests/vm/build-guest.sh)
fw=$("$top"/firmware/examples/qemu-zynqmp/build.sh)
entry=$(LC_ALL=C readelf -h "$fw" | awk '/Entry point address:/ { print $4 }')
echo "== booting: Linux on 2 Cortex-A53s, the firmware on the Cortex-R5F (cmshm0 echo, cmshm1 sink, cmshm2 source)"
exec "$top"/tests/vm/run-vm.sh --machine zynqmp --firmware "$fw" --timeout 600 \
	--module "$g"/cmshm_test_mbox.ko --module "$g"/cmshm.ko \
	--file "$g"/cmshm_rpu_start.ko:/data/cmshm_rpu_start.ko \
	--file "$g"/cmshm-tool --file "$g"/cmshm-fwctl \
	-- 'set -e
	    echo "--- start the R5 (PSCI CPU_ON at '"$entry"')"
	    insmod /data/cmshm_rpu_start.ko entry='"$entry"'
	    echo "--- cmshm-tool info (guest, /dev/cmshm0)"
	    cmshm-tool -d /dev/cmshm0 info
	    echo "--- Linux -> R5 -> Linux: send and receive the echo"
	    cmshm-tool -d /dev/cmshm0 send "hello from Linux" "second message"
	    cmshm-tool -d /dev/cmshm0 recv --count 2 --timeout 5000
	    echo "--- R5 -> Linux: 5 numbered messages from the firmware (cmshm2)"
	    cmshm-fwctl source /dev/cmshm2 5 16 48 >/dev/null
	    cmshm-tool -d /dev/cmshm2 recv --count 5 --hex --timeout 10000
	    echo "--- round-trip latency (1000 x 64 bytes, TCG-emulated Cortex-A53 and Cortex-R5F)"
	    cmshm-tool -d /dev/cmshm0 ping --count 1000 --size 64
	    echo "--- counters"
	    grep -H . /sys/class/cmshm/cmshm0/statistics/*'
