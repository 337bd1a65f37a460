#!/bin/sh
# Attacks on what issue 10 promises, by a hostile component
# (tests/components/probe_attack.c, one attack per run, chosen by its
# <config attack=.../>) against core with the sim back ends. Each check
# fails if the attack works: core crashed, stalled, or gave what it must
# not; it fails just as well if the probe says "inconclusive" (its set-up
# failed, so nothing was shown) or says nothing, and a hole that is known
# is a failure too, never a skip. Core must run as root for the checks
# that need children with uids of their own (an unprivileged core gives
# its children its own uid).
set -u
B=${B:-build/out}
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL $pid 2>/dev/null; rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -20; }
skip() { echo "skip - $1: $2"; }
has() { grep -qF -- "$1" "$T/out"; }
root() { [ "$(id -u)" = 0 ]; }
# refused ATTACK: the probe's verdict line says refused, and no line says HOLE or inconclusive
refused() { has "probe $1: refused: " && ! grep -qE "probe $1: (HOLE|inconclusive): " "$T/out"; }
# verdict ATTACK: the probe's verdict lines, for a failure's reason
verdict() { sed -n "s/.*probe $1: \(refused\|HOLE\|inconclusive\): /\1: /p" "$T/out" | tr '\n' ' '; }
# core: core with the config in $T/c.xml, at most 30 s; sets rc (137: killed, it did not end)
core() { timeout -s KILL 30 "$B/bin/core" --config "$T/c.xml" --bin-dir "$B/bin" > "$T/out" 2>&1; rc=$?; }
# config ATTRS [XML [ROUTES]] > file: one probe_attack that ends the composition
# (XML: policies, other starts; ROUTES: default-route rules before "any-service to core")
config() {
	printf '<config>\n%s\n' "${2:-}"
	printf '<default-route> %s <any-service> <parent/> </any-service> </default-route>\n' "${3:-}"
	printf '<start name="probe_attack" finish="yes"> <config %s/> </start>\n</config>\n' "$1"
}
# run ATTRS [XML [ROUTES]]: core with that probe, at most 30 s; sets rc (124: core did not end) and ms
run() {
	config "$1" "${2:-}" "${3:-}" > "$T/c.xml"
	t0=$(date +%s%N)
	timeout -s KILL 30 "$B/bin/core" --config "$T/c.xml" --bin-dir "$B/bin" > "$T/out" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

# A ROM dataspace is a read-only open of core's memfd, but reopened through
# /proc/self/fd it had the memfd's own mode, 0777: the reader truncated the
# shared version, and core's next compare of it died of SIGBUS (core as
# PID 1: a kernel panic), as would every other reader mapping it.
t=rom_dataspace_cannot_be_reopened_writable
if root; then
	run 'attack="rom_truncate"'
	if [ $rc = 0 ] && refused rom_truncate; then pass $t
	else fail $t "rc=$rc (135: core died of SIGBUS); $(verdict rom_truncate)"; fi
else skip $t "needs root (children of an unprivileged core share its uid)"; fi

# close(2) of a TCP socket with SO_LINGER and unsent data waits the linger
# time (here 10 s; a child may ask for hours). Each way a child could make
# core drop the last reference stalled core's single thread for that long.
linger() {
	run "attack=\"linger_$1\""
	# The probe times core itself (a try where its own close came last waits, and is retried).
	if [ $rc = 0 ] && refused linger_close && has 'probe linger_close: refused: core answered'; then pass $t
	else fail $t "rc=$rc, $ms ms (core waited on the socket's linger time?); $(verdict linger_close)"; fi
}
# attached to a message: core closes what it does not keep (mkx_rpc_set_closer)
t=core_closes_a_received_lingering_socket_without_waiting
linger parent
# fd 20 of one message: the kernel dropped the fds core had no room for inside recvmsg
t=core_takes_every_fd_of_a_message_so_none_lingers_in_recvmsg
linger many_fds
# queued behind garbage on a session: core's close of the session released it
t=core_closes_a_session_with_a_lingering_socket_queued_without_waiting
linger session

# the UIO ack channel (a datagram socket core reads with recv): the kernel dropped the fds
# a datagram carried inside core's recv (a 1 MiB report keeps core busy meanwhile)
t=core_reads_the_irq_ack_channel_without_closing_fds_inside_recv
run 'attack="linger_irq_ack"' '<irq backend="sim"> <policy label="probe_attack" pci="00:01.0"/> </irq>'
if [ $rc = 0 ] && refused linger_irq_ack && has 'probe linger_irq_ack: refused: core answered'; then pass $t
else fail $t "rc=$rc, $ms ms (core waited on the socket's linger time?); $(verdict linger_irq_ack)"; fi

# The same against a component that serves (libmkx's server loop: the platform driver, the
# NIC driver): a client made hello_server close its session with the carrier queued, and
# hello_server (every client of it) waited the linger time. libmkx now closes every fd a
# peer chose, and its session sockets, with mkx_close_foreign (base/close.c: a 20 ms POSIX
# timer on a signal libmkx reserves ends the wait).
t=a_server_component_closes_a_lingering_socket_without_waiting
run 'attack="linger_server"' '<start name="hello_server"> <provides> <service name="Hello"/> </provides> </start>' \
	'<service name="Hello"> <child name="hello_server"/> </service>'
if [ $rc = 0 ] && refused linger_server && [ $ms -lt 8000 ]; then pass $t
else fail $t "rc=$rc, $ms ms; $(verdict linger_server)"; fi

# A BAR grant outlives its session: the dataspace is the BAR's own file, which the client
# keeps (fd and mapping) after closing the session. Core gave the BAR to the next child at
# once, so two held it; now the grant stays the first client's until it exits.
t=a_bar_kept_past_its_session_is_not_granted_again
printf '<config>\n<io_mem backend="sim"> <policy label_prefix="probe_" pci="00:01.0" bar="2"/> </io_mem>
<default-route> <any-service> <parent/> </any-service> </default-route>
<start name="probe_a"> <binary name="probe_attack"/> <config attack="bar_keep"/> </start>
<start name="probe_b" finish="yes"> <binary name="probe_attack"/> <config attack="bar_take"/> </start>
</config>\n' > "$T/c.xml"
core
kept=$(grep -n 'probe bar_keep: session closed' "$T/out" | cut -d: -f1)
gone=$(grep -n 'child "probe_a" exited' "$T/out" | cut -d: -f1)
took=$(grep -n 'IO_MEM "probe_b": .* granted' "$T/out" | cut -d: -f1)
if [ $rc = 0 ] && [ -n "$kept" ] && [ -n "$gone" ] && [ -n "$took" ] && [ "$took" -gt "$gone" ] &&
   ! has 'probe bar_keep: inconclusive'; then pass $t
else fail $t "rc=$rc; probe_b granted at line ${took:-never}, probe_a kept it from line ${kept:-?}, exited at line ${gone:-?}; $(verdict bar_keep)"; fi

# DMA buffers kept past FREE: core cannot take a buffer's memfd back (sealed against
# shrinking, so that no one frees memory a device may still write), but FREE gave the
# quantum back. A client with a 4 MiB quantum kept 32 MiB (the whole simulated pool of 16
# huge pages: every other driver's ALLOC fails then). Now core keeps a freed buffer charged
# while any process holds its memfd or a mapping of it (linux/proc_holders.c reads /proc):
# the probe's second ALLOC is refused.
t=dma_buffers_kept_past_free_stay_charged
run 'attack="dma_keep"' '<dma backend="sim" huge_pages="16"> <policy label="probe_attack" pci="00:03.0"/> </dma>'
sed -i 's|<start name="probe_attack" finish="yes">|& <resource name="RAM" quantum="4M"/>|' "$T/c.xml"
core
if [ $rc = 0 ] && refused dma_keep; then pass $t
else fail $t "rc=$rc; $(verdict dma_keep)"; fi

# A child forks and exits: core reaps it and releases its grants (direct
# ports, BARs, IRQs), but the grandchild keeps what it inherited (the same
# fds, the same ioperm bitmap), and on a host outlives core. Core kills what
# a child leaves in its process group (and, with cgroup2, in its cgroup).
# orphan ATTACK: sets left=yes if the grandchild still ran after core ended
orphan() {
	run "attack=\"$1\""
	gpid=$(sed -n 's/.*probe orphan: grandchild \([0-9]*\) left behind.*/\1/p' "$T/out")
	guid=$(sed -n 's/.*left behind (uid \([0-9]*\)).*/\1/p' "$T/out")
	left=no
	# Still running (not a zombie its new parent has yet to reap), with the probe's uid.
	if [ -n "$gpid" ] && [ "$(awk '/^Uid:/ { print $2 }' /proc/$gpid/status 2>/dev/null)" = "$guid" ] &&
	   ! grep -q '^State:.*[ZX]' /proc/$gpid/status 2>/dev/null; then
		left=yes
		kill -KILL "$gpid"	# ours: started by this test's probe
	fi
}
t=core_kills_what_a_child_leaves_in_its_process_group
orphan orphan
if [ $rc = 0 ] && [ -n "$gpid" ] && [ $left = no ]; then pass $t
else fail $t "rc=$rc; grandchild ${gpid:-?} outlived the child and core (left=$left)"; fi
# The same grandchild in a session of its own: out of the process group,
# only its cgroup (cgroup.kill) or its uid finds it. Without cgroup2 (this
# host has v1) core kills by uid (linux/uid_reap.c): as root, each child has
# a uid of its own; an unprivileged core's children share its uid, and
# nothing tells them apart (a known hole then).
t=core_kills_what_a_child_leaves_in_its_cgroup_or_by_its_uid
orphan orphan_setsid
if [ $rc = 0 ] && [ -n "$gpid" ] && [ $left = no ]; then
	if root && ! has 'RAM quanta enforced as cgroup memory limits' &&
	   ! grep -qE 'child "probe_attack" left processes of its uid [0-9]+ behind; killed' "$T/out"; then
		fail $t "grandchild gone, but core did not say it killed it by uid"
	else pass $t; fi
elif [ -n "$gpid" ] && ! root && ! has 'RAM quanta enforced as cgroup memory limits'; then
	# a hole that is known is still a hole
	fail $t "HOLE: an unprivileged core without cgroup2: grandchild $gpid in its own session (setsid) outlived its parent and core"
else fail $t "grandchild ${gpid:-?} outlived the child and core (left=$left)"; fi

# Two cores on one host (tests running side by side, two compositions)
# gave their children the same uids (0x6d6b0000 + slot): a child of one
# core could signal, ptrace and read the children of the other (signal 0
# and /proc/PID/environ here). Each core now claims a range of its own
# (privdrop.c: a lock file per range, held for core's life).
t=children_of_two_cores_on_one_host_have_different_uids
if root; then
	config 'attack="victim" linger_ms="4000"' > "$T/v.xml"
	"$B/bin/core" --config "$T/v.xml" --bin-dir "$B/bin" > "$T/vout" 2>&1 &
	pid=$!
	for i in $(seq 50); do grep -q 'probe victim: pid' "$T/vout" && break; sleep 0.1; done
	vpid=$(sed -n 's/.*probe victim: pid \([0-9]*\).*/\1/p' "$T/vout")
	run "attack=\"reach_pid\" target=\"${vpid:-0}\""
	wait $pid; pid=
	if [ -n "$vpid" ] && [ $rc = 0 ] && refused reach_pid; then pass $t
	else fail $t "victim pid ${vpid:-none}, rc=$rc; $(verdict reach_pid)"; fi
else skip $t "needs root (an unprivileged core's children all share its uid)"; fi

# Session quota donation (core-services/broker.c) records each granted session with a
# ram_quota. The records were 256 for all children together: one child keeping 256 sessions
# of 1 byte each (at five hello_servers: one served 64) took every record, and another
# child's ordinary session (ram_quota=4K, at a server with room) was refused. Now a client
# has at most GRANTS_PER_CLIENT (32) records, and the table has room for every child's: the
# hog (16 at each server, the most base/server.c serves one client) must be stopped by
# core's bound, named in its refusal, and the other child served.
t=one_child_cannot_take_every_donation_record
{
	printf '<config>\n<default-route>\n'
	for k in 0 1 2 3 4; do printf ' <service name="Hello" label_prefix="s%s-"> <child name="hs%s"/> </service>\n' $k $k; done
	printf ' <service name="Hello"> <child name="hs5"/> </service> <any-service> <parent/> </any-service> </default-route>\n'
	for k in 0 1 2 3 4 5; do printf '<start name="hs%s"> <binary name="hello_server"/> <provides> <service name="Hello"/> </provides> </start>\n' $k; done
	printf '<start name="probe_a"> <binary name="probe_attack"/> <config attack="donation_keep" linger_ms="3000"/> </start>\n'
	printf '<start name="probe_b" finish="yes"> <binary name="probe_attack"/> <config attack="donation_victim"/> </start>\n</config>\n'
} > "$T/c.xml"
core
if [ $rc = 0 ] && refused donation_victim && has 'probe donation_hog: 32 sessions granted' && has '(GRANTS_PER_CLIENT)'; then pass $t
else fail $t "rc=$rc; hog: $(sed -n 's/.*probe donation_hog: //p' "$T/out" | head -1); victim: $(verdict donation_victim)"; fi

# The same against one server: libmkx's server loop served 64 sessions, whoever held them.
# Now at most MKX_SERVER_SESSIONS_PER_CLIENT (16) to one client (the label's first element,
# which core sets): the hog is refused by the server, naming that bound, the other child served.
t=one_child_cannot_take_every_session_of_a_server
printf '<config>\n<default-route> <service name="Hello"> <child name="hello_server"/> </service> <any-service> <parent/> </any-service> </default-route>
<start name="hello_server"> <provides> <service name="Hello"/> </provides> </start>
<start name="probe_a"> <binary name="probe_attack"/> <config attack="donation_keep" linger_ms="3000"/> </start>
<start name="probe_b" finish="yes"> <binary name="probe_attack"/> <config attack="donation_victim"/> </start>
</config>\n' > "$T/c.xml"
core
if [ $rc = 0 ] && refused donation_victim && has 'probe donation_hog: 16 sessions granted' && has '(MKX_SERVER_SESSIONS_PER_CLIENT)'; then pass $t
else fail $t "rc=$rc; hog: $(sed -n 's/.*probe donation_hog: //p' "$T/out" | head -1); victim: $(verdict donation_victim)"; fi

# A freed DMA buffer whose only copy is in flight (SCM_RIGHTS, queued in a socket pair
# the client keeps) was held by no process /proc shows: core uncharged it, and the client
# received it back, 16 buffers of 2 MiB with a 4 MiB quantum. Now core asks the kernel
# (a lease check, linux/dma_lease.c): a file in flight is still open, the buffer stays
# charged, and the probe's third ALLOC is refused.
t=dma_buffers_in_flight_while_freed_stay_charged
run 'attack="dma_inflight"' '<dma backend="sim" huge_pages="16"> <policy label="probe_attack" pci="00:03.0"/> </dma>'
sed -i 's|<start name="probe_attack" finish="yes">|& <resource name="RAM" quantum="4M"/>|' "$T/c.xml"
core
if [ $rc = 0 ] && refused dma_inflight; then pass $t
else fail $t "rc=$rc; $(verdict dma_inflight)"; fi

# core's scan for holders of freed DMA buffers (linux/proc_holders.c) read every process's
# fds in core's one thread, at each ALLOC and FREE and once a second while one is held.
# Helper processes of the probe fill their fd tables with copies of a memfd (each
# readlink'ed and stat'ed), the last keeps a freed buffer mapped: 16 helpers with ~320k fds
# kept core from answering for ~2 s. Now a child has at most 1024 fds per process
# (PRIVDROP_NOFILE), so the probe forks 240 helpers (of RLIMIT_NPROC 256): ~245k fds; core
# looks at /proc in steps of 10-50 ms (holders.h): does it still answer within 1 s (FREE,
# and session requests for 3 s)? And was each helper held to 1024 fds?
t=holding_a_freed_dma_buffer_among_many_fds_does_not_stall_core
run 'attack="dma_scan_stall" helpers="240"' '<dma backend="sim" huge_pages="16"> <policy label="probe_attack" pci="00:03.0"/> </dma>'
nfds=$(sed -n 's/.*probe dma_scan_stall: .* \([0-9]*\) helpers holding \([0-9]*\) memfd fds.*/\2/p' "$T/out")
nhelp=$(sed -n 's/.*probe dma_scan_stall: .* \([0-9]*\) helpers holding \([0-9]*\) memfd fds.*/\1/p' "$T/out")
if [ $rc = 0 ] && refused dma_scan_stall && [ "${nhelp:-0}" -ge 240 ] &&
   [ "${nfds:-0}" -ge 100000 ] && [ "${nfds:-0}" -le $((nhelp * 1024)) ]; then pass $t
else fail $t "rc=$rc: $(verdict dma_scan_stall) (need refused, >= 240 helpers, >= 100000 fds, <= 1024 each)"; fi

# Many processes left behind, each in a session of its own, every 8th changing its pid
# every 2 ms (fork, the parent exits): core's kill by uid (linux/uid_reap.c) must get
# them all. Each would end by itself after 5 s; looked at as soon as core ended.
t=core_kills_a_swarm_of_processes_a_child_leaves_behind
if root; then
	run 'attack="orphan_swarm" processes="64"'
	u=$(sed -n 's/.*probe orphan_swarm: .* left behind (uid \([0-9]*\)).*/\1/p' "$T/out")
	live=$(ps -eo uid=,stat= | awk -v u="${u:-x}" '$1 == u && $2 !~ /^[ZX]/' | wc -l)
	if [ $rc = 0 ] && [ -n "$u" ] && [ "$live" = 0 ] && grep -qE "child \"probe_attack\" left processes of its uid $u behind; killed" "$T/out"; then pass $t
	else fail $t "rc=$rc; uid ${u:-?}: $live processes still live after core ended"; fi
else skip $t "needs root (an unprivileged core's children all share its uid)"; fi

# core logs a denial repeated to a child once (sessions.c), but alternated denials are
# each logged. They were core's own lines, which no share limits: on a console that does
# not keep up (a FIFO nobody reads for 4 s), one child's flood of alternated denials (3 s)
# took the whole queue, and a later denial of another child, and that child's own LOG
# line, were dropped, only counted. Now what core says about a child's request on its
# parent channel is charged to that child's share (output.c out_behalf, parent.c).
t=a_flood_of_denials_does_not_hide_another_childs_denial
printf '<config>\n<default-route> <any-service> <parent/> </any-service> </default-route>
<start name="probe_a"> <binary name="probe_attack"/> <config attack="denial_flood" via="rom" ms="3000"/> </start>
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
wait $cat_pid
if [ $rc = 0 ] && has 'denied ROM session "probe_b -> victim-marker"' && has 'probe denial_victim: asked'; then pass $t
elif [ $rc = 0 ] && has 'log lines dropped' && has 'denied ROM session "probe_a -> missing-'; then
	fail $t "HOLE: probe_a's alternated denials filled the console queue; probe_b's denial $(has 'probe_b -> victim-marker' && echo kept || echo dropped), its own LOG line $(has 'probe denial_victim: asked' && echo kept || echo dropped); $(grep -c 'log lines dropped' "$T/out") drop counts"
else fail $t "rc=$rc, no result"; fi

# A child's processes are bounded (RLIMIT_NPROC of its own uid, linux/privdrop.c): without
# a bound one component could take every pid of the host, and then core could not fork
# the helper that kills by uid (uid_reap.c). The probe forks up to 1000, each gone with it.
t=a_child_cannot_fork_without_bound
if root; then
	run 'attack="fork_bound" max="1000"'
	if [ $rc = 0 ] && refused fork_bound; then pass $t
	else fail $t "rc=$rc: $(verdict fork_bound)"; fi
else skip $t "needs root (an unprivileged core's children share its uid, and its limits)"; fi
