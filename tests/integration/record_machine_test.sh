#!/bin/sh
# tools/record-machine on a fake sysfs/procfs tree (MKX_RECORD_SYSFS, MKX_RECORD_PROCFS), and
# the replay of its record: no root needed for the tree, no QEMU. The tree is built from a
# machine recorded in a QEMU guest (tests/pci/dumps/q35_topology: config space, sysfs resource
# lines, the live acpi report) and the ACPI tables QEMU gives the same topology
# (tests/acpi/q35/pxb). Oracles: lspci itself run on the same fake tree (-O sysfs.path=), the
# source files the tree was made of, `pci --dump` of the source dump, and the live acpi report
# of that boot (whose <routing> of the pxb's LNKx links needs the chipset's PIRQ registers,
# which only the record's config.txt has).
set -u
B=${B:-build/out}
PCI=$B/bin/pci
ACPI=$B/bin/acpi
REC=tools/record-machine
DUMP=tests/pci/dumps/q35_topology
TABLES=tests/acpi/q35/pxb
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1${2:+ ($2)}"; }
fail() { echo "FAIL - $1: $2"; }

# The fake tree: one sysfs directory per function of the dump (config as binary, resource with
# 13 lines as Linux writes them for a function, vendor/device/class, and irq and enable as Linux
# had them once it had enabled each function with a pin: irq.txt of that boot), a dynamic SSDT,
# and procfs's files.
python3 - "$DUMP" "$TABLES" "$T/root" <<'EOF'
import os, re, sys
dump, tables, root = sys.argv[1:]
dev = os.path.join(root, "sys/bus/pci/devices")
fns, cur = {}, None
for l in open(os.path.join(dump, "config.txt")):
    m = re.match(r"^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])", l)
    if m:
        cur = fns.setdefault(m.group(1), bytearray(4096))
        continue
    off, rest = l.split(":", 1)
    for i, b in enumerate(rest.split()):
        cur[int(off, 16) + i] = int(b, 16)
# Linux's irq after enabling each function with a pin (pci=nomsi): as if drivers had enabled them.
linux_irq = {}
for l in open(os.path.join(dump, "irq.txt")):
    fn, pin, _, irq = l.split()
    linux_irq["0000:" + fn] = int(irq)
res = {}
for l in open(os.path.join(dump, "resource.txt")):
    fn, idx, s, e, fl = l.split()
    res.setdefault(fn, {})[int(idx)] = (s, e, fl)
for fn, cfg in fns.items():
    d = os.path.join(dev, fn)
    os.makedirs(d)
    ext = any(cfg[256:])              # PCIe functions (with extended space) read 4096 bytes
    open(os.path.join(d, "config"), "wb").write(bytes(cfg[:4096 if ext else 256]))
    z = "0x%016x" % 0
    open(os.path.join(d, "resource"), "w").write("".join(
        "%s %s %s\n" % res.get(fn, {}).get(i, (z, z, z)) for i in range(13)))
    open(os.path.join(d, "vendor"), "w").write("0x%02x%02x\n" % (cfg[1], cfg[0]))
    open(os.path.join(d, "device"), "w").write("0x%02x%02x\n" % (cfg[3], cfg[2]))
    open(os.path.join(d, "class"), "w").write("0x%02x%02x%02x\n" % (cfg[11], cfg[10], cfg[9]))
    open(os.path.join(d, "irq"), "w").write("%d\n" % linux_irq.get(fn, cfg[0x3c]))
    open(os.path.join(d, "enable"), "w").write("1\n" if fn in linux_irq else "0\n")
at = os.path.join(root, "sys/firmware/acpi/tables")
os.makedirs(os.path.join(at, "dynamic"))
for f in os.listdir(tables):
    if f.endswith(".dat"):
        open(os.path.join(at, f[:-4].upper()), "wb").write(open(os.path.join(tables, f), "rb").read())
# A table loaded at run time (any valid table will do: it must not be replayed).
open(os.path.join(at, "dynamic", "SSDT3"), "wb").write(open(os.path.join(tables, "waet.dat"), "rb").read())
proc = os.path.join(root, "proc")
os.makedirs(proc)
open(os.path.join(proc, "version"), "w").write("Linux version 6.1.0-fake (test) #1 SMP\n")
open(os.path.join(proc, "cmdline"), "w").write("console=ttyS0 fake=1\n")
open(os.path.join(proc, "iomem"), "w").write("00000000-00000fff : Reserved\nb0000000-bfffffff : PCI ECAM 0000 [bus 00-ff]\n")
open(os.path.join(proc, "ioports"), "w").write("0000-0cf7 : PCI Bus 0000:00\n")
EOF
SYS=$T/root/sys
export MKX_RECORD_SYSFS="$SYS" MKX_RECORD_PROCFS="$T/root/proc"
LSPCI_FAKE="lspci -O sysfs.path=$SYS/bus/pci"

