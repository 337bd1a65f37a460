#!/bin/sh
# Our documents in Genode's formats against the table in docs/genode-formats.md (issue 24):
# the devices report and session ROMs of a recorded q35 machine (simulated config space),
# platform_info, the acpi reports of QEMU's q35 tables and a real laptop's DMAR. The table
# is parsed by genode_format_check.py: required attributes present, number formats as
# Genode prints them, nothing undocumented, every row exercised. Then exact values that
# Genode's code implies (IGD write combining, MSI numbers, overrides, RMRR, IOAPIC).
B=${B:-build/out}
D=tests/pci/dumps/q35_ports_virtio_nvme_xhci
S=${ACPI_SAMPLES:-../shared/acpi-samples}/notebook-lenovo-thinkpad-x1-carbon-6th-20khcto1ww-BE3AACE7B6D7
TABLE=docs/genode-formats.md
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SPECS=14
CHECKS="igd_wc host_bridge msi_numbers override_mode rmrr_decimal ioapic_props platform_info_rev0 bdf_base drhd_size bar_at_zero igd_opregion"
echo "plan $((SPECS + 1 + 11))"
fail_all() {
	i=0; while [ $i -le $SPECS ]; do echo "FAIL - genode_format_spec_$i: $1"; i=$((i + 1)); done
	for c in $CHECKS; do echo "FAIL - genode_format_$c: $1"; done
	exit 0
}
san=
nm "$B/libpci.a" 2>/dev/null | grep -q __asan_ && san="-fsanitize=address,undefined"
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror $san -Ibase/include tests/pci/genode_format_gen.c \
	"$B/libpci.a" "$B/libcore.a" "$B/libmkx.a" -lexpat -o "$T/gen" > "$T/log" 2>&1 ||
	fail_all "genode_format_gen.c does not build: $(tail -3 "$T/log" | tr '\n' ' ')"
[ -d "$S" ] || fail_all "the laptop's tables are not at $S"

# A hand-written machine: an Intel IGD at 00:02.0 (BAR0 64-bit prefetchable, BAR2 prefetchable,
# INTA with Interrupt Line 10) on q35's host bridge; no _PRT, an MADT override for IRQ 10.
mkdir -p "$T/igd"
cat > "$T/igd/config.txt" <<'EOF'
00:00.0 Host bridge: Intel Corporation
00: 86 80 c0 29 06 00 00 00 00 00 00 06 00 00 00 00
10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 00 11
30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00

00:02.0 VGA compatible controller: Intel Corporation
00: 86 80 a0 3e 07 00 10 00 00 00 00 03 00 00 00 00
10: 0c 00 00 f0 00 00 00 00 0c 00 00 e0 00 00 00 00
20: 00 00 00 00 00 00 00 00 00 00 00 00 aa 17 5b 22
30: 00 00 00 00 00 00 00 00 00 00 00 00 0a 01 00 00
f0: 00 00 00 00 00 00 00 00 00 00 00 00 18 80 b4 7a
EOF
# BAR4 of the IGD: implemented (4 KiB) but left at 0 by the firmware. ASLS (0xfc): the OpRegion at 0x7ab48018.
cat > "$T/igd/resource.txt" <<'EOF'
0000:00:02.0 0 0x00000000f0000000 0x00000000f0ffffff 0x000000000014220c
0000:00:02.0 2 0x00000000e0000000 0x00000000efffffff 0x000000000014220c
0000:00:02.0 4 0x0000000000000000 0x0000000000000fff 0x0000000000040200
EOF
cat > "$T/igd/acpi.xml" <<'EOF'
<acpi>
  <sci_int irq="9"/>
  <root_bridge bdf="0x0" name="\_SB.PCI0" segment="0"/>
  <bdf start="0" count="65536" base="0xb0000000" segment="0"/>
  <irq_override irq="10" gsi="10" flags="0xd"/>
  <ioapic id="0" base_irq="0" addr="0xfec00000"/>
