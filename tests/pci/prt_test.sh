#!/bin/sh
# _PRTs tied to their bus (issue 13): the acpi report says where each _PRT's device is
# (<prt>: root bridge segment/bus, the _ADR of each device down to it), the platform
# driver follows that through the bridges' secondary buses and routes INTx from there.
#  * Real machines (../shared/acpi-samples): a simulated config space with a bridge at
#    each root port's _ADR (ACPICA's expected.devices.txt) and devices behind it
#    (tests/pci/prt/mkdump.py); pci --dump's GSIs against ACPICA's evaluated _PRT entries
#    (expected.prt.txt, the oracle). A control run without the chains must differ.
#  * tests/pci/prt/chain.asl: a _PRT three devices deep, an empty _PRT, devices without or
#    with a bad _ADR, a _PRT outside any root bridge, a root bridge in segment 1.
#  * Hostile topologies under that chain: a non-bridge on the way, an absent device, a
#    bridge pointing back (loop), a segment no MCFG window covers, malformed <prt>s.
B=${B:-build/out}
ACPI="$B/bin/acpi" PCI="$B/bin/pci"
S=../shared/acpi-samples
P=tests/pci/prt
SAMPLES="desktop-asus-p8h61-m-lx-r2-0-919695431AB5 desktop-gigabyte-x299-ud4-pro-331F76F426AF
notebook-lenovo-thinkpad-x1-carbon-6th-20khcto1ww-BE3AACE7B6D7"
echo "plan 13"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
section() {	# NAME FILE: the lines of one view
	awk -v s="--- $1 ---" '$0 == s { on = 1; next } /^--- end ---$/ { on = 0 } on' "$2"
}
intx() {	# DIR: "BB:DD.F INTx GSI n" per routed pin of pci --dump DIR
	timeout 20 "$PCI" --dump "$1" > "$1/views" 2> "$1/err" || { echo "pci --dump failed: $(cat "$1/err")"; return 1; }
	# (once a function is in segment 1, every name carries its domain, as lspci prints them)
	section intx "$1/views" | awk '$3 == "GSI" { n = $1; sub(/^0000:/, "", n); print n, $2, $3, $4 }' > "$1/got"
}

for s in $SAMPLES; do
	short=$(echo "$s" | cut -d- -f2-3 | tr - _)
	if [ ! -d "$S/$s" ]; then
		echo "skip - prt_sample_$short: $S/$s not here"
		echo "skip - prt_sample_${short}_control: $S/$s not here"
		continue
	fi
	d="$T/$short"
	info=$(python3 $P/mkdump.py sample "$S/$s" "$d")
	"$ACPI" --tables "$S/$s" --report > "$d/acpi.xml" 2> /dev/null
	if ! out=$(intx "$d"); then echo "FAIL - prt_sample_$short: $out"
	elif cmp -s "$d/got" "$d/want.txt"; then echo "ok - prt_sample_$short ($info; all equal ACPICA's _PRT)"
	else echo "FAIL - prt_sample_$short: differs from ACPICA's _PRT entries: $(diff "$d/want.txt" "$d/got" | head -6 | tr '\n' ' ')"; fi
	# Control: the same report without the chains and bridge_bdf of devices below the root
	# bridge, so the platform driver can only swizzle: the comparison above must notice.
	c="$T/${short}_control"
	mkdir -p "$c"
	cp "$d/config.txt" "$c/"
	sed -E '/<prt |<adr |<\/prt>/d; s/ bridge_bdf="[^"]*"(( [a-z_]+="[^"]*")* bridge="\\[^".]+\.[^".]+\.)/\1/' "$d/acpi.xml" > "$c/acpi.xml"
	if ! out=$(intx "$c"); then echo "FAIL - prt_sample_${short}_control: $out"
	else
		n=$(diff "$d/want.txt" "$c/got" | grep -c '^>')
		if [ "$n" -gt 0 ]; then echo "ok - prt_sample_${short}_control (swizzling only: $n pins differ from ACPICA's _PRT)"
		else echo "FAIL - prt_sample_${short}_control: swizzling alone gives the same GSIs: the sample test cannot tell"; fi
	fi
done

# chain.asl: compiled here (iasl), its report checked, then routed on chain.spec's machine.
C="$T/chain"
mkdir -p "$C/tables"
if ! command -v iasl > /dev/null; then
	for t in acpi_report routes not_bridge absent loop segment_without_window malformed; do
		echo "skip - prt_chain_$t: iasl not installed (Debian acpica-tools)"
	done
	exit 0
