#!/bin/sh
# Every device on bus 0 the oracle (Linux) routed must have the same GSI
# in the acpi component's route lines; and core must have published the report.
# Lines are read by serial_log.sh and matched anchored at their author's prefix.
. "$(dirname "$0")/serial_log.sh"
fail=0
[ -n "$(line_of '^\[init\] report "acpi -> acpi" published \([0-9]+ bytes\)$')" ] ||
	{ echo "core did not publish the acpi report" >&2; fail=1; }
# AML's region accesses: PCI_Config through the granted conf1 pair works (the link
# devices' _STA read the LPC's PIRQ registers), the ungranted SystemIO port is refused cleanly.
# (Absent anywhere in the log, whoever would print it.)
grep -qF 'PCI_Config for AML refused' "$LINES" && { echo "PCI_Config was refused" >&2; fail=1; }
grep -qF 'LNKA._STA' "$LINES" && { echo "LNKA._STA failed" >&2; fail=1; }
# (q35's _INI writes the CPU-hotplug port 0xcd8, i440fx's 0xaf00: whichever the machine has.)
[ -n "$(line_of '^\[init -> acpi\] SystemIO 0x[0-9a-f]+\+[0-9]+ for AML refused: ports 0x[0-9a-f]+-0x[0-9a-f]+ are outside the policy')" ] ||
	{ echo "the refusal of an ungranted SystemIO port (0xcd8 on q35, 0xaf00 on i440fx) is missing" >&2; fail=1; }
# The HPET's registers (q35's SystemMemory region HPTM) are read live, through core.
has_line '[init -> acpi] SystemMemory 0xfed00000-0xfed003ff for AML: live registers' ||
	{ echo "HPTM was not served live" >&2; fail=1; }
[ -n "$(line_of '^\[init -> rom_reader\] ROM "acpi": [0-9]+ bytes, [1-9][0-9]* <routing> elements')" ] ||
	{ echo "the acpi report was not readable as ROM \"acpi\"" >&2; fail=1; }
n=0
for line in $(lines_of '^\[init -> pci_irq_oracle\] oracle [0-9a-f:.]+ INT[A-D] irq [0-9]+$' | cut -d' ' -f4- | tr ' ' '_'); do
	set -- $(echo "$line" | tr '_' ' ')
	dev=$2 pin=$3 irq=$5
	case $dev in 00:*) ;; *) continue;; esac	# behind bridges: swizzling is the platform driver's job
	# Linux itself found no GSI (e.g. i440fx's LNKS, whose only IRQ is the SCI): its irq is then
	# the Interrupt Line register, not a route to compare; acpi must not claim a different GSI.
	if [ -n "$(line_of "^\[ *[0-9.]+\] pci 0000:$dev: PCI $(echo $pin | sed 's/INT/INT /'): no GSI\$")" ]; then
		got=$(lines_of "^\[init -> acpi\] route $dev $pin -> GSI [0-9]+ " | awk '{print $9}')
		if [ -n "$got" ] && [ "$got" != "$irq" ]; then
			echo "$dev $pin: Linux has no GSI (irq $irq from Interrupt Line), acpi says GSI $got" >&2
			fail=1
		else
			echo "check: $dev $pin: Linux has no GSI for it (irq $irq is its Interrupt Line); acpi ${got:+GSI $got, the same number}${got:-gives no route line}"
		fi
		continue
	fi
	got=$(lines_of "^\[init -> acpi\] route $dev $pin -> GSI [0-9]+ " | awk '{print $9}')
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
