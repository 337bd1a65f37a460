#!/bin/sh
# Real firmware from ../shared/acpi-samples (not copied into the repo): for
# each machine, `acpi --tables DIR --prt` must equal expected.prt.txt and
# `--pic 0` expected.prt.pic0.txt, line for line (ERROR lines by path only:
# the wording of a reason is ours); the _PRTs expected.prtinfo.tsv marks as
# errors must come out as ERROR, the exit status says whether any failed.
B=${B:-build/out}
S=${ACPI_SAMPLES:-../shared/acpi-samples}
if [ ! -d "$S" ]; then
	echo "plan 1"
	echo "skip - acpi_samples: $S does not exist here"
	exit 0
fi
set -- "$S"/*/
echo "plan $(($# * 2))"	# both PIC modes per machine
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for d in "$S"/*/; do
	m=$(basename "$d")
	want_errors=$(awk -F'\t' 'NR > 1 && $3 != "ok"' "$d/expected.prtinfo.tsv" | wc -l)
	for pic in 1 0; do
		exp="$d/expected.prt.txt"
		[ $pic = 0 ] && exp="$d/expected.prt.pic0.txt"
		timeout 120 "$B/bin/acpi" --tables "$d" --prt --pic $pic > "$T/out" 2> "$T/err"
		rc=$?
		sed 's/ ERROR .*/ ERROR/' "$T/out" > "$T/got"
		sed 's/ ERROR .*/ ERROR/' "$exp" > "$T/want"
		name="acpi_prt_${m%-*}_pic$pic"
		got_errors=$(grep -c ' ERROR' "$T/out")
		if ! cmp -s "$T/got" "$T/want"; then
			echo "FAIL - $name: output differs from $(basename "$exp") ($(diff "$T/got" "$T/want" | grep -c '^[<>]') lines)"
			diff "$T/got" "$T/want" | head -10 | sed 's/^/    /'
		elif [ "$got_errors" != "$want_errors" ]; then
			echo "FAIL - $name: $got_errors _PRTs failed, prtinfo marks $want_errors"
		elif [ $rc != $([ "$want_errors" = 0 ] && echo 0 || echo 1) ]; then
			echo "FAIL - $name: exit status $rc"
		else
			echo "ok - $name ($(wc -l < "$T/out") lines$([ "$want_errors" != 0 ] && echo ", $want_errors clear errors"))"
		fi
	done
done
