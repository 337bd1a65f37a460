#!/bin/busybox sh
# /init of scenario ahci_host: an ordinary Linux userland (Debian's busybox-static) boots with
# Linux's own ahci driver on two AHCI controllers: q35's built-in one (00:1f.2), whose disk gets
# an ext2 filesystem and stays mounted, and an ich9-ahci (00:05.0), whose disk Linux does not
# mount but writes 1 MiB of text to (O_DIRECT). core --host must refuse a config granting
# 00:1f.2 (a mounted filesystem's controller) and change nothing; then it takes 00:05.0 and our
# ahci driver reads the same blocks back through a Block session (block_tester
# mode="expect_text"); core gives 00:05.0 back and Linux reads its 1 MiB again. Every result
# is an "ahci_host: " line on the console for the scenario's patterns; "ahci_host: FAIL" fails it.
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /run /mnt/disk
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules.list); do insmod "$m" || echo "ahci_host: FAIL: insmod $m"; done
fail() { echo "ahci_host: FAIL: $*"; poweroff -f; }
# The disk behind PCI function $1 (by its sysfs path: sda/sdb follow probe order, not the slot).
disk_of() {
	for b in /sys/block/sd*; do
		case $(readlink -f "$b") in */0000:$1/*) echo "/dev/${b##*/}"; return;; esac
	done
}
# Wait up to 10 s for the disk behind $1 and its device node; print it.
wait_disk() {
	i=0
	while [ $i -lt 100 ]; do
		d=$(disk_of "$1")
		[ -n "$d" ] && [ -b "$d" ] && { echo "$d"; return; }
		sleep 0.1; i=$((i + 1))
	done
}
driver_of() { d=$(readlink /sys/bus/pci/devices/0000:$1/driver); echo "${d##*/}"; }

ROOTDISK=$(wait_disk 00:1f.2)
[ -n "$ROOTDISK" ] || fail "Linux's ahci driver gave no disk on 00:1f.2"
DISK=$(wait_disk 00:05.0)
[ -n "$DISK" ] || fail "Linux's ahci driver gave no disk on 00:05.0"
echo "ahci_host: 00:05.0 bound to Linux's $(driver_of 00:05.0), $DISK there; 00:1f.2 bound to $(driver_of 00:1f.2), $ROOTDISK there"
mke2fs -q "$ROOTDISK" >/tmp/mke2fs.log 2>&1 || { cat /tmp/mke2fs.log; fail "mke2fs $ROOTDISK"; }
mount -t ext2 "$ROOTDISK" /mnt/disk || fail "mount $ROOTDISK"
echo "kept by Linux" > /mnt/disk/kept && sync
echo "ahci_host: $ROOTDISK (00:1f.2) mounted at /mnt/disk (ext2)"

# The refusal: the same config with 00:1f.2 in place of 00:05.0.
sed 's/00:05\.0/00:1f.2/g' /config.xml > /tmp/refuse.xml
/bin/core --host /tmp/refuse.xml >/tmp/refuse.log 2>&1; rc=$?
grep '^core --host: ' /tmp/refuse.log | sed 's/^/ahci_host: refusal run: /'
# Refused means exit status 3 and the reason named (any other failure is no refusal).
if [ $rc != 3 ] || ! grep -q "^core --host: refusing 0000:00:1f.2 .*: holds a mounted filesystem: /mnt/disk " /tmp/refuse.log; then
	tail -20 /tmp/refuse.log
	fail "core --host did not refuse 00:1f.2 for its mounted filesystem (exit $rc)"
fi
[ "$(driver_of 00:1f.2)" = ahci ] || fail "00:1f.2 is bound to '$(driver_of 00:1f.2)' after the refusal"
grep -q " /mnt/disk " /proc/mounts || fail "/mnt/disk is not mounted after the refusal"
[ "$(cat /mnt/disk/kept)" = "kept by Linux" ] || fail "/mnt/disk unreadable after the refusal"
echo "ahci_host: core --host refused 00:1f.2 (exit $rc); 00:1f.2 still bound to ahci, /mnt/disk still mounted"

yes "mkx: written by Linux's ahci driver" | head -c 1048576 > /tmp/linux.bin
dd if=/tmp/linux.bin of="$DISK" bs=65536 seek=16 oflag=direct 2>/tmp/dd.log || { cat /tmp/dd.log; fail "dd to $DISK"; }
echo "ahci_host: Linux wrote 1048576 bytes at block 2048 of $DISK (O_DIRECT), md5 $(md5sum < /tmp/linux.bin | cut -d' ' -f1)"
/bin/core --host /config.xml; rc=$?
echo "ahci_host: core --host exit $rc"
[ "$(driver_of 00:05.0)" = ahci ] || fail "00:05.0 is bound to '$(driver_of 00:05.0)' after core, not ahci"
DISK=$(wait_disk 00:05.0)
[ -n "$DISK" ] || fail "no disk on 00:05.0 after core gave it back"
dd if="$DISK" of=/tmp/back.bin bs=65536 skip=16 count=16 iflag=direct 2>/dev/null || fail "Linux cannot read $DISK after core"
cmp -s /tmp/linux.bin /tmp/back.bin || fail "Linux reads something else back after core"
echo "ahci_host: given back: 00:05.0 bound to ahci again, Linux reads its 1048576 bytes back unchanged from $DISK"
grep -q " /mnt/disk " /proc/mounts || fail "/mnt/disk is not mounted after core"
[ "$(cat /mnt/disk/kept)" = "kept by Linux" ] || fail "/mnt/disk unreadable after core"
umount /mnt/disk || fail "umount /mnt/disk"
echo "ahci_host: /mnt/disk on 00:1f.2 untouched by core: its file read back, unmounted cleanly"
poweroff -f
