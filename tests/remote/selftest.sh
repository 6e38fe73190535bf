#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Host-only self-test of userspace/cmshm-remote (no kernel, no QEMU): a
# temporary file plays guest RAM, tests/remote/fake-host.c plays the HOST
# side of the protocol with the same headers, and the doorbell page sits in
# the same file. Prints one TAP line per check; exit 0 if all passed.
#
# Usage: tests/remote/selftest.sh   (from anywhere; CC overrides the compiler)
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-cc}
CFLAGS="-std=c11 -O2 -Wall -Wextra -Werror -I $top/include"
work=$(mktemp -d)
rpid=
trap '[ -n "$rpid" ] && kill -KILL "$rpid" 2>/dev/null; rm -rf "$work"' EXIT

n=0
failed=0
ok() {	# ok DESCRIPTION STATUS(0 = pass) [diagnostic file...]
	local desc=$1 st=$2 f
	shift 2
	n=$((n + 1))
	if [ "$st" -eq 0 ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
		for f in "$@"; do
			[ -f "$f" ] && sed 's/^/# /' "$f"
		done
	fi
}

# Guest RAM at 0x40000000 (file offset 0), region at +1 MiB, doorbell
# page at +3 MiB; channel 0 is Linux->remote, channel 1 remote->Linux.
mem=$work/mem
REM=(--mem "$mem" --ram-base 0x40000000 --region 0x40100000 --size 0x100000)
DB=(--doorbell 0x40300000 --db-in 0 --db-out 1)
HOST=(--mem "$mem" --region-off 0x100000 --size 0x100000)
HDB=(--doorbell-off 0x300000 --db-tx 0 --db-rx 1)
stats=$work/stats

fresh() {
	rm -f "$mem" "$stats"
	truncate -s 4M "$mem"
}

# start_remote ARGS...: run the emulator in the background (pid in rpid).
start_remote() {
	"$work/cmshm-remote" "${REM[@]}" --stats-file "$stats" "$@" \
		>"$work/remote.out" 2>"$work/remote.err" &
	rpid=$!
}

# reap SECONDS: wait up to SECONDS for the emulator to exit; sets rrc, or
# returns 1 if it is still running.
reap() {
	local i
	for i in $(seq $(($1 * 10))); do
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$rpid" 2>/dev/null && return 1
	wait "$rpid"
	rrc=$?
	rpid=
}

# stop_remote: SIGTERM it and wait (SIGKILL after 5 s: rrc=137); sets rrc.
stop_remote() {
	kill -TERM "$rpid" 2>/dev/null
	reap 5 && return
	kill -KILL "$rpid"
	wait "$rpid"
	rrc=137
	rpid=
}

# wait_remote: give it 5 s to exit by itself, else stop it and fail
# (rrc=124); sets rrc.
wait_remote() {
	reap 5 && return
	stop_remote
	rrc=124
}

# host ARGS...: run fake-host in the foreground; sets hrc.
host() {
	timeout -s KILL 20 "$work/fake-host" "${HOST[@]}" --timeout 5 "$@" \
		>"$work/host.out" 2>"$work/host.err"
	hrc=$?
}

# stat_is KEY VALUE / stat_ge KEY VALUE: assert on the stats file.
stat_is() { grep -qx "$1=$2" "$stats"; }
stat_ge() {
	local v
	v=$(sed -n "s/^$1=//p" "$stats")
	[ -n "$v" ] && [ "$v" -ge "$2" ]
}
logs=("$work/remote.out" "$work/remote.err" "$work/host.out" "$work/host.err" "$stats")

# 1-2: build
$CC $CFLAGS -o "$work/cmshm-remote" "$top/userspace/cmshm-remote.c" \
	"$top"/userspace/remote/*.c "$top/firmware/endpoint/cmshm_remote.c" \
	2>"$work/remote.err"
ok "cmshm-remote builds with -Wall -Wextra -Werror" $? "$work/remote.err"
$CC $CFLAGS -I "$top/userspace" -o "$work/fake-host" \
	"$top/tests/remote/fake-host.c" 2>"$work/host.err"
ok "fake-host builds with -Wall -Wextra -Werror" $? "$work/host.err"
if [ ! -x "$work/cmshm-remote" ] || [ ! -x "$work/fake-host" ]; then
	echo "# cannot continue without the binaries"
	exit 1
fi

# 3-4: command line
"$work/cmshm-remote" --help >"$work/help" 2>&1
rc=$?
grep -q -- '--exit-after-count' "$work/help" && grep -q '^Exit status' "$work/help"
ok "--help exits 0 and documents options and exit codes" $((rc != 0 || $? != 0)) "$work/help"
st=0
"$work/cmshm-remote" --mem "$mem" 2>/dev/null; [ $? -eq 2 ] || st=1
"$work/cmshm-remote" "${REM[@]}" --mode bogus 2>/dev/null; [ $? -eq 2 ] || st=1
"$work/cmshm-remote" "${REM[@]}" --size-min 0 2>/dev/null; [ $? -eq 2 ] || st=1
"$work/cmshm-remote" "${REM[@]}" --exit-after-count 2>/dev/null; [ $? -eq 2 ] || st=1
ok "usage errors exit 2 (no --region, bad --mode, --size-min 0, --exit-after-count alone)" $st

# 5: handshake, host first
fresh
"$work/fake-host" "${HOST[@]}" "${HDB[@]}" --mode idle --hold-ms 100 --timeout 5 \
	>"$work/host.out" 2>"$work/host.err" &
hpid=$!
sleep 0.3
kill -0 "$hpid" 2>/dev/null
hwaiting=$?
start_remote "${DB[@]}" --mode idle
wait "$hpid"
hrc=$?
stop_remote
[ $hwaiting -eq 0 ] && [ $hrc -eq 0 ] && [ $rrc -eq 0 ] && stat_is link_ups 1 &&
	stat_is proto_errors 0 && stat_ge db_out 2
ok "handshake, host first: link up on both sides, remote rang Linux" $? "${logs[@]}"

# 6: handshake, remote first (the region is all zeroes: no host yet)
fresh
start_remote "${DB[@]}" --mode idle
sleep 0.3
kill -0 "$rpid" 2>/dev/null
rwaiting=$?
host "${HDB[@]}" --mode idle --hold-ms 100
stop_remote
[ $rwaiting -eq 0 ] && [ $hrc -eq 0 ] && [ $rrc -eq 0 ] && stat_is link_ups 1 &&
	stat_is host_sessions 1
ok "handshake, remote first: link up on both sides" $? "${logs[@]}"

# 7: echo with doorbells (both sides strict: they look only when rung)
fresh
start_remote "${DB[@]}" --mode echo
host "${HDB[@]}" --mode echo --count 1000 --size-min 16 --size-max 2000
stop_remote
[ $hrc -eq 0 ] && [ $rrc -eq 0 ] && stat_is rx_msgs 1000 && stat_is tx_msgs 1000 &&
	stat_ge db_in 1 && grep -q 'received=1000 ' "$work/host.out"
ok "echo: 1000 numbered messages (16..2000 B) verified by the host, doorbells" $? "${logs[@]}"

# 8: echo in polling mode (no doorbell page)
fresh
start_remote --mode echo --poll-us 20
host --mode echo --count 1000 --size-min 16 --size-max 300
stop_remote
[ $hrc -eq 0 ] && [ $rrc -eq 0 ] && stat_is rx_msgs 1000 && stat_is db_out 0
ok "echo: 1000 messages in polling mode, no doorbell written" $? "${logs[@]}"

# 9: source -> host
fresh
start_remote "${DB[@]}" --mode source --count 10000 --size-min 16 --size-max 1024 \
	--exit-after-count
host "${HDB[@]}" --mode recv --count 10000
wait_remote
[ $hrc -eq 0 ] && [ $rrc -eq 0 ] && stat_is tx_msgs 10000 && stat_is proto_errors 0
ok "source: 10000 numbered messages verified in order by the host; exits once drained" $? "${logs[@]}"

# 10: host -> sink
fresh
start_remote "${DB[@]}" --mode sink --count 10000 --exit-after-count
host "${HDB[@]}" --mode send --count 10000 --size-min 16 --size-max 1000
wait_remote
[ $hrc -eq 0 ] && [ $rrc -eq 0 ] && stat_is sink_ok 10000 && stat_is sink_lost 0 &&
	stat_is sink_dup 0 && stat_is sink_reorder 0 && stat_is sink_corrupt 0
ok "sink: 10000 numbered messages from the host, none lost/dup/reordered/corrupt" $? "${logs[@]}"

# 11: host restart mid-traffic with a new geometry (rings 64 KiB -> 16 KiB)
fresh
start_remote "${DB[@]}" --mode sink
host "${HDB[@]}" --mode send --count 20000 --restart-at 8000 --restart-ring-size 16384
stop_remote
[ $hrc -eq 0 ] && [ $rrc -eq 0 ] && stat_is resets 1 && stat_is host_sessions 2 &&
	stat_is link_ups 2 && stat_ge sink_ok 12001 && stat_is sink_lost 0 &&
	stat_is proto_errors 0
ok "host restart mid-traffic: reset reported, header revalidated, traffic continues" $? "${logs[@]}"

# 12: corrupted h2r head -> protocol error, link restarted, exit 1
fresh
start_remote "${DB[@]}" --mode sink
host "${HDB[@]}" --mode send --count 3000 --corrupt-at 1000
stop_remote
[ $hrc -eq 0 ] && [ $rrc -eq 1 ] && stat_is proto_errors 1 && stat_is link_ups 2 &&
	stat_ge sink_ok 2001 && stat_is sink_lost 0 &&
	grep -q 'protocol error: h2r' "$work/remote.err" &&
	grep -q '^cmshm-remote: mode=sink .*proto_errors=1 ' "$work/remote.out"
ok "corrupted h2r head: protocol error counted, link recovers, exit 1 at SIGTERM" $? "${logs[@]}"

# 13: invalid header while the host says READY
fresh
start_remote "${DB[@]}" --mode idle
host "${HDB[@]}" --mode badhdr --hold-ms 300
stop_remote
[ $hrc -eq 0 ] && [ $rrc -eq 1 ] && stat_is header_errors 1 && stat_is link_ups 0
ok "invalid header under a READY host: counted once, link never up, exit 1" $? "${logs[@]}"

# 14: the sink's count decides its exit status
fresh
start_remote "${DB[@]}" --mode sink --count 500
host "${HDB[@]}" --mode send --count 100
stop_remote
[ $hrc -eq 0 ] && [ $rrc -eq 1 ] && stat_is sink_ok 100 && stat_is exit_status 1
ok "sink --count 500 with 100 received: exit 1" $? "${logs[@]}"

# 15: the source's rate limit (400 messages at 2000/s take about 0.2 s)
fresh
t0=$(date +%s%N)
start_remote "${DB[@]}" --mode source --count 400 --rate 2000 --exit-after-count
host "${HDB[@]}" --mode recv --count 400
wait_remote
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# rate test: ${ms} ms"
[ $hrc -eq 0 ] && [ $rrc -eq 0 ] && [ $ms -ge 180 ] && [ $ms -lt 3000 ] &&
	stat_is tx_msgs 400
ok "source --rate 2000: 400 messages take 0.18..3 s" $? "${logs[@]}"

# 16: the sink's rate limit. 1000 messages of 256..1024 B at 2000/s take
# about 0.5 s; the host writes as fast as the ring allows (64 KiB: it is
# full most of the time, and the remote rings when it frees space), so the
# sink is behind schedule throughout and must never ask for data: it finds
# the ring empty at most once, before the first message, and the host
# rings only for the handshake and for that first message.
fresh
t0=$(date +%s%N)
start_remote "${DB[@]}" --mode sink --count 1000 --rate 2000 --exit-after-count
host "${HDB[@]}" --mode send --count 1000 --size-min 256 --size-max 1024
wait_remote
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# sink rate test: ${ms} ms, $(grep -E '^(db_in|db_out|sink_empty)=' "$stats" | tr '\n' ' ')"
[ $hrc -eq 0 ] && [ $rrc -eq 0 ] && [ $ms -ge 450 ] && [ $ms -lt 3000 ] &&
	stat_is sink_ok 1000 && stat_is sink_lost 0 && ! stat_ge sink_empty 3 &&
	! stat_ge db_in 4 && stat_ge db_out 10 && grep -q 'sink: consume rate' "$work/help"
ok "sink --rate 2000: 1000 messages take 0.45..3 s, the sink never asks for data" $? "${logs[@]}"

# 17: the RAM file is empty at start (QEMU not started yet): no SIGBUS
rm -f "$mem" "$stats"
: >"$mem"
start_remote "${DB[@]}" --mode idle
sleep 0.3
kill -0 "$rpid" 2>/dev/null
alive=$?
truncate -s 4M "$mem"
host "${HDB[@]}" --mode idle --hold-ms 50
stop_remote
[ $alive -eq 0 ] && [ $hrc -eq 0 ] && [ $rrc -eq 0 ] && stat_is link_ups 1
ok "RAM file empty at start: waits for it to grow, then links up" $? "${logs[@]}"

# 18-19: fault options on the command line
grep -q -- '--fault-corrupt RATE' "$work/help" && grep -q -- '--fault-flood RATE' "$work/help" &&
	grep -q -- '--fault-mute MS' "$work/help" && grep -q -- '--fault-seed N' "$work/help" &&
	grep -q -- '--fault-for SECONDS' "$work/help"
ok "--help documents --fault-corrupt/-flood/-mute/-seed/-for" $? "$work/help"
st=0
for bad in "--fault-corrupt -1" "--fault-corrupt x" "--fault-flood -5" "--fault-mute 0" \
	"--fault-seed -1" "--fault-for 1s"; do
	# shellcheck disable=SC2086
	"$work/cmshm-remote" "${REM[@]}" $bad 2>/dev/null
	[ $? -eq 2 ] || { st=1; echo "# $bad accepted"; }
done
ok "bad fault option values exit 2" $st

# 20: fault phase against a host that only follows the handshake: the
# remote corrupts its indices and ctrl (repairing what is its own) and the
# host-owned words (putting them back), floods, mutes; after 0.6 s it is
# honest again, the host sees its header intact, echo works.
fresh
start_remote "${DB[@]}" --mode echo --fault-corrupt 20000 --fault-flood 0 \
	--fault-mute 20 --fault-seed 12345 --fault-for 0.6
host "${HDB[@]}" --mode idle --hold-ms 1500 --timeout 10 --check-words
h1=$hrc
cp "$work/host.err" "$work/host1.err"
host "${HDB[@]}" --mode echo --count 1000 --size-min 16 --size-max 2000 --check-words
stop_remote
v=$(sed -n 's/^corruptions=//p' "$stats")
echo "# fault phase: $(tr '\n' ' ' <"$stats")"
[ $h1 -eq 0 ] && [ $hrc -eq 0 ] && [ $rrc -eq 0 ] && [ "${v:-0}" -ge 1000 ] &&
	stat_ge corrupt_host 100 && stat_ge corrupt_remote_ctrl 1 && stat_ge fault_restarts 2 &&
	stat_ge flood_db 100 && stat_ge mutes 1 && stat_is proto_errors 0 &&
	stat_is fault_seed 12345 && grep -q 'received=1000 ' "$work/host.out"
ok "fault phase: >= 1000 corruptions, host words put back, honest afterwards (1000 echoes), exit 0" \
	$? "${logs[@]}" "$work/host1.err"

# 21: the fault phase with a polling host (no doorbells) and no --fault-for:
# corruptions go on until SIGTERM, which still exits 0 and puts back the
# host-owned words.
fresh
start_remote --mode idle --poll-us 20 --fault-corrupt 5000 --fault-seed 7
host --mode idle --hold-ms 400 --timeout 10
sleep 0.3
stop_remote
[ $rrc -eq 0 ] && stat_ge corruptions 100 && stat_is proto_errors 0 && stat_is mutes 0 &&
	stat_is flood_db 0
ok "fault phase until SIGTERM, polling mode: corruptions counted, exit 0" $? "${logs[@]}"

[ $failed -eq 0 ]
