#!/bin/sh
# Session quota donation (core-services/broker.c): a granted session's
# ram_quota moves from the client's RAM quantum to the server's while both
# live, and is withdrawn from the server when the client exits; a client
# whose quantum cannot cover the ram_quota is refused at the request.
# hello_client asks hello_server for a Hello session with ram_quota=4K.
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; sed 's/^/    /' "$T/out" | tail -20; }
# run CLIENT_QUANTUM: the two hello components, the client ends the composition
run() {
	printf '<config>
<default-route> <any-service> <parent/> </any-service> </default-route>
<start name="hello_server"> <resource name="RAM" quantum="1M"/> <provides> <service name="Hello"/> </provides> </start>
<start name="hello_client" finish="yes"> <resource name="RAM" quantum="%s"/>
  <route> <service name="Hello"> <child name="hello_server"/> </service> <any-service> <parent/> </any-service> </route>
</start>
</config>\n' "$1" > "$T/c.xml"
	timeout -s KILL 30 "$B/bin/core" --config "$T/c.xml" --bin-dir "$B/bin" > "$T/out" 2>&1
}

# The server's quantum grows by 4 KiB at the grant and is back where it was after the client's exit.
t=a_sessions_ram_quota_moves_to_the_server_and_back_when_the_client_exits
run 1M
moved=$(sed -n 's/.*Hello session "hello_client -> greeter": ram_quota of 4 KiB moved from "hello_client" to "hello_server" (\([0-9]*\) KiB left to it)$/\1/p' "$T/out")
back=$(sed -n 's/.*Hello session "hello_client -> greeter": its ram_quota of 4 KiB withdrawn from "hello_server" (\([0-9]*\) KiB left to it)$/\1/p' "$T/out")
exited=$(grep -n 'child "hello_client" exited' "$T/out" | cut -d: -f1)
withdrawn=$(grep -n 'withdrawn from "hello_server"' "$T/out" | cut -d: -f1)
if grep -q 'server says: Hello, world!' "$T/out" && [ -n "$moved" ] && [ -n "$back" ] &&
   [ "$back" -eq $((moved - 4)) ] && [ "$back" -lt 1024 ] && [ "$withdrawn" -gt "$exited" ]; then pass $t
else fail $t "moved: ${moved:-none} KiB left, withdrawn: ${back:-none} KiB left (want 4 KiB less), after the exit: line ${withdrawn:-?} > ${exited:-?}"; fi

t=a_client_whose_quantum_cannot_cover_the_ram_quota_is_refused
run 6K
if grep -q 'denied Hello session "hello_client -> greeter": ram_quota 4096 exceeds the [0-9]* bytes left of "hello_client".s RAM quantum' "$T/out" &&
   ! grep -q 'moved from "hello_client"' "$T/out"; then pass $t
else fail $t "no refusal naming the ram_quota and what was left"; fi
