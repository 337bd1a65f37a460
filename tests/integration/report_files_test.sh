#!/bin/sh
# Issue 16: <report_files>: every report core accepts is also a file in dir,
# named after its session label, with the same bytes; core's log goes to
# dir/<log>; a directory that is not there is said once and each report
# then says it was not stored, while the composition runs as without.
# Host only, no root, no device (the mount of the results partition is
# the survey scenarios' part).
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -40; }
has() { grep -qF -- "$1" "$T/out"; }
run() { timeout 30 "$B/bin/core" --config "$1" --bin-dir "$B/bin" > "$T/out" 2>&1; rc=$?; }

mkdir "$T/results"
: > "$T/screen"		# stands in for /dev/tty0: screen= opens, never creates
cat > "$T/ok.xml" <<X
<config>
  <report_files dir="$T/results" log="log.txt" screen="$T/screen"/>
  <report_rom> <policy label="rom_reader -> acpi" report="good -> acpi"/> </report_rom>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="good"> <binary name="rom_reporter"/> <config report="acpi" routing="3"/> </start>
  <start name="rom_reader"> <config rom="acpi" element="routing" wait_ms="10000"/> </start>
</config>
X
run "$T/ok.xml"

t=report_files_stored
size=$(sed -n 's/.*report "good -> acpi" stored as .*good\.acpi\.xml (\([0-9]*\) bytes).*/\1/p' "$T/out" | tail -1)
if [ -n "$size" ] && [ -f "$T/results/good.acpi.xml" ] &&
   [ "$(wc -c < "$T/results/good.acpi.xml")" -eq "$size" ] &&
   grep -q '<routing' "$T/results/good.acpi.xml" && [ ! -e "$T/results/good.acpi.xml.new" ]; then pass $t
else fail $t "the report is not in $T/results/good.acpi.xml with the size the log said"; fi

t=report_files_log_is_cores_output
if [ -s "$T/results/log.txt" ] && grep -q '^\[init\] reports: stored as files in' "$T/results/log.txt" &&
   grep '^\[init' "$T/out" | sed -n '/reports: stored as files in/,$p' | cmp -s - "$T/results/log.txt"; then pass $t
else fail $t "log.txt is not core's output from the reports line on"; fi

t=report_files_screen_copy
if [ -s "$T/screen" ] && grep '^\[init' "$T/out" | cmp -s - "$T/screen"; then pass $t
else fail $t "the screen did not get core's output"; fi

cat > "$T/gone.xml" <<X
<config>
  <report_files dir="$T/not-there" log="log.txt"/>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="good"> <binary name="rom_reporter"/> <config report="acpi" routing="3"/> </start>
</config>
X
run "$T/gone.xml"

t=report_files_missing_dir_said
if has "[init] reports: could not store results: $T/not-there/log.txt" &&
   has '[init] report "good -> acpi" not stored: no results directory' &&
   has '[init] report "good -> acpi" published' && [ "$rc" -eq 0 ] && [ ! -e "$T/not-there" ]; then pass $t
else fail $t "a missing results directory was not said, or stopped the composition (rc $rc)"; fi

t=report_files_failure_said_again_at_the_end
if [ "$(grep '^\[init\]' "$T/out" | tail -1)" = \
     "[init] reports: could not store results: $T/not-there/log.txt: No such file or directory (1 report(s) not stored)" ]; then pass $t
else fail $t "core's last line does not repeat why nothing was stored"; fi

t=report_files_config_checked
printf '<config><report_files dir="relative"/><start name="a"/></config>\n' > "$T/bad.xml"
"$B/bin/core" --check "$T/bad.xml" > "$T/out" 2>&1
if has 'needs dir="/absolute/path"'; then pass $t
else fail $t "a relative dir was accepted"; fi
