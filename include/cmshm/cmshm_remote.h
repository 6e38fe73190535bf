/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm remote endpoint: the remote core's whole half of protocol v2, for
 * firmware, the emulator (userspace/cmshm-remote) and any other remote.
 * Implementation: firmware/endpoint/cmshm_remote.c; porting guide:
 * Documentation/porting.rst.
 *
 * One struct cmshm_remote per link, in ordinary RAM, given the region as
 * this core addresses it, its size, and a doorbell function. The library
 * attaches to the host, follows every host session (reads the header
 * between two reads of the host's control block, validates the copy, sets
 * up the rings from it, does the handshake), restarts its own side after a
 * protocol error, and moves whole messages by copy or in place.
 *
 * Context and locking: no function blocks, allocates or takes a lock. The
 * functions of one link are not reentrant: call them from one context at a
 * time (a superloop; one RTOS task; or all of them from the doorbell
 * interrupt). An RTOS firmware lets the doorbell ISR wake a task, and the
 * task calls cmshm_remote_poll() and the data functions. Two links are
 * independent.
 *
 * Shared memory: each function says what it reads and writes there. Every
 * word the host writes is read once per use and validated against this
 * side's private copy; nothing this side wrote is read back.
 *
 * Errors are negative CMSHM_E* values (cmshm_port.h): Linux errno numbers.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_REMOTE_H
#define CMSHM_REMOTE_H

#include "cmshm_link.h"

/* Events returned by cmshm_remote_poll(); each change is reported once. */
#define CMSHM_REMOTE_UP		0x1u	/* the link came up */
#define CMSHM_REMOTE_DOWN	0x2u	/* the link went down */
#define CMSHM_REMOTE_RESET	0x4u	/* the host restarted: in-flight lost */
#define CMSHM_REMOTE_ERROR	0x8u	/* protocol error; this side restarted */

/**
 * typedef cmshm_remote_doorbell_fn - ring the host's doorbell.
 * @ctx: the context given to cmshm_remote_init().
 *
 * Called by the library, from whatever context called it, after
 * cmshm_doorbell_barrier() (cmshm_port.h: a DSB on Arm) that completes
 * every shared-memory store before it:
 * the function only raises the interrupt (a mailbox register write). It
 * must not call back into the library.
 */
typedef void (*cmshm_remote_doorbell_fn)(void *ctx);

/**
 * struct cmshm_remote_stats - counters since cmshm_remote_init().
 * @resets:       host restarts seen after the link had been up.
 * @proto_errors: protocol errors: an invalid header, ring index or record
 *                from the host (each restarts this side, or for a header
 *                waits for the next host session).
 *
 * Wrap at 2^32. Messages are not counted here: the caller sees each one.
 */
struct cmshm_remote_stats {
	uint32_t resets;
	uint32_t proto_errors;
};

/**
 * struct cmshm_remote - one link's remote endpoint (private: use the
 * functions; the fields are documented for debuggers and test layers).
 * @link:     the handshake (cmshm_link.h); @link.own is NULL until the
 *            first valid header; @link.up is the link state; @link.peer
 *            is the host's control block in the header, which also tells
 *            where the region starts; @link.session is the state of the
 *            session generator before the first start.
 * @tx:       the remote-to-host ring (r2h), from the validated header.
 * @rx:       the host-to-remote ring (h2r).
 * @doorbell: the doorbell function, and
 * @db_ctx:   its argument.
 * @size:     the region's size in bytes, checked against each header.
 * @geom:     the host session whose header was last read (0: none).
 * @app:      the application area (validated), and
 * @app_size: its size in bytes (0: none, or no valid header).
 * @geom_ok:  nonzero if the header of @geom was valid.
 * @events:   CMSHM_REMOTE_* noted by the data functions, not yet returned.
 * @defer:    nonzero between cmshm_remote_defer() and cmshm_remote_notify().
 * @owed:     doorbells owed since the last one: CMSHM_WANT_DATA (a commit:
 *            rung if the host wants data), or one to ring whatever the
 *            host wants (the control block changed, or a release or a
 *            held doorbell found the host waiting for space).
 * @st:       counters.
 *
 * 128 bytes with 32-bit pointers (sizeof, checked when the firmware is
 * built), 176 with 64-bit ones.
 */
