#!/bin/sh
# Nested inits and config reloads (issue 25, docs/nested-init.md): real
# processes on the host, no root, no QEMU. An init with no <start> waits
# for a new config; a reload starts what the new config adds and stops
# what it removes; a <start> whose binary is init runs a nested init whose
# children core starts with labels that nest ("drivers -> server_a"),
# configured inline or from a ROM that changes at run time (a report of
# nested_configurator); SIGKILL of the nested init takes its children
# along; hostile nested configs are refused with file:line:column while
# everything else runs on. CORE=path tests another core.
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'kill -KILL $pid 2>/dev/null; rm -rf "$T"' EXIT
pid=
echo "plan $(grep -c '^t=' "$0")"
mkdir "$T/bin"
# copies: a rebuild going on next to the test must not pull binaries away under it
for b in init hello_server hello_client nested_configurator port_claimer; do cp "$B/bin/$b" "$T/bin/"; done
cp "${CORE:-$B/bin/core}" "$T/bin/core"
BIN=$T/bin

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -40; }
has() { grep -qF -- "$1" "$T/out"; }
# start CONFIG PATTERN: core in the background (pid in $pid), wait up to 20 s for PATTERN
start() {
	: > "$T/out"
	"$BIN/core" --config "$1" --bin-dir "$BIN" > "$T/out" 2>&1 &
	pid=$!
	waitfor "$2"
}
waitfor() { for i in $(seq 200); do grep -qF -- "$1" "$T/out" && return 0; sleep 0.1; done; return 1; }
# waitcount PATTERN N: wait up to 20 s until PATTERN is in the log N times
waitcount() { for k in $(seq 400); do [ "$(grep -cF -- "$1" "$T/out")" -ge "$2" ] && return 0; sleep 0.05; done; return 1; }
# stop: SIGTERM to core, its status in $rc
stop() {
	kill -TERM $pid 2>/dev/null
	for i in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -KILL $pid 2>/dev/null
	wait $pid; rc=$?
}
# hid NAME: a ROM file in the bin dir from stdin (ROMs are non-executable files there)
rom() { cat > "$BIN/$1"; chmod 644 "$BIN/$1"; }
# The processes core started that run binary $1 (core's children are its direct children).
kids() { pgrep -P $pid -x "$1" | wc -l; }

SERVER='<start name="server_a" ram="8M"> <binary name="hello_server"/> <provides> <service name="Hello"/> </provides> <config greeting="A"/> </start>'
SERVER_B='<start name="server_b" ram="8M"> <binary name="hello_server"/> <provides> <service name="Hello"/> </provides> <config greeting="B"/> </start>'
ROUTE='<default-route> <any-service> <parent/> </any-service> </default-route>'

t=empty_config_waits_for_a_new_config
echo '<config/>' > "$T/c.xml"
start "$T/c.xml" 'waiting for a new config'
sleep 1
alive=no; kill -0 $pid 2>/dev/null && alive=yes
echo "<config> $ROUTE $SERVER </config>" > "$T/c.xml"
kill -HUP $pid
waitfor '[init -> server_a] announced "Hello" with greeting "A"'
echo '<config/>' > "$T/c.xml"
kill -HUP $pid
waitfor 'child "server_a" stopped by core'
sleep 0.5
alive2=no; kill -0 $pid 2>/dev/null && alive2=yes
stop
if [ $alive = yes ] && [ $alive2 = yes ] && [ $rc = 0 ] && has '[init -> server_a] announced "Hello" with greeting "A"' &&
   has 'stopping "server_a": its <start> left the config'; then pass $t
else fail $t "alive after 1 s: $alive, after the child left: $alive2, rc=$rc"; fi

t=reload_starts_added_stops_removed_keeps_the_rest
echo "<config> $ROUTE $SERVER </config>" > "$T/c.xml"
start "$T/c.xml" 'greeting "A"'
echo "<config> $ROUTE $SERVER $SERVER_B </config>" > "$T/c.xml"
kill -HUP $pid
waitfor 'greeting "B"'
echo "<config> $ROUTE $SERVER_B </config>" > "$T/c.xml"
kill -HUP $pid
waitfor 'child "server_a" stopped by core'
sleep 0.3
n_b=$(kids hello_server)
stop
if has 'stopping "server_a": its <start> left the config' && [ "$(grep -c 'greeting "A"' "$T/out")" = 1 ] &&
   [ "$(grep -c 'greeting "B"' "$T/out")" = 1 ] && [ "$n_b" = 1 ] && ! has 'stopping "server_b"'; then pass $t
