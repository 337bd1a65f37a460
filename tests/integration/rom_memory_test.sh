#!/bin/sh
# Issue 10, finding 7: what a client can make core keep for it (ROM
# versions, IO_MEM snapshots) is shared where it can be and charged to its
# RAM quantum. A hoarder with a 1 MiB quantum asks a 300 KiB ROM's
# dataspace twice per session over 28 sessions and keeps every fd, then four
# 16 MiB snapshots. Host only (sim back ends), no root.
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -30; }
has() { grep -qF -- "$1" "$T/out"; }

mkdir "$T/bin"
ln -s "$(cd "$B/bin" && pwd)/rom_hoarder" "$T/bin/rom_hoarder"
head -c 307200 /dev/zero | tr '\0' x > "$T/bin/big.dat"
cat > "$T/c.xml" <<'X'
<config>
  <io_mem backend="sim"> <policy label="hoarder" base="0xf0000000" size="0x1000000" snapshot="yes"/> </io_mem>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="hoarder"> <binary name="rom_hoarder"/> <resource name="RAM" quantum="1M"/> </start>
</config>
X
timeout 60 "$B/bin/core" --config "$T/c.xml" --bin-dir "$T/bin" > "$T/out" 2>&1; rc=$?
granted=$(sed -n 's/.*hoard: \([0-9]*\) of.*/\1/p' "$T/out")
pinned=$(sed -n 's/.*pinned \([0-9]*\) KiB.*/\1/p' "$T/out")

t=rom_version_shared_not_copied_per_request
if has '[init -> hoarder] same version shared: yes' && has '[init -> hoarder] client fd read-only: yes'; then pass $t
else fail $t "rc=$rc: each request got its own (writable) copy"; fi

t=rom_versions_charged_to_quantum
if [ -n "$granted" ] && [ "$granted" -le 3 ] && [ -n "$pinned" ] && [ "$pinned" -le 1024 ] &&
   has 'ROM session "hoarder -> big.dat" refused: ROM "big.dat" of 307200 bytes exceeds the' &&
   has 'of "hoarder"'"'"'s RAM quantum (1048576 bytes)'; then pass $t
else fail $t "rc=$rc: ${granted:-?} sessions granted, ${pinned:-?} KiB pinned with a 1 MiB quantum"; fi

t=io_mem_snapshots_charged_to_quantum
if has '[init -> hoarder] snapshots: 0 of 4 granted' &&
   has 'an IO_MEM snapshot of 16777216 bytes exceeds the'; then pass $t
else fail $t "rc=$rc: snapshots beyond the quantum were granted"; fi