t=fallback_records
if MKX_RECORD_LSPCI=none sh "$REC" -o "$T/s" > "$T/out" 2> "$T/err" && [ ! -s "$T/err" ] &&
	grep -q '^record-machine: 15 PCI functions, 9 ACPI tables recorded in ' "$T/out"; then
	pass $t "$(cat "$T/out")"
else fail $t "exit/output: $(cat "$T/out" "$T/err" | head -5 | tr '\n' ' ')"; fi

t=fallback_equals_lspci_on_the_same_tree
if ! command -v lspci > /dev/null; then fail $t "lspci is not installed (tools/deps.sh installs pciutils)"
elif $LSPCI_FAKE -D -n -xxxx > "$T/lspci.txt" 2> "$T/lspci.err" && [ -s "$T/lspci.txt" ] &&
	cmp -s "$T/lspci.txt" "$T/s/config.txt"; then
	pass $t "$(grep -c '^0000:' "$T/lspci.txt") functions, $(wc -c < "$T/lspci.txt") bytes"
else fail $t "$(cat "$T/lspci.err"; diff "$T/lspci.txt" "$T/s/config.txt" | head -6 | tr '\n' ' ')"; fi

t=lspci_records_the_same
if MKX_RECORD_LSPCI="$LSPCI_FAKE" sh "$REC" -o "$T/l" > "$T/out" 2> "$T/err" && [ ! -s "$T/err" ] &&
	cmp -s "$T/l/config.txt" "$T/s/config.txt" && [ -s "$T/l/lspci-n.txt" ] && [ -s "$T/l/lspci-vvv.txt" ] &&
	[ ! -e "$T/s/lspci-n.txt" ]; then
	pass $t "config.txt by lspci -D -n -xxxx identical, lspci -n/-vvv kept"
else fail $t "$(cat "$T/err" | head -3 | tr '\n' ' ') $(diff "$T/l/config.txt" "$T/s/config.txt" | head -4 | tr '\n' ' ')"; fi

t=resource_round_trip
if cmp -s "$T/s/resource.txt" "$DUMP/resource.txt" && [ "$(wc -l < "$T/s/sysfs-resource.txt")" = $((15 * 13)) ]; then
	pass $t "$(wc -l < "$T/s/resource.txt") lines with a size, as the dump's; all 195 sysfs lines kept"
else fail $t "$(diff "$DUMP/resource.txt" "$T/s/resource.txt" | head -4 | tr '\n' ' ')"; fi

t=pci_dump_of_the_record_equals_the_source
cp "$DUMP/acpi.xml" "$T/s/"
if "$PCI" --dump "$DUMP" > "$T/want" 2>&1 && "$PCI" --dump "$T/s" > "$T/got" 2>&1 && cmp -s "$T/want" "$T/got" &&
	grep -q '^03:00.0 3 0x00000000fe080000 0x00000000fe083fff$' "$T/got"; then
	pass $t "$(wc -l < "$T/got") lines of views, BAR sizes included"
else fail $t "$(diff "$T/want" "$T/got" | head -6 | tr '\n' ' ')"; fi
rm "$T/s/acpi.xml"

t=acpi_tables_named_and_dynamic_kept_apart
ok=1
for f in dsdt apic facp facs hpet mcfg srat waet; do cmp -s "$T/s/acpi/$f.dat" "$TABLES/$f.dat" || ok=0; done
if [ $ok = 1 ] && cmp -s "$T/s/acpi/dynamic/ssdt3.dat" "$TABLES/waet.dat" && [ ! -e "$T/s/acpi/ssdt3.dat" ]; then
	pass $t "8 tables as acpixtract names them, the run-time SSDT in acpi/dynamic"
else fail $t "$(ls -R "$T/s/acpi" | tr '\n' ' ')"; fi

