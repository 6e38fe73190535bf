#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Self-test of cmshm-tool without the driver: builds (host and static
# aarch64, -Werror), --help texts, usage errors (exit 2), a missing device
# (exit 1), and, through the LD_PRELOAD fake device tests/tool/fakedev.c,
# info, send/recv formats and errors, ping/source/sink verification (exit 3)
# and timeouts (exit 4), dump bounds and hexdump -C equality, SIGINT.
#
# Usage: tests/tool/selftest.sh [PATH-TO-HOST-cmshm-tool]
#   Without an argument both builds are made in a temporary directory.
# Output: one TAP line per check; exit status 1 if any check failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
# Only the main shell cleans up: a background subshell killed early may run
# the inherited EXIT trap.
trap '[ "$BASHPID" = "$$" ] && rm -rf "$tmp"' EXIT
n=0
failed=0

ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		[ -s "$tmp/out" ] && sed 's/^/#   out: /' "$tmp/out" | head -5
		[ -s "$tmp/err" ] && sed 's/^/#   err: /' "$tmp/err" | head -5
	fi
	return 0
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# run EXPECTED-EXIT ARGS...: run the tool, keep stdout/stderr, compare status.
run() {
	local want=$1 rc
	shift
	timeout 10 "$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq "$want" ] || { echo "#   exit $rc, expected $want: $*"; return 1; }
}
has() { grep -q -- "$2" "$tmp/$1"; }	# has out|err REGEX

