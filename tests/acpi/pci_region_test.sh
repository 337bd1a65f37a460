#!/bin/sh
# PCI_Config regions behind a bridge and beyond the header, against a
# simulated config space (tests/acpi/pci_region.c, built here against the
# build's libacpi.a; tables/pci_region.asl compiled by iasl here).
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 3"
if ! command -v iasl >/dev/null; then
	for c in behind_bridge extended far; do echo "skip - acpi_pci_region_$c: iasl not installed"; done
	exit 0
fi
san=
nm "$B/libacpi.a" 2>/dev/null | grep -q __asan_ && san="-fsanitize=address,undefined"
if ! iasl -p "$T/dsdt" tests/acpi/tables/pci_region.asl > "$T/log" 2>&1 ||
    ! ${CC:-cc} -std=gnu11 -Wall -Wextra -Werror $san -Iacpi -Ibase/include tests/acpi/pci_region.c \
    "$B/libacpi.a" -o "$T/pci_region" >> "$T/log" 2>&1; then
	for c in behind_bridge extended far; do echo "FAIL - acpi_pci_region_$c: build failed"; done
	tail -5 "$T/log" | sed 's/^/    /'
	exit 0
fi
"$T/pci_region" "$T/dsdt.aml" 2>&1
