#!/bin/sh
# Run every QEMU scenario in run/scenarios/ (those whose file does not
# set expect_failure are expected to pass; those that do are expected to be
# reported as failed, with their reason). One result line each.
B=${B:-build/out}
export B
for s in run/scenarios/*.scn; do
	[ -f "$s" ] || continue
	name=$(basename "$s" .scn)
	python3 run/runner.py "$name" > "build/scenario-$name.log" 2>&1
	rc=$?
	expect=$(sed -n 's/^expect_failure=//p' "$s" | tr -d "'\"")
	if [ -n "$expect" ]; then
		# Only the runner's verdict counts, not any line that happens to contain the words.
		if [ $rc = 1 ] && grep '^RESULT: FAIL: ' "build/scenario-$name.log" | grep -qF -- "$expect"; then
			echo "ok - scenario_$name (failed as intended: $(grep -m1 'RESULT' "build/scenario-$name.log"))"
		else
			echo "FAIL - scenario_$name: expected failure \"$expect\", runner exit $rc"
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
