#!/bin/sh
# core's IRQ service with Genode's session arguments in a running core on
# the sim back end (issue 12): MSI by device_config_phys, an MSI-X vector,
# legacy by ECAM address and by GSI alone (two functions: core forwards),
# and refusals, each through libmkx. No root, no QEMU.
set -u
B=${B:-build/out}
BIN=$B/bin
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -40; }
has() { grep -qF -- "$1" "$T/out"; }
timeout 60 "$BIN/core" --config tests/integration/irq_args.xml --bin-dir "$BIN" > "$T/out" 2>&1
rc=$?

t=irq_args_refusals_each_with_its_reason
if has '{irq_type=1, device_config_phys=0xb0008000}: refused: the interrupt of 00:01.0 is outside the policy' &&
   has '{irq_type=2, pci="00:03.0"}: refused: the function has no MSI-X capability' &&
   has '{irq_type=2, pci="00:02.0", vector=5}: refused: the function has 5 vectors (asked for vector 5)' &&
   has '{irq_type=3, pci="00:02.0"}: refused: IRQ session: irq_type must be a number up to 2' &&
   has '{irq_number=22}: refused: GSI 22: no free function the IRQ policy grants to this label is on it (2 function(s) granted)'
then pass $t; else fail $t "rc=$rc"; fi

t=irq_args_msi_by_ecam_address_with_genodes_info
if has '{irq_number=1, irq_type=1, device_config_phys=0xb0010000, bdf=0x10}: 100 interrupts, each once; INFO type 1 address 0xfee00000 value 0x4020'
then pass $t; else fail $t "rc=$rc"; fi

t=irq_args_msix_vector
if has '{irq_type=2, pci="00:02.0", vector=4}: 100 interrupts, each once; INFO type 1 address 0xfee00040 value 0x4024'
then pass $t; else fail $t "rc=$rc"; fi

t=irq_args_legacy_by_ecam_address
if has '{irq_number=23, irq_type=0, device_config_phys=0xb0018000}: 100 interrupts, each once; INFO type 0 address 0x0 value 0x0, GSI 23, source fd'
then pass $t; else fail $t "rc=$rc"; fi

t=irq_args_legacy_by_gsi_alone_forwarded_for_two_functions
if has '[init] IRQ "genode": GSI 23: 00:02.0, 00:03.0 granted through sim (core forwards and unmasks them together)' &&
   has '{irq_number=23}: 100 interrupts, each once; INFO type 0 address 0x0 value 0x0, GSI 23, forwarded by core' &&
   has '[init] child "genode" exited with exit value 0'
then pass $t; else fail $t "rc=$rc"; fi
