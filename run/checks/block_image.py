#!/usr/bin/env python3
"""Host check of scenario nvme: read the raw disk images after the run and check every block
against an independent implementation of what the guest's clients wrote.

  block_image.py [--trimmed START COUNT] --tester IMG SEED RANDOM RANDOM_BLOCKS [--hostile IMG SEED]
  block_image.py --killed IMG SEED MAX_TORN
  block_image.py --text IMG BLOCK BYTES TEXT

--tester: block_tester's namespace, whole image: block b holds the pattern of seed+1 where one
of its RANDOM random writes (1..RANDOM_BLOCKS blocks each, the splitmix64 sequence from seed+2)
covered it, else the pattern of seed (docs/block.md; apps/block_tester/pattern.h).
--trimmed (before --tester): block_tester trimmed blocks START..START+COUNT-1 at the end; on
a drive with discard=unmap QEMU punches them out of the image: they must be all zero.
--hostile: block_hostile's namespace: blocks 0..255 hold byte (b * 7 + j + SEED) & 0xff at j,
every other byte is 0 (its read-only session's writes, 0xee, must not be anywhere).
--killed (scenario nvme_kill): every block holds the pattern of SEED or SEED+1, except one run
of at most MAX_TORN blocks (the writes in flight when the driver was killed); no zero block.
--text (scenario nvme_host): BYTES bytes from block BLOCK hold TEXT and a newline over and over
(what `yes TEXT` wrote through Linux's driver); the rest of the image is zero.
Block size 512 (QEMU's nvme default). Exit 0 and one line per image, or 1 with the first
wrong block."""
import struct, sys

M = (1 << 64) - 1
GOLDEN = 0x9e3779b97f4a7c15
STEP = 0xd1b54a32d192ed03
BS = 512


def mix(z):
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return z ^ (z >> 31)


