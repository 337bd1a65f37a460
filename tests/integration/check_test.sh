#!/bin/sh
# core --check on configs written with the vocabulary of Genode's run scripts
# (tests/integration/genode_configs/, our own, HID and XML): each is accepted
# against stub binaries and core names what it honours and what it ignores;
# each one in bad/ is refused with file:line(:column) and the broken rule.
# What must be said is in genode_configs/expect. GENODE_CONFIGS=DIR checks
# every *.hid/*.xml/*.config there too (e.g. configs taken from Genode's run
# scripts): accepted, or the error is shown.
set -u
B=${B:-build/out}
BIN=$B/bin
D=tests/integration/genode_configs
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/bin"
good=$(cd $D && ls *.hid *.xml)
bad=$(cd $D && ls bad/*)
extra=""
[ -n "${GENODE_CONFIGS:-}" ] && extra=$(ls "$GENODE_CONFIGS"/*.hid "$GENODE_CONFIGS"/*.xml "$GENODE_CONFIGS"/*.config 2>/dev/null)
echo "plan $(( $(echo $good $bad $extra | wc -w) + 5 ))"	# one per config, the XML/HID twins, four runs

# check FILE: core --check with a stub for every binary the config names (made as core
# asks for them); output in $T/out, status in $rc.
check() {
	for i in $(seq 60); do
		"$BIN/core" --check "$1" --bin-dir "$T/bin" > "$T/out" 2>&1; rc=$?
		missing=$(sed -n 's/.*binary "\([^"/]*\)" of <start name="[^"]*"> not found.*/\1/p' "$T/out")
		[ $rc = 2 ] && [ -n "$missing" ] || return 0
		printf '#!/bin/sh\nexit 0\n' > "$T/bin/$missing"
		chmod +x "$T/bin/$missing"
	done
}
expectations() { grep -v '^#' $D/expect | awk -F '\t' -v f="$1" '$1 == f { print $2 }'; }
# missing FILE: the expectations of FILE that $T/out lacks, and how many there are ($n)
missing() {
	n=0
	lacks=""
	while IFS= read -r e; do
		[ -n "$e" ] || continue
		n=$((n + 1))
		grep -qF -- "$e" "$T/out" || lacks="$lacks; missing: $e"
	done <<END
$(expectations "$1")
END
}
show() { sed 's/^/    /' "$T/out" | head -40; }

for f in $good; do
	check "$D/$f"
	missing "$f"
	why=""
	[ $rc = 0 ] && grep -q '^config ok' "$T/out" || why="refused (rc=$rc)"
	grep -q '^honoured:' "$T/out" && grep -q '^ignored' "$T/out" || why="$why; no honoured/ignored report"
	[ $n -gt 0 ] || why="$why; nothing expected of it in $D/expect"
	why="$why$lacks"
	if [ -z "$why" ]; then echo "ok - check_accepts_$f ($n statements)"
	else echo "FAIL - check_accepts_$f: ${why#; }"; show; fi
done

for f in $bad; do
	check "$D/$f"
	missing "$f"
	why=""
	[ $rc = 2 ] && grep -q "^core: config error: $D/$f:[0-9]" "$T/out" || why="not refused with file:line (rc=$rc)"
	[ $n -gt 0 ] || why="$why; nothing expected of it in $D/expect"
	why="$why$lacks"
	if [ -z "$why" ]; then echo "ok - check_refuses_${f#bad/}"
	else echo "FAIL - check_refuses_${f#bad/}: ${why#; }"; show; fi
done

# The same composition in XML and in HID: the same report, line numbers and file name aside.
t=check_xml_and_hid_twins_report_the_same
strip() { sed -e 's/ (lines\{0,1\} [0-9, .]*)//g' -e 's/config ok: \([0-9]*\) children (.*)/config ok: \1 children/'; }
check "$D/hello_twin.xml"; strip < "$T/out" > "$T/xml"
check "$D/hello_twin.hid"; strip < "$T/out" > "$T/hid"
if cmp -s "$T/xml" "$T/hid" && grep -q 'Hello -> hello_server' "$T/hid"; then echo "ok - $t"
else echo "FAIL - $t:"; diff "$T/xml" "$T/hid" | sed 's/^/    /' | head -20; fi

