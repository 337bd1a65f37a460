#!/bin/sh
# Issue 24: the ROM-fed platform driver (binary `platform`, pci/platform_serve.c)
# as Genode's composition has it, fed a hand-written Genode-format devices ROM
# with a non-PCI device (ps2) and a PCI device (00:01.0 of core's sim back
# ends), configured in Genode's HID syntax as drivers_interactive-pc's
# drivers.config writes the platform's policies. Genode's session semantics:
# acquire_single_device gives ps2 its <io_port_range> as an IO_PORT session;
# a client blocked in acquire gets the device when its holder exits, on the
# session's signal, with 2 ACQUIRE requests (no retry loop); a config change
# at run time (core re-delivers the config ROM at SIGHUP) releases a device
# from a client its new policy no longer gives it, and the client sees its
# devices ROM change; the device goes to a waiting client only once the
# component it was released from has exited (Linux cannot revoke its
# mapping). Host only, no root (sim back ends).
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'kill $core 2>/dev/null; rm -rf "$T"' EXIT
core=
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -40; }
has() { grep -qF -- "$1" "$T/out"; }
hasre() { grep -qE -- "$1" "$T/out"; }
# Wait up to $2 s for a line in the output.
await() { n=0; while ! has "$1" && [ $n -lt $(($2 * 10)) ]; do sleep 0.1; n=$((n + 1)); done; has "$1"; }

# core's ROM directory is its binary directory: the binaries and the hand-written ROM.
mkdir "$T/bin"
for b in platform platform_rom_client; do cp "$B/bin/$b" "$T/bin/"; done
cat > "$T/bin/devices" <<'X'
<devices>
  <device name="ps2">
    <irq number="1"/>
    <irq number="12"/>
    <io_port_range address="0x60" size="0x1"/>
    <io_port_range address="0x64" size="0x1"/>
  </device>
  <device name="pit">
    <irq number="0"/>
    <io_port_range address="0x40" size="0x4"/>
  </device>
  <device name="00:01.0" type="pci">
    <io_mem pci_bar="0" address="0xfd000000" size="0x1000000" wc="true"/>
    <io_mem pci_bar="2" address="0xfebf0000" size="0x1000"/>
    <irq number="11"/>
    <pci-config address="0xb0008000" bus="0x0" device="0x1" function="0x0" vendor_id="0x1234" device_id="0x1111" class="0x30000" revision="0x2" bridge="no" sub_vendor_id="0x1af4" sub_device_id="0x1100"/>
  </device>
</devices>
X
chmod 644 "$T/bin/devices"

# The platform's part of core's config; $1: the watcher's device, $2: the clients.
config() {
	echo config
	cat <<X | sed 's/^/  /' 
+ parent-provides
  + service LOG
  + service ROM
  + service IO_PORT
  + service IO_MEM
  + service IRQ
+ io_port | backend: sim
  + policy | label: platform | base: 0x60 | size: 5
+ io_mem | backend: sim
  + policy | label: platform | pci: 00:01.0 | bar: 0
+ irq | backend: sim
  + policy | label: platform | pci: 00:01.0
+ default-route | + any-service | + parent
+ start platform
  + provides | + service Platform
  + config
    + report | devices: yes
    + policy | label_prefix: ps2             | + device ps2
    + policy | label_prefix: fb  | info: yes | + pci | class: VGA
    + policy | label_prefix: watcher | info: yes | + device $1
$2
X
	echo -
}

config 00:01.0 "+ start ps2
  + binary platform_rom_client
  + route
    + service Platform | + child platform
    + any-service      | + parent
  + config | mode: single
+ start fb_hold
  + binary platform_rom_client
  + route
    + service Platform | + child platform
    + any-service      | + parent
  + config | mode: hold | device: 00:01.0 | hold_ms: 2000
+ start fb_wait | finish: yes
  + binary platform_rom_client
  + route
    + service Platform | + child platform
    + any-service      | + parent
  + config | mode: wait | device: 00:01.0 | delay_ms: 700" > "$T/one.hid"
timeout 40 "$B/bin/core" --config "$T/one.hid" --bin-dir "$T/bin" > "$T/out" 2>&1

t=hand_written_rom_read
if has '[init -> platform] devices ROM: 3 devices (1 PCI, 2 other)'; then pass $t
else fail $t "the platform did not read the hand-written devices ROM"; fi

t=ps2_by_name_gets_its_io_ports
if has '[init -> ps2] acquire_single_device: ps2' &&
   has '[init -> ps2] ps2 io_port_range 0: IO_PORT session 0x60+1, inb 0x60: read' &&
   has '[init -> platform] ps2: IO_PORT session (ram_quota=6K, io_port_base=0x60, io_port_size=0x1) handed to "ps2 -> drv"'; then
	pass $t
else fail $t "ps2 (a non-PCI device of the ROM) did not get its <io_port_range> through its policy"; fi

