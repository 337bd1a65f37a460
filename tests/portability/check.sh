#!/bin/sh
# The rule that makes mkx what it is: pci/, acpi/, drivers/ (and base/ and
# apps/, which they link or resemble) use only core's sessions. Nothing
# there may name a Linux device-access interface; only core-services/ may.
# Prints "ok - ..." / "FAIL - ..." lines.
B=${B:-build/out}
DIRS=""
for d in base apps pci acpi drivers tests/components; do [ -d "$d" ] && DIRS="$DIRS $d"; done
PAT='/sys/bus/pci|/sys/firmware|/sys/class|/dev/mem|/dev/port|/dev/uio|/dev/vfio|/proc/self/pagemap|\<iopl *\(|\<ioperm *\(|linux/vfio\.h|sys/io\.h|\<uio_|\<vfio_'
# Code only: comments may explain what we avoid. gcc strips them (-fpreprocessed).
hits=$(for f in $(find $DIRS -name '*.[ch]' 2>/dev/null); do
	gcc -fpreprocessed -dD -E -P "$f" 2>/dev/null | grep -nE "$PAT" | sed "s|^|$f:|"
done | head -5)
if [ -z "$hits" ]; then echo "ok - portability_no_linux_interfaces_in_components_source"
else echo "FAIL - portability_no_linux_interfaces_in_components_source: $hits"; fi

# The binaries too: a component that links ioperm/iopl could take port
# privilege itself. (Core's binary is the one allowed to.)
bad=""
for f in "$B"/bin/*; do
	case "$(basename "$f")" in core|raw_*) continue;; esac	# core-services/ binaries
	nm "$f" 2>/dev/null | grep -qwE '[TU] (ioperm|iopl)(@[A-Z_0-9.]*)?' && bad="$bad $(basename "$f")"
done
if [ -z "$bad" ]; then echo "ok - portability_no_component_binary_contains_ioperm_or_iopl"
else echo "FAIL - portability_no_component_binary_contains_ioperm_or_iopl:$bad"; fi
