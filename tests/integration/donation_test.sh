#!/bin/sh
# Session quota donation (core-services/broker.c): a granted session's
# ram_quota moves from the client's RAM quantum to the server's while the
# session is open, and back to the client when it closes (core sees the
# close on its dup of the server's end); a client that closes a session and
# opens another pays once; a client whose quantum cannot cover the
# ram_quota is refused at the request. hello_client asks hello_server for
# Hello sessions with ram_quota=4K, one after the other (sessions=N).
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; sed 's/^/    /' "$T/out" | tail -20; }
# run CLIENT_QUANTUM [SESSIONS]: the two hello components, the client ends the composition
run() {
	printf '<config>
<default-route> <any-service> <parent/> </any-service> </default-route>
<start name="hello_server"> <resource name="RAM" quantum="1M"/> <provides> <service name="Hello"/> </provides> </start>
<start name="hello_client" finish="yes"> <resource name="RAM" quantum="%s"/> <config sessions="%s"/>
  <route> <service name="Hello"> <child name="hello_server"/> </service> <any-service> <parent/> </any-service> </route>
</start>
</config>\n' "$1" "${2:-1}" > "$T/c.xml"
	timeout -s KILL 30 "$B/bin/core" --config "$T/c.xml" --bin-dir "$B/bin" > "$T/out" 2>&1
}

# The server's quantum grows by 4 KiB at the grant and is back where it was after the session's close,
# which comes before the client's exit and gives the 4 KiB back to the client.
t=a_sessions_ram_quota_moves_to_the_server_and_back_at_its_close
run 1M
moved=$(sed -n 's/.*Hello session "hello_client -> greeter": ram_quota of 4 KiB moved from "hello_client" to "hello_server" (\([0-9]*\) KiB left to it)$/\1/p' "$T/out")
back=$(sed -n 's/.*Hello session "hello_client -> greeter": its ram_quota of 4 KiB withdrawn from "hello_server" (\([0-9]*\) KiB left to it)$/\1/p' "$T/out")
closed=$(grep -n 'Hello session "hello_client -> greeter" closed: its ram_quota of 4 KiB goes back to "hello_client"' "$T/out" | cut -d: -f1)
exited=$(grep -n 'child "hello_client" exited' "$T/out" | cut -d: -f1)
if grep -q 'server says: Hello, world!' "$T/out" && [ -n "$moved" ] && [ -n "$back" ] && [ -n "$closed" ] &&
   [ "$back" -eq $((moved - 4)) ] && [ "$back" -lt 1024 ] && [ -n "$exited" ] && [ "$closed" -lt "$exited" ]; then pass $t
else fail $t "moved: ${moved:-none} KiB left, withdrawn: ${back:-none} KiB left (want 4 KiB less), closed at line ${closed:-none} before the exit at ${exited:-?}"; fi

# 10K: 4K of it go to the config ROM, 6K are left: one 4K session fits, two at once do not.
t=a_client_that_closes_a_session_and_opens_another_pays_once
run 10K 2
n_moved=$(grep -c 'ram_quota of 4 KiB moved from "hello_client" to "hello_server"' "$T/out")
n_back=$(grep -c 'closed: its ram_quota of 4 KiB goes back to "hello_client" (6 KiB left to it)$' "$T/out")
lefts=$(sed -n 's/.*moved from "hello_client" to "hello_server" (\([0-9]*\) KiB left to it)$/\1/p' "$T/out" | sort -u | wc -l)
if [ "$(grep -c 'server says: Hello, world!' "$T/out")" = 2 ] && [ "$n_moved" = 2 ] && [ "$n_back" = 2 ] &&
   [ "$lefts" = 1 ] && ! grep -q 'denied Hello' "$T/out" && grep -q 'hello_client" exited with exit value 0' "$T/out"; then pass $t
else fail $t "want 2 greetings, 2 donations with the server at the same quantum ($lefts distinct), 2 returns leaving the client 6 KiB ($n_back)"; fi

t=a_client_whose_quantum_cannot_cover_the_ram_quota_is_refused
run 6K
if grep -q 'denied Hello session "hello_client -> greeter": ram_quota 4096 exceeds the [0-9]* bytes left of "hello_client".s RAM quantum' "$T/out" &&
   ! grep -q 'moved from "hello_client"' "$T/out"; then pass $t
else fail $t "no refusal naming the ram_quota and what was left"; fi
