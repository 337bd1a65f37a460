#!/bin/sh
# The acpi report and routing from QEMU q35 tables (values as QEMU 7.2 builds
# them, see ../shared/FIELD-NOTES.md), and clear errors for broken tables.
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 5"
Q=tests/acpi/q35/default
check() {	# NAME FILE PATTERN...
	name=$1 file=$2
	shift 2
	for p in "$@"; do
		grep -qF -- "$p" "$file" || { echo "FAIL - $name: missing \"$p\""; sed 's/^/    /' "$file" | head -20; return; }
	done
	echo "ok - $name"
}
"$B/bin/acpi" --tables $Q --report > "$T/r" 2>&1
check acpi_report_q35_tables "$T/r" '<bdf start="0" count="65536" base="0xb0000000" segment="0"/>' \
	'<irq_override irq="0" gsi="2" flags="0x0"/>' '<irq_override irq="9" gsi="9" flags="0xd"/>' \
	'<ioapic id="0" base_irq="0" addr="0xfec00000"/>' '<sci_int irq="9"/>' '<root_bridge bdf="0x0" name="\_SB.PCI0" segment="0"/>' \
	'<hpet base="0xfed00000" number="0"/>'
check acpi_report_q35_routing "$T/r" \
	'<routing gsi="0x16" bridge_bdf="0x0" device="0x2" device_pin="0x0" mode="level" polarity="high" bridge="\_SB.PCI0" link="\_SB.GSIG"/>' \
	'<routing gsi="0x10" bridge_bdf="0x0" device="0x1f" device_pin="0x0" mode="level" polarity="high" bridge="\_SB.PCI0" link="\_SB.GSIA"/>'
"$B/bin/acpi" --tables $Q --routing > "$T/t" 2>&1
check acpi_routing_text_q35 "$T/t" '\_SB.PCI0 00:00.0 0x02 INTA 22 level high \_SB.GSIG' \
	'\_SB.PCI0 00:00.0 0x1f INTD 19 level high \_SB.GSID'

# Broken tables: each gives a message naming the table and what is wrong; the rest still loads.
mkdir "$T/bad"
cp $Q/dsdt.dat $Q/mcfg.dat "$T/bad/"
head -c 30 $Q/apic.dat > "$T/bad/apic.dat"				# truncated header
python3 -c "
import sys
d = bytearray(open('$Q/hpet.dat','rb').read()); d[4] = 200; open('$T/bad/hpet.dat','wb').write(d)"	# length > file
python3 -c "
d = bytearray(open('$Q/facp.dat','rb').read()); d[9] ^= 0xff; open('$T/bad/facp.dat','wb').write(d)"	# checksum
python3 -c "
d = bytearray(open('$Q/apic.dat','rb').read()); d[45] = 0; open('$T/bad/apic2.dat','wb').write(d)"	# MADT entry length 0
"$B/bin/acpi" --tables "$T/bad" --report > "$T/b" 2>&1
rc=$?
check acpi_broken_tables_clear_errors "$T/b" 'apic.dat: 30 bytes: shorter than the 36-byte table header; skipped' \
	'hpet.dat: HPET: header length 200, but 56 bytes are there; skipped' \
	'facp.dat (FACP): checksum does not add up to zero' \
	'APIC: entry at offset 44 has length 0; rest of the table skipped' \
	'<bdf start="0" count="65536" base="0xb0000000"'
[ $rc = 0 ] && echo "ok - acpi_broken_tables_still_route" || echo "FAIL - acpi_broken_tables_still_route: exit $rc"
