#!/bin/sh
# Every test of mkx, in four parts: host tests (normal build), the same host
# tests again under ASan/UBSan, the fuzzers, the QEMU scenarios in
# run/scenarios/. At the end one line per part with its own counts (the
# ASan part reruns the host tests: it finds other bugs in the same code, it
# covers no more of it), then "N skipped", and last "N passed, N failed"
# over all parts.
# A part is checked like a test script: one that prints fewer results than
# it should (it has nothing, or stopped early) or exits non-zero without a
# FAIL line gets a FAIL line of its own.
B=${B:-build/out}
FUZZ_CI_TARGETS="fuzz_aml fuzz_tables fuzz_config fuzz_hid fuzz_pci fuzz_record_cfg"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
parts=""

# part KEY LABEL MIN CMD...: runs CMD (its output on the terminal and in
# $dir/KEY.log); MIN: the fewest results it must print (0: not checked).
part() {
	key=$1 label=$2 min=$3
	shift 3
	parts="$parts $key"
	echo "$label" > "$dir/$key.label"
	echo "== $label"
	{ "$@" 2>&1; echo $? > "$dir/$key.rc"; } | tee "$dir/$key.log"
	rc=$(cat "$dir/$key.rc")
	ran=$(grep -cE '^(ok|FAIL|skip) - ' "$dir/$key.log")
	if [ "$ran" -lt "$min" ]; then
		echo "FAIL - part_$key: $min results expected, $ran printed" | tee -a "$dir/$key.log"
	fi
	if [ "$rc" != 0 ] && ! grep -q '^FAIL - ' "$dir/$key.log"; then
		echo "FAIL - part_$key: exited with status $rc and printed no FAIL line" | tee -a "$dir/$key.log"
	fi
}

host() { B=$B tests/run-host.sh; }
asan() {	# (its build's log in build/, full; the last 20 lines shown on a failure)
	mkdir -p build
	if make -s SANITIZE=1 all >build/san-build.log 2>&1; then
		B=build/san PREFIX=asan: tests/run-host.sh
	else
		echo "FAIL - asan_build: make SANITIZE=1 failed:"; tail -20 build/san-build.log | sed 's/^/    /'
	fi
}
fuzz() {
	if make -s fuzz-build >build/fuzz-build.log 2>&1; then
		# shellcheck disable=SC2086
		FUZZ_RUNS=ci tests/fuzz/run.sh $FUZZ_CI_TARGETS
	else
		echo "FAIL - fuzz_build: make fuzz-build failed:"; tail -20 build/fuzz-build.log | sed 's/^/    /'
	fi
}
scenarios() { B=$B run/scenarios.sh; }

# A part's fewest results: host tests check their own plans (1: it ran at all).
part host "host tests ($B)" 1 host
if [ "${SANITIZE:-0}" != 1 ]; then
	part asan "host tests again under ASan/UBSan (build/san: a rerun of the same tests)" 1 asan
	part fuzz "fuzzers (fixed seed and input count: the same on every machine)" \
	    "$(echo $FUZZ_CI_TARGETS | wc -w)" fuzz
	part scenarios "QEMU scenarios (run/scenarios/)" "$(ls run/scenarios/*.scn 2>/dev/null | wc -l)" scenarios
else
	part rest "fuzzers and QEMU scenarios: not run" 0 echo \
	    "skip - fuzz_and_qemu_scenarios: the sanitized build is dynamic; they run in plain 'make test'"
fi

echo "== summary"
for key in $parts; do
	printf '%s: %d ok, %d FAIL, %d skip\n' "$(cat "$dir/$key.label")" \
	    "$(grep -c '^ok - ' "$dir/$key.log")" "$(grep -c '^FAIL - ' "$dir/$key.log")" "$(grep -c '^skip - ' "$dir/$key.log")"
done
cat "$dir"/*.log > "$dir/all"
passed=$(grep -c '^ok - ' "$dir/all")
failed=$(grep -c '^FAIL - ' "$dir/all")
skipped=$(grep -c '^skip - ' "$dir/all")
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
