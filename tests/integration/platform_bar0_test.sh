#!/bin/sh
# Issue 24: Genode's pci_decode writes a BAR the firmware left unassigned with address 0; the
# ROM-fed platform driver (pci/platform_serve.c) lists it, as Genode's does, but never hands out
# a resource at address 0: its io_mem is refused with the reason, while the device's other BAR
# and its pseudo BAR 6 (the IGD OpRegion's pci_bar) are read as they are. Host only, no root
# (core's sim back ends), as tests/integration/platform_rom_test.sh.
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 2"
mkdir "$T/bin"
for b in platform platform_rom_client; do cp "$B/bin/$b" "$T/bin/"; done
cat > "$T/bin/devices" <<'X'
<devices>
  <device name="00:01.0" type="pci">
    <io_mem pci_bar="4" address="0x0" size="0x1000"/>
    <io_mem pci_bar="0" address="0xfd000000" size="0x1000000"/>
    <io_mem pci_bar="6" address="0x7ab48018" size="8192"/>
    <pci-config address="0xb0008000" bus="0x0" device="0x1" function="0x0" vendor_id="0x1234" device_id="0x1111" class="0x30000" revision="0x2" bridge="no" sub_vendor_id="0x1af4" sub_device_id="0x1100"/>
  </device>
</devices>
X
chmod 644 "$T/bin/devices"
cat > "$T/c.hid" <<'X'
config
  + parent-provides
    + service LOG
    + service ROM
    + service IO_PORT
    + service IO_MEM
    + service IRQ
  + io_mem | backend: sim
    + policy | label: platform | pci: 00:01.0 | bar: 0
  + default-route | + any-service | + parent
  + start platform
    + provides | + service Platform
    + config
      + policy | label_prefix: fb | info: yes | + device 00:01.0
  + start fb_hold | finish: yes
    + binary platform_rom_client
    + route
      + service Platform | + child platform
      + any-service      | + parent
    + config | mode: hold | device: 00:01.0 | hold_ms: 100
-
X
timeout 40 "$B/bin/core" --config "$T/c.hid" --bin-dir "$T/bin" > "$T/out" 2>&1
has() { grep -qF -- "$1" "$T/out"; }
t=devices_rom_with_bar_at_zero_and_bar6_read
if has '[init -> platform] devices ROM: 1 devices (1 PCI, 0 other)'; then echo "ok - $t"
else echo "FAIL - $t: $(grep -m2 'platform\]' "$T/out" | tr '\n' ' ')"; fi
# The refusal is the platform's own, before core is asked.
t=io_mem_at_address_zero_refused_with_reason
if has '[init -> fb_hold] 00:01.0 io_mem 0 refused: 00:01.0 io_mem 0 is at address 0 (a BAR the firmware left unassigned): not handed out'
then echo "ok - $t"
else echo "FAIL - $t: $(grep -m3 'fb_hold\|refused' "$T/out" | tr '\n' ' ')"; fi
