#!/usr/bin/env python3
"""make bench, acpi part: CPU time (user+sys) of one whole run that loads
the QEMU q35 DSDT, initialises the namespace and evaluates every _PRT
after \\_PIC(1): ours (acpi --tables DIR --prt) vs. ACPICA's acpiexec doing
the same. CPU time, not wall time: acpiexec sleeps about a second on exit,
which is not work. Median of 15 runs each, measured in this same run."""
import os, resource, statistics, subprocess, sys

D = sys.argv[1] if len(sys.argv) > 1 else "tests/acpi/q35/default"
B = os.environ.get("B", "build/out")

def cpu(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

ours = [cpu([f"{B}/bin/acpi", "--tables", D, "--prt"]) for _ in range(15)]
theirs = [cpu(["acpiexec", "-b", "evaluate \\_PIC 1; evaluate \\_SB.PCI0._PRT", os.path.join(D, "dsdt.dat")])
          for _ in range(15)]
o, t = statistics.median(ours), statistics.median(theirs)
print(f"\nACPI: load + initialise + all _PRT of the q35 DSDT ({D}), CPU time, median of 15 runs:")
print(f"  acpiexec (ACPICA 20200925, reference) {t * 1000:8.2f} ms   1.00x")
print(f"  acpi --prt (ours)                     {o * 1000:8.2f} ms   {o / t if t else float('nan'):.2f}x")
