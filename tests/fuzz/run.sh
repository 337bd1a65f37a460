#!/bin/sh
# Run each libFuzzer target for FUZZ_SECONDS on a copy of its seed corpus
# (new inputs stay in build/fuzz/, the checked-in corpus is not touched).
# A crash, leak or timeout is a FAIL line naming the saved input.
S=${FUZZ_SECONDS:-60}
for t in "$@"; do
	c=build/fuzz/corpus-$t
	mkdir -p "$c" build/fuzz/artifacts
	cp tests/fuzz/corpus/${t#fuzz_}/* "$c"/ 2>/dev/null
	if build/fuzz/$t -max_total_time="$S" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/artifacts/$t- "$c" > build/fuzz/$t.log 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' build/fuzz/$t.log)
		echo "ok - fuzz_${t#fuzz_} ($runs inputs in ${S} s, corpus $(ls "$c" | wc -l), no crash, leak or timeout)"
	else
		echo "FAIL - fuzz_${t#fuzz_}: $(grep -m1 -E 'ERROR|SUMMARY|timeout' build/fuzz/$t.log)"
		grep -E 'artifact|Test unit written' build/fuzz/$t.log | tail -2 | sed 's/^/    /'
		grep -A12 -m1 'ERROR' build/fuzz/$t.log | sed 's/^/    /'
	fi
done
