#!/bin/sh
# core --host and core --restore (docs/host-mode.md) against a simulated
# sysfs/procfs tree (--root): what is granted, what is refused and why,
# that a refusal changes nothing, the state file, giving back, restore.
# The fake tree has no kernel behind it: writes land in plain files, so a
# driver's unbind never takes effect (that is the unbind-failure case),
# and the checks read what core wrote. Taking a bound device for real is
# scenario host_nic's job (run/scenarios/host_nic.scn), in QEMU.
set -u
B=${B:-build/out}
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL $pid 2>/dev/null; rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -20; }
has() { grep -qF -- "$1" "$T/out"; }
R=$T/root
S=$T/state
DEV=$R/sys/devices/pci0000:00

# fn NAME VENDOR DEVICE CLASS [DRIVER]: one PCI function in the fake sysfs
fn() {
	d=$DEV/$1
	mkdir -p "$d" "$R/sys/bus/pci/devices" "$R/sys/bus/pci/drivers"
	echo "$2" > "$d/vendor"; echo "$3" > "$d/device"; echo "$4" > "$d/class"
	echo "(null)" > "$d/driver_override"
	printf '\007\005\020\000\007\005\020\000' > "$d/config"	# command 0x0507: bus master on
	ln -s "../../../devices/pci0000:00/$1" "$R/sys/bus/pci/devices/$1"
	if [ -n "${5:-}" ]; then
		mkdir -p "$R/sys/bus/pci/drivers/$5"
		[ -e "$R/sys/bus/pci/drivers/$5/bind" ] || : > "$R/sys/bus/pci/drivers/$5/bind"
		[ -e "$R/sys/bus/pci/drivers/$5/unbind" ] || : > "$R/sys/bus/pci/drivers/$5/unbind"
		ln -s "../../../bus/pci/drivers/$5" "$d/driver"
	fi
}
# A machine: a NIC (e1000e) to take, an AHCI controller whose disk holds
# /mnt/data (mountinfo 8:1 -> sda1 below 00:1f.2), the boot display
# (bochs, boot_vga 1), an edu whose IOMMU group holds a device Linux keeps,
# an unbound edu with nothing in the way, a bridge.
fn 0000:00:00.0 0x8086 0x29c0 0x060000
fn 0000:00:01.0 0x1234 0x1111 0x030000 bochs-drm
echo 1 > "$DEV/0000:00:01.0/boot_vga"
fn 0000:00:02.0 0x8086 0x10d3 0x020000 e1000e
fn 0000:00:03.0 0x1234 0x11e8 0x00ff00
fn 0000:00:04.0 0x1234 0x11e8 0x00ff00
fn 0000:00:05.0 0x1b36 0x0001 0x058000
fn 0000:00:1f.2 0x8086 0x2922 0x010601 ahci
# A second display with a frame buffer while fbcon holds the console, and
# an NVMe disk that is mounted only through device mapper (dm-0's slaves/).
fn 0000:00:07.0 0x1af4 0x1050 0x038000 virtio-pci
mkdir -p "$DEV/0000:00:07.0/graphics/fb0" "$R/sys/class/vtconsole/vtcon0" "$R/sys/class/vtconsole/vtcon1"
echo "(S) dummy device" > "$R/sys/class/vtconsole/vtcon0/name"; echo 0 > "$R/sys/class/vtconsole/vtcon0/bind"
echo "(M) frame buffer device" > "$R/sys/class/vtconsole/vtcon1/name"; echo 1 > "$R/sys/class/vtconsole/vtcon1/bind"
fn 0000:00:08.0 0x1b36 0x0010 0x010802 nvme
mkdir -p "$DEV/0000:00:08.0/nvme/nvme0/nvme0n1" "$R/sys/devices/virtual/block/dm-0/slaves"
ln -s ../../../../pci0000:00/0000:00:08.0/nvme/nvme0/nvme0n1 "$R/sys/devices/virtual/block/dm-0/slaves/nvme0n1"
mkdir -p "$R/sys/kernel/iommu_groups/7/devices" "$DEV/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1" "$R/sys/dev/block"
ln -s ../../../../devices/pci0000:00/0000:00:04.0 "$R/sys/kernel/iommu_groups/7/devices/0000:00:04.0"
ln -s ../../../../devices/pci0000:00/0000:00:05.0 "$R/sys/kernel/iommu_groups/7/devices/0000:00:05.0"
ln -s ../../../kernel/iommu_groups/7 "$DEV/0000:00:04.0/iommu_group"
ln -s ../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1 "$R/sys/dev/block/8:1"
ln -s ../../devices/virtual/block/dm-0 "$R/sys/dev/block/254:0"
mkdir -p "$R/proc/self" "$R/proc/sys/vm"
echo 0 > "$R/proc/sys/vm/nr_hugepages"
cat > "$R/proc/self/mountinfo" <<'M'
22 1 0:21 / /proc rw,nosuid - proc proc rw
25 1 0:5 / /dev rw - devtmpfs udev rw
31 1 8:1 / /mnt/data rw,relatime - ext2 /dev/sda1 rw
32 1 254:0 / /home rw,relatime - ext4 /dev/mapper/vg-home rw
M
snapshot() { (cd "$R" && find . -printf '%p %l\n' | sort && find . -type f | sort | xargs md5sum) > "$1"; }
snapshot "$T/before"
unchanged() { snapshot "$T/after"; cmp -s "$T/before" "$T/after"; }
# config FILE GRANTS [START]: granted functions by policies, one composition
config() {
	printf '<config>\n<io_mem backend="sim">%s</io_mem>\n' "$2" > "$1"
	printf '<default-route> <any-service> <parent/> </any-service> </default-route>\n' >> "$1"
	printf '%s\n</config>\n' "${3:-<start name=\"hello_client\" finish=\"yes\"/>}" >> "$1"
}
pol() { for p; do printf '<policy label="x" pci="%s" bar="0"/>' "$p"; done; }
config "$T/all.xml" "$(pol 00:00.0 00:01.0 00:02.0 00:03.0 00:04.0 00:07.0 00:08.0 00:1f.2)"
core() { timeout -s KILL 30 "$B/bin/core" --root "$R" --state "$S" --bin-dir "$B/bin" "$@" > "$T/out" 2>&1; rc=$?; }

