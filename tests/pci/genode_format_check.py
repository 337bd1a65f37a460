#!/usr/bin/env python3
"""Check documents against the format table of docs/genode-formats.md.

usage: genode_format_check.py [--no-coverage] TABLE_MD KIND[:FLAGS]=FILE ...
  KIND: devices | session | platform_info | acpi (the table's 'document' column)
  FLAGS: comma-separated; 'info' (a session ROM written with info="yes"), 'live'
  (from a running system: 'live' rows must then be present where their node is)

For each row: where 'present' says the attribute must be there, it is; wherever it is,
it has the row's format. Every node and attribute of a document has a row. Every row
but 'live' and 'rare' ones is seen in at least one document of its kind (no vacuous rows).
(--no-coverage: not that, for one machine's documents.) Prints 'ok'/'FAIL' lines for the
caller to count; exit status 1 on any FAIL.
"""
import re
import sys
import xml.etree.ElementTree as ET

FORMATS = {
    "hex": re.compile(r"0x[0-9a-f]+"),
    "dec": re.compile(r"[0-9]+"),
    "bool": re.compile(r"true|false"),
    "bdf": re.compile(r"([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]"),
    "text": re.compile(r".+", re.S),
}


def load_table(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"<!-- format-table-begin -->\n(.*?)<!-- format-table-end -->", text, re.S)
    if not m:
        sys.exit(f"{path}: no format table between the markers")
    rows = []
    for n, line in enumerate(m.group(1).splitlines()):
        if not line.startswith("|") or n < 2:
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) != 8:
            sys.exit(f"{path}: table row with {len(cells)} cells: {line}")
        doc, node, attr, present, fmt, origin = cells[:6]
        rows.append({"doc": doc, "node": node, "attr": attr, "present": present, "format": fmt,
                     "origin": origin, "seen": 0})
    return rows


def fmt_ok(fmt, value):
    if fmt in FORMATS:
        return FORMATS[fmt].fullmatch(value) is not None
    return value in fmt.split("|")	# literal values


def node_matches(path, elem_path):
    """path: 'device[type=pci]/io_mem[pci_bar!=6]' (= or !=); elem_path: list of elements from the root's child down."""
    steps = path.split("/")
    if len(steps) != len(elem_path):
        return False
    for step, e in zip(steps, elem_path):
        m = re.fullmatch(r"([\w-]+)(?:\[(\w+)(!?=)([\w.-]+)\])?", step)
        if not m or e.tag != m.group(1):
            return False
        if m.group(2) and (e.get(m.group(2)) == m.group(4)) != (m.group(3) == "="):
            return False
    return True


def walk(root):
    """Every element below the root with its path (list of elements)."""
    stack = [([c], c) for c in root]
    while stack:
        path, e = stack.pop(0)
        yield path, e
        stack.extend((path + [c], c) for c in e)


def check(rows, kind, flags, path, fails):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        fails.append(f"{path}: not readable XML: {err}")
        return 0
    mine = [r for r in rows if r["doc"] == kind]
    checked = 0
    for epath, e in walk(root):
        nrows = [r for r in mine if node_matches(r["node"], epath)]
        where = f"{path}: <{'/'.join(x.tag for x in epath)}" + (f" name={epath[0].get('name')}" if
                                                              epath[0].get('name') else "") + ">"
        if not nrows:
            fails.append(f"{where}: no row in the table for this node")
            continue
        names = {r["attr"] for r in nrows}
        for a in e.attrib:
            if a not in names:
                fails.append(f"{where}: attribute {a}= has no row in the table")
        for r in nrows:
            if r["attr"] == "-":	# a node without attributes of its own
                r["seen"] += 1
                continue
            v = e.get(r["attr"])
            p = r["present"]
            must = (p == "always" or p == "ecam" or (p == "info" and "info" in flags) or
                    (p == "live" and "live" in flags))
            if p.startswith("when "):
                cond = p[5:]
                a, _, want = cond.partition("=")
                must = e.get(a) is not None and (not want or e.get(a) == want)
            if p == "info" and "info" not in flags and v is not None:
                fails.append(f"{where}: {r['attr']}= without info=\"yes\"")
            if v is None:
                if must:
                    fails.append(f"{where}: {r['attr']}= missing (present: {p})")
                continue
            r["seen"] += 1
            checked += 1
            if not fmt_ok(r["format"], v):
                fails.append(f"{where}: {r['attr']}=\"{v}\" is not {r['format']}")
    # The root element's own attributes: rows with the root's tag as node.
    for a, v in root.attrib.items():
        rs = [r for r in mine if r["node"] == root.tag and r["attr"] == a]
        if not rs:
            fails.append(f"{path}: <{root.tag} {a}=> has no row in the table")
        for r in rs:
            r["seen"] += 1
            checked += 1
            if not fmt_ok(r["format"], v):
                fails.append(f"{path}: <{root.tag} {a}=\"{v}\"> is not {r['format']}")
    return checked


def main():
    args = sys.argv[1:]
    coverage = not (args and args[0] == "--no-coverage")
    args = args[1:] if not coverage else args
    if len(args) < 2:
        sys.exit(__doc__)
    rows = load_table(args[0])
    kinds, total, failed = set(), 0, False
    for spec in args[1:]:
        kf, _, path = spec.partition("=")
        kind, _, flags = kf.partition(":")
        kinds.add(kind)
        fails = []
        n = check(rows, kind, set(flags.split(",")) if flags else set(), path, fails)
        total += n
        label = f"{kind}{':' + flags if flags else ''} {path.split('/')[-1]}"
        failed = failed or bool(fails)
        if fails:
            print(f"FAIL - genode_format {label}: {len(fails)} problems; {'; '.join(fails[:6])}")
        else:
            print(f"ok - genode_format {label} ({n} attributes checked)")
    if not coverage:
        return 1 if failed else 0
    unseen = [f"{r['doc']} {r['node']} {r['attr']}" for r in rows
              if r["doc"] in kinds and not r["seen"] and r["present"] not in ("live", "rare")]
    failed = failed or bool(unseen)
    if unseen:
        print(f"FAIL - genode_format_every_row_exercised: {len(unseen)} rows never seen: {'; '.join(unseen[:8])}")
    else:
        print(f"ok - genode_format_every_row_exercised "
              f"({sum(1 for r in rows if r['doc'] in kinds)} rows, {total} attributes checked)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
