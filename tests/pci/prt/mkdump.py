#!/usr/bin/env python3
"""Simulated machines for the _PRT routing tests (tests/pci/prt_test.sh).

mkdump.py spec SPECFILE OUTDIR
    One function per line of SPECFILE, '#' starts a comment:
      [SSSS:]BB:DD.F bridge SEC SUB [PIN]   a PCI-to-PCI bridge (header type 1)
      [SSSS:]BB:DD.F dev PIN                an endpoint (header type 0), PIN 0-4 (1 = INTA)
    Function 0 of a device is marked multifunction if the spec has other
    functions of that device. Writes OUTDIR/config.txt (lspci -xxxx text).

mkdump.py sample SAMPLEDIR OUTDIR
    A machine built from one of ../shared/acpi-samples: for each _PRT of a
    device directly below the first root bridge, a bridge at that device's
    _ADR (from ACPICA's expected.devices.txt) with its own secondary bus, and
    on that bus one function per entry of the _PRT (slot, pin); on the root
    bus one function per entry of the root bridge's _PRT at slots no bridge
    uses. Behind the first root port with a slot-0 entry, a switch (upstream
    port, downstream port at device 2) with a four-function device: those
    pins are swizzled twice (PCI-to-PCI Bridge spec 9.1) before that root
    port's _PRT applies. Only entries that give a GSI directly (Source 0)
    are used. Writes OUTDIR/config.txt, OUTDIR/spec.txt and OUTDIR/want.txt:
    "BB:DD.F INTx GSI n" per function with a pin, the GSI from ACPICA's
    expected.prt.txt (the oracle), sorted as the platform driver's views.
    Prints how many of those a plain swizzle up to the root bridge's _PRT
    would route differently (so the test can tell the two apart).
"""
import os
import sys


def parse_addr(s):
    parts = s.replace('.', ':').split(':')
    v = [int(x, 16) for x in parts]
    if len(v) == 3:
        v = [0] + v
    return tuple(v)


def config_text(funcs):
    """funcs: {(seg,bus,dev,fn): (kind, sec, sub, pin)} -> lspci -xxxx text."""
    out = []
    for a in sorted(funcs):
        kind, sec, sub, pin = funcs[a]
        cfg = bytearray(256)
        cfg[0:2] = (0x8086).to_bytes(2, 'little')
        cfg[2:4] = (0x1000 + a[2] * 8 + a[3]).to_bytes(2, 'little')
        multi = any(b[:3] == a[:3] and b[3] != 0 for b in funcs) and a[3] == 0
        if kind == 'bridge':
            cfg[0x09:0x0c] = bytes([0x00, 0x04, 0x06])	# prog-if, subclass, class: PCI bridge
            cfg[0x0e] = 0x01 | (0x80 if multi else 0)
            cfg[0x18] = a[1]
            cfg[0x19] = sec
            cfg[0x1a] = sub
        else:
            cfg[0x09:0x0c] = bytes([0x00, 0x00, 0xff])
            cfg[0x0e] = 0x80 if multi else 0
        cfg[0x3d] = pin
        cfg[0x3c] = 0xff
        out.append('%04x:%02x:%02x.%x' % a)
        for row in range(16):
            out.append('%02x: %s' % (row * 16, ' '.join('%02x' % b for b in cfg[row * 16:row * 16 + 16])))
    return '\n'.join(out) + '\n'


def read_spec(path):
    funcs = {}
    for line in open(path):
        f = line.split('#')[0].split()
        if not f:
            continue
        a = parse_addr(f[0])
        if f[1] == 'bridge':
            funcs[a] = ('bridge', int(f[2], 16), int(f[3], 16), int(f[4]) if len(f) > 4 else 0)
        else:
            funcs[a] = ('dev', 0, 0, int(f[2]))
    return funcs


def name(a):
    return ('%04x:' % a[0] if a[0] else '') + '%02x:%02x.%x' % a[1:]


