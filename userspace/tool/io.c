// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cmshm-tool waiting: CLOCK_MONOTONIC deadlines, SIGINT/SIGTERM handling,
 * a watchdog for blocking calls, and message I/O on O_NONBLOCK descriptors
 * that never waits without a way out (see the signal model in tool.h).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

volatile sig_atomic_t tool_stop;
volatile sig_atomic_t tool_timed_out;
volatile unsigned long tool_progress;

/* Signal mask of the process before tool_signals_init() blocked ours. */
static sigset_t open_mask;
static sigset_t our_signals;

/* Watchdog state, touched only by the SIGALRM handler. */
static unsigned long wd_last;
static int wd_stalled_ticks, wd_limit_ticks;

/**
 * tool_now_ns() - CLOCK_MONOTONIC in nanoseconds.
 *
 * Return: nanoseconds since an arbitrary start.
 */
int64_t tool_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/**
 * tool_deadline() - absolute deadline for a timeout starting now.
 * @timeout_ms: milliseconds, or NO_DEADLINE.
 *
 * Return: CLOCK_MONOTONIC nanoseconds, or NO_DEADLINE.
 */
int64_t tool_deadline(int timeout_ms)
{
	if (timeout_ms < 0)
		return NO_DEADLINE;
	return tool_now_ns() + (int64_t)timeout_ms * 1000000;
}

static void on_stop_signal(int sig)
{
	(void)sig;
	tool_stop = 1;
}

static void on_alarm(int sig)
{
	(void)sig;
	if (tool_progress != wd_last) {
		wd_last = tool_progress;
		wd_stalled_ticks = 0;
	} else if (++wd_stalled_ticks >= wd_limit_ticks) {
		tool_timed_out = 1;
	}
}

/**
 * tool_signals_init() - install the handlers and block the signals.
 *
 * Called once by main(). SIGINT and SIGTERM set tool_stop, then revert to
 * their default action (a second one kills the process); SIGALRM runs the
 * watchdog. None of them restarts system calls.
 */
void tool_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);

	sigemptyset(&our_signals);
	sigaddset(&our_signals, SIGINT);
	sigaddset(&our_signals, SIGTERM);
	sigaddset(&our_signals, SIGALRM);
	sigprocmask(SIG_BLOCK, &our_signals, &open_mask);
	sigdelset(&open_mask, SIGINT);
	sigdelset(&open_mask, SIGTERM);
	sigdelset(&open_mask, SIGALRM);
}

/**
 * tool_signals_unblock() - allow SIGINT/SIGTERM/SIGALRM to interrupt
 * blocking read()/write() calls (they then fail with EINTR).
 *
 * Check tool_stop and tool_timed_out before every blocking call.
 */
void tool_signals_unblock(void)
{
	sigprocmask(SIG_UNBLOCK, &our_signals, NULL);
}

/** tool_signals_block() - undo tool_signals_unblock(). */
void tool_signals_block(void)
{
	sigprocmask(SIG_BLOCK, &our_signals, NULL);
}

/**
 * tool_watchdog_start() - set tool_timed_out when tool_progress stalls.
 * @timeout_ms: milliseconds without a tool_progress increment that count
 *              as a timeout; NO_DEADLINE does nothing.
 *
 * For loops of blocking calls that poll() cannot bound. The check runs
 * ten times per timeout, so the timeout fires after 1.0 to 1.1 times
 * @timeout_ms. Signals must be unblocked for SIGALRM to interrupt a call.
 *
 * Return: 0, or EXIT_FAIL after printing the error.
 */
