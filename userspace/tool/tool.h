/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cmshm-tool internals: exit codes, device access, waiting with timeouts
 * and clean interruption, output formatting, and the subcommands.
 *
 * Signal model: SIGINT, SIGTERM and SIGALRM are blocked while the tool
 * runs and only unblocked atomically inside ppoll() (tool_wait()) or
 * around a loop of blocking read()/write() calls (tool_signals_unblock()).
 * The handler sets tool_stop (or tool_timed_out for the watchdog) and is
 * reset to the default action after the first SIGINT/SIGTERM, so a second
 * Ctrl-C always terminates the process.
 *
 * Copyright (C) 2026 The cmshm authors
 */
#ifndef CMSHM_TOOL_H
#define CMSHM_TOOL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/cmshm.h>

/* Exit codes of every subcommand. */
#define EXIT_OK		0	/* success */
#define EXIT_FAIL	1	/* an operation failed (errno printed) */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_VERIFY	3	/* lost, duplicated, reordered or corrupt data */
#define EXIT_TIMEOUT	4	/* nothing happened within --timeout */

/* Results of tool_wait() and of the I/O helpers built on it. */
#define WAIT_READY	0	/* the requested event or an error is pending */
#define WAIT_TIMEOUT	1	/* the deadline passed */
#define WAIT_STOPPED	2	/* SIGINT or SIGTERM received */
#define WAIT_ERROR	3	/* a system call failed; errno is set */

/** Infinite deadline or timeout. */
#define NO_DEADLINE	(-1)

extern const char *tool_name;		/* "cmshm-tool" */
extern const char *tool_device;		/* path given with -d */
extern volatile sig_atomic_t tool_stop;		/* SIGINT/SIGTERM seen */
extern volatile sig_atomic_t tool_timed_out;	/* watchdog fired */
extern volatile unsigned long tool_progress;	/* bumped by watchdog users */

/**
 * struct tool_cmd - one subcommand.
 * @name:  word on the command line.
 * @usage: full help text printed by "CMD --help" (ends with a newline).
 * @brief: one line for the overall help.
 * @run:   parses its own options (argv[0] is @name) and returns an EXIT_*.
 */
struct tool_cmd {
	const char *name;
	const char *usage;
	const char *brief;
	int (*run)(int argc, char **argv);
};

extern const struct tool_cmd tool_cmd_info, tool_cmd_send, tool_cmd_recv,
	tool_cmd_watch, tool_cmd_ping, tool_cmd_source, tool_cmd_sink,
	tool_cmd_dump;

/* ---- messages and argument parsing (util.c) ---- */

void tool_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tool_syserr(const char *what);
int tool_usage_err(const struct tool_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tool_parse_u64(const char *opt, const char *s, uint64_t min,
		   uint64_t max, uint64_t *out);
int tool_parse_timeout(const char *s, int *ms);
int tool_common_option(const struct tool_cmd *cmd, int c,
		       const char *arg);

/* ---- device access (util.c) ---- */

int tool_open(int flags);
int tool_get_info(int fd, struct cmshm_info *info);
int tool_set_nonblock(int fd, int on);

/* ---- time, signals, waiting, message I/O (io.c) ---- */

int64_t tool_now_ns(void);
int64_t tool_deadline(int timeout_ms);
void tool_signals_init(void);
void tool_signals_unblock(void);
void tool_signals_block(void);
int tool_watchdog_start(int timeout_ms);
void tool_watchdog_stop(void);
int tool_wait(int fd, short events, int64_t deadline, short *revents);
int tool_sleep_until(int64_t until, int64_t deadline);
int tool_recv_msg(int fd, void *buf, size_t size, int64_t deadline,
		  ssize_t *len);
int tool_send_msg(int fd, const void *buf, size_t len, int64_t deadline,
		  unsigned long *eagains);

/* ---- output formatting (format.c) ---- */

void tool_print_text(FILE *out, const uint8_t *buf, size_t len);
void tool_print_hex(FILE *out, const uint8_t *buf, size_t len);
void tool_hexdump(FILE *out, const volatile uint8_t *base, uint64_t offset,
		  uint64_t length, int squeeze);
int tool_parse_hex(const char *s, uint8_t **buf, size_t *len);
const char *tool_link_state_name(uint32_t state);


#endif /* CMSHM_TOOL_H */
