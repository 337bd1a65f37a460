#!/usr/bin/env python3
"""run/runner.py's judging, against a stand-in QEMU (tests/run/fake_qemu.py) that writes a
scripted serial log: every line of every read is checked for failure, also the lines
after the last success pattern in the same read and the lines that come after success
until the stand-in exits (or is stopped after `settle` and its last output read).
No QEMU, no kernel, no image: runner.watch() is what `make run` uses."""
import json, os, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "run"))
import runner

OK = "[init] composition ended: all children exited cleanly\n"
FATAL = "MKX-FATAL: invalid config\n"
SCN = {"success_all": [r"^\[init\] composition ended: all children exited cleanly"],
       "failure": r"^MKX-FATAL|Kernel panic|^\[init\] child .* crashed", "timeout": "10", "settle": "2"}

# (name, writes, scenario changes, wanted result, text the reason must contain)
CASES = [
    ("runner_fails_failure_in_the_same_read_after_success", [OK + FATAL], {}, "FAIL",
     "failure pattern matched: MKX-FATAL: invalid config"),
    ("runner_fails_failure_before_success_in_the_same_read", [FATAL + OK], {}, "FAIL",
     "failure pattern matched: MKX-FATAL"),
    ("runner_passes_success_alone_and_qemu_exit", ["[    1.000000] Linux booting\n" + OK, 0.2], {}, "PASS",
     "QEMU exited"),
    ("runner_fails_failure_in_a_later_read_after_success", [OK, 0.5, "[init] child \"x\" crashed: killed\n"],
     {}, "FAIL", "crashed: killed (pattern /"),
    ("runner_fails_failure_after_success_in_a_line_without_newline_at_exit", [OK, 0.3, "MKX-FATAL: late"], {},
     "FAIL", "MKX-FATAL: late (pattern"),
    ("runner_fails_failure_just_before_the_settle_end", [OK, 1.9, FATAL, "hang"], {"settle": "2"}, "FAIL",
     "(after the success patterns)"),
    ("runner_passes_a_composition_that_runs_on_after_settle", [OK, "hang"], {"settle": "1"}, "PASS",
     "watched 1 s more, no failure, QEMU stopped"),
    ("runner_passes_success_split_over_two_reads", [OK[:10], 0.3, OK[10:]], {}, "PASS", "seen"),
    ("runner_needs_every_success_pattern", [OK, "hang"],
     {"success_all": SCN["success_all"] + ["never printed"], "timeout": "2"}, "FAIL",
     "timeout after 2 s: not seen: /never printed/; seen: /^\\[init\\] composition ended"),
    ("runner_fails_qemu_exit_before_success", ["[init] mkx core running\n"], {}, "FAIL",
     "QEMU exited (status 0) before the success pattern"),
]

SHOW = [("[    1.000000] PCI: Using configuration type 1", False), ("[init] mkx core running", True),
        ('[init -> hello_client] server says: Hello', True), ("MKX-POWEROFF status=0", True),
        ("[    2.000000] Kernel panic - not syncing: x", True), ("[    2.000000] BUG: kernel NULL pointer", True),
        ("[    2.000000] general protection fault: 0000", True), ("[    2.000000] hello[55]: segfault at 0", True),
        ("[    2.000000] DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr", True),
        ("[    2.000000] Oops: 0002 [#1] SMP", True), ("[    2.000000] Run /init as init process", False)]
from results import print, exit_status

print(f"plan {len(CASES) + 1}")
wrong = [(l, w) for l, w in SHOW if runner.shown(l, "filtered", None) != w or not runner.shown(l, "all", None)
         or runner.shown(l, None, None)]
print("ok - runner_show_filters_the_kernel_log_but_not_its_failures" if not wrong else
      f"FAIL - runner_show_filters_the_kernel_log_but_not_its_failures: {wrong}")
fake = [sys.executable, os.path.join(HERE, "fake_qemu.py")]
with tempfile.TemporaryDirectory() as d:
    for name, writes, change, want, text in CASES:
        os.environ["MKX_FAKE_WRITES"] = json.dumps(writes)
        log = os.path.join(d, name + ".log")
        result, reason, _ = runner.watch(fake, dict(SCN, **change), log)
        if result == want and text in reason:
            print(f"ok - {name}")
        else:
            print(f"FAIL - {name}: RESULT {result}: {reason} (wanted {want} with '{text}')")
sys.exit(exit_status())
