#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Guest side of the emulated ZynqMP scenarios (tests/vm/zynqmp/run.sh), run
# with the R5 test firmware as the remote core (dts/qemu-zynqmp.dtso:
# cmshm0 echo, cmshm1 sink, cmshm2 source). Prints TAP lines.
#
#   guest.sh start ENTRY        start the R5 at ENTRY (PSCI CPU_ON)
#   guest.sh functional         echo suite, cmshm-tool, ping, interrupts
#   guest.sh stream N           N numbered messages each way at once,
#                               checked by Linux and by the firmware
#   guest.sh restart N          the firmware restarts N times while
#                               cmshm0 carries round trips
n=0
failed=0
t() { # status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

irq_count() { # the test mailbox's interrupts, all CPUs
	awk '/test-mailbox/ { s = 0; for (i = 2; i <= NF; i++)
		if ($i ~ /^[0-9]+$/) s += $i; else break; print s }' /proc/interrupts
}

case $1 in
start)
	insmod /data/cmshm_rpu_start.ko entry="$2"
	t $? "PSCI CPU_ON starts the R5 at $2"
	;;
functional)
	i0=$(irq_count)
	cmshm-vmtest echo /dev/cmshm0; a=$?
	tool.sh /dev/cmshm0; b=$?
	cmshm-tool -d /dev/cmshm0 ping --count 1000 --size 64 >/tmp/ping 2>&1
	t $? "ping: 1000 round trips of 64 bytes with the R5 firmware"
	sed 's/^/# latency (TCG-emulated A53 and R5): /' /tmp/ping
	i1=$(irq_count)
	[ "${i1:-0}" -gt "${i0:-0}" ]
	t $? "the R5's doorbells reach Linux as test-mailbox interrupts (${i0:-none} -> ${i1:-none})"
	[ $((a | b)) -eq 0 ]
	t $? "echo suite and cmshm-tool suite against the R5 firmware"
	;;
stream)
	cmshm-fwctl source /dev/cmshm2 "$2" 16 2048; a=$?
	stream.sh /dev/cmshm1 /dev/cmshm2 "$2"; b=$?
	cmshm-fwctl stats /dev/cmshm1 "$2"; c=$?
	[ $((a | b | c)) -eq 0 ]
	t $? "$2 numbered messages each way between Linux and the R5"
	;;
restart)
	cmshm-lifecycle reset /dev/cmshm0 "$2" >/tmp/reset.log 2>&1 &
	pid=$!
	# The round trips have started (cmshm-lifecycle gives up after 20 s).
	w=0
	until grep -q RESET-TEST-START /tmp/reset.log || [ $w -ge 300 ]; do
		sleep 0.2
		w=$((w + 1))
	done
	r=0
	for _ in $(seq "$2"); do
		sleep 1
		cmshm-fwctl restart /dev/cmshm1 >/tmp/restart.log 2>&1 || r=1
		sed 's/^/# /' /tmp/restart.log
	done
	t $r "the firmware took $2 restart commands"
	wait $pid; a=$?
	cat /tmp/reset.log
	cmshm-fwctl stats /dev/cmshm0 >/tmp/stats.log 2>&1
	grep -q "boots $(($2 + 1)) " /tmp/stats.log
	t $? "the firmware booted $(($2 + 1)) times"
	cat /tmp/stats.log
	[ $a -eq 0 ]
	t $? "cmshm0 recovers from every firmware restart"
	;;
*)
	echo "usage: guest.sh start|functional|stream|restart ..." >&2
	exit 2
	;;
esac
[ "$failed" -eq 0 ]
