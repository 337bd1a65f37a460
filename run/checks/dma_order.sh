#!/bin/sh
# Host check of a scenario whose driver gets DMA buffers through the platform
# driver ($MKX_LOG; $1 the device, default 00:03.0): the platform driver's
# release (bus master off, read back through ECAM) comes before core's own
# read-back and before core frees the buffers.
dev=${1:-00:03.0}
# Line numbers of serial_log.sh's lines, matched anchored at their author's prefix.
. "$(dirname "$0")/serial_log.sh"
line() { line_of "$1"; }
quiesced=$(line "^\[init -> platform\] $dev released by .*quiesced, command 0x[0-9a-f]* \(bus master off")
off=$(line "^\[init\] DMA \"platform\": $dev: bus master off \(command register reads")
# (unmapped, and freed unless the driver still maps one: then freed when nothing holds it any more)
freed=$(line "^\[init\] DMA \"platform\": $dev: [0-9]+ buffer\(s\) of [0-9]+ KiB unmapped")
for v in "quiesced:$quiesced" "off:$off" "freed:$freed"; do
	[ -n "${v#*:}" ] || { echo "missing in log: ${v%%:*}" >&2; exit 1; }
done
if [ "$quiesced" -lt "$off" ] && [ "$off" -lt "$freed" ]; then
	echo "check: log lines $quiesced (platform driver: $dev quiesced, bus master off), $off (core reads it off), $freed (core frees the buffers) in that order"
else
	echo "wrong order: quiesced $quiesced, core's read-back $off, freed $freed" >&2
	exit 1
fi
