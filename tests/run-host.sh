#!/bin/sh
# Host tests: unit tests, integration tests of core, portability check.
# Needs no root and no QEMU. Prints one result line per test.
# PREFIX is put before each test name (e.g. "asan:").
# Exit status: 0 when no FAIL line was printed.
B=${B:-build/out}
PREFIX=${PREFIX:-}
export B
failed=0

# run_check quiet|all NAME CMD...: runs CMD and passes its result lines
# ("ok - ", "FAIL - ", "skip - ", with PREFIX before the test's name) on;
# with "all" its other output too (with "quiet" only when it failed).
# Every test command declares how many results it will print ("plan N",
# once, before them: unit binaries get it from the harness, scripts compute
# it from their inputs). A FAIL line of our own, NAME_plan or NAME, when:
#   - it declares no plan, more than one, or a plan of 0 (nothing checked),
#   - it prints another number of results than it planned (an early abort
#     loses tests, a forged line adds one),
#   - it exits with a status other than 0 and printed no FAIL line.
run_check() {
	mode=$1 name=$2
	shift 2
	out=$("$@" 2>&1); rc=$?
	results=$(printf '%s\n' "$out" | grep -E '^(ok|FAIL|skip) - ')
	if [ "$mode" = all ]; then
		printf '%s\n' "$out" | grep -v '^plan ' | sed "s/^\(ok\|FAIL\|skip\) - /\1 - $PREFIX/"
	elif [ -n "$results" ]; then
		printf '%s\n' "$results" | sed "s/^\(ok\|FAIL\|skip\) - /\1 - $PREFIX/"
	fi
	plans=$(printf '%s\n' "$out" | sed -n 's/^plan \([0-9][0-9]*\)$/\1/p')
	nplans=$(printf '%s\n' "$plans" | grep -c .)
	ran=$(printf '%s\n' "$out" | grep -cE '^(ok|FAIL|skip) - ')
	fails=$(printf '%s\n' "$out" | grep -c '^FAIL - ')
	own=0
	if [ "$nplans" = 0 ]; then
		echo "FAIL - $PREFIX${name}_plan: declares no plan (\"plan N\"), printed $ran results"; own=1
	elif [ "$nplans" != 1 ]; then
		echo "FAIL - $PREFIX${name}_plan: declares $nplans plans ($(echo $plans)): which one holds?"; own=1
	elif [ "$plans" = 0 ]; then
		echo "FAIL - $PREFIX${name}_plan: plans 0 results: it checks nothing"; own=1
	elif [ "$plans" != "$ran" ]; then
		echo "FAIL - $PREFIX${name}_plan: $plans results planned, $ran printed (aborted early? a line not its own?)"; own=1
	fi
	if [ "$rc" != 0 ] && [ "$fails" = 0 ]; then
		echo "FAIL - $PREFIX$name: exited with status $rc (all its result lines were ok or skip)"; own=1
	fi
	if [ "$mode" = quiet ] && [ $((own + fails)) != 0 ]; then
		printf '%s\n' "$out" | grep -vE '^(plan [0-9]|(ok|skip|FAIL) - )' | tail -30 | sed 's/^/    /'
	fi
	failed=$((failed + own + fails))
}

# run_script CMD...: a test script, or any command (python3 X.py, sh X.sh ARGS),
# named after its first argument that is a path (tests/x/y_test.sh: y_test).
run_script() {
	name=$1
	for a in "$@"; do
		case $a in */*) name=$a; break;; esac
	done
	name=$(basename "$name"); name=${name%.sh}; name=${name%.py}
	run_check all "$name" "$@"
}

# Unit binaries, one per tests/unit/*_test.c: a missing one fails, it does not vanish.
for src in tests/unit/*_test.c; do
	name=$(basename "$src" .c)
	if [ -x "$B/tests/$name" ]; then
		run_check quiet "$name" "$B/tests/$name"
	else
		echo "FAIL - $PREFIX$name: $B/tests/$name was not built"; failed=$((failed + 1))
	fi
done
for s in tests/acpi/*_test.sh tests/acpi/samples.sh tests/pci/*_test.sh tests/integration/*_test.sh; do
	run_script "$s"
done
if [ -z "$PREFIX" ]; then
	# The gates themselves can fail (a forged line, a silent binary, an exit status, a file gcc cannot read).
	run_script tests/harness_selftest.sh
	run_script tests/portability/check.sh
	run_script python3 tests/checker_test.py
	run_script tests/survey_screen_test.py
	# The scenario runner and its log checks (stand-in QEMU, real logs as fixtures).
	run_script tests/run/runner_selftest.py
	run_script tests/run/expect_failure_test.py
	run_script tests/run/checks_test.py
fi
# (Add new tests above this line.)
[ "$failed" = 0 ]