fi
iasl -p "$C/tables/dsdt" $P/chain.asl > "$C/iasl.log" 2>&1 && mv "$C/tables/dsdt.aml" "$C/tables/dsdt.dat"
"$ACPI" --tables "$C/tables" --report > "$C/report" 2> "$C/report.err"; rc=$?
miss=""
for p in '<root_bridge bdf="0x0" name="\_SB.PCI0" segment="0"/>' \
	'<root_bridge bdf="0x4000" name="\_SB.PCI1" segment="1"/>' \
	'<prt bridge="\_SB.PCI0.RP01.UP00.DN02" root="\_SB.PCI0" segment="0" bus="0x0">' \
	'<adr device="\_SB.PCI0.RP01.UP00" value="0x0"/>' '<adr device="\_SB.PCI0.RP01.UP00.DN02" value="0x20000"/>' \
	'<prt bridge="\_SB.PCI0.RP02" error="\_SB.PCI0.RP02 has no _ADR"/>' \
	'<prt bridge="\_SB.PCI0.RP03" error="\_SB.PCI0.RP03: _ADR 0x1cffff names no single PCI function"/>' \
	'<prt bridge="\_SB.FOO" error="\_SB.FOO is not below a PCI root bridge' \
	'<prt bridge="\_SB.PCI1" root="\_SB.PCI1" segment="1" bus="0x40"/>' \
	'<routing gsi="0x28" device="0x0" device_pin="0x0" mode="level" polarity="low" bridge="\_SB.PCI0.RP01.UP00.DN02"/>'; do
	grep -qF -- "$p" "$C/report" || miss="$miss [$p]"
done
grep -qF 'acpi: \_SB.PCI0.RP02._PRT not used: \_SB.PCI0.RP02 has no _ADR' "$C/report.err" || miss="$miss [stderr names RP02]"
if [ $rc = 0 ] && [ -z "$miss" ]; then echo "ok - prt_chain_acpi_report"
else echo "FAIL - prt_chain_acpi_report: exit $rc, missing:$miss $(head -3 "$C/iasl.log" "$C/report.err" | tr '\n' ' ')"; fi

# The same report with MCFG windows for segment 0 and for segment 1's buses 40-4f.
windows='  <bdf start="0" count="65536" base="0xb0000000" segment="0"/>\n  <bdf start="16384" count="4096" base="0xc0000000" segment="1"/>'
machine() {	# DIR SPEC [sed expression for the report]
	mkdir -p "$1"
	python3 $P/mkdump.py spec "$2" "$1"
	sed "s|^</acpi>|$windows\n</acpi>|" "$C/report" > "$1/acpi.xml"
	[ -z "${3:-}" ] || sed -i "$3" "$1/acpi.xml"
}
has_note() {	# DIR TEXT
	section notes "$1/views" | grep -qF -- "$2"
}
machine "$C/ok" $P/chain.spec
printf '%s\n' '00:05.0 INTA GSI 16' '00:1c.0 INTA GSI 17' '02:03.0 INTA GSI 23' '03:00.0 INTA GSI 40' \
	'03:00.1 INTB GSI 41' '0001:40:00.0 INTB GSI 51' > "$C/want"
if ! out=$(intx "$C/ok"); then echo "FAIL - prt_chain_routes: $out"
elif cmp -s "$C/ok/got" "$C/want" && section intx "$C/ok/views" | grep -qF '04:00.0 INTA unrouted: \_SB.PCI0.RP04._PRT has no entry for slot 0 INTA'; then
	echo "ok - prt_chain_routes (3 devices deep, swizzle below it, empty _PRT, segment 1)"
else echo "FAIL - prt_chain_routes: $(diff "$C/want" "$C/ok/got" | tr '\n' ' ') $(section intx "$C/ok/views" | grep 04:00.0)"; fi

# The switch's upstream port is an endpoint: the chain stops there; the rest routes.
sed 's/^01:00.0 bridge 02 03 */01:00.0 dev 0		/' $P/chain.spec > "$T/not_bridge.spec"
machine "$C/not_bridge" "$T/not_bridge.spec"
if ! out=$(intx "$C/not_bridge"); then echo "FAIL - prt_chain_not_bridge: $out"
elif has_note "$C/not_bridge" '\_SB.PCI0.RP01.UP00.DN02._PRT not used: _ADR 0x0 (step 2): 01:00.0 is not a bridge (header type 0)' &&
     grep -qx '00:05.0 INTA GSI 16' "$C/not_bridge/got"; then echo "ok - prt_chain_not_bridge"
