#!/bin/busybox sh
# /init of scenario host_nic: an ordinary Linux userland (Debian's busybox-static)
# boots with Linux's own e1000e, then runs core --host as a daemon twice (ends
# normally; SIGKILL + core --restore) and checks the refusals. Every result is a
# "host_nic: " line on the console for the scenario's patterns; "host_nic: FAIL"
# fails it.
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /run /mnt/data
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules.list); do insmod "$m" || echo "host_nic: FAIL: insmod $m"; done
NIC=/sys/bus/pci/devices/0000:00:02.0
STATE=/run/mkx-host.state
fail() { echo "host_nic: FAIL: $*"; poweroff -f; }
bindings() { for d in /sys/bus/pci/devices/*; do echo "${d##*/} $(readlink "$d/driver") $(cat "$d/driver_override")"; done; }
# linux_nic ROUND: Linux's e1000e bound, eth0 up with carrier, and a ping through it
linux_nic() {
	drv=$(readlink $NIC/driver); drv=${drv##*/}
	[ "$drv" = e1000e ] || fail "$1: 00:02.0 is bound to '$drv', not e1000e"
	i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 2>/dev/null
	i=0; while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	ping -c 1 -W 5 10.0.2.2 > /tmp/ping 2>&1 || { cat /tmp/ping; fail "$1: Linux's e1000e cannot ping 10.0.2.2"; }
	echo "host_nic: $1: Linux's e1000e bound, eth0 up (carrier $(cat /sys/class/net/eth0/carrier)), ping 10.0.2.2 answered"
}
linux_nic boot
{ bindings; echo "nr_hugepages $(cat /proc/sys/vm/nr_hugepages)"; } > /tmp/b0

mke2fs -q /dev/vda && mount -t ext2 /dev/vda /mnt/data || fail "cannot mount /dev/vda on /mnt/data"
echo "host_nic: /dev/vda (00:03.0) mounted on /mnt/data"
{ bindings; echo "nr_hugepages $(cat /proc/sys/vm/nr_hugepages)"; } > /tmp/b1
/bin/core --host /bin/host_nic_refuse.xml --dry-run --state $STATE; echo "host_nic: dry-run exit $?"
/bin/core --host /bin/host_nic_refuse.xml --state $STATE; echo "host_nic: refuse run exit $?"
{ bindings; echo "nr_hugepages $(cat /proc/sys/vm/nr_hugepages)"; } > /tmp/b2
if cmp -s /tmp/b1 /tmp/b2 && [ ! -e $STATE ]; then
	echo "host_nic: bindings unchanged after the refusals ($(($(wc -l < /tmp/b1) - 1)) functions and nr_hugepages compared)"
else
	diff /tmp/b1 /tmp/b2; fail "bindings changed or state file left by a refused core --host"
fi
umount /mnt/data

# Round 1: core ends by itself (nic_client finish="yes") and gives the NIC back.
ip link set eth0 down
/bin/core --host /config.xml --state $STATE; rc=$?; echo "host_nic: round 1: core exit $rc"
[ $rc = 0 ] || fail "round 1: core exited with $rc"
[ -e $STATE ] && fail "round 1: state file left after a normal end"
linux_nic "round 1"

# Round 2: SIGKILL while our driver holds the NIC, then core --restore.
ip link set eth0 down
/bin/core --host /bin/host_nic_kill.xml --state $STATE > /tmp/k.log 2>&1 &
pid=$!
i=0; while ! grep -q "sent 64 pattern frames" /tmp/k.log && kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL $pid || { cat /tmp/k.log; fail "round 2: core ended before it was killed"; }; wait $pid 2>/dev/null
cat /tmp/k.log
drv=$(readlink $NIC/driver)
echo "host_nic: round 2: core killed with SIGKILL; 00:02.0 bound to '${drv##*/}', state file: $(tail -n 1 $STATE)"
sleep 0.5	# the children see their parent gone (pdeathsig) and end
/bin/core --restore $STATE; echo "host_nic: round 2: core --restore exit $?"
linux_nic "round 2"
{ bindings; echo "nr_hugepages $(cat /proc/sys/vm/nr_hugepages)"; } > /tmp/b3
if cmp -s /tmp/b0 /tmp/b3; then
	echo "host_nic: bindings and nr_hugepages as at boot after both rounds"
else
	diff /tmp/b0 /tmp/b3; fail "bindings differ from boot after both rounds"
fi
echo "host_nic: done"
poweroff -f