int tool_watchdog_start(int timeout_ms)
{
	struct itimerval it;
	long tick_us;

	if (timeout_ms < 0)
		return 0;
	tick_us = (long)timeout_ms * 100;	/* a tenth of the timeout */
	if (tick_us < 1000)
		tick_us = 1000;
	wd_last = tool_progress;
	wd_stalled_ticks = 0;
	wd_limit_ticks = (int)(((long)timeout_ms * 1000 + tick_us - 1) /
			       tick_us);
	if (wd_limit_ticks < 1)
		wd_limit_ticks = 1;
	it.it_interval.tv_sec = tick_us / 1000000;
	it.it_interval.tv_usec = tick_us % 1000000;
	it.it_value = it.it_interval;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0) {
		tool_err("setitimer: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return 0;
}

/** tool_watchdog_stop() - cancel tool_watchdog_start(). */
void tool_watchdog_stop(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}

static void ns_to_timespec(int64_t ns, struct timespec *ts)
{
	if (ns < 0)
		ns = 0;
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
}

/**
 * tool_wait() - poll one descriptor until an event, the deadline or a stop.
 * @fd:      descriptor.
 * @events:  POLLIN, POLLOUT and/or POLLPRI.
 * @deadline: from tool_deadline(); a deadline already past still polls
 *            once without waiting.
 * @revents: set on WAIT_READY; may contain POLLHUP/POLLERR without the
 *            requested events.
 *
 * Return: WAIT_READY, WAIT_TIMEOUT, WAIT_STOPPED or WAIT_ERROR (errno set;
 * POLLNVAL gives EBADF).
 */
int tool_wait(int fd, short events, int64_t deadline, short *revents)
{
	struct pollfd pfd;
	struct timespec ts;
	int n;

	for (;;) {
		if (tool_stop)
			return WAIT_STOPPED;
		if (tool_timed_out)
			return WAIT_TIMEOUT;
		if (deadline != NO_DEADLINE)
			ns_to_timespec(deadline - tool_now_ns(), &ts);
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = ppoll(&pfd, 1, deadline == NO_DEADLINE ? NULL : &ts,
			  &open_mask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return WAIT_ERROR;
		}
		if (n == 0)
			return WAIT_TIMEOUT;
		if (pfd.revents & POLLNVAL) {
			errno = EBADF;
			return WAIT_ERROR;
		}
		*revents = pfd.revents;
		return WAIT_READY;
	}
}

/**
 * tool_sleep_until() - sleep, interruptible by SIGINT/SIGTERM.
 * @until:    CLOCK_MONOTONIC nanoseconds to wake up at.
 * @deadline: overall deadline or NO_DEADLINE; the sleep ends there if
 *            it comes first.
 *
 * Return: WAIT_READY when @until was reached, WAIT_TIMEOUT when @deadline
 * was, WAIT_STOPPED on a stop signal.
 */
int tool_sleep_until(int64_t until, int64_t deadline)
{
	struct timespec ts;
	int64_t end = until;
	int timeout = 0;

	if (deadline != NO_DEADLINE && deadline <= until) {
		end = deadline;
		timeout = 1;
	}
	while (!tool_stop) {
		int64_t left = end - tool_now_ns();

		if (left <= 0)
			return timeout ? WAIT_TIMEOUT : WAIT_READY;
		ns_to_timespec(left, &ts);
		ppoll(NULL, 0, &ts, &open_mask);
	}
	return WAIT_STOPPED;
}

/**
 * tool_recv_msg() - read one message from an O_NONBLOCK descriptor.
 * @fd:       device opened with O_NONBLOCK.
 * @buf:      destination.
 * @size:     bytes available at @buf (0 waits for POLLIN, then reads 0).
 * @deadline: from tool_deadline().
 * @len:      bytes of the message on WAIT_READY.
 *
 * Reads first and polls for POLLIN only after EAGAIN; poll() sleeps while
 * the link is down (it sets no bit for that) and reports an unreported
 * ECONNRESET/EPROTO as POLLIN, so the read that follows returns it. After
 * POLLHUP (unbound) the read returns ENODEV. Errors are returned as
 * WAIT_ERROR with errno set and are not printed.
 *
 * Return: WAIT_READY, WAIT_TIMEOUT, WAIT_STOPPED or WAIT_ERROR.
 */
int tool_recv_msg(int fd, void *buf, size_t size, int64_t deadline,
		  ssize_t *len)
{
	short rev = 0;
	int r;

	for (;;) {
		ssize_t n;

		if (tool_stop)
			return WAIT_STOPPED;
		/* read(fd, buf, 0) returns 0 at once: wait for a message. */
		if (size || (rev & (POLLIN | POLLHUP))) {
			n = read(fd, buf, size);
			if (n >= 0) {
				*len = n;
				return WAIT_READY;
			}
			if (errno != EAGAIN && errno != EINTR)
				return WAIT_ERROR;
		}
		r = tool_wait(fd, POLLIN, deadline, &rev);
		if (r != WAIT_READY)
			return r;
	}
}

/**
 * tool_send_msg() - write one message to an O_NONBLOCK descriptor.
 * @fd:       device opened with O_NONBLOCK.
 * @buf:      message.
 * @len:      bytes.
 * @deadline: from tool_deadline().
 * @eagains:  incremented for every EAGAIN; may be NULL.
 *
 * Tries the write first and polls for POLLOUT only after EAGAIN; poll()
 * sleeps while the link is down or the ring is full. A short write (the
 * driver must send whole messages) fails with EIO.
 *
 * Return: WAIT_READY, WAIT_TIMEOUT, WAIT_STOPPED or WAIT_ERROR.
 */
int tool_send_msg(int fd, const void *buf, size_t len, int64_t deadline,
		  unsigned long *eagains)
{
	short rev;
	int r;

	for (;;) {
		ssize_t n;

		if (tool_stop)
			return WAIT_STOPPED;
		n = write(fd, buf, len);
		if (n >= 0) {
			if ((size_t)n == len)
				return WAIT_READY;
			errno = EIO;
			return WAIT_ERROR;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return WAIT_ERROR;
		if (eagains)
			(*eagains)++;
		r = tool_wait(fd, POLLOUT, deadline, &rev);
		if (r != WAIT_READY)
			return r;
	}
}
