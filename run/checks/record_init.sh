#!/bin/busybox sh
# rdinit of the record scenarios (run/scenarios/record_*.scn): before core, record the machine
# with tools/record-machine as a user would (root, busybox, lspci in the image), once with
# lspci and once with its sysfs fallback (--no-lspci), and send both records to the host on
# the console as a base64 tarball between "MKX-RECORD-BEGIN <md5>" and "MKX-RECORD-END"
# (run/checks/record_replay.py takes it apart). Then exec core as /init: the acpi component
# and the platform driver of the same boot log their views, which the host check compares
# with the record's replay. "record: FAIL" lines fail the scenario.
/bin/busybox mkdir -p /rbin /proc /sys /dev /tmp /record
/bin/busybox --install -s /rbin
export PATH=/bin:/rbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
sh /bin/record-machine -o /record/lspci || echo "record: FAIL: record-machine (lspci) exit $?"
MKX_RECORD_LSPCI=none sh /bin/record-machine -o /record/sysfs || echo "record: FAIL: record-machine --no-lspci exit $?"
tar -C /record -czf /tmp/record.tar.gz lspci sysfs || echo "record: FAIL: tar"
# The kernel's messages would land inside the base64 lines: only emergencies while it is sent.
level=$(cut -f1 /proc/sys/kernel/printk)
echo 1 > /proc/sys/kernel/printk
echo "MKX-RECORD-BEGIN $(md5sum < /tmp/record.tar.gz | cut -d' ' -f1) $(wc -c < /tmp/record.tar.gz)"
base64 < /tmp/record.tar.gz
echo "MKX-RECORD-END"
echo "$level" > /proc/sys/kernel/printk
umount /dev /sys /proc
exec /init
