#!/usr/bin/env python3
"""Host check of what the survey put on the screen (docs/usb.md), over QMP
($MKX_QMP) while QEMU still holds the guest's last picture (the survey
scenarios run QEMU with -no-shutdown):

  - a screendump: not blank, and console text in its upper quarter (rows of
    character height that carry both background and foreground pixels);
  - --fb-from-log: the screendump's size equals the firmware framebuffer
    fb_boot logged (an oracle independent of boot_params: QEMU's own
    display size);
  - --vga-text: the VGA text memory (0xb8000, 32 KiB, read with QMP
    pmemsave) holds, as text, core's last log lines before the power-off,
    and for each --line PATTERN (regular expression) the last serial line
    matching it; what
    the kernel's VGA console wrote, whether or not it has scrolled out of
    the visible 25 rows since.

  survey_screen.py [--fb-from-log] [--vga-text] [--line RE]... [--ppm FILE]
Exit 0 if all holds; else 1 with what did not."""
import argparse, json, os, re, socket, sys, time

def qmp(sock_path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(50):
        try:
            s.connect(sock_path)
            break
        except OSError:
            time.sleep(0.1)
    f = s.makefile("rw")
    json.loads(f.readline())
    def cmd(c, **args):
        f.write(json.dumps({"execute": c, "arguments": args} if args else {"execute": c}) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "return" in r or "error" in r:
                if "error" in r:
                    raise RuntimeError(f"QMP {c}: {r['error']}")
                return r["return"]
    cmd("qmp_capabilities")
    return cmd

def read_ppm(path):
    data = open(path, "rb").read()
    parts, pos = [], 0
    while len(parts) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        parts.append(data[pos:end])
        pos = end
    if parts[0] != b"P6" or parts[3] != b"255":
        raise ValueError(f"{path}: not a binary 8-bit PPM")
    return int(parts[1]), int(parts[2]), data[pos + 1:]

def text_rows(w, h, px, cell_h=16):
    """Per band of cell_h pixel rows: does it look like a text line (some
    pixels differ from the band's most common colour, but few)?"""
    rows = []
    for top in range(0, h - cell_h + 1, cell_h):
        counts = {}
        for y in range(top, top + cell_h):
            line = px[y * w * 3:(y + 1) * w * 3]
            for x in range(0, w * 3, 3 * 2):          # every other pixel is enough
                c = line[x:x + 3]
                counts[c] = counts.get(c, 0) + 1
        total = sum(counts.values())
        bg = max(counts.values())
        fg = total - bg
        rows.append(0 < fg < total // 2)
    return rows

def serial_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [re.sub(r"^\[ *[0-9.]+\] ", "", l.rstrip("\n")) for l in f]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fb-from-log", action="store_true")
    ap.add_argument("--vga-text", action="store_true")
    ap.add_argument("--line", action="append", default=[])
    ap.add_argument("--ppm")
    a = ap.parse_args()
    out = os.environ.get("MKX_OUT", ".")
    lines = serial_lines(os.environ["MKX_LOG"]) if "MKX_LOG" in os.environ else []
    cmd = None if a.ppm else qmp(os.environ["MKX_QMP"])
    path = a.ppm or os.path.join(out, "screen.ppm")
    if cmd:
        cmd("screendump", filename=os.path.abspath(path))
    w, h, px = read_ppm(path)
    errs, said = [], []
    if len(set(px[i:i + 3] for i in range(0, len(px), 3 * 97))) < 2:
        errs.append(f"the screen ({w}x{h}) is blank: one colour")
    rows = text_rows(w, h, px)
    upper = rows[:max(1, len(rows) // 4)]
    if sum(upper) < len(upper) // 2:
        errs.append(f"only {sum(upper)} of the {len(upper)} character rows of the upper quarter look like text")
    said.append(f"screendump {w}x{h}, {sum(rows)} of {len(rows)} character rows with text, "
                f"{sum(upper)} of {len(upper)} in the upper quarter")
    if a.fb_from_log:
        fb = [m for l in lines for m in [re.match(r"\[init -> fb_boot\] firmware framebuffer \(\w+\): (\d+)x(\d+)x", l)] if m]
        if not fb:
            errs.append("fb_boot logged no firmware framebuffer")
        elif (int(fb[0].group(1)), int(fb[0].group(2))) != (w, h):
            errs.append(f"fb_boot logged a {fb[0].group(1)}x{fb[0].group(2)} framebuffer, QEMU shows {w}x{h}")
        else:
            said.append(f"its size is the firmware framebuffer fb_boot reported")
    if a.vga_text:
        mem = os.path.abspath(os.path.join(out, "vga_text.bin"))
        cmd("pmemsave", val=0xb8000, size=0x8000, filename=mem)
        raw = open(mem, "rb").read()
        text = "".join(chr(b) if 0x20 <= b < 0x7f else " " for b in raw[0::2])
        flat = re.sub(r" +", " ", text)
        def on_screen(l):
            return re.sub(r" +", " ", l.strip()) in flat
        core = [l for l in lines if l.startswith("[init")]
        last = core[-3:]
        missing = [l for l in last if not on_screen(l)]
        if not core or missing:
            errs.append(f"core's last lines are not in the VGA text memory: {missing or 'no core lines'}")
        for pat in a.line:
            hit = [l for l in lines if re.search(pat, l)]
            if not hit:
                errs.append(f"/{pat}/ is not on the serial port")
            elif not on_screen(hit[-1]):
                errs.append(f"{hit[-1]!r} (the last line matching /{pat}/) is not in the VGA text memory")
        said.append(f"core's last {len(last)} lines{' and ' + str(len(a.line)) + ' more' if a.line else ''} "
                    f"in the VGA text memory")
    if errs:
        print("survey_screen: " + "; ".join(errs), file=sys.stderr)
        return 1
    print("survey_screen: " + "; ".join(said))
    return 0

if __name__ == "__main__":
    sys.exit(main())
