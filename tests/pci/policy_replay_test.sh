#!/bin/sh
# Offline replay of the platform driver's policies (issue 23): pci --dump of a record with
# a platform.config beside it prints, per policy, the functions it gets with their
# resources in session order and their interrupt, what the platform driver refuses on
# that machine and why, entries that match nothing, functions two policies give and
# functions no policy gives (docs/platform.md, "Policies replayed").
#  * tests/pci/dumps/q35_ports_virtio_nvme_xhci with tests/pci/policy_replay/platform.config:
#    expect.py computes the answer from the record's own oracles (Linux's lspci -n, lspci
#    -vvv, sysfs resource lines and irq), not from our views.
#  * The same config in Genode's HID syntax gives the same section.
#  * A copy of the record with 00:02.0's BAR3 register cleared and the _PRT entries of
#    slots 2 and 0x1f removed: BAR3 refused as unassigned (and not numbered), 00:1f.3 (no
#    MSI) refused an interrupt, 00:02.0 keeps MSI-X and MSI with its pin refused.
#  * A policy without a selector: refused as the platform driver refuses it (exit 2, line).
B=${B:-build/out}
PCI="$B/bin/pci"
R=tests/pci/dumps/q35_ports_virtio_nvme_xhci
C=tests/pci/policy_replay
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 8"
section() { awk -v s="--- $1 ---" '$0 == s { on = 1; next } /^--- end ---$/ { on = 0 } on' "$2"; }

cp -r "$R" "$T/rec"
cp "$C/platform.config" "$T/rec/platform.config"
timeout 20 "$PCI" --dump "$T/rec" > "$T/views" 2> "$T/err" || echo "    pci --dump failed: $(cat "$T/err")"
python3 "$C/expect.py" "$T/rec" "$T/views"

cp -r "$R" "$T/hid"
cp "$C/platform.hid" "$T/hid/platform.config"
timeout 20 "$PCI" --dump "$T/hid" > "$T/views.hid" 2> "$T/err.hid"
section policies "$T/views" | sed 's/ (line [0-9]*)//g' > "$T/p.xml"
section policies "$T/views.hid" | sed 's/ (line [0-9]*)//g' > "$T/p.hid"
if [ -s "$T/p.xml" ] && cmp -s "$T/p.xml" "$T/p.hid"; then
	echo "ok - policy_replay_hid (the HID config gives the same section, line numbers aside)"
else
	echo "FAIL - policy_replay_hid: the HID config's section differs: $(cat "$T/err.hid")"
	diff "$T/p.xml" "$T/p.hid" | head -10 | sed 's/^/    /'
fi

# Refusals: BAR3 of 00:02.0 unassigned (register cleared), slot 0x1f without _PRT entries.
cp -r "$R" "$T/bad"
python3 - "$T/bad/config.txt" <<'PY'
import re, sys
p = sys.argv[1]
out, cur = [], None
for l in open(p):
    m = re.match(r"(?:[0-9a-f]{4}:)?([0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\s", l)
    if m:
        cur = m.group(1)
    if cur == "00:02.0" and l.startswith("10: "):
        b = l.split()
        b[13:17] = ["00"] * 4	# bytes 0x1c-0x1f: BAR3
        l = " ".join(b) + "\n"
    out.append(l)
open(p, "w").write("".join(out))
PY
grep -v 'device="0x1f"\|device="0x2"' "$R/acpi.xml" > "$T/bad/acpi.xml"
cat > "$T/bad/platform.config" <<'X'
<config>
	<policy label="nic"> <device name="00:02.0"/> <device name="00:1f.3"/> </policy>
</config>
X
timeout 20 "$PCI" --dump "$T/bad" > "$T/views.bad" 2> "$T/err.bad"
section policies "$T/views.bad" > "$T/p.bad"
ok=1
grep -qxF "  refused 00:02.0 BAR3: unassigned (the firmware left it no address): not handed out" "$T/p.bad" || ok=0
grep -q "^  mem 00:02.0 .* BAR3 " "$T/p.bad" && ok=0
grep -qxF "  refused 00:1f.3 irq INTA: unrouted: \\_SB.PCI0._PRT has no entry for slot 31 INTA" "$T/p.bad" || ok=0
if [ $ok = 1 ]; then
	echo "ok - policy_replay_refusals (unassigned BAR3 refused and not numbered; 00:1f.3 without MSI or a routed pin refused)"
else
	echo "FAIL - policy_replay_refusals: $(cat "$T/err.bad")"
	sed 's/^/    got: /' "$T/p.bad"
fi
if grep -qx '  irq 00:02.0 MSI-X, else MSI' "$T/p.bad" &&
    grep -qxF "  fallback-refused 00:02.0 irq INTA: unrouted: \\_SB.PCI0._PRT has no entry for slot 2 INTA" "$T/p.bad"; then
	echo "ok - policy_replay_irq_without_intx (00:02.0 keeps MSI-X and MSI, its unrouted pin refused as the fallback)"
else
	echo "FAIL - policy_replay_irq_without_intx: no 'irq 00:02.0 MSI-X, else MSI'"
fi

# A config the platform driver refuses: refused here too, naming the line.
mkdir "$T/sel" && cp "$R/config.txt" "$R/acpi.xml" "$T/sel/"
printf '<config>\n\t<policy>\n\t\t<pci class="USB"/>\n\t</policy>\n</config>\n' > "$T/sel/platform.config"
timeout 20 "$PCI" --dump "$T/sel" > /dev/null 2> "$T/err.sel"; rc=$?
if [ $rc = 2 ] && grep -qF "platform.config: line 2: a <policy> needs label=, label_prefix= or label_suffix=" "$T/err.sel"; then
	echo "ok - policy_replay_bad_config (exit 2, the line named as the platform driver names it)"
else
	echo "FAIL - policy_replay_bad_config: exit $rc, $(cat "$T/err.sel")"
fi
