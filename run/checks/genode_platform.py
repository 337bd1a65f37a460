#!/usr/bin/env python3
"""Genode's platform driver on mkx, held against Linux's view of the same boot and QEMU's edu.

The platform driver (Genode's, unmodified) published its devices report when the Genode
client genode_platform_test acquired edu through it; rom_dumper logged that report
("platform_devices| ..."). Linux's view of the same boot (pci_linux_view as PID 1 before core:
config space of every function, sysfs resources) is the arbiter nobody here wrote, and QEMU's
docs/specs/edu.rst the one for edu's registers. The check fails unless:

 - every PCI function Linux sees is a device of the report, with Linux's vendor, device and
   class code (config bytes 0-3, 9-11), and every function of the report is one Linux sees;
 - every memory BAR of the report is Linux's (sysfs resource start and size) and every memory
   BAR Linux has on a function is in the report;
 - edu (00:03.0, 1234:11e8) is the one device reported used="true", the one the client has;
 - the client read edu's identification register as 0x010000ed (edu.rst: 0x010000ed, major 1,
   minor 0) and its liveness register back inverted (edu.rst: "value is inverted");
 - the attack client's report ("forged"): its own session object answered (legit 0) and not
   one of its forged calls (keys 1-1024 over its session but the two it was handed, 3
   opcodes each) reached an object;
 - ECAM as issue 24 shares it, by core's log: every IO_MEM grant of pci_decode is a read-only
   copy of ECAM (at least one), every ECAM grant of the platform driver one function's 4 KiB
   page (edu's, 0xb0018000, among them), nobody holds the live window; and pci_decode's
   base platform logged its copies' stores: BAR probes answered by core and other stores
   kept in its own pages (at least one of each: its writes happened and went nowhere);
 - the attack probe ecam_copy_probe (a read policy like pci_decode's) read edu's IDs from its
   copy of bus 0 and saw every attempt refused: a shared writable mapping, mprotect to
   writable, write() and ftruncate() of the copy, the live window, edu's page live.

  genode_platform.py [LOG]     (default $MKX_LOG)
"""
import os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_log
from genode_pci_decode import document, linux_sections, linux_bars


def linux_config(lines):
    """{function: bytes of config space 0x00-0x3f} from pci_linux_view's hex dump."""
    out, cur = {}, None
    for l in lines:
        m = re.match(r"^0000:(\S+)$", l)
        if m:
            cur = m.group(1)
            out[cur] = []
            continue
        m = re.match(r"^([0-9a-f]{2}): ((?:[0-9a-f]{2} ?){16})$", l)
        if m and cur is not None and int(m.group(1), 16) == len(out[cur]):
            out[cur] += [int(b, 16) for b in m.group(2).split()]
    return out


def ecam_shared(log):
    """What is wrong with how ECAM was granted (issue 24), from core's and pci_decode's lines."""
    bad = []
    grants = log.match(r'IO_MEM "([^"]+)": (0x[0-9a-f]+)-(0x[0-9a-f]+) granted \((.*)\)$')
    dec = [m for m in grants if m.group(1) == "pci_decode"]
    if not dec or any(m.group(4) != "read-only snapshot of ECAM" for m in dec):
        bad.append("pci_decode's IO_MEM grants are not all read-only ECAM copies: " +
                   repr([m.group(0) for m in dec]))
    win = [m.group(0) for m in grants if "ECAM window" in m.group(4)]
    if win:
        bad.append(f"a live ECAM window was granted: {win}")
    pages = [m for m in grants if m.group(1) == "genode_platform" and "ECAM" in m.group(4)]
    if not pages or any(int(m.group(3), 16) - int(m.group(2), 16) != 0xfff or
                        not m.group(4).startswith("one function's ECAM page") for m in pages):
        bad.append("the platform driver's ECAM grants are not all single pages: " +
                   repr([m.group(0) for m in pages]))
    if not any(m.group(2) == "0xb0018000" for m in pages):
        bad.append("no grant of edu's config page (0xb0018000) to the platform driver")
    st = log.match(r"ECAM copy (0x[0-9a-f]+): (\d+) BAR probes answered by core, (\d+) other stores", "pci_decode")
    if not st or not sum(int(m.group(2)) for m in st) or not sum(int(m.group(3)) for m in st):
        bad.append("pci_decode's copies saw no BAR probe or no other store: " + repr([m.group(0) for m in st]))
    probe = log.of("ecam_copy_probe")
    verdicts = [l for l in probe if re.search(r": (refused|HOLE) \(", l)]
    if "ecam copy probe: 0 holes" not in probe or len(verdicts) != 6 or \
       any(": refused (" not in l for l in verdicts) or \
       not any("00:03.0 reads 1234:11e8" in l for l in probe):
        bad.append("the ECAM copy probe: " + repr(verdicts or probe[-3:]))
    return bad, len(dec), len(pages)


