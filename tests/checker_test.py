#!/usr/bin/env python3
"""The screendump checker must accept the right picture and reject wrong
ones (a wrong expectation, a shifted bar, a wrong size, a missing corner)."""
import os, shutil, sys, tempfile
sys.path.insert(0, "run/checks")
import screen

def ppm(path, w, h, bars=screen.BARS, grey=screen.GREY):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        row = bytearray()
        for y in range(h):
            for x in range(w):
                c = grey if x < 32 and y < 32 else bars[x * 8 // w]
                row += bytes((c >> 16, (c >> 8) & 0xff, c & 0xff))
        f.write(row)

failed = 0

def result(name, ok, why=""):
    global failed
    failed += not ok
    print(f"ok - {name}" if ok else f"FAIL - {name}: {why}")

print("plan 4")

d = tempfile.mkdtemp()
good = os.path.join(d, "good.ppm")
ppm(good, 320, 200)
errs = screen.check(good, 320, 200)
result("screen_checker_accepts_the_pattern", not errs, "; ".join(errs))
errs = screen.check(good, 640, 480)
result("screen_checker_rejects_a_wrong_size_expectation", errs and "expected 640x480" in errs[0], str(errs))
swapped = os.path.join(d, "swapped.ppm")
ppm(swapped, 320, 200, bars=screen.BARS[1:] + screen.BARS[:1])
errs = screen.check(swapped, 320, 200)
result("screen_checker_rejects_wrong_bar_colours", len(errs) >= 8, str(errs))
nogrey = os.path.join(d, "nogrey.ppm")
ppm(nogrey, 320, 200, grey=0xffffff)
errs = screen.check(nogrey, 320, 200)
result("screen_checker_rejects_a_missing_corner_square", any("corner" in e for e in errs), str(errs))
shutil.rmtree(d)
sys.exit(1 if failed else 0)