def sample(sdir, odir):
    devices = {}
    roots = []
    for line in open(os.path.join(sdir, 'expected.devices.txt')):
        f = line.split()
        if len(f) >= 3 and f[1] == 'ROOT_BRIDGE':
            roots.append(f[0])
        elif len(f) >= 3 and f[1] == '_ADR':
            devices[f[0]] = int(f[2], 16)
    root = roots[0]
    prt = {}	# owner path -> {(slot, pin): gsi}
    for line in open(os.path.join(sdir, 'expected.prt.txt')):
        f = line.split()
        if len(f) != 5 or f[3] != '0':
            continue
        owner = f[0][:-len('._PRT')]
        prt.setdefault(owner, {})[(int(f[1], 16) >> 16, int(f[2]))] = int(f[4])
    rootprt = prt.get(root, {})
    ports = sorted(o for o in prt if o != root and o.rsplit('.', 1)[0] == root and o in devices)
    funcs, want, differ = {}, {}, 0
    used = set(devices[o] >> 16 for o in ports)
    nextbus = 1
    switched = False

    def plain_swizzle(port_adr, slot, pin):
        """What a swizzle through the root port (ignoring its _PRT) would give."""
        p = (pin + slot) % 4
        return rootprt.get((port_adr >> 16, p))

    for o in ports:
        adr = devices[o]
        if (adr & 0xffff) > 7:
            continue
        sec = nextbus
        entries = prt[o]
        if not switched and (0, 0) in entries:
            # Root port -> upstream port sec:00.0 -> downstream port (sec+1):02.0 -> device (sec+2):00.0-3
            switched = True
            funcs[(0, 0, adr >> 16, adr & 0xffff)] = ('bridge', sec, sec + 2, 0)
            funcs[(0, sec, 0, 0)] = ('bridge', sec + 1, sec + 2, 0)
            funcs[(0, sec + 1, 2, 0)] = ('bridge', sec + 2, sec + 2, 0)
            for pin in range(4):
                a = (0, sec + 2, 0, pin)
                funcs[a] = ('dev', 0, 0, pin + 1)
                # Up from bus sec+2 (own device 0: pin unchanged), through the downstream
                # port at device 2 on bus sec+1 (pin + 2), to the upstream port at slot 0 of bus sec.
                p = ((pin + 0) + 2) % 4
                if (0, p) in entries:
                    want[a] = entries[(0, p)]
            nextbus += 3
            continue
        funcs[(0, 0, adr >> 16, adr & 0xffff)] = ('bridge', sec, sec, 0)
        for (slot, pin), gsi in entries.items():
            a = (0, sec, slot, pin)
            funcs[a] = ('dev', 0, 0, pin + 1)
            want[a] = gsi
            if plain_swizzle(adr, slot, pin) != gsi:
                differ += 1
        nextbus += 1
    for (slot, pin), gsi in rootprt.items():
        if slot in used:
            continue
        a = (0, 0, slot, pin)
        funcs[a] = ('dev', 0, 0, pin + 1)
        want[a] = gsi
    # A multifunction device needs function 0: fill gaps with pinless functions.
    for a in list(funcs):
        if (a[0], a[1], a[2], 0) not in funcs:
            funcs[(a[0], a[1], a[2], 0)] = ('dev', 0, 0, 0)
    os.makedirs(odir, exist_ok=True)
    open(os.path.join(odir, 'config.txt'), 'w').write(config_text(funcs))
    with open(os.path.join(odir, 'spec.txt'), 'w') as s:
        for a in sorted(funcs):
            k = funcs[a]
            s.write('%s %s\n' % (name(a), 'bridge %02x %02x' % (k[1], k[2]) if k[0] == 'bridge' else 'dev %d' % k[3]))
    with open(os.path.join(odir, 'want.txt'), 'w') as w:
        for a in sorted(want):
            w.write('%s INT%s GSI %d\n' % (name(a), 'ABCD'[funcs[a][3] - 1], want[a]))
    print('%d pins, %d routed otherwise (or not at all) by a plain swizzle, %d root ports' % (len(want), differ, len(ports)))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ('spec', 'sample'):
        sys.exit(__doc__)
    if sys.argv[1] == 'spec':
        os.makedirs(sys.argv[3], exist_ok=True)
        open(os.path.join(sys.argv[3], 'config.txt'), 'w').write(config_text(read_spec(sys.argv[2])))
    else:
        sample(sys.argv[2], sys.argv[3])


main()
