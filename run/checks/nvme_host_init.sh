#!/bin/busybox sh
# /init of scenario nvme_host: an ordinary Linux userland (Debian's busybox-static) boots
# with Linux's own nvme driver, which writes 1 MiB of text to namespace 2 (O_DIRECT); then
# core --host takes the controller from Linux and our nvme driver reads the same blocks
# back through a Block session (block_tester mode="expect_text"); core gives the controller
# back and Linux reads its 1 MiB again. Every result is a "nvme_host: " line on the
# console for the scenario's patterns; "nvme_host: FAIL" fails it.
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /run
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules.list); do insmod "$m" || echo "nvme_host: FAIL: insmod $m"; done
DEV=/sys/bus/pci/devices/0000:00:04.0
fail() { echo "nvme_host: FAIL: $*"; poweroff -f; }
wait_ns() { i=0; while [ ! -b /dev/nvme0n2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
wait_ns
[ -b /dev/nvme0n2 ] || fail "Linux's nvme driver gave no /dev/nvme0n2"
drv=$(readlink $DEV/driver)
echo "nvme_host: 00:04.0 bound to Linux's ${drv##*/}, /dev/nvme0n2 there"
yes "mkx: written by Linux's nvme driver" | head -c 1048576 > /tmp/linux.bin
dd if=/tmp/linux.bin of=/dev/nvme0n2 bs=65536 seek=16 oflag=direct 2>/tmp/dd.log || { cat /tmp/dd.log; fail "dd to /dev/nvme0n2"; }
echo "nvme_host: Linux wrote 1048576 bytes at block 2048 of namespace 2 (O_DIRECT), md5 $(md5sum < /tmp/linux.bin | cut -d' ' -f1)"
/bin/core --host /config.xml; rc=$?
echo "nvme_host: core --host exit $rc"
drv=$(readlink $DEV/driver)
[ "${drv##*/}" = nvme ] || fail "00:04.0 is bound to '${drv##*/}' after core, not nvme"
wait_ns
dd if=/dev/nvme0n2 of=/tmp/back.bin bs=65536 skip=16 count=16 iflag=direct 2>/dev/null || fail "Linux cannot read /dev/nvme0n2 after core"
cmp -s /tmp/linux.bin /tmp/back.bin || fail "Linux reads something else back after core"
echo "nvme_host: given back: 00:04.0 bound to nvme again, Linux reads its 1048576 bytes back unchanged"
poweroff -f
