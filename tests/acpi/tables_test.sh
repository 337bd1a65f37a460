#!/bin/sh
# acpi --tables on unusual directories and tables (issues 10 and 11): a FIFO
# named *.dat is refused instead of hanging the tool; a _PRT Source given as
# a String is followed on the routing path as --prt shows it.
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 2"
mkdir "$T/fifo"
cp tests/acpi/q35/default/dsdt.dat "$T/fifo/"
mkfifo "$T/fifo/ssdt.dat"
timeout 20 "$B/bin/acpi" --tables "$T/fifo" --prt > "$T/out" 2> "$T/err"
rc=$?
if [ $rc -ge 124 ]; then
	echo "FAIL - acpi_tables_fifo: exit status $rc (hung on the FIFO?)"
elif ! grep -q 'ssdt.dat: not a regular file' "$T/err" || [ "$(wc -l < "$T/out")" != 128 ]; then
	echo "FAIL - acpi_tables_fifo: no clear refusal, or not the 128 _PRT lines of the DSDT"
	head -3 "$T/err" | sed 's/^/    /'
else
	echo "ok - acpi_tables_fifo (a FIFO named ssdt.dat refused, the DSDT's 128 _PRT lines)"
fi
if ! command -v iasl >/dev/null; then
	echo "skip - acpi_routing_string_source: iasl not installed (Debian acpica-tools)"
	exit 0
fi
mkdir "$T/str"
iasl -p "$T/str/dsdt" tests/acpi/tables/string_source.asl > "$T/iasl.log" 2>&1 && mv "$T/str/dsdt.aml" "$T/str/dsdt.dat"
"$B/bin/acpi" --tables "$T/str" --routing > "$T/r" 2>&1
if grep -qF '\_SB.PCI0 00:00.0 0x01 INTA 10 level low \_SB.LNKA' "$T/r" &&
    grep -qF '\_SB.PCI0 00:00.0 0x02 INTA 11 level low \_SB.PCI0.LNKB' "$T/r"; then
	echo "ok - acpi_routing_string_source (absolute and relative String Sources routed through their links)"
else
	echo "FAIL - acpi_routing_string_source: String Sources not routed"
	sed 's/^/    /' "$T/r" | head -5
fi
