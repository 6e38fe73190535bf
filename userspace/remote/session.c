// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-remote: what the remote endpoint library reports, as the
 * emulator's counters and logs. Following the host's sessions, the
 * handshake and the restart after a protocol error are the library's
 * (firmware/endpoint/cmshm_remote.c); this file only watches it:
 *
 *   - the events of cmshm_remote_poll() (UP, DOWN, RESET, ERROR);
 *   - the library's private copies of our session and of the host session
 *     acknowledged: when one changes, the library reset the ring indices
 *     we own (messages in flight are lost; fault.c must know);
 *   - the errors data calls return.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "remote.h"

/*
 * The ring indices were reset, or a link came up (the library cleared our
 * doorbell-wanted words): neither a full tx ring nor an empty rx ring seen
 * before is a reason to wait for a doorbell any more.
 */
static void unblock(struct remote *rm)
{
	rm->tx_blocked = 0;
	rm->rx_waiting = 0;
}

/**
 * remote_sync() - notice the ring index resets the library did.
 * @rm: the emulator.
 *
 * Called after every library call that may reset the indices we own
 * (cmshm_remote_poll(), cmshm_remote_restart(), a failed data call). A new
 * session of ours is a restart of our side (our control block is clean
 * again); a new host session acknowledged resets the indices too. Either
 * way the sink takes the next message as its new expectation after a
 * restart of ours, neither a full r2h ring nor an empty h2r ring is a
 * reason to wait any more, and the fault phase forgets the corruptions the
 * reset made harmless.
 */
void remote_sync(struct remote *rm)
{
	const struct cmshm_link *l = &rm->ep.link;

	if (l->session != rm->seen_session) {
		remote_sink_reset(rm);
		fault_on_reset(rm, 1);
		unblock(rm);
		remote_log(rm, 1, "link start: remote session %#x",
			   l->session);
	} else if (l->acked != rm->seen_acked && l->acked) {
		fault_on_reset(rm, 0);
		unblock(rm);
	}
	rm->seen_session = l->session;
	rm->seen_acked = l->acked;
}

/**
 * remote_link_restart() - restart our side with a new session.
 * @rm: the emulator.
 *
 * cmshm_remote_restart() (a no-op without a valid header): the indices we
 * own are reset, a new session published, the host rung. For the fault
 * phase, which repairs its own corruptions this way. The link's DOWN comes
 * with the next cmshm_remote_poll().
 */
void remote_link_restart(struct remote *rm)
{
	cmshm_remote_restart(&rm->ep);
	remote_sync(rm);
}

/**
 * remote_data_error() - a data call of the library failed.
 * @rm:   the emulator.
 * @ring: "h2r" or "r2h", for the messages.
 * @err:  what it returned (not -CMSHM_EAGAIN, not -CMSHM_EMSGSIZE).
 *
 * -CMSHM_ENOTCONN with the link still up: a ring index went backwards
 * because the host is restarting (the library checked its control block
 * after the bad index); the next cmshm_remote_poll() follows the host. Not
 * an error: counted as restart_races. -CMSHM_ENOTCONN with a new session
 * of ours: the library saw a protocol error and restarted our side; its
 * ERROR comes with the next poll, which counts it (whether our own fault
 * injection explains it is decided here, before remote_sync() forgets the
 * corruptions). Anything else is a bug of the emulator: counted as a
 * protocol error, and our side restarts.
 */
void remote_data_error(struct remote *rm, const char *ring, int err)
{
	if (err == -CMSHM_ENOTCONN && cmshm_remote_up(&rm->ep)) {
		rm->st.restart_races++;
		remote_log(rm, 1, "%s: index reset by a restarting host", ring);
		return;
	}
	if (err != -CMSHM_ENOTCONN) {
		rm->st.proto_errors++;
		remote_log(rm, 0,
			   "protocol error: %s ring: unexpected error %d; restarting the link",
			   ring, err);
		remote_link_restart(rm);
		return;
	}
	if (rm->ep.link.session != rm->seen_session && !rm->err_pending) {
		rm->err_pending = fault_tainted(rm) ? 2 : 1;
		rm->err_ring = ring;
	}
	remote_sync(rm);
}

/* The ERROR event of cmshm_remote_poll(): count and say what it was. */
static void count_error(struct remote *rm, uint32_t old_geom)
{
	int known = 0;

	if (rm->err_pending == 2) {
		rm->st.fault_errors++;
		remote_log(rm, 2,
			   "%s ring: error after our own corruption; the link restarted",
			   rm->err_ring);
		known = 1;
	} else if (rm->err_pending) {
		rm->st.proto_errors++;
		remote_log(rm, 0,
			   "protocol error: %s ring: invalid peer index or record (host session %#x); the link restarted",
			   rm->err_ring, rm->ep.geom);
		known = 1;
	}
	rm->err_pending = 0;
	if (!rm->ep.geom_ok && rm->ep.geom != old_geom) {
		rm->st.proto_errors++;
		rm->st.header_errors++;
		remote_log(rm, 0,
			   "protocol error: invalid header for host session %#x; waiting for a new host session",
			   rm->ep.geom);
		known = 1;
	}
	if (!known) {
		rm->st.proto_errors++;
		remote_log(rm, 0,
			   "protocol error reported by the endpoint (host session %#x)",
			   rm->ep.geom);
	}
}

/**
 * remote_link_step() - follow the host: cmshm_remote_poll() and its events.
 * @rm: the emulator.
 *
 * Counts a valid header of a new host session (host_sessions), protocol
 * errors (see remote_data_error()), link ups, downs and resets (a reset
 * also restarts the sink's expected sequence).
 */
void remote_link_step(struct remote *rm)
{
	uint32_t old_geom = rm->ep.geom;
	unsigned int ev;

	ev = cmshm_remote_poll(&rm->ep);
	remote_sync(rm);
	if (rm->ep.geom != old_geom && rm->ep.geom_ok) {
		rm->st.host_sessions++;
		unblock(rm);
		remote_log(rm, 1,
			   "host session %#x: h2r %u bytes, r2h %u bytes, remote ctrl at %#x",
			   rm->ep.geom, rm->ep.rx.size, rm->ep.tx.size,
			   (unsigned int)((uint8_t *)rm->ep.link.own - rm->base));
	}
	if (ev & CMSHM_REMOTE_ERROR)
		count_error(rm, old_geom);
	if (ev & CMSHM_REMOTE_DOWN) {
		rm->st.link_downs++;
		remote_log(rm, 1, "link down");
	}
	if (ev & CMSHM_REMOTE_RESET) {
		rm->st.resets++;
		remote_sink_reset(rm);
		remote_log(rm, 1, "link reset: the host restarted");
	}
	if (ev & CMSHM_REMOTE_UP) {
		rm->st.link_ups++;
		unblock(rm);
		if (rm->st.link_ups == 1)
			rm->src_t0 = rm->sink_t0 = remote_now();
		remote_log(rm, 1, "link up: host %#x, remote %#x",
			   rm->ep.link.acked, rm->ep.link.session);
	}
}

/**
 * remote_shutdown() - publish OFFLINE on exit and tell the host.
 * @rm: the emulator.
 *
 * cmshm_remote_stop(): only while the host is READY with the session whose
 * header was validated. A remote left READY is harmless: a new host
 * session never comes up with it until it acknowledges again.
 */
void remote_shutdown(struct remote *rm)
{
	int was_up = cmshm_remote_up(&rm->ep);

	cmshm_remote_stop(&rm->ep);
	if (was_up && !cmshm_remote_up(&rm->ep))
		rm->st.link_downs++;
}
