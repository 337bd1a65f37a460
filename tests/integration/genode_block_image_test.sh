#!/bin/sh
# run/checks/genode_block_image.py, the host check of scenarios genode_nvme and genode_nvme_iommu,
# on images made here: a pre-filled image with block_tester's run simulated (blocks 3968..3975
# copied into every 8 blocks from 8192 to 12287) passes; the same image doctored fails: one bit
# flipped inside the written range, one outside it, one 4 KiB chunk written one block off, the
# write missing, and an image never pre-filled (all zero). CHECK=path tests another check.
set -u
C=${CHECK:-run/checks/genode_block_image.py}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 6"
truncate -s 8M "$T/good.img"
"$C" --fill "$T/good.img" >/dev/null
cp "$T/good.img" "$T/unwritten.img"
# simulate IMG: block_tester's read of blocks ..3975 then its 4 KiB writes from 8192, OFF blocks off
simulate() {
	python3 - "$1" "$2" <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
d = bytearray(open(p, "rb").read())
c = bytes(d[3968 * 512:3976 * 512])
for b in range(8192, 12288, 8):
    at = b + (off if b == 10000 else 0)
    d[at * 512:(at + 8) * 512] = c
open(p, "wb").write(d)
PY
}
flip() {
	python3 -c "
f = open('$1', 'r+b'); f.seek($2); b = f.read(1); f.seek($2); f.write(bytes([b[0] ^ 1]))"
}
simulate "$T/good.img" 0
cp "$T/good.img" "$T/flip_in.img"; flip "$T/flip_in.img" $((9000 * 512 + 100))
cp "$T/good.img" "$T/flip_out.img"; flip "$T/flip_out.img" $((100 * 512 + 300))
cp "$T/unwritten.img" "$T/shifted.img"; simulate "$T/shifted.img" 1
truncate -s 8M "$T/zero.img"
# expect NAME WANT(0|1) IMG
expect() {
	out=$("$C" --check "$3" 3968 8192 4096 8 2>&1); rc=$?
	[ $rc -ne 0 ] && rc=1
	if [ $rc = "$2" ]; then echo "ok - genode_block_image_$1"
	else echo "FAIL - genode_block_image_$1: exit $rc, wanted $2: $out"; fi
}
expect written_as_asked 0 "$T/good.img"
expect flip_inside_range 1 "$T/flip_in.img"
expect flip_outside_range 1 "$T/flip_out.img"
expect chunk_one_block_off 1 "$T/shifted.img"
expect write_missing 1 "$T/unwritten.img"
expect never_prefilled 1 "$T/zero.img"
