#!/bin/sh
# The gates can fail: tests/run-host.sh, the unit harness and the
# portability check, run on a sandbox tree of stand-ins that each break one
# rule, must print a FAIL line for each (and none for the honest ones):
#   - a unit test that prints its own "ok - " line (or "skip - ", as
#     dma_kept_test once did when not root), or a binary that prints one
#     outside any test;
#   - a unit binary that prints nothing and exits 0; a unit test source
#     whose binary was not built;
#   - a script that prints all its planned ok lines and exits 1; one that
#     prints fewer than it planned; a checker that declares no plan;
#   - a source file gcc cannot preprocess (an escape hidden in it);
#   - run-host.sh itself exits non-zero after a FAIL;
#   - run-all.sh (on stand-ins of its four parts): one line per part with
#     its own counts before "N skipped" and the last line "N passed, N
#     failed"; a part that prints fewer results than it should, or exits
#     non-zero without a FAIL line, is a FAIL.
# Runs the run-host.sh, harness.c and check.sh next to this file (so the same
# script, copied into an old checkout, shows what the old gates let through).
TOP=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 16"

mkdir -p "$T/tests/unit" "$T/tests/integration" "$T/tests/portability" "$T/build/tests" "$T/drivers"
cp "$TOP/tests/unit/harness.c" "$TOP/tests/unit/harness.h" "$T/tests/unit/"
cp "$TOP/tests/portability/check.sh" "$T/tests/portability/check.sh"
unit() {	# NAME BODY: tests/unit/NAME.c on the harness, built into build/tests/NAME
	printf '#include <string.h>\n#include "harness.h"\n%s\n' "$2" > "$T/tests/unit/$1.c"
	gcc -Wall -o "$T/build/tests/$1" "$T/tests/unit/$1.c" "$T/tests/unit/harness.c" 2>"$T/gcc-$1.log" ||
		echo "# building stand-in $1 failed: $(head -3 "$T/gcc-$1.log")"
}
unit st_good_test 'TEST(st_good_test_passes) { CHECK(1); }'
unit st_forged_test 'TEST(st_forged_test_prints_its_own_ok) { printf("ok - forged\n"); }'
unit st_skipline_test 'TEST(st_skipline_test_prints_its_own_skip) { printf("skip - st_skipline_test_prints_its_own_skip: needs root\n"); return; }'
unit st_ctor_test '__attribute__((constructor)) static void f(void) { printf("ok - forged_outside_any_test\n"); }
TEST(st_ctor_test_passes) { CHECK(1); }'
unit st_skip_test 'TEST(st_skip_test_skips) { harness_skip("a stand-in that cannot run here"); }'
printf 'int main(void) { return 0; }\n' > "$T/tests/unit/st_silent_test.c"
gcc -o "$T/build/tests/st_silent_test" "$T/tests/unit/st_silent_test.c"
unit st_missing_test 'TEST(st_missing_test_passes) { CHECK(1); }'
rm -f "$T/build/tests/st_missing_test"
script() {	# NAME BODY: an executable tests/integration/NAME.sh
	printf '#!/bin/sh\n%s\n' "$2" > "$T/tests/integration/$1.sh"
	chmod +x "$T/tests/integration/$1.sh"
}
script st_good_test 'echo "plan 1"; echo "ok - st_good_script_passes"'
script st_exit1_test 'echo "plan 2"; echo "ok - st_exit1_a"; echo "ok - st_exit1_b"; exit 1'
script st_short_test 'echo "plan 3"; echo "ok - st_short_a"'
printf 'print("ok - st_checker_without_plan")\nraise SystemExit(1)\n' > "$T/tests/checker_test.py"
# An escape inside a comment that is never closed: gcc cannot preprocess the file.
printf '/* the comment never ends\nint fd = open("/dev/mem", 0);\n' > "$T/drivers/st_unpreprocessable.c"

(cd "$T" && B=build PREFIX= sh "$TOP/tests/run-host.sh") > "$T/out" 2>&1
rc=$?

# run-all.sh's parts as stand-ins, in a tree of their own: host 2 ok and 1
# skip (asan: 1 ok), the fuzzers 1 result for 6 targets, the scenarios
# their 2 ok lines and exit status 3.
A="$T/all"
mkdir -p "$A/tests/fuzz" "$A/run/scenarios"
cp "$TOP/tests/run-all.sh" "$A/tests/"
printf 'all:\n\t@true\nfuzz-build:\n\t@true\n' > "$A/Makefile"
cat > "$A/tests/run-host.sh" <<'EOF'
#!/bin/sh
if [ -n "$PREFIX" ]; then echo "ok - ${PREFIX}a"; else printf 'ok - a\nok - b\nskip - c: x\n'; fi
EOF
printf '#!/bin/sh\necho "ok - fuzz_aml"\n' > "$A/tests/fuzz/run.sh"
printf '#!/bin/sh\necho "ok - scenario_a"; echo "ok - scenario_b"; exit 3\n' > "$A/run/scenarios.sh"
touch "$A/run/scenarios/a.scn" "$A/run/scenarios/b.scn"
chmod +x "$A/tests/run-host.sh" "$A/tests/fuzz/run.sh" "$A/run/scenarios.sh"
(cd "$A" && B=build SANITIZE=0 sh tests/run-all.sh) > "$T/all.out" 2>&1