else fail $t "server_b should be the one left running ($n_b hello_server processes)"; fi

# An inline nested config: a client and a server inside, a client outside.
cat > "$T/n.xml" <<EOF
<config>
  $ROUTE
  <start name="drivers" ram="64M">
    <binary name="init"/>
    <config>
      <parent-provides> <service name="LOG"/> <service name="ROM"/> </parent-provides>
      $ROUTE
      $SERVER
      <start name="client" ram="8M"> <binary name="hello_client"/> <config name="inner" count="1"/>
        <route> <service name="Hello"> <child name="server_a"/> </service> <any-service> <parent/> </any-service> </route>
      </start>
    </config>
  </start>
</config>
EOF
t=nested_init_children_run_with_nested_labels
start "$T/n.xml" 'child "drivers -> client" exited'
stop
if has '"drivers" is a nested init' && has '[init -> drivers -> server_a] session opened by "client -> greeter"' &&
   has '[init -> drivers -> client] server says: A, inner! (greeting #1)' &&
   has 'child "drivers -> client" exited with exit value 0'; then pass $t
else fail $t "no exchange inside the nested init"; fi

t=nested_init_state_report_in_genodes_format
mkdir -p "$T/results"
cat > "$T/st.xml" <<EOF
<config>
  <report_files dir="$T/results"/>
  $ROUTE
  <start name="drivers" ram="64M">
    <binary name="init"/>
    <config>
      <report child_ram="yes"/>
      $ROUTE
      $SERVER
      <start name="client" ram="8M"> <binary name="hello_client"/> <config name="inner" count="1"/>
        <route> <service name="Hello"> <child name="server_a"/> </service> <any-service> <parent/> </any-service> </route>
      </start>
    </config>
  </start>
</config>
EOF
start "$T/st.xml" 'child "drivers -> client" exited'
sleep 0.5
stop
f=$T/results/drivers.state.xml
if [ -f "$f" ] && grep -q '^<state>' "$f" && grep -q '<child name="server_a" binary="hello_server">' "$f" &&
   grep -q '<ram assigned="8M" quota="8M" used="[0-9KM]*" avail="[0-9KM]*"/>' "$f" &&
   grep -q '<child name="client" binary="hello_client" exited="0">' "$f"; then pass $t
else fail $t "no state report with server_a and client exited=\"0\" in $f: $(cat "$f" 2>/dev/null | tr '\n' ' ')"; fi

t=nested_init_started_again_and_again_by_reloads
# more often than there are levels (8) and child slots (32): gone levels and slots are reused
echo "<config> $ROUTE <start name=\"drivers\" ram=\"64M\"> <binary name=\"init\"/> <config> $ROUTE $SERVER </config> </start> </config>" > "$T/on.xml"
echo "<config> $ROUTE </config>" > "$T/off.xml"
cp "$T/on.xml" "$T/re.xml"
start "$T/re.xml" 'greeting "A"'
for i in $(seq 2 20); do
	cp "$T/off.xml" "$T/re.xml"; kill -HUP $pid
	waitcount 'child "drivers -> server_a" stopped by core' $((i - 1)) || break
	cp "$T/on.xml" "$T/re.xml"; kill -HUP $pid
	waitcount '[init -> drivers -> server_a] announced "Hello" with greeting "A"' $i || break
done
n=$(grep -c '\[init -> drivers -> server_a\] announced "Hello" with greeting "A"' "$T/out")
stop
if [ "$n" = 20 ] && ! has 'cannot start'; then pass $t
else fail $t "server_a announced $n times, want 20"; fi

