#!/bin/sh
# SR-IOV VFs listed from the PF's capability when VF Enable is set (issue 23): each VF's
# routing ID (PF + First VF Offset + i * VF Stride) and its BARs (VF BAR n + i * one VF's
# size, the size from the record's resource line 7 + n divided by TotalVFs), compared with
# lspci -vvv -F on the same crafted dump (tests/pci/sriov/mkdump.py): lspci gives offset,
# stride, NumVFs, TotalVFs and each VF BAR's base ("Region N: Memory at"), the record's
# resource lines the sizes. Without sizes only VF 0's addresses; VF Enable off: no VFs.
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 3"
if ! command -v lspci >/dev/null; then
	for n in sriov_vfs_as_lspci sriov_vfs_without_sizes sriov_vfs_disabled; do
		echo "FAIL - $n: lspci not installed (pciutils, tools/deps.sh)"
	done
	exit 1
fi
notes() { awk '$0 == "--- notes ---" { on = 1; next } /^--- end ---$/ { on = 0 } on' "$1"; }
python3 tests/pci/sriov/mkdump.py "$T/s" 1 sizes
python3 tests/pci/sriov/mkdump.py "$T/n" 1
python3 tests/pci/sriov/mkdump.py "$T/d" 0 sizes
for d in s n d; do
	timeout 20 "$B/bin/pci" --dump "$T/$d" > "$T/$d.views" 2> "$T/$d.err" || echo "    pci --dump $d failed: $(cat "$T/$d.err")"
	notes "$T/$d.views" > "$T/$d.notes"
done
# The expected VF lines from lspci's view of the PF and the record's resource lines.
lspci -vvv -F "$T/s/config.txt" 2> /dev/null > "$T/lspci"
python3 - "$T/lspci" "$T/s/resource.txt" > "$T/want" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
pf = re.search(r"^([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) ", t, re.M)
rid = int(pf.group(1), 16) << 8 | int(pf.group(2), 16) << 3 | int(pf.group(3))
total, num = map(int, re.search(r"Total VFs: (\d+), Number of VFs: (\d+)", t).groups())
off, stride = map(int, re.search(r"VF offset: (\d+), stride: (\d+)", t).groups())
regions = [(int(b), int(a, 16), kind) for b, a, kind in re.findall(r"Region (\d): Memory at ([0-9a-f]+) \(([^)]*)\)", t)]
size = {}
for l in open(sys.argv[2]):
    n, i, s, e, fl = l.split()
    if 7 <= int(i) <= 12:
        size[int(i) - 7] = (int(e, 16) - int(s, 16) + 1) // total
for i in range(num):
    r = rid + off + i * stride
    line = "%02x:%02x.%u: VF %u %02x:%02x.%u:" % (rid >> 8, rid >> 3 & 31, rid & 7, i, r >> 8, r >> 3 & 31, r & 7)
    for b, a, kind in regions:
        k = ("mem64" if "64-bit" in kind else "mem32") + ("-prefetch" if kind.endswith(" prefetchable") else "")
        line += " BAR%u %s 0x%x+0x%x" % (b, k, a + i * size[b], size[b])
    print(line)
PY
if [ -s "$T/want" ] && [ "$(wc -l < "$T/want")" = 2 ] && grep -qxF -f "$T/want" "$T/s.notes" &&
    [ "$(grep -cxF -f "$T/want" "$T/s.notes")" = 2 ]; then
	echo "ok - sriov_vfs_as_lspci (2 VFs: routing IDs and BARs from lspci's offset, stride and regions, sizes from resource 7/9)"
else
	echo "FAIL - sriov_vfs_as_lspci: want"
	sed 's/^/    /' "$T/want"; grep "VF" "$T/s.notes" | sed 's/^/    got: /'
fi
if grep -qxF "00:03.0: VF 0 00:13.0: BAR0 mem64-prefetch 0xf0000000+? BAR2 mem32 0xfe800000+?" "$T/n.notes" &&
    grep -qxF "00:03.0: VF 1 00:13.2: BAR0 ? BAR2 ?" "$T/n.notes"; then
	echo "ok - sriov_vfs_without_sizes (VF 0's bases only, no size made up)"
else
	echo "FAIL - sriov_vfs_without_sizes"; grep "VF" "$T/n.notes" | sed 's/^/    got: /'
fi
if grep -q ": SR-IOV at 0x100: .*enabled VFs 2" "$T/d.notes" && ! grep -q ": VF [0-9]\|VFs enabled" "$T/d.notes"; then
	echo "ok - sriov_vfs_disabled (VF Enable clear: the capability's note, no VFs listed)"
else
	echo "FAIL - sriov_vfs_disabled"; grep "VF" "$T/d.notes" | sed 's/^/    got: /'
fi
