#!/usr/bin/env python3
"""Host check of the survey on the USB stick (docs/usb.md): the results
partition of the stick image (MKX_STICK) is read with mtools, no mount, and
compared with the serial log (MKX_LOG):
  - every report the log says was stored is a file of the size it said;
  - platform.devices.xml lists exactly the functions of the platform
    driver's lspci -n view, with the same ids and class;
  - acpi.acpi.xml's _PRT routing gives each root-bus function the GSI the
    acpi component logged for it;
  - log.txt is core's log: every line of it is on the serial port (but for
    lines the console dropped, as many as core said), and every core line on
    the serial port from the mount on is in it.
  - the framebuffer modes: each fb_modes report (fb_vesa's VBE probe,
    fb_boot's firmware framebuffer) lists exactly the modes its component
    logged, mode for mode; with --fb vbe (legacy boot on QEMU's std VGA)
    fb_vesa found a VESA BIOS offering 1024x768x32 and 800x600x32 with a
    linear framebuffer at BAR0 of the VGA function in platform.devices.xml,
    and fb_boot found no firmware framebuffer; with --fb firmware (UEFI)
    fb_boot reports one mode, the one the kernel's efifb logged on the
    serial port (mode, line length, address; needs loglevel=7).
With MKX_EXPECT_NO_RESULTS=1 (no or a broken results partition), the check
is that nothing was stored and the log said so."""
import argparse, os, re, subprocess, sys
import xml.etree.ElementTree as ET
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_log

def fail(msg):
    print(f"usb_results: {msg}", file=sys.stderr)
    sys.exit(1)

def results_offset(stick):
    """Byte offset of partition 2 from the MBR, or None without one."""
    with open(stick, "rb") as f:
        mbr = f.read(512)
    e = mbr[446 + 16: 446 + 32]
    return int.from_bytes(e[8:12], "little") * 512 if e[4] else None

def mtools(args, stick, off):
    r = subprocess.run(args[:1] + ["-i", f"{stick}@@{off}"] + args[1:], capture_output=True)
    return r.returncode, r.stdout

def serial_lines(path):
    """The serial log as serial_log.py reads it: (core's, the components' and the kernel's
    lines, the runner's stamps off; every line on the serial port, for log.txt's lines)."""
    log = serial_log.Log(path)
    return log.lines, log.raw

MODE_LINE = re.compile(r"mode (0x[0-9a-f]+|current): (\d+)x(\d+)x(\d+), pitch (\d+), (\S+), "
                       r"(?:linear framebuffer at (0x[0-9a-f]+)|no linear framebuffer)")

