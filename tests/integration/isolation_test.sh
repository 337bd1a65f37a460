#!/bin/sh
# Issue 10, finding 1, on the host: core (as root) starts children
# unprivileged, and the kernel refuses every escape the hostile component
# (tests/attack/) tries. As an ordinary user core cannot drop anything
# (its children are as privileged as it is), so the test needs root.
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 3"
if [ "$(id -u)" != 0 ]; then
	for t in isolation_hostile_refused_everything isolation_children_own_uids isolation_sibling_survives; do
		echo "skip - $t: needs root (an unprivileged core has nothing to drop)"
	done
	exit 0
fi
has() { grep -qF -- "$1" "$T/out"; }
"$B/bin/core" --config tests/integration/isolation.xml --bin-dir "$B/bin" > "$T/out" 2>&1 &
pid=$!
# While it runs: the sibling's uid, as the kernel sees it (hello_server lives until hostile ends).
sib=""
for i in $(seq 500); do
	for p in $(pgrep -P $pid -x hello_server); do sib=$(awk '/^Uid:/ { print $2 }' /proc/$p/status 2>/dev/null); done
	[ -n "$sib" ] && break
	sleep 0.02
done
timeout 30 sh -c "while kill -0 $pid 2>/dev/null; do sleep 0.1; done"
wait $pid; rc=$?
n=$(grep -c 'attempt .*: refused' "$T/out")
if [ $rc = 0 ] && has "hostile: $n attempts, $n refused, 0 escapes" && [ "$n" -ge 16 ] && ! has ESCAPE; then
	echo "ok - isolation_hostile_refused_everything ($n attempts)"
else
	echo "FAIL - isolation_hostile_refused_everything: rc=$rc, $n refused"
	grep -E 'ESCAPE|hostile:|init\]' "$T/out" | sed 's/^/    /' | head -30
fi
# hostile's own credentials line: one uid (real = effective = saved = fs), not root,
# not the sibling's; no groups, no capabilities at all, no_new_privs.
cred=$(grep -m1 'credentials: ' "$T/out")
huid=$(echo "$cred" | sed -n 's/.*Uid: \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\) |.*/\1 \2 \3 \4/p')
set -- $huid
if [ $# = 4 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ] && [ "$1" = "$4" ] && [ "$1" != 0 ] &&
   [ -n "$sib" ] && [ "$sib" != 0 ] && [ "$sib" != "$1" ] &&
   echo "$cred" | grep -q 'Groups: *|' && echo "$cred" | grep -q 'CapPrm: 0000000000000000' &&
   echo "$cred" | grep -q 'CapEff: 0000000000000000' && echo "$cred" | grep -q 'CapBnd: 0000000000000000' &&
   echo "$cred" | grep -q 'NoNewPrivs: 1'; then
	echo "ok - isolation_children_own_uids (hostile $1, hello_server $sib)"
else
	echo "FAIL - isolation_children_own_uids: hostile: $cred; hello_server uid: $sib"
fi
if has 'attempt kill_sibling: refused' && ! has 'child "hello_server" crashed'; then
	echo "ok - isolation_sibling_survives"
else
	echo "FAIL - isolation_sibling_survives"; grep 'hello_server' "$T/out" | sed 's/^/    /'
fi