struct cmshm_remote {
	struct cmshm_link link;
	struct cmshm_ring tx;
	struct cmshm_ring rx;
	cmshm_remote_doorbell_fn doorbell;
	void *db_ctx;
	uint32_t size;
	uint32_t geom;
	uint8_t *app;
	uint32_t app_size;
	uint8_t geom_ok;
	uint8_t events;
	uint8_t defer;
	uint8_t owed;
	struct cmshm_remote_stats st;
};

/**
 * cmshm_remote_init() - set up a link's endpoint; touches no shared memory.
 * @r:        the endpoint (any contents; all of it is written).
 * @base:     the region's start as this core addresses it, 8-byte aligned.
 * @size:     the region's size in bytes, as the host's device tree says.
 * @doorbell: rings the host (see cmshm_remote_doorbell_fn); may be NULL
 *            if the host polls (its node has no mailbox).
 * @db_ctx:   passed to @doorbell.
 * @seed:     a value that differs across resets of this core (a counter
 *            in retained RAM, a hardware random number, a timer); the
 *            sessions this side publishes are derived from it, and never
 *            equal the one the host last acknowledged.
 *
 * Context: any; call once before the other functions. Nothing is attached
 * until cmshm_remote_poll() runs.
 *
 * Return: 0, or -CMSHM_EINVAL if @base is NULL or misaligned, or @size is
 * smaller than a header.
 */
int cmshm_remote_init(struct cmshm_remote *r, void *base, uint32_t size,
		      cmshm_remote_doorbell_fn doorbell, void *db_ctx,
		      uint32_t seed);

/**
 * cmshm_remote_poll() - follow the host; call on every doorbell from the
 * host, and at least periodically when the host polls.
 * @r: the endpoint.
 *
 * Reads the host's control block. On a new host session: reads the header
 * (between two reads of the control block that agree), validates the copy
 * and sets up the rings from it, restarting this side's control block
 * where the header puts it. Then runs the handshake (cmshm_link_follow()):
 * acknowledging a host session resets the ring indices this side owns.
 * Rings the doorbell when this side's control block changed, and when a
 * doorbell is owed (see cmshm_remote_defer()).
 *
 * Shared memory: reads the host's control block (3 words, twice) and, on a
 * new host session, the header (20 words); writes this side's control
 * block and ring indices only when its state changes.
 *
 * Context: ISR or thread (see the file comment). Cost: 6 loads of shared
 * memory (2 of the host's control block, then 4 in cmshm_link_follow())
 * and no store when nothing changed.
 *
 * Return: the CMSHM_REMOTE_* events since the last call, each once: UP,
 * DOWN (the host went offline or restarts, or its header changed), RESET
 * (the host restarted after the link had been up: messages in flight both
 * ways are lost), ERROR (a protocol error; this side restarted, or waits
 * for a new host session after an invalid header). 0 if nothing changed.
 */
unsigned int cmshm_remote_poll(struct cmshm_remote *r);

/**
 * cmshm_remote_up() - is the link up (as of the last call)?
 * @r: the endpoint.
 *
 * Context: any. Touches no shared memory.
 *
 * Return: 1 if up, else 0.
 */
static inline int cmshm_remote_up(const struct cmshm_remote *r)
{
	return r->link.up != 0;
}

/**
 * cmshm_remote_max_msg() - the largest message this side may send.
 * @r: the endpoint.
 *
 * Context: any. Touches no shared memory.
 *
 * Return: payload bytes (half the r2h ring less 8), 0 without a valid
 * header.
 */
static inline uint32_t cmshm_remote_max_msg(const struct cmshm_remote *r)
{
	return r->geom_ok ? r->tx.max_msg : 0;
}

/**
 * cmshm_remote_reserve() - zero-copy send: room for one message.
 * @r:       the endpoint.
 * @len:     payload bytes, 1..cmshm_remote_max_msg().
 * @payload: set to where the caller writes @len bytes (8-byte aligned,
 *           contiguous, in the shared region).
 *
 * Reads the r2h tail; writes the record header. Nothing is visible to the
 * host until cmshm_remote_commit(); a reservation not committed is dropped
 * by the next reserve or send. A full ring sets this side's "wants space"
 * word, full barrier, and reads the tail once more (cmshm_link_want():
 * the host then rings when it frees space); a reservation that succeeds
 * clears it. A ring still full (the caller will wait for the host) first
 * rings a space doorbell cmshm_remote_release() held back, without looking
 * at the host's want word (protocol.rst "Space in batches").
 *
 * Context: ISR or thread. Cost: constant, 46 instructions on x86-64 at
 * -O2 (callgrind, tests/bench/remote-copy.sh; the doorbell not included).
 *
 * Return: as cmshm_remote_send().
 */
