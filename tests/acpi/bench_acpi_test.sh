#!/bin/sh
# make bench's acpi part (run/bench_acpi.py) compares like with like or
# refuses: a reference that fails (non-zero exit, an error printed, a
# different number of _PRT entries) is an error (exit 1), never a ratio,
# and the version it prints is the tool's own. Stand-in acpiexecs wrap the
# real one. S= names another script (to show the old one failing these).
B=${B:-build/out}
S=${S:-run/bench_acpi.py}
export B MKX_BENCH_RUNS=1
if ! command -v iasl >/dev/null || ! command -v acpiexec >/dev/null; then
	echo "plan 1"
	echo "skip - bench_acpi: iasl/acpiexec not installed (Debian acpica-tools)"
	exit 0
fi
REAL=$(command -v acpiexec)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 5"
# fake NAME BODY: an acpiexec stand-in in $T/NAME/acpiexec ($REAL is the real one).
fake() { mkdir -p "$T/$1"; printf '#!/bin/sh\n%s\n' "$2" > "$T/$1/acpiexec"; chmod +x "$T/$1/acpiexec"; }
# expect NAME WANT_RC TEXT [PATHDIR]: run the bench, check its exit status and that TEXT is in its output.
expect() {
	out=$(PATH="${4:+$4:}$PATH" python3 "$S" 2>&1); rc=$?
	if [ "$rc" = "$2" ] && printf '%s\n' "$out" | grep -qF -- "$3"; then
		echo "ok - bench_acpi_$1 (exit $rc: $(printf '%s\n' "$out" | grep -F -- "$3" | head -1 | cut -c1-90))"
	else
		echo "FAIL - bench_acpi_$1: exit $rc (want $2), no \"$3\" in: $(printf '%s' "$out" | tail -3 | tr '\n' '|' | cut -c1-300)"
	fi
}
expect real 0 "acpi --prt (ours)"
fake exits "$REAL \"\$@\"; exit 3"
expect failing_reference_exit 1 "acpiexec exited 3" "$T/exits"
# What acpiexec itself does with the q35 _PRT asked for directly: the error, and exit 0.
fake errors "$REAL \"\$@\"; echo 'Evaluation of \\\\_SB.PCI0._PRT failed with status AE_BUFFER_OVERFLOW'; exit 0"
expect reference_error_exit_0 1 "the reference failed: acpiexec reported" "$T/errors"
fake fewer "$REAL \"\$@\" | sed 's/= 0000000000000080/= 000000000000007F/'"
expect reference_other_set 1 "to 127 entries, ours to 128" "$T/fewer"
fake version "case \"\$1\" in -v) echo 'AML Execution/Debug Utility version 20991231';; *) exec $REAL \"\$@\";; esac"
expect version_from_tool 0 "ACPICA 20991231" "$T/version"
