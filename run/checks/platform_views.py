#!/usr/bin/env python3
"""Host check of the platform scenarios: the platform driver's views against Linux's view of
the same boot (pci_linux_view ran as PID 1 before core: sysfs config/resource/irq, lspci -n,
lspci -vvv). Also writes the recorded machine as a dump directory ($MKX_OUT/dump: config.txt,
resource.txt, acpi.xml, the Linux outputs) and runs `pci --dump` on it: the host back end must
give the same views as the live ECAM walk. Exit 0 if everything agrees; 1 if anything
differs, or a section it compares is missing or empty.
The log is read by serial_log.py: the platform driver's lines are those that begin
"[init -> platform] "; Linux's view is pci_linux_view's output, which comes before core
runs (so only lines before core's first line count as Linux's)."""
import os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_log

LOG = serial_log.Log()
out = os.environ.get("MKX_OUT", "/tmp")
pci_bin = os.path.join(os.environ.get("B", "build/out"), "bin", "pci")
OURS = "[init -> platform] "

def sections():
    """{(who, name): [lines]}: who 'linux' (pci_linux_view) or 'ours' (the platform driver)."""
    secs, cur = {}, None
    core_ran = False
    for line in LOG.raw:
        who = "linux"
        if line.startswith(OURS):
            who, line = "ours", line[len(OURS):]
        elif serial_log.kind(line) in ("core", "component"):
            core_ran = True
            continue
        elif core_ran or serial_log.kind(line) == "kernel":
            continue                    # the kernel's, or after core started: no one's we compare
        m = re.match(r"^--- (.+) ---$", line)
        if m and m.group(1) != "end":
            name = m.group(1)
            if who == "linux" and name.startswith("linux "):
                name = name[6:]
            cur = (who, name)
            secs[cur] = []
        elif m:
            cur = None
        elif cur and cur[0] == who:
            secs[cur].append(line)
    return secs

def short(fn):
    return fn[5:] if fn.startswith("0000:") else fn

def lspci_vvv(lines):
    """{function: {'caps': [offsets], 'bus': (p, s, sub)}} from lspci -vvv -n."""
    r, cur = {}, None
    for l in lines:
        m = re.match(r"^([0-9a-f:.]+) [0-9a-f]{4}: ", l)
        if m:
            cur = r.setdefault(m.group(1), {"caps": [], "bus": None})
            continue
        if cur is None:
            continue
        m = re.match(r"^\tCapabilities: \[([0-9a-f]+)(?: v\d+)?\]", l)
        if m:
            cur["caps"].append(int(m.group(1), 16))
        m = re.match(r"^\tBus: primary=([0-9a-f]+), secondary=([0-9a-f]+), subordinate=([0-9a-f]+)", l)
        if m:
            cur["bus"] = tuple(int(x, 16) for x in m.groups())
    return r

fails, said = [], []
def expect(ok, what):
    (said if ok else fails).append(what)

s = sections()
# How the walk reached config space follows from the machine: with an MCFG window (the acpi report's
# <bdf> elements) through ECAM, granted by core as that window (core's grant and the platform
# driver's own line); without one (QEMU -M pc, older PCs) through core's conf1 emulation.
mcfg = [l for l in s.get(("ours", "acpi"), []) if re.match(r"^\s*<bdf ", l)]
if mcfg:
  expect(LOG.first(r'IO_MEM "platform": 0x[0-9a-f]+-0x[0-9a-f]+ granted \(ECAM window') is not None and
         LOG.first(r"config access: ECAM ", "platform") is not None,
         "config access: ECAM, granted by core as the MCFG window")
else:
  expect(LOG.first(r'IO_PORT "platform": ports 0xcf8-0xcff granted \(rpc, 0xCF8-0xCFF emulated\)') is not None and
         LOG.first(r"config access: conf1 through core's CF8/CFC emulation", "platform") is not None,
         "config access: conf1 (no MCFG in the acpi report), granted by core as the emulated CF8/CFC pair")
