#!/bin/sh
# Regenerates the corpus in this directory from Genode's own sources: every
# init config a Genode run script installs (the script evaluated by tclsh,
# with the run tool's commands as stubs, so its Tcl substitutions, procs,
# `append`s and `if {[have_spec ...]}` branches are evaluated, not cut out
# of the text) and every init config a package recipe's `runtime` carries
# (its <config> node, read by an XML parser), every config init is given by
# Genode's init test (test-init.config: each <init_config> node is a whole
# config the test feeds to init, one after the other), and raw recipes that
# are init configs themselves (drivers.config).
#
#   sh tests/config/genode/generate.sh GENODE sources.txt [OUT_DIR]
#
# sources.txt (here): lines "PATH COMMIT", the files to read and the
# genodelabs/genode commit each was read at; the commit is written into the
# config it yields. GENODE: a git clone of genodelabs/genode (each file is
# read as `git show COMMIT:PATH`), or a directory holding the files at
# their repository paths. The corpus here was made from copies read at
# those commits through the project's code look-up (no network to GitHub
# on the build machine); four of the run-script copies (report_rom,
# rom_filter, ram_fs_chunk, reconstructible) end at run_genode_until,
# without the output comparison that follows, which the stubs ignore.
#
# The run tool is evaluated for a 64-bit PC (have_spec x86 x86_64 pc,
# have_board pc, kernel nova): the branches Genode itself takes there.
# Needs tclsh (Debian: tcl) and python3. Output: one file per config,
# NAME.xml (or NAME.hid when the config is written in HID) with a comment
# naming source path and commit: the first line of an XML file, the last
# line inside the top-level node of a HID file.
set -eu
TREE=$1
LIST=$2
OUT=${3:-$(dirname "$0")}
rm -f "$OUT"/*.xml "$OUT"/*.hid
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cat >"$T/eval.tcl" <<'TCL'
# eval.tcl RUN_SCRIPT OUT: evaluate a run script in a safe interpreter whose
# run-tool commands are stubs; install_config writes its argument to OUT.
lassign $argv script out
set i [interp create -safe]
set specs {x86 x86_64 pc nova 64bit}
proc captured {out config} {
	set f [open $out w]
	puts -nonewline $f $config
	close $f
	return ""
}
interp alias $i install_config {} captured $out
interp alias $i have_spec {} apply {{specs s} { expr {[lsearch -exact $specs $s] >= 0} }} $specs
interp alias $i assert_spec {} apply {{specs s} { if {[lsearch -exact $specs $s] < 0} {
	error "the run script needs spec $s (not for this platform)" } }} $specs
interp alias $i have_board {} apply {{b} { expr {$b eq "pc"} }}
interp alias $i have_include {} apply {{inc} { expr {$inc eq "power_on/qemu"} }}
interp alias $i board {} apply {{} { return pc }}
interp alias $i have_cmd_switch {} apply {{s} { return 0 }}
interp alias $i get_cmd_switch {} apply {{s} { return 0 }}
interp alias $i get_cmd_arg {} apply {{s d} { return $d }}
interp alias $i get_cmd_arg_first {} apply {{s d} { return $d }}
interp alias $i depot_user {} apply {{} { return genodelabs }}
interp alias $i kernel_specific_binary {} apply {{b args} { return $b }}
interp alias $i nic_drv_binary {} apply {{} { return pc_nic }}
interp alias $i nic_drv_config {} apply {{} { return "" }}
interp alias $i nic_drv_build {} apply {{} { return "" }}
interp alias $i fb_drv_binary {} apply {{} { return vesa_fb }}
interp alias $i usb_host_drv_binary {} apply {{} { return pc_usb_host }}
interp alias $i run_dir {} apply {{} { return /tmp/run }}
interp alias $i genode_dir {} apply {{} { return /genode }}
interp alias $i select_from_repositories {} apply {{p} { return /genode/$p }}
interp alias $i drivers_interactive_config {} apply {{} { return "" }}
interp eval $i { set genode_dir /genode; set qemu_args ""; set repositories {}; set env(HOME) / }
# the run tool's own helper: append the values to the variable if the condition holds
interp eval $i { proc append_if {cond var args} { upvar $var v; if {$cond} { foreach a $args { append v $a } } } }
# puts: the script's messages to its user; exit: the script declines this platform
interp eval $i { proc puts args {} ; proc exit args { error "the run script exits here (not for this platform)" } }
# Every other command of the run tool (build, create_boot_directory,
# build_boot_image, run_genode_until, exec, ...) does nothing here.
interp eval $i { proc unknown args { return "" } }
set f [open $script]
set text [read $f]
close $f
if {[catch {interp eval $i $text} err]} {
	puts stderr "$script: $err"
	exit 1
}
TCL

cat >"$T/runtime.py" <<'PY'
# runtime.py RUNTIME OUT: the <config> node of a package's runtime file, as XML.
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cfg = root.find('config')
if root.tag != 'runtime' or cfg is None or root.get('binary', 'init') != 'init':
    sys.exit(3)   # not an init's runtime: no init config
cfg.tail = None
open(sys.argv[2], 'w').write(ET.tostring(cfg, encoding='unicode') + '\n')
PY

cat >"$T/init_configs.py" <<'PY'
# init_configs.py TEST_CONFIG OUTPREFIX: each <init_config> of test-init's
# script as the <config> init reads (the node renamed, nothing else changed).
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
for i, c in enumerate(root.iter('init_config')):
    c.tag = 'config'
    c.tail = None
    open('%s%02d' % (sys.argv[2], i + 1), 'w').write(ET.tostring(c, encoding='unicode') + '\n')
PY

# emit NAME SOURCE_PATH COMMIT: $T/cfg as NAME.xml or NAME.hid with its source named
emit() {
	[ -s "$T/cfg" ] || { echo "skip $2: installs no config" >&2; return; }
	# XML or HID: the first non-blank character, as core decides.
	if [ "$(tr -d ' \t\n' <"$T/cfg" | cut -c1)" = "<" ]; then
		{ echo "<!-- genodelabs/genode $2 @ $3 (tests/config/genode/generate.sh) -->"; cat "$T/cfg"; } >"$OUT/$1.xml"
	else
		# HID allows no comment above the top-level node: the source goes last, inside it
		awk -v src="  . genodelabs/genode $2 @ $3 (tests/config/genode/generate.sh)" '
			{ line[NR] = $0 } /^-[ ]*$/ { end = NR }
			END { for (i = 1; i <= NR; i++) { if (i == end) print src; print line[i] }
			      if (!end) print src }' "$T/cfg" >"$OUT/$1.hid"
	fi
	n=$((n + 1))
}

n=0
while read -r path commit; do
	case $path in ''|'#'*) continue ;; esac
	name=$(echo "$path" | sed 's,^repos/,,; s,/run/,_,; s,/recipes/pkg/,_pkg_,; s,/recipes/raw/,_raw_,; s,/runtime$,,; s,\.run$,,; s,[/.],_,g')
	# the file at its commit from a git clone, else from the tree
	mkdir -p "$T/src/$(dirname "$path")"
	if [ -d "$TREE/.git" ]; then
		git -C "$TREE" show "$commit:$path" >"$T/src/$path" 2>/dev/null ||
		    { echo "skip $path: not in $TREE at $commit" >&2; continue; }
	else
		cp "$TREE/$path" "$T/src/$path" 2>/dev/null || { echo "skip $path: not in $TREE" >&2; continue; }
	fi
	case $path in
	*.run) tclsh "$T/eval.tcl" "$T/src/$path" "$T/cfg" || { echo "skip $path: evaluation failed" >&2; continue; } ;;
	*/runtime) python3 "$T/runtime.py" "$T/src/$path" "$T/cfg" || { echo "skip $path: no init config" >&2; continue; } ;;
	*/test-init.config)
		rm -f "$T"/step*
		python3 "$T/init_configs.py" "$T/src/$path" "$T/step"
		for s in "$T"/step*; do
			mv "$s" "$T/cfg"
			emit "${name}_$(basename "$s" | sed 's/step//')" "$path <init_config> $(basename "$s" | sed 's/step0*//')" "$commit"
		done
		continue ;;
	*) cp "$T/src/$path" "$T/cfg" ;;
	esac
	emit "$name" "$path" "$commit"
done <"$LIST"
echo "$n configs written to $OUT"
