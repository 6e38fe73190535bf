#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Barrier mutation test of the relacy model check: for every barrier call
# (cmshm_rmb/cmshm_wmb/cmshm_mb/cmshm_acquire_fence/cmshm_release_fence)
# in cmshm_ring.h and cmshm_link.h, build
# model_check against a copy of include/cmshm/ with that one call removed
# (build/model/mutants/<file>-<line>/cmshm/) and run every scenario. A
# removal counts as caught when a scenario that passes on the unmodified
# headers fails; one TAP line per barrier. A barrier no scenario catches is
# reported as "not ok" (a gap in the model or a barrier that is not needed).
# The sites are found by grep, so new barriers are mutants as soon as they
# are written: e.g. the cmshm_mb() of cmshm_link_want() and of
# cmshm_link_peer_wants() (doorbell suppression), caught by notify_data and
# notify_space (scenario_notify.h), and the latter also by batch_space
# (scenario_batch.h: the release that gets r2h to half or below).
#
# Then the driver replicas (scenario_doorbell.h, scenario_batch.h): each
# ordering of the driver they copy is weakened in turn through its macro
# (MODEL_DEFS, build/model/mutants/driver-<name>/), and doorbell_coalesced,
# wake_no_miss, batch_space and batch_flush run; then the orderings of
# fec8b60 (before the fixes) together; last, cmshm_io_begin() without its
# cmshm_link_held_space() flush before it waits (batch_flush: a held space
# doorbell and a blocking sender deadlock). Caught as above. Not
# catchable, reported as SKIP:
# - relaxed atomic_cmpxchg()/atomic_xchg() in cmshm_doorbell_done(): not
#   needed. The xchg that takes over a coalesced kick is followed by the
#   mb() of the doorbell it sends, an acquire fence after a load that read
#   the kicker's release RMW (C++ fence synchronisation; on Arm the DMB or
#   DSB orders the exclusive load too); a successful cmpxchg to IDLE
#   publishes nothing (the next kicker sends with its own mb()).
#
# Then the remote endpoint library (firmware/endpoint/cmshm_remote.c, in
# scenario_remote.h): each barrier of it removed in turn, and its second
# look at the host's control block done in the first look's order
# (session first: the order before the fix), in a copy
# (build/model/mutants/remote-*/, REMOTE_SRC); remote_header_restart and
# every other passing scenario run. Each must be caught.
#
#   tests/model/mutate.sh [-i ITERATIONS]
#
# Exits non-zero if any removal is not caught, except for the barriers
# this model cannot show, which are reported as TAP SKIP with the reason:
# - the cmshm_release_fence() of cmshm_ring_release() orders a load before
#   a later store (the consumer's reads of a record before the tail store
#   that frees it). relacy never lets a load return a store the other
#   thread makes later in its program order (load buffering), which the
#   Arm architecture allows, so removing it cannot fail here. The
#   cmshm_acquire_fence() of cmshm_ring_load_tail() has the same
#   load-to-store role (the tail read before the producer overwrites the
#   freed space), but it is also the read barrier that orders
#   cmshm_link_peer_unchanged() after a zeroed tail, which
#   restart_consumer_lazy catches: not a SKIP.
# - the cmshm_mb() that ends cmshm_link_start(), cmshm_link_stop() and the
#   acknowledgement in cmshm_link_update() orders the control block before
#   the doorbell the caller rings next; the model has no such doorbell
#   (its threads poll; the one of restart_*_lazy is a release increment
#   that stands for the remote's own cmshm_doorbell_barrier() and register
#   write, so it orders the control block by itself).
#   (cmshm_link_update() is cmshm_link_follow() now.)
# - the second cmshm_rmb() of cmshm_link_peer_unchanged() orders its reads
#   before what the caller stores next when it finds a violation (its own
#   restart): load-to-store again. (Its first one is caught.)

set -u
REPO=${REPO:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$REPO/build/model}
ITERS=200000
[ "${1:-}" = -i ] && ITERS=$2
MUT=$BUILD/mutants
mkdir -p "$MUT"
# A barrier call, as grep -E and sed -E see it (cmshm_port.h's barriers).
bre='cmshm_(rmb|wmb|mb|acquire_fence|release_fence)'

# Scenarios that pass on the current headers (the baseline).
make -s -C "$REPO/tests/model" BUILD="$BUILD" all >/dev/null || exit 2
base=$("$BUILD/model_check" -q -i "$ITERS" | sed -n 's/^ok [0-9]* - \([a-z_]*\) .*/\1/p')
failing=$("$BUILD/model_check" -q -i "$ITERS" | sed -n 's/^not ok [0-9]* - \([a-z_]*\) .*/\1/p')
echo "# baseline: passing: $(echo $base)"
echo "# baseline: failing (not used to catch mutants): $(echo $failing)"

