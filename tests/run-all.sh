#!/bin/sh
# Every test of mkx: host tests (normal build), the same under ASan/UBSan,
# then the QEMU scenarios in run/scenarios/. The last line is
# "N passed, N failed" (skipped tests are counted on the line before).
B=${B:-build/out}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
{
	echo "== host tests ($B)"
	B=$B tests/run-host.sh
	if [ "${SANITIZE:-0}" != 1 ]; then
		echo "== host tests under ASan/UBSan (build/san)"
		if make -s SANITIZE=1 all >/tmp/mkx-san-build.log 2>&1; then
			B=build/san PREFIX=asan: tests/run-host.sh
		else
			echo "FAIL - asan_build: make SANITIZE=1 failed:"; tail -20 /tmp/mkx-san-build.log | sed 's/^/    /'
		fi
		echo "== fuzzers (fixed seed and input count: the same on every machine)"
		if make -s fuzz-build >/tmp/mkx-fuzz-build.log 2>&1; then
			FUZZ_RUNS=ci tests/fuzz/run.sh fuzz_aml fuzz_tables fuzz_config fuzz_hid fuzz_pci
		else
			echo "FAIL - fuzz_build: make fuzz-build failed:"; tail -20 /tmp/mkx-fuzz-build.log | sed 's/^/    /'
		fi
		echo "== QEMU scenarios"
		B=$B run/scenarios.sh
	else
		echo "skip - qemu_scenarios: the sanitized build is dynamic; scenarios run in plain 'make test'"
	fi
} 2>&1 | tee "$log"
passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^FAIL - ' "$log")
skipped=$(grep -c '^skip - ' "$log")
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
