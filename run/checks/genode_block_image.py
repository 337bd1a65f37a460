#!/usr/bin/env python3
"""Host side of scenarios genode_nvme and genode_nvme_iommu: pre-fill the namespace image before
QEMU starts, and check it after the run.

  genode_block_image.py --fill IMG
  genode_block_image.py --check IMG READ_AT WRITE_AT WRITE_BLOCKS CHUNK_BLOCKS

--fill: every 512-byte block b of IMG gets its own pattern (its number and a tag in the first 16
bytes, bytes derived from b after them), so a block found anywhere says where it came from.
--check: Genode's block_tester (unmodified) has no verification of its own: with copy="yes"
(its default) a read copies each request's data into the start of its scratch buffer and a
write copies the start of the scratch buffer into each request. Its config reads before it
writes (batch 1: requests complete in order), so the scratch buffer's first CHUNK_BLOCKS blocks
hold blocks READ_AT.. of the pre-fill (its last read request), and its sequential write puts
them into every CHUNK_BLOCKS-block request from WRITE_AT on. Blocks WRITE_AT + i (i below
WRITE_BLOCKS) must hold the pre-fill of block READ_AT + i % CHUNK_BLOCKS (the read brought the
disk's data, the writes landed where asked); every other block its own pre-fill (no write
landed elsewhere). Exit 0 and one line, or 1 with the first wrong block."""
import struct, sys

BS = 512
TAG = 0x6f6e65672d786b6d     # "mkx-geno"


def prefill(b):
    head = struct.pack("<QQ", b, TAG)
    return head + bytes(((b * 131) ^ (j * 7) ^ (b >> 8)) & 0xff for j in range(16, BS))


def fill(path):
    with open(path, "r+b") as f:
        f.seek(0, 2)
        count = f.tell() // BS
        f.seek(0)
        f.write(b"".join(prefill(b) for b in range(count)))
    print(f"genode_block_image: {path}: {count} blocks pre-filled")


def whose(blk, count):
    b, tag = struct.unpack_from("<QQ", blk)
    return f"the pre-fill of block {b}" if tag == TAG and b < count and blk == prefill(b) else "no block's pre-fill"


def check(path, read_at, write_at, n, chunk):
    data = open(path, "rb").read()
    count = len(data) // BS
    if write_at + n > count or read_at + chunk > count:
        sys.exit(f"{path}: {count} blocks: the ranges asked for lie beyond the image")
    for b in range(count):
        src = read_at + (b - write_at) % chunk if write_at <= b < write_at + n else b
        blk = data[b * BS:(b + 1) * BS]
        if blk != prefill(src):
            sys.exit(f"{path}: block {b} is not the pre-fill of block {src} (it holds {whose(blk, count)})")
    print(f"genode_block_image: {path}: blocks {write_at}..{write_at + n - 1} hold blocks "
          f"{read_at}..{read_at + chunk - 1} over and over (block_tester's read, then its writes), "
          f"the other {count - n} blocks their own pre-fill")


def main(argv):
    if len(argv) == 3 and argv[1] == "--fill":
        fill(argv[2])
    elif len(argv) == 7 and argv[1] == "--check":
        check(argv[2], *(int(a, 0) for a in argv[3:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
