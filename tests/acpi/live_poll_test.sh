#!/bin/sh
# Issue 11 finding 6: AML polls a SystemMemory register through acpi's own
# region code (regions_session.c) and core's IO_MEM service on the sim back
# end, whose register at 0xfed000f0 advances on every read. With a live
# policy the change is seen and a write reads back; without one, acpi falls
# back to a snapshot as before (the register never changes). Host only, no
# root; tests/acpi/live_poll.c and tables/live_poll.asl built here.
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 3"
names="acpi_live_poll_sees_change acpi_live_write_reads_back acpi_live_fallback_snapshot"
if ! command -v iasl >/dev/null; then
	for c in $names; do echo "skip - $c: iasl not installed"; done
	exit 0
fi
mkdir "$T/bin"
if ! iasl -p "$T/bin/live_poll" tests/acpi/tables/live_poll.asl > "$T/log" 2>&1 ||
    ! ${CC:-cc} -std=gnu11 -Wall -Wextra -Werror $(nm "$B/libacpi.a" 2>/dev/null | grep -q __asan_ &&
    echo "-fsanitize=address,undefined") -Iacpi -Ibase/include tests/acpi/live_poll.c \
    "$B/libacpi.a" "$B/libmkx.a" -lexpat -o "$T/bin/live_poll" >> "$T/log" 2>&1; then
	for c in $names; do echo "FAIL - $c: build failed"; done
	tail -5 "$T/log" | sed 's/^/    /'
	exit 0
fi

# $1: extra <io_mem> policies. Output in $T/out.
run() {
	cat > "$T/c.xml" <<X
<config>
  <io_mem backend="sim">
    $1
    <policy label="poll" base="0x0" size="0x100000000" snapshot="yes"/>
  </io_mem>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="poll"> <binary name="live_poll"/> <resource name="RAM" quantum="32M"/> </start>
</config>
X
	timeout 60 "$B/bin/core" --config "$T/c.xml" --bin-dir "$T/bin" > "$T/out" 2>&1
}
pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; sed 's/^/    /' "$T/out" | tail -20; }
val() { sed -n "s/.*\[init -> poll\] $1 \(.*\)/\1/p" "$T/out" | head -1; }

run '<policy label="poll" base="0xfed00000" size="0x400" live="yes"/>'
v=$(val POLL)
case "$v" in
0x[1-9]|0x[1-5][0-9a-f]) pass "acpi_live_poll_sees_change (changed after $v reads)";;
*) fail acpi_live_poll_sees_change "POLL returned '${v:-nothing}', want a change within 100 reads";;
esac
v=$(val WRRD)
if [ "$v" = 0xa5a50001 ]; then pass acpi_live_write_reads_back
else fail acpi_live_write_reads_back "WRRD returned '${v:-nothing}', want 0xa5a50001"; fi

run ''
v=$(val POLL)
if [ "$v" = 0xffff ] && grep -q 'IO_MEM "poll": 0xfed00000-0xfed00fff granted (read-only snapshot)' "$T/out"; then
	pass "acpi_live_fallback_snapshot (no live policy: the snapshot, polled to the limit)"
else fail acpi_live_fallback_snapshot "POLL returned '${v:-nothing}', want 0xffff from a snapshot"; fi
