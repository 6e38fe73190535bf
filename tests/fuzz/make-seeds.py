#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Write the seed corpus of tests/fuzz/fuzz_ring.c into tests/fuzz/corpus/.

Usage: tests/fuzz/make-seeds.py [OUTDIR]

The input format is described at the top of fuzz_ring.c. Every seed is a
few hundred bytes at most; rerunning the script rewrites the same files.
"""
import os
import struct
import sys

PAD = 0xFFFFFFFF


def u32(*v):
    return b"".join(struct.pack("<I", x & 0xFFFFFFFF) for x in v)


def record(length, seq=0):
    """One ring record: len, flags, payload, padding to 8 bytes."""
    payload = bytes((seq * 29 + i + length) & 0xFF for i in range(length))
    rec = u32(length, 0) + payload
    return rec + b"\0" * (-len(rec) % 8)


def ring_image(size, start, records):
    """Ring data of @size bytes with @records placed from index @start,
    padding to the start of the area where a record does not fit.
    Returns (data, bytes used)."""
    data = bytearray(size)
    pos = start
    for r in records:
        off = pos % size
        if len(r) > size - off:
            data[off:off + 4] = u32(PAD)
            pos += size - off
            off = 0
        data[off:off + len(r)] = r
        pos += len(r)
    return bytes(data), pos - start


def snapshot(ring_sel, rx_start, records, tx_start=0, tx_back=0,
             tail_d=0, ctl=(0, 0, 0, 0), hdr_xor=b"", lens=0x40302010,
             head_extra=0):
    size = 256 << ring_sel
    data, used = ring_image(size, rx_start, records)
    hx = (hdr_xor + b"\0" * 80)[:80]
    return (bytes([ring_sel << 1]) +
            u32(rx_start, tx_start, tx_back, used + head_extra, tail_d) +
            u32(*ctl) + hx + u32(lens) + data)


def ops(ring_sel, seq):
    out = bytearray([(ring_sel << 1) | 1])
    for item in seq:
        out += bytes(item)
    return bytes(out)


def seeds():
    s = {}
    s["snap-empty-256"] = snapshot(0, 0, [])
    s["snap-records-256"] = snapshot(0, 0, [record(8, 0), record(20, 1),
                                            record(1, 2), record(120, 3)])
    s["snap-pad-256"] = snapshot(0, 0xFFFFFFF0 - 240 + 240 - 16,
                                 [record(30, 0), record(60, 1)],
                                 tx_start=0xFFFFFF00, tx_back=64)
    s["snap-wrap-1024"] = snapshot(2, 1000, [record(100, i)
                                             for i in range(6)],
                                   tx_start=1016, tx_back=512, tail_d=512)
    s["snap-bad-len-512"] = snapshot(1, 64, [u32(0, 0), record(8)])
    s["snap-ctrl-stale"] = snapshot(0, 0, [record(8)],
                                    ctl=(0, 0, 0x1234, 0))
    s["snap-hdr-corrupt"] = snapshot(0, 0, [record(8)],
                                     hdr_xor=b"\0" * 16 + u32(64))
    # operations: (op, arg[, extra bytes])
    traffic = [(4, 10), (4, 60), (1, 0), (1, 0), (2, 5), (2, 30), (5, 0),
               (5, 0), (3, 0), (6, 0), (9, 20)]
    s["ops-traffic-256"] = ops(0, traffic * 6)
    s["ops-traffic-1024"] = ops(2, traffic * 4 + [(4, 200)] * 5 +
                                [(1, 0)] * 5)
    s["ops-corrupt-head"] = ops(0, traffic + [(0, 0, 8, 0, 0, 0)] +
                                [(1, 0)] * 3 + traffic)
    s["ops-corrupt-delta"] = ops(1, traffic + [(4, 5), (0x82, 0, 0xFF)] +
                                 [(1, 0)] * 3 + [(0x82, 1, 0x10), (2, 3)])
    s["ops-corrupt-len"] = ops(0, [(4, 10), (0, 5, 0, 0, 0, 0), (1, 0),
                                   (0, 5, 0xFF, 0xFF, 0xFF, 0xFF), (1, 0)])
    s["ops-restart"] = ops(0, traffic + [(7, 1), (3, 0), (6, 0), (3, 0)] +
                           traffic + [(7, 0), (6, 0), (3, 0), (6, 0)] +
                           traffic + [(8, 1), (3, 0)])
    return s


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(seeds()), out))


if __name__ == "__main__":
    main()
