#!/usr/bin/env python3
"""Genode's own pci_decode against our platform driver, same boot, attribute by attribute.

rom_dumper logged both devices reports whole ("genode_devices| ..." is pci_decode's,
"devices| ..." ours). Linux's view of the same boot (pci_linux_view ran as PID 1 before core,
pci=nomsi: sysfs resources, the IRQ Linux routed each pin to) is the arbiter nobody here wrote.

Every difference between the two reports is listed, one line each: "explained" when it is of a
kind docs/genode-base.md explains (who is right and why; where the two disagree on a value
Linux also has, the side Linux agrees with is right), else "UNEXPLAINED". The check fails on an
unexplained difference, on a BAR of either report that is not Linux's, on an INTx of ours that
is not Linux's, when pci_decode's report is missing or has no PCI function, or when a PCI
function is in one report only without an explanation.

  genode_pci_decode.py [LOG]     (default $MKX_LOG)

With $MKX_OUT set (the runner sets it: build/images/NAME), both reports are stored there as
they were logged (genode_devices.xml, devices.xml) with the list of differences
(differences.txt), for a look after the run.
"""
import os, re, sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_log

# Genode's pci_decode adds these non-PCI devices on every machine (hard-coded in its
# parse_acpi_device_info: Intel Tigerlake/Alderlake and Meteorlake GPIO, a Starlabs
# touchscreen IRQ), whether the machine has them or not. q35 has none of them.
GENODE_HARDCODED = {"INT34C5", "STARLITE_TOUCH", "INTC1083"}
# Attributes only our report has on a bridge's <pci-config> (its bus numbers).
OURS_BRIDGE_ATTRS = {"primary", "secondary", "subordinate"}


def document(log, name):
    """The XML document rom_dumper logged as NAME, parsed, or None."""
    body = log.of("rom_dumper")
    lines = [l[len(name) + 2:] for l in body if l.startswith(name + "| ")]
    if not any(l.startswith(name + ": end,") for l in body) or not lines:
        return None
    return ET.fromstring("\n".join(lines))


def linux_sections(log):
    """{name: [lines]} of pci_linux_view's sections (before core's first line)."""
    secs, cur = {}, None
    for line in log.raw:
        if serial_log.kind(line) in ("core", "component"):
            break
        m = re.match(r"^--- (.+) ---$", line)
        if m and m.group(1) != "end":
            cur = m.group(1)
            secs[cur] = []
        elif m:
            cur = None
        elif cur:
            secs[cur].append(line)
    return secs


def linux_bars(lines):
    """{(function, bar): (start, size)} from sysfs resource lines (BARs 0-5)."""
    out = {}
    for l in lines:
        f = l.split()
        if len(f) == 5 and f[1] in "012345":
            start, end = int(f[2], 16), int(f[3], 16)
            fn = f[0][5:] if f[0].startswith("0000:") else f[0]
            out[(fn, f[1])] = (start, end - start + 1)
    return out


def linux_irqs(lines):
    """{function: irq} from "BB:DD.F INTx irq N"."""
    out = {}
    for l in lines:
        m = re.match(r"^(\S+) INT[A-D] irq (\d+)$", l)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def check_against_linux(who, doc, bars, irqs):
    """Lines of every BAR of DOC that is not Linux's, and (for ours) every INTx that is not."""
    bad = []
    for d in doc.iter("device"):
        if d.get("type") != "pci":
            continue
        fn = d.get("name")
        for c in d:
            if c.tag in ("io_mem", "io_port_range") and c.get("pci_bar") is not None:
                want = bars.get((fn, c.get("pci_bar")))
                got = (int(c.get("address"), 16), int(c.get("size"), 0))
                if want != got:
                    bad.append(f"{who} {fn} BAR{c.get('pci_bar')}: {c.get('address')}+{c.get('size')}, "
                               f"Linux: {'none' if not want else hex(want[0]) + '+' + hex(want[1])}")
        if who == "ours" and fn in irqs:
            got = [c.get("number") for c in d if c.tag == "irq"]
            if got != [irqs[fn]]:
                bad.append(f"ours {fn} irq {got}, Linux: {irqs[fn]}")
    return bad


def child_key(el):
    """What identifies a child element of a <device> inside its kind."""
    if el.tag in ("io_mem", "io_port_range"):
        return (el.tag, el.get("pci_bar") or el.get("address"))
    if el.tag == "property":
        return (el.tag, el.get("name"))
    if el.tag == "capability":
        return (el.tag, el.get("offset"))
    if el.tag == "io_mmu":
        return (el.tag, el.get("name"))
    return (el.tag,)


