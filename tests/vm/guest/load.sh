#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Guest side of the load test: N messages each way at once on one device,
# each numbered (sequence number + CRC32; below 16 bytes a pattern derived
# from the sequence number), log-uniform sizes from 1 byte to the maximum,
# while the remote (cmshm-remote --mode duplex --stall ...) stalls
# periodically. The remote verifies Linux -> remote; cmshm-tool sink
# verifies remote -> Linux. Prints TAP lines.
dev=$1 n=$2
start=$(date +%s)
cmshm-tool -d "$dev" source --count "$n" --size-min 1 --size-max max \
	--size-dist log >/tmp/load-source.log 2>&1 &
src=$!
cmshm-tool -d "$dev" sink --count "$n" --timeout 600000 >/tmp/load-sink.log 2>&1
sink_rc=$?
wait $src
src_rc=$?
sed 's/^/# /' /tmp/load-source.log /tmp/load-sink.log
secs=$(( $(date +%s) - start ))
[ $src_rc -eq 0 ] && echo "ok 1 - $n messages of 1..max bytes written to $dev ($secs s)" ||
	echo "not ok 1 - source on $dev exited $src_rc"
[ $sink_rc -eq 0 ] && echo "ok 2 - $n messages of 1..max bytes read from $dev: none lost, duplicated, reordered or corrupt" ||
	echo "not ok 2 - sink on $dev exited $sink_rc"
name=${dev#/dev/}
echo "# protocol_errors $(cat /sys/class/cmshm/"$name"/statistics/protocol_errors) peer_resets $(cat /sys/class/cmshm/"$name"/statistics/peer_resets)"
[ $src_rc -eq 0 ] && [ $sink_rc -eq 0 ]
