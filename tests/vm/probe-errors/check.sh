#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# check.sh - guest side of the probe-errors scenario: the nodes of
# probe-errors.dtso are not bound, each with its reason in the kernel log,
# and the good nodes still are. TAP lines; exit status 1 on any failure.
n=0
fails=0
t() {	# t DESCRIPTION SHELL-CONDITION
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		fails=$((fails + 1))
	fi
}
pd=/sys/bus/platform/devices
# Which of the two nodes on 0x5f000000 probes first is the kernel's choice.
bound=0
for d in cmshm-0 cmshm-shared-region; do
	[ -e $pd/$d/driver ] && bound=$((bound + 1))
done
t "one of the two nodes on cmshm0's memory-region is bound, not both" \
	"[ $bound -eq 1 ]"
t "the kernel log says the memory-region is in use" \
	'dmesg | grep -q "memory-region 0x0*5f000000 is in use"'
t "a node with alias cmshm64 (64 minors: 0..63) is not bound" \
	"[ ! -e $pd/cmshm-alias-64/driver ] && [ ! -e /dev/cmshm64 ]"
t "the kernel log names the alias limit" \
	'dmesg | grep -q "alias cmshm64: the limit is cmshm63"'
t "the nodes without an alias are numbered from cmshm4, above the aliases" \
	"[ ! -e $pd/cmshm-shared-region/driver ] || [ -c /dev/cmshm4 ]"
t "cmshm1..3 are bound with their aliases" \
	"[ -c /dev/cmshm1 ] && [ -c /dev/cmshm2 ] && [ -c /dev/cmshm3 ]"
t "cmshm,rx-ack with one channel and with no mailbox: neither node is bound" \
	"[ ! -e $pd/cmshm-rx-ack-one-channel/driver ] && [ ! -e $pd/cmshm-rx-ack-polling/driver ]"
t "the kernel log says cmshm,rx-ack needs \"tx\" and \"rx\", for both" \
	'[ "$(dmesg | grep -c "cmshm,rx-ack needs channels \"tx\" and \"rx\"")" -eq 2 ]'
[ $fails -eq 0 ]
