#!/bin/sh
# Tidiness the compiler does not check (issue 21):
#  - no function is longer than 80 lines, except those on the allow-list
#    below, each with the reason it is still long;
#  - no exported symbol of our code is unused: every global a module
#    defines is referenced by another object (or by a fuzz harness, which
#    is built elsewhere); file-local functions are static.
# Both checkers are run on made-up input first, so a checker that cannot
# fail does not count as a pass. Prints "plan 4", then one line per check.
B=${B:-build/out}
echo "plan 4"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MAX=80

# file:function, and why it may stay longer than MAX lines.
ALLOW_LONG='
core-services/tools/raw_vfio.c:main      a benchmark reference tool: one straight sequence of ioctls, read top to bottom
core-services/tools/raw_uio.c:main       same
core-services/tools/raw_packet_tx.c:main same
tests/components/probe_attack.c:linger_close   an attack probe: its setup, the attack and the verdict read best as one story
tests/components/probe_attack.c:dma_scan_stall same
tests/components/dma_punch.c:attacker    same
tests/components/msi_forger.c:main       same (controls, the forgery, the restore and the verdict in order)
tests/components/platform_client.c:main  a test component: one scripted sequence of session calls
tests/components/irq_bench.c:main        same (grew past 80 lines in 270ea40, during issue 21; its owner may split it)
tests/unit/harness.c:run_one             the harness: fork, pipes, timeout and verdict in one place
'
# Globals nothing else references, and why they stay.
ALLOW_UNUSED='
'

# long_functions FILE...: "LINES FILE:FUNCTION" for every function over MAX
# lines. Our style puts the name at column 0 and the braces of a function
# body at column 0, so the body runs from "{" to "}" at column 0.
long_functions() {
	for f in "$@"; do
		awk -v f="$f" -v max="$MAX" '
		/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name) }
		/^\{/ { if (name != "") { start = NR; infn = 1 } }
		/^\}/ { if (infn) { if (NR - start + 1 > max) print NR - start + 1, f ":" name; infn = 0; name = "" } }
		' "$f"
	done
}

# unused_exports OBJDIR [SRCDIR...]: "SYMBOL OBJECT" for every global our
# objects define that no object references (main and the compiler's own
# "__" names aside); a word in a fuzz harness's source counts as a use.
unused_exports() {
	objdir=$1
	shift
	find "$objdir" -name '*.o' | sort >"$T/objs"
	# nm -A: "object: [value] type name" on each line, one run for all objects
	xargs nm -A -u <"$T/objs" | awk '{ print $NF }' | sort -u >"$T/used"
	xargs nm -A -g --defined-only <"$T/objs" | awk '$(NF - 1) ~ /^[TDBRC]$/ { o = $1; sub(/:[0-9a-fA-F]*$/, "", o); print $NF, o }' |
	    grep -v '^main \|^__' | sort >"$T/defined"
	join -v 1 "$T/defined" "$T/used" | while read -r sym obj; do
		[ $# -gt 0 ] && grep -qw "$sym" "$@" 2>/dev/null && continue
		echo "$sym $obj"
	done
}

# 1. The length checker flags an 81-line function and passes an 80-line one.
{
	printf 'static int\nlong_one(void)\n{\n'; i=0; while [ $i -lt 79 ]; do echo '	;'; i=$((i + 1)); done; printf '}\n'
	printf 'int\nshort_one(int a,\n    int b)\n{\n'; i=0; while [ $i -lt 78 ]; do echo '	;'; i=$((i + 1)); done; printf '}\n'
} >"$T/len.c"
got=$(long_functions "$T/len.c")
if [ "$got" = "81 $T/len.c:long_one" ]; then echo "ok - tidy_length_checker_catches_a_long_function"
else echo "FAIL - tidy_length_checker_catches_a_long_function: expected only long_one (81 lines), got: ${got:-nothing}"; fi

# 2. The export checker flags a global nobody references, not one that is used.
mkdir -p "$T/obj"
printf 'int used_elsewhere(void) { return 1; }\nint nobody_calls_me(void) { return 2; }\n' >"$T/a.c"
printf 'int used_elsewhere(void);\nint main(void) { return used_elsewhere(); }\n' >"$T/b.c"
if gcc -c "$T/a.c" -o "$T/obj/a.o" 2>"$T/gcc.err" && gcc -c "$T/b.c" -o "$T/obj/b.o" 2>>"$T/gcc.err"; then
	got=$(unused_exports "$T/obj" | awk '{ print $1 }' | tr '\n' ' ')
	if [ "$got" = "nobody_calls_me " ]; then echo "ok - tidy_export_checker_catches_an_unused_export"
	else echo "FAIL - tidy_export_checker_catches_an_unused_export: expected nobody_calls_me, got: ${got:-nothing}"; fi
else
	echo "FAIL - tidy_export_checker_catches_an_unused_export: gcc cannot build the sample: $(head -2 "$T/gcc.err" | tr '\n' ' ')"
fi

# 3. Our functions.
files=$(find base pci acpi drivers apps core-services tests -name '*.c' 2>/dev/null | sort)
if [ -z "$files" ]; then
	echo "FAIL - tidy_functions_at_most_${MAX}_lines: no sources found (run from the top of the tree)"
else
	bad=""
	long=$(long_functions $files)
	IFS='
'
	for l in $long; do
		key=${l#* }
		printf '%s\n' "$ALLOW_LONG" | awk '{ print $1 }' | grep -qxF "$key" || bad="$bad $key (${l%% *} lines)"
	done
	unset IFS
	if [ -z "$bad" ]; then echo "ok - tidy_functions_at_most_${MAX}_lines ($(echo $files | wc -w) files, $(printf '%s\n' "$long" | grep -c .) allowed)"
	else echo "FAIL - tidy_functions_at_most_${MAX}_lines: split, or add to ALLOW_LONG with a reason:$bad"; fi
fi

# 4. Our exports (objects of the build; fuzz harnesses are built elsewhere).
if [ -z "$(find "$B/obj" -name '*.o' 2>/dev/null | head -1)" ]; then
	echo "FAIL - tidy_no_unused_exports: no objects in $B/obj (build first)"
else
	bad=""
	for l in $(unused_exports "$B/obj" tests/fuzz/*.c 2>"$T/nm.err" | awk '{ print $1 ":" $2 }'); do
		sym=${l%%:*}
		printf '%s\n' "$ALLOW_UNUSED" | awk '{ print $1 }' | grep -qxF "$sym" || bad="$bad $sym (${l#*:})"
	done
	if [ -s "$T/nm.err" ]; then echo "FAIL - tidy_no_unused_exports: nm could not read: $(head -3 "$T/nm.err" | tr '\n' ' ')"
	elif [ -z "$bad" ]; then echo "ok - tidy_no_unused_exports ($(find "$B/obj" -name '*.o' | wc -l) objects)"
	else echo "FAIL - tidy_no_unused_exports: make static or remove, or add to ALLOW_UNUSED with a reason:$bad"; fi
fi
