#!/usr/bin/env python3
"""Host-side check of a framebuffer scenario: take a screendump over QMP
($MKX_QMP) and verify the test pattern of drivers/common/fb_pattern.h:
the mode size, eight colour bars sampled in their middle, and the grey
square top-left.

  screen.py --width W --height H [--ppm FILE]   (FILE: check a file, no QMP)
Exit 0 if the picture is right; else 1 with what differs."""
import argparse, json, os, socket, sys, time

BARS = [0xffffff, 0xffff00, 0x00ffff, 0x00ff00, 0xff00ff, 0xff0000, 0x0000ff, 0x000000]
GREY = 0x808080

def qmp_screendump(sock_path, out):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(50):
        try:
            s.connect(sock_path)
            break
        except OSError:
            time.sleep(0.1)
    f = s.makefile("rw")
    json.loads(f.readline())                      # greeting
    def cmd(c, **args):
        f.write(json.dumps({"execute": c, "arguments": args} if args else {"execute": c}) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "return" in r or "error" in r:
                return r
    cmd("qmp_capabilities")
    r = cmd("screendump", filename=os.path.abspath(out))
    s.close()
    if "error" in r:
        raise RuntimeError(f"screendump: {r['error']}")

def read_ppm(path):
    data = open(path, "rb").read()
    parts, pos = [], 0
    while len(parts) < 4:                         # magic, width, height, maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        parts.append(data[pos:end])
        pos = end
    if parts[0] != b"P6" or parts[3] != b"255":
        raise ValueError(f"{path}: not a binary 8-bit PPM")
    w, h = int(parts[1]), int(parts[2])
    return w, h, data[pos + 1:]

def check(path, width, height):
    """Returns a list of differences (empty: the pattern is right)."""
    w, h, px = read_ppm(path)
    errs = []
    if (w, h) != (width, height):
        return [f"screen is {w}x{h}, expected {width}x{height}"]
    def at(x, y):
        i = (y * w + x) * 3
        return px[i] << 16 | px[i + 1] << 8 | px[i + 2]
    for i, want in enumerate(BARS):
        x, y = (2 * i + 1) * w // 16, h // 2
        if at(x, y) != want:
            errs.append(f"bar {i} at ({x},{y}) is #{at(x, y):06x}, expected #{want:06x}")
    if at(8, 8) != GREY:
        errs.append(f"corner square at (8,8) is #{at(8, 8):06x}, expected #{GREY:06x}")
    return errs

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--height", type=int, required=True)
    ap.add_argument("--ppm")
    a = ap.parse_args()
    path = a.ppm
    if not path:
        path = os.path.join(os.environ.get("MKX_OUT", "."), "screen.ppm")
        qmp_screendump(os.environ["MKX_QMP"], path)
    errs = check(path, a.width, a.height)
    if errs:
        print("screen check failed: " + "; ".join(errs), file=sys.stderr)
        return 1
    print(f"check: screendump {a.width}x{a.height}: 8 colour bars and corner square as drawn ({path})")
    return 0

if __name__ == "__main__":
    sys.exit(main())
