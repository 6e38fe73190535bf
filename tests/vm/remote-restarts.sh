#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# A remote core that crashes and reboots: for run-vm.sh --remote.
#
# Usage: tests/vm/remote-restarts.sh N -- REMOTE-COMMAND...
#
# Runs REMOTE-COMMAND. Once the guest prints "RESET-TEST-START" on the
# console ($CMSHM_VM_CONSOLE, given by run-vm.sh), kills it with SIGKILL
# (no OFFLINE published: a crash) and starts it again, N times, one second
# apart; each start picks a new session. The last instance replaces this
# script (exec) and runs until the harness stops it.
set -u
n=$1
shift
[ "${1:-}" = -- ] && shift
"$@" &
pid=$!
# No time limit: on a slow (debug) kernel the guest may take many minutes
# to get there; if it never does, the harness stops us and fails the run.
until grep -q RESET-TEST-START "${CMSHM_VM_CONSOLE:-/dev/null}" 2>/dev/null; do
	sleep 0.2
done
for i in $(seq "$n"); do
	sleep 1
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "remote-restarts: restart $i of $n" >&2
	[ "$i" -lt "$n" ] || break
	"$@" &
	pid=$!
done
# The last instance replaces this shell: the harness's SIGTERM and exit
# status are its own.
exec "$@"
