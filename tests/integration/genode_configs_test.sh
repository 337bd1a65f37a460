#!/bin/sh
# core --check on a corpus of real Genode init configs (tests/config/genode/,
# generated from Genode's run scripts and recipes by generate.sh, each naming
# its source path and commit): Genode's init starts every one of them, so
# core must accept every one (exit 0, "config ok"). Where core accepts a
# config with warnings (a route that can never be served, HID text that
# breaks doc/hid.txt), it names them; the last line says how many configs
# carried warnings. Binaries are stubs, made as core asks for them (a path
# as binary name is a file below the bin dir). CORE=path checks another
# core (e.g. one built from an older commit).
# Then core itself runs tests/config/runtime/lazy_routes.hid, a composition
# in Genode's style (start names with '/' and spaces, a binary path, a
# route whose first target does not exist, identity=): its warnings at
# check time, the exchange through the route that serves, and the denial
# of a session whose only target does not exist, when it is asked for.
set -u
B=${B:-build/out}
CORE=${CORE:-$B/bin/core}
D=tests/config/genode
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/bin"
# a copy: a rebuild going on next to the test must not pull core away under it
cp "$CORE" "$T/core" || { echo "plan 1"; echo "FAIL - genode_corpus_all_accepted: no core at $CORE"; exit 1; }
CORE=$T/core
configs=$(cd $D && ls *.xml *.hid 2>/dev/null)
count=$(echo $configs | wc -w)
echo "plan $((count + 3))"

# check FILE: core --check with a stub for every binary it asks for; output in $T/out, status in $rc
check() {
	for i in $(seq 80); do
		"$CORE" --check "$1" --bin-dir "$T/bin" >"$T/out" 2>&1; rc=$?
		missing=$(sed -n 's/.*binary "\([^"]*\)" of <start name="[^"]*"> not found.*/\1/p' "$T/out" | head -1)
		[ $rc = 2 ] && [ -n "$missing" ] || return 0
		case $missing in */*) mkdir -p "$T/bin/${missing%/*}" ;; esac
		printf '#!/bin/sh\nexit 0\n' >"$T/bin/$missing"
		chmod +x "$T/bin/$missing"
	done
}

accepted=0
warned=0
for f in $configs; do
	check "$D/$f"
	src=$(grep -m1 "genodelabs/genode" "$D/$f" | sed 's/^ *<!-- //; s/^ *\. //; s/ (tests.*//')
	if [ $rc = 0 ] && grep -q '^config ok' "$T/out"; then
		accepted=$((accepted + 1))
		w=$(grep -c '^  .*warning' "$T/out")
		[ "$w" -gt 0 ] && warned=$((warned + 1))
		echo "ok - genode_config_$f accepted ($w warnings; $src)"
	else
		echo "FAIL - genode_config_$f: refused (rc=$rc; $src): $(grep -v '^$' "$T/out" | head -3 | tr '\n' ' ')"
	fi
done
if [ "$count" -ge 100 ] && [ "$accepted" = "$count" ]; then
	echo "ok - genode_corpus_all_accepted ($accepted of $count configs accepted, $warned with warnings)"
else
	echo "FAIL - genode_corpus_all_accepted: $accepted of $count accepted (at least 100 needed), $warned with warnings"
fi

# core itself: the lazy-route composition runs; warnings first, the denial only when asked
R=tests/config/runtime/lazy_routes.hid
"$CORE" --check "$R" --bin-dir "$B/bin" >"$T/check" 2>&1; rc=$?
why=""
[ $rc = 0 ] || why="refused (rc=$rc)"
for w in "$R:8:17: warning: '|' with nothing after it" "$R:18: warning: there is no <start name=\"ghost\">" \
    "$R:20: warning: there is no <start name=\"nowhere\">" 'Hello -> ghost, else hello server as "app -> <last element>"'; do
	grep -qF -- "$w" "$T/check" || why="$why; missing: $w"
done
if [ -z "$why" ]; then echo "ok - genode_style_config_checked_with_its_warnings"
else echo "FAIL - genode_style_config_checked_with_its_warnings: ${why#; }"; sed 's/^/    /' "$T/check"; fi

"$CORE" --config "$R" --bin-dir "$B/bin" >"$T/run" 2>&1 &
pid=$!
ok=""
for i in $(seq 200); do
	grep -qF '[init] child "/bin/hello client" exited with exit value 0' "$T/run" &&
	    grep -qF '[init] child "lost client" exited with exit value 1' "$T/run" && { ok=1; break; }
	kill -0 $pid 2>/dev/null || break	# core ended (refused the config)
	sleep 0.1
done
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
why=""
[ -n "$ok" ] || why="the clients did not both end within 20 s"
for w in '[init -> hello server] session opened by "app -> greeter"' \
    '[init -> /bin/hello client] server says: Hello, mkx! (greeting #2)' \
    '[init] denied Hello session "lost client -> greeter": the route at line 26 for "Hello"'; do
	grep -qF -- "$w" "$T/run" || why="$why; missing: $w"
done
if [ -z "$why" ]; then echo "ok - genode_style_config_runs_routes_resolved_on_request"
else echo "FAIL - genode_style_config_runs_routes_resolved_on_request: ${why#; }"; sed 's/^/    /' "$T/run" | tail -30; fi
