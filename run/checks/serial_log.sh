# Sourced by the shell checks: the serial log ($MKX_LOG) as run/checks/serial_log.py reads
# it (the runner's stamps off; only core's "[init] ", a component's "[init -> NAME] " and
# the kernel's timestamped lines), in the file $LINES, and anchored ways to search it.
# A child's text is only ever inside its own "[init -> NAME] " line, so a pattern
# that starts with the author's prefix cannot be met by another author's line.
LINES=$(mktemp) || exit 1
trap 'rm -f "$LINES"' EXIT
python3 "$(dirname "$0")/serial_log.py" > "$LINES" || { echo "cannot read the serial log '$MKX_LOG'" >&2; exit 1; }

# anchored ERE: every pattern must begin with ^ (a check that forgets it is a bug, not a pass)
anchored() {
	case $1 in
	'^'*) ;;
	*) echo "check bug: pattern '$1' is not anchored at the line start" >&2; exit 2;;
	esac
}
# has_line TEXT: some line begins with TEXT (literal text, no pattern)
has_line() { awk -v p="$1" 'index($0, p) == 1 { f = 1; exit } END { exit !f }' "$LINES"; }
# line_of ERE: the number of the first line (of $LINES) matching the anchored ERE, or nothing
line_of() { anchored "$1"; grep -n -m1 -E -e "$1" "$LINES" | cut -d: -f1; }
# lines_of ERE: the lines matching the anchored ERE
lines_of() { anchored "$1"; grep -E -e "$1" "$LINES"; }