t=session_held_for_a_nested_init_without_config_is_denied_when_it_dies
# drivers waits for a config ROM nobody publishes; outside's Hello session is held, then denied
cat > "$T/h.xml" <<EOF
<config>
  $ROUTE
  <report_rom> <policy label="drivers.config" report="nobody -> drivers.config"/> </report_rom>
  <start name="drivers" ram="64M"> <binary name="init"/> <provides> <service name="Hello"/> </provides>
    <route> <service name="ROM" label="config"> <parent label="drivers.config"/> </service> <any-service> <parent/> </any-service> </route>
  </start>
  <start name="outside" ram="8M"> <binary name="hello_client"/> <config name="outer" count="1"/>
    <route> <service name="Hello"> <child name="drivers"/> </service> <any-service> <parent/> </any-service> </route>
  </start>
</config>
EOF
start "$T/h.xml" '[init -> drivers] waiting for its config ROM'
sleep 0.5
held=yes; has 'child "outside" exited' && held=no
kill -KILL $(pgrep -P $pid -x init)
waitfor 'child "outside" exited'
stop
if [ $held = yes ] && has 'denied Hello session "outside -> greeter": server "drivers" of service "Hello" is not running' &&
   has 'child "outside" exited with exit value 1'; then pass $t
else fail $t "held before the kill: $held; not denied after it"; fi

t=nested_init_serves_clients_outside_by_its_service_policy
cat > "$T/s.xml" <<EOF
<config>
  $ROUTE
  <start name="drivers" ram="64M">
    <binary name="init"/>
    <provides> <service name="Hello"/> </provides>
    <config>
      $ROUTE
      <service name="Hello"> <default-policy> <child name="server_a"/> </default-policy> </service>
      $SERVER
    </config>
  </start>
  <start name="outside" ram="8M"> <binary name="hello_client"/> <config name="outer" count="1"/>
    <route> <service name="Hello"> <child name="drivers"/> </service> <any-service> <parent/> </any-service> </route>
  </start>
</config>
EOF
start "$T/s.xml" 'child "outside" exited'
stop
if has '[init -> drivers -> server_a] session opened by "outside -> greeter"' &&
   has '[init -> outside] server says: A, outer! (greeting #1)' && has 'child "outside" exited with exit value 0'; then pass $t
else fail $t "the client outside did not reach server_a through drivers' <service> policy"; fi

# A nested init configured from a ROM that changes at run time: drivers.config is a report.
rom drivers_a.config <<'EOF'
config
+ parent-provides
  + service LOG
  + service ROM
+ default-route
  + any-service
    + parent
+ start server_a | ram: 8M
  + binary hello_server
  + provides | + service Hello
  + config | greeting: A
-
EOF
{ head -n 11 "$BIN/drivers_a.config"; printf '+ start server_b | ram: 8M\n  + binary hello_server\n  + provides | + service Hello\n  + config | greeting: B\n-\n'; } | rom drivers_b.config
# nested configs each hostile in one way (the rest as drivers_a)
base() { head -n 11 "$BIN/drivers_a.config"; }
{ base; printf '+ start big | ram: 60M\n  + binary hello_server\n  + provides | + service Hello\n-\n'; } | rom hostile_ram.config
{ base; printf '+ start greedy | ram: 8M\n  + binary port_claimer\n  + route\n    + service IO_PORT | + parent\n    + any-service | + parent\n-\n'; } | rom hostile_route.config
{ base; printf '+ io_port\n  + policy | label: server_a | base: 0x80 | size: 1\n-\n'; } | rom hostile_hw.config
{ base; printf '+ start sub | ram: 8M\n  + binary init\n  + route\n    + service ROM | label: config | + parent | label: drivers.config\n    + any-service | + parent\n-\n'; } | rom hostile_loop.config
{ base; printf '+ start claimer | ram: 8M\n  + binary port_claimer\n  + config | base: 0x80 | size: 1 | expect: granted\n-\n'; } | rom hw_ask.config
# rom_config STEPS: the outer config, drivers configured by the report, steps of nested_configurator
rom_config() {
	cat > "$T/r.xml" <<EOF
<config>
  <io_port backend="sim"> <policy label_prefix="drivers" base="0x80" size="1"/> </io_port>
  <report_rom> <policy label="drivers.config" report="configurator -> drivers.config"/> </report_rom>
  <start name="configurator"> <binary name="nested_configurator"/> <config report="drivers.config"> $1 </config>
    <route> <any-service> <parent/> </any-service> </route>
  </start>
  <start name="drivers" ram="64M"> <binary name="init"/>
    <route>
      <service name="ROM" label="config"> <parent label="drivers.config"/> </service>
      <service name="ROM"> <parent/> </service>
      <service name="LOG"> <parent/> </service>
    </route>
  </start>
</config>
EOF
}

