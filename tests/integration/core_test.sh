#!/bin/sh
# Host integration tests of core: real processes, no root, no QEMU.
# Prints "ok - name" / "FAIL - name: why" per test.
set -u
B=${B:-build/out}
BIN=$B/bin
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=tests/integration
echo "plan $(grep -c '^t=' "$0")"	# one result per t=
# crasher raises SIGSEGV on purpose: let it die of the signal under ASan too.
export ASAN_OPTIONS=handle_segv=0 UBSAN_OPTIONS=handle_segv=0

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -40; }

# bg CONFIG: start core in the background (pid in $pid), wait for PATTERN in its log
bg() {
	# Emptied first: the redirection below happens in the background job, after the
	# grep may have read the previous test's "$2" and signalled a core not yet set up.
	: > "$T/out"
	"$BIN/core" --config "$1" --bin-dir "$BIN" > "$T/out" 2>&1 &
	pid=$!
	for i in $(seq 200); do grep -qF -- "$2" "$T/out" && return 0; sleep 0.1; done
	return 1
}
# wait_core: wait up to 30 s for the background core; sets $rc
wait_core() {
	for i in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -0 $pid 2>/dev/null && { kill -KILL $pid; echo "(core killed after 30 s)" >> "$T/out"; }
	wait $pid; rc=$?
}

# run NAME CONFIG: runs core (30 s limit) into $T/out, sets $rc
run() {
	timeout 30 "$BIN/core" --config "$2" --bin-dir "$BIN" > "$T/out" 2>&1
	rc=$?
}
has() { grep -qF -- "$1" "$T/out"; }

t=core_hello_composition_exchange
run $t apps/hello/config.xml
if [ $rc = 0 ] && has '[init -> hello_server] announced "Hello" with greeting "Hello"' &&
   has '[init -> hello_server] session opened by "hello_client -> greeter"' &&
   has '[init -> hello_client] server says: Hello, mkx! (greeting #1)' &&
   has '[init -> hello_client] server says: Hello, mkx! (greeting #2)' &&
   has '[init] child "hello_client" exited with exit value 0'; then pass $t
else fail $t "rc=$rc or exchange missing"; fi

t=core_reports_crashes_and_others_go_on
run $t $D/crash.xml
if [ $rc = 1 ] &&
   has '[init] child "crash_abort" crashed: killed by signal 6 (SIGABRT)' &&
   has '[init] child "crash_kill" crashed: killed by signal 9 (SIGKILL)' &&
   has '[init] child "crash_segv" crashed: killed by signal 11 (SIGSEGV)' &&
   has '[init] child "crash_exit" exited with exit value 3' &&
   has '[init -> hello_client] server says: Hello, survivor! (greeting #2)' &&
   has '[init] child "hello_client" exited with exit value 0' &&
   has 'composition ended: 4 child(ren) failed'; then pass $t
else fail $t "rc=$rc (want 1) or a crash report missing"; fi

t=core_survives_rogue_client
run $t $D/rogue.xml
if [ $rc = 0 ] && has '[init -> rogue] rogue: all abuse survived' &&
   has 'on the parent channel; message dropped' &&
   has 'unrouted session: Operation not permitted: no route for service "Hello" (label "rogue") in the config of "rogue"' &&
   has 'greedy session: Disk quota exceeded: ram_quota 1073741824 exceeds' &&
   has 'unknown operation answered with -38' &&
   has 'ROM session "rogue -> config": the client does not read its replies; session closed' &&
   has '[init -> rogue] core still serves after a flood of requests whose replies are never read' &&
   has '[init -> hello_client] server says: Hello, bystander! (greeting #3)'; then pass $t
else fail $t "rc=$rc or a reaction missing"; fi

t=core_denies_session_when_server_died
run $t $D/server_gone.xml
if has '[init] child "dead_server" crashed: killed by signal 6 (SIGABRT)' &&
   has 'Hello session denied: server "dead_server"' &&
   has '[init] child "hello_client" exited with exit value 1'; then pass $t
else fail $t "client was not told the server is gone"; fi

t=core_sighup_delivers_config_update
cp $D/reload.xml "$T/reload.xml"
bg "$T/reload.xml" 'value=1'
sed -i 's/value="1"/value="2"/' "$T/reload.xml"
kill -HUP $pid
wait_core
if [ $rc = 0 ] && has '[init -> rom_watcher] value=1' && has 'config of "rom_watcher" changed' &&
   has '[init -> rom_watcher] updated value=2'; then pass $t
else fail $t "rc=$rc, update not seen"; fi

t=core_sighup_with_broken_config_keeps_running
cp $D/reload.xml "$T/reload.xml"
bg "$T/reload.xml" 'value=1'
echo '<config><start' > "$T/reload.xml"
kill -HUP $pid
for i in $(seq 100); do grep -q 'reload refused' "$T/out" && break; sleep 0.1; done
cp $D/reload.xml "$T/reload.xml"; sed -i 's/value="1"/value="3"/' "$T/reload.xml"
kill -HUP $pid
wait_core
if [ $rc = 0 ] && has 'reload refused, keeping the running config' && has 'updated value=3'; then pass $t
else fail $t "rc=$rc"; fi

t=core_refuses_bad_config_with_line
printf '<config>\n<start name="x">\n<binary name="nope_nope"/>\n</start>\n</config>\n' > "$T/bad.xml"
"$BIN/core" --config "$T/bad.xml" --bin-dir "$BIN" > "$T/out" 2>&1; rc=$?
if [ $rc = 2 ] && has "bad.xml:2: binary \"nope_nope\"" && ! has '[init -> '; then pass $t
else fail $t "rc=$rc"; fi

t=core_sigterm_stops_children_none_left
bg $D/reload.xml 'value=1'
kpid=$(pgrep -P $pid rom_watcher)
kill -TERM $pid; wait_core
if [ -n "$kpid" ] && ! kill -0 "$kpid" 2>/dev/null && has 'terminated by signal 15' &&
   has 'child "rom_watcher" stopped by core (TERM)'; then pass $t
else fail $t "child $kpid still alive or not reported"; fi

t=component_without_core_says_why
"$BIN/hello_client" 3>&- > "$T/out" 2>&1; rc=$?
if [ $rc != 0 ] && has 'no parent channel on fd 3: start me from core'; then pass $t
else fail $t "rc=$rc"; fi

t=core_help_and_usage_errors
"$BIN/core" --help > "$T/out" 2>&1 && has 'usage: core' && "$BIN/core" --bogus > "$T/out" 2>&1
rc=$?
if [ $rc = 2 ] && has 'usage: core'; then pass $t; else fail $t "rc=$rc"; fi