def fb_modes(lines, read, names, fb):
    """The fb_modes reports against the mode lines of their components; returns what was checked."""
    said = []
    reports = {}
    for comp in ("fb_vesa", "fb_boot"):
        name = f"{comp}.fb_modes.xml"
        if name not in names:
            fail(f"the log does not say {name} was stored")
        root = ET.fromstring(read(name))
        reports[comp] = root
        xml_modes = [(m.get("number") or "current", int(m.get("width")), int(m.get("height")), int(m.get("bpp")),
                      int(m.get("pitch")), m.get("model"), m.get("phys") if m.get("linear") == "yes" else None)
                     for m in root.iter("mode")]
        log_modes = [(m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)), m.group(6),
                      m.group(7))
                     for l in lines if l.startswith(f"[init -> {comp}] mode ")
                     for m in [MODE_LINE.match(l[len(f"[init -> {comp}] "):])] if m]
        if xml_modes != log_modes:
            fail(f"{name}: {len(xml_modes)} modes differ from the {len(log_modes)} mode lines {comp} logged "
                 f"(first report/log: {xml_modes[:1]} / {log_modes[:1]})")
        if (root.get("found") == "yes") != bool(xml_modes):
            fail(f"{name}: found=\"{root.get('found')}\" with {len(xml_modes)} modes")
        said.append(f"{comp}: {len(xml_modes)} modes")
    if fb == "vbe":
        vesa, boot = reports["fb_vesa"], reports["fb_boot"]
        if vesa.get("found") != "yes":
            fail(f"fb_vesa found no VESA BIOS on a legacy boot: {vesa.get('why')}")
        if boot.get("found") != "no":
            fail("fb_boot reports a firmware framebuffer on a legacy boot in VGA text mode")
        vga = [d for d in ET.fromstring(read("platform.devices.xml")).iter("device")
               if d.find("pci-config") is not None and int(d.find("pci-config").get("class"), 16) >> 8 == 0x0300]
        bar0 = [m.get("address") for d in vga for m in d.iter("io_mem") if m.get("pci_bar") == "0"]
        if len(bar0) != 1 or not bar0[0]:
            fail(f"platform.devices.xml has no single VGA function with an addressed BAR0 ({bar0})")
        have = {(int(m.get("width")), int(m.get("height")), int(m.get("bpp"))): m for m in vesa.iter("mode")
                if m.get("linear") == "yes"}
        for want in ((1024, 768, 32), (800, 600, 32)):
            if want not in have:
                fail("fb_vesa.fb_modes.xml has no linear mode %dx%dx%d" % want)
        wrong = [m.get("number") for m in have.values() if int(m.get("phys"), 16) != int(bar0[0], 16)]
        if wrong:
            fail(f"linear framebuffer of mode(s) {wrong} is not at the VGA's BAR0 {bar0[0]}")
        said.append(f"VBE linear framebuffers at the VGA's BAR0 {bar0[0]}")
    elif fb == "firmware":
        modes = list(reports["fb_boot"].iter("mode"))
        if reports["fb_boot"].get("found") != "yes" or len(modes) != 1:
            fail("fb_boot reports no single firmware framebuffer mode on a UEFI boot")
        m = modes[0]
        kernel = [serial_log.KERNEL_STAMP.sub("", l, count=1) for l in lines if serial_log.kind(l) == "kernel"]
        efi = [e for l in kernel for e in [re.match(r"efifb: mode is (\d+)x(\d+)x(\d+), linelength=(\d+)", l)] if e]
        at = [e for l in kernel for e in [re.match(r"efifb: framebuffer at (0x[0-9a-f]+)", l)] if e]
        if not efi or not at:
            fail("the kernel's efifb lines are not on the serial port (loglevel below 7?)")
        kernel = tuple(int(x) for x in efi[0].groups()) + (int(at[0].group(1), 16),)
        ours = (int(m.get("width")), int(m.get("height")), int(m.get("bpp")), int(m.get("pitch")),
                int(m.get("phys"), 16))
        if ours != kernel:
            fail(f"fb_boot reports {ours}, the kernel's efifb says {kernel} (width, height, bpp, pitch, address)")
        said.append("fb_boot's mode is efifb's")
    return ", ".join(said)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fb", choices=("vbe", "firmware"), help="what the framebuffer probes must have found")
    a = ap.parse_args()
    stick, log = os.environ.get("MKX_STICK"), os.environ["MKX_LOG"]
    if not stick:
        fail("MKX_STICK not set: not a usb_image scenario")
    lines, raw = serial_lines(log)
    off = results_offset(stick)
    if os.environ.get("MKX_EXPECT_NO_RESULTS") == "1":
        if not any(l.startswith("[init] reports: could not store results:") for l in lines):
            fail("the log does not say the results could not be stored")
        if off is not None and mtools(["mdir", "-b", "::/"], stick, off)[0] == 0:
            fail("the results partition has a file system after all")
        print("usb_results: no results partition usable, and the log said so")
        return
    if off is None:
        fail("the stick has no partition 2")
    rc, out = mtools(["mdir", "-b", "::/"], stick, off)
    if rc:
        fail("mdir on the results partition failed")
    files = {}
    def read(name):
        if name not in files:
            rc, data = mtools(["mcopy", f"::/{name}", "-"], stick, off)
            if rc:
                fail(f"{name}: not on the results partition (mdir: {out.decode().split()})")
            files[name] = data
        return files[name]
    stored = [(m.group(1), m.group(2), int(m.group(3))) for l in lines
              for m in [re.match(r'\[init\] report "(.*)" stored as /results/(\S+) \((\d+) bytes\)', l)] if m]
    if not stored:
        fail("the log names no stored report")
    for label, name, size in stored:
        if len(read(name)) != size:
            fail(f"{name}: {len(read(name))} bytes, the log said {size}")
    names = {n for _, n, _ in stored}
    for need in ("acpi.acpi.xml", "platform.devices.xml"):
        if need not in names:
            fail(f"the log does not say {need} was stored")

    # The devices report against the platform driver's lspci -n view on the serial port.
    plat = [l[len("[init -> platform] "):] for l in lines if l.startswith("[init -> platform] ")]
    try:
        start = plat.index("--- lspci -n ---")
    except ValueError:
        fail("no lspci -n view in the log")
    lspci = {}
    for l in plat[start + 1:]:
        if l == "--- end ---":
            break
        m = re.match(r"([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) ([0-9a-f]{4}): ([0-9a-f]{4}):([0-9a-f]{4})", l)
        if m:
            lspci[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16))
    devs = {}
    for d in ET.fromstring(read("platform.devices.xml")).iter("device"):
        c = d.find("pci-config")
        if c is None:
            continue                # not a PCI function (the report also names ps2, pit, ioapic, ...)
        devs[d.get("name")] = (int(c.get("class"), 16) >> 8, int(c.get("vendor_id"), 16), int(c.get("device_id"), 16))
    if not lspci or devs != lspci:
        fail(f"platform.devices.xml {sorted(devs.items())} differs from the log's lspci -n {sorted(lspci.items())}")

    # The acpi report's _PRT against the routes acpi logged (root bus: no swizzle).
    prt = {}
    for r in ET.fromstring(read("acpi.acpi.xml")).iter("routing"):
        if int(r.get("bridge_bdf"), 16) == 0:
            prt[(int(r.get("device"), 16), int(r.get("device_pin"), 16))] = int(r.get("gsi"), 16)
    routes = 0
    for l in lines:
        m = re.match(r"\[init -> acpi\] route 00:([0-9a-f]{2})\.[0-7] INT([A-D]) -> GSI (\d+)", l)
        if m:
            key = (int(m.group(1), 16), "ABCD".index(m.group(2)))
            if prt.get(key) != int(m.group(3)):
                fail(f"acpi.acpi.xml routes {l.split('route ')[1]} to GSI {prt.get(key)}")
            routes += 1

    if not routes:
        fail("the log has no route line of the acpi component for a root-bus function: nothing to compare")

    # log.txt against core's lines on the serial port.
    text = read("log.txt").decode("utf-8", "replace").splitlines()
    serial = set(raw)
    missing = [l for l in text if l not in serial]
    # A console that lags loses lines (output.c says how many); the file has them all.
    dropped = sum(int(m.group(1)) for l in lines
                  for m in [re.match(r"\[init\] (\d+) log lines dropped", l)] if m)
    if len(missing) > dropped:
        fail(f"log.txt has {len(missing)} line(s) the serial port did not ({dropped} dropped there), "
             f"first: {missing[0]!r}")
    try:
        first = next(i for i, l in enumerate(lines) if l.startswith("[init] reports: stored as files in /results"))
    except StopIteration:
        fail("the log does not say where reports are stored")
    want = [l for l in lines[first:] if l.startswith("[init") and not re.match(r"\[init\] \d+ log lines dropped", l)]
    have = set(text)
    lost = [l for l in want if l not in have]
    if lost:
        fail(f"{len(lost)} core line(s) of the serial port not in log.txt, first: {lost[0]!r}")
    fb = fb_modes(lines, read, names, a.fb)
    print(f"usb_results: {len(stored)} reports and log.txt ({len(text)} lines) on the stick equal the serial log; "
          f"{len(devs)} PCI functions, {routes} INTx routes checked; {fb}")

if __name__ == "__main__":
    main()
