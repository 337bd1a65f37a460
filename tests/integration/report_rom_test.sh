#!/bin/sh
# Issue 10, finding 6: reports are tied to their reporter's session label and
# reach only the readers a <report_rom> policy routes them to; they never
# shadow core's own ROMs; a reporter has a bounded number of them; a report
# outlives its reporter (its last document is kept). Host only, no root.
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -40; }
has() { grep -qF -- "$1" "$T/out"; }
run() { timeout 30 "$B/bin/core" --config "$1" --bin-dir "$B/bin" > "$T/out" 2>&1; rc=$?; }

# The forger alone: no policy routes anything.
cat > "$T/forge.xml" <<'X'
<config>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="forger"> <binary name="rom_forger"/> </start>
</config>
X
run "$T/forge.xml"

t=report_cannot_shadow_core_roms
if has '[init -> forger] report "platform_info": published' &&
   ! has 'ROM platform_info: forged' && ! has 'ROM pci_devices: forged' && ! has 'ROM config: forged' &&
   has 'ROM config: genuine'; then pass $t
else fail $t "a report was served as one of core's own ROMs"; fi

t=report_not_a_rom_by_name_alone
if has '[init -> forger] ROM acpi: denied' &&
   has 'denied ROM session "forger -> acpi": no ROM "acpi"'; then pass $t
else fail $t "a report reached a reader no policy routes it to"; fi

t=report_slots_bounded_per_reporter
if has '[init -> forger] fill: 0 of 20 reports published' &&
   has '"forger" has 4 reports already (the limit per reporter)' &&
   has '[init -> forger] reopened: 10 of 10'; then pass $t
else fail $t "a reporter took more than its 4 report slots, or could not reuse its own"; fi

# The forger fills what it may and publishes a fake "acpi"; the real reporter
# comes later; rom_reader is routed to the real one, nosy to none, late reads
# after the reporter has exited.
cat > "$T/route.xml" <<'X'
<config>
  <report_rom>
    <policy label="rom_reader -> acpi" report="good -> acpi"/>
    <policy label_prefix="late" report="good -> acpi"/>
  </report_rom>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="forger"> <binary name="rom_forger"/> </start>
  <start name="good"> <binary name="rom_reporter"/> <config report="acpi" delay_ms="1000" routing="3"/> </start>
  <start name="rom_reader"> <config rom="acpi" element="routing" wait_ms="10000"/> </start>
  <start name="nosy"> <binary name="rom_reader"/> <config rom="acpi" element="routing" wait_ms="2500"/> </start>
  <start name="late"> <binary name="rom_reader"/> <config rom="acpi" element="routing" delay_ms="3000"/> </start>
</config>
X
run "$T/route.xml"

t=report_reaches_routed_reader_after_forgery
if has '[init -> good] report "acpi": published' && has 'report "good -> acpi" published' &&
   has '[init -> rom_reader] ROM "acpi": ' && has 'bytes, 3 <routing> elements' &&
   has '[init] child "rom_reader" exited with exit value 0'; then pass $t
else fail $t "rc=$rc: the routed reader did not get the real report"; fi

t=report_denied_to_unrouted_reader
if has 'denied ROM session "nosy -> acpi"' && ! has '[init -> nosy] ROM "acpi"' &&
   has '[init] child "nosy" exited with exit value 1'; then pass $t
else fail $t "a reader without a policy got a report"; fi

t=report_kept_after_reporter_exits
gone=$(grep -n 'child "good" exited with exit value 0' "$T/out" | cut -d: -f1)
read=$(grep -n '\[init -> late\] ROM "acpi": .* 3 <routing> elements' "$T/out" | cut -d: -f1)
if [ -n "$gone" ] && [ -n "$read" ] && [ "$gone" -lt "$read" ]; then pass $t
else fail $t "the report was not readable after its reporter exited (exit at line ${gone:-?}, read at ${read:-?})"; fi

t=report_rom_policy_for_core_rom_refused
printf '<config>\n<report_rom>\n<policy label="x -> platform_info" report="forger -> platform_info"/>\n</report_rom>\n<start name="forger"><binary name="rom_forger"/></start>\n</config>\n' > "$T/bad.xml"
"$B/bin/core" --check --config "$T/bad.xml" --bin-dir "$B/bin" > "$T/out" 2>&1; rc=$?
if [ $rc = 2 ] && has 'bad.xml:3: <report_rom> <policy label="x -> platform_info">: "platform_info" is core'"'"'s own ROM'; then pass $t
else fail $t "rc=$rc"; fi

t=report_update_signalled_to_routed_reader
cat > "$T/upd.xml" <<'X'
<config>
  <report_rom> <policy label="watcher -> acpi" report="good -> acpi"/> </report_rom>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="good"> <binary name="rom_reporter"/> <config report="acpi" routing="1" again_ms="1500"/> </start>
  <start name="watcher"> <binary name="rom_reader"/> <config rom="acpi" element="routing" updates="1" wait_ms="10000"/> </start>
</config>
X
run "$T/upd.xml"
if [ $rc = 0 ] && has '[init -> watcher] ROM "acpi": ' && has '1 <routing> elements' &&
   has '2 <routing> elements (updated)'; then pass $t
else fail $t "rc=$rc: the reader was not signalled the report's new version"; fi