else echo "FAIL - prt_chain_not_bridge: $(section notes "$C/not_bridge/views" | tr '\n' ' ')"; fi

# No device at the upstream port's _ADR.
grep -v '^01:00.0' $P/chain.spec > "$T/absent.spec"
machine "$C/absent" "$T/absent.spec"
if ! out=$(intx "$C/absent"); then echo "FAIL - prt_chain_absent: $out"
elif has_note "$C/absent" '\_SB.PCI0.RP01.UP00.DN02._PRT not used: _ADR 0x0 (step 2): no function at 01:00.0' &&
     grep -qx '00:1c.0 INTA GSI 17' "$C/absent/got"; then echo "ok - prt_chain_absent"
else echo "FAIL - prt_chain_absent: $(section notes "$C/absent/views" | tr '\n' ' ')"; fi

# The downstream port's secondary bus points back at bus 01 (a loop): not followed.
sed 's/^02:02.0 bridge 03 03/02:02.0 bridge 01 01/' $P/chain.spec > "$T/loop.spec"
machine "$C/loop" "$T/loop.spec"
if ! out=$(intx "$C/loop"); then echo "FAIL - prt_chain_loop: $out"
elif has_note "$C/loop" '\_SB.PCI0.RP01.UP00.DN02._PRT not used: _ADR 0x20000 (step 3): bridge 02:02.0 has no usable bus numbers (secondary 01, subordinate 01)' &&
     grep -qx '02:03.0 INTA GSI 23' "$C/loop/got"; then echo "ok - prt_chain_loop"
else echo "FAIL - prt_chain_loop: $(section notes "$C/loop/views" | tr '\n' ' ')"; fi

# Segment 1 without an MCFG window: PCI1 is not enumerated, its _PRT not used, segment 0 routes.
machine "$C/noseg" $P/chain.spec '/segment="1"\/>$/{/<bdf /d}'
if ! out=$(intx "$C/noseg"); then echo "FAIL - prt_segment_without_window: $out"
elif has_note "$C/noseg" 'root bridge \_SB.PCI1 (segment 1, bus 40): no MCFG window covers it: not enumerated' &&
     has_note "$C/noseg" '\_SB.PCI1._PRT not used: its root bus 0001:40 was not enumerated' &&
     ! section "lspci -n" "$C/noseg/views" | grep -q '^0001:' && grep -qx '03:00.0 INTA GSI 40' "$C/noseg/got"; then
	echo "ok - prt_segment_without_window"
else echo "FAIL - prt_segment_without_window: $(section notes "$C/noseg/views" | tr '\n' ' ')"; fi

# Malformed <prt>s (a hand-edited or hostile report): each a note naming it, the rest routes.
adrs=$(for i in $(seq 17); do printf '<adr value="0x0"/>'; done)
machine "$C/bad" $P/chain.spec "s|^</acpi>|  <prt root=\"x\"/>\n  <prt bridge=\"\\\\_SB.X1\" segment=\"1\" bus=\"0x1ff\"/>\n  <prt bridge=\"\\\\_SB.X2\" segment=\"0\" bus=\"0x0\"><adr value=\"0x1c0009\"/></prt>\n  <prt bridge=\"\\\\_SB.X3\" segment=\"0\" bus=\"0x0\">$adrs</prt>\n</acpi>|"
if ! out=$(intx "$C/bad"); then echo "FAIL - prt_malformed_elements: $out"
elif has_note "$C/bad" 'a <prt> not used: line ' && has_note "$C/bad" '<prt> without a bridge= path' &&
     has_note "$C/bad" '\_SB.X1._PRT not used: line' && has_note "$C/bad" 'segment="1" bus="0x1ff": needs a segment (0-0xffff) and a bus (0-0xff)' &&
     has_note "$C/bad" '\_SB.X2._PRT not used: line' && has_note "$C/bad" '<adr value="0x1c0009">: not a PCI device and function' &&
     has_note "$C/bad" 'more than 16 <adr> in one <prt>' && cmp -s "$C/bad/got" "$C/want"; then
	echo "ok - prt_malformed_elements"
else echo "FAIL - prt_malformed_elements: $(section notes "$C/bad/views" | tr '\n' ' ') $(diff "$C/want" "$C/bad/got" | tr '\n' ' ')"; fi
