#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Run test suites and add up their TAP lines.
#
# Usage: tests/run-suites.sh NAME=COMMAND [NAME=COMMAND ...]
#
# Each COMMAND runs under bash; its output is shown and every line that
# starts with "ok" or "not ok" (TAP) counts as one passed or failed check.
# A suite that exits non-zero without printing any "not ok" line counts as
# one more failure, so a crash is never silent. The last line printed is
# "N passed, N failed". Exit status: 0 if nothing failed, 1 otherwise.
set -u
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for suite in "$@"; do
	name=${suite%%=*}
	cmd=${suite#*=}
	echo "# ---- suite: $name"
	start=$(date +%s)
	bash -c "$cmd" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok( |$)' "$log")
	f=$(grep -cE '^not ok( |$)' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite $name exited with status $rc"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite $name ran no check"
		f=1
	fi
	echo "# ---- suite $name: $p passed, $f failed ($(( $(date +%s) - start )) s)"
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
