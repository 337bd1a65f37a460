#!/usr/bin/env python3
"""Build the initramfs of a scenario: core as /init, the scenario's
components in /bin, its config as /config.xml, and exactly the kernel
modules it names (plus their dependencies, in load order) listed in
/modules.list. Output: build/images/<name>/initramfs.cpio.gz. Cached: only
rebuilt when an input is newer than the image."""
import glob, gzip, os, shutil, subprocess, sys

def modules_dir(kdir):
    dirs = glob.glob(os.path.join(kdir, "pkg/lib/modules/*/kernel"))
    if not dirs:
        sys.exit(f"image: no modules under {kdir}/pkg; run run/kernel.sh")
    return dirs[0]

def find_module(mdir, name):
    want = {name + ".ko", name.replace("_", "-") + ".ko", name.replace("-", "_") + ".ko"}
    for root, _, files in os.walk(mdir):
        for f in files:
            if f in want:
                return os.path.join(root, f)
    sys.exit(f"image: kernel module '{name}' not found in {mdir}")

def module_order(mdir, names):
    """Dependencies first, each module once (modinfo -F depends)."""
    order, seen = [], set()
    def visit(name, depth=0):
        if depth > 32:
            sys.exit(f"image: module dependency loop at {name}")
        path = find_module(mdir, name)
        if path in seen:
            return
        deps = subprocess.run(["modinfo", "-F", "depends", path], capture_output=True,
                              text=True, check=True).stdout.strip()
        for d in filter(None, deps.split(",")):
            visit(d, depth + 1)
        if path not in seen:
            seen.add(path)
            order.append(path)
    for n in names:
        visit(n)
    return order

def copy_libs(binary, root):
    """A dynamic binary brings what ldd lists (libraries and the loader)."""
    r = subprocess.run(["ldd", binary], capture_output=True, text=True)
    if r.returncode or "not a dynamic executable" in r.stdout + r.stderr:
        return
    for line in r.stdout.splitlines():
        parts = line.split()
        path = parts[2] if "=>" in parts and len(parts) > 2 else parts[0]
        if not path.startswith("/"):
            continue                              # linux-vdso
        dst = root + path
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy(os.path.realpath(path), dst)

def build(name, scn, bindir, kdir, out):
    root = out + ".root"
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, "lib/modules"))
    if scn.get("init"):
        # An ordinary userland boots first and starts core as a daemon (host mode).
        shutil.copy(scn["init"], os.path.join(root, "init"))
        os.chmod(os.path.join(root, "init"), 0o755)
        shutil.copy(os.path.join(bindir, "core"), os.path.join(root, "bin", "core"))
    else:
        shutil.copy(os.path.join(bindir, "core"), os.path.join(root, "init"))
    for b in scn.get("binaries", "").split():
        src = os.path.join(bindir, b)
        if not os.path.exists(src):
            sys.exit(f"image: scenario {name} needs binary '{b}', not built in {bindir}")
        shutil.copy(src, os.path.join(root, "bin", b))
        copy_libs(src, root)
    for rom in scn.get("roms", "").split():
        shutil.copy(rom, os.path.join(root, "bin", os.path.basename(rom)))
        copy_libs(rom, root)                      # a host program (e.g. /usr/bin/lspci) brings its libraries
    shutil.copy(scn["config"], os.path.join(root, "config.xml"))
    mods = scn.get("modules", "").split()
    lines = []
    if mods:
        mdir = modules_dir(kdir)
        for path in module_order(mdir, mods):
            dst = os.path.join("/lib/modules", os.path.basename(path))
            shutil.copy(path, root + dst)
            lines.append(dst)
    with open(os.path.join(root, "modules.list"), "w") as f:
        f.write("\n".join(lines) + ("\n" if lines else ""))
    files = subprocess.run(["find", "."], cwd=root, capture_output=True, text=True,
                           check=True).stdout
    cpio = subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0", "--quiet"], cwd=root,
                          input=files.encode(), capture_output=True, check=True).stdout
    with gzip.open(out + ".tmp", "wb", compresslevel=6) as f:
        f.write(cpio)
    os.replace(out + ".tmp", out)
    shutil.rmtree(root)
    return out

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    from scenario import load
    name = sys.argv[1]
    scn = load(name)
    b = os.environ.get("B", "build/out")
    out = f"build/images/{name}/initramfs.cpio.gz"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    print(build(name, scn, os.path.join(b, "bin"), "build/kernel", out))
