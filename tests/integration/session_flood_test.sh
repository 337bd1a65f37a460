#!/bin/sh
# The lines core prints because of a child's call on a session core serves (a refusal a
# service logs, sessions.c handle_session_call) count against that child's share of
# core's console queue (output.c out_behalf), as its parent-channel requests do
# (probe_test's a_flood_of_denials_does_not_hide_another_childs_denial). probe_session_flood
# calls ROM SIGH with a pipe for 3 s, each refusal logged by core (its own last line is
# dropped too: its share is full, which is the point); the console is a FIFO
# nobody reads for 4 s; another child's denial (core's line) and its own LOG line, 1 s
# into the flood, must both come out. Before the fix they were dropped, only counted.
set -u
B=${B:-build/out}
T=$(mktemp -d)
pid=
cat_pid=
trap '[ -n "$pid" ] && kill -KILL $pid 2>/dev/null; [ -n "$cat_pid" ] && kill $cat_pid 2>/dev/null; rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"
has() { grep -qF -- "$1" "$T/out"; }

t=a_flood_of_session_call_refusals_does_not_hide_another_childs_denial
printf '<config>\n<default-route> <any-service> <parent/> </any-service> </default-route>
<start name="probe_a"> <binary name="probe_session_flood"/> <config ms="3000"/> </start>
<start name="probe_b" finish="yes"> <binary name="probe_attack"/> <config attack="denial_victim" linger_ms="4000"/> </start>
</config>\n' > "$T/c.xml"
mkfifo "$T/fifo"
exec 7<>"$T/fifo"	# holds the FIFO open: core's writes fill it and then wait
"$B/bin/core" --config "$T/c.xml" --bin-dir "$B/bin" > "$T/fifo" 2>&1 7>&- &
pid=$!
sleep 4
timeout 30 cat "$T/fifo" > "$T/out" 7>&- &
cat_pid=$!
for i in $(seq 200); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && kill -KILL $pid
wait $pid; rc=$?; pid=
exec 7>&-
wait $cat_pid; cat_pid=
flood=$(grep -c 'the signal fd is not an eventfd; refused' "$T/out")
if [ $rc = 0 ] && has 'denied ROM session "probe_b -> victim-marker"' && has 'probe denial_victim: asked' &&
    [ "$flood" -gt 0 ] && has 'log lines dropped'; then
	echo "ok - $t"
elif [ $rc = 0 ] && ! has 'log lines dropped'; then
	echo "FAIL - $t: the console kept up (no line dropped): the flood proved nothing ($flood refusals shown)"
else
	echo "FAIL - $t: rc=$rc; probe_b's denial $(has 'probe_b -> victim-marker' && echo kept || echo dropped), its LOG line $(has 'probe denial_victim: asked' && echo kept || echo dropped), $flood refusals shown, $(grep -c 'log lines dropped' "$T/out") drop counts"
	sed 's/^/    /' "$T/out" | tail -15
fi
