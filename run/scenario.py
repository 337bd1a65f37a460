"""Scenario files: run/scenarios/<name>.scn, one `key=value` per line
(# comments; values may be quoted). Keys: see docs/run.md."""
import os, sys

KEYS = {"description", "config", "binaries", "roms", "modules", "qemu_args", "kernel_args",
        "memory", "success", "failure", "timeout", "host_check", "expect_failure", "qmp", "settle",
        "usb_image"}

# init: a file to boot as /init instead of core (core is then /bin/core): an
# ordinary Linux userland starts first and runs core itself (host mode).
KEYS |= {"init"}

def load(name):
    """name: a scenario of run/scenarios/, or DIR/<name> for run/DIR/ (bench/, tools/)."""
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
            scn[key] = val
    for req in ("config", "success"):
        if req not in scn:
            sys.exit(f"{path}: missing '{req}='")
    scn["name"] = name
    return scn
