#!/usr/bin/env python3
"""Host check of the scenarios with memory above 4 GiB (issue 24): every DMA buffer a
driver reports lies, whole, below the DMA mask core gave its device, and core found its
pages below 4 GiB the cheap way (docs/dma.md, "Narrow DMA masks on machines with memory
above 4 GiB").

From the log ($MKX_LOG, authors as serial_log.py tells them):
  core:        'DMA "platform": BDF, ... DMA mask 0xM'      the mask of each DMA session
  edu_dma:     'edu DMA BDF: ... buffers I at 0xA and J at 0xB (N bytes each)'
  nic_e1000e:  'nic_e1000e BDF: ... rings at bus 0xA'       its one buffer of 2 MiB
  core:        'DMA: hugetlb memory, ... kept by core ... (0xLO-0xHI; the pool grown ... in G ms
               ...); meanwhile M MiB above 4 GiB offline (X ms), back online in Y ms'
Arguments: the BDFs that must have reported buffers; --grow-max-ms N (default 10000): the
pool's growth must take less (before the blocks went offline it took 21816 ms with -m 6G)."""
import re, sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serial_log import Log

MASK = re.compile(r'^DMA "platform": ([0-9a-f:.]+), .*DMA mask (0x[0-9a-f]+)')
EDU = re.compile(r'^edu DMA ([0-9a-f:.]+): .*; buffers [0-9]+ at (0x[0-9a-f]+) and [0-9]+ at (0x[0-9a-f]+) '
                 r'\(([0-9]+) bytes each\)')
NIC = re.compile(r'^nic_e1000e ([0-9a-f:.]+): .*rings at bus (0x[0-9a-f]+)')
POOL = re.compile(r'^DMA: hugetlb memory, .*kept by core for narrow DMA masks \((0x[0-9a-f]+)-(0x[0-9a-f]+); '
                  r'the pool grown past the memory above 4 GiB in ([0-9]+) ms, shrunk back in ([0-9]+) ms\); '
                  r'meanwhile ([0-9]+) MiB above 4 GiB offline \(([0-9]+) ms\), back online in ([0-9]+) ms$')


def buffers(log):
    out = []
    for l in log.of("edu_dma"):
        m = EDU.match(l)
        if m:
            out += [(m[1], int(m[2], 16), int(m[4])), (m[1], int(m[3], 16), int(m[4]))]
    for l in log.of("nic_e1000e"):
        m = NIC.match(l)
        if m:
            out.append((m[1], int(m[2], 16), 2 << 20))
    return out


def main():
    args, grow_max = sys.argv[1:], 10000
    if "--grow-max-ms" in args:
        i = args.index("--grow-max-ms")
        grow_max = int(args[i + 1])
        del args[i:i + 2]
    log = Log()
    masks = {}
    for l in log.core():
        m = MASK.match(l)
        if m:
            masks.setdefault(m[1], []).append(int(m[2], 16))
    pool = [POOL.match(l) for l in log.core() if POOL.match(l)]
    if not pool:
        sys.exit("no line of core's saying it kept pages below 4 GiB with the blocks above offline")
    lo, hi, grow, shrink, mib, off_ms, on_ms = (int(x, 0) for x in pool[0].groups())
    if hi > 0xffffffff or grow >= grow_max or mib == 0:
        sys.exit(f"pool: kept 0x{lo:x}-0x{hi:x}, grown in {grow} ms (limit {grow_max}), {mib} MiB offline")
    print(f"check: core kept 0x{lo:x}-0x{hi:x} (below 4 GiB); {mib} MiB above 4 GiB offline in {off_ms} ms, "
          f"pool grown in {grow} ms, shrunk in {shrink} ms, back online in {on_ms} ms")
    seen = set()
    for bdf, addr, size in buffers(log):
        if bdf not in masks:
            sys.exit(f"{bdf}: a buffer at 0x{addr:x} but no DMA mask from core")
        mask = min(masks[bdf])
        if addr + size - 1 > mask:
            sys.exit(f"{bdf}: buffer 0x{addr:x}+{size} beyond its DMA mask 0x{mask:x}")
        print(f"check: {bdf}: buffer 0x{addr:x}-0x{addr + size - 1:x} below its DMA mask 0x{mask:x}")
        seen.add(bdf)
    missing = [b for b in args if b not in seen]
    if missing:
        sys.exit(f"no buffer reported for {', '.join(missing)}")


main()
