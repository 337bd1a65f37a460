#!/bin/sh
# Host check of the nic_restart scenario's log ($MKX_LOG): the order of what
# happened to the NIC when its driver died: kill_child's SIGKILL to nic_a
# (mid-traffic: nic_client_a was flooding), then the platform driver's
# quiesce (bus master off, read back), its reset of the NIC (D3hot/D0 on
# QEMU's e1000e, the firmware's header written back and read back), then
# core's own read-back and the
# buffers freed, and only then nic_b's DMA session; core reports the crash
# (when it reaps the child, which may come after it dropped the child's
# sessions on their sockets' EOF);
# and nic_client_b's frames in the pcap (run/checks/nic_pcap.py).
# Line numbers of serial_log.sh's lines, matched anchored at their author's prefix.
. "$(dirname "$0")/serial_log.sh"
line() { line_of "$1"; }
crash=$(line '^\[init -> kill_child\] kill_child: "nic_a" \(pid [0-9]+\) has used [0-9]+ ms of CPU: SIGKILL now')
reaped=$(line '^\[init\] child "nic_a" crashed: killed by signal 9')
quiesced=$(line '^\[init -> platform\] 00:02\.0 released by "nic_a -> nic_e1000e" \(session closed: .*quiesced, command 0x[0-9a-f]+ \(bus master off')
reset=$(line '^\[init -> platform\] 00:02\.0 reset after "nic_a -> nic_e1000e": D3hot/D0 \(.*\), firmware.s config restored and verified')
off=$(line '^\[init\] DMA "platform": 00:02\.0: bus master off \(command register reads')
freed=$(line '^\[init\] DMA "platform": 00:02\.0: 1 buffer\(s\) of 2048 KiB unmapped and freed')
next=$(line '^\[init -> platform\] 00:02\.0: DMA session at core for "nic_b -> nic_e1000e"')
for v in "crash:$crash" "reaped:$reaped" "quiesced:$quiesced" "reset:$reset" "off:$off" "freed:$freed" "next:$next"; do
	[ -n "${v#*:}" ] || { echo "missing in log: ${v%%:*}" >&2; exit 1; }
done
if [ "$crash" -lt "$quiesced" ] && [ "$quiesced" -lt "$reset" ] && [ "$reset" -lt "$off" ] && [ "$off" -lt "$freed" ] && [ "$freed" -lt "$next" ]; then
	echo "check: log lines $crash (nic_a killed), $quiesced (platform driver: quiesced, bus master off), $reset (D3hot/D0 reset, header restored), $off (core reads it off), $freed (its buffers freed), $next (nic_b's DMA session) in that order; core reaped nic_a at line $reaped"
else
	echo "wrong order: crash $crash, quiesced $quiesced, reset $reset, core's read-back $off, freed $freed, nic_b $next" >&2
	exit 1
fi
exec run/checks/nic_pcap.py nic_restart.pcap nic_client_b
