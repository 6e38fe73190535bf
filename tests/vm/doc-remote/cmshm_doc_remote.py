#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""cmshm echo remote written from Documentation/protocol.rst alone.

Plays the remote core on the host: maps the guest RAM file, waits for the
host (Linux) header, runs the handshake and writes every message it reads
from the h2r ring back, unchanged, into the r2h ring.

The only purpose of this program is to prove that protocol.rst is enough to
write a remote; it deliberately shares no code with the C implementation.

Usage: cmshm_doc_remote.py --region ADDR [--mem FILE] [--ram-base ADDR]
           [--size BYTES] [--doorbell ADDR --db-in CHAN --db-out CHAN]
           [--poll-us N]

On SIGTERM/SIGINT: publishes OFFLINE, prints a one-line summary and exits
0 if no protocol error was seen, 1 otherwise.
"""

import argparse
import collections
import mmap
import os
import random
import signal
import sys
import time

# protocol.rst, "The header" / "Control blocks"
MAGIC = 0x4d485343
VERSION = 2
OFFLINE = 0x4c46464f
READY = 0x59444552
ERROR = 0x52525245
PAD = 0xffffffff
HDR_WORDS = 20          # words 0..19
W_MAGIC, W_VERSION, W_REGION_SIZE, W_LINE, W_REMOTE_CTRL, W_APP_OFF, \
    W_APP_SIZE, W_RESERVED = range(8)
W_H2R, W_R2H, W_HOST = 8, 12, 16
# ctrl block words
C_STATE, C_SESSION, C_ACK, C_FEATURES = range(4)
M32 = 0xffffffff

# test mailbox doorbell page (tests only, not part of protocol.rst)
DB_STRIDE = 128
DB_OUT_OFF = 64

MAX_PENDING = 256       # echo backlog before we stop consuming


class ProtoError(Exception):
    """A value written by the peer failed validation (-EPROTO)."""


def is_pow2(x):
    return x > 0 and (x & (x - 1)) == 0


def round_up(x, a):
    return (x + a - 1) & ~(a - 1)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Words:
    """32-bit word access to a file range, one native load/store per word.

    memoryview.cast('I') element access compiles to a single aligned
    4-byte load/store, unlike struct.pack_into (which may write byte by
    byte and let the peer see a torn index).  The host is little-endian,
    like the protocol.
    """

    def __init__(self, fd, offset, length):
        page = mmap.ALLOCATIONGRANULARITY
        base = offset & ~(page - 1)
        self.delta = offset - base
        self.map = mmap.mmap(fd, length + self.delta, mmap.MAP_SHARED,
                             mmap.PROT_READ | mmap.PROT_WRITE, offset=base)
        self.bytes = memoryview(self.map)[self.delta:self.delta + length]
        self.words = self.bytes.cast('I')
        self.length = length

    def rd(self, off):          # one 32-bit load
        return self.words[off >> 2]

    def wr(self, off, val):     # one 32-bit store
        self.words[off >> 2] = val & M32


class Header:
    """A validated copy of struct cmshm_header (geometry only)."""

    def __init__(self, w, expected_size):
        (self.magic, self.version, self.region_size, self.line_size,
         self.remote_ctrl, self.app_offset, self.app_size,
         self.reserved) = w[0:8]
        self.h2r = tuple(w[W_H2R:W_H2R + 4])    # head, tail, data, size
        self.r2h = tuple(w[W_R2H:W_R2H + 4])
        self.validate(expected_size)

    def geometry(self):
        return (self.region_size, self.line_size, self.remote_ctrl,
                self.app_offset, self.app_size, self.h2r, self.r2h)

    def validate(self, expected_size):
        def bad(why):
            raise ProtoError("invalid header: " + why)
        if self.magic != MAGIC:
            bad("magic 0x%x" % self.magic)
        if self.version != VERSION:
            bad("version %d" % self.version)
        if self.region_size != expected_size:
            bad("region_size 0x%x, expected 0x%x" %
                (self.region_size, expected_size))
        ls = self.line_size
        if not is_pow2(ls) or not 16 <= ls <= 4096:
            bad("line_size %d" % ls)
        for name, r in (("h2r", self.h2r), ("r2h", self.r2h)):
            if not is_pow2(r[3]) or not 256 <= r[3] <= 1 << 30:
                bad("%s size 0x%x" % (name, r[3]))
        blocks = [
            ("header", 0, round_up(HDR_WORDS * 4, ls)),
            ("remote ctrl", self.remote_ctrl, ls),
            ("h2r head", self.h2r[0], ls),
            ("h2r tail", self.h2r[1], ls),
            ("r2h head", self.r2h[0], ls),
            ("r2h tail", self.r2h[1], ls),
            ("h2r data", self.h2r[2], self.h2r[3]),
            ("r2h data", self.r2h[2], self.r2h[3]),
            ("app", self.app_offset, self.app_size),
        ]
        for name, off, size in blocks:
            if off % ls:
                bad("%s at 0x%x not on a line boundary" % (name, off))
            if off + size > self.region_size:   # Python ints: no overflow
                bad("%s 0x%x+0x%x outside the region" % (name, off, size))
        for i, (n1, o1, s1) in enumerate(blocks):
            for n2, o2, s2 in blocks[i + 1:]:
                if s1 and s2 and o1 < o2 + s2 and o2 < o1 + s1:
                    bad("%s overlaps %s" % (n1, n2))


class Remote:
    def __init__(self, args):
        self.args = args
        fd = os.open(args.mem, os.O_RDWR)
        self.mem = Words(fd, args.region - args.ram_base, args.size)
        self.db = None
        if args.doorbell is not None:
            self.db = Words(fd, args.doorbell - args.ram_base, mmap.PAGESIZE)
        os.close(fd)
        self.tag = "doc-remote@0x%x" % args.region
        self.hdr = None
        self.hdr_session = 0    # host session the header was read under
        self.bad_session = None  # host session whose header was invalid
        self.session = 0
        self.ack = 0
        self.up = False
        self.db_count = 0
        self.pending = collections.deque()
        # statistics
        self.echoed = 0
        self.echoed_bytes = 0
        self.errors = 0
        self.resets = 0
        self.link_ups = 0
        self.reset_private()

    # ------------------------------------------------------------------
    # helpers
    def reset_private(self):
        # Private copies: what we write, and the last valid peer index.
        self.tx_head = 0        # r2h head (ours)
        self.tx_last_tail = 0   # last valid r2h tail (host's)
        self.rx_tail = 0        # h2r tail (ours)
        self.rx_last_head = 0   # last valid h2r head (host's)
        self.pending.clear()

    def ring(self):
        """Doorbell to Linux (test mailbox); nothing in polling mode."""
        if self.db is None:
            return
        self.db_count = (self.db_count + 1) & M32
        self.db.wr(self.args.db_out * DB_STRIDE + DB_OUT_OFF, self.db_count)

    def host_ctrl(self):
        """Read the host's control block as protocol.rst's link update
        step 1 says: session, state and ack, session again (x86 TSO keeps
        the loads in order: no barrier is needed here). A session that
        changed in between reads as not READY (the host is restarting)."""
        base = W_HOST * 4
        ses = self.mem.rd(base + 4 * C_SESSION)
        st = self.mem.rd(base + 4 * C_STATE)
        ack = self.mem.rd(base + 4 * C_ACK)
        if self.mem.rd(base + 4 * C_SESSION) != ses:
            st = OFFLINE
        return (st, ses, ack)

    def my_ctrl(self, word, val):
        self.mem.wr(self.hdr.remote_ctrl + 4 * word, val)

    def error(self, msg):
        self.errors += 1
        log("%s: protocol error: %s" % (self.tag, msg))

    # ------------------------------------------------------------------
    # handshake
    def attach(self):
        """Remote start steps 1-3.  Returns True when attached."""
        st, ses, _ = self.host_ctrl()
        if st != READY or ses == 0 or ses == self.bad_session:
            return False
        words = [self.mem.rd(4 * i) for i in range(HDR_WORDS)]
        st2, ses2, _ = self.host_ctrl()
        if st2 != READY or ses2 != ses:
            return False        # host restarted while we copied: retry
        try:
            hdr = Header(words, self.args.size)
        except ProtoError as e:
            self.bad_session = ses
            self.error("%s (host session 0x%08x)" % (e, ses))
            return False
        if self.hdr is None or self.hdr.geometry() != hdr.geometry():
            log("%s: header: line %d, remote ctrl 0x%x, h2r %s, r2h %s, "
                "app 0x%x+0x%x" % (self.tag, hdr.line_size, hdr.remote_ctrl,
                                   [hex(x) for x in hdr.h2r],
                                   [hex(x) for x in hdr.r2h],
                                   hdr.app_offset, hdr.app_size))
        self.hdr = hdr
        self.hdr_session = ses
        self.bad_session = None
        self.link_start()
        return True

    def new_session(self):
        while True:
            s = random.getrandbits(32)
            if s and s != self.session:
                return s

    def link_start(self):
        """cmshm_link_start() on the remote control block."""
        h = self.hdr
        self.up = False
        self.my_ctrl(C_STATE, OFFLINE)
        # (x86 TSO + one store per word: stores are seen in order)
        self.mem.wr(h.r2h[0], 0)        # our indices: r2h head, h2r tail
        self.mem.wr(h.h2r[1], 0)
        self.reset_private()
        self.ack = 0
        self.my_ctrl(C_ACK, 0)
        # No feature: "Doorbells wanted" needs a store ordered before a
        # later load (a full barrier), which Python cannot issue; without
        # the feature the host rings after every publish, and so do we.
        self.my_ctrl(C_FEATURES, 0)
        self.session = self.new_session()
        self.my_ctrl(C_SESSION, self.session)
        self.my_ctrl(C_STATE, READY)
        self.ring()

    def link_update(self):
        """cmshm_link_update(); also remote start step 4."""
        st, ses, peer_ack = self.host_ctrl()
        if st != READY or ses == 0:
            if self.up:
                log("%s: link down (host state 0x%08x session 0x%08x)" %
                    (self.tag, st, ses))
            self.up = False
            return
        if ses != self.hdr_session:
            # Remote start step 4: the host was reloaded or restarted;
            # re-read the header (its geometry may differ) and restart.
            was_up = self.up
            self.up = False
            if not self.attach():
                return
            if was_up:
                self.resets += 1
            st, ses, peer_ack = self.host_ctrl()
            if st != READY or ses == 0:
                return
        if ses != self.ack:
            was_up = self.up
            self.up = False
            h = self.hdr
            self.mem.wr(h.r2h[0], 0)
            self.mem.wr(h.h2r[1], 0)
            self.reset_private()
            self.ack = ses
            self.my_ctrl(C_ACK, ses)
            self.ring()
            if was_up:
                self.resets += 1
                log("%s: host restarted (session 0x%08x): reset" %
                    (self.tag, ses))
        up = self.ack == ses and peer_ack == self.session
        if up and not self.up:
            self.link_ups += 1
            log("%s: link up (host 0x%08x, remote 0x%08x)" %
                (self.tag, ses, self.session))
        self.up = up

    def peer_unchanged(self):
        """protocol.rst "Untrusted input": state first, then session, ack."""
        base = W_HOST * 4
        st = self.mem.rd(base + 4 * C_STATE)
        ses = self.mem.rd(base + 4 * C_SESSION)
        peer_ack = self.mem.rd(base + 4 * C_ACK)
        return st == READY and ses == self.ack and peer_ack == self.session

    # ------------------------------------------------------------------
    # rings
    def ring_read(self):
        """Consume one record from h2r.  Returns the payload or None."""
        head_off, _, data, size = self.hdr.h2r
        head = self.mem.rd(head_off)                # once
        tail = self.rx_tail
        used = (head - tail) & M32
        if head % 8 or used > size or \
                used < ((self.rx_last_head - tail) & M32):
            raise ProtoError("h2r head 0x%x (tail 0x%x, last head 0x%x)" %
                             (head, tail, self.rx_last_head))
        self.rx_last_head = head
        if used == 0:
            return None
        pos = tail & (size - 1)
        skip = 0
        ln = self.mem.rd(data + pos)                # once
        if ln == PAD:
            if pos == 0:
                raise ProtoError("h2r pad marker at position 0")
            skip = size - pos
            if skip > used:
                raise ProtoError("h2r pad skips 0x%x > used 0x%x" %
                                 (skip, used))
            if skip == used:
                return None                         # only the pad so far
            pos = 0
            ln = self.mem.rd(data)                  # once
            if ln == PAD:
                raise ProtoError("h2r second pad marker")
        max_msg = size // 2 - 8
        if not 1 <= ln <= max_msg:
            raise ProtoError("h2r len 0x%x at 0x%x" % (ln, pos))
        rec = round_up(8 + ln, 8)
        if pos + rec > size or skip + rec > used:
            raise ProtoError("h2r record len 0x%x at 0x%x beyond head" %
                             (ln, pos))
        payload = bytes(self.mem.bytes[data + pos + 8:data + pos + 8 + ln])
        self.rx_tail = (tail + skip + rec) & M32
        self.mem.wr(self.hdr.h2r[1], self.rx_tail)
        return payload

    def ring_write(self, payload):
        """Produce one record into r2h.  False if it does not fit yet."""
        _, tail_off, data, size = self.hdr.r2h
        ln = len(payload)
        if not 1 <= ln <= size // 2 - 8:
            # cannot happen for an echo of a valid record (same ring sizes
            # are not guaranteed, see report); drop it loudly
            log("%s: cannot echo a %d-byte message" % (self.tag, ln))
            return True
        tail = self.mem.rd(tail_off)                # once
        head = self.tx_head
        last = self.tx_last_tail
        if tail % 8 or ((tail - last) & M32) > ((head - last) & M32):
            raise ProtoError("r2h tail 0x%x (head 0x%x, last tail 0x%x)" %
                             (tail, head, last))
        self.tx_last_tail = tail
        free = size - ((head - tail) & M32)
        pos = head & (size - 1)
        rec = round_up(8 + ln, 8)
        skip = size - pos if rec > size - pos else 0
        if skip + rec > free:
            return False
        if skip:
            self.mem.wr(data + pos, PAD)
            pos = 0
        self.mem.wr(data + pos, ln)
        self.mem.wr(data + pos + 4, 0)
        self.mem.bytes[data + pos + 8:data + pos + 8 + ln] = payload
        self.tx_head = (head + skip + rec) & M32
        self.mem.wr(self.hdr.r2h[0], self.tx_head)
        return True

    def echo(self):
        """Move messages h2r -> pending -> r2h.  Returns True if it did
        anything (then the doorbell has been rung)."""
        moved = False
        while self.pending:
            if not self.ring_write(self.pending[0]):
                break
            p = self.pending.popleft()
            self.echoed += 1
            self.echoed_bytes += len(p)
            moved = True
        while len(self.pending) < MAX_PENDING:
            p = self.ring_read()
            if p is None:
                break
            moved = True
            if not self.pending and self.ring_write(p):
                self.echoed += 1
                self.echoed_bytes += len(p)
            else:
                self.pending.append(p)
        if moved:
            self.ring()
        return moved

    # ------------------------------------------------------------------
    def service(self):
        """Everything to do after a doorbell (or a poll tick)."""
        if self.hdr is None:
            if not self.attach():
                return
        self.link_update()
        while True:     # until no progress: the next step needs a doorbell
            if not self.up:
                return
            try:
                if not self.echo():
                    return
            except ProtoError as e:
                if self.peer_unchanged():
                    self.error(str(e))
                    self.link_start()       # restart with a new session
                else:
                    self.link_update()      # a restart, not a violation
                return

    def shutdown(self):
        if self.hdr is not None:
            self.my_ctrl(C_STATE, OFFLINE)
            self.ring()

    def run(self, stop):
        poll = self.args.poll_us / 1e6
        in_off = self.args.db_in * DB_STRIDE
        seen = None
        while not stop[0]:
            if self.db is not None:
                cur = self.db.rd(in_off)
                if cur == seen:
                    time.sleep(poll)
                    continue
                seen = cur      # snapshot before the work: no lost ring
            self.service()
            if self.db is None:
                time.sleep(poll)


def num(s):
    return int(s, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mem", default=os.environ.get("CMSHM_VM_MEM"),
                    help="guest RAM file (default $CMSHM_VM_MEM)")
    ap.add_argument("--ram-base", type=num,
                    default=num(os.environ.get("CMSHM_VM_RAM_BASE", "0")),
                    help="guest physical address of file offset 0")
    ap.add_argument("--region", type=num, required=True,
                    help="guest physical address of the region")
    ap.add_argument("--size", type=num, default=0x100000,
                    help="region size in bytes (default 0x100000)")
    ap.add_argument("--doorbell", type=num,
                    help="test mailbox doorbell page (else poll)")
    ap.add_argument("--db-in", type=int, default=0,
                    help="channel Linux rings us on")
    ap.add_argument("--db-out", type=int, default=1,
                    help="channel we ring Linux on")
    ap.add_argument("--poll-us", type=int, default=100,
                    help="poll interval in microseconds (default 100)")
    args = ap.parse_args()
    if not args.mem:
        ap.error("--mem or $CMSHM_VM_MEM is required")
    if sys.byteorder != "little":
        ap.error("this program needs a little-endian host")

    r = Remote(args)
    stop = [False]

    def on_signal(signum, frame):
        stop[0] = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log("%s: started (%s)" % (r.tag, "doorbell in %d out %d" %
                              (args.db_in, args.db_out)
                              if r.db is not None else "polling"))
    r.run(stop)
    r.shutdown()
    print("%s: echoed %d messages (%d bytes), %d protocol errors, "
          "%d host restarts, %d link ups" %
          (r.tag, r.echoed, r.echoed_bytes, r.errors, r.resets, r.link_ups),
          flush=True)
    sys.exit(1 if r.errors else 0)


if __name__ == "__main__":
    main()