def children(dev):
    """A device's children by key; repeated keys (two <irq> of ps2) numbered in order."""
    out, seen = {}, {}
    for c in dev:
        k = child_key(c)
        n = seen.get(k, 0)
        seen[k] = n + 1
        out[k + ((n,) if n else ())] = c
    return out


def describe(k):
    return " ".join(str(x) for x in k)


class Context:
    """What the explanations need besides the two reports.
    routing: our report's INTx comment per device; irqs: Linux's IRQ per function;
    linux_fns: the functions Linux has; peer_roots: bus numbers of the acpi report's root
    bridges other than bus 0; prt_no_bdf: bridge paths of the acpi report's _PRT entries
    that have no bridge_bdf."""
    def __init__(self, routing, irqs, linux_fns, acpi):
        self.routing, self.irqs, self.linux_fns = routing, irqs, linux_fns
        self.peer_roots = sorted(int(r.get("bdf"), 0) >> 8 for r in acpi.iter("root_bridge")
                                 if int(r.get("bdf"), 0) >> 8)
        self.prt_no_bdf = {r.get("bridge") for r in acpi.iter("routing") if r.get("bridge_bdf") is None}


def absent_in_genode(name, ctx):
    """A PCI function only ours has: below a peer root bus (pxb-pcie) pci_decode never walks:
    it walks bus 0 and the buses behind bus 0's bridges only, one host bridge."""
    if name not in ctx.linux_fns or ":" not in name:
        return None
    bus = int(name.split(":")[0], 16)
    roots = [r for r in ctx.peer_roots if r <= bus]
    if not roots:
        return None
    return (f"on or below the peer root bus {roots[-1]:02x} (acpi <root_bridge>), which pci_decode does "
            f"not walk; Linux has it: ours is right")


def compare(genode, ours, ctx):
    """[(device, what, genode's, ours, explanation or None)] for every difference."""
    diffs = []
    gd = {d.get("name"): d for d in genode.iter("device")}
    od = {d.get("name"): d for d in ours.iter("device")}
    for name in sorted(set(gd) | set(od)):
        g, o = gd.get(name), od.get(name)
        if g is None or o is None:
            present = g if g is not None else o
            why = None
            if o is None and name in GENODE_HARDCODED:
                why = "pci_decode lists it on every machine (hard-coded); q35 has no such device: ours is right"
            if g is None and o.get("type") == "pci":
                why = absent_in_genode(name, ctx)
            diffs.append((name, "device", "present" if g is not None else "absent",
                          "present" if o is not None else "absent", why))
            continue
        for attr in sorted(set(g.attrib) | set(o.attrib)):
            if g.get(attr) != o.get(attr):
                diffs.append((name, "device@" + attr, g.get(attr), o.get(attr), None))
        gc, oc = children(g), children(o)
        for k in sorted(set(gc) | set(oc), key=str):
            a, b = gc.get(k), oc.get(k)
            what = describe(k)
            if a is None or b is None:
                why = None
                if a is None and k[0] == "capability":
                    why = "ours lists capabilities (lspci's view); pci_decode's report has none: an addition, not a disagreement"
                diffs.append((name, what, "absent" if a is None else "present",
                              "absent" if b is None else "present", why))
                continue
            for attr in sorted(set(a.attrib) | set(b.attrib)):
                va, vb = a.get(attr), b.get(attr)
                if va == vb:
                    continue
                why = None
                if k[0] == "pci-config" and va is None and attr in OURS_BRIDGE_ATTRS:
                    why = "ours adds a bridge's bus numbers; pci_decode does not report them"
                elif k[0] == "irq" and name[:2] != "00":
                    why = irq_behind_bridge(ctx, ctx.routing.get(name, ""), ctx.irqs.get(name), attr, va, vb)
                diffs.append((name, what + "@" + attr, va, vb, why))
    return diffs


