#!/usr/bin/env python3
"""The oracle: run ACPICA's acpiexec on the tables of DIR (dsdt, ssdt,
ssdt1, ... in natural order), call \\_PIC(N), evaluate every _PRT and print
the result in the format of `acpi --prt` (sorted). acpiexec prints link
references as node pointers; its own `namespace` listing in the same run
maps them to paths.

  acpiexec_prt.py DIR [--pic N]"""
import os, re, subprocess, sys

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

def main():
    d = sys.argv[1]
    pic = sys.argv[sys.argv.index("--pic") + 1] if "--pic" in sys.argv else "1"
    files = tables(d)
    _, prts = namespace(acpiexec(["namespace"], files))
    cmds = ["namespace", f"evaluate \\_PIC {pic}"] + [f"evaluate {p}" for p in prts]
    out = acpiexec(cmds, files)
    ptr, _ = namespace(out)
    lines, cur, pkg, depth_pkgs = [], None, [], []
    for line in out.splitlines():
        m = re.match(r"Evaluation of (\S+) (returned|failed with status (\S+))", line)
        if m and not m.group(1).endswith("_PRT"):
            cur = None
            continue
        if m:
            cur = m.group(1)
            if m.group(3):
                lines.append(f"{cur} ERROR {m.group(3)}")
                cur = None
            pkg = []
            continue
        if cur is None:
            continue
        m = re.match(r"(\s*)\[(\w[\w ]*)\]( Contains (\d+) Elements| = (.*))?", line)
        if not m:
            if line.strip() == "" and pkg is not None:
                cur = None
            continue
        indent, kind = len(m.group(1)), m.group(2)
        if indent == 2 and kind == "Package" and m.group(4) == "0":
            lines.append(f"{cur} EMPTY")
        elif indent == 4 and kind == "Package":
            pkg = []
        elif indent == 6:
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
                lines.append(f"{cur} 0x{a:08X} {pin} {src} {idx}")
    for l in sorted(lines):
        print(l)

if __name__ == "__main__":
    main()
