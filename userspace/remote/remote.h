/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm-remote internals: the state shared by the emulator's parts.
 *
 *   cmshm-remote.c    main loop, summary, stats, exit status
 *   remote/opts.c     the command line
 *   remote/shm.c      mapping the RAM file, doorbells, waiting
 *   remote/session.c  the endpoint library's events -> counters and logs
 *   remote/modes.c    echo, source and sink work on the rings
 *   remote/fault.c    the adversarial fault phase (--fault-*)
 *   remote/fault_words.c  its values and corruptions (remote/fault.h)
 *
 * The protocol itself (following host sessions, the handshake, restarts
 * after a protocol error, the rings) is the remote endpoint library,
 * firmware/endpoint/cmshm_remote.c, in @ep of struct remote; these files
 * only drive it and count what it reports. Everything runs on one thread;
 * nothing here is thread-safe.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_EMU_REMOTE_H
#define CMSHM_EMU_REMOTE_H

#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "cmshm/cmshm_remote.h"

/** enum remote_mode - what the emulator does once the link is up. */
enum remote_mode {
	MODE_ECHO,	/* write every received message back unchanged */
	MODE_SOURCE,	/* send numbered messages */
	MODE_SINK,	/* receive and verify numbered messages */
	MODE_IDLE,	/* handshake only */
	MODE_DUPLEX,	/* source and sink at once */
};

/* The number of modes. */
#define REMOTE_NMODES	((unsigned int)MODE_DUPLEX + 1u)

/* Doorbell page: 8 channels of 128 bytes; Linux->remote counter at +0,
 * remote->Linux counter at +64.
 */
#define REMOTE_DB_CHANNELS	8u
#define REMOTE_DB_STRIDE	128u
#define REMOTE_DB_OUT_OFFSET	64u

/* Sink: sequence numbers remembered behind the expected one (bits). */
#define REMOTE_SINK_WINDOW	65536u

/**
 * struct remote_opts - parsed command line.
 * @mem:        path of the guest RAM file.
 * @ram_base:   guest physical address at file offset 0.
 * @region:     guest physical address of the cmshm region.
 * @size:       region size in bytes.
 * @doorbell:   guest physical address of the doorbell page.
 * @have_db:    nonzero when @doorbell was given (doorbell mode).
 * @db_in:      channel whose Linux->remote counter is watched.
 * @db_out:     channel whose remote->Linux counter is incremented.
 * @mode:       enum remote_mode.
 * @count:      source: messages to send; sink: messages expected.
 * @have_count: nonzero when @count was given.
 * @size_min:   source: smallest message in bytes.
 * @size_max:   source: largest message in bytes (clamped to the ring).
 * @size_log:   source: log-uniform sizes (cmshm_testmsg_size()).
 * @stall_ms:   stall: stop all work for this long ...
 * @stall_every_ms: ... every this many milliseconds (0: never).
 * @rate:       source: messages sent, sink: messages consumed per second
 *              (duplex: both); 0 for as fast as possible.
 * @poll_us:    wait granularity in microseconds.
 * @exit_after_count: exit as soon as @count is reached (and drained).
 * @stats_file: where to write the final counters, or NULL.
 * @corrupt_head_after: echo: corrupt the r2h head once after this many
 *              echoed messages (0: never).
 * @verbose:    diagnostic level on stderr.
 * @fault_rate: corruptions per second during the fault phase (0: none).
 * @fault_flood: doorbells per second flooded at Linux during the fault
 *              phase; 0 with @have_flood: one on every wakeup.
 * @have_flood: nonzero when --fault-flood was given.
 * @fault_mute_ms: length of each silent period in ms (0: never mute).
 * @fault_seed: seed of the fault generator.
 * @have_seed:  nonzero when --fault-seed was given (else random).
 * @fault_for:  fault phase length in seconds from the first link up
 *              (0: until exit).
 */
struct remote_opts {
	const char *mem;
	uint64_t ram_base;
	uint64_t region;
	uint64_t size;
	uint64_t doorbell;
	int have_db;
	unsigned int db_in;
	unsigned int db_out;
	enum remote_mode mode;
	uint64_t count;
	int have_count;
	uint32_t size_min;
	int size_log;
	unsigned int stall_ms;
	unsigned int stall_every_ms;
	uint32_t size_max;
	double rate;
	unsigned int poll_us;
	int exit_after_count;
	const char *stats_file;
	int verbose;
	uint64_t corrupt_head_after;
	double fault_rate;
	double fault_flood;
	int have_flood;
	unsigned int fault_mute_ms;
	uint64_t fault_seed;
	int have_seed;
	double fault_for;
};

