#!/usr/bin/env python3
"""Boot a scenario in QEMU q35 (TCG) with core as PID 1 and judge it by its
serial log, in the spirit of Genode's run scripts.

  run/runner.py [--show] NAME [--qemu-args '...'] [--kernel-args '...']

Exit status: 0 pass, 1 fail (reason on the RESULT line), 2 setup error.
QEMU is always cleaned up: it runs in its own process group, killed on
every way out of this script."""
import argparse, os, re, select, shlex, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenario import load
import image, usb

BASE_KERNEL_ARGS = "console=ttyS0 panic=-1 iomem=relaxed"

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name")
    ap.add_argument("--show", action="store_true", help="stream the serial log (default: only on failure)")
    ap.add_argument("--qemu-args", default=os.environ.get("QEMU_ARGS", ""))
    ap.add_argument("--kernel-args", default=os.environ.get("KERNEL_ARGS", ""))
    a = ap.parse_args()

    scn = load(a.name)
    b = os.environ.get("B", "build/out")
    if subprocess.run(["run/kernel.sh"], stdout=subprocess.DEVNULL).returncode:
        print("RESULT: FAIL: could not fetch the kernel (run/kernel.sh)")
        return 2
    outdir = f"build/images/{a.name.replace('/', '-')}"
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
    cmd = ["qemu-system-x86_64", "-name", f"mkx-scenario-{a.name.replace('/', '-')}",
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

    pending = [re.compile(p) for p in scn["success_all"]]   # all must appear, in any order
    failure = re.compile(scn["failure"]) if scn.get("failure") else None
    timeout = float(scn.get("timeout", "120"))
    logpath = os.path.join(outdir, "serial.log")
    result, reason = None, ""
    print(f"scenario {a.name}: {scn.get('description', '')}")
    print("qemu: " + " ".join(shlex.quote(c) for c in cmd), flush=True)
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
    def feed(chunk, lf, t0):
        """Split into lines, timestamp, log; returns the new complete lines."""
        state["buf"] += chunk
        lines = []
        while b"\n" in state["buf"]:
            raw, state["buf"] = state["buf"].split(b"\n", 1)
            line = raw.decode("utf-8", "replace").rstrip("\r")
            stamped = f"[{time.monotonic() - t0:7.2f}] {line}"
            lf.write(stamped + "\n")
            lf.flush()
            state["tail"] = (state["tail"] + [stamped])[-40:]
            if a.show:
                print(stamped, flush=True)
            lines.append(line)
        return lines
    failed_late = []
    def check_failure(line):
        """A failure pattern fails the scenario at any time, also after success."""
        nonlocal result, reason
        if failure and failure.search(line):
            result, reason = "FAIL", f"failure pattern /{scn['failure']}/ matched: {line.strip()}"
            failed_late.append(line)
            return True
        return False
    with open(logpath, "w") as lf:
        try:
            while result is None:
                left = timeout - (time.monotonic() - t0)
                if left <= 0:
                    result, reason = "FAIL", f"timeout: success pattern(s) {' '.join('/' + p.pattern + '/' for p in pending)} not seen within {timeout:.0f} s"
                    break
                r, _, _ = select.select([q.stdout], [], [], min(left, 1.0))
                if not r:
                    continue
                chunk = os.read(q.stdout.fileno(), 65536)
                if not chunk:
                    q.wait()
                    result, reason = "FAIL", f"QEMU exited (status {q.returncode}) before the success pattern"
                    break
                for line in feed(chunk, lf, t0):
                    if check_failure(line):
                        break
                    pending = [p for p in pending if not p.search(line)]
                    if not pending:
                        result = "PASS"
                        reason = f"success pattern{'s' if len(scn['success_all']) > 1 else ''} seen " \
                                 f"{time.monotonic() - t0:.1f} s after QEMU start"
                        break
            if result == "PASS" and scn.get("host_check"):
                env = dict(os.environ, MKX_LOG=logpath, MKX_QMP=qmp, MKX_OUT=outdir, MKX_STICK=stick or "")
                chk = subprocess.run(scn["host_check"], shell=True, env=env, capture_output=True, text=True)
                if chk.stdout.strip():
                    print(chk.stdout.rstrip())
                if chk.returncode:
                    result, reason = "FAIL", f"host check failed: {chk.stderr.strip() or chk.stdout.strip()}"
            # Success is not the end: keep watching for failure until QEMU has
            # exited (core powers off when its composition ends). A composition
            # that runs on (a driver serving forever) is watched for `settle`
            # seconds more, then stopped; the reason says so.
            settle = float(scn.get("settle", "15"))
            end = time.monotonic() + (settle if result == "PASS" else 0)
            exited = False
            while result == "PASS" and time.monotonic() < end:
                r, _, _ = select.select([q.stdout], [], [], 0.5)
                if r:
                    chunk = os.read(q.stdout.fileno(), 65536)
                    if not chunk:
                        exited = True
                        break
                    for line in feed(chunk, lf, t0):
                        if check_failure(line):
                            reason += " (after the success patterns)"
                            break
                elif q.poll() is not None:
                    exited = True
                    break
            if result == "PASS":
                reason += "; QEMU exited" if exited else f"; watched {settle:.0f} s more, no failure, QEMU stopped"
        finally:
            kill_qemu()
            q.wait()
    tail = state["tail"]
    if result != "PASS" and not a.show:
        print("---- last 40 lines of the serial log:")
        for l in tail:
            print("    " + l)
    print(f"RESULT: {result}: {reason}")
    print(f"log: {logpath}")
    return 0 if result == "PASS" else 1

if __name__ == "__main__":
    sys.exit(main())
