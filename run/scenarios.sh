#!/bin/sh
# Run QEMU scenarios: every one of run/scenarios/, or the .scn files given as
# arguments. Those whose file does not set expect_failure are expected to pass;
# those that do are expected to be reported as failed for that reason (a
# regular expression over the runner's RESULT reason, run/scenario.py expect).
# One result line each.
B=${B:-build/out}
export B
[ $# -gt 0 ] || set -- run/scenarios/*.scn
for s in "$@"; do
	[ -f "$s" ] || { echo "FAIL - scenario_$(basename "$s" .scn): no such scenario file $s"; continue; }
	name=$(basename "$s" .scn)
	case $s in run/scenarios/*) arg=$name;; *) arg=$s;; esac
	python3 run/runner.py "$arg" > "build/scenario-$name.log" 2>&1
	rc=$?
	if grep -q '^expect_failure=' "$s"; then
		# Only the runner's verdict counts, and only for the reason the scenario states.
		if [ $rc = 1 ] && why=$(python3 run/scenario.py expect "$s" "build/scenario-$name.log"); then
			echo "ok - scenario_$name (failed as intended: $why)"
		else
			echo "FAIL - scenario_$name: runner exit $rc; $(python3 run/scenario.py expect "$s" "build/scenario-$name.log")"
			tail -15 "build/scenario-$name.log" | sed 's/^/    /'
		fi
	elif [ $rc = 0 ]; then
		echo "ok - scenario_$name ($(grep -m1 'RESULT' "build/scenario-$name.log" | sed 's/.*RESULT: //'))"
		grep '^check: ' "build/scenario-$name.log" | sed 's/^check: /    /'
	else
		echo "FAIL - scenario_$name: runner exit $rc"
		tail -25 "build/scenario-$name.log" | sed 's/^/    /'
	fi
	# No QEMU may be left behind.
	if pgrep -f "mkx-scenario-$name" >/dev/null; then
		echo "FAIL - scenario_${name}_left_qemu_behind"
		pkill -9 -f "mkx-scenario-$name"
	fi
done