int cmshm_remote_reserve(struct cmshm_remote *r, uint32_t len,
			 void **payload);

/**
 * cmshm_remote_commit() - publish the reserved message.
 * @r: the endpoint, after a successful cmshm_remote_reserve().
 *
 * Cleans the record from the data cache, write barrier, stores the r2h
 * head; then, unless deferred, rings the doorbell if the host wants data
 * (full barrier, one load of its word: cmshm_link_peer_wants()), or
 * always with a host without CMSHM_FEATURE_DOORBELL_WANT.
 *
 * Context: ISR or thread. Cost: constant, 16 instructions on x86-64 at
 * -O2 (callgrind, tests/bench/remote-copy.sh; the doorbell not included).
 */
void cmshm_remote_commit(struct cmshm_remote *r);

/**
 * cmshm_remote_peek() - zero-copy receive: the next h2r message, in place.
 * @r:       the endpoint.
 * @payload: set to the payload in the shared region (read it; the host
 *           does not change it before cmshm_remote_release()).
 * @len:     set to its length in bytes.
 *
 * Reads the h2r head and the length word once each and validates them.
 * Peeking again without a release returns the same message. An empty ring
 * sets this side's "wants data" word, full barrier, and reads the head once
 * more (the host then rings when it publishes); a message found clears it.
 *
 * Context: ISR or thread. Cost: constant, 64 instructions on x86-64 at
 * -O2 (callgrind, tests/bench/remote-copy.sh; the doorbell not included).
 *
 * Return: 0; -CMSHM_EAGAIN if none is queued; -CMSHM_ENOTCONN as for send.
 */
int cmshm_remote_peek(struct cmshm_remote *r, const void **payload,
		      uint32_t *len);

/**
 * cmshm_remote_release() - consume the peeked message.
 * @r: the endpoint, after a successful cmshm_remote_peek().
 *
 * Release fence (the payload reads complete first), stores the h2r tail;
 * then, unless deferred, rings the doorbell if the host wants space (as
 * cmshm_remote_commit() for data). Space is signalled in batches
 * (cmshm_link_peer_wants_space()): while more than half of the h2r ring
 * is in use, by the cached head, the doorbell is held back with no
 * barrier and no shared-memory load; otherwise a full barrier and one
 * load of the host's want word, and only if the host wants space, one
 * load of the h2r head (still more than half in use: held). That head is
 * validated as by cmshm_remote_peek(): an invalid one is a protocol error
 * (the next cmshm_remote_poll() returns CMSHM_REMOTE_ERROR; this side
 * restarts) unless the host is restarting. A held
 * doorbell is rung when a release leaves at most half in use, or,
 * without a look at the want word, before this side waits for the host:
 * an r2h ring found full by cmshm_remote_reserve() or
 * cmshm_remote_send(), or bytes still queued in cmshm_remote_tx_queued().
 *
 * Context: ISR or thread. Cost: constant, 22 instructions on x86-64 at
 * -O2 (callgrind, tests/bench/remote-copy.sh; the doorbell not included).
 */
void cmshm_remote_release(struct cmshm_remote *r);

/**
 * cmshm_remote_send() - copy one message into the r2h ring and publish it.
 * @r:   the endpoint.
 * @buf: the payload, in ordinary memory.
 * @len: its length, 1..cmshm_remote_max_msg() bytes.
 *
 * cmshm_remote_reserve(), memcpy(), cmshm_remote_commit(): reads the
 * host's r2h tail, writes the record (8 bytes plus @len, rounded to 8) and
 * the r2h head, then rings the doorbell unless deferred.
 *
 * Inline, so that it costs what the zero-copy calls and cmshm_memcpy()
 * cost: a send and a receive of 8 bytes take 222 instructions on x86-64,
 * 1.005 times reserve + commit + peek + release + two memcpy()s
 * (tests/bench/remote-copy.sh). Context: ISR or thread.
 *
 * Return: 0; -CMSHM_ENOTCONN if the link is not up (or went down: the next
 * cmshm_remote_poll() says why); -CMSHM_EAGAIN if the ring is full (the
 * host's doorbell says when space is freed); -CMSHM_EINVAL for @len 0;
 * -CMSHM_EMSGSIZE above the maximum.
 */
