#!/bin/sh
# Host tests: unit tests, integration tests of core, portability check.
# Needs no root and no QEMU. Prints one result line per test.
# PREFIX is put before each test name (e.g. "asan:").
B=${B:-build/out}
PREFIX=${PREFIX:-}
export B
for t in "$B"/tests/*; do
	out=$("$t" 2>&1); rc=$?
	lines=$(printf '%s\n' "$out" | grep -E '^(ok|FAIL|skip) - ')
	printf '%s\n' "$lines" | sed "s/^\(ok\|FAIL\|skip\) - /\1 - $PREFIX/"
	if [ $rc != 0 ] && ! printf '%s\n' "$lines" | grep -q '^FAIL'; then
		echo "FAIL - $PREFIX$(basename "$t"): exited with status $rc"
		printf '%s\n' "$out" | tail -20 | sed 's/^/    /'
	fi
	printf '%s\n' "$out" | grep -q '^FAIL' && printf '%s\n' "$out" | grep -vE '^(ok|skip) - ' | tail -30 | sed 's/^/    /'
done
# Test scripts declare how many results they will print ("plan N", computed
# from their inputs before they start): an early abort cannot lose tests silently.
run_script() {
	out=$("$@" 2>&1)
	printf '%s\n' "$out" | grep -v '^plan ' | sed "s/^\(ok\|FAIL\|skip\) - /\1 - $PREFIX/"
	planned=$(printf '%s\n' "$out" | sed -n 's/^plan \([0-9][0-9]*\)$/\1/p' | tail -1)
	ran=$(printf '%s\n' "$out" | grep -cE '^(ok|FAIL|skip) - ')
	name=$(basename "$1" .sh)
	if [ -z "$planned" ]; then
		echo "FAIL - $PREFIX${name}_plan: the script declares no plan (\"plan N\")"
	elif [ "$planned" != "$ran" ]; then
		echo "FAIL - $PREFIX${name}_plan: $planned results planned, $ran printed (aborted early?)"
	fi
}
for s in tests/acpi/*_test.sh tests/acpi/samples.sh tests/pci/*_test.sh tests/integration/*_test.sh; do
	run_script "$s"
done
if [ -z "$PREFIX" ]; then
	tests/portability/check.sh
	python3 tests/checker_test.py
	run_script tests/survey_screen_test.py
fi
exit 0
