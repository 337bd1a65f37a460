#!/usr/bin/env python3
"""Boot a scenario in QEMU q35 (TCG) with core as PID 1 and judge it by its
serial log, in the spirit of Genode's run scripts.

  run/runner.py [--show | --show-all] NAME [--qemu-args '...'] [--kernel-args '...']

--show streams core's and the components' lines (and every line that reports a
failure) while it runs; --show-all streams every line of the serial log. The
full log is always in build/images/NAME/serial.log.
Exit status: 0 pass, 1 fail (reason on the RESULT line), 2 setup error.
QEMU is always cleaned up: it runs in its own process group, killed on
every way out of this script. MKX_QEMU names another program to run in
QEMU's place (the runner's self-test, tests/run/runner_selftest.py)."""
import argparse, os, re, select, shlex, signal, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "checks"))
from scenario import load
from serial_log import kind

BASE_KERNEL_ARGS = "console=ttyS0 panic=-1 iomem=relaxed"

# Kernel lines that report a failure: shown even when the kernel's log is not.
KERNEL_TROUBLE = re.compile(r"Kernel panic|\bOops\b|\bBUG:|general protection|segfault|"
                            r"DMAR: \[?DMA|DMAR: DRHD: handling fault|DMAR:.*[Ff]ault|Call Trace:|WARNING:")


def shown(line, show, failure):
    """Is this serial line streamed to the terminal? show: None, "filtered" or "all"."""
    if show == "all":
        return True
    if show != "filtered":
        return False
    return (kind(line) in ("core", "component") or line.startswith("MKX-") or line.startswith("core: ")
            or bool(KERNEL_TROUBLE.search(line)) or bool(failure and failure.search(line)))


