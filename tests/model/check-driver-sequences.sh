#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Ties the driver replicas of scenario_doorbell.h and scenario_batch.h to
# the driver text: for every statement sequence a replica copies, check
# that the driver
# function still holds it, in that order and adjacent where the replica
# relies on adjacency. One TAP line per sequence. A "not ok" means the
# driver changed under the model: update the scenario (and this script)
# to the new sequence, then make check-model-mutants.
#
#   tests/model/check-driver-sequences.sh [DRIVER_DIR]
#
# DRIVER_DIR defaults to driver/ of the repository. Each function body is
# taken from its definition line to the first "}" in column 0, comments
# removed and white space collapsed to single spaces, so line wrapping
# does not matter; the patterns are extended regular expressions on that.
# Exits 1 if any check fails. make -C tests/model check includes these
# lines in model_check's TAP output (model_check -t).

set -u
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
DRV=${1:-$REPO/driver}
CORE=$DRV/cmshm_doorbell.c
FOPS=$DRV/cmshm_fops.c
n=0
rc=0

# Body of function $2 of file $1 (definition line matching ^.*[ *]$2\(),
# one line, comments removed, white space collapsed.
body()
{
	awk -v fn="$2" '
		!on && $0 ~ "^[a-z].*[ *]" fn "\\(" && $0 !~ ";[[:space:]]*$" \
			{ on = 1 }
		on { print }
		on && /^}/ { exit }' "$1" |
	perl -0777 -pe 's{/\*.*?\*/}{ }gs; s{//[^\n]*}{ }g; s/\s+/ /g; s/^ | $//g'
}

ok()
{
	n=$((n + 1))
	echo "ok $n - $1"
}

fail()
{
	n=$((n + 1))
	echo "not ok $n - $1"
	rc=1
}

# check FILE FUNC DESCRIPTION ERE [ERE...]: every ERE matches the body.
check()
{
	local f=$1 fn=$2 desc=$3 b re
	shift 3
	if [ ! -r "$f" ]; then
		fail "$desc: cannot read $f"
		return
	fi
	b=$(body "$f" "$fn")
	if [ -z "$b" ]; then
		fail "$desc: no function $fn() in ${f#$REPO/}"
		return
	fi
	for re in "$@"; do
		if ! grep -qE -- "$re" <<<"$b"; then
			fail "$desc: ${f#$REPO/} $fn() no longer matches /$re/"
			return
		fi
	done
	ok "$desc (${f#$REPO/} $fn())"
}

# check_absent FILE DESCRIPTION ERE: ERE matches no line of FILE.
check_absent()
{
	local f=$1 desc=$2 re=$3 hit
	hit=$(grep -nE -- "$re" "$f" 2>/dev/null | head -1)
	if [ ! -r "$f" ]; then
		fail "$desc: cannot read $f"
	elif [ -n "$hit" ]; then
		fail "$desc: ${f#$REPO/}:${hit%%:*} has /$re/"
	else
		ok "$desc (${f#$REPO/})"
	fi
}

echo "1..12"

# doorbell_coalesced: send(), MODEL_DB_MB_BEFORE_SEND.
check "$CORE" cmshm_doorbell_send \
	"driver sequence: mb() immediately before mbox_send_message()" \
	'[{;] mb\(\); ret = mbox_send_message\(cmshm->tx_chan, NULL\);'
# kick(), MODEL_DB_KICK_ORDER: fully ordered try_cmpxchg IDLE->BUSY or
# ->AGAIN; coalesced returns, else cmshm_doorbell_run().
check "$CORE" cmshm_kick \
	"driver sequence: cmshm_kick() try_cmpxchg IDLE->BUSY / ->AGAIN, then run" \
	'old = atomic_read\(&cmshm->db_state\); do \{ new = old == CMSHM_DB_IDLE \? CMSHM_DB_BUSY : CMSHM_DB_AGAIN; \} while \(!atomic_try_cmpxchg\(&cmshm->db_state, &old, new\)\); if \(old != CMSHM_DB_IDLE\) \{[^}]*return; \} cmshm_doorbell_run\(cmshm\); \}$'
