// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-remote: following the host's sessions. Each new host session gets
 * its header read and validated before any offset in it is used; the
 * handshake itself is cmshm_link_start()/cmshm_link_update().
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <sys/random.h>

#include "remote.h"

/* The host's control block, inside the header at offset 0. */
static struct cmshm_ctrl *host_ctrl(struct remote *rm)
{
	return &((struct cmshm_header *)rm->base)->host;
}

static void read_host(struct remote *rm, uint32_t *state, uint32_t *session,
		      uint32_t *ack)
{
	struct cmshm_ctrl *h = host_ctrl(rm);

	cmshm_cache_invalidate(h, sizeof(*h));
	*state = cmshm_load32(&h->state);
	*session = cmshm_load32(&h->session);
	*ack = cmshm_load32(&h->ack);
	cmshm_rmb();
}

/* A random nonzero session different from the current one. */
static uint32_t new_session(struct remote *rm)
{
	uint32_t s = 0;

	while (!s || s == rm->link.session) {
		if (getrandom(&s, sizeof(s), 0) != (ssize_t)sizeof(s))
			s = (uint32_t)remote_random(rm);
	}
	return s;
}

/**
 * remote_link_restart() - start (or restart) our side with a new session.
 * @rm: the emulator, with a validated geometry.
 *
 * cmshm_link_start() resets the indices we own and publishes READY; the
 * doorbell then tells the host. Messages in flight are lost, so the sink
 * takes the next message as its new expectation.
 */
void remote_link_restart(struct remote *rm)
{
	if (rm->link.up)
		rm->st.link_downs++;
	remote_sink_reset(rm);
	fault_on_reset(rm, 1);
	cmshm_link_start(&rm->link, new_session(rm));
	rm->started = 1;
	rm->tx_blocked = 0;
	remote_log(rm, 1, "link start: remote session %#x", rm->link.session);
	remote_ring(rm);
}

/*
 * Look at the host ctrl; on a READY host session we have not validated a
 * header for, read the header and validate it, then set up the rings and
 * the link from the copy.
 *
 * The header is read between two reads of the host ctrl that must both
 * show READY and the same session: the host goes OFFLINE before it changes
 * any header word, so the copy belongs to that session.
 *
 * Return: 1 if our geometry matches the host's current session or the host
 * is not READY (cmshm_link_update() may run), 0 if it must not run (the
 * host's current header is unknown or invalid).
 */
static int check_host(struct remote *rm)
{
	struct cmshm_header copy;
	uint32_t state, session, ack, state2, session2, old_ctrl;

	read_host(rm, &state, &session, &ack);
	if (state != CMSHM_STATE_READY || !session)
		return 1;
	if (rm->have_geom && session == rm->geom_session)
		return 1;
	if (session == rm->bad_session)
		return 0;
	cmshm_header_read(&copy, (const struct cmshm_header *)rm->base);
	read_host(rm, &state2, &session2, &ack);
	if (state2 != CMSHM_STATE_READY || session2 != session ||
	    copy.host.state != CMSHM_STATE_READY ||
	    copy.host.session != session)
		return 0;	/* the host is restarting: look again later */
	if (cmshm_header_validate(&copy, rm->size)) {
		rm->st.proto_errors++;
		rm->st.header_errors++;
		rm->bad_session = session;
		remote_log(rm, 0,
			   "protocol error: invalid header for host session %#x (magic %#x version %u region_size %#x line_size %u h2r %#x+%#x r2h %#x+%#x); waiting for a new host session",
			   session, copy.magic, copy.version, copy.region_size,
			   copy.line_size, copy.h2r.data_offset, copy.h2r.size,
			   copy.r2h.data_offset, copy.r2h.size);
		return 0;
	}
	old_ctrl = rm->have_geom ? rm->hdr.remote_ctrl : 0;
	rm->hdr = copy;
	rm->have_geom = 1;
	rm->geom_session = session;
	rm->bad_session = 0;
	rm->st.host_sessions++;
	remote_log(rm, 1,
		   "host session %#x: line %u, h2r %u bytes, r2h %u bytes, remote ctrl at %#x",
		   session, copy.line_size, copy.h2r.size, copy.r2h.size,
		   copy.remote_ctrl);
	/* Private views only; the shared indices are reset by
	 * cmshm_link_start() or by cmshm_link_update() acknowledging.
	 */
	cmshm_ring_init(&rm->tx, rm->base, &copy.r2h);
	cmshm_ring_init(&rm->rx, rm->base, &copy.h2r);
	rm->tx_blocked = 0;
	rm->link.own = (struct cmshm_ctrl *)(rm->base + copy.remote_ctrl);
	rm->link.peer = host_ctrl(rm);
	rm->link.tx = &rm->tx;
	rm->link.rx = &rm->rx;
	if (!rm->started || old_ctrl != copy.remote_ctrl)
		remote_link_restart(rm);
	return 1;
}