</acpi>
EOF
# A window that starts at bus 1 (segment 1): <bdf base> is where bus 0 would be, so 0001:01:00.0's
# config page is base + 1 MiB.
mkdir -p "$T/seg1"
cat > "$T/seg1/config.txt" <<'EOF'
0001:01:00.0 Unclassified device
00: 34 12 e8 11 00 00 10 00 10 00 ff 00 00 00 00 00
EOF
cat > "$T/seg1/acpi.xml" <<'EOF'
<acpi>
  <root_bridge bdf="0x100" name="\_SB.PCI1" segment="1"/>
  <bdf start="256" count="256" base="0xc0000000" segment="1"/>
</acpi>
EOF
# RSDPs: revision 0 as SeaBIOS writes it (RSDT only), revision 2 with an XSDT; checksums set.
python3 - "$T" <<'EOF'
import struct, sys
def fix(b, n, at):
    b[at] = (-sum(b[:n]) + b[at]) & 0xff
r0 = bytearray(b"RSD PTR " + b"\0" + b"BOCHS " + b"\0" + struct.pack("<I", 0x7ffe2294))
fix(r0, 20, 8)
open(sys.argv[1] + "/rsdp0", "wb").write(bytes(r0))
r2 = bytearray(b"RSD PTR " + b"\0" + b"ALASKA" + b"\2" + struct.pack("<IIQ", 0x7ffe0010, 36, 0x7ffe00c8) + b"\0\0\0\0")
fix(r2, 20, 8); fix(r2, 36, 32)
open(sys.argv[1] + "/rsdp2", "wb").write(bytes(r2))
EOF

gen() { out=$1; shift; "$T/gen" "$@" > "$T/$out" 2> "$T/$out.err" || echo "genode_format_gen $*: $(cat "$T/$out.err")" >> "$T/generr"; }
"$B/bin/acpi" --tables tests/acpi/q35/default --report > "$T/acpi_q35.xml" 2> /dev/null
"$B/bin/acpi" --tables "$S" --report > "$T/acpi_x1c6.xml" 2> /dev/null
gen devices_msi0.xml report "$D" "$D/acpi.xml" 0
gen devices_msi1.xml report "$D" "$D/acpi.xml" 1
gen devices_x1c6.xml report "$D" "$T/acpi_x1c6.xml" 0
gen devices_igd.xml report "$T/igd" "$T/igd/acpi.xml" 0
gen session_info.xml session "$D" "$D/acpi.xml" 1 0
gen session_info_msi.xml session "$D" "$D/acpi.xml" 1 1
gen session_noinfo.xml session "$D" "$D/acpi.xml" 0 0
gen session_igd.xml session "$T/igd" "$T/igd/acpi.xml" 1 0
gen devices_seg1.xml report "$T/seg1" "$T/seg1/acpi.xml" 0
gen platform_info0.xml platform_info "$T/rsdp0"
gen platform_info2.xml platform_info "$T/rsdp2"
[ -s "$T/generr" ] && fail_all "$(head -2 "$T/generr" | tr '\n' ' ')"

python3 tests/pci/genode_format_check.py "$TABLE" \
	devices="$T/devices_msi0.xml" devices="$T/devices_msi1.xml" devices="$T/devices_x1c6.xml" \
	devices="$T/devices_igd.xml" devices="$T/devices_seg1.xml" session:info="$T/session_info.xml" session:info="$T/session_info_msi.xml" \
	session="$T/session_noinfo.xml" session:info="$T/session_igd.xml" \
	platform_info="$T/platform_info0.xml" platform_info="$T/platform_info2.xml" \
	acpi="$T/acpi_q35.xml" acpi="$T/acpi_x1c6.xml" acpi="$T/igd/acpi.xml" > "$T/check" 2>&1
n=$(grep -c '^\(ok\|FAIL\) - ' "$T/check")
if [ "$n" != $((SPECS + 1)) ]; then fail_all "the checker printed $n results, not $((SPECS + 1)): $(tail -3 "$T/check" | tr '\n' ' ')"; fi
cat "$T/check"

