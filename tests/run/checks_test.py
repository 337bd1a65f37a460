#!/usr/bin/env python3
"""run/checks/serial_log.py (the one reader of the serial log) and the host checks that use
it. The fixtures in tests/run/fixtures/ are serial logs of real scenario runs (acpi,
fb_bochs, nic_restart, platform_report; the kernel's lines cut to the first five): each
check must pass on its real log, and fail on the same log forged so that a line of core's
(or of the component the check asks) is only inside another child's own line, the way a
child can print any text in its "[init -> NAME] " line; platform_views.py must fail on a
missing or empty section. MKX_CHECKS_DIR runs the same cases against other checks (e.g.
those of an older commit)."""
import os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CHECKS = os.environ.get("MKX_CHECKS_DIR", os.path.join(ROOT, "run", "checks"))
FIX = os.path.join(HERE, "fixtures")
sys.path.insert(0, os.path.join(ROOT, "run", "checks"))
import serial_log

def fixture(name):
    with open(os.path.join(FIX, name + ".log")) as f:
        return f.read()

def forge(text, line_re, child):
    """The lines matching line_re (after the runner's stamp) become text child prints in its own line."""
    r = re.compile(r"^(\[ *[0-9.]+\] )(" + line_re + ")", re.M)
    out, n = r.subn(lambda m: f"{m.group(1)}[init -> {child}] {m.group(2)}", text)
    assert n, f"forge: /{line_re}/ matches no line of the fixture"
    return out

def drop_section(text, who_prefix, name, empty):
    """Remove (or empty) section NAME: its lines between '--- NAME ---' and '--- end ---'."""
    p = re.escape(who_prefix)
    r = re.compile(r"^(\[ *[0-9.]+\] " + p + r"--- " + re.escape(name) + r" ---\n)((?:.*\n)*?)(\[ *[0-9.]+\] " + p +
                   r"--- end ---\n)", re.M)
    out, n = r.subn(lambda m: (m.group(1) + m.group(3)) if empty else "", text, count=1)
    assert n, f"no section {name}"
    return out

def run_check(cmd, text, tmp):
    log = os.path.join(tmp, "serial.log")
    with open(log, "w") as f:
        f.write(text)
    env = dict(os.environ, MKX_LOG=log, MKX_OUT=tmp, B=os.environ.get("B", os.path.join(ROOT, "build", "out")))
    r = subprocess.run(cmd, shell=True, cwd=ROOT, env=env, capture_output=True, text=True)
    return r.returncode, (r.stderr.strip() or r.stdout.strip()).splitlines()[-1:] or [""]

CORE_PUBLISHED = r'\[init\] report "acpi -> acpi" published'
CASES = [
    # (name, check command, fixture text, pass?)
    ("acpi_passes_its_real_log", "run/checks/acpi.sh", lambda: fixture("acpi"), True),
    ("acpi_fails_core_publish_line_forged_by_a_child", "run/checks/acpi.sh",
     lambda: forge(fixture("acpi"), CORE_PUBLISHED, "rom_reader"), False),
    ("acpi_fails_oracle_lines_forged_by_another_child", "run/checks/acpi.sh",
     lambda: forge(fixture("acpi"), r"\[init -> pci_irq_oracle\] oracle ", "acpi"), False),
    ("bar_prober_passes_its_real_log", "run/checks/bar_prober.sh", lambda: fixture("fb_bochs"), True),
    ("bar_prober_fails_without_core_refusals", "run/checks/bar_prober.sh",
     lambda: forge(fixture("fb_bochs"), r'\[init\] denied IO_MEM session "bar_prober"', "fb_bochs"), False),
    ("dma_order_passes_its_real_log", "run/checks/dma_order.sh 00:02.0", lambda: fixture("nic_restart"), True),
    ("dma_order_fails_core_bus_master_line_forged_by_a_child", "run/checks/dma_order.sh 00:02.0",
     lambda: forge(fixture("nic_restart"), r'\[init\] DMA "platform": 00:02\.0: bus master off', "nic_client_b"),
     False),
    ("platform_views_passes_its_real_log", "run/checks/platform_views.py --conf1", lambda: fixture("platform_report"),
     True),
    ("platform_views_fails_core_ecam_grant_forged_by_a_child", "run/checks/platform_views.py --conf1",
     lambda: forge(fixture("platform_report"), r'\[init\] IO_MEM "platform": 0xb0000000', "acpi"), False),
    ("platform_views_fails_an_empty_linux_irq_section", "run/checks/platform_views.py --conf1",
     lambda: drop_section(fixture("platform_report"), "", "linux irq", True), False),
    ("platform_views_fails_empty_irq_and_intx_sections", "run/checks/platform_views.py --conf1",
     lambda: drop_section(drop_section(fixture("platform_report"), "", "linux irq", True),
                          "[init -> platform] ", "intx", True), False),
    ("platform_views_fails_a_missing_lspci_vvv_section", "run/checks/platform_views.py --conf1",
     lambda: drop_section(fixture("platform_report"), "", "linux lspci -vvv", False), False),
    ("platform_views_fails_a_missing_intx_section", "run/checks/platform_views.py --conf1",
     lambda: drop_section(fixture("platform_report"), "[init -> platform] ", "intx", False), False),
]
READER = ["serial_log_keeps_authors_and_strips_the_runner_stamp", "serial_log_a_child_line_is_never_core"]

from results import print, exit_status

print(f"plan {len(READER) + len(CASES)}")

# The reader itself.
lines = ("[   5.65] [init] DMA \"platform\": 00:03.0: bus master off\n"
         "[   5.66] [init -> evil] [init] DMA \"platform\": 00:03.0: bus master off\n"
         "[   5.67] [    2.223603] Run /init as init process\n"
         "[   5.68] MKX-FATAL: invalid config\n"
         "[   5.69] [  12.34] looks like the runner's stamp twice\n"
         "[   5.70] plain text of a program before core\n")
with tempfile.TemporaryDirectory() as tmp:
    log = os.path.join(tmp, "serial.log")
    with open(log, "w") as f:
        f.write(lines)
    L = serial_log.Log(log)
    want = ['[init] DMA "platform": 00:03.0: bus master off', '[init -> evil] [init] DMA "platform": 00:03.0: bus master off',
            "[    2.223603] Run /init as init process"]
    ok = L.lines == want and len(L.raw) == 6 and L.kernel() == ["Run /init as init process"]
    print(f"ok - {READER[0]}" if ok else f"FAIL - {READER[0]}: lines {L.lines}, raw {len(L.raw)}, kernel {L.kernel()}")
    ok = (L.core() == ['DMA "platform": 00:03.0: bus master off'] and L.of("evil") == ['[init] DMA "platform": 00:03.0: bus master off']
          and len(L.match(r'DMA "platform"')) == 1 and L.match(r'DMA "platform"', "evil") == [])
    print(f"ok - {READER[1]}" if ok else f"FAIL - {READER[1]}: core {L.core()}, evil {L.of('evil')}")

    for name, cmd, text, passes in CASES:
        try:
            t = text()
        except AssertionError as e:
            print(f"FAIL - {name}: fixture: {e}")
            continue
        cmd = cmd.replace("run/checks/", CHECKS + "/", 1)
        rc, why = run_check(cmd, t, tmp)
        if (rc == 0) == passes:
            print(f"ok - {name}")
        else:
            print(f"FAIL - {name}: {cmd} exited {rc} ({why[0]}), wanted {'pass' if passes else 'failure'}")
sys.exit(exit_status())
