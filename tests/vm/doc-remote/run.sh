#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Checks that Documentation/protocol.rst suffices to write a remote: boots the
# QEMU guest with cmshm.ko and the test mailbox, with cmshm_doc_remote.py
# (written from protocol.rst alone) playing the remote core of
#   /dev/cmshm0  region 0x5f000000, test mailbox doorbells (in 0, out 1)
#   /dev/cmshm2  region 0x5f200000, polling mode
# and runs round trips on both nodes (including maximum-size messages and a
# reload of cmshm.ko, i.e. a host restart).  Prints TAP:
#   1 - the guest checks passed (guest command, clean kernel log, modules
#       unloaded)
#   2 - both Python remotes exited 0 (no protocol error); their summaries
#       are printed as comments.
# Runtime: about 15 s (guest build when up to date + one ~6 s VM boot).
#
# Usage: tests/vm/doc-remote/run.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
R0=0x5f000000 R2=0x5f200000 DB=0x5f300000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "1..2"
if ! g=$("$top"/tests/vm/build-guest.sh 2>"$tmp/build.log"); then
	sed 's/^/# /' "$tmp/build.log" | tail -20
	echo "not ok 1 - guest checks (guest artifacts failed to build)"
	echo "not ok 2 - Python doc remotes exit 0 (not run)"
	exit 1
fi

# rem ADDR ARGS...: a remote command that also records its exit status.
rem() {
	local addr=$1
	shift
	# the harness sends SIGTERM to the whole process group: this wrapping
	# shell must survive it to record python's status
	printf 'trap : TERM; python3 %q --region %s' "$here/cmshm_doc_remote.py" "$addr"
	printf ' %q' "$@"
	printf '; rc=$?; echo $rc >%q; exit $rc' "$tmp/rc.$addr"
}

guest='cmshm-vmtest multi /dev/cmshm0 /dev/cmshm2 &&
  cmshm-tool -d /dev/cmshm0 ping --count 200 --size 1000 &&
  cmshm-tool -d /dev/cmshm0 ping --count 20 --size 32760 &&
  cmshm-tool -d /dev/cmshm2 ping --count 20 --size 32760 &&
  echo "# reloading cmshm.ko (host restart)" &&
  rmmod cmshm && insmod /lib/cmshm-vm/01-cmshm.ko &&
  cmshm-vmtest multi /dev/cmshm0 /dev/cmshm2 &&
  for d in cmshm0 cmshm2; do
    e=$(cat /sys/class/*/$d/statistics/protocol_errors);
    echo "# $d protocol_errors=$e"; [ "$e" = 0 ] || exit 1;
  done'

start=$(date +%s)
(cd "$top" && tests/vm/run-vm.sh --timeout 120 \
	--module "$g"/cmshm_test_mbox.ko --module "$g"/cmshm.ko \
	--file "$g"/cmshm-vmtest --file "$g"/cmshm-tool \
	--remote "$(rem $R0 --doorbell $DB --db-in 0 --db-out 1)" \
	--remote "$(rem $R2 --poll-us 200)" \
	-- "$guest") >"$tmp/vm.log" 2>&1
rc=$?
secs=$(($(date +%s) - start))
sed 's/^/# /' "$tmp/vm.log"

result=$(sed -n 's/^CMSHM-VM-RESULT: \([0-9]*\).*/\1/p' "$tmp/vm.log" | tail -1)
oks=$(grep -c '^ok ' "$tmp/vm.log")
if [ "$result" = 0 ] && ! grep -q '^not ok ' "$tmp/vm.log" && [ "$oks" -ge 6 ]; then
	echo "ok 1 - guest checks passed against the doc remote ($oks guest checks, VM ${secs}s)"
else
	echo "not ok 1 - guest checks (CMSHM-VM-RESULT '${result:-none}', run-vm.sh status $rc)"
fi

ok=1
for a in $R0 $R2; do
	r=$(cat "$tmp/rc.$a" 2>/dev/null || echo none)
	s=$(grep "^doc-remote@$a: echoed" "$tmp/vm.log" | tail -1)
	echo "# remote $a: exit $r: ${s:-no summary}"
	[ "$r" = 0 ] && [ -n "$s" ] || ok=0
done
if [ $ok = 1 ]; then
	echo "ok 2 - Python doc remotes exited 0 (no protocol error)"
else
	echo "not ok 2 - Python doc remotes exited 0 (run-vm.sh status $rc)"
fi
[ "$result" = 0 ] && [ $ok = 1 ] && [ $rc = 0 ]
