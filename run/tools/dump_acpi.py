#!/usr/bin/env python3
"""Dump the ACPI tables QEMU q35 gives a guest, for tests/acpi/q35/:
boots run/tools/acpi_dump.scn with each topology below and writes the
tables as .dat files (names as acpixtract -a gives them: dsdt.dat,
ssdt1.dat, ..., apic.dat, mcfg.dat). Run once when QEMU or a topology
changes; the result is checked in.  Usage: run/tools/dump_acpi.py [NAME]"""
import base64, os, re, subprocess, sys

TOPOLOGIES = {
    "default": "-vga std",
    "bridges": "-device pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x4 "
               "-device x3130-upstream,id=up1,bus=rp1 "
               "-device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=2 "
               "-device e1000e,bus=dn1 "
               "-device pcie-pci-bridge,id=pb1,bus=pcie.0,addr=0x5 "
               "-device edu,bus=pb1,addr=0x3 "
               "-device edu,bus=pcie.0,addr=0x6,multifunction=on "
               "-device edu,bus=pcie.0,addr=0x6.1",
    "pxb": "-device pxb-pcie,id=pxb1,bus_nr=0x80,numa_node=0,bus=pcie.0,addr=0x9 "
           "-device pcie-root-port,id=rp2,chassis=3,slot=3,bus=pxb1 "
           "-device edu,bus=rp2 -object memory-backend-ram,id=m0,size=256M -numa node,nodeid=0,memdev=m0",
}

def dump(name, args):
    env = dict(os.environ, QEMU_ARGS=args)
    r = subprocess.run(["python3", "run/runner.py", "tools/acpi_dump"], env=env,
                       capture_output=True, text=True)
    log = open("build/images/tools-acpi_dump/serial.log").read()
    if r.returncode:
        sys.exit(f"{name}: boot failed:\n{r.stdout[-2000:]}")
    out = f"tests/acpi/q35/{name}"
    os.makedirs(out, exist_ok=True)
    ssdt = 0
    for m in re.finditer(r"ACPIDUMP (\S+) (\S+)", log):
        t, data = m.group(1), base64.b64decode(m.group(2))
        sig = t.rstrip("0123456789").lower()
        if sig == "ssdt":
            ssdt += 1
            fname = f"ssdt{ssdt}.dat"
        elif sig.startswith("dynamic-"):
            continue
        else:
            fname = f"{sig}.dat"
        open(os.path.join(out, fname), "wb").write(data)
    open(os.path.join(out, "QEMU_ARGS"), "w").write(args + "\n")
    print(f"{name}: {len(os.listdir(out)) - 1} tables in {out}")

for n in (sys.argv[1:] or TOPOLOGIES):
    dump(n, TOPOLOGIES[n])