# ---- builds ----
if [ $# -ge 1 ]; then
	tool=$1
else
	make -s -j2 -C "$top/userspace" BUILDDIR="$tmp/build" cmshm-tool \
		>"$tmp/out" 2>"$tmp/err"
	ok $? "host build of cmshm-tool is warning-free (-Wall -Wextra -Werror)"
	tool=$tmp/build/host/cmshm-tool
	if command -v aarch64-linux-gnu-gcc >/dev/null; then
		make -s -j2 -C "$top/userspace" BUILDDIR="$tmp/build" \
			CROSS=aarch64-linux-gnu- cmshm-tool >"$tmp/out" 2>"$tmp/err"
		ok $? "aarch64 build of cmshm-tool is warning-free"
		a64=$tmp/build/aarch64/cmshm-tool
		readelf -h "$a64" 2>/dev/null | grep -q 'Machine:.*AArch64' &&
			! readelf -l "$a64" | grep -q INTERP
		ok $? "aarch64 cmshm-tool is a static AArch64 executable"
	else
		skip "aarch64 build" "aarch64-linux-gnu-gcc not installed"
		skip "aarch64 static executable" "aarch64-linux-gnu-gcc not installed"
	fi
fi
[ -x "$tool" ] || { echo "not ok $((n + 1)) - no tool at $tool"; exit 1; }

# ---- help ----
run 0 --help && has out 'Exit status' && has out '4  timeout' &&
	has out '3  verification failure'
ok $? "--help documents the exit codes and exits 0"
for c in info send recv watch ping source sink dump; do
	run 0 --help && has out "^  $c "
	ok $? "--help lists '$c'"
	run 0 "$c" --help && has out "^Usage: cmshm-tool .* $c" &&
		has out '^Exit status' && ! [ -s "$tmp/err" ]
	ok $? "'$c --help' prints usage and exit status, exits 0"
done
run 0 help sink && has out 'Usage: cmshm-tool .* sink'
ok $? "'help sink' prints the sink usage"

# ---- usage errors: exit 2 ----
usage_case() {	# usage_case DESCRIPTION ARGS...
	local d=$1
	shift
	run 2 -d "$tmp/nodev" "$@" && has err '^cmshm-tool: \|^Try '
	ok $? "usage error exits 2: $d"
}
usage_case "no command"
usage_case "unknown command" frobnicate
usage_case "unknown global option" --bogus info
usage_case "unknown command option" info --bogus
usage_case "extra argument" info extra
usage_case "missing option value" recv --count
usage_case "non-numeric count" recv --count ten
usage_case "negative count" recv --count -3
usage_case "bad timeout" recv --timeout 1x
usage_case "--hex with --raw" recv --hex --raw
usage_case "send without message" send
usage_case "send --file with arguments" send --file /dev/null abc
usage_case "send invalid hex" send --hex 12zz
usage_case "send odd hex" send --hex 123
usage_case "source without --count" source
usage_case "source size-min > size-max" source -c 1 --size-min 100 --size-max 50
usage_case "source size 0" source -c 1 --size 0
usage_case "sink without --count" sink
usage_case "ping size below 16" ping --size 8
usage_case "dump length 0" dump --length 0
usage_case "dump pattern above 255" dump --write-pattern 256

# ---- missing device: exit 1 with a clear message ----
run 1 -d "$tmp/cmshm9" info &&
	has err "^cmshm-tool: $tmp/cmshm9: open: No such file or directory$"
ok $? "info on a missing device exits 1: 'cmshm-tool: DEV: open: No such file or directory'"
run 1 info -d "$tmp/cmshm9" && has err "$tmp/cmshm9: open:"
ok $? "-d after the command is honoured"
run 1 -d /dev/null info && has err '^cmshm-tool: /dev/null: ioctl CMSHM_IOC_INFO: '
ok $? "info on a non-cmshm file reports the failed ioctl, exits 1"

# ---- fake device (LD_PRELOAD) ----
if ! cc -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC \
	-I"$top/include/uapi" -I"$top/userspace" -o "$tmp/fakedev.so" \
	"$here/fakedev.c" -ldl -pthread 2>"$tmp/err"; then
	ok 1 "build the fake device shim"
	echo "1..$n"
	exit 1
fi
dev=$tmp/cmshm0
export CMSHM_FAKE_PATH=$dev
fake() {	# fake EXPECTED-EXIT MODE ARGS...: run against the fake device
	local want=$1 mode=$2
	shift 2
	CMSHM_FAKE_MODE=$mode LD_PRELOAD=$tmp/fakedev.so run "$want" -d "$dev" "$@"
}

fake 0 silent info && has out '^version: *1$' && has out '^link_state: *up (1)$' &&
	has out '^app_size: *4096 (0x1000)$' && has out '^max_msg_size: *1024' &&
	has out '^  tx_messages: *7$' && has out '^  peer_resets: *3$' &&
	has out '^  doorbells_coalesced: *0$' && has out '^flags: '
ok $? "info prints the INFO fields and counters"

CMSHM_FAKE_SAY=68690a015c,00ff fake 0 say recv --count 2 &&
	[ "$(cat "$tmp/out")" = 'hi\n\x01\\
\x00\xff' ]
ok $? "recv prints text with \\n, \\xHH and \\\\ escapes, one line per message"
CMSHM_FAKE_SAY=68690a015c,00ff fake 0 say recv --count 2 --hex &&
	[ "$(cat "$tmp/out")" = '68690a015c
00ff' ]
ok $? "recv --hex prints one hex line per message"
CMSHM_FAKE_SAY=68690a015c,00ff fake 0 say recv --count 2 --raw &&
	[ "$(od -An -tx1 "$tmp/out" | tr -d ' \n')" = 68690a015c00ff ]
ok $? "recv --raw writes the bytes unchanged"
CMSHM_FAKE_SAY=68690a015c fake 1 say recv --bufsize 2 &&
	has err "^cmshm-tool: $dev: read: Message too long$"
ok $? "recv into a too-small buffer reports EMSGSIZE, exits 1"
CMSHM_FAKE_SAY=6869 fake 4 say recv --count 2 --timeout 100 &&
	[ "$(cat "$tmp/out")" = hi ] && has err 'timed out after 100 ms'
ok $? "recv --timeout: partial output, exit 4"

fake 0 sinkhole send --repeat 2 hello world && ! [ -s "$tmp/out" ]
ok $? "send of several messages succeeds silently"
fake 1 sinkhole send "$(head -c 1025 /dev/zero | tr '\0' x)" &&
	has err "^cmshm-tool: $dev: write: Message too long$"
ok $? "send above max_msg_size reports EMSGSIZE, exits 1"
printf 'abc' >"$tmp/msg"
fake 1 sinkhole send --file "$tmp/nosuch" && has err "$tmp/nosuch: open:"
ok $? "send --file of a missing file exits 1"

fake 0 echo ping --count 200 --size 100 &&
	has out '^ping: count=200 size=100 min_us=[0-9.]* median_us=[0-9.]* p99_us=[0-9.]* max_us=[0-9.]*$'
ok $? "ping against an echoing remote: 200 round trips, statistics, exit 0"
CMSHM_FAKE_CORRUPT=3 fake 3 echo ping --count 10 && has out '^ping: count=3 ' &&
	has err 'ping 3: echo'
ok $? "ping detects a corrupted echo, exits 3"
fake 4 silent ping --count 2 --timeout 100 && has err 'ping 0: no echo within 100 ms'
ok $? "ping without echo times out, exits 4"

fake 0 sinkhole source --count 3000 --size-min 16 --size-max 1024 &&
	has out '^source: messages=3000 bytes=[0-9]* ' && has err '^fake: sinkhole 3000 ok$'
ok $? "source writes 3000 valid numbered messages seq 0..2999 (blocking)"
fake 0 sinkhole source --count 3000 --size 1024 --nonblock &&
	has out '^source: messages=3000 bytes=3072000 .* eagain=[0-9]*$' &&
	has err '^fake: sinkhole 3000 ok$'
ok $? "source --nonblock writes 3000 valid messages and counts EAGAIN"
fake 2 sinkhole source --count 1 --size-max 1025 && has err 'exceeds max_msg_size 1024'
ok $? "source refuses sizes above max_msg_size, exits 2"
fake 4 silent source --count 100000 --size 1024 --nonblock --timeout 100 &&
	has err 'not accepted within 100 ms'
ok $? "source --nonblock --timeout on a full ring exits 4"
fake 4 silent source --count 100000 --size 1024 --timeout 100 &&
	has err 'not accepted within 100 ms'
ok $? "blocking source --timeout (watchdog) on a full ring exits 4"

CMSHM_FAKE_COUNT=500 fake 0 gen sink --count 500 --timeout 1000 &&
	has out 'received=500 .*expected=500 lost=0 missing=0 duplicated=0 reordered=0 corrupt=0$'
ok $? "sink verifies 500 numbered messages, exit 0"
sink_fault() {	# sink_fault FAULT EXPECTED-COUNTERS
	CMSHM_FAKE_COUNT=50 CMSHM_FAKE_FAULT=$1 fake 3 gen sink --count 50 --timeout 100 &&
		has out "$2"
	ok $? "sink detects $1 ($2), exits 3"
}
sink_fault dup:5 'lost=1 missing=0 duplicated=1 reordered=0 corrupt=0'
sink_fault skip:5 'lost=1 missing=0 duplicated=0 reordered=0 corrupt=0'
sink_fault swap:5 'lost=0 missing=0 duplicated=0 reordered=1 corrupt=0'
sink_fault corrupt:5 'lost=1 missing=0 duplicated=0 reordered=0 corrupt=1'
CMSHM_FAKE_COUNT=40 fake 4 gen sink --count 50 --timeout 100 &&
	has out 'received=40 .*lost=0 missing=10 '
ok $? "sink: a stream that stops early times out with missing=10, exits 4"

fake 0 silent dump && [ "$(cat "$tmp/out")" = '00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
00001000' ]
ok $? "dump of the whole area squeezes repeated lines like hexdump -C"
fake 0 silent dump --offset 5 --length 20 --write-pattern 0x41 &&
	{ head -c 5 /dev/zero; printf 'AAAAAAAAAAAAAAAAAAAA'; } >"$tmp/ref" &&
	if command -v hexdump >/dev/null; then
		hexdump -C -s 5 "$tmp/ref" | cmp -s - "$tmp/out"
	else
		[ "$(sed -n 1p "$tmp/out")" = '00000005  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|' ]
	fi
ok $? "dump --write-pattern output is identical to hexdump -C -s 5"
fake 0 silent dump --offset 4095 --length 1 && has out '^00000fff  00 .*|.|$'
ok $? "dump of the last byte is allowed"
fake 2 silent dump --offset 4096 && has err 'outside the application area.*app_size 4096'
ok $? "dump --offset app_size is rejected, exits 2"
fake 2 silent dump --offset 4095 --length 2 && has err 'ends beyond the application area'
ok $? "dump range crossing app_size is rejected, exits 2"
fake 2 silent dump --offset 1 --length 0xffffffffffffffff && has err 'ends beyond'
ok $? "dump range overflowing 64 bits is rejected, exits 2"
CMSHM_FAKE_APP_SIZE=0 fake 1 silent dump && has err 'no application area'
ok $? "dump with app_size 0 exits 1"

CMSHM_FAKE_SAY=6869,7878 fake 0 say watch --timeout 200 &&
	has out '^[0-9]*\.[0-9]\{6\} link up (initial)$' &&
	has out '^[0-9]*\.[0-9]\{6\} msg len=2 hi$' && has out 'msg len=2 xx$'
ok $? "watch prints timestamped state and messages, --timeout exits 0"

# SIGINT/SIGTERM: stop within 1 s with the documented status.
sig_case() {	# sig_case SIGNAL EXPECTED-EXIT DESCRIPTION ARGS...
	local sig=$1 want=$2 d=$3 pid rc start killer
	shift 3
	CMSHM_FAKE_MODE=silent LD_PRELOAD=$tmp/fakedev.so \
		"$tool" -d "$dev" "$@" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep 0.2
	start=$(date +%s%N)
	kill -"$sig" "$pid"
	( sleep 2; kill -KILL "$pid" ) >/dev/null 2>&1 &
	killer=$!
	wait "$pid"
	rc=$?
	kill "$killer" 2>/dev/null
	[ "$rc" -eq "$want" ] && [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 1000 ]
	ok $? "$d (exit $rc)"
}
sig_case INT 1 "SIGINT stops a blocked recv cleanly, exits 1" recv
sig_case INT 0 "SIGINT stops watch, exits 0" watch
sig_case TERM 1 "SIGTERM stops a blocking source on a full ring, exits 1" \
	source --count 1000000
grep -q '^source: messages=' "$tmp/out"
ok $? "interrupted source still prints its statistics"

echo "1..$n"
[ "$failed" -eq 0 ]