def check(log, out):
    print = out.append
    rep = document(log, "platform_devices")
    if rep is None:
        print("genode_platform: FAIL: the platform driver's devices report is not in the log")
        return 1
    linux = linux_sections(log)
    if not linux.get("linux config") or not linux.get("linux resource"):
        print("genode_platform: FAIL: Linux's view (pci_linux_view) not in the log")
        return 1
    cfg, bars = linux_config(linux["linux config"]), linux_bars(linux["linux resource"])
    bad = []
    pci = {d.get("name"): d for d in rep.iter("device") if d.get("type") == "pci"}
    for fn in sorted(set(cfg) | set(pci)):
        if fn not in pci:
            bad.append(f"{fn}: Linux has it, the platform driver's report has not")
            continue
        if fn not in cfg:
            bad.append(f"{fn}: in the report, Linux has no such function")
            continue
        c, d = cfg[fn], pci[fn].find("pci-config")
        want = {"vendor_id": c[0] | c[1] << 8, "device_id": c[2] | c[3] << 8,
                "class": c[9] | c[10] << 8 | c[11] << 16}
        for attr, v in want.items():
            if d is None or int(d.get(attr, "-1"), 0) != v:
                bad.append(f"{fn} {attr}: report {None if d is None else d.get(attr)}, Linux {hex(v)}")
        mem = {c_.get("pci_bar"): (int(c_.get("phys_addr"), 16), int(c_.get("size"), 0))
               for c_ in pci[fn] if c_.tag == "io_mem"}
        for bar, got in mem.items():
            if bars.get((fn, bar)) != got:
                bad.append(f"{fn} BAR{bar}: report {hex(got[0])}+{hex(got[1])}, Linux {bars.get((fn, bar))}")
        for (lfn, bar), (start, size) in bars.items():
            if lfn == fn and bar not in mem and start >= 0x100000 and bar != "6" and \
               not any(c_.tag == "io_port_range" and c_.get("pci_bar") == bar for c_ in pci[fn]):
                bad.append(f"{fn} BAR{bar}: Linux {hex(start)}+{hex(size)}, not in the report")
    used = sorted(n for n, d in pci.items() if d.get("used") == "true")
    if used != ["00:03.0"]:
        bad.append(f"used devices {used}, expected ['00:03.0'] (edu, acquired by genode_platform_test)")
    if pci.get("00:03.0") is not None and cfg.get("00:03.0", [0] * 4)[:4] != [0x34, 0x12, 0xe8, 0x11]:
        bad.append("00:03.0 is not edu (1234:11e8) in Linux's view")
    client = log.of("genode_platform_test")
    if "edu: identification register 0x10000ed" not in client:
        bad.append("the client did not read edu's identification register as 0x010000ed: " +
                   repr([l for l in client if "identification" in l]))
    if not any(re.match(r"^edu: liveness wrote 0x12345678 read 0xedcba987 ", l) for l in client):
        bad.append("the client did not read edu's liveness register back inverted")
    forged = document(log, "forged")
    if forged is None:
        bad.append("the attack client's report (forged) is not in the log")
    else:
        tried, answered = int(forged.get("tried", "0")), int(forged.get("answered", "-1"))
        if forged.get("legit") != "0" or tried < 3000 or answered != 0:
            bad.append(f"forged capabilities: legit {forged.get('legit')}, {answered} of {tried} "
                       "forged calls reached an object (expected legit 0, 0 of at least 3000)")
    ebad, ncopies, npages = ecam_shared(log)
    bad += ebad
    for b in bad:
        print("WRONG: " + b)
    nb = sum(1 for d in pci.values() for c_ in d if c_.tag == "io_mem")
    print(f"genode_platform: {len(pci)} PCI functions in the platform driver's report, {len(cfg)} "
          f"in Linux's view, {nb} memory BARs checked; ECAM: {ncopies} read-only copies to pci_decode, "
          f"{npages} single-page grants to the platform driver; {len(bad)} wrong")
    print("genode_platform: " + ("FAIL" if bad else "PASS"))
    return 1 if bad else 0


def main():
    log = serial_log.Log(sys.argv[1] if len(sys.argv) > 1 else None)
    out = []
    rc = check(log, out)
    for line in out:
        print(line)
    return rc


if __name__ == "__main__":
    sys.exit(main())
