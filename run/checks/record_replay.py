#!/usr/bin/env python3
"""Host check of the record scenarios (issue 23, docs/new-machine.md): a machine recorded in
the guest by tools/record-machine, replayed on the host, against the live views of the same
boot.

  record_replay.py [--record DIR] [--stick]

The record: by default the base64 tarball run/checks/record_init.sh sent on the console
(between "MKX-RECORD-BEGIN <md5> <bytes>" and "MKX-RECORD-END"; checked against both), which
holds two records of the same boot: lspci/ (config.txt by lspci -D -n -xxxx) and sysfs/
(record-machine's sysfs fallback). --record DIR: an unpacked record instead (DIR/lspci and
DIR/sysfs, or DIR itself as the only record). --stick: the one record the survey stored on
the USB stick's results partition (record.tgz, read with mtools from $MKX_STICK; check 1
then has no twin to compare).

Compared, each must hold (exit 1 otherwise, naming what differs):
  1. the sysfs fallback's config.txt is byte-for-byte lspci's (the oracle for the fallback)
  2. `acpi --tables REC --report`: its <routing> elements are those of the live acpi
     component's report (logged by the platform driver, log_acpi="yes"), and so is the
     rest of the report but the tables' memory addresses (the record's config.txt backs the
     AML's PCI_Config regions)
  3. `pci --dump REC` (with that replayed report as REC/acpi.xml): every view the live
     platform driver logged (lspci -n, intx, bars, buses, caps, tree, notes) line for line
  4. Linux's own lspci -n of the record equals the live lspci -n view
  5. a control: without resource.txt the replayed BARs differ (the sizes come from the record)
  6. tools/replay-record (what a user runs, docs/new-machine.md) finds no view differing from
     the record's own lspci and sysfs files
The replayed views and report are left in $MKX_OUT/record*/ for a person to read."""
import base64, hashlib, io, os, re, shutil, subprocess, sys, tarfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_log

B = os.environ.get("B", "build/out")
PCI, ACPI = os.path.join(B, "bin", "pci"), os.path.join(B, "bin", "acpi")
OUT = os.environ.get("MKX_OUT", "/tmp")
VIEWS = ("lspci -n", "intx", "bars", "buses", "caps", "tree", "notes")

fails, said = [], []
def expect(ok, what, detail=""):
    if ok:
        said.append(what)
    else:
        fails.append(what + (": " + detail if detail else ""))

def sections(lines):
    """{name: [lines]} of '--- name ---' ... '--- end ---' blocks."""
    secs, cur = {}, None
    for l in lines:
        m = re.match(r"^--- (.+) ---$", l)
        if m and m.group(1) != "end":
            cur = m.group(1)
            secs[cur] = []
        elif m:
            cur = None
        elif cur is not None:
            secs[cur].append(l)
    return secs

def unpack(data, dest):
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as t:
        for m in t.getmembers():
            if m.name.startswith("/") or ".." in m.name.split("/") or not (m.isfile() or m.isdir()):
                sys.exit(f"record tarball: refusing member {m.name!r}")
        t.extractall(dest)

def from_console(log, dest):
    begin = end = None
    for i, l in enumerate(log.raw):
        if begin is None and l.startswith("MKX-RECORD-BEGIN "):
            begin = i
        elif begin is not None and l == "MKX-RECORD-END":
            end = i
            break
    if begin is None or end is None:
        sys.exit("no MKX-RECORD-BEGIN ... MKX-RECORD-END block in the serial log")
    _, md5, size = log.raw[begin].split()
    data = base64.b64decode("".join(log.raw[begin + 1:end]), validate=True)
    if len(data) != int(size) or hashlib.md5(data).hexdigest() != md5:
        sys.exit(f"record tarball: {len(data)} bytes, md5 {hashlib.md5(data).hexdigest()}; "
                 f"the guest sent {size} bytes, md5 {md5} (a kernel line inside the base64?)")
    unpack(data, dest)

def from_stick(stick, dest):
    """The survey's record.tgz from the stick's results partition (one record, record/ in it)."""
    import usb_results
    off = usb_results.results_offset(stick)
    if off is None:
        sys.exit(f"{stick}: no results partition")
    rc, data = usb_results.mtools(["mtype", "::record.tgz"], stick, off)
    if rc or not data:
        sys.exit("no record.tgz on the stick's results partition")
    unpack(data, dest)
    return os.path.join(dest, "record")

def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr

def main():
    args = sys.argv[1:]
    log = serial_log.Log()
    if "--record" in args:
        root = args[args.index("--record") + 1]
    else:
        root = os.path.join(OUT, "record")
        if "--stick" in args:
            root = from_stick(os.environ["MKX_STICK"], root)
        else:
            from_console(log, root)
    recs = [os.path.join(root, d) for d in ("lspci", "sysfs") if os.path.isdir(os.path.join(root, d))]
    if not recs:
        recs = [root]
    rec = recs[0]
    for f in ("config.txt", "resource.txt", "README.txt", "acpi/dsdt.dat"):
        if not os.path.isfile(os.path.join(rec, f)):
            sys.exit(f"the record has no {f}")

    # 1. The fallback against lspci's text (records written in the same boot).
    if len(recs) == 2:
        a = open(os.path.join(recs[0], "config.txt"), "rb").read()
        b = open(os.path.join(recs[1], "config.txt"), "rb").read()
        n = len(re.findall(rb"(?m)^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] ", a))
        expect(a == b and n > 0, f"record-machine's sysfs fallback: config.txt identical to lspci -D -n -xxxx ({n} functions, {len(a)} bytes)",
               "".join(__import__("difflib").unified_diff(a.decode().splitlines(True), b.decode().splitlines(True), "lspci", "sysfs", n=0))[:600])
        for f in ("resource.txt", "sysfs-resource.txt", "sysfs-irq.txt", "iomem.txt", "cmdline.txt"):
            expect(open(os.path.join(recs[0], f), "rb").read() == open(os.path.join(recs[1], f), "rb").read(),
                   f"both records' {f} equal")

    live = sections(log.of("platform"))
    missing = [v for v in VIEWS + ("acpi",) if v not in live]
    if missing:
        sys.exit(f"the platform driver's log lacks the sections: {', '.join(missing)}")

    # 2. acpi --tables of the record: the live report's routes.
    rc, rep, err = run([ACPI, "--tables", rec, "--report"])
    with open(os.path.join(rec, "acpi.xml"), "w") as f:
        f.write(rep)
    routes = lambda lines: [l.strip() for l in lines if l.strip().startswith("<routing ")]
    ours, theirs = routes(rep.splitlines()), routes(live["acpi"])
    expect(rc == 0 and ours and ours == theirs,
           f"acpi --tables of the record: {len(ours)} <routing> entries, the live acpi report's in order",
           f"exit {rc} {err.strip()[:300]}; only replayed: {sorted(set(ours) - set(theirs))[:4]}, only live: {sorted(set(theirs) - set(ours))[:4]}")
    # The rest of the report (MCFG, MADT, FADT, root bridges) comes from the same tables: equal
    # too, but for where the live component found each table in memory (<table addr=>), which
    # a record does not keep.
    where = lambda lines: [l.strip() for l in lines if not l.strip().startswith("<table ")]
    a, b = where(rep.splitlines()), where(live["acpi"])
    expect(a == b, f"acpi --tables --report of the record equals the live acpi report ({len(b)} lines; <table addr=> left out)",
           " | ".join(__import__("difflib").unified_diff(b, a, "live", "replay", n=0, lineterm=""))[:600])

    # 3. pci --dump of the record: the live views, line for line.
    rc, out, err = run([PCI, "--dump", rec])
    with open(os.path.join(rec, "views.txt"), "w") as f:
        f.write(out)
    replay = sections(out.splitlines())
    expect(rc == 0, "pci --dump of the record runs", f"exit {rc}: {err.strip()[:300]}")
    for v in VIEWS:
        a, b = replay.get(v), live[v]
        import difflib
        expect(a == b and (b or v in ("buses", "notes")),
               f"pci --dump of the record, {v}: {len(b)} lines equal to the live view",
               " | ".join(difflib.unified_diff(b, a or [], "live", "replay", n=0, lineterm=""))[:800])

    # 4. lspci's own view in the record against the live one.
    ln = os.path.join(rec, "lspci-n.txt")
    if os.path.exists(ln):
        a = open(ln).read().splitlines()
        expect(a == live["lspci -n"], f"the record's lspci -n equals the live lspci -n view ({len(a)} functions)")

    # 5. Control: the BAR view depends on the record's resource.txt.
    ctl = rec.rstrip("/") + "-without-resource"
    shutil.rmtree(ctl, ignore_errors=True)
    shutil.copytree(rec, ctl)
    os.unlink(os.path.join(ctl, "resource.txt"))
    rc, out, err = run([PCI, "--dump", ctl])
    expect(sections(out.splitlines()).get("bars") != live["bars"],
           "control: without resource.txt the replayed BARs differ from the live ones (sizes come from the record)")

    # 6. What a user runs at the desk (tools/replay-record): no view differs from the record's own
    #    lspci and sysfs files (on a copy: it writes acpi.xml and views.txt into the record).
    cp = rec.rstrip("/") + "-replay-record"
    shutil.rmtree(cp, ignore_errors=True)
    shutil.copytree(rec, cp)
    r = subprocess.run(["sh", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "replay-record"),
                        "-B", B, cp], capture_output=True, text=True, timeout=120)
    same = [l.split(":")[1].strip() for l in r.stdout.splitlines() if l.startswith("same:")]
    expect(r.returncode == 0 and "lspci -n" in same and "bars" in same,
           f"tools/replay-record on the record: exit {r.returncode}, same: {', '.join(same)}",
           (r.stdout + r.stderr)[-600:])

    for w in said:
        print("check: " + w)
    if fails:
        print("\n".join(fails), file=sys.stderr)
        sys.exit(1)

if __name__ == "__main__":
    main()
