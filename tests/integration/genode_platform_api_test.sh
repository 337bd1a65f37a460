#!/bin/sh
# Issue 28 milestone 2: Genode's own platform API test
# (repos/os/src/test/platform, built unmodified by `make genode` as
# test_platform) against Genode's PC platform driver (pc_platform), both on
# mkx core with the sim back ends (no root, no QEMU). The test writes its
# own "devices" and "config" reports; core's <report_rom> hands them to the
# driver as its devices ROM and, by a route's label, as its config ROM
# (dynamic: each new version signals the driver). It acquires dummy
# devices at I/O memory 0x40000000 + n*0x1000 (core: a trusted IO_MEM
# policy, the sim's physical memory) and IRQs 32 + n (the sim's lines),
# releases them 100 and 1000 times, allocates DMA buffers (the sim's DMA
# pool), closes and reopens its session and logs "Test has ended!".
# Bounded: a report that never reaches the driver stalls the test, which
# must then FAIL here, not hang.
set -u
B=${B:-build/out}
G=${GENODE_B:-build/genode}
LIMIT=${LIMIT:-60}
T=$(mktemp -d)
echo "plan 1"
t=genode_platform_api_test_ends
[ -x "$G/test_platform" ] && [ -x "$G/pc_platform" ] || {
	echo "skip - $t: no $G/test_platform (make genode)"; rm -rf "$T"; exit 0; }
chmod 755 "$T"; mkdir -m 755 "$T/bin"
for b in test_platform pc_platform; do ln -s "$(readlink -f "$G/$b")" "$T/bin/$b"; done
ln -s "$(readlink -f "$B/bin/report_seed")" "$T/bin/report_seed"
# The first versions of the test's reports, as Genode's platform.run seeds
# them from files: one device, and a config admitting the test.
echo '<devices> <device name="dummy"/> </devices>' > "$T/bin/seed_devices"
echo '<config> <default-policy/> </config>' > "$T/bin/seed_config"
# The driver's config is the test's report: its DMA function (core's DMA
# session is per PCI function; the sim's 00:03.0) in its own ROM.
echo '<config mkx_dma_pci="00:03.0"/>' > "$T/bin/mkx_dma_config"
chmod 644 "$T/bin/seed_devices" "$T/bin/seed_config" "$T/bin/mkx_dma_config"
# Order, by wrappers that wait for a file this script writes (20 s at
# most): the driver starts once its config is published (it must admit the
# test's session when it announces its service, as its config file does on
# Genode), the test once both seeds are written and their sessions closed
# (core lets one session write a report at a time).
after() {
	cat > "$T/bin/$2_after_$1" <<SH
#!/bin/sh
for i in \$(seq 200); do [ -e "$T/$1" ] && break; sleep 0.1; done
exec "$T/bin/$2"
SH
	chmod 755 "$T/bin/$2_after_$1"
}
after config_seeded pc_platform
after seeded test_platform
cat > "$T/g.xml" <<XML
<config>
  <io_mem backend="sim">
    <policy label="platform" base="0x40000000" size="0x6000" trusted="yes"/>
  </io_mem>
  <irq backend="sim">
    <policy label="platform" pci="00:10.0"/> <policy label="platform" pci="00:11.0"/>
    <policy label="platform" pci="00:12.0"/> <policy label="platform" pci="00:13.0"/>
  </irq>
  <dma backend="sim" huge_pages="16"> <policy label="platform" pci="00:03.0" dma_mask_bits="32"/> </dma>
  <report_rom>
    <policy label="platform -> devices" report="test-platform -> devices"/>
    <policy label="platform_config" report="test-platform -> config"/>
  </report_rom>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="platform">
    <binary name="pc_platform_after_config_seeded"/>
    <resource name="RAM" quantum="32M"/>
    <provides> <service name="Platform"/> </provides>
    <route>
      <service name="ROM" label="config"> <parent label="platform_config"/> </service>
      <any-service> <parent/> </any-service>
    </route>
  </start>
  <start name="seed_devices">
    <binary name="report_seed"/>
    <config from="seed_devices" to="devices"/>
    <route>
      <service name="Report"> <parent label="test-platform -> devices"/> </service>
      <any-service> <parent/> </any-service>
    </route>
  </start>
  <start name="seed_config">
    <binary name="report_seed"/>
    <config from="seed_config" to="config"/>
    <route>
      <service name="Report"> <parent label="test-platform -> config"/> </service>
      <any-service> <parent/> </any-service>
    </route>
  </start>
  <start name="test-platform">
    <binary name="test_platform_after_seeded"/>
    <resource name="RAM" quantum="16M"/>
    <route>
      <service name="Platform"> <child name="platform" label="test-platform -> "/> </service>
      <any-service> <parent/> </any-service>
    </route>
  </start>
