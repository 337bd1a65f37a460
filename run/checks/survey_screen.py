#!/usr/bin/env python3
"""Host check of what the survey put on the screen (docs/usb.md), over QMP
($MKX_QMP) while QEMU still holds the guest's last picture (the survey
scenarios run QEMU with -no-shutdown):

  - a screendump: not blank, and console text in its upper quarter (rows of
    character height that carry both background and foreground pixels);
  - --fb-from-log: the screendump's size equals the firmware framebuffer
    fb_boot logged (an oracle independent of boot_params: QEMU's own
    display size);
  - --fb-text: the screendump read back as text, cell by cell, with the
    kernel's own 8x16 font (font_vga_8x16, found in the kernel image
    --kernel, default build/kernel/vmlinuz, which fbcon draws with on a
    firmware framebuffer): core's last log lines, and each --line, are
    visible on the screen at the end;
  - --vga-text: the VGA text memory (0xb8000, 32 KiB, read with QMP
    pmemsave) holds, as text, core's last log lines before the power-off,
    and for each --line PATTERN (regular expression) the last serial line
    matching it; what
    the kernel's VGA console wrote, whether or not it has scrolled out of
    the visible 25 rows since.

  survey_screen.py [--fb-from-log] [--fb-text] [--vga-text] [--line RE]... [--ppm FILE]
Exit 0 if all holds; else 1 with what did not."""
import argparse, collections, json, lzma, os, re, socket, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_log

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

# 'A' in the IBM VGA 8x16 font: finds the font table in the decompressed kernel.
GLYPH_A = bytes([0x00, 0x00, 0x10, 0x38, 0x6c, 0xc6, 0xc6, 0xfe, 0xc6, 0xc6, 0xc6, 0xc6, 0, 0, 0, 0])

def kernel_font(vmlinuz):
    """The kernel's font_vga_8x16 (256 glyphs of 16 bytes) from its bzImage (xz payload)."""
    data = open(vmlinuz, "rb").read()
    at = data.find(b"\xfd7zXZ\x00")
    if at < 0:
        raise ValueError(f"{vmlinuz}: no xz-compressed payload")
    image = lzma.LZMADecompressor().decompress(data[at:])
    i = image.find(GLYPH_A)
    if i < 0x41 * 16:
        raise ValueError(f"{vmlinuz}: no VGA 8x16 font in the kernel")
    font = image[i - 0x41 * 16:i - 0x41 * 16 + 4096]
    if any(font[0:16]) or any(font[0x20 * 16:0x21 * 16]):
        raise ValueError(f"{vmlinuz}: the font found has glyphs 0 or ' ' not blank")
    return font

def screen_text(w, h, px, font):
    """Rows of text of an 8x16 console; '\\0' for a cell no glyph of the font matches."""
    glyphs = {}
    for c in list(range(0x20, 0x7f)) + list(range(0x20)) + list(range(0x7f, 0x100)):
        glyphs.setdefault(font[c * 16:c * 16 + 16], chr(c) if 0x20 <= c < 0x7f else "?")
    bg = collections.Counter(px[i:i + 3] for i in range(0, len(px), 3 * 7)).most_common(1)[0][0]
    rows = []
    for top in range(0, h - 15, 16):
        row = []
        for left in range(0, w - 7, 8):
            g = bytearray(16)
            for y in range(16):
                o = ((top + y) * w + left) * 3
                g[y] = sum(0x80 >> x for x in range(8) if px[o + 3 * x:o + 3 * x + 3] != bg)
            row.append(glyphs.get(bytes(g), "\0"))
        rows.append("".join(row))
    return rows

def serial_lines(path):
    """core's, the components' and the kernel's lines (run/checks/serial_log.py): a --line
    pattern or "core's last lines" cannot be met by text a child prints inside its own line
    when the pattern is anchored at the author's prefix."""
    return serial_log.Log(path).lines

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fb-from-log", action="store_true")
    ap.add_argument("--vga-text", action="store_true")
    ap.add_argument("--fb-text", action="store_true")
    ap.add_argument("--kernel", default="build/kernel/vmlinuz")
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
    core = [l for l in lines if serial_log.kind(l) in ("core", "component")]
    def find_lines(flat, where):
        """core's last 3 lines and the last line of each --line pattern, in flat text."""
        def has(l):
            return re.sub(r" +", " ", l.strip()) in flat
        missing = [l for l in core[-3:] if not has(l)]
        if not core or missing:
            errs.append(f"core's last lines are not {where}: {missing or 'no core lines'}")
        for pat in a.line:
            hit = [l for l in lines if re.search(pat, l)]
            if not hit:
                errs.append(f"/{pat}/ is not on the serial port")
            elif not has(hit[-1]):
                errs.append(f"{hit[-1]!r} (the last line matching /{pat}/) is not {where}")
        said.append(f"core's last {len(core[-3:])} lines{' and ' + str(len(a.line)) + ' more' if a.line else ''} "
                    f"{where}")
    if a.fb_text:
        rows = screen_text(w, h, px, kernel_font(a.kernel))
        unknown = sum(r.count("\0") for r in rows)
        if unknown > 2:                            # the cursor's cell
            errs.append(f"{unknown} character cells of the screen are no glyph of the kernel's 8x16 font")
        find_lines(re.sub(r" +", " ", "".join(rows)), "visible on the screen (read with the kernel's font)")
    if a.vga_text:
        mem = os.path.abspath(os.path.join(out, "vga_text.bin"))
        cmd("pmemsave", val=0xb8000, size=0x8000, filename=mem)
        raw = open(mem, "rb").read()
        text = "".join(chr(b) if 0x20 <= b < 0x7f else " " for b in raw[0::2])
        find_lines(re.sub(r" +", " ", text), "in the VGA text memory")
    if errs:
        print("survey_screen: " + "; ".join(errs), file=sys.stderr)
        return 1
    print("survey_screen: " + "; ".join(said))
    return 0

if __name__ == "__main__":
    sys.exit(main())
