#!/usr/bin/env python3
"""A stand-in for qemu-system-x86_64 (run/runner.py runs it when MKX_QEMU names it):
ignores its arguments and writes a scripted serial log to stdout. MKX_FAKE_WRITES is a
JSON list: a string is written with ONE write (so several lines arrive in one read of
the runner), a number sleeps that many seconds, "hang" sleeps until killed. Then it
exits with MKX_FAKE_EXIT (default 0)."""
import json, os, sys, time

for step in json.loads(os.environ["MKX_FAKE_WRITES"]):
    if step == "hang":
        while True:
            time.sleep(60)
    elif isinstance(step, (int, float)):
        time.sleep(step)
    else:
        os.write(1, step.encode())
sys.exit(int(os.environ.get("MKX_FAKE_EXIT", "0")))
