#!/bin/sh
# Our interpreter against ACPICA's acpiexec on the same tables, both PIC
# modes: our own ASL cases (tests/acpi/asl, compiled by iasl here) and the
# QEMU q35 tables dumped from guests (tests/acpi/q35). One line per case.
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if ! command -v iasl >/dev/null || ! command -v acpiexec >/dev/null; then
	echo "plan 1"
	echo "skip - acpi_vs_acpiexec: iasl/acpiexec not installed (Debian acpica-tools)"
	exit 0
fi
mkdir -p build/acpi-oracle
# two results (PIC modes) per ASL case and per q35 table set
set -- tests/acpi/asl/*.asl tests/acpi/asl/*/ tests/acpi/q35/*/
echo "plan $(($# * 2))"
# acpiexec's answer depends only on the tables: cache it (each acpiexec run takes ~1 s).
oracle() {	# DIR PIC
	key=$(cat "$1"/dsdt.dat "$1"/ssdt*.dat 2>/dev/null | sha256sum | cut -c1-16)-$2
	[ -s "build/acpi-oracle/$key" ] || python3 tests/acpi/acpiexec_prt.py "$1" --pic "$2" > "build/acpi-oracle/$key" 2>/dev/null
	cat "build/acpi-oracle/$key"
}
compare() {	# NAME DIR
	for pic in 1 0; do
		oracle "$2" $pic | sed 's/ ERROR .*/ ERROR/' > "$T/want"
		"$B/bin/acpi" --tables "$2" --prt --pic $pic 2>/dev/null | sed 's/ ERROR .*/ ERROR/' > "$T/got"
		if [ ! -s "$T/want" ]; then
			echo "FAIL - $1_pic$pic: acpiexec gave no _PRT at all"
		elif cmp -s "$T/got" "$T/want"; then
			echo "ok - $1_pic$pic ($(wc -l < "$T/got") lines equal acpiexec)"
		else
			echo "FAIL - $1_pic$pic: differs from acpiexec"
			diff "$T/got" "$T/want" | head -10 | sed 's/^/    /'
		fi
	done
}
for src in tests/acpi/asl/*.asl tests/acpi/asl/*/; do
	name=$(basename "$src" .asl)
	d="$T/$name"
	mkdir -p "$d"
	if [ -d "$src" ]; then
		for a in "$src"*.asl; do
			iasl -p "$d/$(basename "$a" .asl)" "$a" > "$T/iasl.log" 2>&1 || { echo "FAIL - acpi_asl_$name: iasl failed on $a"; tail -5 "$T/iasl.log"; continue 2; }
			mv "$d/$(basename "$a" .asl).aml" "$d/$(basename "$a" .asl).dat"
		done
	else
		iasl -p "$d/dsdt" "$src" > "$T/iasl.log" 2>&1 || { echo "FAIL - acpi_asl_$name: iasl failed"; tail -5 "$T/iasl.log"; continue; }
		mv "$d/dsdt.aml" "$d/dsdt.dat"
	fi
	compare "acpi_asl_$name" "$d"
done
for d in tests/acpi/q35/*/; do
	[ -d "$d" ] && compare "acpi_q35_$(basename "$d")" "$d"
done
