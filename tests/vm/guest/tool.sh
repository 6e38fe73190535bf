#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Guest: cmshm-tool against the real driver, with cmshm-remote in echo mode
# on $1. Prints TAP lines.
dev=$1
n=0
failed=0
t() { # description; reads the status of the last command from $rc
	n=$((n + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - cmshm-tool $1"
	else
		echo "not ok $n - cmshm-tool $1"
		failed=$((failed + 1))
	fi
}
T="cmshm-tool -d $dev"

$T info >/tmp/info 2>&1 && grep -q "link.*up" /tmp/info &&
	grep -q "max_msg_size.*32760" /tmp/info
rc=$?; t "info shows the link up and the maximum message size"
sed 's/^/# /' /tmp/info

$T send "hello" "second message" && [ "$($T recv --count 2 --timeout 5000 | tr '\n' '|')" = "hello|second message|" ]
rc=$?; t "send two messages, recv prints the two echoes as text"

$T send --hex 00ff10 && [ "$($T recv --hex --timeout 5000)" = "00ff10" ]
rc=$?; t "send --hex and recv --hex keep binary bytes"

printf 'raw\001bytes' >/tmp/raw && $T send --file /tmp/raw &&
	$T recv --raw --timeout 5000 >/tmp/raw.out && cmp -s /tmp/raw /tmp/raw.out
rc=$?; t "send --file and recv --raw round-trip a file"

$T send "0123456789" && ! $T recv --bufsize 4 --timeout 5000 2>/tmp/err &&
	grep -q "Message too long" /tmp/err && [ "$($T recv --timeout 5000)" = "0123456789" ]
rc=$?; t "recv with a small buffer reports EMSGSIZE and the message stays queued"

$T recv --timeout 200 >/dev/null 2>&1
[ $? -eq 4 ]; rc=$?; t "recv --timeout with nothing queued exits 4"

$T ping --count 200 --size 512 >/tmp/ping 2>&1 && grep -q "median_us=" /tmp/ping
rc=$?; t "ping 200 round trips"
sed 's/^/# /' /tmp/ping

$T dump --offset 4096 --length 32 --write-pattern 0xa5 >/tmp/dump &&
	grep -q "a5 a5 a5 a5" /tmp/dump &&
	$T dump --offset 4096 --length 16 | grep -q "a5 a5"
rc=$?; t "dump --write-pattern fills the mmap()ed area and dump reads it back"

$T dump --offset 999999999 --length 16 >/dev/null 2>&1
[ $? -eq 2 ]; rc=$?; t "dump outside the application area exits 2"

$T source --count 2000 --size-min 1 --size-max max --size-dist log --nonblock >/tmp/src 2>&1 &
p=$!
$T sink --count 2000 --timeout 20000 >/tmp/sink 2>&1
s=$?
wait $p
[ $? -eq 0 ] && [ $s -eq 0 ]
rc=$?; t "source --nonblock and sink verify 2000 echoed messages of 1..max bytes"

$T sink --count 1 --timeout 300 >/dev/null 2>&1
[ $? -eq 4 ]; rc=$?; t "sink with nothing arriving times out with exit 4"

timeout 2 $T watch --timeout 1000 >/tmp/watch 2>&1 && grep -q "link up" /tmp/watch
rc=$?; t "watch reports the link state"
[ "$failed" -eq 0 ]
