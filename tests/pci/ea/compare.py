#!/usr/bin/env python3
"""Compare pci --dump's Enhanced Allocation notes (argv[2]) with lspci -vvv -F's EA lines
(argv[1]) on the same dump. Every entry lspci prints must be in a note with the same
enable, writable, BAR equivalent indicator (where lspci prints one), properties, base and
max offset (where lspci prints them); the capability's entry count and a bridge's fixed
buses too. Prints what differs, one line each; exit 1 if anything does."""
import re
import sys

BEI = {f"BAR {i}": i for i in range(6)}
BEI["resource behind function"] = 6	# lspci 3.9's words for BEI 6 (a bridge's entry); others: unmapped, -1
PROP = {"memory space, non-prefetchable": 0x00, "memory space, prefetchable": 0x01, "I/O space": 0x02}

want, fn, ent = [], None, None
for l in open(sys.argv[1]):
    m = re.match(r"([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) ", l)
    if m:
        fn = m.group(1)
        continue
    m = re.search(r"Enhanced Allocation \(EA\): NumEntries=(\d+)(?:, secondary=(\d+), subordinate=(\d+))?", l)
    if m:
        want.append(("cap", fn, int(m.group(1)), m.group(2) and int(m.group(2)), m.group(3) and int(m.group(3))))
        continue
    m = re.search(r"Entry (\d+): Enable([+-]) Writable([+-]) EntrySize=(\d+)", l)
    if m:
        ent = {"fn": fn, "n": int(m.group(1)), "en": m.group(2) == "+", "wr": m.group(3) == "+"}
        want.append(("entry", ent))
        continue
    m = re.search(r"BAR Equivalent Indicator: (.*)", l)
    if m and ent:
        ent["bei"] = BEI.get(m.group(1).strip(), -1)
    m = re.search(r"(Primary|Secondary)Properties: (.*)", l)
    if m and ent:
        ent[m.group(1).lower()] = PROP.get(m.group(2).strip(), -1)
    m = re.search(r"\b(Base|MaxOffset): ([0-9a-f]+)", l)
    if m and ent:
        ent[m.group(1).lower()] = int(m.group(2), 16)

notes = open(sys.argv[2]).read()
bad = []
for w in want:
    if w[0] == "cap":
        _, fn, num, sec, sub = w
        word = "entry" if num == 1 else "entries"
        pat = rf"^{re.escape(fn)}: Enhanced Allocation at 0x[0-9a-f]+: {num} {word}"
        if sec is not None:
            pat += rf", fixed secondary bus {sec:02x}, fixed subordinate bus {sub:02x}$"
        else:
            pat += "$"
        if not re.search(pat, notes, re.M):
            bad.append(f"{fn}: no note for NumEntries={num} (secondary {sec}, subordinate {sub})")
        continue
    e = w[1]
    m = re.search(rf"^{re.escape(e['fn'])}: EA entry {e['n']} at 0x[0-9a-f]+: BEI (\d+), primary ([0-9a-f]+), "
                  rf"secondary ([0-9a-f]+), (enabled|disabled), (writable|not writable), base (\S+), "
                  rf"max offset (\S+)$", notes, re.M)
    if not m:
        bad.append(f"{e['fn']} entry {e['n']}: no note")
        continue
    got = {"bei": int(m.group(1)), "primary": int(m.group(2), 16), "secondary": int(m.group(3), 16),
           "en": m.group(4) == "enabled", "wr": m.group(5) == "writable",
           "base": m.group(6), "maxoffset": m.group(7)}
    for k in ("en", "wr", "bei", "primary", "secondary"):
        if k in e and e[k] != got[k]:
            bad.append(f"{e['fn']} entry {e['n']}: {k} {got[k]}, lspci says {e[k]}")
    for k in ("base", "maxoffset"):
        if k in e and (got[k] == "none" or int(got[k], 16) != e[k]):
            bad.append(f"{e['fn']} entry {e['n']}: {k} {got[k]}, lspci says {e[k]:#x}")
for b in bad:
    print(b)
print(f"{sum(1 for w in want if w[0] == 'entry')} entries compared")
sys.exit(1 if bad else 0)