# Linux's own routing in the boot the dump comes from (irq.txt: its irq after enabling each
# function, pci=nomsi) against the record's replay: acpi --tables REC --report as acpi.xml, then
# pci --dump REC. The pxb's functions route through \_SB.LNKD, whose IRQ the chipset's PIRQD
# register holds: only the record's config.txt has it.
intx() {	# DIR: "BB:DD.F INTx GSI N" of pci --dump DIR
	"$PCI" --dump "$1" | awk '/^--- intx ---$/ { on = 1; next } /^--- end ---$/ { on = 0 } on { print $1, $2, $3, $4 }'
}
awk '{ print $1, $2, "GSI", $4 }' "$DUMP/irq.txt" > "$T/want_intx"
t=acpi_replay_routes_equal_linux
if "$ACPI" --tables "$T/s" --report > "$T/s/acpi.xml" 2> "$T/err" && intx "$T/s" > "$T/got_intx" &&
	cmp -s "$T/want_intx" "$T/got_intx" && grep -q '^80:00.0 INTA GSI 11$' "$T/got_intx" &&
	grep -q 'PCI_Config regions read from .*config.txt (15 functions of segment 0)' "$T/err"; then
	pass $t "$(wc -l < "$T/got_intx") pins routed to Linux's irq, the pxb's two through LNKD"
else fail $t "$(head -3 "$T/err" | tr '\n' ' ') $(diff "$T/want_intx" "$T/got_intx" | head -4 | tr '\n' ' ')"; fi

# The control: the same tables without the record's config space do not give Linux's routes.
t=acpi_tables_alone_differ
mkdir "$T/tables_only" && cp -r "$T/s/acpi" "$T/s/config.txt" "$T/s/resource.txt" "$T/tables_only/"
mv "$T/tables_only/config.txt" "$T/tables_only/config.keep"
"$ACPI" --tables "$T/tables_only" --report > "$T/tables_only/acpi.xml" 2> /dev/null
mv "$T/tables_only/config.keep" "$T/tables_only/config.txt"
if intx "$T/tables_only" > "$T/got0" && ! cmp -s "$T/want_intx" "$T/got0" && ! grep -q '^80:00.0 INTA GSI 11$' "$T/got0"; then
	pass $t "without config.txt 80:00.0 gets '$(grep '^80:00.0' "$T/got0")': the routes above come from the record"
else fail $t "the tables alone gave Linux's routes: the comparison above proves nothing"; fi

t=acpi_record_config_errors_named
cp -r "$T/s" "$T/bad"
sed -i '3s/^10: ../10: zz/' "$T/bad/config.txt"
out=$("$ACPI" --tables "$T/bad" --routing 2>&1); rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q 'config.txt: line 3: byte 0 is not two hex digits'; then
	pass $t "exit 2, the line named"
else fail $t "exit $rc: $(echo "$out" | head -3 | tr "\n" " ")"; fi

# The formats lspci also writes: CRLF, tabs, -v text between the functions.
t=acpi_record_config_lspci_formats
cp -r "$T/s" "$T/fmt"
# A function of a 5-digit domain (VMD) right after the LPC, its row 0x60 disabling every PIRQ:
# read as its own function (another segment: not used), not as more rows of 00:1f.0.
$LSPCI_FAKE -D -vv -xxxx 2>/dev/null | awk '/^0000:00:1f\.2 / { print "10000:00:00.0 0600: 8086:0000"
	print "60: 80 80 80 80 00 00 00 00 80 80 80 80 00 00 00 00"; print "" } { print }' |
	sed 's/ /\t/g; s/$/\r/' > "$T/fmt/config.txt"
if "$ACPI" --tables "$T/fmt" --report > "$T/rep2" 2> "$T/err" && cmp -s "$T/rep2" "$T/s/acpi.xml" && grep -q 'LNKD' "$T/rep2"; then
	pass $t "lspci -vvxxxx text with tabs and CRLF, a domain 10000 function: the same report"
else fail $t "$(head -3 "$T/err" | tr '\n' ' ') $(diff "$T/s/acpi.xml" "$T/rep2" | head -3 | tr '\n' ' ')"; fi

t=irq_and_reference_files
if grep -q '^0000:03:00.0 INTA irq 20 enable 1 driver - msi 0$' "$T/s/sysfs-irq.txt" &&
	grep -q '^0000:00:00.0 - irq 0 ' "$T/s/sysfs-irq.txt" && [ "$(wc -l < "$T/s/sysfs-irq.txt")" = 15 ] &&
	cmp -s "$T/s/cmdline.txt" "$T/root/proc/cmdline" && cmp -s "$T/s/iomem.txt" "$T/root/proc/iomem" &&
	grep -q '^Linux version 6.1.0-fake' "$T/s/version.txt" && grep -q '^config.txt  *15 PCI functions' "$T/s/README.txt"; then
	pass $t "sysfs-irq.txt, cmdline, iomem, version, README"