# file:line of every barrier statement (not the ones in comments).
sites=$(cd "$REPO/include/cmshm" &&
	grep -nE "^[[:space:]]*$bre\(\);" cmshm_ring.h cmshm_link.h |
	cut -d: -f1,2)
# The driver replica's mutants: name|MODEL_DEFS|what is weakened.
drv_mutants="
db-no-mb|-DMODEL_DB_MB_BEFORE_SEND=0|no mb() before mbox_send_message() in cmshm_doorbell_send()
db-kick-relaxed|-DMODEL_DB_KICK_ORDER=rl::mo_relaxed|relaxed atomic_try_cmpxchg() in cmshm_kick()
db-done-relaxed|-DMODEL_DB_DONE_ORDER=rl::mo_relaxed|relaxed atomic_cmpxchg()/atomic_xchg() in cmshm_doorbell_done()
wake-no-mb|-DMODEL_WAKE_MB_BEFORE_INC=0|no smp_mb__before_atomic() before atomic_inc(&wake_seq) in cmshm_wake()
wake-sample-relaxed|-DMODEL_WAKE_SAMPLE_ORDER=rl::mo_relaxed|relaxed first wake_seq sample in cmshm_io_begin()
fec8b60|-DMODEL_DB_MB_BEFORE_SEND=0 -DMODEL_WAKE_MB_BEFORE_INC=0 -DMODEL_WAKE_SAMPLE_ORDER=rl::mo_relaxed|the orderings of fec8b60 (no mb() before the doorbell, no barrier before atomic_inc(&wake_seq), relaxed sample)
batch-no-flush|-DMODEL_HELD_SPACE_FLUSH=0|no cmshm_link_held_space() flush before cmshm_io_begin() waits
"
drv_scenarios="doorbell_coalesced wake_no_miss batch_space batch_flush"

# file:line of every barrier statement of the endpoint library.
lib_sites=$(cd "$REPO/firmware/endpoint" &&
	grep -nE "^[[:space:]]*$bre\(\);" cmshm_remote.c | cut -d: -f1)

echo "1..$(( $(echo "$sites" | wc -l) + $(echo "$drv_mutants" | grep -c .) + \
	$(echo "$lib_sites" | grep -c .) + 1 ))"
rc=0
for s in $sites; do
	f=${s%%:*}
	l=${s##*:}
	d=$MUT/${f%.h}-$l
	rm -rf "$d"
	mkdir -p "$d"
	cp -r "$REPO/include/cmshm" "$d/"
	call=$(sed -n "${l}p" "$d/cmshm/$f" | grep -oE "$bre\(\)")
	func=$(awk -v l="$l" 'NR <= l && /^static inline/ { fn = $0 } NR == l { print fn }' \
		"$d/cmshm/$f" | sed -E 's/.*[ *](cmshm_[a-z_0-9]+)\(.*/\1/')
	sed -i -E "${l}s/$bre\(\);/\/* mutant: barrier removed *\/;/" \
		"$d/cmshm/$f"
	if ! make -s -C "$REPO/tests/model" BUILD="$d" PROTO_INC="$d" all \
		>"$d/build.log" 2>&1; then
		echo "not ok - removing $call at $f:$l ($func): build failed, see $d/build.log"
		rc=1
		continue
	fi
	"$d/model_check" -q -i "$ITERS" >"$d/tap.txt" 2>&1
	caught=
	for t in $(sed -n 's/^not ok [0-9]* - \([a-z_]*\) .*/\1/p' "$d/tap.txt"); do
		case " $(echo $base) " in *" $t "*) caught="$caught $t";; esac
	done
	case "$func:$call" in
	cmshm_ring_release:cmshm_release_fence\(\) | \
	cmshm_link_peer_unchanged:cmshm_rmb\(\))
		why="load-to-store ordering (load buffering), not modelled" ;;
	cmshm_link_start:cmshm_mb\(\) | cmshm_link_stop:cmshm_mb\(\) | \
	cmshm_link_follow:cmshm_mb\(\))
		why="orders the control block before the doorbell, not modelled" ;;
	*) why= ;;
	esac
	if [ -z "$caught" ] && [ -n "$why" ]; then
		echo "ok - removing $call at $f:$l ($func) # SKIP $why"
		continue
	fi
	if [ -n "$caught" ]; then
		first=$(echo $caught | cut -d' ' -f1)
		why=$(sed -n "s/^not ok [0-9]* - $first .*: \(.*\) at iteration.*/\1/p" "$d/tap.txt")
		echo "ok - removing $call at $f:$l ($func) is caught by scenario$caught ($first: $why)"
	else
		echo "not ok - removing $call at $f:$l ($func) is caught by no scenario"
		rc=1
	fi