# The default scenario's HID config runs as its XML twin does (core_test.sh), here on the host.
t=hid_hello_composition_runs
timeout 30 "$BIN/core" --config apps/hello/config.hid --bin-dir "$BIN" > "$T/out" 2>&1; rc=$?
if [ $rc = 0 ] && grep -qF '[init -> hello_server] session opened by "hello_client -> greeter"' "$T/out" &&
   grep -qF '[init -> hello_client] server says: Hello, mkx! (greeting #2)' "$T/out" &&
   grep -qF '[init] composition ended: all children exited cleanly' "$T/out"; then echo "ok - $t"
else echo "FAIL - $t: rc=$rc"; show; fi

# Routing at runtime: <any-child/> after <parent/> finds the server; a target's label= is what it sees.
runs() { timeout 30 "$BIN/core" --config "$1" --bin-dir "$BIN" > "$T/out" 2>&1; rc=$?; }
t=hid_any_child_reaches_the_server
cat > "$T/any.hid" <<END
config
+ default-route
  + any-service | + parent
                | + any-child
+ default | ram: 1M
+ start hello_server
  + provides | + service Hello
  + config | greeting: Hi
+ start hello_client
  + exit | propagate: yes
  + config | name: any | count: 1
-
END
runs "$T/any.hid"
if [ $rc = 0 ] && grep -qF '[init -> hello_client] server says: Hi, any! (greeting #1)' "$T/out"; then echo "ok - $t"
else echo "FAIL - $t: rc=$rc"; show; fi

t=hid_route_label_rewrite_is_what_the_server_sees
cat > "$T/rewrite.hid" <<END
config
+ default-route | + any-service | + parent
+ start hello_server
  + provides | + service Hello
+ start hello_client
  + exit | propagate: yes
  + config | name: rw | count: 1
  + route
    + service Hello | label_last: greeter | + child hello_server | label: someone -> else
    + any-service                         | + parent
-
END
runs "$T/rewrite.hid"
if [ $rc = 0 ] && grep -qF '[init -> hello_server] session opened by "someone -> else"' "$T/out" &&
   grep -qF 'server says: Hello, rw! (greeting #1)' "$T/out"; then echo "ok - $t"
else echo "FAIL - $t: rc=$rc"; show; fi

# SIGHUP re-reads a HID config and delivers the changed <config> as a ROM update.
t=hid_config_reload_updates_the_config_rom
printf 'config\n+ default-route | + any-service | + parent\n+ start rom_watcher\n  + config | value: 1\n-\n' \
    > "$T/reload.hid"
: > "$T/out"	# emptied first: the background job's redirection may come after the grep below
"$BIN/core" --config "$T/reload.hid" --bin-dir "$BIN" > "$T/out" 2>&1 &
pid=$!
for i in $(seq 200); do grep -qF 'value=1' "$T/out" && break; sleep 0.1; done
sed -i 's/value: 1/value: 2/' "$T/reload.hid"
kill -HUP $pid
for i in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -KILL $pid 2>/dev/null
wait $pid; rc=$?
if [ $rc = 0 ] && grep -qF '[init -> rom_watcher] updated value=2' "$T/out"; then echo "ok - $t"
else echo "FAIL - $t: rc=$rc"; show; fi

for f in $extra; do
	check "$f"
	if [ $rc = 0 ]; then echo "ok - check_genode_config_$(basename "$f") ($(grep -c '^  [^ ]' "$T/out") lines)"
	else echo "FAIL - check_genode_config_$(basename "$f"): $(head -1 "$T/out")"; fi
done
