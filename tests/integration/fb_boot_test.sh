#!/bin/sh
# fb_boot on the host (no QEMU, no root): it reports what platform_info says
# about a boot framebuffer (this host's own, if core can read boot_params,
# else none) in the fb_modes format, its log line and report agree, and its
# <wait_for> waits for reports without filling core's log: a repeated
# "not published yet" denial is logged once per child until another one
# comes in between (core-services/sessions.c).
set -u
B=${B:-build/out}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan $(grep -c '^t=' "$0")"	# one result per t=

pass() { echo "ok - $1"; }
fail() { echo "FAIL - $1: $2"; echo "---- output of $1:"; sed 's/^/    /' "$T/out" | tail -40; }
has() { grep -qF -- "$1" "$T/out"; }

mkdir "$T/res"
cat > "$T/c.xml" <<X
<config>
  <report_files dir="$T/res"/>
  <report_rom>
    <policy label="fb_boot -> never" report="nobody -> nothing"/>
    <policy label="fb_boot -> never_either" report="nobody -> else"/>
  </report_rom>
  <default-route> <any-service> <parent/> </any-service> </default-route>
  <start name="fb_boot" finish="yes">
    <config wait_s="2"> <wait_for rom="never"/> <wait_for rom="never_either"/> </config>
  </start>
</config>
X
timeout 30 "$B/bin/core" --config "$T/c.xml" --bin-dir "$B/bin" > "$T/out" 2>&1

t=fb_boot_reports_the_boot_framebuffer_or_none
f="$T/res/fb_boot.fb_modes.xml"
if [ -f "$f" ] && { { grep -q 'found="no"' "$f" && has '[init -> fb_boot] no firmware framebuffer: ' &&
	! grep -q '<mode' "$f"; } ||
	{ grep -q 'found="yes"' "$f" && has '[init -> fb_boot] mode current: ' &&
	[ "$(grep -c '<mode current="yes"' "$f")" = 1 ]; }; }; then pass $t
else fail $t "no fb_modes report that agrees with fb_boot's log"; fi

t=wait_for_times_out_and_says_which
if has '[init -> fb_boot] Error: ROM "never" did not appear within 2 s; ending anyway' &&
   has '[init -> fb_boot] Error: ROM "never_either" did not appear within 2 s; ending anyway' &&
   has '[init] child "fb_boot" exited with exit value 1'; then pass $t
else fail $t "fb_boot did not say which ROM it waited for in vain"; fi

t=repeated_denial_logged_once
n1=$(grep -c 'denied ROM session "fb_boot -> never":' "$T/out")
n2=$(grep -c 'denied ROM session "fb_boot -> never_either":' "$T/out")
if [ "$n1" = 1 ] && [ "$n2" = 1 ]; then pass $t
else fail $t "the polled denials were logged $n1 and $n2 times, expected once each"; fi
