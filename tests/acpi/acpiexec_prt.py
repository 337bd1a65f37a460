#!/usr/bin/env python3
"""The oracle: run ACPICA's acpiexec on the tables of DIR (dsdt, ssdt,
ssdt1, ... in natural order), call \\_PIC(N), evaluate every _PRT and print
the result in the format of `acpi --prt` (sorted). acpiexec prints link
references as node pointers; its own `namespace` listing in the same run
maps them to paths.

  acpiexec_prt.py DIR [--pic N]"""
import os, re, subprocess, sys, tempfile

def tables(d):
    def rank(f):
        if f == "dsdt.dat":
            return (0, 0, f)
        m = re.fullmatch(r"ssdt(\d*)\.dat", f)
        if m:
            return (1, int(m.group(1) or 0) - (0 if m.group(1) else 1), f)
        return (2, 0, f)
    names = [f for f in os.listdir(d) if re.fullmatch(r"(dsdt|ssdt\d*)\.dat", f)]
    return [os.path.join(d, f) for f in sorted(names, key=rank)]

def acpiexec(cmds, files):
    r = subprocess.run(["acpiexec", "-b", "; ".join(cmds)] + files, capture_output=True, text=True,
                       errors="replace", timeout=300)
    return r.stdout + r.stderr

def namespace(out):
    """(pointer -> path, list of _PRT paths) from a `namespace` listing."""
    ptr, prts, stack = {}, [], []
    for line in out.splitlines():
        m = re.match(r"\s*(\d+)\s+(\S{4})\s+\S+\s+(0x[0-9a-f]+)", line)
        if not m:
            continue
        depth, name, p = int(m.group(1)), m.group(2).rstrip("_") or "_", m.group(3)
        stack = stack[:depth] + [name]
        path = "\\" + ".".join(stack)
        ptr[p] = path
        if name == "_PRT":
            prts.append(path)
    return ptr, prts

def parse(out, ptr):
    """Result lines of `evaluate` commands: {path: [line, ...]} and overflowed paths."""
    res, overflow, cur, pkg = {}, [], None, []
    for line in out.splitlines():
        m = re.match(r"Evaluation of (\S+) (returned|failed with status (\S+))", line)
        if m:
            cur = m.group(1)
            if m.group(3) == "AE_BUFFER_OVERFLOW":
                overflow.append(cur)
                cur = None
            elif m.group(3):
                res.setdefault(cur, []).append(f"ERROR {m.group(3)}")
                cur = None
            else:
                res.setdefault(cur, [])
            continue
        if cur is None:
            continue
        m = re.match(r"(\s*)\[(\w[\w ]*)\]( Contains (\d+) Elements| = (.*))?", line)
        if not m:
            if not line.strip():
                cur = None
            continue
        indent, kind = len(m.group(1)), m.group(2)
        if indent == 2 and kind == "Package" and m.group(4) == "0":
            res[cur].append("EMPTY")
        elif kind == "Package" and indent in (2, 4):
            pkg = []
        elif indent in (4, 6):
            val = m.group(5) or ""
            if kind == "Integer":
                pkg.append(int(val, 16))
            elif kind == "Object Reference":
                p = re.match(r"(0x[0-9a-f]+)", val)
                pkg.append(ptr.get(p.group(1), "?") if p else "?")
            else:
                pkg.append(f"<{kind}>")
            if len(pkg) == 4:
                a, pin, src, idx = pkg
                res[cur].append(f"0x{a:08X} {pin} {src} {idx}")
                pkg = []
    return res, overflow

def big(files, paths, kinds, pic):
    """acpiexec's debugger buffer (16 KiB) is too small for QEMU's 128-entry
    _PRT: fetch such a _PRT an entry at a time through helper methods in an
    SSDT of ours (\MKNn: entry count, \MKEn(i): entry i)."""
    d = tempfile.mkdtemp()
    asl = ['DefinitionBlock ("", "SSDT", 2, "MKX", "ORACLE", 1) {']
    for i, p in enumerate(paths):
        kind = "MethodObj" if kinds.get(p) == "Method" else "PkgObj"
        asl.append(f"  External ({p}, {kind})")
        asl.append(f"  Method (\\MKN{i:X}) {{ Local0 = {p} Return (SizeOf (Local0)) }}")
        asl.append(f"  Method (\\MKE{i:X}, 1) {{ Local0 = {p} Return (DerefOf (Index (Local0, Arg0))) }}")
    asl.append("}")
    open(os.path.join(d, "o.asl"), "w").write("\n".join(asl) + "\n")
    subprocess.run(["iasl", "-p", os.path.join(d, "o"), os.path.join(d, "o.asl")],
                   capture_output=True, check=True)
    files = files + [os.path.join(d, "o.aml")]
    out = acpiexec([f"evaluate \\_PIC {pic}"] + [f"evaluate \\MKN{i:X}" for i in range(len(paths))], files)
    counts = [int(c, 16) for c in re.findall(r"\[Integer\] = ([0-9A-F]+)", out)]
    evals = [(i, j) for i, n in enumerate(counts) for j in range(n)]
    lines = []
    # acpiexec's batch line is limited in length: a few entries per run,
    # each run with its own namespace listing for the node pointers.
    for k in range(0, len(evals), 24):
        chunk = evals[k:k + 24]
        out = acpiexec(["namespace", f"evaluate \\_PIC {pic}"] +
                       [f"evaluate \\MKE{i:X} {j}" for i, j in chunk], files)
        ptr, _ = namespace(out)
        res, _ = parse(out, ptr)
        for i, p in enumerate(paths):
            lines += [f"{p} {l}" for l in res.get(f"\\MKE{i:X}", [])]
    return lines

def main():
    d = sys.argv[1]
    pic = sys.argv[sys.argv.index("--pic") + 1] if "--pic" in sys.argv else "1"
    files = tables(d)
    listing = acpiexec(["namespace"], files)
    _, prts = namespace(listing)
    kinds = {}
    for line in listing.splitlines():
        m = re.match(r"\s*\d+\s+_PRT\s+(\S+)", line)
        if m:
            kinds.setdefault("k", []).append(m.group(1))
    kinds = dict(zip(prts, kinds.get("k", [])))
    cmds = ["namespace", f"evaluate \\_PIC {pic}"] + [f"evaluate {p}" for p in prts]
    out = acpiexec(cmds, files)
    ptr, _ = namespace(out)
    res, overflow = parse(out, ptr)
    lines = [f"{p} {l}" for p, v in res.items() if p.endswith("_PRT") for l in v]
    if overflow:
        lines += big(files, overflow, kinds, pic)
    for l in sorted(lines):
        print(l)

if __name__ == "__main__":
    main()
