#!/bin/sh
# Interrupt links without an IRQ (issue 23): a link whose _STA says "not
# enabled", whose _CRS names interrupt 0 (QEMU i440fx's PIIX links after
# _DIS) or an empty IRQ mask is unrouted with its reason and the IRQs _PRS
# offers, never reported as GSI 0; the enabled link beside them is routed.
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 2"
if ! command -v iasl >/dev/null; then
	echo "FAIL - acpi_link_disabled: iasl not installed (Debian acpica-tools, tools/deps.sh)"
	echo "FAIL - acpi_link_disabled_report: iasl not installed"
	exit 1
fi
mkdir "$T/l"
iasl -p "$T/l/dsdt" tests/acpi/tables/link_disabled.asl > "$T/iasl.log" 2>&1 && mv "$T/l/dsdt.aml" "$T/l/dsdt.dat"
"$B/bin/acpi" --tables "$T/l" --routing > "$T/r" 2>&1
want() { grep -qxF "$1" "$T/r" || { echo "    missing: $1"; return 1; }; }
ok=1
want '\_SB.PCI0 00:00.0 0x01 INTA 10 level high \_SB.LNKA' || ok=0
want '\_SB.PCI0 00:00.0 0x02 INTA unrouted link disabled (_STA 0x9: not enabled), no IRQ allocated (_PRS: 5 10 11) \_SB.LNKB' || ok=0
want '\_SB.PCI0 00:00.0 0x03 INTA unrouted link disabled (_CRS gives interrupt 0), no IRQ allocated (_PRS: 5 10 11) \_SB.LNKC' || ok=0
want '\_SB.PCI0 00:00.0 0x04 INTA unrouted link disabled (_CRS holds no interrupt), no IRQ allocated (_PRS: 3 4) \_SB.LNKD' || ok=0
if [ $ok = 1 ] && [ "$(wc -l < "$T/r")" = 4 ]; then
	echo "ok - acpi_link_disabled (three links without an IRQ unrouted with their reason and _PRS, the enabled one routed)"
else
	echo "FAIL - acpi_link_disabled: --routing output differs"
	sed 's/^/    got: /' "$T/r"
fi
# The report: the enabled link's <routing>, none with gsi 0 or for the disabled ones.
"$B/bin/acpi" --tables "$T/l" --report > "$T/x" 2>&1
if [ "$(grep -c '<routing ' "$T/x")" = 1 ] && grep -q '<routing gsi="0xa" .*device="0x1" ' "$T/x" &&
    ! grep -q '<routing gsi="0x0"' "$T/x" && grep -qF 'slot 0x3 pin 0: link disabled (_CRS gives interrupt 0)' "$T/x"; then
	echo "ok - acpi_link_disabled_report (one <routing>, the disabled links as comments with their reason)"
else
	echo "FAIL - acpi_link_disabled_report: the report routes a disabled link or lost the enabled one"
	grep -n 'routing\|slot' "$T/x" | sed 's/^/    /'
fi
