#!/bin/sh
# The rule that makes mkx what it is: pci/, acpi/, drivers/ (and base/ and
# apps/, which they link or resemble) use only core's sessions. Nothing
# there may name a Linux device-access interface; only core-services/ may.
# Prints "plan 3", then "ok - ..." / "FAIL - ..." lines.
B=${B:-build/out}
echo "plan 3"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DIRS=""
for d in base apps pci acpi drivers tests/components; do [ -d "$d" ] && DIRS="$DIRS $d"; done
PAT='/sys/bus|/sys/devices|/sys/firmware|/sys/class|/sys/kernel|/sys/fs/cgroup|/dev/mem|/dev/kmem|/dev/port|/dev/uio|/dev/vfio|/dev/cpu|/proc/self/pagemap|/proc/iomem|/proc/ioports|/proc/bus/pci|\<iopl *\(|\<ioperm *\(|SYS_iopl|SYS_ioperm|__NR_iopl|__NR_ioperm|linux/vfio\.h|sys/io\.h|\<uio_|\<vfio_'
# Code only: comments may explain what we avoid. gcc strips them (-fpreprocessed).
# core's own files outside linux/ are portable session logic too: only
# core-services/linux/ (one mechanism per file) and the host tools may name these.
CORE_PORTABLE=$(ls core-services/*.[ch] core-services/sim/*.[ch] 2>/dev/null)
# A file gcc cannot preprocess (an unterminated comment, unreadable) was
# not checked at all: it is a hit too, named with gcc's error, never clean.
scan() {	# FILES...: the first hits, "file:line: text" or "file: gcc cannot ..."
	for f in "$@"; do
		if ! gcc -fpreprocessed -dD -E -P "$f" >"$T/code" 2>"$T/gcc.err"; then
			echo "$f: gcc cannot preprocess it, so it was not checked: $(grep -m2 -E 'error|fatal' "$T/gcc.err" | tr '\n' ' ')"
			continue
		fi
		grep -nE "$PAT" "$T/code" | sed "s|^|$f:|"
	done | head -5
}
files=$(find $DIRS -name '*.[ch]' 2>/dev/null)
nfiles=$(echo $files $CORE_PORTABLE | wc -w)
hits=$(scan $files $CORE_PORTABLE)
if [ "$nfiles" = 0 ]; then echo "FAIL - portability_no_linux_interfaces_in_components_source: no source files found (run from the top of the tree)"
elif [ -z "$hits" ]; then echo "ok - portability_no_linux_interfaces_in_components_source ($nfiles files)"
else echo "FAIL - portability_no_linux_interfaces_in_components_source: $hits"; fi

# The fence itself: each way past it that was once missed must be caught
# (the last: a file gcc cannot preprocess, its escape inside an unterminated comment).
missed=""
for bad in 'syscall(SYS_iopl, 3);' 'syscall(__NR_ioperm, 0x80, 1, 1);' 'open("/sys/devices/pci0000:00/0000:00:02.0/config", 2);' \
    'open("/dev/mem", 0);' 'iopl (3);' 'fopen("/proc/iomem", "r");' '#include <sys/io.h>' '/* open("/dev/mem", 0);'; do
	printf '%s\n' "$bad" > "$T/bad.c"
	[ -n "$(scan "$T/bad.c")" ] || missed="$missed [$bad]"
done
printf '/* iopl(3) and /dev/mem named in a comment are fine */\nint x;\n' > "$T/good.c"
if [ -z "$missed" ] && [ -z "$(scan "$T/good.c")" ]; then echo "ok - portability_check_catches_known_escapes"
else echo "FAIL - portability_check_catches_known_escapes: missed$missed"; fi

# The binaries too: a component that links ioperm/iopl could take port
# privilege itself. (Core's binary is the one allowed to.)
# A binary nm cannot read was not checked: named as bad, as is an empty bin/.
bad=""
n=0
for f in "$B"/bin/*; do
	[ -f "$f" ] || continue
	# core-services/ binaries (core; bench references run as root before core: raw_*, and
	# pci_walk, which walks CF8/CFC itself where there is no MCFG, as lspci -A intel-conf1
	# does), and the hostile test component whose job is to try these
	case "$(basename "$f")" in core|raw_*|pci_walk|hostile) continue;; esac
	n=$((n + 1))
	if ! nm "$f" >"$T/syms" 2>"$T/nm.err"; then
		bad="$bad $(basename "$f") (nm: $(head -1 "$T/nm.err"))"
	elif grep -qwE '[TU] (ioperm|iopl)(@[A-Z_0-9.]*)?' "$T/syms"; then
		bad="$bad $(basename "$f")"
	fi
done
if [ "$n" = 0 ]; then echo "FAIL - portability_no_component_binary_contains_ioperm_or_iopl: no component binaries in $B/bin (build first)"
elif [ -z "$bad" ]; then echo "ok - portability_no_component_binary_contains_ioperm_or_iopl ($n binaries)"
else echo "FAIL - portability_no_component_binary_contains_ioperm_or_iopl:$bad"; fi