t=nested_config_rom_change_starts_and_stops_a_child
rom_config '<step rom="drivers_a.config"/> <step rom="drivers_b.config" ms="800"/> <step rom="drivers_a.config" ms="800"/>'
start "$T/r.xml" 'child "drivers -> server_b" stopped by core'
sleep 0.3
n=$(kids hello_server)
stop
if has '[init -> drivers -> server_a] announced "Hello" with greeting "A"' &&
   has '[init -> drivers -> server_b] announced "Hello" with greeting "B"' &&
   has 'stopping "drivers -> server_b": its <start> left the config' && [ "$n" = 1 ] &&
   [ "$(grep -c 'greeting "A"' "$T/out")" = 1 ]; then pass $t
else fail $t "server_b not started and stopped by the ROM's versions ($n hello_server left, want 1)"; fi

t=nested_init_sigkill_takes_its_children
rom_config '<step rom="drivers_b.config"/>'
start "$T/r.xml" 'greeting "B"'
waitfor 'greeting "A"'
before=$(kids hello_server)
kill -KILL $(pgrep -P $pid -x init)
waitfor 'child "drivers -> server_b" stopped by core'
waitfor 'child "drivers -> server_a" stopped by core'
sleep 0.3
after=$(kids hello_server)
conf=$(kids nested_configur)	# pgrep sees 15 characters of a name
stop
if [ "$before" = 2 ] && [ "$after" = 0 ] && [ "$conf" = 1 ] && has 'child "drivers" crashed: killed by signal 9 (SIGKILL)' &&
   has 'stopping "drivers -> server_a": its nested init is gone'; then pass $t
else fail $t "hello_server processes before $before (want 2), after $after (want 0), configurator $conf (want 1)"; fi

# hostile NAME PATTERN: step 1 the good config, step 2 the hostile one: refused, server_a runs on
hostile() {
	rom_config "<step rom=\"drivers_a.config\"/> <step rom=\"$1\" ms=\"500\"/>"
	start "$T/r.xml" 'config of nested init "drivers" refused'
	sleep 0.3
	n=$(kids hello_server)
	stop
	if has 'greeting "A"' && has "$2" && [ "$n" = 1 ] && ! has 'stopping "drivers -> server_a"'; then pass $t
	else fail $t "not refused with '$2', or server_a disturbed ($n hello_server, want 1)"; fi
}
t=nested_refuses_more_ram_than_it_has
hostile hostile_ram.config 'drivers -> config:12:9: <start name="big"> (RAM 61440 KiB): the children of "drivers" would have 69632 KiB, more than the 65536 KiB "drivers" was given'
t=nested_refuses_more_routes_than_it_has
hostile hostile_route.config 'drivers -> config:15:15: a route of greedy sends "IO_PORT" sessions to the parent, but "drivers" is given no "IO_PORT"'
t=nested_refuses_hardware_policies
hostile hostile_hw.config 'drivers -> config:13:3: a hardware or report policy in the config of nested init "drivers"'
t=nested_refuses_a_loop_of_nested_inits
hostile hostile_loop.config 'drivers -> config:12:9: <start name="sub"> is a nested init configured by ROM "drivers.config", the config of "drivers" it is inside: a loop of nested inits'

t=nested_child_denied_hardware_its_init_was_not_given
rom_config '<step rom="hw_ask.config"/>'
start "$T/r.xml" 'child "drivers -> claimer" exited'
stop
if has 'denied IO_PORT session "drivers -> claimer' && has 'child "drivers -> claimer" exited with exit value 1' &&
   has 'greeting "A"'; then pass $t
else fail $t "the IO_PORT session of drivers -> claimer was not denied"; fi