</config>
XML
"$B/bin/core" --config "$T/g.xml" --bin-dir "$T/bin" > "$T/out" 2>&1 &
core=$!
trap 'kill $core 2>/dev/null; wait $core 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ $i -lt 200 ] && ! grep -q 'child "seed_config" exited with exit value 0' "$T/out"; do
	i=$((i + 1)); sleep 0.1
done
touch "$T/config_seeded"
i=0
while [ $i -lt 200 ] && [ "$(grep -c 'child "seed_\(devices\|config\)" exited with exit value 0' "$T/out")" != 2 ]; do
	i=$((i + 1)); sleep 0.1
done
touch "$T/seeded"
i=0
while [ $i -lt $((LIMIT * 10)) ]; do
	grep -q 'Test has ended!\|child "\(test-platform\|platform\)" \(exited\|crashed\)' "$T/out" && break
	i=$((i + 1)); sleep 0.1
done
# What the test logs, as Genode's repos/os/run/platform.run expects it
# (there in HID form; mkx's ROMs are XML): the platform driver's view of
# the session after each step, then its last two lines.
dev() {	# name address irq used
	printf '\t<device name="%s" type="dummy-device" used="%s">\n\t\t<io_mem phys_addr="%s" size="0x1000"/>\n' "$1" "$4" "$2"
	printf '\t\t<irq number="%s"/>\n\t</device>\n' "$3"
}
{
	echo '<devices version="1">'
	dev 0 0x40000000 32 false; dev 1 0x40001000 33 false; dev 2 0x40002000 34 false
	echo '</devices>'; echo '<devices version="2">'
	dev 0 0x40000000 32 true; dev 1 0x40001000 33 true
	echo '</devices>'; echo '<devices version="3"/>'; echo '<devices version="4">'
	dev 0 0x40000000 32 false; dev 1 0x40001000 33 false; dev 2 0x40002000 34 false; dev 3 0x40003000 35 false
	echo '</devices>'; echo '<devices version="5"/>'; echo '<devices version="6">'
	dev 0 0x40000100 32 false
	echo '</devices>'; echo 'Found next valid device of dummy type'; echo 'Test has ended!'
} > "$T/want"
# up to its last line, as platform.run looks (run_genode_until "Test has ended!")
sed -n 's/^\[init -> test-platform\] //p' "$T/out" | sed '/^Test has ended!$/q' > "$T/got"
# Failure lines: any error of the test, the driver's failures to set up a
# device's resources (IO_MEM, IRQ, DMA), a crash. The driver's "Device to
# be destroyed, still obtained by session" is the test's own corner case
# (it lets devices vanish that it holds) and is Genode's too.
bad=$(grep -a 'test-platform\] .*Error\|platform\] .*Error: \(IRQ\|irq\|IO_MEM\|DMA\|Could not\|Genode RPC\)\|crashed\|killed by' "$T/out" | head -3)
if ! grep -q 'Test has ended!' "$T/out"; then
	echo "FAIL - $t: no \"Test has ended!\" (${LIMIT} s at most); the test's last lines:"
	tail -4 "$T/got" | sed 's/^/    /'; grep -a 'Error\|crashed' "$T/out" | tail -4 | sed 's/^/    /'
elif [ -n "$bad" ]; then
	echo "FAIL - $t: ended, but:"; echo "$bad" | sed 's/^/    /'
elif ! cmp -s "$T/want" "$T/got"; then
	echo "FAIL - $t: its log is not Genode's expected one:"; diff "$T/want" "$T/got" | head -8 | sed 's/^/    /'
elif grep -q 'child "platform" \(exited\|crashed\)' "$T/out"; then
	echo "FAIL - $t: the platform driver is gone"
else
	echo "ok - $t ($(grep -c 'freed buffer' "$T/out") DMA buffers freed by core, $(grep -c 'IO_MEM "platform"' "$T/out") IO_MEM grants)"
fi
