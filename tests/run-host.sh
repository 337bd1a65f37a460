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
tests/acpi/report_test.sh | sed "s/^\(ok\|FAIL\|skip\) - /\1 - $PREFIX/"
tests/acpi/asl_test.sh | sed "s/^\(ok\|FAIL\|skip\) - /\1 - $PREFIX/"
tests/acpi/samples.sh | sed "s/^\(ok\|FAIL\|skip\) - /\1 - $PREFIX/"
tests/integration/core_test.sh | sed "s/^\(ok\|FAIL\|skip\) - /\1 - $PREFIX/"
if [ -z "$PREFIX" ]; then
	tests/portability/check.sh
	python3 tests/checker_test.py
fi
exit 0
