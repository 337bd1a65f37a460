#!/usr/bin/env python3
"""Build a USB stick image of a scenario: one raw disk that boots on legacy
BIOS and on UEFI, with the stock kernel, the scenario's initramfs and a
writable FAT partition for results (docs/usb.md).

  run/usb.py NAME [--results ok|missing|broken] [-o FILE]

Layout (MBR, so one partition table serves both firmwares):
  sector 0            GRUB's boot.img (first 440 bytes) + the partition table
  sectors 1..2047     GRUB's i386-pc core.img (the classic MBR gap)
  partition 1  48 MiB type ef, active: FAT32 "MKXBOOT": EFI/BOOT/BOOTX64.EFI,
                      boot/grub/grub.cfg, mkx/vmlinuz, mkx/initrd.gz
  partition 2  16 MiB type 0e: FAT16 "MKXRESULTS", empty (core stores results)

No root and no loop device: each partition is a file made by mkfs.fat and
filled with mtools, then copied into the image at its offset. --results
missing leaves partition 2 out, broken keeps it but without a file system
(the survey must say it could not store its results)."""
import argparse, os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenario import load
import image

SECTOR = 512
GAP = 2048                      # sectors before partition 1: room for core.img
BOOT_SECTORS = 48 * 2048        # partition 1
RESULTS_SECTORS = 16 * 2048     # partition 2
BOOT_LABEL, RESULTS_LABEL = "MKXBOOT", "MKXRESULTS"
# Kernel arguments on the stick: the screen and the serial port both get the
# kernel's messages (the last console= is /dev/console, core's stdout: the
# serial port, read by the runner; core copies its log to the screen itself).
# No panic=: a laptop that panics keeps the message on its screen instead of
# rebooting into the survey again (the runner's failure pattern sees it on serial).
STICK_KERNEL_ARGS = "console=tty0 console=ttyS0,115200 iomem=relaxed"

# Found by label, so the same early config serves both firmwares and any disk order.
EARLY_CFG = f"""search --no-floppy --label {BOOT_LABEL} --set=root
set prefix=($root)/boot/grub
"""
# Every module built in: nothing is loaded from the stick at boot.
GRUB_MODULES = "part_msdos fat search search_label normal linux boot echo configfile test"
GRUB_PC_MODULES = "biosdisk"
GRUB_EFI_MODULES = "efi_gop efi_uga video video_fb"

def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        sys.exit(f"usb: {' '.join(cmd)}: {r.stderr.strip() or r.stdout.strip()}")
    return r.stdout

def grub_images(tmp):
    cfg = os.path.join(tmp, "early.cfg")
    with open(cfg, "w") as f:
        f.write(EARLY_CFG)
    pc, efi = os.path.join(tmp, "core.img"), os.path.join(tmp, "bootx64.efi")
    run(["grub-mkimage", "-O", "i386-pc", "-o", pc, "-c", cfg, "-p", "/boot/grub"]
        + (GRUB_MODULES + " " + GRUB_PC_MODULES).split())
    run(["grub-mkimage", "-O", "x86_64-efi", "-o", efi, "-c", cfg, "-p", "/boot/grub"]
        + (GRUB_MODULES + " " + GRUB_EFI_MODULES).split())
    if os.path.getsize(pc) > (GAP - 1) * SECTOR:
        sys.exit(f"usb: core.img ({os.path.getsize(pc)} bytes) does not fit before partition 1")
    return pc, efi

def grub_cfg(name, kernel_args):
    return f"""set timeout=0
set default=0
menuentry "mkx {name}" {{
	echo "mkx: loading the kernel and the {name} initramfs"
	linux /mkx/vmlinuz {kernel_args}
	initrd /mkx/initrd.gz
}}
"""

