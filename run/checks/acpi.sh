#!/bin/sh
# Every device on bus 0 the oracle (Linux) routed must have the same GSI
# in the acpi component's route lines; and core must have published the report.
# Lines are read by serial_log.sh and matched anchored at their author's prefix.
. "$(dirname "$0")/serial_log.sh"
fail=0
[ -n "$(line_of '^\[init\] report "acpi -> acpi" published \([0-9]+ bytes\)$')" ] ||
	{ echo "core did not publish the acpi report" >&2; fail=1; }
# AML's region accesses: PCI_Config through the granted conf1 pair works (the link
# devices' _STA read the LPC's PIRQ registers), the ungranted SystemIO port is refused cleanly.
# (Absent anywhere in the log, whoever would print it.)
grep -qF 'PCI_Config for AML refused' "$LINES" && { echo "PCI_Config was refused" >&2; fail=1; }
grep -qF 'LNKA._STA' "$LINES" && { echo "LNKA._STA failed" >&2; fail=1; }
# (q35's _INI writes the CPU-hotplug port 0xcd8, i440fx's 0xaf00: whichever the machine has.)
[ -n "$(line_of '^\[init -> acpi\] SystemIO 0x[0-9a-f]+\+[0-9]+ for AML refused: ports 0x[0-9a-f]+-0x[0-9a-f]+ are outside the policy')" ] ||
	{ echo "the refusal of an ungranted SystemIO port (0xcd8 on q35, 0xaf00 on i440fx) is missing" >&2; fail=1; }
# The HPET's registers (q35's SystemMemory region HPTM) are read live, through core.
has_line '[init -> acpi] SystemMemory 0xfed00000-0xfed003ff for AML: live registers' ||
	{ echo "HPTM was not served live" >&2; fail=1; }
[ -n "$(line_of '^\[init -> rom_reader\] ROM "acpi": [0-9]+ bytes, [1-9][0-9]* <routing> elements')" ] ||
	{ echo "the acpi report was not readable as ROM \"acpi\"" >&2; fail=1; }
# late_link DEV PIN IRQ: acpi read DEV's link while it was disabled (its route line "unrouted: link
# disabled (...), no IRQ allocated (_PRS: ...) LINK") and Linux enabled that link only afterwards
# (the kernel's "ACPI: LINK: Enabled at IRQ N", once per link, after acpi published its report,
# before which acpi had not read the routes), at the IRQ Linux gives DEV, one _PRS offers. The one
# mismatch that is no error: acpi does not allocate links, Linux does when it enables a function
# (docs/acpi.md). Prints why and succeeds, or fails (any other mismatch).
late_link() {
	awk -v dev="$1" -v pin="$2" -v irq="$3" '
	function norm(p,   n, s, i, o) {	# Linux pads segments with "_" (\_SB_.LNKC); ACPICA paths do not
		n = split(p, s, "."); o = ""
		for (i = 1; i <= n; i++) { sub(/_+$/, "", s[i]); o = o (i > 1 ? "." : "") s[i] }
		return o
	}
	index($0, "[init -> acpi] report \"acpi\" published") == 1 && !pub { pub = NR }
	index($0, "[init -> acpi] route " dev " " pin " -> unrouted: link disabled (") == 1 && !un {
		if (!match($0, /, no IRQ allocated \(_PRS:[0-9 ]*\) [^ ]+$/)) next
		t = substr($0, RSTART, RLENGTH); link = t; sub(/.* /, "", link)
		prs = t; sub(/^, no IRQ allocated \(_PRS: */, "", prs); sub(/\).*/, "", prs)
		un = NR
	}
	/^\[ *[0-9]+\.[0-9]+\] ACPI: [^ ]+: Enabled at IRQ [0-9]+$/ {
		l = $0; sub(/^.*\] ACPI: /, "", l); sub(/: Enabled at IRQ [0-9]+$/, "", l)
		en[norm(l)] = NR; at[norm(l)] = $NF
	}
	END {
		if (!un || !pub || !(link in en)) exit 1
		n = split(prs, p, " "); ok = 0
		for (i = 1; i <= n; i++) if (p[i] == irq) ok = 1
		if (!ok || at[link] != irq || en[link] < pub) exit 1
		printf "%s %s: acpi read %s disabled (no IRQ allocated, _PRS: %s); Linux enabled it later at IRQ %s", dev, pin, link, prs, irq
		printf " (log line %d, after acpi'"'"'s report at line %d) = Linux irq %s: not a route acpi read\n", en[link], pub, irq
	}' "$LINES"
}
n=0
for line in $(lines_of '^\[init -> pci_irq_oracle\] oracle [0-9a-f:.]+ INT[A-D] irq [0-9]+$' | cut -d' ' -f4- | tr ' ' '_'); do
	set -- $(echo "$line" | tr '_' ' ')
	dev=$2 pin=$3 irq=$5
	case $dev in 00:*) ;; *) continue;; esac	# behind bridges: swizzling is the platform driver's job
	# Linux itself found no GSI (e.g. i440fx's LNKS, whose only IRQ is the SCI): its irq is then
	# the Interrupt Line register, not a route to compare; acpi must not claim a different GSI.
	if [ -n "$(line_of "^\[ *[0-9.]+\] pci 0000:$dev: PCI $(echo $pin | sed 's/INT/INT /'): no GSI\$")" ]; then
		got=$(lines_of "^\[init -> acpi\] route $dev $pin -> GSI [0-9]+ " | awk '{print $9}')
		if [ -n "$got" ] && [ "$got" != "$irq" ]; then
			echo "$dev $pin: Linux has no GSI (irq $irq from Interrupt Line), acpi says GSI $got" >&2
			fail=1
		else
			echo "check: $dev $pin: Linux has no GSI for it (irq $irq is its Interrupt Line); acpi ${got:+GSI $got, the same number}${got:-gives no route line}"
		fi
		continue
	fi
	got=$(lines_of "^\[init -> acpi\] route $dev $pin -> GSI [0-9]+ " | awk '{print $9}')
	if [ -z "$got" ] && why=$(late_link "$dev" "$pin" "$irq"); then
		echo "check: $why"
	elif [ "$got" != "$irq" ]; then
		echo "$dev $pin: acpi says GSI '${got:-none}', Linux routed irq $irq" >&2
		fail=1
	else
		echo "check: $dev $pin: acpi GSI $got = Linux irq $irq"
		n=$((n + 1))
	fi
done
[ $n -ge 3 ] || { echo "only $n devices compared" >&2; fail=1; }
exit $fail