/**
 * struct remote_stats - counters reported at exit (all since start).
 *
 * Messages and bytes count payloads. @proto_errors includes
 * @header_errors. @restart_races are ring-index regressions explained by
 * a concurrent host restart (not errors, see remote_data_error()).
 * @corruptions are faults this program injected on purpose
 * (--corrupt-head-after, --fault-corrupt), not errors; the @corrupt_*
 * counters split the --fault-corrupt ones by target. @fault_errors are
 * ring errors this program saw because of its own corruptions (recovered
 * by a restart, not counted in @proto_errors); @fault_restarts are the
 * restarts it did to repair its own control block or to end the fault
 * phase cleanly. Of the corrupted indices (@corrupt_r2h_head and
 * @corrupt_h2r_tail), @idx_detected were followed by a reset while still
 * in place (the host loaded the bad value and restarted), @idx_expired
 * were given up after the host's time to react (it did not load the index
 * in time, as it loads it only when its cached copy is used up, or the
 * value was one it cannot tell from a valid one). @flood_db counts
 * flooded doorbells (also in @db_out), @mutes the silent periods.
 * @sink_empty counts the sink's looks that found the h2r ring empty
 * (after each it waits for data: it asked Linux for a doorbell); a sink
 * that is the bottleneck (--rate) rarely finds it empty.
 */
struct remote_stats {
	uint64_t link_ups;
	uint64_t link_downs;
	uint64_t resets;
	uint64_t host_sessions;
	uint64_t rx_msgs;
	uint64_t rx_bytes;
	uint64_t tx_msgs;
	uint64_t tx_bytes;
	uint64_t db_in;
	uint64_t db_out;
	uint64_t proto_errors;
	uint64_t header_errors;
	uint64_t restart_races;
	uint64_t echo_dropped;
	uint64_t corruptions;
	uint64_t corrupt_r2h_head;
	uint64_t corrupt_h2r_tail;
	uint64_t corrupt_remote_ctrl;
	uint64_t corrupt_len;
	uint64_t corrupt_pad;
	uint64_t corrupt_r2h_data;
	uint64_t corrupt_host;
	uint64_t fault_errors;
	uint64_t fault_restarts;
	uint64_t idx_detected;
	uint64_t idx_expired;
	uint64_t flood_db;
	uint64_t mutes;
	uint64_t sink_ok;
	uint64_t sink_lost;
	uint64_t sink_dup;
	uint64_t sink_reorder;
	uint64_t sink_corrupt;
	uint64_t sink_empty;
};

/* Host-owned words corrupted at once, restored at the next wakeup. */
#define FAULT_RESTORE_MAX	64u

/**
 * struct fault_restore - one transient corruption of a host-owned location.
 * @p:     the location (a u32 word, or a byte when @width is 1).
 * @width: 4 or 1 bytes.
 * @bad:   the value we stored.
 * @orig:  the value it replaced; put back only if @bad is still there.
 */
struct fault_restore {
	void *p;
	unsigned int width;
	uint32_t bad;
	uint32_t orig;
};

/**
 * struct remote_fault - state of the fault phase (remote/fault.c).
 * @rng:          xorshift64 state, from --fault-seed.
 * @phase:        0 before the first link up, 1 during, 2 after.
 * @t_start:      start of the phase (seconds, remote_now()).
 * @t_last:       time of the last token accrual.
 * @tokens:       corruptions due, not yet applied.
 * @flood_tokens: flood doorbells due.
 * @rec_wanted:   corruptions reserved for the next published records.
 * @muted:        nonzero while silent.
 * @mute_edge:    end of the silent period, or start of the next one.
 * @fatal:        kind of the outstanding corruption the host must detect
 *                (0: none); at most one at a time.
 * @fatal_at:     when it was applied.
 * @frozen:       nonzero while @fatal is an index our next ring call would
 *                overwrite: no ring work until the host reacted.
 * @ctrl_fix_at:  our control block is corrupted: restart at this time
 *                (0: not corrupted).
 * @features_fix: restore our ctrl features word at the next wakeup.
 * @tainted:      a corruption was applied since the indices last restarted:
 *                our own ring errors are self-inflicted.
 * @restore:      host-owned locations to put back at the next wakeup.
 * @n_restore:    entries used in @restore.
 * @h2r_used:     published h2r bytes we have not consumed, and
 * @r2h_used:     published r2h bytes the host has not consumed, both as
 *                seen at the start of the current batch of corruptions
 *                (0 if unknown or invalid).
 */
struct remote_fault {
	uint64_t rng;
	int phase;
	double t_start;
	double t_last;
	double tokens;
	double flood_tokens;
	unsigned int rec_wanted;
	int muted;
	double mute_edge;
	int fatal;
	double fatal_at;
	int frozen;
	double ctrl_fix_at;
	int features_fix;
	int tainted;
	struct fault_restore restore[FAULT_RESTORE_MAX];
	unsigned int n_restore;
	uint32_t h2r_used;
	uint32_t r2h_used;
};

