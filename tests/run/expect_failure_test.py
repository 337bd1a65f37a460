#!/usr/bin/env python3
"""The intended-failure scenarios (run/scenarios/fail_*.scn) are pinned to their own reason:
each is judged by run/runner.py's watch() against a stand-in QEMU (tests/run/fake_qemu.py)
that writes the serial lines of the intended failure, or of another one; the verdict is
then checked by run/scenario.py's expect (what run/scenarios.sh uses). The intended
failure must be accepted, every other failure refused. No QEMU, no image."""
import json, os, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "run"))
import runner, scenario

BOOT = "[    1.234567] Run /init as init process\n[init] mkx core running as PID 1 (uptime 1.90s)\n"
CRASH = '[init] child "crasher" crashed: killed by signal 6 (SIGABRT)\n'
HELLO = '[init -> hello_server] announced "Hello" with greeting "Hello"\n'
GHOST = ('core: config error: /config.xml:3: binary "ghost" of <start name="ghost"> not found or not '
         'executable (/bin/ghost: No such file or directory)\nMKX-FATAL: invalid config\n')
FATAL = "MKX-FATAL: invalid config\nMKX-POWEROFF status=2\n"
PANIC = "[    2.000000] Kernel panic - not syncing: Attempted to kill init!\n"

# (scenario, name, writes, accepted?)
CASES = [
    ("fail_crash", "crasher_crash", [BOOT + HELLO, 0.1, CRASH], True),
    ("fail_crash", "config_error", [BOOT + FATAL], False),
    ("fail_crash", "kernel_panic", [PANIC], False),
    ("fail_crash", "another_child_crashed", [BOOT + '[init] child "hello_client" crashed: killed by signal 11 (SIGSEGV)\n'], False),
    ("fail_crash", "crash_line_forged_by_a_child", [BOOT + '[init -> hello_client] ' + CRASH], False),
    ("fail_config", "missing_binary", [BOOT + GHOST], True),
    ("fail_config", "other_config_error", [BOOT + "core: config error: /config.xml:2: <start> without name\n" + FATAL], False),
    ("fail_config", "fatal_without_the_missing_binary", [BOOT + FATAL], False),
    ("fail_config", "crash", [BOOT + CRASH], False),
    ("fail_late", "crash_after_success", [BOOT + HELLO, 0.3, CRASH], True),
    ("fail_late", "crash_in_the_same_read_after_success", [BOOT + HELLO + CRASH], True),
    ("fail_late", "crash_before_success", [BOOT + CRASH + HELLO], False),
    ("fail_late", "success_forged_by_another_child", [BOOT + '[init -> crasher] announced "Hello"\n', 0.3, CRASH], False),
    ("fail_late", "config_error_after_success", [BOOT + HELLO, 0.3, FATAL], False),
    ("fail_timeout", "core_ran_then_nothing", [BOOT + HELLO, "hang"], True),
    ("fail_timeout", "hung_boot", ["[    0.000000] Linux version 6.1\n", "hang"], False),
    ("fail_timeout", "core_ran_but_no_component", [BOOT, "hang"], False),
    ("fail_timeout", "crash_before_the_timeout", [BOOT + HELLO + CRASH, "hang"], False),
]

from results import print, exit_status

print(f"plan {len(CASES)}")
fake = [sys.executable, os.path.join(HERE, "fake_qemu.py")]
os.chdir(ROOT)
with tempfile.TemporaryDirectory() as d:
    for scn_name, name, writes, accepted in CASES:
        path = f"run/scenarios/{scn_name}.scn"
        scn = scenario.load(path)
        scn["timeout"] = "3"                    # the stand-in needs no boot time
        os.environ["MKX_FAKE_WRITES"] = json.dumps(writes)
        result, reason, _ = runner.watch(fake, scn, os.path.join(d, name + ".log"))
        ok, why = scenario.failed_as_expected(path, f"RESULT: {result}: {reason}\n")
        test = f"{scn_name}_{'accepts' if accepted else 'refuses'}_{name}"
        print(f"ok - {test}" if ok == accepted else f"FAIL - {test}: expect said {ok}: {why}")
sys.exit(exit_status())