else fail $t "$(head -3 "$T/s/sysfs-irq.txt" | tr '\n' ' ')"; fi

# tools/replay-record: the whole replay and comparison in one command.
t=replay_record_agrees
cp -r "$T/l" "$T/r"
if sh tools/replay-record -B "$B" "$T/r" > "$T/out" 2>&1 && grep -q '^same:    lspci -n: 15 lines' "$T/out" &&
	grep -q '^same:    bars: 14 lines' "$T/out" && grep -q '^same:    caps: 35 lines' "$T/out" &&
	grep -q '^same:    buses: 5 lines' "$T/out" && grep -q '^same:    intx: 10 lines' "$T/out"; then
	pass $t "lspci -n, bars, caps, buses and 10 INTx pins equal to lspci's and Linux's"
else fail $t "$(head -12 "$T/out" | tr '\n' ' ')"; fi

t=replay_record_names_a_difference
# 03:00.0's BAR0 register moved in config.txt (fe040000 -> fe0c0000): what mkx reads is no
# longer where Linux had the BAR (resource.txt).
awk '/^0000:03:00.0 / { f = 1 } f && /^10: 00 00 04 fe / { sub(/^10: 00 00 04 fe/, "10: 00 00 0c fe"); f = 0 } { print }' \
	"$T/l/config.txt" > "$T/r/config.txt"
sh tools/replay-record -B "$B" "$T/r" > "$T/out" 2>&1; rc=$?
if [ $rc = 1 ] && grep -q '^DIFFERS: bars' "$T/out" && grep -q '^  +03:00.0 0 0x00000000fe0c0000 ' "$T/out" &&
	grep -q '^same:    lspci -n' "$T/out"; then
	pass $t "a BAR register changed in config.txt: exit 1, the BAR named"
else fail $t "exit $rc: $(head -12 "$T/out" | tr '\n' ' ')"; fi

t=tarball
if MKX_RECORD_LSPCI=none sh "$REC" -o "$T/tar/rec" --tar > /dev/null 2>&1 && tar -tzf "$T/tar/rec.tar.gz" > "$T/list" &&
	grep -qx 'rec/config.txt' "$T/list" && grep -qx 'rec/acpi/dsdt.dat' "$T/list"; then
	pass $t "$(wc -l < "$T/list") entries under rec/"
else fail $t "$(cat "$T/list" 2>/dev/null | head -3)"; fi

t=config_bytes_option
if MKX_RECORD_LSPCI=none sh "$REC" -o "$T/b64" --config-bytes 64 > /dev/null 2>&1 &&
	$LSPCI_FAKE -D -n -x > "$T/x64" 2>/dev/null && cmp -s "$T/x64" "$T/b64/config.txt"; then
	pass $t "--config-bytes 64 equals lspci -x"
else fail $t "$(diff "$T/x64" "$T/b64/config.txt" | head -3 | tr '\n' ' ')"; fi

# Errors: each exits non-zero with a message naming what is wrong, and writes nothing.
t=errors_named
e1=$(MKX_RECORD_SYSFS=$T/nowhere sh "$REC" -o "$T/e1" 2>&1); r1=$?
e2=$(sh "$REC" -o "$T/s" 2>&1); r2=$?
e3=$(sh "$REC" --bogus 2>&1); r3=$?
e4=$(sh "$REC" --config-bytes 100 2>&1); r4=$?
if [ $r1 = 1 ] && echo "$e1" | grep -q "$T/nowhere/bus/pci/devices: no such directory" && [ ! -e "$T/e1" ] &&
	[ $r2 = 1 ] && echo "$e2" | grep -q 'exists and is not empty' &&
	[ $r3 = 2 ] && echo "$e3" | grep -q 'unknown argument "--bogus"' &&
	[ $r4 = 2 ] && echo "$e4" | grep -q 'takes 64, 256 or 4096, not "100"' &&
	sh "$REC" --help | grep -q '^usage: record-machine'; then
	pass $t "missing sysfs, a used directory, a bad option, a bad size; --help"
else fail $t "$r1 $e1 / $r2 $e2 / $r3 $e3 / $r4 $e4"; fi
