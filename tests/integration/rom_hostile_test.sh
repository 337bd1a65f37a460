#!/bin/sh
# Issue 10, finding 5: fds and files a child hands core must not block it.
# A ROM signal fd that is a full pipe or a full blocking eventfd, a FIFO as
# ROM file, a FIFO as the config at SIGHUP or at start. Host only, no root.
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'kill -KILL $pid 2>/dev/null; rm -rf "$T"' EXIT
pid=
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -30; }
has() { grep -qF -- "$1" "$T/out"; }
# A ROM directory of our own: the binary (a link) and a FIFO next to it.
mkdir "$T/bin"
ln -s "$(cd "$B/bin" && pwd)/rom_hostile" "$T/bin/rom_hostile"
mkfifo "$T/bin/fifo"
# config ATTACK VALUE > file
config() {
	printf '<config>\n<default-route> <any-service> <parent/> </any-service> </default-route>\n' 
	printf '<start name="rom_hostile"> <config attack="%s" value="%s"/> </start>\n</config>\n' "$1" "$2"
}
# start CONFIG PATTERN: core in the background, wait for PATTERN (10 s)
start() {
	"$B/bin/core" --config "$1" --bin-dir "$T/bin" > "$T/out" 2>&1 &
	pid=$!
	waitfor "$2"
}
# Generous: a loaded CI machine (ASan, QEMU beside it) can take seconds; success returns at once.
waitfor() { for i in $(seq 300); do has "$1" && return 0; sleep 0.1; done; return 1; }
# stop: SIGTERM; core must be gone within 5 s (a blocked core ignores it); sets $stopped
stop() {
	kill -TERM $pid 2>/dev/null
	stopped=no
	for i in $(seq 50); do kill -0 $pid 2>/dev/null || { stopped=yes; break; }; sleep 0.1; done
	[ $stopped = yes ] || { kill -KILL $pid; echo "(core ignored SIGTERM: killed)" >> "$T/out"; }
	wait $pid 2>/dev/null
}
# attack NAME: run the attack, change the config, SIGHUP, wait for the update
attack() {
	config "$1" 1 > "$T/c.xml"
	start "$T/c.xml" 'attack done'
	config "$1" 2 > "$T/c.xml"
	kill -HUP $pid
	waitfor 'core still serves after the attack'
	stop
}

t=core_refuses_full_pipe_as_rom_signal
attack pipe
if has 'a full blocking pipe as ROM signal fd: Invalid argument' &&
   has 'ROM session "rom_hostile -> config": the signal fd is not an eventfd; refused' &&
   has '[init -> rom_hostile] updated value=2' && has 'core still serves after the attack' &&
   [ $stopped = yes ]; then pass $t
else fail $t "core accepted the pipe or blocked on it (SIGTERM obeyed: $stopped)"; fi

t=core_signals_full_blocking_eventfd_without_blocking
attack full_eventfd
if has 'a full blocking eventfd as ROM signal fd: accepted' &&
   has '[init -> rom_hostile] updated value=2' && has 'core still serves after the attack' &&
   [ $stopped = yes ]; then pass $t
else fail $t "core blocked writing the full eventfd (SIGTERM obeyed: $stopped)"; fi

t=core_refuses_fifo_as_rom_file
attack fifo
if has 'ROM "fifo": denied: ROM file' && has 'not a regular file' &&
   has 'core still serves after the attack' && [ $stopped = yes ]; then pass $t
else fail $t "core opened the FIFO (SIGTERM obeyed: $stopped)"; fi

t=core_refuses_fifo_as_config_at_sighup
config none 1 > "$T/c.xml"
start "$T/c.xml" 'attack done'
rm "$T/c.xml"; mkfifo "$T/c.xml"
kill -HUP $pid
waitfor 'reload refused'
rm "$T/c.xml"; config none 2 > "$T/c.xml"
kill -HUP $pid
waitfor 'core still serves after the attack'
stop
if has 'reload refused, keeping the running config' && has 'not a regular file' &&
   has '[init -> rom_hostile] updated value=2' && [ $stopped = yes ]; then pass $t
else fail $t "core blocked opening the FIFO config (SIGTERM obeyed: $stopped)"; fi

t=core_refuses_fifo_as_config_at_start
timeout 10 "$B/bin/core" --config "$T/bin/fifo" --bin-dir "$T/bin" > "$T/out" 2>&1; rc=$?
if [ $rc = 2 ] && has 'not a regular file'; then pass $t
else fail $t "rc=$rc (want 2; 124: core blocked on the FIFO)"; fi
