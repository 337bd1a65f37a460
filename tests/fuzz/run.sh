#!/bin/sh
# Run each libFuzzer target on a copy of its seed corpus (new inputs stay in
# build/fuzz/, the checked-in corpus is not touched).
#   FUZZ_SECONDS=N   time-bounded, random seed (make fuzz: go looking for bugs)
#   FUZZ_RUNS=ci     a fixed seed and a fixed number of inputs per target
#                    (make test: the same inputs on every machine, so CI
#                    cannot turn red by chance; ~20 s each here)
# A crash, leak or timeout is a FAIL line naming the saved input.
S=${FUZZ_SECONDS:-60}
runs_for() {
	case $1 in
	fuzz_aml) echo 2000;;	# the product's limits (loops run to 65536): ~20 s under ASan
	fuzz_tables) echo 2000000;;
	fuzz_config) echo 400000;;
	fuzz_hid) echo 400000;;
	fuzz_pci) echo 20000;;	# a walk of up to 512 simulated functions per input: ~15 s under ASan
	*) echo 10000;;
	esac
}
for t in "$@"; do
	c=build/fuzz/corpus-$t
	rm -rf "$c"
	mkdir -p "$c" build/fuzz/artifacts
	cp tests/fuzz/corpus/${t#fuzz_}/* "$c"/ 2>/dev/null
	if [ "${FUZZ_RUNS:-}" = ci ]; then
		how="-runs=$(runs_for $t) -seed=1"
		what="seed 1"
	else
		how="-max_total_time=$S"
		what="${S} s"
	fi
	if build/fuzz/$t $how -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/artifacts/$t- "$c" > build/fuzz/$t.log 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' build/fuzz/$t.log)
		echo "ok - fuzz_${t#fuzz_} ($runs inputs, $what, corpus $(ls "$c" | wc -l), no crash, leak or timeout)"
	else
		echo "FAIL - fuzz_${t#fuzz_}: $(grep -m1 -E 'ERROR|SUMMARY|timeout' build/fuzz/$t.log)"
		grep -E 'artifact|Test unit written' build/fuzz/$t.log | tail -2 | sed 's/^/    /'
		grep -A12 -m1 'ERROR' build/fuzz/$t.log | sed 's/^/    /'
	fi
done