# done(), MODEL_DB_DONE_ORDER.
check "$CORE" cmshm_doorbell_done \
	"driver sequence: done = cmpxchg BUSY->IDLE, else xchg BUSY and send" \
	'^[^}]*\{ if \(atomic_cmpxchg\(&cmshm->db_state, CMSHM_DB_BUSY, CMSHM_DB_IDLE\) == CMSHM_DB_BUSY\) \{[^}]*return false; \} atomic_xchg\(&cmshm->db_state, CMSHM_DB_BUSY\); return true; \}$'
# cmshm_doorbell_run(): send, then done() decides on one more.
check "$CORE" cmshm_doorbell_run \
	"driver sequence: run = send while done() says one is owed" \
	'do \{ if \(!cmshm_doorbell_send\(cmshm\)\) return;.*\} while \(cmshm_doorbell_done\(cmshm\)\);'
check "$CORE" cmshm_mbox_tx_done \
	"driver sequence: tx done = done(), then run() if one is owed" \
	'if \(cmshm_doorbell_done\(cmshm\)\) cmshm_doorbell_run\(cmshm\); \}$'
# No weaker variant of a db_state RMW anywhere in the file.
check_absent "$CORE" \
	"driver sequence: no relaxed/acquire/release RMW of db_state" \
	'atomic_[a-z_]*_(relaxed|acquire|release)\(&cmshm->db_state'
# wake_no_miss: irq(), MODEL_WAKE_MB_BEFORE_INC.
check "$CORE" cmshm_wake \
	"driver sequence: smp_mb__before_atomic() immediately before atomic_inc(&wake_seq)" \
	'\{ smp_mb__before_atomic\(\); atomic_inc\(&cmshm->wake_seq\); wake_up_interruptible_all\(&cmshm->wq\); \}$'
# reader(), MODEL_WAKE_SAMPLE_ORDER: acquire sample, mutex, peek (in
# cmshm_io_try(), with the retry after cmshm_link_want()).
check "$FOPS" cmshm_io_begin \
	"driver sequence: io_begin = acquire sample of wake_seq, lock, peek" \
	'for \(;;\) \{ seq = atomic_read_acquire\(&cmshm->wake_seq\); mutex_lock\(&cmshm->lock\);.* ret = cmshm_io_try\(cmshm, io\);.* ret = cmshm_wait\(cmshm, file, seq\);'
check "$FOPS" cmshm_wait \
	"driver sequence: the reader sleeps until wake_seq != its sample" \
	'wait_event_interruptible\(cmshm->wq, atomic_read\(&cmshm->wake_seq\) != seq\);'
# batch_space, batch_flush: read() releases, then rings only if
# cmshm_link_peer_wants_space() says so (held above half).
check "$FOPS" cmshm_read \
	"driver sequence: read = release, then kick if peer_wants_space()" \
	'cmshm_ring_release\(&cmshm->rx\);[^}]* space = cmshm_link_peer_wants_space\(&cmshm->link\); if \(space > 0\) cmshm_kick\(cmshm\);'
# batch_flush, MODEL_HELD_SPACE_FLUSH: io_begin looks, wants, looks again,
# then rings a held space doorbell before it unlocks and waits.
check "$FOPS" cmshm_io_begin \
	"driver sequence: io_begin = want, look again, ring_held_space(), then wait" \
	'ret = cmshm_io_try\(cmshm, io\); if \(ret == -EAGAIN && cmshm_link_want\(&cmshm->link, [^;]*\)\) ret = cmshm_io_try\(cmshm, io\); if \(!ret\) \{[^}]*return 0; \} if \(ret == -EAGAIN\) cmshm_ring_held_space\(cmshm\);.* ret = cmshm_wait\(cmshm, file, seq\);'
check "$FOPS" cmshm_ring_held_space \
	"driver sequence: ring_held_space = kick if held_space() (link up)" \
	'if \(cmshm->link_state == CMSHM_LINK_STATE_UP && cmshm_link_held_space\(&cmshm->link\)\) cmshm_kick\(cmshm\);'
[ "$n" -eq 12 ] || { echo "not ok - plan says 12, ran $n"; rc=1; }
exit $rc
