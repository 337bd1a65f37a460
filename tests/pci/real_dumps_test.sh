#!/bin/sh
# `pci --dump` on real machines' config-space dumps as their owners posted them
# (tests/pci/real/NAME/config.txt, where each came from in NAME/SOURCE), with pciutils'
# own `lspci -F` on the same file as the oracle, run here by the test:
#   lspci_n  every `lspci -n` line identical (the function set included; a function the dump
#            gives twice is listed twice, as lspci lists it)
#   bars     every BAR's address and kind equal to `lspci -nvv`'s "Region N: Memory at" /
#            "I/O ports at" lines (no sizes: a dump has none, and neither side invents one)
#   buses    bridges' secondary/subordinate bus numbers equal to `lspci -t`'s [SS-UU]
#   caps     capability offsets and IDs equal to `lspci -vvv`'s "Capabilities: [xx]" lines
#   windows  bridge windows, CardBus windows and expansion ROMs (the dump-only views) equal
#            to `lspci -vvv`'s "... behind bridge:", "Memory/I/O window N:", "Expansion ROM at"
#   (bars, buses and caps are compared as sets: the walk decodes the first copy of a function
#   given twice, lspci prints both; where the copies differ the sets differ and the test fails)
#   forms    the same dump rewritten by lspci itself as -vvxxxx text (function lines with
#            names, -vv text between them), with CRLF line ends and an extra tab-indented
#            text line per function: the same views, byte for byte
#   roots    the root buses of our tree view equal `lspci -t`'s "[DDDD:BB]" roots, and every
#            root but 0000:00 (where the walk starts) is labelled "peer bus found in the dump"
#            and named in notes with lspci's count of functions on it (no acpi.xml here, so the dump is the only way to find one: e.g. the uncore
#            functions of a Xeon on bus ff, which no bridge reaches)
# Host back end only: no root, no QEMU.
B=${B:-build/out}
PCI="$B/bin/pci"
D=tests/pci/real
set -- "$D"/*/
echo "plan $(($# * 7 + 1))"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
section() {	# NAME FILE: the lines of one view
	awk -v s="--- $1 ---" '$0 == s { on = 1; next } /^--- end ---$/ { on = 0 } on' "$2"
}
lspci_F() {	# FILE ARGS...: lspci on a dump (its libkmod complaint dropped)
	f=$1; shift
	lspci -F "$f" "$@" 2>/dev/null
}
if ! command -v lspci > /dev/null; then
	echo "FAIL - real_dumps_lspci: lspci (pciutils) is not installed: tools/deps.sh installs it"
	exit 1
fi
echo "ok - real_dumps_lspci ($(lspci --version))"
# The capability names lspci prints, as IDs (lspci shows names, our view IDs and names).
capid='
function id(s) {
	if (s ~ /^Power Management/) return "01"; if (s ~ /^AGP version 3/) return "02|0e"
	if (s ~ /^AGP/) return "02"; if (s ~ /^Vital Product Data/) return "03"
	if (s ~ /^Slot ID/) return "04"; if (s ~ /^MSI:/) return "05"
	if (s ~ /^CompactPCI hot-swap/) return "06"; if (s ~ /^PCI-X/) return "07"
	if (s ~ /^HyperTransport/) return "08"; if (s ~ /^Vendor Specific Information/) return "09|000b"
	if (s ~ /^Debug port/) return "0a"; if (s ~ /^CompactPCI central/) return "0b"
	if (s ~ /^PCI Hot-plug/) return "0c"; if (s ~ /^Subsystem/) return "0d"
	if (s ~ /^Secure device/) return "0f"; if (s ~ /^Express/) return "10"
	if (s ~ /^MSI-X/) return "11"; if (s ~ /^SATA HBA/) return "12"
	if (s ~ /^PCI Advanced Features/) return "13"; if (s ~ /^Enhanced Allocation/) return "14"
	if (s ~ /^Null/) return "00"
	if (s ~ /^#[0-9a-f][0-9a-f]/) return substr(s, 2, 2)
	if (s ~ /^Advanced Error Reporting/) return "0001"; if (s ~ /^Virtual Channel/) return "0002|0009"
	if (s ~ /^Device Serial Number/) return "0003"; if (s ~ /^Power Budgeting/) return "0004"
	if (s ~ /^Root Complex Link/) return "0005"; if (s ~ /^Root Complex Internal Link/) return "0006"
	if (s ~ /^Root Complex Event Collector/) return "0007"; if (s ~ /^Multi-Function Virtual/) return "0008"
	if (s ~ /^Root Complex Register Block/) return "000a"
	if (s ~ /^Access Control Services/) return "000d"; if (s ~ /^Alternative Routing-ID/) return "000e"
	if (s ~ /^Address Translation Service/) return "000f"; if (s ~ /^Single Root I\/O Virtualization/) return "0010"
	if (s ~ /^Multicast/) return "0012"; if (s ~ /^Page Request Interface/) return "0013"
	if (s ~ /^Resizable BAR/) return "0015"; if (s ~ /^Dynamic Power Allocation/) return "0016"
	if (s ~ /^Transaction Processing Hints/) return "0017"; if (s ~ /^Latency Tolerance Reporting/) return "0018"
	if (s ~ /^Secondary PCI Express/) return "0019"; if (s ~ /^Process Address Space ID/) return "001b"
	if (s ~ /^L1 PM Substates/) return "001e"; if (s ~ /^Precision Time Measurement/) return "001f"
	if (s ~ /^Designated Vendor-Specific/) return "0023"; if (s ~ /^Data Link Feature/) return "0025"
	if (s ~ /^Physical Layer 16.0/) return "0026"; if (s ~ /^Lane Margining/) return "0027"
	if (s ~ /^Extended Capability ID 0x/) { x = substr(s, 26); sub(/[^0-9a-f].*/, "", x); return sprintf("%04s", x) }
	return "?" s
}'
for d in "$D"/*/; do
	m=$(basename "$d")
	c="$d/config.txt"
	if ! timeout 20 "$PCI" --dump "$d" > "$T/$m.views" 2> "$T/$m.err"; then
		for x in lspci_n bars buses caps windows forms roots; do echo "FAIL - real_${m}_$x: pci --dump failed: $(head -3 "$T/$m.err")"; done
		continue
	fi
	# Every lspci -n line, in order.
	lspci_F "$c" -n > "$T/want_n"
	section "lspci -n" "$T/$m.views" > "$T/n"
	if [ -s "$T/want_n" ] && cmp -s "$T/n" "$T/want_n"; then echo "ok - real_${m}_lspci_n ($(wc -l < "$T/n") functions)"
	else echo "FAIL - real_${m}_lspci_n: $(diff "$T/want_n" "$T/n" | head -6 | tr '\n' ' ')"; fi
	# BARs: lspci's "Region N: ..." lines as "function N address kind" (address 0 is unassigned).
	# lspci 3.9 reading a dump also prints the upper half of a 64-bit BAR as a region of its
	# own when that dword is not 0 ("Region 1: ... <unassigned>"): it is part of region N-1.
	lspci_F "$c" -nvv | awk '
		/^[0-9a-f]/ { fn = $1; up = -1; next }
		/^\tRegion [0-5]: / {
			n = $2; sub(/:/, "", n)
			if (n == up) next
			if ($0 ~ /64-bit/) up = n + 1
			if ($3 == "I/O") { a = $6; k = "io" }
			else {
				a = $5; k = ($0 ~ /64-bit/) ? "mem64" : "mem32"
				if ($0 ~ /, prefetchable\)/) k = k "-prefetch"
			}
			if (a ~ /^</ || a ~ /^0+$/) a = "unassigned"; else sub(/^0+/, "", a)
			print fn, n, a, k
		}' | sort -u > "$T/want_bars"
	section bars "$T/$m.views" | awk '{ a = $3; if (a != "unassigned") { sub(/^0x0*/, "", a) } print $1, $2, a, $5 }' |
		sort -u > "$T/bars"
	if cmp -s "$T/bars" "$T/want_bars"; then echo "ok - real_${m}_bars ($(wc -l < "$T/bars") BARs)"
	else echo "FAIL - real_${m}_bars: $(diff "$T/want_bars" "$T/bars" | head -6 | tr '\n' ' ')"; fi
	# Bridges: lspci -t's "DD.F-[SS-UU]" (or "[SS]" when both are the same) with the domain of the
	# "[DDDD:BB]" root they are under, against our buses view.
	lspci_F "$c" -t | awk '{
		l = $0
		if (match(l, /\[[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\]/)) dom = substr(l, RSTART + 1, 4)
		while (match(l, /[0-9a-f][0-9a-f]\.[0-7]-\[[0-9a-f-]*\]/)) {
			b = substr(l, RSTART, RLENGTH); l = substr(l, RSTART + RLENGTH)
			df = substr(b, 1, 4); r = substr(b, 7, length(b) - 7); n = split(r, x, "-")
			print dom, df, x[1], (n > 1 ? x[2] : x[1])
		}
	}' | sort -u > "$T/want_buses"
	section buses "$T/$m.views" | awk '{ n = split($1, p, ":"); dom = (n == 3) ? p[1] : "0000"
		s = $3; u = $4; sub(/.*=/, "", s); sub(/.*=/, "", u); print dom, p[n], s, u }' | sort -u > "$T/buses"
	if cmp -s "$T/buses" "$T/want_buses"; then echo "ok - real_${m}_buses ($(wc -l < "$T/buses") bridges)"
	else echo "FAIL - real_${m}_buses: $(diff "$T/want_buses" "$T/buses" | head -6 | tr '\n' ' ')"; fi
	# Capabilities: offset and ID of every entry lspci shows (not its <chain looped/broken>
	# or <access denied> markers, which name no capability).
	lspci_F "$c" -nvvv | awk "$capid"'
		/^[0-9a-f]/ { fn = $1; next }
		/^\tCapabilities: \[/ {
			o = $0; sub(/^\tCapabilities: \[/, "", o); sub(/[] ].*/, "", o)
			r = $0; sub(/^\tCapabilities: \[[^]]*\] /, "", r)
			if (r ~ /^</) next
			print fn, o, id(r)
		}' | sort -u > "$T/want_caps"
	section caps "$T/$m.views" | awk '{ o = $2; sub(/\[/, "", o); sub(/\]/, "", o); i = ($3 ~ /\]$/) ? $4 : $3; print $1, o, i }' |
		sort > "$T/caps_raw"
	# Where lspci's name stands for two IDs ("02|0e"), ours must be one of them.
	awk 'NR == FNR { w[$1 " " $2] = $3; next } { k = $1 " " $2; if (k in w && ("|" w[k] "|") ~ ("\\|" $3 "\\|")) $3 = w[k]; print }' \
		"$T/want_caps" "$T/caps_raw" | sort -u > "$T/caps"
	if cmp -s "$T/caps" "$T/want_caps"; then echo "ok - real_${m}_caps ($(wc -l < "$T/caps") capabilities)"
	else echo "FAIL - real_${m}_caps: $(diff "$T/want_caps" "$T/caps" | head -6 | tr '\n' ' ')"; fi
	# Windows and ROMs: lspci -vvv's lines as "function kind base limit" / "function rom address state".
	lspci_F "$c" -vvv | awk '
		function hx(x) { sub(/^0+/, "", x); return x == "" ? "0" : x }
		function win(k, r) { split(r, p, "-"); sub(/ .*/, "", p[2]); print fn, k, hx(p[1]), hx(p[2]) }
		/^[0-9a-f]/ { fn = $1; next }
		/^\tI\/O behind bridge: / { r = $0; sub(/.*: /, "", r); win("io", r) }
		/^\tMemory behind bridge: / { r = $0; sub(/.*: /, "", r); win("mem", r) }
		/^\tPrefetchable memory behind bridge: / { r = $0; sub(/.*: /, "", r); win("prefetch", r) }
		/^\t!!! Unknown I\/O range/ { print fn, "io", "unknown" }
		/^\t!!! Unknown memory range/ { print fn, "mem", "unknown" }
		/^\t!!! Unknown prefetchable memory range/ { print fn, "prefetch", "unknown" }
		/^\tMemory window [01]: / { r = $0; sub(/.*: /, "", r); win("mem" $3 + 0, r) }
		/^\tI\/O window [01]: / { r = $0; sub(/.*: /, "", r); win("io" $3 + 0, r) }
		/^\tExpansion ROM at / { a = $4; if (a ~ /^</) a = "unassigned"; else a = hx(a)
			print fn, "rom", a, ($0 ~ /\[disabled\]/ ? "disabled" : "enabled") }' | sort -u > "$T/want_win"
	{ section roms "$T/$m.views" | awk '{ a = $3; if (a != "unassigned") sub(/^0x0*/, "", a); print $1, "rom", a, $4 }'
	  section windows "$T/$m.views" | awk '$3 == "unknown-type" { print $1, $2, "unknown"; next }
		{ b = $3; l = $4; sub(/^0x0*/, "", b); sub(/^0x0*/, "", l); if (b == "") b = "0"; if (l == "") l = "0"; print $1, $2, b, l }'
	} | sort -u > "$T/win"
	if cmp -s "$T/win" "$T/want_win"; then echo "ok - real_${m}_windows ($(wc -l < "$T/win") windows and ROMs)"
	else echo "FAIL - real_${m}_windows: $(diff "$T/want_win" "$T/win" | head -6 | tr '\n' ' ')"; fi
	# Root buses: lspci -t's "[DDDD:BB]" against our tree's root lines and their labels.
	lspci_F "$c" -t | grep -o '\[[0-9a-f]\{4\}:[0-9a-f]\{2\}\]' | sort -u > "$T/want_roots"
	section tree "$T/$m.views" | grep '^\[' > "$T/roots_raw"
	awk '{ print $1 }' "$T/roots_raw" | sort -u > "$T/roots"
	unlabelled=$(awk '$1 != "[0000:00]" && $0 !~ /\] peer bus found in the dump$/ { printf "%s ", $1 }' "$T/roots_raw")
	# Each peer bus named in notes with lspci's count of functions on it.
	lspci_F "$c" -D | awk '{ n[substr($1, 1, 7)]++ } END { for (b in n) print b, n[b] }' > "$T/per_bus"
	section notes "$T/$m.views" > "$T/notes"
	unnoted=$(awk 'NR == FNR { n[$1] = $2; next } FILENAME ~ /roots_raw$/ { if ($1 == "[0000:00]") next
			b = substr($1, 2, 7); want = "bus " b ": in the dump (" n[b] " function" (n[b] == 1 ? "" : "s") " there)"
			w[b] = want; next }
		{ for (b in w) if (index($0, w[b]) == 1 && $0 ~ /walked as a peer root bus$/) delete w[b] }
		END { for (b in w) printf "%s ", b }' "$T/per_bus" "$T/roots_raw" "$T/notes")
	if [ -s "$T/want_roots" ] && cmp -s "$T/roots" "$T/want_roots" && [ -z "$unlabelled" ] && [ -z "$unnoted" ]; then
		echo "ok - real_${m}_roots ($(wc -l < "$T/roots") root buses, $(grep -c 'peer bus found in the dump$' "$T/roots_raw") peer)"
	else echo "FAIL - real_${m}_roots: $(diff "$T/want_roots" "$T/roots" | head -6 | tr '\n' ' ')${unlabelled:+ not labelled a peer bus: $unlabelled}${unnoted:+ no note with lspci's function count: $unnoted}"; fi
	# Other forms lspci reads: lspci's own -vvxxxx rewrite, CRLF, a tab-indented text line.
	mkdir -p "$T/$m.forms"
	lspci_F "$c" -vvxxxx | awk '{ print } /^[0-9a-f]/ { print "\t\tnote:\tadded by the test" }' |
		sed 's/$/\r/' > "$T/$m.forms/config.txt"
	if timeout 20 "$PCI" --dump "$T/$m.forms" > "$T/$m.forms.views" 2>&1 && cmp -s "$T/$m.views" "$T/$m.forms.views"; then
		echo "ok - real_${m}_forms (-vvxxxx text, CRLF, tabs: same views)"
	else echo "FAIL - real_${m}_forms: $(diff "$T/$m.views" "$T/$m.forms.views" | head -6 | tr '\n' ' ')"; fi
done
