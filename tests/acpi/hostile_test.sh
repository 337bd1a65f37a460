#!/bin/sh
# Hostile tables (issue 11): each tests/acpi/hostile/*.asl is compiled by
# iasl here as a DSDT (and grown by nest.py behind its end when its header
# says "nest: N"); a directory there is one case of several tables
# (dsdt.asl, ssdt1.asl, ...). acpi --tables must end by itself (no signal, no timeout), say
# on stderr what the header's "expect:" says (the method and the limit it
# hit), and print the _PRTs acpiexec prints for the same table. One line
# per case.
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if ! command -v iasl >/dev/null || ! command -v acpiexec >/dev/null; then
	echo "plan 1"
	echo "skip - acpi_hostile: iasl/acpiexec not installed (Debian acpica-tools)"
	exit 0
fi
set -- tests/acpi/hostile/*.asl tests/acpi/hostile/*/
echo "plan $#"
mkdir -p build/acpi-oracle
# acpiexec's answer depends only on the table: cached in build/acpi-oracle.
# Cases whose loops run into acpiexec's 30 s loop timeout many times (24 endless
# _INIs take acpiexec about 12 minutes) carry its answer recorded once with
# acpiexec 20200925 (Debian 12's acpica-tools) next to their source:
# CASE.acpiexec.prt, or acpiexec.prt in a case directory. ACPI_ORACLE_LIVE=1
# runs acpiexec anyway and fails the case if the recording went stale.
oracle() {	# DIR RECORDING
	key=$(cat "$1"/dsdt.dat "$1"/ssdt*.dat 2>/dev/null | sha256sum | cut -c1-16)-1
	if [ -s "$2" ] && [ -z "${ACPI_ORACLE_LIVE:-}" ]; then
		cat "$2"
		return
	fi
	[ -s "build/acpi-oracle/$key" ] || python3 tests/acpi/acpiexec_prt.py "$1" --pic 1 > "build/acpi-oracle/$key" 2>/dev/null
	if [ -s "$2" ] && ! cmp -s "$2" "build/acpi-oracle/$key"; then
		echo "recording $2 differs from acpiexec's answer now" >&2
		return
	fi
	cat "build/acpi-oracle/$key"
}
for src; do
	name=acpi_hostile_$(basename "$src" .asl)
	d="$T/$(basename "$src" .asl)"
	mkdir -p "$d"
	if [ -d "$src" ]; then files=$(ls "$src"*.asl); else files=$src; fi
	for a in $files; do
		out=dsdt
		[ -d "$src" ] && out=$(basename "$a" .asl)
		if ! iasl -p "$d/$out" "$a" > "$T/iasl.log" 2>&1; then
			echo "FAIL - $name: iasl failed on $a"
			tail -5 "$T/iasl.log" | sed 's/^/    /'
			continue 2
		fi
		mv "$d/$out.aml" "$d/$out.dat"
	done
	nest=$(cat $files | sed -n 's/^ \* nest: *//p')
	[ -n "$nest" ] && python3 tests/acpi/hostile/nest.py "$d/dsdt.dat" "$nest"
	expect=$(cat $files | sed -n 's/^ \* expect: *//p')
	timeout 120 "$B/bin/acpi" --tables "$d" --prt --pic 1 > "$T/out" 2> "$T/err"
	rc=$?
	sed 's/ ERROR .*/ ERROR/' "$T/out" > "$T/got"
	if [ -d "$src" ]; then rec=${src}acpiexec.prt; else rec=${src%.asl}.acpiexec.prt; fi
	oracle "$d" "$rec" | sed 's/ ERROR .*/ ERROR/' > "$T/want"
	if [ $rc -ge 124 ]; then
		echo "FAIL - $name: exit status $rc (killed by a signal or by the 120 s timeout)"
		tail -3 "$T/err" | sed 's/^/    /'
	elif ! grep -Eq "$expect" "$T/err"; then
		echo "FAIL - $name: no message matching \"$expect\" on stderr"
		tail -3 "$T/err" | sed 's/^/    /'
	elif [ ! -s "$T/want" ]; then
		echo "FAIL - $name: acpiexec gave no _PRT at all"
	elif ! cmp -s "$T/got" "$T/want"; then
		echo "FAIL - $name: _PRT differs from acpiexec's"
		diff "$T/got" "$T/want" | head -10 | sed 's/^/    /'
	else
		echo "ok - $name (exit $rc, \"$(grep -Em1 "$expect" "$T/err" | cut -c1-110)\", $(wc -l < "$T/got") _PRT lines equal)"
	fi
done
