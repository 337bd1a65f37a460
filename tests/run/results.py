"""The result lines of the tests in tests/run/: print() flushes each line at
once (the harness reads them as they come) and remembers every FAIL line,
so that a script can end with sys.exit(exit_status()) and its exit status
agrees with what it printed."""
import builtins

FAILED = []

def print(*a, **k):
    if a and str(a[0]).startswith("FAIL - "):
        FAILED.append(a[0])
    builtins.print(*a, **k, flush=True)

def exit_status():
    return 1 if FAILED else 0
