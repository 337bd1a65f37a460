#!/bin/sh
# Host check of the genode_formats scenario: the documents rom_dumper logged whole
# ("[init -> rom_dumper] NAME| line") against docs/genode-formats.md's table
# (tests/pci/genode_format_check.py, live rows required), and what only a running
# machine shows: <table> of the DSDT, the RSDP core read, <kernel msi iommu> with
# intel-iommu and vfio-pci, DRHD scopes with id, MSI in the devices report.
. "$(dirname "$0")/serial_log.sh"
D=$(mktemp -d) || exit 1
trap 'rm -rf "$D" "$LINES"' EXIT
for n in platform_info acpi devices session; do
	sed -n "s/^\[init -> rom_dumper\] $n| //p" "$LINES" > "$D/$n.xml"
	has_line "[init -> rom_dumper] $n: end, " || { echo "rom_dumper did not log $n whole" >&2; exit 1; }
done
fail=0
python3 tests/pci/genode_format_check.py --no-coverage docs/genode-formats.md platform_info:live="$D/platform_info.xml" \
	acpi:live="$D/acpi.xml" devices="$D/devices.xml" session:info="$D/session.xml" > "$D/check" 2>&1 || fail=1
sed 's/^/check: /' "$D/check"
grep -q '^FAIL' "$D/check" && fail=1
need() {	# FILE ERE WHAT
	grep -qE -e "$2" "$D/$1" || { echo "missing in $1: $3" >&2; fail=1; }
}
need platform_info.xml '<kernel name="linux" acpi="true" msi="true" iommu="true"/>' 'kernel with msi and iommu'
need platform_info.xml '<acpi revision="[0-9]+" rsdt="0x[0-9a-f]+" xsdt="0x[0-9a-f]+"' 'acpi revision rsdt xsdt'
need acpi.xml '<table name="DSDT" addr="0x[0-9a-f]+" size="[0-9]+"/>' 'table DSDT'
need acpi.xml '<table name="DMAR" addr="0x[0-9a-f]+" size="[0-9]+"/>' 'table DMAR'
need acpi.xml '<scope bus_start="[0-9]+" id="[0-9]+" type="3">' 'an IOAPIC scope with id'
need devices.xml '<irq type="msi(-x)?" number="1"/>' 'MSI pseudo number 1'
need devices.xml '<device name="ioapic[0-9]+" type="ioapic">' 'ioapic device'
need devices.xml '<io_mmu name="drhd0"/>' 'io_mmu of the DRHD'
need session.xml '<devices version="3">' 'the policy version'
need session.xml 'used="(true|false)"' 'used='
need session.xml 'phys_addr="0x[0-9a-f]+"' 'phys_addr (info="yes")'
# core read the RSDP through /dev/mem; the acpi component found it on its own (snapshots of the
# BIOS area, or at the EFI address platform_info gave): the same revision and root table
set -- $(sed -n 's/^\[init -> acpi\] RSDP revision \([0-9]*\): \([RX]SDT\) at \(0x[0-9a-f]*\)$/\1 \2 \3/p' "$LINES" | head -1)
if [ $# = 3 ]; then
	root=$(echo "$2" | tr 'RXSDT' 'rxsdt')
	need platform_info.xml "<acpi revision=\"$1\" .*$root=\"$3\"" "revision $1 and the $2 the acpi component found ($3)"
else
	echo "the acpi component logged no 'RSDP revision N: RSDT|XSDT at ...'" >&2; fail=1
fi
if has_line '[init -> acpi] RSDP at ' && grep -q 'from platform_info (efi)$' "$LINES"; then
	need platform_info.xml ' rsdp="0x[0-9a-f]+" source="efi"/>' 'rsdp= and source="efi" on an EFI boot'
else
	need platform_info.xml ' source="legacy"/>' 'source="legacy" on a BIOS boot'
fi
grep -h '<kernel\|<acpi \|<table' "$D/platform_info.xml" "$D/acpi.xml" | sed 's/^ */check: /'
exit $fail
