#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Guest side of the streaming test: N numbered messages each way at once,
# Linux -> remote on $1 (remote: sink) and remote -> Linux on $2 (remote:
# source), verified for loss, duplication, reordering and corruption.
# Prints TAP lines.
tx=$1 rx=$2 n=$3
start=$(date +%s)
cmshm-tool -d "$tx" source --count "$n" --size-min 16 --size-max 2048 \
	>/tmp/source.log 2>&1 &
src=$!
cmshm-tool -d "$rx" sink --count "$n" --timeout 600000 >/tmp/sink.log 2>&1
sink_rc=$?
wait $src
src_rc=$?
sed 's/^/# /' /tmp/source.log /tmp/sink.log
secs=$(( $(date +%s) - start ))
[ $src_rc -eq 0 ] && echo "ok 1 - $n numbered messages written to $tx ($secs s)" ||
	echo "not ok 1 - source on $tx exited $src_rc"
[ $sink_rc -eq 0 ] && echo "ok 2 - $n numbered messages read from $rx in order, intact" ||
	echo "not ok 2 - sink on $rx exited $sink_rc"
txm=$(cat /sys/class/cmshm/"${tx#/dev/}"/statistics/tx_messages)
rxm=$(cat /sys/class/cmshm/"${rx#/dev/}"/statistics/rx_messages)
[ "$txm" -eq "$n" ] && [ "$rxm" -eq "$n" ] &&
	echo "ok 3 - sysfs counts $n messages each way" ||
	echo "not ok 3 - sysfs counts tx $txm rx $rxm, expected $n"
af=0
for d in "$tx" "$rx"; do
	f=/sys/class/cmshm/${d#/dev/}/statistics/doorbell_acks_failed
	[ ! -r "$f" ] || af=$((af + $(cat "$f")))
done
[ "$af" -eq 0 ] &&
	echo "ok 4 - no doorbell acknowledgment refused (cmshm,rx-ack)" ||
	echo "not ok 4 - $af doorbell acknowledgment(s) refused"
[ $src_rc -eq 0 ] && [ $sink_rc -eq 0 ] && [ "$af" -eq 0 ]
