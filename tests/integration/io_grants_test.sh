#!/bin/sh
# Exclusive hardware grants in a running core (issue 10, finding 4b): a
# direct="yes" port grant is held by its child from spawn to exit. Real
# processes on the sim back ends; no root, no QEMU.
set -u
B=${B:-build/out}
BIN=$B/bin
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=tests/integration
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -40; }
has() { grep -qF -- "$1" "$T/out"; }

timeout 30 "$BIN/core" --config $D/direct_ports.xml --bin-dir "$BIN" > "$T/out" 2>&1
rc=$?

t=io_port_direct_grant_is_held_from_spawn
if has '[init -> taker] ports 0x61-0x61: Device or resource busy: ports 0x61-0x61 overlap 0x60-0x61 held by "holder"' &&
   has '[init] child "taker" exited with exit value 0'; then pass $t
else fail $t "another child got ports of holder's direct grant (rc=$rc)"; fi

t=io_port_direct_grant_released_at_exit
if has '[init -> late] ports 0x60-0x61: granted' && has '[init] child "late" exited with exit value 0'; then pass $t
else fail $t "the ports stayed held after holder exited"; fi

t=io_port_one_direct_policy_two_children
if has '[init] IO_PORT: "dup2" not started: its direct grant 0x70-0x71 (line 8) overlaps 0x70-0x71 held by "dup1"' &&
   ! has '[init -> dup2]'; then pass $t
else fail $t "two children both got one direct policy's ports"; fi
