#!/usr/bin/env python3
"""A crafted lspci -xxx dump with Enhanced Allocation capabilities (PCI Express Base 4.0,
7.8.5), written to argv[1]: an endpoint with three entries (32-bit memory, 64-bit
prefetchable memory above 4 GiB, a disabled writable I/O entry), a bridge with fixed bus
numbers and one entry, and an endpoint whose entry claims to run past the header space.
Only the layout is ours; what the bytes mean is lspci's to say (the test's oracle)."""
import sys

def dev(name, cls, hdr, ea, extra=()):
    c = [0] * 256
    def w32(o, v):
        for i in range(4):
            c[o + i] = (v >> (8 * i)) & 0xff
    w32(0, 0x11e81234)
    w32(4, 0x00100000)		# status: capability list
    w32(8, cls << 8 | 1)
    c[0x0e] = hdr
    c[0x34] = ea[0][0]
    for o, v in ea:
        w32(o, v)
    for o, v in extra:
        w32(o, v)
    return name + " Device\n" + "".join("%02x: %s\n" % (r, " ".join("%02x" % b for b in c[r:r + 16]))
                                        for r in range(0, 256, 16)) + "\n"

def hdr(size, bei, prim, sec, enable, writable):
    return size | bei << 4 | prim << 8 | sec << 16 | writable << 30 | enable << 31

out = dev("00:05.0", 0xff0000, 0, [
    (0x40, 0x14 | 3 << 16),
    (0x44, hdr(2, 0, 0x00, 0x00, 1, 0)), (0x48, 0xfe000000), (0x4c, 0x00003ffc),
    (0x50, hdr(4, 2, 0x01, 0x01, 1, 0)), (0x54, 0x00000002), (0x58, 0x000ffffe), (0x5c, 4), (0x60, 0),
    (0x64, hdr(2, 4, 0x02, 0x02, 0, 1)), (0x68, 0x0000e000), (0x6c, 0x000000fc),
])
out += dev("00:06.0", 0x060400, 1, [
    (0x40, 0x14 | 1 << 16), (0x44, 0x0302),
    (0x48, hdr(2, 6, 0x00, 0x00, 1, 0)), (0x4c, 0xfd000000), (0x50, 0x000ffffc),
], extra=[(0x18, 0x00030200)])
# The capability at 0xf0: its second entry (three dwords after the header) would end past 0x100.
out += dev("00:07.0", 0xff0000, 0, [
    (0xf0, 0x14 | 2 << 16),
    (0xf4, hdr(1, 1, 0x00, 0x00, 1, 0)), (0xf8, 0xfe100000),
    (0xfc, hdr(3, 3, 0x00, 0x00, 1, 0)),
])
open(sys.argv[1], "w").write(out)
