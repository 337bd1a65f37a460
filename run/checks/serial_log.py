#!/usr/bin/env python3
"""The one reader of a scenario's serial log ($MKX_LOG) for the host checks and the runner.

The runner stamps every line with the seconds since QEMU start ("[   5.65] "); the reader
takes that stamp off and keeps only the lines whose author is known by how they begin:

  core        "[init] ..."            (core's own log)
  component   "[init -> NAME] ..."    (a child's LOG session; core writes the prefix)
  kernel      "[    2.223603] ..."    (the kernel's printk timestamp)

A child can print any text, but only inside its own "[init -> NAME] " line, so a check that
anchors its match at the start of a line of the author it expects cannot be satisfied by a
child that prints core-looking text. Everything else on the serial port (core's unprefixed
MKX-FATAL/MKX-POWEROFF, a pre-core program's output) is in `raw` only.

As a program (for the shell checks):
  serial_log.py [--raw] [LOG]     the kept lines (or all lines), stamps off, one per line
Default LOG: $MKX_LOG."""
import os, re, sys

RUNNER_STAMP = re.compile(r"^\[ *[0-9]+\.[0-9]{2}\] ")       # runner.py's "{:7.2f}"
KERNEL_STAMP = re.compile(r"^\[ *[0-9]+\.[0-9]{6}\] ")       # printk's "[%5lu.%06lu]"
COMPONENT = re.compile(r"^\[init -> ([^\]\s][^\]]*)\] ")
CORE = "[init] "


def kind(line):
    """'core', 'component', 'kernel' or None (no known author) for a line without the runner's stamp."""
    if line.startswith(CORE):
        return "core"
    if COMPONENT.match(line):
        return "component"
    if KERNEL_STAMP.match(line):
        return "kernel"
    return None


def unstamp(raw):
    """A line of the log file without its newline and the runner's stamp."""
    return RUNNER_STAMP.sub("", raw.rstrip("\n").rstrip("\r"), count=1)


class Log:
    def __init__(self, path=None):
        path = path or os.environ["MKX_LOG"]
        with open(path, encoding="utf-8", errors="replace") as f:
            self.raw = [unstamp(l) for l in f]
        self.lines = [l for l in self.raw if kind(l)]
        self.text = "\n".join(self.lines) + "\n"

    def core(self):
        """core's lines, without "[init] "."""
        return [l[len(CORE):] for l in self.lines if l.startswith(CORE)]

    def of(self, name):
        """Lines of component NAME, without "[init -> NAME] "."""
        p = f"[init -> {name}] "
        return [l[len(p):] for l in self.lines if l.startswith(p)]

    def kernel(self):
        """Kernel lines, without the printk timestamp."""
        return [KERNEL_STAMP.sub("", l, count=1) for l in self.lines if KERNEL_STAMP.match(l)]

    def match(self, regex, who="core"):
        """re.match objects of REGEX at the start of each line of WHO (after its prefix):
        who "core", "kernel" or a component's name."""
        body = self.core() if who == "core" else self.kernel() if who == "kernel" else self.of(who)
        r = re.compile(regex)
        return [m for l in body for m in [r.match(l)] if m]

    def first(self, regex, who="core"):
        m = self.match(regex, who)
        return m[0] if m else None


def main():
    args = sys.argv[1:]
    raw = "--raw" in args
    args = [a for a in args if a != "--raw"]
    log = Log(args[0] if args else None)
    sys.stdout.write("".join(l + "\n" for l in (log.raw if raw else log.lines)))


if __name__ == "__main__":
    main()
