#!/bin/sh
# IO_MEM least privilege, as bar_prober reported it and core refused it ($MKX_LOG).
# Lines as serial_log.sh reads them, each matched at its author's prefix: bar_prober's
# own findings, and core's refusals (a child cannot write a line that begins "[init] ").
. "$(dirname "$0")/serial_log.sh"
fail=0
need() { has_line "$1" || { echo "missing in log: $1" >&2; fail=1; }; }
need_re() { [ -n "$(line_of "$1")" ] || { echo "missing in log: /$1/" >&2; fail=1; }; }
need '[init -> bar_prober] bar_prober: the BAR fd stays in its BAR and every refusal came'
need '[init -> bar_prober] mmap of BAR0 size + 4 KiB through the granted fd: Invalid argument'
need_re '^\[init\] denied IO_MEM session "bar_prober": 0x[0-9a-f]+-0x[0-9a-f]+ is larger than 00:02\.0 BAR0 '
need_re '^\[init\] denied IO_MEM session "bar_prober": 0x[0-9a-f]+-0x[0-9a-f]+ is RAM that belongs to Linux$'
need_re '^\[init\] denied IO_MEM session "bar_prober": 0xfd000000-0xfd000fff is outside the policy '
need '[init -> bar_prober] std VGA BAR0 (not mine) 0xfd000000+0x1000: Operation not permitted: '
lines_of '^\[init -> bar_prober\] mmap of [^:]*through the granted fd: ' | sed 's/^\[init -> bar_prober\] /check: /'
exit $fail
