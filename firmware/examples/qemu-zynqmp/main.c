// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Test firmware for the Cortex-R5F of QEMU's emulated ZynqMP (xlnx-zcu102),
 * the remote core of tests/vm/run-vm.sh --machine zynqmp. Three links of
 * dts/qemu-zynqmp.dtso, each on the remote endpoint library
 * (firmware/endpoint/cmshm_remote.c, the same sources as the emulator):
 *
 *   link  region       doorbells (test mailbox channels)  role
 *   0     0x3f000000   Linux rings 0, R5 rings 1          echo
 *   1     0x3f100000   2 both ways                        sink
 *   2     0x3f200000   3 both ways                        source
 *
 * A superloop: each link's doorbell is polled (QEMU wires no interrupt to
 * the R5s), and on a doorbell, or every FW_IDLE_POLL idle rounds, the link
 * follows the host and does its role's work. The R5 rings Linux through
 * the GIC (cmshm_qemu_zynqmp.h). Console: UART1, one line per event.
 *
 * Started by Linux with PSCI CPU_ON at the ELF's entry
 * (tests/vm/zynqmp/cmshm_rpu_start.c); restarts itself on a
 * CMSHM_FW_RESTART command, from its reset vector, with a new session
 * seed (fw_boots survives in .noinit).
 *
 * Copyright (C) 2026 The cmshm authors
 */
#include "fw.h"
#include "echo_runtime.h"

/* Test mailbox doorbell page and interrupt (dts/qemu-zynqmp.dtso). */
#define FW_DOORBELL_PAGE	0x3f300000u
#define FW_MBOX_SPI		100u
#define FW_REGION_SIZE		0x00100000u

/* Look at the host without a doorbell every this many idle rounds. */
#define FW_IDLE_POLL		4096u

/* The reset vector (firmware/examples/echo/startup_cortex_r5.S). */
extern void echo_vectors(void);

#define FW_LINKS	3u

static struct fw_link fw_links[FW_LINKS] = {
	{ .name = "link0 echo", .role = FW_ECHO },
	{ .name = "link1 sink", .role = FW_SINK },
	{ .name = "link2 source", .role = FW_SOURCE },
};

static const struct {
	uint32_t region;
	uint8_t in_ch;
	uint8_t out_ch;
} fw_link_hw[FW_LINKS] = {
	{ 0x3f000000u, 0, 1 },
	{ 0x3f100000u, 2, 2 },
	{ 0x3f200000u, 3, 3 },
};

/* Firmware starts since power-on: not zeroed by the runtime. */
static uint32_t fw_boots __attribute__((section(".noinit")));

void fw_print(const char *s)
{
	cmshm_qemu_uart_puts(s);
}

void fw_print_u32(uint32_t v)
{
	char buf[11];
	unsigned int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	fw_print(&buf[i]);
}

static void fw_event(struct fw_link *l, const char *what)
{
	fw_print("cmshm-r5: ");
	fw_print(l->name);
	fw_print(": ");
	fw_print(what);
	fw_print("\n");
}

static void fw_events(struct fw_link *l, unsigned int ev)
{
	if (ev & CMSHM_REMOTE_DOWN)
		fw_event(l, "down");
	if (ev & CMSHM_REMOTE_RESET) {
		l->st.resets++;
		fw_link_reset(l);
		fw_event(l, "host restarted");
	}
	if (ev & CMSHM_REMOTE_ERROR) {
		l->st.errors++;
		fw_link_reset(l);
		fw_event(l, "protocol error: restarted this side");
	}
	if (ev & CMSHM_REMOTE_UP)
		fw_event(l, "up");
}

static void fw_init(void)
{
	unsigned int i;

	cmshm_qemu_uart_init();
	fw_boots++;
	fw_print("cmshm-r5: boot ");
	fw_print_u32(fw_boots);
	fw_print("\n");
	for (i = 0; i < FW_LINKS; i++) {
		struct fw_link *l = &fw_links[i];

		cmshm_qemu_db_init(&l->db, FW_DOORBELL_PAGE,
				   fw_link_hw[i].in_ch, fw_link_hw[i].out_ch,
				   FW_MBOX_SPI);
		l->st.magic = CMSHM_FW_STATS_MAGIC;
		l->st.boots = fw_boots;
		l->rng = 0x2545f491u + i;
		if (cmshm_remote_init(&l->ep, (void *)fw_link_hw[i].region,
				      FW_REGION_SIZE, cmshm_qemu_db_ring,
				      &l->db,
				      0x9e3779b9u * fw_boots + i)) {
			fw_event(l, "bad region");
			for (;;)
				;
		}
	}
}

int main(void)
{
	uint32_t idle = FW_IDLE_POLL;
	unsigned int i;
	int poll_all, restart = 0;

	fw_init();
	while (!restart) {
		poll_all = ++idle >= FW_IDLE_POLL;
		if (poll_all)
			idle = 0;
		for (i = 0; i < FW_LINKS && !restart; i++) {
			struct fw_link *l = &fw_links[i];

			/* Take the doorbell first: one rung later is kept. */
			if (!cmshm_qemu_db_take(&l->db) && !poll_all)
				continue;
			fw_events(l, cmshm_remote_poll(&l->ep));
			if (cmshm_remote_up(&l->ep))
				restart = fw_link_work(l);
		}
	}
	fw_print("cmshm-r5: restarting\n");
	echo_vectors();
	return 0;
}
