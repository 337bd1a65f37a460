#!/bin/sh
# Issue 28, signals from a Genode server to its client across processes
# (base/genode/signal_remote.cc, docs/protocol.md "Genode RPC between
# Genode components"). Core (sim back ends, no device) starts base/genode's
# test pair (base/genode/test/signal_pair, `make genode`): signal_server
# serves Signal_pair, signal_client hands it signal contexts (sigh) and
# asks for n signals (fire): 8 rounds through an entrypoint handler, each
# dispatched once with num = n, then a Signal_receiver of the client's own
# (num 5, its context), then 300 ms of quiet with nothing late or twice.
# The client's last line is its verdict (PASS/FAIL with counts).
# Beside it, signal_forge (base/genode/test/signal_pair/forge.cc) speaks the
# wire itself and hands the server a full blocking pipe, a socket, a
# blocking eventfd at its maximum and 40 eventfds under 40 keys as signal
# contexts: every call must be answered, the pipe and socket refused, the
# full eventfd taken without blocking, 32 keys held at most.
set -u
B=${B:-build/out}
G=${GENODE_B:-build/genode}
T=$(mktemp -d)
echo "plan 2"
t=genode_signal_server_to_client
t2=genode_signal_hostile_contexts
[ -x "$G/signal_client" ] && [ -x "$G/signal_server" ] && [ -x "$G/signal_forge" ] || {
	for x in $t $t2; do echo "skip - $x: no $G/signal_forge (make genode)"; done; rm -rf "$T"; exit 0; }
chmod 755 "$T"; mkdir -m 755 "$T/bin"
for b in signal_server signal_client signal_forge; do ln -s "$(readlink -f "$G/$b")" "$T/bin/$b"; done
cat > "$T/g.xml" <<XML
<config>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="signal_server">
    <resource name="RAM" quantum="16M"/>
    <provides> <service name="Signal_pair"/> </provides>
  </start>
  <start name="signal_client">
    <resource name="RAM" quantum="16M"/>
    <route>
      <service name="Signal_pair"> <child name="signal_server"/> </service>
      <any-service> <parent/> </any-service>
    </route>
  </start>
  <start name="signal_forge">
    <resource name="RAM" quantum="16M"/>
    <route>
      <service name="Signal_pair"> <child name="signal_server"/> </service>
      <any-service> <parent/> </any-service>
    </route>
  </start>
</config>
XML
"$B/bin/core" --config "$T/g.xml" --bin-dir "$T/bin" > "$T/out" 2>&1 &
core=$!
trap 'kill $core 2>/dev/null; wait $core 2>/dev/null; rm -rf "$T"' EXIT
# 10 s at most: a signal that never arrives leaves the client waiting for ever.
for i in $(seq 100); do
	grep -q 'signal_client: \(PASS\|FAIL\)' "$T/out" && grep -q 'signal_forge: \(PASS\|FAIL\)' "$T/out" && break
	sleep 0.1
done
verdict=$(grep -o 'signal_client: \(PASS\|FAIL\).*' "$T/out")
case "$verdict" in
"signal_client: PASS"*) echo "ok - $t (${verdict#signal_client: PASS: })" ;;
"") echo "FAIL - $t: no verdict of signal_client in 10 s (a signal lost?)"; sed 's/^/    /' "$T/out" | tail -12 ;;
*) echo "FAIL - $t: $verdict"; sed 's/^/    /' "$T/out" | tail -12 ;;
esac
verdict=$(grep -o 'signal_forge: \(PASS\|FAIL\).*' "$T/out")
case "$verdict" in
"signal_forge: PASS"*) echo "ok - $t2 (${verdict#signal_forge: PASS: })" ;;
"") echo "FAIL - $t2: no verdict of signal_forge in 10 s (the server blocked?)"; grep 'forge\|server' "$T/out" | tail -8 | sed 's/^/    /' ;;
*) echo "FAIL - $t2: $verdict"; grep 'forge\|server' "$T/out" | tail -8 | sed 's/^/    /' ;;
esac