def pattern(b, seed):
    k = mix(seed ^ ((b * GOLDEN) & M))
    return struct.pack(f"<{BS // 8}Q", b, seed, *(((k + i * STEP) & M) for i in range(2, BS // 8)))


def random_blocks(count, seed, n, most):
    """The blocks block_tester's random writes covered (start 0)."""
    hit = bytearray(count)
    state = seed
    for _ in range(n):
        state = (state + GOLDEN) & M
        nb = 1 + mix(state) % most
        nb = min(nb, count)
        state = (state + GOLDEN) & M
        b = mix(state) % (count - nb + 1)
        hit[b:b + nb] = b"\1" * nb
    return hit


TRIMMED = range(0)


def check_tester(path, seed, n, most):
    data = open(path, "rb").read()
    count = len(data) // BS
    hit = random_blocks(count, seed + 2, n, most)
    for b in range(count):
        if b in TRIMMED:
            if data[b * BS:(b + 1) * BS].count(0) != BS:
                sys.exit(f"{path}: block {b} was trimmed but is not zero")
            continue
        s = seed + 1 if hit[b] else seed
        if data[b * BS:(b + 1) * BS] != pattern(b, s):
            got = struct.unpack_from("<2Q", data, b * BS)
            sys.exit(f"{path}: block {b} is not the pattern of seed {s} (its first words: block {got[0]}, "
                     f"seed {got[1]})")
    trimmed = f"; blocks {TRIMMED.start}..{TRIMMED.stop - 1}, trimmed, zero" if TRIMMED else ""
    print(f"block_image: {path}: all {count - len(TRIMMED)} other blocks hold block_tester's pattern ({sum(hit)} "
          f"of them written by its {n} random writes){trimmed}" if TRIMMED else
          f"block_image: {path}: all {count} blocks hold block_tester's pattern ({sum(hit)} of them from its "
          f"{n} random writes)")


def check_hostile(path, seed):
    data = open(path, "rb").read()
    for b in range(256):
        want = bytes((b * 7 + j + seed) & 0xff for j in range(BS))
        if data[b * BS:(b + 1) * BS] != want:
            sys.exit(f"{path}: block {b} is not block_hostile's pattern (0xee: a refused write landed)")
    rest = data[256 * BS:]
    if rest.count(0) != len(rest):
        at = next(i for i, c in enumerate(rest) if c)
        sys.exit(f"{path}: byte {256 * BS + at} after the victim blocks is 0x{rest[at]:02x}, not 0")
    print(f"block_image: {path}: blocks 0..255 hold block_hostile's pattern, the other "
          f"{len(data) // BS - 256} blocks are zero")


def check_killed(path, seed, max_torn):
    data = open(path, "rb").read()
    count = len(data) // BS
    n = [0, 0]
    other = []
    for b in range(count):
        blk = data[b * BS:(b + 1) * BS]
        if blk == pattern(b, seed):
            n[0] += 1
        elif blk == pattern(b, seed + 1):
            n[1] += 1
        else:
            other.append(b)
    if other and (len(other) > max_torn or other[-1] - other[0] + 1 != len(other)):
        sys.exit(f"{path}: {len(other)} blocks of neither seed {seed} nor {seed + 1}, from {other[0]} to "
                 f"{other[-1]}: not one run of at most {max_torn} (the writes in flight)")
    # Sequential passes: the newer seed's blocks are a prefix, the older's the rest; the torn run,
    # if any, is where the one changes into the other (the writes in flight).
    def turns(blocks):
        kinds = [data[b * BS + 8:b * BS + 16] for b in blocks]
        return sum(1 for a, b in zip(kinds, kinds[1:]) if a != b)
    if other:
        t = turns(range(other[0])) + turns(range(other[-1] + 1, count))
        what = "apart from where the torn run is"
    else:
        t = max(0, turns(range(count)) - 1)
        what = "more than once"
    if t:
        sys.exit(f"{path}: the seeds change {what} along the disk: not one pass interrupted")
    run = f", blocks {other[0]}..{other[-1]} torn" if other else ""
    print(f"block_image: {path}: {n[0]} blocks of seed {seed}, {n[1]} of seed {seed + 1}, {len(other)} other{run}")


def check_text(path, block, n, text):
    data = open(path, "rb").read()
    line = (text + "\n").encode()
    want = (line * (n // len(line) + 1))[:n]
    at = block * BS
    if data[at:at + n] != want:
        sys.exit(f"{path}: the {n} bytes at block {block} are not \"{text}\" repeated")
    if data[:at].count(0) != at or data[at + n:].count(0) != len(data) - at - n:
        sys.exit(f"{path}: bytes outside blocks {block}.. are not all zero")
    print(f"block_image: {path}: {n} bytes at block {block} hold \"{text}\" repeated, the rest is zero")


def main(argv):
    i = 1
    done = False
    while i < len(argv):
        if argv[i] == "--tester" and i + 4 < len(argv):
            check_tester(argv[i + 1], int(argv[i + 2], 0), int(argv[i + 3]), int(argv[i + 4]))
            i += 5
        elif argv[i] == "--trimmed" and i + 2 < len(argv):
            global TRIMMED
            TRIMMED = range(int(argv[i + 1]), int(argv[i + 1]) + int(argv[i + 2]))
            i += 3
            continue
        elif argv[i] == "--killed" and i + 3 < len(argv):
            check_killed(argv[i + 1], int(argv[i + 2], 0), int(argv[i + 3]))
            i += 4
        elif argv[i] == "--text" and i + 4 < len(argv):
            check_text(argv[i + 1], int(argv[i + 2]), int(argv[i + 3]), argv[i + 4])
            i += 5
        elif argv[i] == "--hostile" and i + 2 < len(argv):
            check_hostile(argv[i + 1], int(argv[i + 2], 0))
            i += 3
        else:
            sys.exit(__doc__)
        done = True
    if not done:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
