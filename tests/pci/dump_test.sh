#!/bin/sh
# The platform driver's enumeration on machines recorded in QEMU guests (tests/pci/dumps/*:
# config space as lspci -xxxx text, sysfs resource lines, the acpi report, and Linux's own
# lspci -n, lspci -vvv and routed irq of the same boot; recorded by the platform_report and
# platform_topo scenarios, see docs/platform.md). Host back end only: no root, no QEMU.
B=${B:-build/out}
PCI="$B/bin/pci"
D=tests/pci/dumps
set -- "$D"/*/
echo "plan $(($# * 5 + 3))"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
section() {	# NAME FILE: the lines of one view
	awk -v s="--- $1 ---" '$0 == s { on = 1; next } /^--- end ---$/ { on = 0 } on' "$2"
}
for d in "$D"/*/; do
	m=$(basename "$d")
	if ! timeout 20 "$PCI" --dump "$d" > "$T/$m.views" 2> "$T/$m.err"; then
		for c in views lspci_n bars intx caps_buses; do echo "FAIL - pci_dump_${m}_$c: pci --dump failed: $(cat "$T/$m.err")"; done
		continue
	fi
	# The whole output against the one recorded with the scenario (notes and tree included).
	if cmp -s "$T/$m.views" "$d/views.txt"; then echo "ok - pci_dump_${m}_views"
	else echo "FAIL - pci_dump_${m}_views: differs from views.txt: $(diff "$d/views.txt" "$T/$m.views" | head -5 | tr '\n' ' ')"; fi
	# Linux's lspci -n of the same boot, line for line.
	section "lspci -n" "$T/$m.views" > "$T/n"
	if cmp -s "$T/n" "$d/lspci-n.txt"; then echo "ok - pci_dump_${m}_lspci_n ($(wc -l < "$T/n") functions)"
	else echo "FAIL - pci_dump_${m}_lspci_n: $(diff "$d/lspci-n.txt" "$T/n" | head -5 | tr '\n' ' ')"; fi
	# BARs: sysfs resource lines 0-5 (start, end).
	awk '$2 < 6 { sub(/^0000:/, "", $1); print $1, $2, $3, $4 }' "$d/resource.txt" > "$T/want_bars"
	section bars "$T/$m.views" > "$T/bars"
	if cmp -s "$T/bars" "$T/want_bars"; then echo "ok - pci_dump_${m}_bars ($(wc -l < "$T/bars") BARs)"
	else echo "FAIL - pci_dump_${m}_bars: $(diff "$T/want_bars" "$T/bars" | head -5 | tr '\n' ' ')"; fi
	# INTx: the GSI Linux routed (irq after enable, pci=nomsi).
	awk '{ print $1, $2, "GSI", $4 }' "$d/irq.txt" > "$T/want_intx"
	section intx "$T/$m.views" | awk '{ print $1, $2, $3, $4 }' > "$T/intx"
	if cmp -s "$T/intx" "$T/want_intx"; then echo "ok - pci_dump_${m}_intx ($(wc -l < "$T/intx") pins)"
	else echo "FAIL - pci_dump_${m}_intx: $(diff "$T/want_intx" "$T/intx" | head -5 | tr '\n' ' ')"; fi
	# Capability offsets and bridge bus numbers as lspci -vvv shows them.
	section caps "$T/$m.views" | sed 's/ \[\([0-9a-f]*\).*/ \1/' | sort > "$T/caps"
	awk '/^[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.[0-7] / { fn = $1 }
	     /^\tCapabilities: \[/ { o = $2; gsub(/\[|\]/, "", o); print fn, o }' "$d/lspci-vvv.txt" | sort > "$T/want_caps"
	section buses "$T/$m.views" > "$T/buses"
	awk '/^[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.[0-7] / { fn = $1 }
	     /^\tBus: primary=/ { gsub(/,/, ""); print fn, $2, $3, $4 }' "$d/lspci-vvv.txt" > "$T/want_buses"
	if cmp -s "$T/caps" "$T/want_caps" && cmp -s "$T/buses" "$T/want_buses"; then
		echo "ok - pci_dump_${m}_caps_buses ($(wc -l < "$T/caps") capabilities, $(wc -l < "$T/buses") bridges)"
	else echo "FAIL - pci_dump_${m}_caps_buses: $(diff "$T/want_caps" "$T/caps" | head -3 | tr '\n' ' ') $(diff "$T/want_buses" "$T/buses" | head -3 | tr '\n' ' ')"; fi
done
# Broken input: a clear error naming the line, exit 2; a FIFO is refused, not waited on.
mkdir -p "$T/bad" "$T/fifo"
printf '00:00.0 host\n00: 86 80 c0 29 zz\n' > "$T/bad/config.txt"
out=$(timeout 10 "$PCI" --dump "$T/bad" 2>&1); rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q 'config.txt: line 2: byte 4 is not two hex digits'; then echo "ok - pci_dump_malformed_named"
else echo "FAIL - pci_dump_malformed_named: status $rc: $out"; fi
mkfifo "$T/fifo/config.txt"
out=$(timeout 10 "$PCI" --dump "$T/fifo" 2>&1); rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q 'not a regular file'; then echo "ok - pci_dump_fifo_refused"
else echo "FAIL - pci_dump_fifo_refused: status $rc: $out"; fi
# A hostile dump: every bridge's secondary bus pointing back at bus 0, every capability
# pointer at itself: notes, no hang.
# (row 10 byte 9 is register 0x19, the secondary bus; row 40 byte 1 the next pointer of a
# capability at 0x40; register 0x34 is row 30 byte 4.)
awk '$1 == "10:" { $11 = "00" } $1 == "30:" { $6 = "40" } $1 == "40:" { $3 = "40" } { print }' \
	"$D/q35_topology/config.txt" > "$T/bad/config.txt"
cp "$D/q35_topology/resource.txt" "$T/bad/"
out=$(timeout 10 "$PCI" --dump "$T/bad" 2>&1); rc=$?
if [ $rc = 0 ] && echo "$out" | grep -q "are not inside its parent's range" && echo "$out" | grep -q 'loops back to 0x40'; then
	echo "ok - pci_dump_hostile_topology_reported"
else echo "FAIL - pci_dump_hostile_topology_reported: status $rc: $(echo "$out" | sed -n '/--- notes/,$p' | head -5 | tr '\n' ' ')"; fi
