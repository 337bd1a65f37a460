#!/bin/sh
# Attacks on core --restore and on what a dead core leaves behind (issue 22
# findings 3 and 4; docs/host-mode.md), on a simulated sysfs/procfs tree
# (--root) as tests/integration/host_mode_test.sh. Each attack changed the
# tree (or hung, or left processes running) at 72a1639; each must now be
# refused with nothing changed, or clean up. Tests that need root (a file of
# another user, processes of other uids) say "skip" without it.
set -u
B=${B:-build/out}
T=$(mktemp -d)
bg=
trap 'for p in $bg; do kill -KILL $p 2>/dev/null; done; rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -20; }
skip() { echo "skip - $1: $2"; }
has() { grep -qF -- "$1" "$T/out"; }
root() { [ "$(id -u)" = 0 ]; }
# alive PID: a process, not a zombie
alive() { s=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]; }
R=$T/root
SD=$T/run	# the state directory: core's user's, 0700
S=$SD/mkx-host.state
DEV=$R/sys/devices/pci0000:00

# fn NAME VENDOR DEVICE CLASS [DRIVER]: one PCI function in the fake sysfs, bus master on
fn() {
	d=$DEV/$1
	mkdir -p "$d" "$R/sys/bus/pci/devices" "$R/sys/bus/pci/drivers"
	echo "$2" > "$d/vendor"; echo "$3" > "$d/device"; echo "$4" > "$d/class"
	: > "$d/driver_override"	# empty: the fake tree's writes do not truncate as sysfs would
	printf '\007\005\020\000\007\005\020\000' > "$d/config"
	head -c 4096 /dev/zero > "$d/resource0"	# a BAR file, to map
	ln -s "../../../devices/pci0000:00/$1" "$R/sys/bus/pci/devices/$1"
	if [ -n "${5:-}" ]; then
		mkdir -p "$R/sys/bus/pci/drivers/$5"
		: > "$R/sys/bus/pci/drivers/$5/bind"; : > "$R/sys/bus/pci/drivers/$5/unbind"
		ln -s "../../../bus/pci/drivers/$5" "$d/driver"
	fi
}
# tree: the boot display (bochs-drm), a NIC (e1000e), an unbound function
# core holds (override mkx, as a killed core leaves it), and the AHCI
# controller of the mounted /mnt/data; nr_hugepages 0. A fresh one each time.
tree() {
	rm -rf "$R" "$SD"; mkdir -p "$SD"; chmod 700 "$SD"
	fn 0000:00:01.0 0x1234 0x1111 0x030000 bochs-drm
	echo 1 > "$DEV/0000:00:01.0/boot_vga"
	fn 0000:00:02.0 0x8086 0x10d3 0x020000 e1000e
	fn 0000:00:03.0 0x1234 0x11e8 0x00ff00
	echo mkx > "$DEV/0000:00:03.0/driver_override"
	fn 0000:00:1f.2 0x8086 0x2922 0x010601 ahci
	mkdir -p "$DEV/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1" "$R/sys/dev/block" "$R/proc/self" "$R/proc/sys/vm"
	ln -s ../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1 "$R/sys/dev/block/8:1"
	echo 0 > "$R/proc/sys/vm/nr_hugepages"
	printf '22 1 0:21 / /proc rw - proc proc rw\n31 1 8:1 / /mnt/data rw - ext2 /dev/sda1 rw\n' > "$R/proc/self/mountinfo"
	(cd "$R" && find . -printf '%p %l\n' | sort && find . -type f | sort | xargs md5sum) > "$T/before"
}
unchanged() { (cd "$R" && find . -printf '%p %l\n' | sort && find . -type f | sort | xargs md5sum) > "$T/after"; cmp -s "$T/before" "$T/after"; }
# The state file an attacker would write: unbind the boot display and the
# root disk's controller, a junk override, nr_hugepages 999999999.
FORGED='mkx-host-state 1
nr_hugepages 999999999
0000:00:01.0 driver=- override=x
0000:00:1f.2 driver=- override=x'
core() { timeout -s KILL 20 "$B/bin/core" --root "$R" --bin-dir "$B/bin" "$@" > "$T/out" 2>&1; rc=$?; }
# mapper FILE [SETPRIV-ARGS]: a process that maps FILE (opened here, as fd 3) and sleeps; its pid in $mp,
# and $T/mapped not empty once it maps (written through fd 4: another uid may not open it)
mapper() {
	f=$1; shift
	: > "$T/mapped"
	( exec 3<>"$f" 4>"$T/mapped"; exec ${1+"$@"} /usr/bin/python3 -c 'import mmap, os, time
m = mmap.mmap(3, 4096); os.close(3); os.write(4, b"1"); os.close(4); time.sleep(120)' ) &
	mp=$!; bg="$bg $mp"
	for i in $(seq 100); do [ -s "$T/mapped" ] && break; sleep 0.05; done
}

t=restore_refuses_a_state_file_owned_by_a_user
if root; then
	tree; printf '%s\n' "$FORGED" > "$S"; chmod 600 "$S"; chown 65534:65534 "$S"
	core --restore "$S"
	if [ $rc = 1 ] && has "owned by another user" && has "(owner uid 65534)" && unchanged && [ -e "$S" ]; then
		pass $t
	else
		fail $t "rc $rc (want 1), no refusal naming the owner, or the tree changed"
	fi
else
	skip $t "needs root (a file owned by another user)"
fi

t=restore_refuses_a_fifo_without_hanging
tree; mkfifo -m 600 "$S"
core --restore "$S"
if [ $rc = 1 ] && has "not a regular file" && unchanged; then
	pass $t
else
	fail $t "rc $rc (want 1; 137: it hung and was killed after 20 s), or no refusal"
fi

t=restore_refuses_a_symbolic_link
tree; printf '%s\n' "$FORGED" > "$T/elsewhere"; chmod 600 "$T/elsewhere"; ln -s "$T/elsewhere" "$S"
core --restore "$S"
if [ $rc = 1 ] && has "a symbolic link (not followed)" && unchanged; then
	pass $t
else
	fail $t "rc $rc (want 1), no refusal, or the tree changed"
fi

t=restore_refuses_a_directory_others_may_write
tree; printf '%s\n' "$FORGED" > "$S"; chmod 600 "$S"; chmod 1777 "$SD"
core --restore "$S"
if [ $rc = 1 ] && has "directory $SD is writable by group or others" && unchanged; then
	pass $t
else
	fail $t "rc $rc (want 1), no refusal, or the tree changed"
fi

t=restore_refuses_a_file_others_may_write
tree; printf '%s\n' "$FORGED" > "$S"; chmod 666 "$S"
core --restore "$S"
if [ $rc = 1 ] && has "its mode is not 0600" && unchanged; then
	pass $t
else
	fail $t "rc $rc (want 1), no refusal, or the tree changed"
fi

t=restore_refuses_an_absurd_nr_hugepages
tree; printf 'mkx-host-state 1\nnr_hugepages 999999999\n' > "$S"; chmod 600 "$S"
core --restore "$S"
if [ $rc = 1 ] && has "malformed nr_hugepages" && [ "$(cat "$R/proc/sys/vm/nr_hugepages")" = 0 ] && unchanged; then
	pass $t
else
	fail $t "rc $rc (want 1), nr_hugepages now $(cat "$R/proc/sys/vm/nr_hugepages") (want 0), or no refusal"
fi

# A state file of the right owner and mode (root could have been fooled into
# writing it): every value is checked against the host. The boot display
# and the mounted disk's controller carry override "mkx" here, so only the
# refusals keep them; a function with a driver this host lacks; a function
# core does not hold; one that does not exist; nr_hugepages above today's.
t=restore_checks_every_value_against_the_host
tree
echo mkx > "$DEV/0000:00:01.0/driver_override"; echo mkx > "$DEV/0000:00:1f.2/driver_override"
(cd "$R" && find . -printf '%p %l\n' | sort && find . -type f | sort | xargs md5sum) > "$T/before"
printf 'mkx-host-state 1\nnr_hugepages 500\n0000:00:01.0 driver=bochs-drm override=-\n0000:00:1f.2 driver=ahci override=-\n0000:00:03.0 driver=evil override=-\n0000:00:02.0 driver=e1000e override=-\n0000:00:09.0 driver=e1000e override=-\n' > "$S"; chmod 600 "$S"
core --restore "$S"
if [ $rc = 1 ] && unchanged && [ -e "$S" ] &&
   has "restore skips 0000:00:01.0 (1234:1111, class 030000, Linux driver bochs-drm): is the boot display (boot_vga 1): Linux's console is on it; not unbound" &&
   has "restore skips 0000:00:1f.2 (8086:2922, class 010601, Linux driver ahci): holds a mounted filesystem: /mnt/data (from /dev/sda1); not unbound" &&
   has "restore skips 0000:00:03.0 (1234:11e8, class 00ff00, Linux driver evil): its driver \"evil\" is not on this host" &&
   has "restore skips 0000:00:02.0: bound to e1000e, driver_override not \"mkx\": core does not hold it; left alone" &&
   has "restore skips 0000:00:09.0: no such PCI function on this host; left alone" &&
   has "restore skips vm.nr_hugepages 500: above today's; restoring only lowers it back" &&
   has "state kept in $S"; then
	pass $t
else
	fail $t "rc $rc (want 1), a skip not said, the state file gone, or the tree changed"
fi

# The temporary state file's name is known (name.PID.tmp): a link planted
# there made root write through it. core must refuse, the target unchanged.
t=host_never_writes_through_a_link_planted_at_the_temp_path
tree; rm -f "$DEV/0000:00:03.0/driver_override"; : > "$DEV/0000:00:03.0/driver_override"
echo "precious" > "$T/victim"
printf '<config>\n<io_mem backend="sim"><policy label="x" pci="00:03.0" bar="0"/></io_mem>\n<default-route> <any-service> <parent/> </any-service> </default-route>\n<start name="hello_client" finish="yes"/>\n</config>\n' > "$T/one.xml"
timeout -s KILL 20 sh -c 'ln -s "$1" "$2.$$.tmp"; exec "$3/bin/core" --host "$4" --root "$5" --state "$2" --bin-dir "$3/bin"' \
    sh "$T/victim" "$S" "$B" "$T/one.xml" "$R" > "$T/out" 2>&1; rc=$?
if [ $rc = 1 ] && [ "$(cat "$T/victim")" = precious ] && has "(something was put there: not written through)" &&
   [ ! -e "$S" ] && [ "$(cat "$DEV/0000:00:03.0/driver_override")" = "" ]; then
	pass $t
else
	fail $t "rc $rc (want 1), victim now '$(cat "$T/victim")', or core went on"
fi

t=host_refuses_a_state_directory_others_may_write
tree; : > "$DEV/0000:00:03.0/driver_override"; chmod 777 "$SD"
(cd "$R" && find . -printf '%p %l\n' | sort && find . -type f | sort | xargs md5sum) > "$T/before"
core --host "$T/one.xml" --state "$S"
if [ $rc = 3 ] && has "directory $SD is writable by group or others" && [ ! -e "$S" ] && ! has hello_client && unchanged; then
	pass $t
else
	fail $t "rc $rc (want 3), no refusal, a state file written or the tree changed"
fi

# A process (any uid: here the test's own) still maps the BAR file of a
# function core holds: restore must not hand it to Linux's driver.
t=restore_keeps_a_function_a_process_still_maps
tree; printf 'mkx-host-state 1\n0000:00:03.0 driver=- override=-\n' > "$S"; chmod 600 "$S"
mapper "$DEV/0000:00:03.0/resource0"
core --restore "$S"
kill -KILL $mp 2>/dev/null; wait $mp 2>/dev/null
if [ -s "$T/mapped" ] && [ $rc = 1 ] && has "host: 0000:00:03.0 (1234:11e8, class 00ff00, Linux driver none) NOT given back: still held by pid $mp" &&
   has "a mapping of $DEV/0000:00:03.0/resource0" && [ -e "$S" ] && [ "$(head -c3 "$DEV/0000:00:03.0/driver_override")" = mkx ]; then
	pass $t
else
	fail $t "mapping set up: $(cat "$T/mapped"); rc $rc (want 1), given back although mapped, or the state file gone"
fi

# What a killed core's child forked runs on with a uid of the dead core's
# range (its lock is free): restore kills it before giving anything back.
t=restore_kills_what_a_dead_core_left
if root; then
	tree; printf 'mkx-host-state 1\n0000:00:03.0 driver=- override=-\n' > "$S"; chmod 600 "$S"
	U=$((0x6d6b0000 + 1000 * 64 + 3))	# range 1000: free unless 1000 cores run
	mapper "$DEV/0000:00:03.0/resource0" setpriv --reuid=$U --regid=$U --clear-groups
	up=no; alive $mp && [ -s "$T/mapped" ] && up=yes
	core --restore "$S"
	sleep 0.2
	if [ $up = yes ] && ! alive $mp && [ $rc = 0 ] && has "host: restore: killed 1 processes a dead core left behind" &&
	   has "host: 0000:00:03.0 (1234:11e8, class 00ff00, Linux driver none) given back" && [ ! -e "$S" ]; then
		pass $t
	else
		alive $mp && st=alive || st=gone
		fail $t "leftover set up: $up; now $st (want gone); rc $rc (want 0)"
	fi
	kill -KILL $mp 2>/dev/null
else
	skip $t "needs root (a process of another uid)"
fi

# A core SIGKILLed while its child's forks run (sessions of their own, no
# parent-death signal): the next core to claim that uid range kills them
# before any of its children gets one of those uids.
t=next_core_kills_what_a_sigkilled_core_left
if root; then
	"$B/bin/core" --config tests/integration/leftover.xml --bin-dir "$B/bin" > "$T/k.log" 2>&1 &
	k=$!; bg="$bg $k"
	for i in $(seq 300); do grep -q "outlive me" "$T/k.log" && break; sleep 0.1; done	# 30 s: a loaded machine
	kill -KILL $k; wait $k 2>/dev/null
	left=$(sed -n 's/.*outlive me: \([0-9 ]*\) (uid \([0-9]*\)).*/\1/p' "$T/k.log")
	uid=$(sed -n 's/.*outlive me: [0-9 ]* (uid \([0-9]*\)).*/\1/p' "$T/k.log")
	bg="$bg $left"
	sleep 0.3
	n=0; for p in $left; do alive $p && n=$((n + 1)); done
	timeout -s KILL 20 "$B/bin/core" --config tests/integration/leftover_next.xml --bin-dir "$B/bin" > "$T/out" 2>&1; rc=$?
	sleep 0.2
	m=0; for p in $left; do alive $p && m=$((m + 1)); done
	range=$(( (uid - 0x6d6b0000) / 64 ))
	if [ "$n" = 2 ] && [ $m = 0 ] && [ $rc = 0 ] && has "uid range $range (uids" && has "killed 2 processes a dead core left behind" &&
	   has "leftover: 0 other processes with my uid"; then
		pass $t
	elif [ "$n" != 2 ]; then
		cp "$T/k.log" "$T/out"
		fail $t "inconclusive: $n of 2 leftovers alive after the SIGKILL (pids '$left')"
	else
		fail $t "$m of 2 leftovers (uid $uid, range $range) still alive after the next core ended (rc $rc), or its child saw processes of its uid at start"
	fi
else
	skip $t "needs root (children of their own uids)"
fi
