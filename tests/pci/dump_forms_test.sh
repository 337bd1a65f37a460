#!/bin/sh
# `pci --dump` on the forms of dump lspci reads and refuses, with pciutils' `lspci -F` on the
# same file as the oracle, and on what a record adds to a dump (BAR sizes in resource.txt or in
# per-function sysfs resource files). Host back end only.
B=${B:-build/out}
PCI="$B/bin/pci"
R=tests/pci/real/toshiba_portege_7010ct/config.txt
echo "plan 15"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
section() {	# NAME FILE
	awk -v s="--- $1 ---" '$0 == s { on = 1; next } /^--- end ---$/ { on = 0 } on' "$2"
}
mk() {	# NAME: a dump directory $T/NAME with config.txt from stdin
	mkdir -p "$T/$1" && cat > "$T/$1/config.txt"
}
# Forms lspci refuses: pci --dump refuses them too (status 2), naming the line.
refused() {	# NAME LINE
	lspci -F "$T/$1/config.txt" -n > /dev/null 2>&1; lrc=$?
	out=$(timeout 10 "$PCI" --dump "$T/$1" 2>&1); rc=$?
	if [ $lrc != 0 ] && [ $rc = 2 ] && echo "$out" | grep -q "config.txt: line $2: "; then
		echo "ok - dump_refused_$1 ($(echo "$out" | sed 's/.*config.txt: //'))"
	else echo "FAIL - dump_refused_$1: lspci status $lrc, pci --dump status $rc: $out"; fi
}
sed '3s/ /\t/2g' "$R" | mk tab_bytes
refused tab_bytes 3
{ head -2 "$R"; printf '%0300d\n' 0; tail -n +3 "$R"; } | mk long_line
refused long_line 3
{ head -2 "$R"; echo "1000: 00"; } | mk beyond_4096
refused beyond_4096 3
{ head -2 "$R"; echo "00:  86 80"; } | mk two_spaces
refused two_spaces 3
# Forms lspci reads: the same lspci -n lines as lspci's own.
same_n() {	# NAME
	lspci -F "$T/$1/config.txt" -n 2>/dev/null > "$T/$1.want"
	if timeout 10 "$PCI" --dump "$T/$1" > "$T/$1.views" 2> "$T/$1.err" &&
	    section "lspci -n" "$T/$1.views" > "$T/$1.n" && [ -s "$T/$1.want" ] && cmp -s "$T/$1.n" "$T/$1.want"; then
		echo "ok - dump_reads_$1 ($(wc -l < "$T/$1.n") functions)"
	else echo "FAIL - dump_reads_$1: $(cat "$T/$1.err") $(diff "$T/$1.want" "$T/$1.n" | head -4 | tr '\n' ' ')"; fi
}
head -c -1 "$R" | mk unterminated
refused unterminated "$(wc -l < "$R")"
# CRLF, upper-case hex, tab-indented text between function and rows.
sed 's/$/\r/' "$R" | tr 'a-f' 'A-F' | sed '/^[0-9A-F][0-9A-F]:[0-9A-F][0-9A-F]\.[0-7] /a\	Control: I/O+ Mem+ (text)' |
	mk crlf_upper_text
same_n crlf_upper_text
# Domains: one function in domain 10000 (5 digits, as Intel VMD) and one in 0001: lspci then
# prints the domain on every line, and so must we.
{ cat "$R"; echo; sed -n '/^00:0b.0 /,/^f0:/p' "$R" | sed '1s/^00:0b.0/10000:00:00.0/'; echo
  sed -n '/^00:06.0 /,/^f0:/p' "$R" | sed '1s/^00:06.0/0001:00:06.0/'; } | mk domains
same_n domains
if [ ! -s "$T/domains.n" ] || grep -q '^00:' "$T/domains.n"; then echo "FAIL - dump_domains_every_line: a line without the domain: $(grep '^00:' "$T/domains.n" | head -1)"
else echo "ok - dump_domains_every_line ($(grep -c '^0000:' "$T/domains.n") lines of domain 0000)"; fi
# A function given twice: lspci lists both, so do we; the walk reads the one that answers.
{ echo "00:04.0 listed by plain lspci, no rows"; cat "$R"; } | mk repeated
same_n repeated
# BARs without sizes: the address and kind from the register, never a size made from the
# address (the old simulation answered the sizing write with the address: "not a power of two").
timeout 10 "$PCI" --dump "$(dirname "$R")" > "$T/plain.views" 2>&1
section bars "$T/plain.views" > "$T/plain.bars"
if grep -q '^00:04.0 0 0x00000000df000000 size-unknown mem32-prefetch$' "$T/plain.bars" &&
    ! grep -q 'power of two' "$T/plain.views"; then echo "ok - dump_bars_size_unknown ($(wc -l < "$T/plain.bars") BARs)"
