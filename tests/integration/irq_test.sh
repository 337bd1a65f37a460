#!/bin/sh
# core's IRQ service in a running core on the sim back end: interrupts
# forwarded by core to the client's eventfd (the path service_irq.c takes
# when the source fd would reach more than the interrupt), and the source
# fd handed out where that is safe. No root, no QEMU.
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
run() { timeout 60 "$BIN/core" --config "$1" --bin-dir "$BIN" > "$T/out" 2>&1; rc=$?; }

run $D/irq_sim.xml
t=irq_forwarded_by_core_every_interrupt_once
if has '[init -> fwd] IRQ 00:01.0 (GSI 22): forwarded' &&
   has '[init -> fwd] 200 interrupts, 0 extra, forwarded' &&
   has '[init] IRQ "fwd": interrupts forwarded by core, source fd not handed out: the fd maps 0xfebf0000-0xfebf0fff, which this client does not hold' &&
   has '[init] child "fwd" exited with exit value 0'; then pass $t
else fail $t "rc=$rc; forwarding did not deliver 200 interrupts one per ack"; fi

t=irq_source_fd_when_it_maps_nothing
if has '[init -> nic] 200 interrupts, 0 extra, direct' && has '[init] child "nic" exited with exit value 0'
then pass $t; else fail $t "rc=$rc"; fi

run $D/irq_sim_own.xml
t=irq_source_fd_to_the_holder_of_the_bars
if has '[init -> own] 200 interrupts, 0 extra, direct' && has '[init] child "own" exited with exit value 0'
then pass $t; else fail $t "rc=$rc"; fi
