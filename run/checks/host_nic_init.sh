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
# Attacks on core --restore (issue 22 finding 3): each refused, nothing changed.
mount -t ext2 /dev/vda /mnt/data || fail "cannot mount /dev/vda again"
snap() { { bindings; echo "nr_hugepages $(cat /proc/sys/vm/nr_hugepages)"; } > "$1"; }
same() { snap /tmp/a2; cmp -s "$1" /tmp/a2 || { diff "$1" /tmp/a2; fail "$2: bindings or nr_hugepages changed"; }; }
snap /tmp/a1
FORGED='mkx-host-state 1
nr_hugepages 999999999
0000:00:01.0 driver=- override=x
0000:00:03.0 driver=- override=x'
printf '%s\n' "$FORGED" > /run/forged.state; chmod 600 /run/forged.state; chown 1000:1000 /run/forged.state
timeout -s KILL 20 /bin/core --restore /run/forged.state > /tmp/r.log 2>&1; rc=$?; cat /tmp/r.log
grep -q "owned by another user, not by core's; nothing was changed (owner uid 1000)" /tmp/r.log && [ $rc = 1 ] ||
	fail "attack forged: a state file owned by uid 1000 was not refused (exit $rc)"
same /tmp/a1 "attack forged"
echo "host_nic: attack forged: a state file owned by uid 1000 refused (exit $rc), bindings and nr_hugepages unchanged"
# Root-owned and 0600, as if root had been fooled into writing it; the boot display and the mounted
# disk's controller carry override "mkx": only restore's own refusals keep them.
echo mkx > /sys/bus/pci/devices/0000:00:01.0/driver_override; echo mkx > /sys/bus/pci/devices/0000:00:03.0/driver_override
snap /tmp/a1
printf 'mkx-host-state 1\nnr_hugepages 500\n0000:00:01.0 driver=- override=-\n0000:00:03.0 driver=evil override=-\n' > /run/forged.state
chown 0:0 /run/forged.state; chmod 600 /run/forged.state
timeout -s KILL 20 /bin/core --restore /run/forged.state > /tmp/r.log 2>&1; rc=$?; cat /tmp/r.log
grep -q "restore skips 0000:00:01.0 .*is the boot display" /tmp/r.log && grep -q "restore skips 0000:00:03.0 .*holds a mounted filesystem: /mnt/data" /tmp/r.log &&
	grep -q "restore skips vm.nr_hugepages 500" /tmp/r.log && [ $rc = 1 ] || fail "attack values: restore did not skip the display, the mounted disk and nr_hugepages (exit $rc)"
same /tmp/a1 "attack values"
echo "host_nic: attack values: restore skipped the boot display, the mounted disk's controller and nr_hugepages 500 (exit $rc), nothing changed"
echo > /sys/bus/pci/devices/0000:00:01.0/driver_override; echo > /sys/bus/pci/devices/0000:00:03.0/driver_override
rm -f /run/forged.state
snap /tmp/a1
mkfifo -m 600 /run/fifo.state
timeout -s KILL 20 /bin/core --restore /run/fifo.state > /tmp/r.log 2>&1; rc=$?; cat /tmp/r.log
grep -q "not a regular file" /tmp/r.log && [ $rc = 1 ] || fail "attack fifo: core --restore on a FIFO: exit $rc (137: it hung)"
same /tmp/a1 "attack fifo"
echo "host_nic: attack fifo: refused at once (exit $rc)"
rm -f /run/fifo.state
echo precious > /run/victim
timeout -s KILL 60 sh -c 'ln -s /run/victim /run/mkx-host.state.$$.tmp; exec /bin/core --host /config.xml --state /run/mkx-host.state' > /tmp/r.log 2>&1; rc=$?; cat /tmp/r.log
[ "$(cat /run/victim)" = precious ] && [ ! -e $STATE ] && [ $rc = 1 ] && grep -q "not written through" /tmp/r.log ||
	fail "attack symlink: core --host wrote through a link at its temporary file (victim: $(cat /run/victim); exit $rc)"
same /tmp/a1 "attack symlink"
rm -f /run/mkx-host.state.*.tmp
chmod 1777 /tmp
/bin/core --host /config.xml --state /tmp/mkx-host.state > /tmp/r.log 2>&1; rc=$?; cat /tmp/r.log
[ $rc = 3 ] && [ ! -e /tmp/mkx-host.state ] && grep -q "directory /tmp is writable by group or others" /tmp/r.log ||
	fail "attack symlink: core --host accepted a state file in /tmp (exit $rc)"
same /tmp/a1 "attack symlink"
echo "host_nic: attack symlink: a link at the temporary state file refused, the target unchanged; a state file in /tmp refused (exit $rc)"
umount /mnt/data

# Leftovers (issue 22 finding 4): a SIGKILLed core's child forked; the next core kills the forks.
alive() { s=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ]; }
/bin/core --config /bin/host_nic_leftover.xml --bin-dir /bin > /tmp/l.log 2>&1 &
pid=$!
i=0; while ! grep -q "outlive me" /tmp/l.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL $pid; wait $pid 2>/dev/null
cat /tmp/l.log
left=$(sed -n 's/.*outlive me: \([0-9 ]*\) (uid.*/\1/p' /tmp/l.log)
sleep 0.5
n=0; for p in $left; do alive $p && n=$((n + 1)); done
[ $n = 2 ] || fail "leftovers: inconclusive: $n of 2 forks alive after the SIGKILL ('$left')"
echo "host_nic: leftovers: core SIGKILLed, $n processes its child forked still run (pids $left)"
/bin/core --config /bin/host_nic_leftover_next.xml --bin-dir /bin > /tmp/l.log 2>&1; rc=$?; cat /tmp/l.log
sleep 0.2
m=0; for p in $left; do alive $p && m=$((m + 1)); done
grep -q "leftover: 0 other processes with my uid" /tmp/l.log || fail "leftovers: the next core's child shared its uid with a dead core's leftovers"
[ $m = 0 ] && [ $rc = 0 ] || fail "leftovers: $m of 2 still alive after the next core ended (exit $rc)"
echo "host_nic: leftovers: the next core killed all $n before starting its child (exit $rc)"
echo "host_nic: done"
poweroff -f