n=0
result() {	# NAME OKS WHY: OKS is one 1 per condition that held (a 0 or nothing: FAIL)
	if [ -n "$2" ] && [ "${2#*0}" = "$2" ]; then echo "ok - harness_selftest_$1"
	else echo "FAIL - harness_selftest_$1: $3"; n=$((n + 1)); fi
}
has() { grep -qE "$1" "$T/out" && echo 1 || echo 0; }
hasnt() { grep -qE "$1" "$T/out" && echo 0 || echo 1; }
result honest_unit_test_passes "$(has '^ok - st_good_test_passes$')$(hasnt '^FAIL - st_good_test')" \
    "the honest stand-in should be ok and not FAIL"
result unit_test_printing_its_own_ok_fails "$(has '^FAIL - st_forged_test')$(hasnt '^ok - forged$')" \
    "a test's own \"ok - forged\" line was not refused"
result unit_test_printing_its_own_skip_fails "$(has '^FAIL - st_skipline_test')$(hasnt '^(ok|skip) - st_skipline_test')" \
    "a test's own skip line (then ok from the harness) was not refused"
result result_line_outside_any_test_fails "$(has '^FAIL - st_ctor_test')" \
    "an \"ok - \" line printed by the binary outside any test was not refused"
result harness_skip_is_a_skip_not_a_pass "$(has '^skip - st_skip_test_skips: a stand-in')$(hasnt '^(ok|FAIL) - st_skip_test')" \
    "harness_skip() should print one skip line"
result unit_binary_printing_nothing_fails "$(has '^FAIL - st_silent_test')" \
    "a binary that printed nothing and exited 0 vanished"
result unit_test_not_built_fails "$(has '^FAIL - st_missing_test')" \
    "a unit test whose binary is missing vanished"
result honest_script_passes "$(has '^ok - st_good_script_passes$')$(hasnt '^FAIL - st_good_test')" \
    "the honest script should be ok and not FAIL"
result script_exiting_1_with_all_its_ok_lines_fails "$(has '^FAIL - st_exit1_test')" \
    "its exit status 1 was ignored"
result script_printing_fewer_results_than_planned_fails "$(has '^FAIL - st_short_test_plan')" \
    "3 planned, 1 printed, no FAIL"
result checker_without_plan_and_exiting_1_fails "$(has '^FAIL - checker_test')" \
    "tests/checker_test.py is not plan- and status-checked"
result portability_check_fails_on_a_file_gcc_cannot_preprocess \
    "$(has '^FAIL - portability_no_linux_interfaces_in_components_source: .*st_unpreprocessable\.c.*unterminated comment')" \
    "no FAIL naming drivers/st_unpreprocessable.c and gcc's error"
result run_host_exits_nonzero_after_a_fail "$([ "$rc" != 0 ] && echo 1)" "run-host.sh exited with status $rc"
tail -6 "$T/all.out" > "$T/all.tail"
cat > "$T/all.want" <<'EOF'
host tests (build): 2 ok, 0 FAIL, 1 skip
host tests again under ASan/UBSan (build/san: a rerun of the same tests): 1 ok, 0 FAIL, 0 skip
fuzzers (fixed seed and input count: the same on every machine): 1 ok, 1 FAIL, 0 skip
QEMU scenarios (run/scenarios/): 2 ok, 1 FAIL, 0 skip
1 skipped
6 passed, 2 failed
EOF
result run_all_prints_each_part_then_the_totals_last "$(cmp -s "$T/all.tail" "$T/all.want" && echo 1)" \
    "its last lines are not the four part lines, \"1 skipped\", \"6 passed, 2 failed\": $(tr '\n' '|' < "$T/all.tail")"
result run_all_fails_a_part_with_fewer_results_than_it_runs \
    "$(grep -q '^FAIL - part_fuzz: 6 results expected, 1 printed' "$T/all.out" && echo 1)" "no FAIL for the fuzzers' 1 result of 6"
result run_all_fails_a_part_exiting_nonzero_without_a_fail_line \
    "$(grep -q '^FAIL - part_scenarios: exited with status 3' "$T/all.out" && echo 1)" "the scenarios' exit status 3 was ignored"
if [ "$n" != 0 ]; then
	echo "# run-host.sh on the sandbox printed:"
	sed 's/^/#    /' "$T/out"
	echo "# run-all.sh on its sandbox printed:"
	sed 's/^/#    /' "$T/all.out"
fi
[ "$n" = 0 ]
