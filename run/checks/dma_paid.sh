#!/bin/sh
# Host check ($MKX_LOG): a driver's DMA buffers through the platform driver were
# paid by the driver's donated ram_quota, not by the platform driver's own quantum.
# core logs the platform driver's RAM left when the Platform session's ram_quota
# moves to it and when it is withdrawn (at the session's close, or the driver's
# exit). A buffer the driver still maps after the close stays charged to the
# platform driver until nobody holds it; its release logs what is left then,
# and so does the payment of a debt the withdrawal left. The last of these
# after the withdrawal must be exactly what it had before the donation (every
# buffer uncharged, nothing of its own spent). (dma_edu gives it a quantum
# smaller than those buffers.) $1: the session label (default "edu_dma -> edu_dma").
label=${1:-edu_dma -> edu_dma}
# core's lines only (serial_log.sh), matched anchored at "[init] ".
. "$(dirname "$0")/serial_log.sh"
moved=$(lines_of "^\[init\] Platform session \"$label\": ram_quota of [0-9]+ KiB moved from .* to \"platform\" \([0-9]+ KiB left to it\)$" | head -1)
back=$(line_of "^\[init\] Platform session \"$label\": its ram_quota of [0-9]+ KiB withdrawn from \"platform\"")
[ -n "$moved" ] && [ -n "$back" ] || { echo "missing in log: the donation (${moved:+found}) or its withdrawal (${back:+found})" >&2; exit 1; }
q=$(echo "$moved" | sed 's/.*ram_quota of \([0-9]*\) KiB moved.*/\1/')
with=$(echo "$moved" | sed 's/.*(\([0-9]*\) KiB left to it)$/\1/')
from=${back%%:*}
# KiB left to the platform driver after each line that says so, from the withdrawal on; the last counts.
after=$(tail -n +"$from" "$LINES" | sed -n \
    -e "s/^\[init\] .*withdrawn from \"platform\" (\([0-9]*\) KiB left to it)$/\1/p" \
    -e "s/^\[init\] .*uncharged from \"platform\" (\([0-9]*\) KiB left to it)$/\1/p" \
    -e "s/^\[init\] \"platform\" has paid its RAM debt: its charges are taken again (\([0-9]*\) bytes left)$/\1 bytes/p" | tail -1)
case $after in *" bytes") after=$(( ${after% bytes} / 1024 ));; esac
if [ -n "$after" ] && [ $((with - q)) -eq "$after" ]; then
	echo "check: the platform driver had $((with - q)) KiB of its own before \"$label\" donated $q KiB, and $after KiB after the withdrawal and the release of what was still held: its DMA cost it nothing"
else
	echo "the platform driver had $((with - q)) KiB before the donation of $q KiB and ${after:-(not logged)} KiB after its withdrawal and the releases after it" >&2
	exit 1
fi