t=dry_run_says_what_is_taken_and_refused_and_why
core --host "$T/all.xml" --dry-run
if [ $rc = 1 ] && has "keep 0000:00:00.0: a bridge, stays with Linux" &&
   has "refuse 0000:00:01.0 (1234:1111, class 030000, Linux driver bochs-drm): is the boot display (boot_vga 1): Linux's console is on it" &&
   has "take 0000:00:02.0 (8086:10d3, class 020000, Linux driver e1000e)" &&
   has "take 0000:00:03.0 (1234:11e8, class 00ff00, Linux driver none)" &&
   has "refuse 0000:00:04.0 (1234:11e8, class 00ff00, Linux driver none): shares IOMMU group 7 with 0000:00:05.0, which Linux keeps" &&
   has "refuse 0000:00:1f.2 (8086:2922, class 010601, Linux driver ahci): holds a mounted filesystem: /mnt/data (from /dev/sda1)" &&
   has "refuse 0000:00:07.0 (1af4:1050, class 038000, Linux driver virtio-pci): has a frame buffer (0000:00:07.0/graphics) and fbcon holds the console" &&
   has "refuse 0000:00:08.0 (1b36:0010, class 010802, Linux driver nvme): holds a mounted filesystem: /home (from /dev/mapper/vg-home)" &&
   has "dry run: 2 to take, 5 refused; core --host would refuse to start and change nothing" && unchanged; then
	pass $t
else
	fail $t "rc $rc, or a line missing, or the tree changed"
fi