else echo "FAIL - dump_bars_size_unknown: $(head -3 "$T/plain.bars" | tr '\n' ' ') $(grep 'power of two' "$T/plain.views" | head -1)"; fi
# Sizes from resource.txt (sysfs resource lines with the function in front) and from the
# per-function sysfs layout: the same BARs, with their ends.
mkdir -p "$T/res" "$T/sysfs/sysfs/0000:00:04.0"
cp "$R" "$T/res/"; cp "$R" "$T/sysfs/"
printf '0000:00:04.0 0 0x00000000df000000 0x00000000dfffffff 0x0000000000042208\n0000:00:04.0 1 0x00000000ff800000 0x00000000ffbfffff 0x0000000000040200\n0000:00:04.0 2 0x00000000ff700000 0x00000000ff7fffff 0x0000000000040200\n' > "$T/res/resource.txt"
printf '0x00000000df000000 0x00000000dfffffff 0x0000000000042208\n0x00000000ff800000 0x00000000ffbfffff 0x0000000000040200\n0x00000000ff700000 0x00000000ff7fffff 0x0000000000040200\n0x0000000000000000 0x0000000000000000 0x0000000000000000\n0x0000000000000000 0x0000000000000000 0x0000000000000000\n0x0000000000000000 0x0000000000000000 0x0000000000000000\n0x00000000000c0000 0x00000000000dffff 0x0000000000000212\n' > "$T/sysfs/sysfs/0000:00:04.0/resource"
"$PCI" --dump "$T/res" > "$T/res.views" 2>&1; "$PCI" --dump "$T/sysfs" > "$T/sysfs.views" 2>&1
section bars "$T/res.views" | grep '^00:04.0' > "$T/res.bars"; section bars "$T/sysfs.views" | grep '^00:04.0' > "$T/sysfs.bars"
if grep -q '^00:04.0 1 0x00000000ff800000 0x00000000ffbfffff$' "$T/res.bars" && [ "$(wc -l < "$T/res.bars")" = 3 ] &&
    cmp -s "$T/res.bars" "$T/sysfs.bars"; then echo "ok - dump_bars_sized_by_resource_files (resource.txt = sysfs/<fn>/resource)"
else echo "FAIL - dump_bars_sized_by_resource_files: $(cat "$T/res.bars" | tr '\n' ' ') / $(cat "$T/sysfs.bars" | tr '\n' ' ')"; fi
# An unassigned BAR (a 64-bit memory BAR reading 0x0000000c): reported as such, with the note.
{ echo "00:00.0 x"; echo "00: 86 80 a0 27 06 00 90 20 03 00 00 02 00 00 00 00"; echo "10: 0c 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00"
  echo "20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 70 72"; echo "30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"; } | mk unassigned
"$PCI" --dump "$T/unassigned" > "$T/u.views" 2>&1
if section bars "$T/u.views" | grep -q '^00:00.0 0 unassigned size-unknown mem64-prefetch$' &&
    section bars "$T/u.views" | grep -q '^00:00.0 2 unassigned size-unknown io$' &&
    grep -q "memory BAR0 has no address (0): left unassigned by the firmware; Genode's pci_decode" "$T/u.views"; then
	echo "ok - dump_bar_unassigned_noted"
else echo "FAIL - dump_bar_unassigned_noted: $(section bars "$T/u.views" | tr '\n' ' ') $(section notes "$T/u.views" | head -2 | tr '\n' ' ')"; fi
# Broken capability lists as lspci reports them: an entry with ID ff ends the list
# ("<chain broken>"), a pointer back to an earlier entry ends it ("<chain looped>"); the
# capabilities before the break are the same as lspci's, and the break is noted.
hdr='00: 86 80 a0 27 06 00 10 00 03 00 00 02 00 00 00 00
10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 70 72
30: 00 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00'
{ echo "00:00.0 broken"; echo "$hdr"; echo "40: 01 50 02 00 00 00 00 00 00 00 00 00 00 00 00 00"; echo "50: ff 60 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
  echo "60: 05 40 00 00 00 00 00 00 00 00 00 00 00 00 00 00"; echo
  echo "00:01.0 looped"; echo "$hdr"; echo "40: 01 50 02 00 00 00 00 00 00 00 00 00 00 00 00 00"; echo "50: 05 40 00 00 00 00 00 00 00 00 00 00 00 00 00 00"; } | mk chains