static inline int cmshm_remote_send(struct cmshm_remote *r, const void *buf,
				    uint32_t len)
{
	void *p;
	int err = cmshm_remote_reserve(r, len, &p);

	if (err)
		return err;
	cmshm_memcpy(p, buf, len);
	cmshm_remote_commit(r);
	return 0;
}

/**
 * cmshm_remote_recv() - copy out and consume the next h2r message.
 * @r:   the endpoint.
 * @buf: where to copy the payload.
 * @cap: bytes available at @buf.
 * @len: set to the message length (also on -CMSHM_EMSGSIZE).
 *
 * cmshm_remote_peek(), memcpy(), cmshm_remote_release(): reads the h2r
 * head and the record's length word once each, writes the h2r tail, then
 * rings the doorbell unless deferred (the host may wait for space).
 *
 * Inline, as cmshm_remote_send(). Context: ISR or thread.
 *
 * Return: 0; -CMSHM_EAGAIN if no message is queued; -CMSHM_EMSGSIZE if it
 * is longer than @cap (it stays queued); -CMSHM_ENOTCONN as for send.
 */
static inline int cmshm_remote_recv(struct cmshm_remote *r, void *buf,
				    uint32_t cap, uint32_t *len)
{
	const void *p;
	int err = cmshm_remote_peek(r, &p, len);

	if (err)
		return err;
	if (*len > cap)
		return -CMSHM_EMSGSIZE;
	cmshm_memcpy(buf, p, *len);
	cmshm_remote_release(r);
	return 0;
}

/**
 * cmshm_remote_tx_queued() - r2h bytes the host has not consumed yet.
 * @r: the endpoint.
 *
 * Reads the r2h tail once (twice when bytes remain: it then sets this
 * side's "wants space" word, so the host rings as it consumes, and looks
 * again; and rings a held space doorbell, see cmshm_remote_release()).
 * For a firmware that waits until the host has read everything
 * (before a shutdown, or a test's end).
 *
 * Context: ISR or thread.
 *
 * Return: bytes (0: all consumed), or -CMSHM_ENOTCONN as for send.
 */
int32_t cmshm_remote_tx_queued(struct cmshm_remote *r);

/**
 * cmshm_remote_defer() - ring at most once for a batch of messages.
 * @r: the endpoint.
 *
 * Until cmshm_remote_notify(), send, commit, recv and release only note
 * that a doorbell is owed (a release still looks at the host's want word,
 * as cmshm_remote_release() says, and notes a doorbell if the host waits
 * for space). Context: any; touches no shared memory.
 */
static inline void cmshm_remote_defer(struct cmshm_remote *r)
{
	r->defer = 1;
}

/**
 * cmshm_remote_notify() - end a deferred batch: ring if anything moved.
 * @r: the endpoint.
 *
 * Context: ISR or thread. Writes no shared memory besides the doorbell.
 */
void cmshm_remote_notify(struct cmshm_remote *r);

/**
 * cmshm_remote_app() - the application area of the current host session.
 * @r:    the endpoint.
 * @size: set to its size in bytes (0 if there is none).
 *
 * The area is the host's and the firmware's to share as they agree; the
 * protocol never touches it. Context: any; touches no shared memory.
 *
 * Return: its start in the region, or NULL without a valid header.
 */
static inline void *cmshm_remote_app(const struct cmshm_remote *r,
				     uint32_t *size)
{
	*size = r->app_size;
	return r->app;
}

/**
 * cmshm_remote_restart() - restart this side with a new session.
 * @r: the endpoint, with a valid header.
 *
 * Resets the indices this side owns and publishes a new session (messages
 * in flight are lost), then rings the doorbell. For a firmware that lost
 * its state; the library itself calls it after a protocol error.
 *
 * Context: ISR or thread. Writes this side's control block and indices.
 */
void cmshm_remote_restart(struct cmshm_remote *r);

/**
 * cmshm_remote_stop() - publish OFFLINE before this core stops.
 * @r: the endpoint.
 *
 * Only while the host is READY with the session whose header was
 * validated: otherwise the header may be changing and this side's control
 * block may be somewhere else by now. Rings the doorbell.
 *
 * Context: ISR or thread. Reads the host's control block; writes this
 * side's state word.
 */
void cmshm_remote_stop(struct cmshm_remote *r);

#endif /* CMSHM_REMOTE_H */