/**
 * remote_link_step() - follow the host: new sessions, the handshake.
 * @rm: the emulator.
 *
 * Revalidates the header when the host session changed, then runs
 * cmshm_link_update() and acts on its events: counts ups, downs and resets
 * (a reset also restarts the sink's expected sequence) and rings the
 * doorbell for CMSHM_LINK_KICK.
 */
void remote_link_step(struct remote *rm)
{
	unsigned int ev;

	if (!check_host(rm)) {
		/* Our geometry is stale: never touch it again for this
		 * host session. The link is down.
		 */
		if (rm->link.up) {
			rm->link.up = 0;
			rm->st.link_downs++;
			remote_log(rm, 1, "link down (host header changed)");
		}
		return;
	}
	if (!rm->started)
		return;
	ev = cmshm_link_update(&rm->link);
	if (ev & CMSHM_LINK_DOWN) {
		rm->st.link_downs++;
		remote_log(rm, 1, "link down");
	}
	if (ev & CMSHM_LINK_RESET) {
		rm->st.resets++;
		remote_sink_reset(rm);
		remote_log(rm, 1, "link reset: the host restarted");
	}
	if (ev & CMSHM_LINK_UP) {
		rm->st.link_ups++;
		rm->tx_blocked = 0;
		if (rm->opt.mode == MODE_SOURCE && rm->st.link_ups == 1)
			rm->src_t0 = remote_now();
		remote_log(rm, 1, "link up: host %#x, remote %#x",
			   rm->link.acked, rm->link.session);
	}
	if (ev & CMSHM_LINK_KICK) {
		fault_on_reset(rm, 0);	/* we reset our indices */
		remote_ring(rm);
	}
}

/**
 * remote_ring_error() - handle an error from a ring function.
 * @rm:   the emulator, link up.
 * @ring: "h2r" or "r2h", for the message.
 * @err:  the negative error returned.
 *
 * A host that restarts resets its ring indices after it goes OFFLINE, so a
 * ring call racing with that sees an index move backwards and returns
 * -CMSHM_EPROTO although the host did nothing wrong. The ring function
 * read the index before this re-read of the host ctrl (with a barrier in
 * between), so if the host is still READY with the session we acked and
 * still acks ours, the bad value was written during that session: a
 * protocol error. It is counted and the link restarts with a new session
 * (recovery). Otherwise the next remote_link_step() handles the restart.
 * A violation that our own fault injection may explain (see
 * fault_tainted()) is counted as fault_errors instead, with the same
 * recovery.
 */
void remote_ring_error(struct remote *rm, const char *ring, int err)
{
	uint32_t state, session, ack;

	read_host(rm, &state, &session, &ack);
	if (err == -CMSHM_EPROTO &&
	    (state != CMSHM_STATE_READY || session != rm->link.acked ||
	     ack != rm->link.session)) {
		rm->st.restart_races++;
		remote_log(rm, 1, "%s: index reset by a restarting host", ring);
		return;
	}
	if (fault_tainted(rm)) {
		rm->st.fault_errors++;
		remote_log(rm, 2, "%s ring: error %d after our own corruption; restarting the link",
			   ring, err);
		remote_link_restart(rm);
		return;
	}
	rm->st.proto_errors++;
	remote_log(rm, 0,
		   "protocol error: %s ring: %s (host session %#x); restarting the link",
		   ring, err == -CMSHM_EPROTO ? "invalid peer index or record" :
		   "unexpected error", session);
	remote_link_restart(rm);
}

/**
 * remote_shutdown() - publish OFFLINE on exit and tell the host.
 * @rm: the emulator.
 *
 * Only when the host is READY with the session our geometry was validated
 * for: otherwise the header may be changing and our old ctrl offset may
 * now belong to something else. A remote left READY is harmless: a new
 * host session never comes up with it until it acknowledges again.
 */
void remote_shutdown(struct remote *rm)
{
	uint32_t state, session, ack;

	if (!rm->started)
		return;
	read_host(rm, &state, &session, &ack);
	if (state != CMSHM_STATE_READY || session != rm->geom_session)
		return;
	if (rm->link.up)
		rm->st.link_downs++;
	cmshm_link_stop(&rm->link, CMSHM_STATE_OFFLINE);
	remote_ring(rm);
}
