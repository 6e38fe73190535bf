#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# watch.sh DEV - cmshm-tool watch on a device whose remote attaches a few
# seconds after boot (run-integration.sh's stream scenario): while the link
# is down it must sleep in poll(), not probe; then it prints "link up".
# watch.sh --idle DEV - the link is up and idle (polling mode included):
# watch must sleep there too, not be woken by every polling tick.
# TAP lines; exit status 1 on any failure.
idle=0
if [ "$1" = --idle ]; then
	idle=1
	shift
fi
dev=$1
name=${dev##*/}
n=0
fails=0
t() {	# t STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}
state() { cat /sys/class/cmshm/"$name"/link_state; }
switches() { awk '/^voluntary_ctxt_switches/ { print $2 }' /proc/"$1"/status; }

cmshm-tool -d "$dev" watch --timeout 30000 >/tmp/watch.out 2>&1 &
pid=$!
if [ $idle -eq 1 ]; then
	sleep 1
	s0=$(switches $pid)
	sleep 2
	s1=$(switches $pid)
	[ "$(state)" = up ] && [ $((s1 - s0)) -le 2 ]
	t $? "watch on the idle, up link of $name sleeps ($((s1 - s0)) wake-ups in 2 s)"
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ $fails -eq 0 ]
	exit
fi
sleep 1
s0=$(switches $pid)
st0=$(state)
sleep 2
s1=$(switches $pid)
st1=$(state)
if [ "$st0" = down ] && [ "$st1" = down ]; then
	# One sleep in poll() is one voluntary switch; a 10 ms probe loop
	# makes about 200 in 2 s.
	[ $((s1 - s0)) -le 2 ]
	t $? "watch sleeps while the link is down ($((s1 - s0)) wake-ups in 2 s)"
else
	t 1 "the link stayed down for the measurement (it was $st0, then $st1)"
fi
i=0
while [ $i -lt 250 ] && ! grep -q "link up" /tmp/watch.out; do
	sleep 0.1
	i=$((i + 1))
done
grep -q "link down (initial)" /tmp/watch.out && grep -q "link up" /tmp/watch.out
t $? "watch prints \"link down (initial)\", then \"link up\" when the remote attaches"
kill $pid 2>/dev/null
wait $pid 2>/dev/null
sed 's/^/# /' /tmp/watch.out
[ $fails -eq 0 ]
