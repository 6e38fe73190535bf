// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The test firmware's work on an up link: commands, then the role's
 * messages (echo, sink, source), with the remote library's zero-copy
 * calls and one doorbell per pass (cmshm_remote_defer()/notify()).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "fw.h"

/* Ring Linux at least this often while a pass moves many messages. */
#define FW_DB_BATCH	64u

void fw_link_reset(struct fw_link *l)
{
	l->sink_valid = 0;
	l->tx_blocked = 0;
	l->src_left = 0;
}

/* One more message moved: every FW_DB_BATCH, ring for what is owed. */
static void fw_batch(struct fw_link *l, uint32_t *moved)
{
	if (++*moved % FW_DB_BATCH)
		return;
	cmshm_remote_notify(&l->ep);
	cmshm_remote_defer(&l->ep);
}

static uint32_t fw_random(struct fw_link *l)
{
	uint32_t x = l->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	l->rng = x;
	return x;
}

/* Send @len bytes of @buf; 0 or the library's error. */
static int fw_send(struct fw_link *l, const void *buf, uint32_t len)
{
	int err = cmshm_remote_send(&l->ep, buf, len);

	if (!err)
		l->st.tx_msgs++;
	return err;
}

/*
 * A struct cmshm_app_cmd in range (echo links): reply with the application
 * area bytes it names, then store their complement there, as cmshm-remote
 * does (cmshm_testmsg.h). The bytes are Linux's: read once, into a private
 * copy that both the reply and the complement come from (at most
 * CMSHM_APP_CMD_MAX). Return: 1 if
 * @msg is not one, else what the send returned.
 */
static int fw_app_cmd(struct fw_link *l, const void *msg, uint32_t len)
{
	static uint8_t copy[CMSHM_APP_CMD_MAX];
	struct cmshm_app_cmd cmd;
	uint32_t i, app_size;
	uint8_t *area = cmshm_remote_app(&l->ep, &app_size);
	int err;

	if (l->role != FW_ECHO ||
	    !cmshm_app_cmd_get(&cmd, msg, len, app_size))
		return 1;
	area += cmd.offset;
	memcpy(copy, area, cmd.length);
	err = fw_send(l, copy, cmd.length);
	if (!err)
		for (i = 0; i < cmd.length; i++)
			area[i] = (uint8_t)~copy[i];
	return err;
}

/*
 * A struct cmshm_fw_cmd: carry it out. Return: 1 if @msg is not one, 2 if
 * the firmware must restart, else 0 or the reply's send error (the
 * command then stays queued and is retried).
 */
static int fw_command(struct fw_link *l, const void *msg, uint32_t len)
{
	struct cmshm_fw_cmd cmd;
	int err;

	if (len != sizeof(cmd))
		return 1;
	memcpy(&cmd, msg, sizeof(cmd));
	if (cmd.magic != CMSHM_FW_CMD_MAGIC)
		return 1;
	switch (cmd.op) {
	case CMSHM_FW_SOURCE:
		l->src_left = cmd.arg[0];
		l->src_seq = 0;
		l->src_min = cmd.arg[1] ? cmd.arg[1] : 1u;
		l->src_max = cmd.arg[2] < l->src_min ? l->src_min : cmd.arg[2];
		l->tx_blocked = 0;
		fw_print("cmshm-r5: ");
		fw_print(l->name);
		fw_print(": sending ");
		fw_print_u32(l->src_left);
		fw_print(" numbered messages\n");
		return 0;
	case CMSHM_FW_STATS:
		err = fw_send(l, &l->st, sizeof(l->st));
		if (!err && cmd.arg[0] == 1u) {
			l->st.rx_msgs = 0;
			l->st.sink_ok = 0;
			l->st.sink_lost = 0;
			l->st.sink_order = 0;
			l->st.sink_bad = 0;
			l->st.tx_msgs = 0;
			l->sink_valid = 0;
		}
		return err;
	case CMSHM_FW_RESTART:
		return 2;
	default:
		return 0;	/* unknown: consumed, ignored */
	}
}

/* Verify and account one numbered message. */
static void fw_sink(struct fw_link *l, const void *msg, uint32_t len)
{
	uint32_t seq = 0;
	int err = cmshm_testmsg_check(msg, len, &seq);

	if (err == 1) {
		/* Too short to carry its number: the expected one? */
		seq = l->sink_valid ? l->sink_expect : 0;
		err = cmshm_testmsg_match(msg, len, seq) ? 0 : -1;
	}
	if (err) {
		l->st.sink_bad++;
		return;
	}
	if (!l->sink_valid) {
		l->sink_valid = 1;
		l->sink_expect = seq;
	}
	if (seq - l->sink_expect >= 0x80000000u) {
		l->st.sink_order++;	/* behind: duplicated or reordered */
		return;
	}
	l->st.sink_lost += seq - l->sink_expect;
	l->sink_expect = seq + 1u;
	l->st.sink_ok++;
}

/* Consume what Linux sent. Return: 1 to restart, else 0. */
static int fw_receive(struct fw_link *l, uint32_t *moved)
{
	const void *msg;
	uint32_t len;
	int err;

	while (!l->tx_blocked && cmshm_remote_peek(&l->ep, &msg, &len) == 0) {
		err = fw_command(l, msg, len);
		if (err == 2) {
			cmshm_remote_release(&l->ep);
			return 1;
		}
		if (err == 1)
			err = fw_app_cmd(l, msg, len);
		if (err == 1) {
			l->st.rx_msgs++;
			if (l->role == FW_ECHO)
				err = fw_send(l, msg, len);
			else if (l->role == FW_SINK)
				fw_sink(l, msg, len);
			/* FW_SOURCE: data is consumed and ignored. */
		}
		if (err == -CMSHM_EAGAIN) {
			l->tx_blocked = 1;	/* stays queued */
			break;
		}
		/* -CMSHM_EMSGSIZE: longer than r2h allows; dropped. */
		cmshm_remote_release(&l->ep);
		fw_batch(l, moved);
	}
	return 0;
}

/* Send the numbered messages of the current run while there is room. */
static void fw_source(struct fw_link *l, uint32_t *moved)
{
	uint32_t max = l->src_max, min = l->src_min, len;
	uint32_t cap = cmshm_remote_max_msg(&l->ep);
	void *out;

	max = max > cap ? cap : max;
	min = min > max ? max : min;
	while (l->src_left && !l->tx_blocked) {
		len = cmshm_testmsg_size(fw_random(l), min, max, 0);
		if (cmshm_remote_reserve(&l->ep, len, &out)) {
			l->tx_blocked = 1;
			return;
		}
		cmshm_testmsg_fill(out, len, l->src_seq);
		cmshm_remote_commit(&l->ep);
		l->st.tx_msgs++;
		l->src_seq++;
		if (!--l->src_left)
			fw_print("cmshm-r5: source run sent\n");
		fw_batch(l, moved);
	}
}

int fw_link_work(struct fw_link *l)
{
	uint32_t moved = 0;
	int restart;

	/* Called on a doorbell or idle poll: Linux may have made room. */
	l->tx_blocked = 0;
	cmshm_remote_defer(&l->ep);
	restart = fw_receive(l, &moved);
	if (!restart)
		fw_source(l, &moved);
	cmshm_remote_notify(&l->ep);
	return restart;
}
