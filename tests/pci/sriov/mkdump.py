#!/usr/bin/env python3
"""A crafted lspci -xxxx dump (argv[1]/config.txt) of a PCI Express endpoint at 00:03.0 with an
SR-IOV capability (SR-IOV 1.1, 3.3): VF Enable as argv[2] says (1/0), 2 of 4 VFs, first VF
offset 0x80, stride 2, VF device ID 10ca, VF BAR0 64-bit prefetchable at 0xf0000000, VF BAR2
32-bit at 0xfe800000; with argv[3] == "sizes" also resource.txt with Linux's resource 7 and 9
(one VF's BAR times TotalVFs: 4 x 0x4000 and 4 x 0x1000). lspci -vvv is the oracle."""
import os
import sys

d, enable, sizes = sys.argv[1], int(sys.argv[2]), len(sys.argv) > 3 and sys.argv[3] == "sizes"
c = [0] * 4096
def w32(o, v):
    for i in range(4):
        c[o + i] = (v >> (8 * i)) & 0xff
w32(0, 0x15338086)
w32(4, 0x00100000)
w32(8, 0x02000001)
c[0x34] = 0x40
w32(0x40, 0x00020010)		# PCI Express v2, endpoint
w32(0x100, 0x00010010)		# SR-IOV v1, last extended capability
w32(0x108, 0x9 if enable else 0)	# VF Enable, VF MSE
w32(0x10c, 4 | 4 << 16)		# initial, total VFs
w32(0x110, 2)			# NumVFs
w32(0x114, 0x80 | 2 << 16)	# first VF offset, stride
w32(0x118, 0x10ca << 16)
w32(0x11c, 0x553)
w32(0x120, 1)
w32(0x124, 0xf000000c)		# VF BAR0: 64-bit prefetchable
w32(0x128, 0)
w32(0x12c, 0xfe800000)		# VF BAR2: 32-bit
os.makedirs(d, exist_ok=True)
with open(f"{d}/config.txt", "w") as f:
    f.write("00:03.0 Ethernet controller\n")
    for r in range(0, 4096, 16):
        f.write("%03x: %s\n" % (r, " ".join("%02x" % b for b in c[r:r + 16])))
    f.write("\n")
if sizes:
    with open(f"{d}/resource.txt", "w") as f:
        f.write("0000:00:03.0 7 0x00000000f0000000 0x00000000f000ffff 0x000000000014220c\n")
        f.write("0000:00:03.0 9 0x00000000fe800000 0x00000000fe803fff 0x0000000000040200\n")
