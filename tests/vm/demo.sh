#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# make demo: boot Debian's stock arm64 kernel in QEMU with cmshm.ko, play
# the remote core with cmshm-remote on this machine, and use cmshm-tool in
# the guest: messages both ways and a latency summary.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
r=$top/build/host/cmshm-remote

echo "== building the module, the tools and the guest (first run downloads Debian's arm64 kernel)"
g=$("$top"/tests/vm/build-guest.sh)
echo "== booting; remote core: cmshm0 echo (mailbox), cmshm1 source (mailbox)"
exec "$top"/tests/vm/run-vm.sh --timeout 600 \
	--module "$g"/cmshm_test_mbox.ko --module "$g"/cmshm.ko \
	--file "$g"/cmshm-tool \
	--remote "$r --region 0x5f000000 --doorbell 0x5f300000 --db-in 0 --db-out 1 --mode echo" \
	--remote "$r --region 0x5f100000 --doorbell 0x5f300000 --db-in 2 --db-out 2 --mode source --count 5 --size-min 16 --size-max 64 --rate 10" \
	-- 'set -e
	    echo "--- cmshm-tool info (guest, /dev/cmshm0)"
	    cmshm-tool -d /dev/cmshm0 info
	    echo "--- Linux -> remote -> Linux: send and receive the echo"
	    cmshm-tool -d /dev/cmshm0 send "hello from Linux" "second message"
	    cmshm-tool -d /dev/cmshm0 recv --count 2 --timeout 5000
	    echo "--- remote -> Linux: numbered messages from the remote (cmshm1)"
	    cmshm-tool -d /dev/cmshm1 recv --count 5 --hex --timeout 10000
	    echo "--- round-trip latency (1000 x 64 bytes, TCG-emulated arm64)"
	    cmshm-tool -d /dev/cmshm0 ping --count 1000 --size 64
	    echo "--- counters"
	    grep -H . /sys/class/cmshm/cmshm0/statistics/*'