if "--conf1" in sys.argv and mcfg:
  m = LOG.first(r"conf1 walk equal to the ECAM walk: (\d+) functions.*\(([0-9.]+) ms\)$", "platform")
  expect(m is not None, f"conf1 (core's CF8/CFC emulation) walk equal to the ECAM walk ({m.group(1) if m else '?'} functions)")
elif "--conf1" in sys.argv:
  said.append("no ECAM walk to compare conf1 with: the walk itself was conf1, compared with Linux below")
# Every section compared must be there and hold something: an empty view equals an empty view.
# (buses may be empty: a machine without bridges; lspci -vvv then has no Bus: line either.)
need = [("linux", "config"), ("linux", "resource"), ("linux", "irq"), ("linux", "lspci -n"), ("linux", "lspci -vvv"),
        ("ours", "lspci -n"), ("ours", "intx"), ("ours", "bars"), ("ours", "buses"), ("ours", "caps"), ("ours", "acpi")]
missing = [f"{w} {n}" for w, n in need if (w, n) not in s]
if missing:
    sys.exit(f"sections missing from the log: {', '.join(missing)}")
empty = [f"{w} {n}" for w, n in need if n != "buses" and not [l for l in s[(w, n)] if l.strip()]]
if empty:
    sys.exit(f"sections empty in the log: {', '.join(empty)}")

# The recorded machine, as a dump directory the host back end reads.
dump = os.path.join(out, "dump")
os.makedirs(dump, exist_ok=True)
files = {"config.txt": s[("linux", "config")], "resource.txt": s[("linux", "resource")],
         "acpi.xml": s[("ours", "acpi")], "irq.txt": s[("linux", "irq")]}
if ("linux", "lspci -n") in s:
    files["lspci-n.txt"] = s[("linux", "lspci -n")]
    files["lspci-vvv.txt"] = s[("linux", "lspci -vvv")]
for name, lines in files.items():
    with open(os.path.join(dump, name), "w") as f:
        f.write("\n".join(lines) + "\n")

# 1. lspci -n: Linux's own tool, or (without lspci in the image) the functions Linux has in sysfs.
ours_n = s[("ours", "lspci -n")]
if ("linux", "lspci -n") in s:
    expect(ours_n == s[("linux", "lspci -n")], f"lspci -n: {len(ours_n)} functions, line for line equal to Linux's lspci -n")
    if ours_n != s[("linux", "lspci -n")]:
        fails.append("  ours:  " + " | ".join(ours_n) + "\n  linux: " + " | ".join(s[("linux", "lspci -n")]))
linux_fns = [short(l) for l in s[("linux", "config")] if re.match(r"^[0-9a-f]{4}:[0-9a-f]{2}:", l)]
ours_fns = [l.split()[0] for l in ours_n]
expect(ours_fns and ours_fns == linux_fns, f"functions: the same {len(ours_fns)} as Linux's sysfs")
if ours_fns != linux_fns:
    fails.append(f"  only ours: {sorted(set(ours_fns) - set(linux_fns))}, only Linux's: {sorted(set(linux_fns) - set(ours_fns))}")

# 2. BARs: the numbers of sysfs resource lines 0-5. An IDE controller (class 0101) in compatibility
# mode decodes the legacy ranges 0x1f0/0x3f6 and 0x170/0x376 with its BARs 0-3 reading 0; Linux puts
# those fixed ranges into resource 0-3 (PIIX IDE on -M pc): not registers, so not compared.
ide = {l.split()[0] for l in s[("ours", "lspci -n")] if re.match(r"^\S+ 0101: ", l)}
legacy = {0x1f0, 0x3f6, 0x170, 0x376}
linux_bars, skipped = [], []
for l in s[("linux", "resource")]:
    fn, idx, start, end, _ = l.split()
    if int(idx) < 4 and short(fn) in ide and int(start, 16) in legacy:
        skipped.append(f"{short(fn)} {idx} {start}")
    elif int(idx) < 6:
        linux_bars.append(f"{short(fn)} {idx} {start} {end}")
if skipped:
    said.append(f"legacy IDE ranges Linux reports as resources, not BARs: {', '.join(skipped)}")
