#!/bin/busybox sh
# rdinit of the record scenarios and the survey: before core, record the machine with
# tools/record-machine as a user would (root, busybox, lspci in the image), then exec core as
# /init, whose acpi component and platform driver log the live views of the same boot.
# Where the record goes, from the kernel command line (record_to=..., which the kernel hands
# to init as an environment variable):
#   console (default; run/scenarios/record_*.scn): recorded twice, with lspci and with
#     record-machine's sysfs fallback (--no-lspci), and both sent on the console as a base64
#     tarball between "MKX-RECORD-BEGIN <md5> <bytes>" and "MKX-RECORD-END"
#     (run/checks/record_replay.py takes it apart).
#   stick (the survey, run/scenarios/survey*.scn and `make usb`): recorded once, stored as
#     record.tgz on the USB stick's results partition (FAT, LABEL=MKXRESULTS), which is
#     unmounted again before core mounts it for its reports.
# "record: FAIL" lines fail the scenarios; a survey without a results partition says
# "record: not stored" and goes on (core then says the same about its reports).
/bin/busybox mkdir -p /rbin /proc /sys /dev /tmp /record
/bin/busybox --install -s /rbin
export PATH=/bin:/rbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "$*"; [ "${record_to:-console}" = stick ] && echo "$*" > /dev/tty0 2>/dev/null; }

to_console() {
	sh /bin/record-machine -o /record/lspci || say "record: FAIL: record-machine (lspci) exit $?"
	MKX_RECORD_LSPCI=none sh /bin/record-machine -o /record/sysfs || say "record: FAIL: record-machine --no-lspci exit $?"
	tar -C /record -czf /tmp/record.tar.gz lspci sysfs || say "record: FAIL: tar"
	# The kernel's messages would land inside the base64 lines: only emergencies while it is sent.
	level=$(cut -f1 /proc/sys/kernel/printk)
	echo 1 > /proc/sys/kernel/printk
	echo "MKX-RECORD-BEGIN $(md5sum < /tmp/record.tar.gz | cut -d' ' -f1) $(wc -c < /tmp/record.tar.gz)"
	base64 < /tmp/record.tar.gz
	echo "MKX-RECORD-END"
	echo "$level" > /proc/sys/kernel/printk
}

# The stick's results partition: the USB modules first (core loads them again: EEXIST is fine).
to_stick() {
	while read -r m; do [ -n "$m" ] && insmod "$m" 2>/dev/null; done < /modules.list
	# On a machine nobody has seen: never let the record keep the survey from starting.
	timeout 120 sh /bin/record-machine -o /record/record --tar || { say "record: FAIL: record-machine exit $? (143: timed out after 120 s)"; return; }
	i=0 dev=
	while [ $i -lt 50 ] && ! dev=$(findfs LABEL=MKXRESULTS 2>/dev/null); do sleep 0.2; i=$((i + 1)); done
	if [ -z "$dev" ]; then
		say "record: not stored: no volume LABEL=MKXRESULTS appeared within 10 s"
		return
	fi
	mkdir -p /mnt/results
	if ! mount -t vfat "$dev" /mnt/results; then
		say "record: not stored: cannot mount $dev (LABEL=MKXRESULTS) as vfat"
		return
	fi
	# Written next to its name and renamed, as core stores its reports: a pulled stick has it whole or not at all.
	if cp /record/record.tar.gz /mnt/results/record.tgz.tmp && mv /mnt/results/record.tgz.tmp /mnt/results/record.tgz && sync; then
		say "record: stored on $dev (LABEL=MKXRESULTS) as record.tgz ($(wc -c < /mnt/results/record.tgz) bytes)"
	else
		say "record: FAIL: could not write record.tgz on $dev"
	fi
	umount /mnt/results
}

if [ "${record_to:-console}" = stick ]; then to_stick; else to_console; fi
umount /dev /sys /proc
exec /init
