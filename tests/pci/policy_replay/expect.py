#!/usr/bin/env python3
"""The oracle of policy_replay_test.sh: what tests/pci/policy_replay/platform.config gives on
a record, computed from the files Linux's own tools wrote in the recorded boot (lspci -n,
lspci -vvv's prog-if and Capabilities lines, sysfs resource lines, Linux's irq), never from
pci --dump's views. Compares with the '--- policies ---' section of pci --dump (argv[2]).
Prints 'ok'/'FAIL' lines (names given by the caller's plan); exit 1 on a failure.

usage: expect.py RECORD_DIR VIEWS_FILE
"""
import re
import sys

rec, views = sys.argv[1], sys.argv[2]
fns = {}	# name -> (class4, ven:dev)
for l in open(f"{rec}/lspci-n.txt"):
    m = re.match(r"([0-9a-f:.]+) ([0-9a-f]{4}): ([0-9a-f]{4}:[0-9a-f]{4})", l)
    if m:
        fns[m.group(1)] = (m.group(2), m.group(3))
progif, msix, msi, cur = {}, set(), set(), None
for l in open(f"{rec}/lspci-vvv.txt"):
    m = re.match(r"([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) ", l)
    if m:
        cur = m.group(1)
        p = re.search(r"\(prog-if ([0-9a-f]{2})", l)
        progif[cur] = p.group(1) if p else "00"
    elif re.search(r"Capabilities: \[[0-9a-f]+\] MSI-X:", l):
        msix.add(cur)
    elif re.search(r"Capabilities: \[[0-9a-f]+\] MSI:", l):
        msi.add(cur)
res = {}	# name -> [(bar, start, size, flags)]
for l in open(f"{rec}/resource.txt"):
    n, i, s, e, fl = l.split()
    n = n[5:] if n.startswith("0000:") else n
    s, e, fl = int(s, 16), int(e, 16), int(fl, 16)
    if int(i) < 6 and s:
        res.setdefault(n, []).append((int(i), s, e - s + 1, fl))
irq = {}
for l in open(f"{rec}/irq.txt"):
    n, pin, _, v = l.split()
    irq[n] = (pin, v)

# The config's policies, by hand from platform.config (Genode's rules: ETHERNET = 0200,
# USB = 0c03 with prog-if 00/10/20/30).
pol = {
    'label="nic_drv" (line 4)': [n for n, (c, _) in fns.items() if c == "0200"],
    'label_prefix="nvme" (line 7)': [n for n in ("02:00.0", "05:00.0") if n in fns],
    'label_suffix="usb" (line 11)': [n for n, (c, ids) in fns.items()
                                     if (c == "0c03" and progif.get(n) in ("00", "10", "20", "30"))
                                     or ids == "1b36:0010"],
    'default-policy (line 15)': [],
}

text = open(views).read()
m = re.search(r"^--- policies ---\n(.*?)^--- end ---$", text, re.S | re.M)
sect = m.group(1) if m else ""
got, cur_pol = {}, None
for l in sect.splitlines():
    if l.startswith("policy "):
        cur_pol = re.sub(r": \d+ functions?$", "", l[7:])
        got[cur_pol] = []
    elif cur_pol and l.startswith("  "):
        got[cur_pol].append(l.strip())

fails = {"gets": [], "resources": [], "irq": [], "others": []}
for p, want in pol.items():
    lines = got.get(p)
    if lines is None:	# every check needs the policy's lines: none of them passes without
        for k in fails:
            fails[k].append(f"no section for policy {p}")
        continue
    have = sorted(l.split()[1] for l in lines if l.startswith("gets "))
    if have != sorted(want):
        fails["gets"].append(f"{p}: gets {have}, Linux's lspci says {sorted(want)}")
    for n in want:
        c, ids = fns[n]
        if f"gets {n} {ids} [{c}]" not in lines:
            fails["gets"].append(f"{p}: no 'gets {n} {ids} [{c}]'")
        # Resources in the session's order: memory BARs numbered among themselves, I/O the same.
        k = {"mem": 0, "io": 0}
        want_res = []
        for b, s, size, fl in sorted(res.get(n, [])):
            t = "io" if fl & 0x100 else "mem"
            kind = "io" if t == "io" else ("mem64" if fl & 0x100000 else "mem32") + ("-prefetch" if fl & 0x2000 else "")
            want_res.append(f"{t} {n} {k[t]} BAR{b} {kind} {s:#x}+{size:#x}")
            k[t] += 1
        have_res = [l for l in lines if re.match(rf"(mem|io) {re.escape(n)} ", l)]
        if have_res != want_res:
            fails["resources"].append(f"{p} {n}: {have_res} against sysfs {want_res}")
        kinds = (["MSI-X"] if n in msix else []) + (["MSI"] if n in msi else [])
        if n in irq:
            kinds.append(f"{irq[n][0]} GSI {irq[n][1]} level high")
        want_irq = f"irq {n} " + ", else ".join(kinds)
        if want_irq not in lines:
            fails["irq"].append(f"{p} {n}: no '{want_irq}'")
# Shared, unmatched, and what no policy gives.
given = {n for w in pol.values() for n in w}
for l in ['shared 02:00.0 also given by policy label_suffix="usb" (line 11): one session holds it at a time',
          'shared 02:00.0 also given by policy label_prefix="nvme" (line 7): one session holds it at a time']:
    if not any(l in v for v in got.values()):
        fails["others"].append(f"no '{l}'")
for frag in ['unmatched <device name="05:00.0"/> (line 9): no function of the record has this name',
             'unmatched <device name="ps2"/> (line 16): no function of the record has this name']:
    if not any(x.startswith(frag) for v in got.values() for x in v):
        fails["others"].append(f"no '{frag} ...'")
nopol = sorted(re.findall(r"^no-policy (\S+) ", sect, re.M))
if nopol != sorted(set(fns) - given):
    fails["others"].append(f"no-policy {nopol}, lspci's functions no policy gives: {sorted(set(fns) - given)}")

names = {"gets": "what each policy gets (lspci -n's classes and IDs, lspci -vvv's prog-if)",
         "resources": "memory and I/O resources in session order (sysfs resource lines)",
         "irq": "interrupt order MSI-X, MSI, INTx (lspci -vvv's capabilities, Linux's irq)",
         "others": "shared, unmatched and no-policy lines"}
bad = 0
for k in ("gets", "resources", "irq", "others"):
    if fails[k]:
        bad = 1
        print(f"FAIL - policy_replay_{k}: " + "; ".join(fails[k][:4]))
    else:
        print(f"ok - policy_replay_{k} ({names[k]})")
sys.exit(bad)