/**
 * struct remote - the whole emulator state.
 * @opt:          command line.
 * @st:           counters.
 * @base:         start of the mapped region.
 * @size:         region size in bytes.
 * @map:          the region mapping as returned by mmap().
 * @map_len:      its length.
 * @fd:           the RAM file, open until the mappings are backed.
 * @need_size:    file size that backs every mapped byte.
 * @present:      nonzero once the file is at least @need_size long.
 * @db_map:       the doorbell page mapping, or NULL (polling mode).
 * @db_map_len:   its length.
 * @db_in:        the Linux->remote counter watched.
 * @db_out:       the remote->Linux counter written.
 * @db_last_in:   value of *@db_in at the last look.
 * @db_out_val:   private copy of *@db_out.
 * @ep:           the remote endpoint (the library's state, the protocol).
 * @seen_session: @ep.link.session, and
 * @seen_acked:   @ep.link.acked, as of the last remote_sync(): a change
 *                means the library reset the ring indices we own.
 * @err_pending:  a data call made the library restart after a protocol
 *                error: 1, or 2 if fault_tainted() explained it (its ERROR
 *                event is still to come from cmshm_remote_poll()); 0: none.
 * @err_ring:     "h2r" or "r2h": the ring of @err_pending.
 * @rng:          xorshift64 state for sizes.
 * @buf:          source message buffer, @opt.size_max bytes.
 * @src_seq:      next sequence number to send (source).
 * @src_t0:       time of message 0 on the rate schedule, in seconds.
 * @tx_blocked:   the last write found the tx ring full: retry only after
 *                a doorbell (doorbell mode).
 * @sink_t0:      time of message 0 on the sink's rate schedule (--rate;
 *                the messages consumed are @st.rx_msgs), in seconds.
 * @rx_waiting:   a sink with --rate found the rx ring empty (and asked for
 *                a doorbell): look again only after one (doorbell mode).
 * @sink_expect:  next expected sequence number (sink).
 * @sink_valid:   nonzero when @sink_expect is meaningful.
 * @sink_seen:    bitmap of sequence numbers received in the window.
 * @done:         nonzero when --exit-after-count is satisfied.
 * @fault:        the fault phase (--fault-*).
 */
struct remote {
	struct remote_opts opt;
	struct remote_stats st;
	uint8_t *base;
	uint32_t size;
	void *map;
	size_t map_len;
	int fd;
	uint64_t need_size;
	int present;
	void *db_map;
	size_t db_map_len;
	uint32_t *db_in;
	uint32_t *db_out;
	uint32_t db_last_in;
	uint32_t db_out_val;
	struct cmshm_remote ep;
	uint32_t seen_session;
	uint32_t seen_acked;
	int err_pending;
	const char *err_ring;
	uint64_t rng;
	uint8_t *buf;
	uint64_t src_seq;
	double src_t0;
	int tx_blocked;
	double sink_t0;
	int rx_waiting;
	uint32_t sink_expect;
	int sink_valid;
	uint8_t sink_seen[REMOTE_SINK_WINDOW / 8];
	int done;
	struct remote_fault fault;
};

/* Set by SIGTERM/SIGINT. */
extern volatile sig_atomic_t remote_stop;

/* opts.c */
extern const char *const remote_mode_names[REMOTE_NMODES];
void remote_usage(FILE *f);
int remote_parse_args(struct remote_opts *o, int argc, char **argv);

/* shm.c */
int remote_map(struct remote *rm);
int remote_present(struct remote *rm);
void remote_unmap(struct remote *rm);
void remote_ring(void *ctx);
int remote_wait(struct remote *rm);
double remote_now(void);
void remote_log(const struct remote *rm, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* session.c */
void remote_sync(struct remote *rm);
void remote_link_step(struct remote *rm);
void remote_link_restart(struct remote *rm);
void remote_data_error(struct remote *rm, const char *ring, int err);
void remote_shutdown(struct remote *rm);

/* modes.c */
void remote_work(struct remote *rm, int kicked);
int remote_due(const struct remote *rm);
int remote_stalled(const struct remote *rm);
void remote_sink_reset(struct remote *rm);
uint64_t remote_random(struct remote *rm);

/* fault.c */
int fault_configured(const struct remote_opts *o);
void fault_init(struct remote *rm);
int fault_begin(struct remote *rm);
void fault_end(struct remote *rm);
int fault_active(const struct remote *rm);
int fault_frozen(const struct remote *rm);
int fault_tainted(const struct remote *rm);
void fault_on_reset(struct remote *rm, int own_restart);
void fault_record(struct remote *rm, uint32_t own, void *payload,
		  uint32_t len);
void fault_finish(struct remote *rm);

#endif /* CMSHM_EMU_REMOTE_H */
