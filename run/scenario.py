"""Scenario files: run/scenarios/<name>.scn, one `key=value` per line
(# comments; values may be quoted). Keys: see docs/run.md."""
import os, re, shlex, subprocess, sys

KEYS = {"description", "config", "binaries", "roms", "modules", "qemu_args", "kernel_args",
        "memory", "success", "failure", "timeout", "host_check", "expect_failure", "qmp", "settle",
        "usb_image"}

# init: a file to boot as /init instead of core (core is then /bin/core): an
# ordinary Linux userland starts first and runs core itself (host mode).
KEYS |= {"init"}

# disk: "PATH SIZE" (SIZE in bytes, or with K/M/G), may repeat: a zero-filled raw image
# made fresh (sparse) each time the scenario is loaded, for QEMU's -drive file=PATH and a
# host check that reads it after the run (scenario nvme).
KEYS |= {"disk"}

# disk_fill: a host command run when the scenario is loaded, after the disk= lines above it
# made their images: it pre-fills an image with a known pattern, so a host check can tell
# which blocks the guest wrote (scenario genode_nvme).
KEYS |= {"disk_fill"}

def make_disk(spec):
    path, size = spec.split()
    n = int(size[:-1]) << {"K": 10, "M": 20, "G": 30}[size[-1]] if size[-1] in "KMG" else int(size)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:     # truncated: nothing of an earlier run survives
        f.truncate(n)

def load(name):
    """name: a scenario of run/scenarios/, or DIR/<name> for run/DIR/ (bench/, tools/),
    or the path of a .scn file anywhere (its name is then the file's, without .scn)."""
    if name.endswith(".scn"):
        if not os.path.isfile(name):
            sys.exit(f"scenario file '{name}' not found")
        d, base = os.path.split(name)
        base, name = base[:-4], base[:-4]
    else:
        d, base = ("run/" + name.split("/", 1)[0], name.split("/", 1)[1]) if "/" in name else ("run/scenarios", name)
    path = os.path.join(d, base + ".scn")
    if not os.path.exists(path):
        have = sorted(f[:-4] for f in os.listdir(d) if f.endswith(".scn"))
        sys.exit(f"scenario '{name}' not found; known: {' '.join(have)}")
    scn = {}
    with open(path) as f:
        for no, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, val = line.partition("=")
            if not sep or key not in KEYS:
                sys.exit(f"{path}:{no}: expected key=value with key one of {' '.join(sorted(KEYS))}")
            val = val.strip()
            if len(val) >= 2 and val[0] == val[-1] and val[0] in "'\"":
                val = val[1:-1]
            if key == "success":        # may repeat: every pattern must be seen
                scn.setdefault("success_all", []).append(val)
            if key == "disk":
                try:
                    make_disk(val)
                except (ValueError, KeyError, OSError) as e:
                    sys.exit(f"{path}:{no}: disk= wants 'PATH SIZE' (bytes, or with K/M/G): {e}")
            if key == "disk_fill" and subprocess.run(shlex.split(val)).returncode:
                sys.exit(f"{path}:{no}: disk_fill command failed: {val}")
            scn[key] = val
    for req in ("config", "success"):
        if req not in scn:
            sys.exit(f"{path}: missing '{req}='")
    for key in ("failure", "expect_failure"):
        try:
            re.compile(scn.get(key, ""))
        except re.error as e:
            sys.exit(f"{path}: {key}= is not a regular expression: {e}")
    for pat in scn["success_all"]:
        try:
            re.compile(pat)
        except re.error as e:
            sys.exit(f"{path}: success= /{pat}/ is not a regular expression: {e}")
    scn["name"] = name
    return scn


def failed_as_expected(path, output):
    """(ok, why) for a scenario with expect_failure: the runner's last RESULT line must be a
    FAIL whose reason (the text after "RESULT: FAIL: ") matches expect_failure, a Python
    regular expression (re.search: anchor it with ^ to pin the reason)."""
    expect = load(path).get("expect_failure")
    if not expect:
        return False, f"{path} has no expect_failure"
    results = [l for l in output.splitlines() if l.startswith("RESULT: ")]
    if not results:
        return False, "the runner printed no RESULT line"
    if not results[-1].startswith("RESULT: FAIL: "):
        return False, f"not a failure: {results[-1]}"
    if not re.search(expect, results[-1][len("RESULT: FAIL: "):]):
        return False, f"failed for another reason than /{expect}/: {results[-1]}"
    return True, results[-1]


if __name__ == "__main__":
    # scenario.py expect SCN_FILE RUNNER_OUTPUT: exit 0 if the run failed for the stated reason.
    if len(sys.argv) != 4 or sys.argv[1] != "expect":
        sys.exit("usage: scenario.py expect SCN_FILE RUNNER_OUTPUT")
    with open(sys.argv[3], errors="replace") as f:
        ok, why = failed_as_expected(sys.argv[2], f.read())
    print(why)
    sys.exit(0 if ok else 1)