t=refusals_change_nothing_and_start_nothing
core --host "$T/all.xml"
if [ $rc = 3 ] && has "core --host: refusing 0000:00:1f.2" && has "core --host: refusing 0000:00:01.0" &&
   has "core --host: refusing 0000:00:04.0" && has "5 of 7 granted function(s) refused; nothing was changed" &&
   ! has "hello_client" && [ ! -e "$S" ] && unchanged; then
	pass $t
else
	fail $t "rc $rc (want 3), a refusal missing, a child started, a state file left, or the tree changed"
fi

# While core runs: the state file holds what was there before, the
# function is kept from Linux (driver_override "mkx"); on SIGTERM all of
# it is given back: bus master off, override cleared, state file gone.
t=state_file_then_give_back_on_sigterm
config "$T/one.xml" "$(pol 00:03.0)" '<start name="hello_server"> <provides> <service name="Hello"/> </provides> </start>'
: > "$T/out"	# not the last test's "took" line: the background core may open it late
"$B/bin/core" --host "$T/one.xml" --root "$R" --state "$S" --bin-dir "$B/bin" > "$T/out" 2>&1 &
pid=$!
for i in $(seq 50); do [ -e "$S" ] && has "took 0000:00:03.0" && break; sleep 0.1; done
state=$(cat "$S" 2>/dev/null); ovr=$(head -c3 "$DEV/0000:00:03.0/driver_override")
echo 4 > "$R/proc/sys/vm/nr_hugepages"	# as <dma huge_pages="4"> would on a real host
kill -TERM $pid; wait $pid; rc=$?; pid=
cmd=$(od -An -tx1 -j4 -N1 "$DEV/0000:00:03.0/config" | tr -d ' ')
if [ "$state" = "mkx-host-state 1
nr_hugepages 0
0000:00:03.0 driver=- override=-" ] && [ "$ovr" = mkx ] && [ $rc = 0 ] && [ "$cmd" = 03 ] &&
   [ "$(cat "$R/proc/sys/vm/nr_hugepages")" = 0 ] && has "host: vm.nr_hugepages 4, back to 0 as before core" &&
   [ "$(head -n1 "$DEV/0000:00:03.0/driver_override")" = "" ] && [ ! -e "$S" ] &&
   has "host: 0000:00:03.0 (1234:11e8, class 00ff00, Linux driver none) given back" && has "state"; then
	pass $t
else
	fail $t "state '$state', override '$ovr', rc $rc, command low byte $cmd (want 03), nr_hugepages $(cat "$R/proc/sys/vm/nr_hugepages") (want 0), or state file left"
fi

t=give_back_on_sigint
: > "$T/out"	# not the last test's "took" line: the background core may open it late
"$B/bin/core" --host "$T/one.xml" --root "$R" --state "$S" --bin-dir "$B/bin" > "$T/out" 2>&1 &
pid=$!
for i in $(seq 50); do has "took 0000:00:03.0" && break; sleep 0.1; done
kill -INT $pid; wait $pid; rc=$?; pid=
if [ $rc = 0 ] && has "host: 1 function(s) given back to Linux" && [ ! -e "$S" ] &&
   [ "$(head -n1 "$DEV/0000:00:03.0/driver_override")" = "" ]; then
	pass $t
else
	fail $t "rc $rc, not given back or state file left"
fi

# The fake e1000e's unbind is a plain file: the driver stays bound. core
# must refuse the device, give back what it took and start nothing, and
# leave the device's bus mastering alone: Linux's driver still uses it.
t=unbind_failure_refused_and_given_back
echo "(null)" > "$DEV/0000:00:02.0/driver_override"
config "$T/nic.xml" "$(pol 00:02.0)"
core --host "$T/nic.xml"
if [ $rc = 1 ] && has "core --host: refusing 0000:00:02.0 (8086:10d3, class 020000, Linux driver e1000e): still bound to e1000e after unbind; giving back what was taken" &&
   has "host: 1 function(s) given back to Linux" && ! has "hello_client" && [ ! -e "$S" ] &&
   [ "$(head -n1 "$DEV/0000:00:02.0/driver_override")" = "" ] &&
   [ "$(cat "$R/sys/bus/pci/drivers/e1000e/unbind")" = 0000:00:02.0 ] &&
   [ "$(od -An -tx1 -j4 -N1 "$DEV/0000:00:02.0/config" | tr -d ' ')" = 07 ]; then
	pass $t
else
	fail $t "rc $rc (want 1), message, state file or files wrong (bus master must stay on: e1000e still drives it)"
fi

t=an_old_state_file_blocks_the_start
echo "mkx-host-state 1" > "$S"
core --host "$T/nic.xml"
if [ $rc = 1 ] && has "exists: an earlier core --host did not give its devices back; run core --restore $S first" && ! has "hello_client"; then
	pass $t
else
	fail $t "rc $rc (want 1) or message missing"
fi

# SIGKILL: nothing of core's runs at the end, the state file remains and
# core --restore gives back from it alone.
t=sigkill_then_restore
# (an empty driver_override: writes to the fake tree's plain files do not truncate, as sysfs would)
rm -f "$S"; : > "$DEV/0000:00:03.0/driver_override"
printf '\007\005' | dd of="$DEV/0000:00:03.0/config" bs=1 seek=4 conv=notrunc 2>/dev/null
: > "$T/out"	# not the last test's "took" line: the background core may open it late
"$B/bin/core" --host "$T/one.xml" --root "$R" --state "$S" --bin-dir "$B/bin" > "$T/out" 2>&1 &
pid=$!
for i in $(seq 50); do has "took 0000:00:03.0" && break; sleep 0.1; done
kill -KILL $pid; wait $pid 2>/dev/null; pid=
ovr=$(head -c3 "$DEV/0000:00:03.0/driver_override")
echo 4 > "$R/proc/sys/vm/nr_hugepages"
core --restore "$S"
if [ "$ovr" = mkx ] && [ $rc = 0 ] && has "host: 0000:00:03.0 (1234:11e8, class 00ff00, Linux driver none) given back" &&
   [ ! -e "$S" ] && [ "$(head -n1 "$DEV/0000:00:03.0/driver_override")" = "" ] &&
   [ "$(od -An -tx1 -j4 -N1 "$DEV/0000:00:03.0/config" | tr -d ' ')" = 03 ] &&
   [ "$(cat "$R/proc/sys/vm/nr_hugepages")" = 0 ]; then
	pass $t
else
	fail $t "override while killed '$ovr', restore rc $rc, or not given back"
fi

# A state file naming Linux's driver: restore binds it again (and keeps
# an override the function had before core).
t=restore_binds_the_original_driver
rm -f "$DEV/0000:00:02.0/driver"; : > "$R/sys/bus/pci/drivers/e1000e/bind"
printf 'mkx-host-state 1\n0000:00:02.0 driver=e1000e override=e1000e\n' > "$S"; chmod 600 "$S"
echo mkx > "$DEV/0000:00:02.0/driver_override"	# as core left it
core --restore "$S"
if [ $rc = 0 ] && [ "$(cat "$R/sys/bus/pci/drivers/e1000e/bind")" = 0000:00:02.0 ] &&
   [ "$(head -c6 "$DEV/0000:00:02.0/driver_override")" = e1000e ] && [ ! -e "$S" ]; then
	pass $t
else
	fail $t "rc $rc; bind file '$(cat "$R/sys/bus/pci/drivers/e1000e/bind")'"
fi

t=restore_refuses_a_malformed_state_file
printf 'mkx-host-state 1\n0000:00:02.0 driver=../../x override=-\n' > "$S"; chmod 600 "$S"
core --restore "$S"
if [ $rc = 1 ] && has "core --restore: $S:2: malformed line" && [ -e "$S" ]; then
	pass $t
else
	fail $t "rc $rc (want 1) or message missing"
fi