has() { grep -qF -- "$2" "$T/$1"; }
t=genode_format_igd_wc	# Genode: prefetchable BARs are wc, except the IGD's BAR0 (registers)
if has devices_igd.xml '<io_mem pci_bar="0" address="0xf0000000" size="0x1000000" prefetchable="true" wc="false"/>' &&
   has devices_igd.xml '<io_mem pci_bar="2" address="0xe0000000" size="0x10000000" prefetchable="true" wc="true"/>' &&
   has session_igd.xml '<io_mem pci_bar="0" phys_addr="0xf0000000" size="0x1000000" prefetchable="true"/>' &&
   has session_igd.xml '<io_mem pci_bar="2" phys_addr="0xe0000000" size="0x10000000" wc="true" prefetchable="true"/>'
then echo "ok - $t"; else echo "FAIL - $t: $(grep -h io_mem "$T/devices_igd.xml" "$T/session_igd.xml" | tr '\n' ' ')"; fi
t=genode_format_bar_at_zero	# pci_decode writes a BAR the firmware left at 0 with address 0; sessions leave it out
if has devices_igd.xml '<io_mem pci_bar="4" address="0x0" size="0x1000"/>' && ! grep -q 'pci_bar="4"' "$T/session_igd.xml" &&
   [ "$(grep -c '<io_mem pci_bar="[0-5]"' "$T/devices_igd.xml")" = 3 ]
then echo "ok - $t"; else echo "FAIL - $t: $(grep -h io_mem "$T/devices_igd.xml" "$T/session_igd.xml" | tr '\n' ' ')"; fi
t=genode_format_igd_opregion	# ASLS as pseudo BAR 6 (size decimal, a size_t) and as the acpi device's io_mem
if has devices_igd.xml '<io_mem pci_bar="6" address="0x7ab48018" size="8192"/>' &&
   grep -A2 '<device name="acpi" type="acpi">' "$T/devices_igd.xml" | grep -qF '<io_mem address="0x7ab48018" size="8192"/>' &&
   ! grep -q 'pci_bar="6"' "$T/devices_msi0.xml" && ! grep -A1 'name="acpi"' "$T/devices_msi0.xml" | grep -q io_mem
then echo "ok - $t"; else echo "FAIL - $t: $(grep -h -e 'pci_bar="6"' -A2 -e 'name="acpi"' "$T/devices_igd.xml" | tr '\n' ' ')"; fi
t=genode_format_host_bridge	# class 0x06 is a bridge to Genode, with the type 1 registers read as they are
if has devices_msi0.xml '<pci-config address="0xb0000000" bus="0x0" device="0x0" function="0x0" vendor_id="0x8086" device_id="0x29c0" class="0x60000" revision="0x0" bridge="yes" io_base_limit="0x0"' &&
   has devices_msi0.xml 'class="0x60100" revision="0x2" bridge="yes"'
then echo "ok - $t"; else echo "FAIL - $t: $(grep -h 'class="0x60[01]00"' "$T/devices_msi0.xml" | head -2 | tr '\n' ' ')"; fi
t=genode_format_msi_numbers	# MSI before MSI-X, pseudo numbers 1, 2, ... in walk order; none without msi="true"
nums=$(grep -o '<irq type="msi[-x]*" number="[0-9]*"/>' "$T/devices_msi1.xml" | sed 's/.*number="\([0-9]*\)".*/\1/' | tr '\n' ' ')
if [ "$nums" = "1 2 3 4 5 6 7 8 9 10 " ] && grep -A8 'name="00:02.0"' "$T/devices_msi1.xml" | grep -q '<irq type="msi" number="1"/>' &&
   ! grep -q 'type="msi' "$T/devices_msi0.xml" && has session_info_msi.xml '<irq number="1"/>'
