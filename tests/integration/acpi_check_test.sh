#!/bin/sh
# run/checks/acpi.sh (scenarios acpi, acpi_pc) on copies of a real acpi_pc log
# (tests/integration/acpi_check_pc.log) with one thing planted in each: the one
# mismatch the check accepts is a pin acpi read behind a disabled link ("unrouted:
# link disabled ..., no IRQ allocated (_PRS: ...) LINK") that Linux enabled only
# afterwards (its "ACPI: LINK: Enabled at IRQ N" after acpi's report), at the IRQ
# the oracle gives, one _PRS offers; every other difference fails it.
F=tests/integration/acpi_check_pc.log
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 7"
ROUTE='[init -> acpi] route 00:03.0 INTA -> GSI 11 level high \_SB.LNKC'
UNROUTED='[init -> acpi] route 00:03.0 INTA -> unrouted: link disabled (_STA 0x9: not enabled), no IRQ allocated (_PRS: 5 10 11) \_SB.LNKC'
ENABLED='[    2.338557] ACPI: \_SB_.LNKC: Enabled at IRQ 11'
# plant NAME OLD NEW [LATE]: $F with the line OLD as NEW (NEW empty: dropped); LATE: the
# line LNKC's "Enabled" line becomes, put just before the composition's end.
plant() {
	awk -v old="$2" -v new="$3" -v late="$4" -v en="$ENABLED" '
	$0 == old { if (new != "") print new; next }
	late != "" && $0 == en { next }
	late != "" && index($0, "[init] composition ended") == 1 { print late }
	{ print }' "$F" > "$T/$1.log"
}
# expect NAME RC TEXT: acpi.sh on $T/NAME.log exits RC and says TEXT.
expect() {
	MKX_LOG="$T/$1.log" sh run/checks/acpi.sh > "$T/$1.out" 2>&1
	rc=$?
	if [ "$rc" = "$2" ] && grep -qF -- "$3" "$T/$1.out"; then
		echo "ok - acpi_check_$1 (exit $rc: $(grep -F -- "$3" "$T/$1.out" | head -1 | cut -c1-110))"
	else
		echo "FAIL - acpi_check_$1: exit $rc, want $2 and \"$3\":"
		sed 's/^/    /' "$T/$1.out"
	fi
}
cp "$F" "$T/real.log"
expect real 0 "check: 00:03.0 INTA: acpi GSI 11 = Linux irq 11"
plant late "$ROUTE" "$UNROUTED" "$ENABLED"
expect late 0 "check: 00:03.0 INTA: acpi read \_SB.LNKC disabled (no IRQ allocated, _PRS: 5 10 11); Linux enabled it later at IRQ 11"
plant early "$ROUTE" "$UNROUTED"
expect early 1 "00:03.0 INTA: acpi says GSI 'none', Linux routed irq 11"
plant not_offered "$ROUTE" "$(echo "$UNROUTED" | sed 's/5 10 11/5 10/')" "$ENABLED"
expect not_offered 1 "00:03.0 INTA: acpi says GSI 'none', Linux routed irq 11"
plant other_irq "$ROUTE" "$UNROUTED" "$(echo "$ENABLED" | sed 's/IRQ 11/IRQ 10/')"
expect other_irq 1 "00:03.0 INTA: acpi says GSI 'none', Linux routed irq 11"
plant other_link "$ROUTE" "$(echo "$UNROUTED" | sed 's/LNKC$/LNKB/')" "$ENABLED"
expect other_link 1 "00:03.0 INTA: acpi says GSI 'none', Linux routed irq 11"
plant gsi "$ROUTE" "$(echo "$ROUTE" | sed 's/GSI 11/GSI 10/')"
expect gsi 1 "00:03.0 INTA: acpi says GSI '10', Linux routed irq 11"