t=ps2_irq_asked_of_core_by_number
if has '[init -> platform] "ps2 -> drv": core refused ps2'"'"'s IRQ session (ram_quota=6K, irq_number=1)'; then pass $t
else fail $t "ps2's <irq number=1> was not asked of core by its number"; fi

t=blocked_acquire_gets_device_on_signal
if has '[init -> fb_wait] acquired 00:01.0 after waiting' &&
   hasre '\[init -> fb_wait\] acquired 00:01.0 after waiting [0-9]+ ms: 2 ACQUIRE requests' &&
   has '[init -> fb_hold] exiting with 00:01.0 held' &&
   [ "$(grep -n 'fb_hold -> drv" (session closed' "$T/out" | cut -d: -f1)" -lt \
     "$(grep -n 'fb_wait\] acquired 00:01.0' "$T/out" | cut -d: -f1)" ]; then pass $t
else fail $t "the waiting client did not get the device after its holder exited with one more request"; fi

# Run 3 (first): a policy with three devices; acquire_single_device is refused, device_by_type picks.
config 00:01.0 "+ start multi_single | finish: yes
  + binary platform_rom_client
  + config | mode: single | delay_ms: 1000
  + route
    + service Platform | + child platform
    + any-service      | + parent
+ start multi_type
  + binary platform_rom_client
  + config | mode: single | type: pci
  + route
    + service Platform | + child platform
    + any-service      | + parent" | sed 's/^\( *\)+ policy | label_prefix: ps2 .*/&\
\1+ policy | label_prefix: multi\
\1  + device ps2\
\1  + device pit\
\1  + device 00:01.0/' > "$T/three.hid"
timeout 40 "$B/bin/core" --config "$T/three.hid" --bin-dir "$T/bin" > "$T/out" 2>&1

t=acquire_single_device_needs_one_device_device_by_type_picks
if has '[init -> multi_single] acquire_single_device refused: acquire_single_device: the policy of "multi_single -> drv" gives 3 devices, not one' &&
   has '[init -> multi_type] device_by_type pci: 00:01.0' &&
   has '[init -> platform] 00:01.0 acquired by "multi_type -> drv"'; then pass $t
else fail $t "acquire_single_device took one of several devices, or device_by_type did not find the PCI device"; fi

# Run 2: the watcher holds 00:01.0; a new config gives its policy pit instead (SIGHUP).
clients="+ start watcher
  + binary platform_rom_client
  + route
    + service Platform | + child platform
    + any-service      | + parent
  + config | mode: watch | device: 00:01.0 | hold_ms: 1500
+ start fb_next
  + binary platform_rom_client
  + route
    + service Platform | + child platform
    + any-service      | + parent
  + config | mode: wait | device: 00:01.0 | delay_ms: 500"
config 00:01.0 "$clients" > "$T/two.hid"
"$B/bin/core" --config "$T/two.hid" --bin-dir "$T/bin" > "$T/out" 2>&1 &
core=$!
if await '[init -> watcher] acquired 00:01.0, io_mem 0 mapped' 15; then
	sleep 1
	config pit "$clients" > "$T/two.hid.new" && mv "$T/two.hid.new" "$T/two.hid"
	kill -HUP $core
	await '[init -> fb_next] acquired 00:01.0' 15
	await '[init] child "watcher" exited' 5
fi
kill $core 2>/dev/null; wait $core 2>/dev/null; core=

t=policy_change_releases_device
if has '[init -> platform] config updated: 3 policies' &&
   has '[init -> platform] 00:01.0 no longer in the policy of "watcher -> drv" (its new policy does not give it)' &&
   has '[init -> platform] 00:01.0 released by "watcher -> drv" (the new config does not give it)'; then pass $t
else fail $t "the config change at run time did not release the device the new policy no longer gives"; fi

t=client_sees_its_rom_change
if hasre '\[init -> watcher\] devices ROM changed \([0-9]+ signals\): 00:01.0 no longer listed' &&
   has '[init -> watcher] io_mem 0 of 00:01.0 again: 00:01.0 is not in the policy of "watcher -> drv"'; then pass $t
else fail $t "the client was not signalled, or still reaches the device"; fi

# The watcher keeps its old mapping 1.5 s after the release: the device goes on only once it has exited.
t=released_device_goes_to_the_waiter_once_its_last_owner_exited
if hasre '\[init -> fb_next\] acquired 00:01.0 after waiting [0-9]+ ms: 2 ACQUIRE requests' &&
   has '[init -> platform] 00:01.0: "watcher", which had it last, has exited: it may be handed on' &&
   [ "$(grep -n 'child "watcher" exited' "$T/out" | cut -d: -f1)" -lt \
     "$(grep -n 'fb_next\] acquired 00:01.0' "$T/out" | cut -d: -f1)" ]; then pass $t
else fail $t "the waiting client did not get the device, or got it while its last owner still ran (and mapped it)"; fi
