#!/bin/sh
# IO_MEM least privilege, as bar_prober reported it in $MKX_LOG.
fail=0
need() { grep -qF -- "$1" "$MKX_LOG" || { echo "missing in log: $1" >&2; fail=1; }; }
need 'bar_prober: the BAR fd stays in its BAR and every refusal came'
need 'mmap of BAR0 size + 4 KiB through the granted fd: Invalid argument'
need 'is larger than 00:02.0 BAR0'
need 'is RAM that belongs to Linux'
need 'std VGA BAR0 (not mine)'
grep -o 'mmap of [^:]*through the granted fd: .*' "$MKX_LOG" | sed 's/^/check: /'
exit $fail