then echo "ok - $t"; else echo "FAIL - $t: numbers '$nums'"; fi
t=genode_format_override_mode	# mode/polarity only from a matching override: flags 0xd = level, active high
if has devices_igd.xml '<irq number="10" polarity="high" mode="level"/>' && ! grep -q '<irq number="2[0-3]" ' "$T/devices_msi0.xml"
then echo "ok - $t"; else echo "FAIL - $t: $(grep -h '<irq' "$T/devices_igd.xml" "$T/devices_msi0.xml" | sort -u | tr '\n' ' ')"; fi
t=genode_format_rmrr_decimal	# the RMRR 0xad000000-0xaf7fffff of 00:02.0, as pci_decode prints an addr_t
if has devices_x1c6.xml '<reserved_memory address="2902458368" size="41943040"/>' &&
   [ "$(grep -c '<reserved_memory' "$T/devices_x1c6.xml")" = 1 ]
then echo "ok - $t"; else echo "FAIL - $t: $(grep '<reserved_memory' "$T/devices_x1c6.xml" | tr '\n' ' ')"; fi
t=genode_format_ioapic_props	# DRHD scope type 3 id 2 = ioapic2 at 240:1f.0; intr_remap="true"
if has devices_x1c6.xml '<device name="ioapic2" type="ioapic">' && has devices_x1c6.xml '<io_mmu name="drhd1"/>' &&
   has devices_x1c6.xml '<property name="routing_id" value="0xf0f8"/>' &&
   has devices_x1c6.xml '<property name="remapping" value="yes"/>' && has devices_x1c6.xml '<property name="irq_start" value="0"/>'
then echo "ok - $t"; else echo "FAIL - $t: $(grep -A6 'ioapic2' "$T/devices_x1c6.xml" | tr '\n' ' ')"; fi
t=genode_format_platform_info_rev0	# revision 0: RSDT only, xsdt 0
if has platform_info0.xml '<acpi revision="0" rsdt="0x7ffe2294" xsdt="0x0"/>' &&
   has platform_info2.xml '<acpi revision="2" rsdt="0x7ffe0010" xsdt="0x7ffe00c8"/>' &&
   grep -q '<kernel name="linux" acpi="\(true\|false\)" msi="\(true\|false\)" iommu="\(true\|false\)"/>' "$T/platform_info0.xml"
then echo "ok - $t"; else echo "FAIL - $t: $(cat "$T/platform_info0.xml" "$T/platform_info2.xml" | tr '\n' ' ')"; fi
t=genode_format_bdf_base	# <bdf base> is the MCFG base (bus 0): q35's as its MCFG says, bus 1's page 1 MiB above
if has acpi_q35.xml '<bdf start="0" count="65536" base="0xb0000000" segment="0"/>' &&
   grep -A1 'name="0001:01:00.0"' "$T/devices_seg1.xml" | grep -q '<pci-config address="0xc0100000" bus="0x1"'
then echo "ok - $t"; else echo "FAIL - $t: $(grep -h '<bdf\|pci-config' "$T/acpi_q35.xml" "$T/devices_seg1.xml" | tr '\n' ' ')"; fi
t=genode_format_drhd_size	# <drhd size> = 2^(size field + 12): the laptop's DMAR with its first DRHD's field set to 2
mkdir -p "$T/x1c6_size"
for f in "$S"/*.dat; do ln -s "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$T/x1c6_size/"; done
rm -f "$T/x1c6_size/dmar.dat"
python3 - "$S/dmar.dat" "$T/x1c6_size/dmar.dat" <<'EOF'
import sys
t = bytearray(open(sys.argv[1], "rb").read())
assert t[48:50] == b"\0\0" and t[53] == 0	# a DRHD first, its size field 0
t[53] = 2
t[9] = (t[9] - 2) & 0xff	# the table's checksum
open(sys.argv[2], "wb").write(bytes(t))
EOF
"$B/bin/acpi" --tables "$T/x1c6_size" --report > "$T/acpi_size.xml" 2> /dev/null
if has acpi_size.xml '<drhd phys="0xfed90000" flags="0x0" segment="0x0" size="0x4000">' &&
   has acpi_size.xml '<drhd phys="0xfed91000" flags="0x1" segment="0x0" size="0x1000">'
then echo "ok - $t"; else echo "FAIL - $t: $(grep '<drhd' "$T/acpi_size.xml" | tr '\n' ' ')"; fi
