#!/bin/sh
# Host-side check of the pit scenario's serial log ($MKX_LOG): every part
# of stage 1 must have reported success, and the refusals must name the
# component, the range and the policy. Each line must begin with the text given
# (serial_log.sh: read by serial_log.py, anchored at the author's prefix).
. "$(dirname "$0")/serial_log.sh"
fail=0
need() {
	if has_line "$1"; then :; else echo "missing in log: $1" >&2; fail=1; fi
}
need '[init -> pit_rpc] PIT ok (rpc path)'
need '[init -> pit_direct] PIT ok (direct path)'
need '[init -> conf1_reader] conf1 emulation ok'
need '[init -> conf1_reader] 00:1f.0 8086:2918 class 060100'
need '[init] denied IO_PORT session "port_intruder": ports 0x60-0x60 are outside the policy (label="port_intruder" 0x70-0x71'
need '[init] denied IO_PORT session "port_intruder": ports 0xcf8-0xcff are outside the policy'
need '[init] IO_PORT "port_intruder": read port 0x72 width 1: outside the granted 0x70-0x71; refused'
need '[init -> port_intruder] intruder: every refusal came, and core still serves me'
lines_of '^\[init -> pit_[a-z]*\] measured PIT frequency: ' | sed 's/^/check: /'
exit $fail