def watch(cmd, scn, logpath, show=None, check_env=None):
    """Run cmd (QEMU), log its output to logpath and judge it by the scenario's patterns.

    Every line is checked against the failure pattern, also the lines after the last
    success pattern in the same read and every line until QEMU has exited (or `settle`
    seconds after success, then QEMU is stopped and what it wrote until then is read).
    Returns (result, reason, the last 40 stamped lines)."""
    pending = [re.compile(p) for p in scn["success_all"]]   # all must appear, in any order
    seen = []
    failure = re.compile(scn["failure"]) if scn.get("failure") else None
    timeout = float(scn.get("timeout", "120"))
    settle = float(scn.get("settle", "15"))
    t0 = time.monotonic()
    q = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    def kill_qemu(*_):
        try:
            os.killpg(q.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    signal.signal(signal.SIGTERM, lambda *_: (kill_qemu(), sys.exit(1)))
    signal.signal(signal.SIGINT, lambda *_: (kill_qemu(), sys.exit(1)))
    state = {"buf": b"", "tail": []}
    lf = open(logpath, "w")

    def feed(chunk):
        """Split into lines, timestamp, log; returns the new complete lines.
        An empty chunk (end of output) completes a last line without newline."""
        state["buf"] += chunk if chunk else (b"\n" if state["buf"] else b"")
        lines = []
        while b"\n" in state["buf"]:
            raw, state["buf"] = state["buf"].split(b"\n", 1)
            line = raw.decode("utf-8", "replace").rstrip("\r")
            stamped = f"[{time.monotonic() - t0:7.2f}] {line}"
            lf.write(stamped + "\n")
            lf.flush()
            state["tail"] = (state["tail"] + [stamped])[-40:]
            if shown(line, show, failure):
                print(stamped, flush=True)
            lines.append(line)
        return lines

    def judge(lines):
        """Every line: failure first; success patterns only count while no line failed.
        Returns None, or (result, reason) for the first failing line."""
        nonlocal pending
        for line in lines:
            if failure and failure.search(line):
                after = " (after the success patterns)" if not pending else ""
                return "FAIL", f"failure pattern matched: {line.strip()} (pattern /{scn['failure']}/){after}"
            for p in pending:
                if p.search(line):
                    seen.append(p)
            pending = [p for p in pending if p not in seen]
        return None

    def read(wait):
        """One read of QEMU's output: its lines, [] if nothing came, None at its end."""
        r, _, _ = select.select([q.stdout], [], [], wait)
        if not r:
            return []
        chunk = os.read(q.stdout.fileno(), 65536)
        return feed(chunk) if chunk else (feed(b"") or None)

    def drain():
        """After QEMU is gone: what it wrote before, up to the end of its output."""
        lines = []
        while True:
            got = read(5.0)
            if not got:                     # end (None), or a stuck pipe (should not be)
                return lines
            lines += got

    result, reason, exited = None, "", False
    try:
        # Until every success pattern was seen (or a failure, the timeout, QEMU's end).
        while result is None:
            left = timeout - (time.monotonic() - t0)
            if left <= 0:
                not_seen = " ".join("/" + p.pattern + "/" for p in pending)
                was = " ".join("/" + p.pattern + "/" for p in seen) or "none"
                result, reason = "FAIL", f"timeout after {timeout:.0f} s: not seen: {not_seen}; seen: {was}"
                break
            lines = read(min(left, 1.0))
            if lines is None:
                exited = True
                q.wait()
            bad = judge(lines or [])
            if bad is not None:
                result, reason = bad
            elif not pending:
                result = "PASS"
                reason = f"success pattern{'s' if len(scn['success_all']) > 1 else ''} seen " \
                         f"{time.monotonic() - t0:.1f} s after QEMU start"
            elif exited:
                result, reason = "FAIL", f"QEMU exited (status {q.returncode}) before the success pattern"
        if result == "PASS" and scn.get("host_check"):
            env = dict(os.environ, MKX_LOG=logpath, **(check_env or {}))
            chk = subprocess.run(scn["host_check"], shell=True, env=env, capture_output=True, text=True)
            if chk.stdout.strip():
                print(chk.stdout.rstrip())
            if chk.returncode:
                result, reason = "FAIL", f"host check failed: {chk.stderr.strip() or chk.stdout.strip()}"
        # Success is not the end: keep watching for failure until QEMU has exited
        # (core powers off when its composition ends). A composition that runs on
        # (a driver serving forever) is watched for `settle` seconds more, then
        # stopped; what it wrote until then is read and judged too.
        end = time.monotonic() + settle
        while result == "PASS" and not exited:
            left = end - time.monotonic()
            if left <= 0:
                kill_qemu()
                lines = drain()
            else:
                lines = read(min(left, 0.5))
            if lines is None:
                exited = True
            bad = judge(lines or [])
            if bad is not None:
                result, reason = bad
            elif left <= 0:
                reason += f"; watched {settle:.0f} s more, no failure, QEMU stopped"
                break
        if result == "PASS" and exited:
            reason += "; QEMU exited"
    finally:
        kill_qemu()
        q.wait()
        lf.close()
    return result, reason, state["tail"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name")
    ap.add_argument("--show", action="store_true",
                    help="stream core's and the components' lines and failure reports (default: nothing until the end)")
    ap.add_argument("--show-all", action="store_true", help="stream every line of the serial log")
    ap.add_argument("--qemu-args", default=os.environ.get("QEMU_ARGS", ""))
    ap.add_argument("--kernel-args", default=os.environ.get("KERNEL_ARGS", ""))
    a = ap.parse_args()
    show = "all" if a.show_all else "filtered" if a.show else None

    import image, usb
    scn = load(a.name)
    b = os.environ.get("B", "build/out")
    k = subprocess.run(["run/kernel.sh"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if k.returncode:                # apt-get's lines only when they explain a failure
        print(k.stderr.rstrip())
        print("RESULT: FAIL: could not fetch the kernel (run/kernel.sh)")
        return 2
    outdir = f"build/images/{scn['name'].replace('/', '-')}"
    os.makedirs(outdir, exist_ok=True)
    stick = None
    if scn.get("usb_image"):
        # A fresh stick image per run (the guest writes to it): boots through its own
        # firmware and GRUB, so the kernel's arguments are the image's (run/usb.py).
        stick = usb.build(a.name, scn, os.path.join(b, "bin"), f"{outdir}/stick.img",
                          {"1": "ok"}.get(scn["usb_image"], scn["usb_image"]))
    else:
        initrd = image.build(a.name, scn, os.path.join(b, "bin"), "build/kernel", f"{outdir}/initramfs.cpio.gz")

    qmp = os.path.join(outdir, "qmp.sock")
    cmd = shlex.split(os.environ.get("MKX_QEMU", "qemu-system-x86_64")) + [
           "-name", f"mkx-scenario-{scn['name'].replace('/', '-')}",
           "-M", "q35,accel=tcg", "-cpu", "max", "-m", scn.get("memory", "256M"),
           "-no-reboot", "-display", "none", "-monitor", "none", "-serial", "stdio"]
    if scn.get("qmp"):
        cmd += ["-qmp", f"unix:{qmp},server=on,wait=off"]
    cmd += shlex.split(scn.get("qemu_args", "")) + shlex.split(a.qemu_args)
    append = " ".join(filter(None, [BASE_KERNEL_ARGS, scn.get("kernel_args", ""), a.kernel_args]))
    if stick:
        cmd += ["-device", "qemu-xhci,id=xhci", "-device", "usb-storage,bus=xhci.0,drive=stick",
                "-drive", f"if=none,id=stick,format=raw,file={stick}"]
    else:
        cmd += ["-kernel", "build/kernel/vmlinuz", "-initrd", initrd, "-append", append]

    logpath = os.path.join(outdir, "serial.log")
    print(f"scenario {a.name}: {scn.get('description', '')}")
    print("qemu: " + " ".join(shlex.quote(c) for c in cmd))
    if show == "filtered":
        print(f"serial log: {logpath} (shown here: core's and the components' lines and failure reports; "
              f"V=1 shows all)")
    sys.stdout.flush()
    result, reason, tail = watch(cmd, scn, logpath, show,
                                 dict(MKX_QMP=qmp, MKX_OUT=outdir, MKX_STICK=stick or ""))
    if result != "PASS" and show != "all":
        print("---- last 40 lines of the serial log:")
        for l in tail:
            print("    " + l)
    print(f"RESULT: {result}: {reason}")
    print(f"log: {logpath}")
    return 0 if result == "PASS" else 1

if __name__ == "__main__":
    sys.exit(main())
