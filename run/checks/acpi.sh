#!/bin/sh
# Every device on bus 0 the oracle (Linux) routed must have the same GSI
# in the acpi component's route lines; and the report must have been published.
fail=0
grep -q 'report "acpi" published' "$MKX_LOG" || { echo "acpi report not published" >&2; fail=1; }
# AML's region accesses: PCI_Config through the granted conf1 pair works (the link
# devices' _STA read the LPC's PIRQ registers), the ungranted SystemIO port is refused cleanly.
grep -q 'PCI_Config for AML refused' "$MKX_LOG" && { echo "PCI_Config was refused" >&2; fail=1; }
grep -q 'LNKA._STA' "$MKX_LOG" && { echo "LNKA._STA failed" >&2; fail=1; }
grep -q 'SystemIO 0xcd8+4 for AML refused: ports 0xcd8-0xcdb are outside the policy' "$MKX_LOG" ||
	{ echo "the refusal of SystemIO 0xcd8 is missing" >&2; fail=1; }
# The HPET's registers (q35's SystemMemory region HPTM) are read live, through core.
grep -q 'SystemMemory 0xfed00000-0xfed003ff for AML: live registers' "$MKX_LOG" ||
	{ echo "HPTM was not served live" >&2; fail=1; }
grep -qE '\[init -> rom_reader\] ROM "acpi": [0-9]+ bytes, [1-9][0-9]* <routing> elements' "$MKX_LOG" ||
	{ echo "the acpi report was not readable as ROM \"acpi\"" >&2; fail=1; }
n=0
for line in $(grep -o 'oracle [0-9a-f:.]* INT[A-D] irq [0-9]*' "$MKX_LOG" | tr ' ' '_'); do
	set -- $(echo "$line" | tr '_' ' ')
	dev=$2 pin=$3 irq=$5
	case $dev in 00:*) ;; *) continue;; esac	# behind bridges: swizzling is the platform driver's job
	got=$(grep -o "route $dev $pin -> GSI [0-9]*" "$MKX_LOG" | awk '{print $NF}')
	if [ "$got" != "$irq" ]; then
		echo "$dev $pin: acpi says GSI '${got:-none}', Linux routed irq $irq" >&2
		fail=1
	else
		echo "check: $dev $pin: acpi GSI $got = Linux irq $irq"
		n=$((n + 1))
	fi
done
[ $n -ge 3 ] || { echo "only $n devices compared" >&2; fail=1; }
exit $fail
