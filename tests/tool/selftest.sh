#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Self-test of cmshm-tool without a device: builds (host and static
# aarch64, -Werror), --help texts, usage errors (exit 2), a missing device
# (exit 1). Its commands against the real driver are checked in the VM
# (tests/vm/guest/tool.sh, scenario "functional" of run-integration.sh).
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

echo "1..$n"
[ "$failed" -eq 0 ]
