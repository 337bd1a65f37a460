#!/bin/sh
# core's DMA service in a running core on the sim back end, with real
# processes: buffers as exact, sealed dataspaces; a client that exits and
# one killed with SIGKILL both get their buffers freed by core, after bus
# master is off; a label without a policy is refused. No root, no QEMU.
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
at() { grep -nF -m1 -- "$1" "$T/out" | cut -d: -f1; }

timeout 60 "$BIN/core" --config $D/dma.xml --bin-dir "$BIN" > "$T/out" 2>&1; rc=$?

t=dma_buffers_are_exact_sealed_dataspaces
if has '[init -> keeper] dma_client: 3 buffers of 2097152 bytes, sized exactly, sealed, written' &&
   has '[init -> dier] dma_client: 3 buffers of 2097152 bytes, sized exactly, sealed, written'
then pass $t; else fail $t "rc=$rc"; fi

t=dma_buffers_of_an_exiting_client_freed_after_bus_master_off
off=$(at '[init] DMA "keeper": 00:03.0: bus master off (command register reads 0x0003); freeing its buffers now')
freed=$(at '[init] DMA "keeper": 00:03.0: 2 buffer(s) of 4096 KiB unmapped and freed')
if [ -n "$off" ] && [ -n "$freed" ] && [ "$off" -lt "$freed" ] && has '[init] child "keeper" exited with exit value 0'
then pass $t; else fail $t "bus master off at line '${off:-}', freed at '${freed:-}'"; fi

t=dma_buffers_of_a_killed_client_freed_after_bus_master_off
off=$(at '[init] DMA "dier": 00:02.0: bus master off (command register reads 0x0003); freeing its buffers now')
freed=$(at '[init] DMA "dier": 00:02.0: 2 buffer(s) of 4096 KiB unmapped and freed')
if has '[init -> dier] dma_client: holding 2 buffers, SIGKILL now' && [ -n "$off" ] && [ -n "$freed" ] &&
   [ "$off" -lt "$freed" ] && has '[init] child "dier" crashed: killed by signal 9'
then pass $t; else fail $t "bus master off at line '${off:-}', freed at '${freed:-}'"; fi

t=dma_session_without_policy_refused
if has '[init] denied DMA session "stranger": DMA for 00:02.0 is outside the policy (no DMA policy matches this label)'
then pass $t; else fail $t "rc=$rc"; fi