lspci -F "$T/chains/config.txt" -vvv 2>/dev/null | awk '/^[0-9a-f]/ { fn = $1 } /^\tCapabilities: \[/ && !/</ { o = $2; gsub(/\[|\]/, "", o); print fn, o }' > "$T/chains.want"
"$PCI" --dump "$T/chains" > "$T/chains.views" 2>&1
section caps "$T/chains.views" | awk '{ o = $2; gsub(/\[|\]/, "", o); print $1, o }' > "$T/chains.got"
if [ -s "$T/chains.want" ] && cmp -s "$T/chains.want" "$T/chains.got" && grep -q '00:00.0: capability at 0x50 has ID ff' "$T/chains.views" &&
    grep -q '00:01.0: capability list loops back to 0x40' "$T/chains.views"; then
	echo "ok - dump_caps_broken_as_lspci ($(wc -l < "$T/chains.got") capabilities before the breaks)"
else echo "FAIL - dump_caps_broken_as_lspci: lspci $(tr '\n' ' ' < "$T/chains.want") / ours $(tr '\n' ' ' < "$T/chains.got") $(section notes "$T/chains.views" | head -2 | tr '\n' ' ')"; fi
# ARI and SR-IOV decoded from the capability as lspci -vvv decodes it (a PCI Express endpoint
# built here with both, values as a ConnectX card's: 8 VFs, offset 2, stride 1, VF ID 1016).
z16() { for r in "$@"; do echo "$r: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"; done; }
{ echo "00:00.0 sr-iov"; echo "00: b3 15 15 10 06 00 10 00 00 00 00 02 00 00 80 00"; z16 10 20
  echo "30: 00 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00"; echo "40: 10 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00"
  z16 50 60 70 80 90 a0 b0 c0 d0 e0 f0; echo "100: 01 00 01 15 00 00 00 00 00 00 00 00 00 00 00 00"; z16 110 120 130 140
  echo "150: 0e 00 01 18 00 01 00 00 00 00 00 00 00 00 00 00"; z16 160 170
  echo "180: 10 00 01 00 00 00 00 00 10 00 00 00 08 00 08 00"; echo "190: 00 00 00 00 02 00 01 00 00 00 16 10 ff 07 00 00"
  echo "1a0: 01 00 00 00 0c 00 00 00 00 00 00 00 00 00 00 00"; z16 1b0; } | mk sriov
want=$(lspci -F "$T/sriov/config.txt" -vvv 2>/dev/null | awk '
	/Next Function:/ { x = $0; sub(/.*Next Function: /, "", x); ari = x }
	/Initial VFs:/ { gsub(/,/, ""); i = $3; t = $6; e = $10 }
	/VF offset:/ { gsub(/,/, ""); o = $3; st = $5; d = $8 }
	END { printf "ARI next %s; SR-IOV %s %s %s %s %s %s", ari, i, t, e, o, st, d }')
"$PCI" --dump "$T/sriov" > "$T/sriov.views" 2>&1
got=$(awk '/: ARI at/ { ari = $NF } /: SR-IOV at/ { gsub(/,/, ""); i = $7; t = $10; e = $13; o = $16; st = $18; d = $NF }
	END { printf "ARI next %s; SR-IOV %s %s %s %s %s %s", ari, i, t, e, o, st, d }' "$T/sriov.views")
if [ "$want" = "$got" ] && [ "$want" = "ARI next 1; SR-IOV 8 8 0 2 1 1016" ]; then echo "ok - dump_ari_sriov_as_lspci ($got)"
else echo "FAIL - dump_ari_sriov_as_lspci: lspci '$want', ours '$got'"; fi
# 4096-byte rows (-xxxx): the extended capabilities at and above 0x100 as lspci -vvv lists them
# (a QEMU q35 machine recorded by the scenarios, its function lines given lspci's trailing text).
sed 's/^\([0-9a-f]\{4\}:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.[0-7]\)$/\1 function/' tests/pci/dumps/q35_topology/config.txt | mk xxxx
lspci -F "$T/xxxx/config.txt" -vvv 2>/dev/null | awk '/^[0-9a-f]/ { fn = $1 } /^\tCapabilities: \[1/ && !/</ { o = $2; gsub(/\[/, "", o); print fn, o }' |
	sort > "$T/xxxx.want"
"$PCI" --dump "$T/xxxx" > "$T/xxxx.views" 2>&1
section caps "$T/xxxx.views" | awk '$2 ~ /^\[1/ { o = $2; gsub(/\[/, "", o); print $1, o }' | sort > "$T/xxxx.got"
if [ -s "$T/xxxx.want" ] && cmp -s "$T/xxxx.want" "$T/xxxx.got"; then
	echo "ok - dump_reads_4096_bytes ($(wc -l < "$T/xxxx.got") extended capabilities)"
else echo "FAIL - dump_reads_4096_bytes: $(diff "$T/xxxx.want" "$T/xxxx.got" | head -5 | tr '\n' ' ')"; fi
