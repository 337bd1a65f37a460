#!/bin/sh
# core's console output (issue 10, findings 8, 9, 11): client text cannot
# start a line or carry control bytes, children's stdout/stderr go through
# core, a console nobody reads does not stall core, long labels are refused.
# Real processes, no root, no QEMU. Prints "ok - name" / "FAIL - name: why".
set -u
B=${B:-build/out}
BIN=$B/bin
T=$(mktemp -d)
trap 'exec 7>&- 2>/dev/null; rm -rf "$T"' EXIT
D=tests/integration
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -40; }
has() { grep -qF -- "$1" "$T/out"; }
# run CONFIG: runs core (30 s limit) into $T/out, sets $rc
run() {
	timeout 30 "$BIN/core" --config "$1" --bin-dir "$BIN" > "$T/out" 2>&1
	rc=$?
}
# Every line starts with core's prefix; no control bytes but tab, no C1, valid UTF-8.
clean_lines() {
	python3 - "$T/out" <<'PY'
import re, sys
bad = []
for ln in open(sys.argv[1], 'rb').read().split(b'\n'):
    if not ln:
        continue
    if not (ln.startswith(b'[init] ') or ln.startswith(b'[init -> ')):
        bad.append('not started by core: %r' % ln[:100])
    if re.search(rb'[\x00-\x08\x0b-\x1f\x7f]', ln):
        bad.append('control byte: %r' % ln[:100])
    try:
        s = ln.decode('utf-8')
    except UnicodeDecodeError:
        bad.append('invalid UTF-8: %r' % ln[:100])
        continue
    if re.search('[\x80-\x9f]', s):
        bad.append('C1 control: %r' % ln[:100])
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
PY
}

t=core_output_no_forged_lines
run $D/forge.xml
why=$(clean_lines)
if [ -z "$why" ] && ! grep -q '^MKX-POWEROFF' "$T/out" && ! grep -q '^\[init\] child "x"' "$T/out"; then pass $t
else fail $t "client text reached the console unescaped: $why"; fi

t=core_output_escapes_client_text
if has '[init -> forger -> x\x0aMKX-POWEROFF status=0] ok\x0aMKX-POWEROFF status=0\x0a[init] child "x" exited with exit value 0\x0d\x1b[2K' &&
   has ' C1-utf8:\xc2\x85 C1-raw:\x85 bad:\xff\xfe overlong:\xc0\xaf surrogate:\xed\xa0\x80 nul:\x00 del:\x7f fine:é€😀' &&
   has 'core provides no service "Nic\x0aMKX-POWEROFF status=0"' &&
   has 'ram_quota in "label="y", ram_quota=\x0aMKX-POWEROFF status=0" is not a number' &&
   has 'announced "Nic\x0aMKX-POWEROFF status=0", which its <provides> does not list' &&
   has '[init -> forger] forger done'; then pass $t
else fail $t "an escaped form is missing"; fi

t=child_stdout_stderr_printed_by_core_with_prefix
if has '[init -> forger] MKX-POWEROFF status=0' &&
   has '[init -> forger] [init] child "x" exited with exit value 0' &&
   has '[init -> forger] \x0dMKX-POWEROFF status=0\xc2\x85MKX-POWEROFF status=0' &&
   has '[init -> forger] last words without a newline' &&
   grep -q '^\[init -> forger\] last words without a newline$' "$T/out"; then pass $t
else fail $t "a line the child wrote to fd 1 or 2 is missing or not prefixed"; fi

t=core_refuses_overlong_session_label
n=forger_whose_start_name_is_sixty_three_characters_long_xxxxxxxx
if has "[init -> $n] long label denied: session label \"$n -> aaaa" &&
   has 'is longer than 191 characters' && ! has 'long label granted'; then pass $t
else fail $t "a label longer than core keeps was not refused"; fi

t=core_output_flood_does_not_stall_others
# A reader that never reads holds the FIFO open: core's writes fill it and then wait.
mkfifo "$T/fifo"
exec 7<>"$T/fifo"
# Neither core nor the reader may inherit fd 7: the reader would wait for itself to close it.
"$BIN/core" --config $D/flood.xml --bin-dir "$BIN" > "$T/fifo" 2>&1 7>&- &
pid=$!
sleep 4
timeout 60 cat "$T/fifo" > "$T/out" 7>&- &
cat_pid=$!
for i in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { kill -KILL $pid; echo "(core killed after 30 s)" >> "$T/out"; }
wait $pid; rc=$?
exec 7>&-
wait $cat_pid
if [ $rc = 0 ] && has '[init] child "pinger" exited with exit value 0'; then pass $t
else fail $t "rc=$rc: session requests waited for the console ($(grep -o 'the slowest took [0-9]* ms' "$T/out"))"; fi

t=core_output_drops_are_counted
if grep -q '^\[init\] [0-9]* log lines dropped' "$T/out" && has '[init -> flood_stdout] flood ' &&
   has '[init -> flood_log] flood '; then pass $t
else fail $t "no count of dropped lines, or a flooder never seen"; fi
