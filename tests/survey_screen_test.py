#!/usr/bin/env python3
"""run/checks/survey_screen.py must read text drawn with the kernel's 8x16
font back exactly, and fail when core's last lines are not on the screen,
when the screen is blank, or when a cell is no glyph of the font. The
screens are drawn here from the font the check itself takes from the
kernel image (build/kernel/vmlinuz; skipped without it)."""
import os, subprocess, sys, tempfile
sys.path.insert(0, "run/checks")
import survey_screen

TESTS = ["survey_screen_reads_the_kernel_font_back", "survey_screen_marks_a_cell_no_glyph_matches",
         "survey_screen_passes_core_last_lines_on_screen", "survey_screen_fails_lines_not_on_screen",
         "survey_screen_fails_a_blank_screen"]
print(f"plan {len(TESTS)}")
KERNEL = "build/kernel/vmlinuz"
if not os.path.exists(KERNEL):
    for t in TESTS:
        print(f"skip - {t}: no {KERNEL} (fetched by run/kernel.sh)")
    sys.exit(0)
font = survey_screen.kernel_font(KERNEL)

def draw(path, rows, cols=80, junk_at=None):
    w, h = cols * 8, len(rows) * 16
    px = bytearray(w * h * 3)
    for r, text in enumerate(rows):
        for c, ch in enumerate(text[:cols]):
            for y in range(16):
                bits = font[ord(ch) * 16 + y] if (r, c) != junk_at else 0x5a
                for x in range(8):
                    if bits & (0x80 >> x):
                        o = ((r * 16 + y) * w + c * 8 + x) * 3
                        px[o:o + 3] = b"\xaa\xaa\xaa"
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + bytes(px))

def result(name, ok, why=""):
    print(f"ok - {name}" if ok else f"FAIL - {name}: {why}")

d = tempfile.mkdtemp()
screen = ["[   16.2] reboot: Power down", "[init] child \"fb_boot\" exited with exit value 0",
          "[init] composition ended: all children exited cleanly", "[init] 0123456789 ~!@#$%^&*()_+{}|:<>?"]
p = os.path.join(d, "s.ppm")
draw(p, screen)
rows = survey_screen.screen_text(*survey_screen.read_ppm(p), font)
result(TESTS[0], [r.rstrip() for r in rows] == screen, repr(rows))
draw(p, screen, junk_at=(1, 3))
rows = survey_screen.screen_text(*survey_screen.read_ppm(p), font)
result(TESTS[1], rows[1][3] == "\0" and rows[1][:3] == "[in", repr(rows[1]))

def check(log_lines, ppm):
    log = os.path.join(d, "serial.log")
    with open(log, "w") as f:
        f.write("".join(f"[  1.00] {l}\n" for l in log_lines))
    r = subprocess.run([sys.executable, "run/checks/survey_screen.py", "--fb-text", "--ppm", ppm],
                       env=dict(os.environ, MKX_LOG=log), capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr

draw(p, screen)
rc, out = check(["[init] earlier", "[init] child \"fb_boot\" exited with exit value 0",
                 "[init] composition ended: all children exited cleanly", "[init] 0123456789 ~!@#$%^&*()_+{}|:<>?"], p)
result(TESTS[2], rc == 0, out)
rc, out = check(["[init] composition ended: all children exited cleanly", "[init] a line the screen never showed"], p)
result(TESTS[3], rc == 1 and "not visible" in out, out)
blank = os.path.join(d, "blank.ppm")
draw(blank, [""] * 4)
rc, out = check(["[init] composition ended: all children exited cleanly"], blank)
result(TESTS[4], rc == 1 and "blank" in out, out)