def irq_behind_bridge(ctx, comment, linux, attr, va, vb):
    """pci_decode's IRQ of a function behind a bridge that has no _PRT of its own: it takes
    only the innermost bridge's _PRT and, without one, the function's interrupt line (the
    legacy IRQ the BIOS wrote, with the MADT override's mode/polarity); ours swizzles the pin
    up to the next bridge that has a _PRT, as the PCI-to-PCI bridge spec and Linux do.
    Or: the innermost bridge has a _PRT, but our acpi report gives that _PRT no bridge_bdf
    (pci_decode then matches it to no bridge and keeps the interrupt line)."""
    m = re.search(r"_PRT (\\\S+) slot", comment)
    no_bdf = m and m.group(1) in ctx.prt_no_bdf
    if "swizzled" not in comment and not no_bdf:
        return None
    if attr == "number" and no_bdf:
        if linux != vb:
            return None
        return (f"the bridge's own _PRT ({m.group(1)}) has no bridge_bdf in our acpi report, so "
                f"pci_decode kept the interrupt line ({va}); ours resolved the _PRT to GSI {vb}, Linux "
                f"routed it to {linux}: ours is right, our acpi report is incomplete for pci_decode")
    if attr == "number":
        if linux != vb:
            return None
        return (f"behind a bridge without _PRT: pci_decode took the interrupt line ({va}), ours the "
                f"swizzled GSI ({vb}), Linux routed it to {linux}: ours is right")
    if attr in ("mode", "polarity") and vb is None:
        return f"pci_decode's {attr}={va} comes from the MADT override of the interrupt line's IRQ, which is not the function's GSI"
    return None


def irq_comments(text):
    """Our report writes the routing of each INTx as an XML comment before its <irq>;
    ElementTree drops comments, so they are attached to the device by name here."""
    out, dev = {}, None
    for line in text.splitlines():
        m = re.search(r'<device name="([^"]+)"', line)
        if m:
            dev = m.group(1)
        m = re.search(r"<!-- (INT[A-D]: .*) -->", line)
        if m and dev:
            out[dev] = m.group(1)
    return out


def logged(log, name):
    """The text rom_dumper logged as NAME, line by line as it was."""
    return "".join(l[len(name) + 2:] + "\n" for l in log.of("rom_dumper") if l.startswith(name + "| "))


def main():
    log = serial_log.Log(sys.argv[1] if len(sys.argv) > 1 else None)
    out = []
    rc = check(log, out)
    for line in out:
        print(line)
    where = os.environ.get("MKX_OUT")
    if where and os.path.isdir(where):
        for name, file in (("genode_devices", "genode_devices.xml"), ("devices", "devices.xml")):
            with open(os.path.join(where, file), "w") as f:
                f.write(logged(log, name))
        with open(os.path.join(where, "differences.txt"), "w") as f:
            f.write("".join(l + "\n" for l in out))
    return rc


def check(log, out):
    print = out.append
    genode, ours = document(log, "genode_devices"), document(log, "devices")
    if genode is None or ours is None:
        print("genode_pci_decode: FAIL: %s devices report not in the log" %
              ("pci_decode's" if genode is None else "our platform driver's"))
        return 1
    ours_text = "\n".join(l[len("devices| "):] for l in log.of("rom_dumper") if l.startswith("devices| "))
    linux = linux_sections(log)
    if not linux.get("linux resource") or "linux irq" not in linux:
        print("genode_pci_decode: FAIL: Linux's view (pci_linux_view) not in the log")
        return 1
    bars, irqs = linux_bars(linux["linux resource"]), linux_irqs(linux["linux irq"])
    gpci = [d.get("name") for d in genode.iter("device") if d.get("type") == "pci"]
    opci = [d.get("name") for d in ours.iter("device") if d.get("type") == "pci"]
    if not gpci:
        print("genode_pci_decode: FAIL: pci_decode's report has no PCI function")
        return 1
    acpi = document(log, "acpi")
    if acpi is None:
        print("genode_pci_decode: FAIL: the acpi report is not in the log")
        return 1
    linux_fns = {fn for fn, _ in bars} | set(irqs)
    diffs = compare(genode, ours, Context(irq_comments(ours_text), irqs, linux_fns, acpi))
    bad = 0
    wrong = check_against_linux("pci_decode", genode, bars, irqs) + check_against_linux("ours", ours, bars, irqs)
    for w in wrong:
        print("NOT LINUX'S: " + w)
    for name, what, g, o, why in diffs:
        if why:
            print(f"explained: {name} {what}: pci_decode {g}, ours {o}: {why}")
        else:
            bad += 1
            print(f"UNEXPLAINED: {name} {what}: pci_decode {g}, ours {o}")
    same = len([n for n in gpci if n in opci])
    nbars = sum(1 for d in genode.iter("device") for c in d if c.get("pci_bar") is not None)
    print(f"genode_pci_decode: {len(gpci)} PCI functions in pci_decode's report, {len(opci)} in ours, "
          f"{same} in both; {nbars} BARs of pci_decode's and {len(irqs)} INTx of Linux checked; "
          f"{len(diffs) - bad} explained differences, {bad} unexplained, {len(wrong)} not Linux's")
    if bad or wrong:
        print("genode_pci_decode: FAIL")
        return 1
    print("genode_pci_decode: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