ours_bars = s[("ours", "bars")]
expect(ours_bars and ours_bars == linux_bars, f"bars: {len(ours_bars)} BARs equal to sysfs resource")
if ours_bars != linux_bars:
    fails.append(f"  only ours: {sorted(set(ours_bars) - set(linux_bars))}\n  only Linux's: {sorted(set(linux_bars) - set(ours_bars))}")

# 3. INTx: Linux's irq after enable (pci=nomsi) against our GSI.
ours_intx = {l.split()[0]: l for l in s[("ours", "intx")]}
n = 0
for l in s[("linux", "irq")]:
    fn, pin, _, irq = l.split()
    got = ours_intx.get(fn, "")
    m = re.match(rf"^{re.escape(fn)} {pin} GSI (\d+) ", got)
    if not m or m.group(1) != irq:
        fails.append(f"intx {fn} {pin}: Linux irq {irq}, ours '{got or 'none'}'")
    else:
        n += 1
expect(n > 0 and n == len(s[("linux", "irq")]) and n == len(ours_intx), f"intx: {n} pins routed to Linux's GSIs")

# 4. Capabilities and bus numbers, against lspci -vvv.
if ("linux", "lspci -vvv") in s:
    v = lspci_vvv(s[("linux", "lspci -vvv")])
    ours_caps = {}
    for l in s[("ours", "caps")]:
        m = re.match(r"^(\S+) \[([0-9a-f]+)", l)
        ours_caps.setdefault(m.group(1), []).append(int(m.group(2), 16))
    ncap = 0
    for fn, d in v.items():
        if sorted(d["caps"]) != sorted(ours_caps.get(fn, [])):
            fails.append(f"caps {fn}: lspci {[hex(x) for x in d['caps']]}, ours {[hex(x) for x in ours_caps.get(fn, [])]}")
        ncap += len(d["caps"])
    expect(ncap > 0 and set(ours_caps) <= set(v), f"caps: {ncap} capabilities at lspci -vvv's offsets")
    ours_bus = {}
    for l in s[("ours", "buses")]:
        m = re.match(r"^(\S+) primary=(\w+) secondary=(\w+) subordinate=(\w+)", l)
        ours_bus[m.group(1)] = tuple(int(x, 16) for x in m.groups()[1:])
    lb = {fn: d["bus"] for fn, d in v.items() if d["bus"]}
    expect(ours_bus == lb, f"buses: {len(lb)} bridges with lspci -vvv's bus numbers")
    if ours_bus != lb:
        fails.append(f"  ours {ours_bus}\n  lspci {lb}")

# 5. The host back end on the recorded dump gives the same views as the live walk.
if os.path.exists(pci_bin):
    r = subprocess.run([pci_bin, "--dump", dump], capture_output=True, text=True)
    host = {}
    cur = None
    for l in r.stdout.splitlines():
        m = re.match(r"^--- (.+) ---$", l)
        if m:
            cur = None if m.group(1) == "end" else m.group(1)
            host[cur] = [] if cur else None
        elif cur:
            host[cur].append(l)
    same = [k for k in ("lspci -n", "intx", "bars", "buses", "caps") if host.get(k) == s[("ours", k)]]
    expect(r.returncode == 0 and len(same) == 5,
           f"pci --dump of the recorded machine: {', '.join(same)} equal to the live views")
else:
    fails.append(f"{pci_bin} not built")

# 6. Enumeration time against lspci's own (same boot), as ratios: reported, not judged here.
m = LOG.first(r"enumerated \d+ functions on \d+ root bus\(es\) in ([0-9.]+) ms", "platform")
for l in s.get(("linux", "timing"), []):
    t = re.match(r"^(lspci -A \S+) ([0-9.]+) ms$", l)
    if m and t and float(t.group(2)) > 0:
        said.append(f"enumeration ({'ECAM' if mcfg else 'conf1'}, BAR probes included) {m.group(1)} ms, {t.group(1)} -n {t.group(2)} ms: "
                    f"ratio {float(m.group(1)) / float(t.group(2)):.2f}x")

for w in said:
    print("check: " + w)
if fails:
    print("\n".join(fails), file=sys.stderr)
    sys.exit(1)