def fat_partition(path, sectors, fat, label, files):
    """files: [(src or None for a directory, '::/dst')], in order."""
    run(["mkfs.fat", "-C", "-F", str(fat), "-s", "1", "-n", label, "-i", "6d6b7800" if fat == 32 else "6d6b7801",
         path, str(sectors * SECTOR // 1024)])
    for src, dst in files:
        run(["mmd", "-i", path, dst] if src is None else ["mcopy", "-i", path, src, dst])

def build(name, scn, bindir, out, results="ok"):
    if results not in ("ok", "missing", "broken"):
        sys.exit(f"usb: results partition '{results}': use ok (usb_image=1), missing or broken")
    kdir = "build/kernel"
    outdir = os.path.dirname(out) or "."
    os.makedirs(outdir, exist_ok=True)
    initrd = image.build(name, scn, bindir, kdir, os.path.join(outdir, f"{name}.initramfs.cpio.gz"))
    args = " ".join(filter(None, [STICK_KERNEL_ARGS, scn.get("kernel_args", "")]))
    with tempfile.TemporaryDirectory(dir=outdir) as tmp:
        pc, efi = grub_images(tmp)
        cfg = os.path.join(tmp, "grub.cfg")
        with open(cfg, "w") as f:
            f.write(grub_cfg(name, args))
        p1 = os.path.join(tmp, "p1.img")
        fat_partition(p1, BOOT_SECTORS, 32, BOOT_LABEL, [
            (None, "::/EFI"), (None, "::/EFI/BOOT"), (efi, "::/EFI/BOOT/BOOTX64.EFI"),
            (None, "::/boot"), (None, "::/boot/grub"), (cfg, "::/boot/grub/grub.cfg"),
            (None, "::/mkx"), (os.path.join(kdir, "vmlinuz"), "::/mkx/vmlinuz"), (initrd, "::/mkx/initrd.gz")])
        p2 = None
        if results == "ok":
            p2 = os.path.join(tmp, "p2.img")
            fat_partition(p2, RESULTS_SECTORS, 16, RESULTS_LABEL, [])
        total = GAP + BOOT_SECTORS + RESULTS_SECTORS
        tmpimg = os.path.join(tmp, "disk.img")
        with open(tmpimg, "wb") as f:
            f.truncate(total * SECTOR)
        table = f"label: dos\nlabel-id: 0x6d6b7855\nstart={GAP}, size={BOOT_SECTORS}, type=ef, bootable\n"
        if results != "missing":
            table += f"start={GAP + BOOT_SECTORS}, size={RESULTS_SECTORS}, type=e\n"
        run(["sfdisk", "--no-reread", "--no-tell-kernel", "-q", tmpimg], input=table)
        with open(tmpimg, "r+b") as f:
            with open("/usr/lib/grub/i386-pc/boot.img", "rb") as b:
                boot = bytearray(b.read(440))       # the partition table after it stays sfdisk's
            # As grub-install does for a hard disk: trust %dl only if it is one
            # (0x80..); some BIOSes pass a floppy number for a USB stick.
            boot[0x66:0x68] = b"\x90\x90"
            f.write(boot)
            f.seek(SECTOR)                          # core.img's blocklist says: from sector 1 on
            with open(pc, "rb") as c:
                f.write(c.read())
            for start, part in ((GAP, p1), (GAP + BOOT_SECTORS, p2)):
                if part:
                    f.seek(start * SECTOR)
                    with open(part, "rb") as p:
                        shutil.copyfileobj(p, f)
        os.replace(tmpimg, out)
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", nargs="?", default="survey")
    ap.add_argument("--results", choices=("ok", "missing", "broken"), default="ok")
    ap.add_argument("-o", "--out")
    a = ap.parse_args()
    scn = load(a.name)
    b = os.environ.get("B", "build/out")
    if subprocess.run(["run/kernel.sh"], stdout=subprocess.DEVNULL).returncode:
        sys.exit("usb: could not fetch the kernel (run/kernel.sh)")
    out = a.out or f"build/usb/mkx-{a.name}.img"
    print(build(a.name, scn, os.path.join(b, "bin"), out, a.results))

if __name__ == "__main__":
    main()