done

while IFS='|' read -r name defs what; do
	[ -n "$name" ] || continue
	d=$MUT/driver-$name
	rm -rf "$d"
	mkdir -p "$d"
	if ! make -s -C "$REPO/tests/model" BUILD="$d" MODEL_DEFS="$defs" all \
		>"$d/build.log" 2>&1; then
		echo "not ok - $what: build failed, see $d/build.log"
		rc=1
		continue
	fi
	"$d/model_check" -q -i "$ITERS" $drv_scenarios >"$d/tap.txt" 2>&1
	caught=
	for t in $(sed -n 's/^not ok [0-9]* - \([a-z_]*\) .*/\1/p' "$d/tap.txt"); do
		case " $(echo $base) " in *" $t "*) caught="$caught $t";; esac
	done
	case $name in
	db-done-relaxed)
		why="not needed: the mb() of the doorbell sent after the xchg acquires the kicker's RMW" ;;
	*) why= ;;
	esac
	if [ -z "$caught" ] && [ -n "$why" ]; then
		echo "ok - $what # SKIP $why"
	elif [ -n "$caught" ]; then
		first=$(echo $caught | cut -d' ' -f1)
		why=$(sed -n "s/^not ok [0-9]* - $first .*: \(.*\) at iteration.*/\1/p" "$d/tap.txt")
		echo "ok - $what ($defs) is caught by scenario$caught ($first: $why)"
	else
		echo "not ok - $what ($defs) is caught by no scenario"
		rc=1
	fi
done <<<"$drv_mutants"

# lib_mutant NAME WHAT SKIP-REASON SED-EXPRESSION: build against a copy of
# cmshm_remote.c changed by SED-EXPRESSION, report as above.
lib_mutant()
{
	local name=$1 what=$2 skip=$3 expr=$4 d caught first why
	d=$MUT/remote-$name
	rm -rf "$d"
	mkdir -p "$d"
	sed -E "$expr" "$REPO/firmware/endpoint/cmshm_remote.c" >"$d/cmshm_remote.c"
	if cmp -s "$d/cmshm_remote.c" "$REPO/firmware/endpoint/cmshm_remote.c"; then
		echo "not ok - $what: the mutation changed nothing (update mutate.sh)"
		rc=1
		return
	fi
	if ! make -s -C "$REPO/tests/model" BUILD="$d" REMOTE_SRC="$d" all \
		>"$d/build.log" 2>&1; then
		echo "not ok - $what: build failed, see $d/build.log"
		rc=1
		return
	fi
	"$d/model_check" -q -i "$ITERS" >"$d/tap.txt" 2>&1
	caught=
	for t in $(sed -n 's/^not ok [0-9]* - \([a-z_]*\) .*/\1/p' "$d/tap.txt"); do
		case " $(echo $base) " in *" $t "*) caught="$caught $t";; esac
	done
	if [ -z "$caught" ] && [ -n "$skip" ]; then
		echo "ok - $what # SKIP $skip"
	elif [ -n "$caught" ]; then
		first=$(echo $caught | cut -d' ' -f1)
		why=$(sed -n "s/^not ok [0-9]* - $first .*: \(.*\) at iteration.*/\1/p" "$d/tap.txt")
		echo "ok - $what is caught by scenario$caught ($first: $why)"
	else
		echo "not ok - $what is caught by no scenario"
		rc=1
	fi
}

for l in $lib_sites; do
	f=$REPO/firmware/endpoint/cmshm_remote.c
	call=$(sed -n "${l}p" "$f" | grep -oE "$bre\(\)")
	func=$(awk -v l="$l" 'NR <= l && /^[a-z].*\(/ { fn = $0 } NR == l { print fn }' "$f" |
		sed -E 's/.*[ *]([a-z_0-9]+)\(.*/\1/')
	lib_mutant "$l" "removing $call at cmshm_remote.c:$l ($func)" "" \
		"${l}s/$bre\(\);/\/* mutant: barrier removed *\/;/"
done
lib_mutant reread-session-first \
	"the second host control block read in the first's order (session, then state)" "" \
	's/reread_host\(r, &state2, &session2\)/read_host(r, \&state2, \&session2)/'
exit $rc
