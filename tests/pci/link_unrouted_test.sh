#!/bin/sh
# The platform driver's view of a pin behind an interrupt link without an IRQ
# (issue 23): the acpi component reports such a _PRT entry as <unrouted reason=>
# (tests/acpi/tables/link_disabled.asl: LNKA enabled at 10, LNKB _STA not enabled,
# LNKC _CRS Interrupt {0}, LNKD an empty IRQ mask); pci --dump of a config space with a
# function in each of those slots, and one behind a bridge in LNKC's slot (swizzled to
# it), must give the acpi component's reason in its intx view, not "_PRT has no entry".
# The oracle for the reasons is acpi --routing on the same tables (its own words).
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 3"
if ! command -v iasl >/dev/null; then
	for n in link_unrouted_report link_unrouted_intx link_unrouted_swizzled; do
		echo "FAIL - $n: iasl not installed (Debian acpica-tools, tools/deps.sh)"
	done
	exit 1
fi
mkdir "$T/l" "$T/d"
iasl -p "$T/l/dsdt" tests/acpi/tables/link_disabled.asl > "$T/iasl.log" 2>&1 && mv "$T/l/dsdt.aml" "$T/l/dsdt.dat"
"$B/bin/acpi" --tables "$T/l" --report > "$T/d/acpi.xml" 2> "$T/acpi.err"
"$B/bin/acpi" --tables "$T/l" --routing > "$T/routing" 2>&1

# The report carries each reason as data (acpi_info.c reads <unrouted>).
if [ "$(grep -c '<unrouted ' "$T/d/acpi.xml")" = 3 ] &&
    grep -qF '<unrouted bridge_bdf="0x0" device="0x3" device_pin="0x0" bridge="\_SB.PCI0" link="\_SB.LNKC" reason="link disabled (_CRS gives interrupt 0), no IRQ allocated (_PRS: 5 10 11)"/>' "$T/d/acpi.xml"; then
	echo "ok - link_unrouted_report (three <unrouted> entries with link and reason)"
else
	echo "FAIL - link_unrouted_report: the report has no <unrouted> entries with their reasons"
	grep -n 'routing\|unrouted' "$T/d/acpi.xml" | sed 's/^/    /'
fi

# A config space (lspci -x form): host bridge, a function with INTA in slots 1-4, and a
# bridge as function 1 of the multifunction 00:03 with bus 1 behind it.
fn() {	# BDF VENDOR DEVICE CLASS(6 hex) HDR PIN [SEC SUB]
	printf '%s Device\n' "$1"
	python3 - "$@" <<'PY'
import sys
bdf, ven, dev, cls, hdr, pin = sys.argv[1:7]
c = [0] * 64
v, d = int(ven, 16), int(dev, 16)
c[0], c[1], c[2], c[3] = v & 0xff, v >> 8, d & 0xff, d >> 8
k = int(cls, 16)
c[8], c[9], c[10], c[11] = 1, k & 0xff, (k >> 8) & 0xff, k >> 16
c[14] = int(hdr, 16)
c[0x3d] = int(pin)
if (c[14] & 0x7f) == 1:
    bus = int(bdf.split(":")[0], 16)
    c[0x18], c[0x19], c[0x1a] = bus, int(sys.argv[7], 16), int(sys.argv[8], 16)
for r in range(0, 64, 16):
    print("%02x: %s" % (r, " ".join("%02x" % b for b in c[r:r + 16])))
PY
	echo
}
{
	fn 00:00.0 8086 1237 060000 00 0
	fn 00:01.0 8086 100e 020000 00 1
	fn 00:02.0 8086 100e 020000 00 1
	fn 00:03.0 8086 100e 020000 80 1
	fn 00:03.1 1b36 0001 060400 01 0 01 01
	fn 00:04.0 8086 100e 020000 00 1
	fn 01:00.0 1234 11e8 00ff00 00 1
} > "$T/d/config.txt"
timeout 20 "$B/bin/pci" --dump "$T/d" > "$T/views" 2> "$T/err" || echo "    pci --dump failed: $(cat "$T/err")"
awk '$0 == "--- intx ---" { on = 1; next } /^--- end ---$/ { on = 0 } on' "$T/views" > "$T/intx"
reason() {	# SLOT: the reason acpi --routing gives for slot 0xSLOT INTA, with its link
	awk -v s="0x0$1" '$3 == s && $5 == "unrouted" { l = $NF; $1 = $2 = $3 = $4 = $5 = ""; $NF = "";
	    sub(/^ +/, ""); sub(/ +$/, ""); print "link " l ": " $0 }' "$T/routing"
}
ok=1
for s in 2 3 4; do
	r=$(reason $s)
	[ -n "$r" ] || { echo "    acpi --routing gives no reason for slot $s"; ok=0; continue; }
	want="00:0$s.0 INTA unrouted: \\_SB.PCI0._PRT slot $s INTA $r"
	grep -qxF "$want" "$T/intx" || { echo "    missing: $want"; ok=0; }
done
grep -qxF '00:01.0 INTA GSI 10 level high' "$T/intx" || { echo "    missing: 00:01.0 INTA GSI 10 level high"; ok=0; }
if [ $ok = 1 ]; then
	echo "ok - link_unrouted_intx (slots 2-4: the acpi component's reason and link; slot 1 routed to 10)"
else
	echo "FAIL - link_unrouted_intx: the intx view lost the reason"
	sed 's/^/    got: /' "$T/intx"
fi
# 01:00.0 INTA behind the bridge 00:03.1: device 0, so the swizzle keeps INTA, at slot 3 (LNKC).
want="01:00.0 INTA unrouted: swizzled to 00:03.1 INTA, \\_SB.PCI0._PRT slot 3 INTA $(reason 3)"
if grep -qxF "$want" "$T/intx"; then
	echo "ok - link_unrouted_swizzled (01:00.0 swizzled to 00:03.1 INTA: LNKC's reason)"
else
	echo "FAIL - link_unrouted_swizzled: missing '$want'"
	sed 's/^/    got: /' "$T/intx"
fi
