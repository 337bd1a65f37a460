#!/usr/bin/env python3
"""make bench, acpi part: CPU time (user+sys) of one whole run that loads
the QEMU q35 DSDT, initialises the namespace and evaluates every _PRT
after \\_PIC(1): ours (acpi --tables DIR --prt) vs. ACPICA's acpiexec
doing the same. CPU time, not wall time: acpiexec sleeps about a second on
exit, which is not work. Median of 15 runs each, measured in this same run.

Same set on both sides: the _PRT paths are those ours evaluates (the first
column of --prt), and acpiexec evaluates each of them through a small SSDT
compiled here with iasl: method \\BPnn returns SizeOf(<path>._PRT()). The
SSDT is needed because acpiexec's debugger cannot return the q35 _PRT
itself (AE_BUFFER_OVERFLOW: its 16 KiB result buffer is too small, yet it
exits 0). Each acpiexec run must exit 0, report no error, and return for
every _PRT as many entries as ours printed; otherwise this is an error
(exit 1), never a ratio. The version is read from acpiexec's banner."""
import os, re, resource, statistics, subprocess, sys, tempfile

D = sys.argv[1] if len(sys.argv) > 1 else "tests/acpi/q35/default"
B = os.environ.get("B", "build/out")
RUNS = int(os.environ.get("MKX_BENCH_RUNS", "15"))	# tests/acpi/bench_acpi_test.sh: 1


def die(msg):
    print(f"bench acpi: {msg}", file=sys.stderr)
    sys.exit(1)


def cpu(cmd, check):
    """CPU seconds (user + sys) of one whole run of cmd; check(returncode, output) may die."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    except OSError as e:
        die(f"{cmd[0]} not runnable: {e}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    check(p.returncode, p.stdout.decode(errors="replace"))
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    dsdt = os.path.join(D, "dsdt.dat")
    if not os.path.isfile(dsdt):
        die(f"no DSDT at {dsdt}")
    # ours loads the SSDTs of D too: so does acpiexec (ssdt.dat, ssdt1.dat, ... in that order)
    ssdts = sorted((f for f in os.listdir(D) if re.fullmatch(r"ssdt\d*\.dat", f)),
                   key=lambda f: int(f[4:-4] or -1))
    ours_cmd = [f"{B}/bin/acpi", "--tables", D, "--prt"]
    try:
        p = subprocess.run(ours_cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    except OSError as e:
        die(f"ours not runnable: {e}")
    out = p.stdout.decode(errors="replace")
    if p.returncode:
        die(f"{' '.join(ours_cmd)} exited {p.returncode}:\n{out[-2000:]}")
    rows = {}
    for line in out.splitlines():
        if line.startswith("\\") and "._PRT " in line:
            path = line.split()[0]
            rows[path] = rows.get(path, 0) + 1
    if not rows:
        die(f"ours printed no _PRT entry for {D}")

    try:
        banner = subprocess.run(["acpiexec", "-v"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                check=False).stdout.decode(errors="replace")
    except OSError as e:
        die(f"acpiexec not runnable: {e}")
    m = re.search(r"version (\d{8})", banner)
    if not m:
        die(f"acpiexec -v shows no version:\n{banner}")
    version = m.group(1)

    paths = sorted(rows)
    asl = ['DefinitionBlock ("", "SSDT", 2, "MKX", "BENCH", 1)', "{"]
    for i, path in enumerate(paths):
        asl.append(f"    External ({path}, MethodObj)")
        asl.append(f"    Method (\\BP{i:02X}, 0, NotSerialized) {{ Local0 = {path} () Return (SizeOf (Local0)) }}")
    asl.append("}")
    tmp = tempfile.mkdtemp(prefix="mkx-bench-acpi-")
    with open(os.path.join(tmp, "prt.asl"), "w") as f:
        f.write("\n".join(asl) + "\n")
    c = subprocess.run(["iasl", "-p", os.path.join(tmp, "prt"), os.path.join(tmp, "prt.asl")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    ssdt = os.path.join(tmp, "prt.aml")
    if c.returncode or not os.path.isfile(ssdt):
        die(f"iasl could not compile the _PRT SSDT ({tmp}/prt.asl):\n{c.stdout.decode(errors='replace')[-2000:]}")
    batch = "; ".join(["evaluate \\_PIC 1"] + [f"evaluate \\BP{i:02X}" for i in range(len(paths))])
    theirs_cmd = ["acpiexec", "-b", batch, dsdt] + [os.path.join(D, f) for f in ssdts] + [ssdt]

    def check_theirs(rc, text):
        if rc:
            die(f"the reference failed: acpiexec exited {rc}:\n{text[-2000:]}")
        bad = [l for l in text.splitlines() if re.search(r"ACPI Error|ACPI Exception|failed with status", l)]
        if bad:
            die("the reference failed: acpiexec reported:\n  " + "\n  ".join(bad[:10]))
        got = re.findall(r"Evaluation of \\BP([0-9A-F]{2}) returned.*\n\s*\[Integer\] = ([0-9A-Fa-f]+)", text)
        counts = {int(i, 16): int(v, 16) for i, v in got}
        for i, path in enumerate(paths):
            if counts.get(i) != rows[path]:
                die(f"the reference evaluated {path} to {counts.get(i, 'nothing')} entries, ours to {rows[path]}")

    def check_ours(rc, text):
        if rc:
            die(f"ours failed: {' '.join(ours_cmd)} exited {rc}:\n{text[-2000:]}")

    ours = [cpu(ours_cmd, check_ours) for _ in range(RUNS)]
    theirs = [cpu(theirs_cmd, check_theirs) for _ in range(RUNS)]
    o, t = statistics.median(ours), statistics.median(theirs)
    if t <= 0:
        die("acpiexec's CPU time measured as 0: no ratio")
    n = sum(rows.values())
    print(f"method: CPU time (user+sys) of whole processes, median of {RUNS} runs each; each loads {D}, "
          f"initialises, evaluates \\_PIC(1) and {len(paths)} _PRT ({n} entries)")
    ref = f"acpiexec (ACPICA {version}; the _PRT through a {os.path.getsize(ssdt)}-byte SSDT, reference)"
    print(f"  {ref}  {t * 1000:8.2f} ms   1.00x")
    print(f"  {'acpi --prt (ours)'.ljust(len(ref))}  {o * 1000:8.2f} ms   {o / t:.2f}x")

if __name__ == "__main__":
    main()
