#!/bin/sh
# Issue 28: "Hostile Genode components are held by core like any other (a
# Genode component is an unprivileged mkx child with its own uid)". Genode's
# own pci_decode (build/genode/pci_decode, `make genode`) is started by core
# (as root, sim backends) beside an mkx child; while it runs, its credentials
# are read from /proc and the kernel is asked, with exactly those
# credentials (setpriv), to open what a hostile driver would want: /dev/mem
# (a stand-in node with the kernel's numbers where the host has none), a PCI
# function's config space for writing and its BAR files. As an ordinary user
# core drops nothing, so the test needs root. Last, pci_decode is fed an ACPI
# report naming the MCFG window and asks core for ECAM with a <pci_config>
# grant of one function: core must refuse the window (it reaches every
# function); with pci="all" (the control) the policy lets it through (the sim
# backend then has no live memory to map, a different refusal).
set -u
B=${B:-build/out}
G=${GENODE_B:-build/genode}
T=$(mktemp -d)
echo "plan 5"
tests="genode_held_own_uid genode_held_no_capabilities genode_held_no_device_files genode_held_holds_no_device_fd genode_held_ecam_beyond_grant_refused"
skip() { for t in $tests; do echo "skip - $t: $1"; done; rm -rf "$T"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (an unprivileged core has nothing to drop)"
[ -x "$G/pci_decode" ] || skip "no $G/pci_decode (make genode)"
chmod 755 "$T"; mkdir -m 755 "$T/bin" "$T/dev"
ln -s "$(readlink -f "$G/pci_decode")" "$T/bin/pci_decode"
ln -s "$(readlink -f "$B/bin/hello_server")" "$T/bin/hello_server"
ln -s "$(readlink -f "$B/bin/nested_configurator")" "$T/bin/nested_configurator"
printf '<system>\n<bdf start="0" count="256" base="0xb0000000" segment="0"/>\n</system>\n' > "$T/bin/system.xml"
mknod -m 600 "$T/dev/mem" c 1 1
cat > "$T/g.xml" <<XML
<config>
  <io_mem backend="sim"> <policy label="pci_decode" ecam="yes"/> </io_mem>
  <pci_config> <policy label="pci_decode" pci="00:02.0" access="write"/> </pci_config>
  <report_rom> <policy label="pci_decode -> system" report="acpi -> acpi"/> </report_rom>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="pci_decode" ${PRIVILEGED:-}> <resource name="RAM" quantum="32M"/> </start>
  <start name="hello_server"> <provides> <service name="Hello"/> </provides> </start>
</config>
XML
"$B/bin/core" --config "$T/g.xml" --bin-dir "$T/bin" > "$T/out" 2>&1 &
core=$!
trap 'kill $core 2>/dev/null; wait $core 2>/dev/null; rm -rf "$T"' EXIT
# The children of this core by their binary (core execs the file the symlink names).
pid_of() {
	for p in $(cat /proc/$core/task/*/children 2>/dev/null); do
		[ "$(readlink /proc/$p/exe 2>/dev/null)" = "$(readlink -f "$T/bin/$1")" ] && { echo $p; return 0; }
	done
	return 1
}
for i in $(seq 100); do
	gp=$(pid_of pci_decode) && hp=$(pid_of hello_server) && grep -q 'announced "Hello"' "$T/out" && break
	sleep 0.1
done
st() { sed -n "s/^$2:[[:space:]]*//p" /proc/$1/status; }
if [ -z "${gp:-}" ] || [ -z "${hp:-}" ]; then
	for t in $tests; do echo "FAIL - $t: pci_decode or hello_server not running under core (inconclusive)"; done
	sed 's/^/    /' "$T/out" | tail -20
	exit 1
fi
uids=$(st $gp Uid); gids=$(st $gp Gid); uid=${uids%%[[:space:]]*}; gid=${gids%%[[:space:]]*}
t=genode_held_own_uid
other=$(st $hp Uid); other=${other%%[[:space:]]*}
if [ "$uid" != 0 ] && [ "$uid" != "$other" ] && [ "$(echo $uids | tr ' ' '\n' | sort -u | wc -l)" = 1 ] &&
   [ "$(echo $gids | tr ' ' '\n' | sort -u | wc -l)" = 1 ] && [ -z "$(st $gp Groups)" ]; then
	echo "ok - $t (uid $uid, gid $gid, no groups; hello_server: uid $other)"
else echo "FAIL - $t: Uid '$uids' Gid '$gids' Groups '$(st $gp Groups)' (hello_server's uid $other)"; fi
t=genode_held_no_capabilities
caps=$(for c in CapInh CapPrm CapEff CapBnd CapAmb; do st $gp $c; done | sort -u)
if [ "$caps" = 0000000000000000 ] && [ "$(st $gp NoNewPrivs)" = 1 ]; then echo "ok - $t (all five sets empty, no_new_privs)"
else echo "FAIL - $t: capability sets '$(echo $caps)' NoNewPrivs $(st $gp NoNewPrivs)"; fi
# Open PATH FLAGS with pci_decode's credentials: the kernel's answer (ok or the errno's name).
try() {
	setpriv --reuid="$uid" --regid="$gid" --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
	    /usr/bin/python3 -c 'import os, sys, errno
try: os.close(os.open(sys.argv[1], int(sys.argv[2]))); print("opened")
except OSError as e: print(errno.errorcode[e.errno])' "$1" "$2"
}
t=genode_held_no_device_files
fn=$(ls -d /sys/bus/pci/devices/* 2>/dev/null | head -1)
bad=; odd=; tried=0
for f in "$T/dev/mem:2" "${fn:+$fn/config:1}" "${fn:+$fn/resource0:2}"; do
	[ -n "$f" ] && [ -e "${f%:*}" ] || continue
	tried=$((tried + 1))
	r=$(try "${f%:*}" "${f##*:}")
	case $r in EACCES|EPERM|EROFS) ;; opened) bad="$bad ${f%:*}: opened";; *) odd="$odd ${f%:*}: '$r'";; esac
done
if [ "$tried" -lt 2 ]; then echo "FAIL - $t: only $tried of the device files exist here (inconclusive)"
elif [ -n "$bad" ]; then echo "FAIL - $t: HOLE:$bad"
elif [ -n "$odd" ]; then echo "FAIL - $t: no refusal seen (inconclusive):$odd"
else echo "ok - $t ($tried files refused with its credentials: /dev/mem, a function's config for writing, a BAR file where there is one)"
fi
t=genode_held_holds_no_device_fd
fds=$(ls -l /proc/$gp/fd 2>/dev/null | grep -E '/dev/(mem|port)|/sys/|/proc/bus/pci' || true)
if [ -d /proc/$gp/fd ] && [ -z "$fds" ]; then echo "ok - $t ($(ls /proc/$gp/fd | wc -l) fds, none a device file)"
else echo "FAIL - $t: ${fds:-no /proc/$gp/fd}"; fi

# ECAM: a core of its own per grant; pci_decode reads its system ROM, asks for bus 0's ECAM page.
ecam_run() {	# ecam_run PCI: core's log in $T/ecam_$1 once pci_decode has got its answer (10 s at most)
	sed -e "s/PCISEL/$1/" > "$T/e.xml" <<XML
<config>
  <io_mem backend="sim"> <policy label="pci_decode" ecam="yes"/> </io_mem>
  <pci_config> <policy label="pci_decode" pci="PCISEL" access="write"/> </pci_config>
  <report_rom> <policy label="pci_decode -> system" report="sys -> acpi"/> </report_rom>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="sys"> <binary name="nested_configurator"/> <config report="acpi"> <step rom="system.xml"/> </config> </start>
  <start name="pci_decode"> <resource name="RAM" quantum="32M"/> </start>
</config>
XML
	"$B/bin/core" --config "$T/e.xml" --bin-dir "$T/bin" > "$T/ecam_$1" 2>&1 &
	e=$!
	for i in $(seq 100); do grep -q 'IO_MEM session "pci_decode"\|IO_MEM "pci_decode".*granted' "$T/ecam_$1" && break; sleep 0.1; done
	sleep 0.5; kill $e 2>/dev/null; wait $e 2>/dev/null
}
t=genode_held_ecam_beyond_grant_refused
ecam_run 00:02.0; ecam_run all
refusal='denied IO_MEM session "pci_decode": 0xb0000000-0xb00fffff is ECAM: it reaches the config space of every function'
# Past the policy means a HOLE even where the sim then has no memory to map (its next refusal).
if grep -q 'IO_MEM "pci_decode".*granted\|IO_MEM session "pci_decode": core has no live physical-memory' "$T/ecam_00:02.0"; then
	echo "FAIL - $t: HOLE: pci_decode's ECAM request passed core's policy with one function's <pci_config>"
	grep 'pci_decode' "$T/ecam_00:02.0" | head -5 | sed 's/^/    /'
elif ! grep -qF "$refusal" "$T/ecam_00:02.0"; then
	echo "FAIL - $t: no ECAM request of pci_decode seen, or another answer (inconclusive)"
	grep 'pci_decode\|sys' "$T/ecam_00:02.0" | head -8 | sed 's/^/    /'
elif grep -qF "$refusal" "$T/ecam_all" || ! grep -q 'IO_MEM session "pci_decode"\|IO_MEM "pci_decode".*granted' "$T/ecam_all"; then
	echo "FAIL - $t: the control (pci=\"all\") was refused by the ECAM policy too, or asked nothing (inconclusive)"
	grep 'pci_decode' "$T/ecam_all" | head -5 | sed 's/^/    /'
else
	echo "ok - $t (one function's grant: the MCFG window refused as ECAM; pci=\"all\": past the policy, '$(grep -o 'IO_MEM session "pci_decode": .*' "$T/ecam_all" | head -1 | cut -c30-90)...')"
fi
