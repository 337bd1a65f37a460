#!/bin/sh
# No file of Genode's tree is copied into this repository: Genode's components are built
# where they are (make genode, GENODE_DIR). Every file of the repository (tracked, and
# untracked ones git does not ignore) is compared with every file of the Genode tree:
#   no_file_copied        same bytes (sha256)
#   no_file_reformatted   same text once all whitespace is taken out (a copy re-indented or
#                         with its line ends changed), for texts of 200 bytes or more
# and the comparison is shown to work on this run's own data: a scratch directory with one
# Genode file copied as is and one re-indented must be caught by both.
# GENODE_DIR defaults to ../shared/genode (as make genode); without a tree nothing can be
# compared and the results are skips, never passes.
cd "$(dirname "$0")/../.." || exit 1
GENODE_DIR=${GENODE_DIR:-../shared/genode}
echo "plan 3"
if [ ! -d "$GENODE_DIR/repos" ]; then
	for t in no_file_copied no_file_reformatted detector_catches_copies; do
		echo "skip - $t: no Genode tree at GENODE_DIR=$GENODE_DIR"
	done
	exit 0
fi
scratch=$(mktemp -d /tmp/genode_nocopy.XXXXXX) || exit 1
trap 'rm -rf "$scratch"' EXIT
# The detector's own test data: a Genode source as is, and the same re-indented.
src="$GENODE_DIR/repos/base/src/lib/base/heap.cc"
cp "$src" "$scratch/copied.cc"
sed 's/^\t/    /; s/$/ /' "$src" > "$scratch/reindented.cc"
# In a git checkout git names the files; in an export without .git (a release tarball, a
# CI copy made with git archive) every file outside build/ counts.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -co --exclude-standard -z > "$scratch/files" || exit 1
else
	find . -path ./build -prune -o -path ./.git -prune -o -type f -printf '%P\0' > "$scratch/files" || exit 1
fi
python3 - "$GENODE_DIR" "$scratch" <<'EOF'
import hashlib, os, re, sys

genode, scratch = sys.argv[1], sys.argv[2]
MIN_TEXT = 200

def keys(path):
    with open(path, "rb") as f:
        data = f.read()
    squeezed = re.sub(rb"\s+", b"", data)
    return (hashlib.sha256(data).hexdigest(),
            hashlib.sha256(squeezed).hexdigest() if len(squeezed) >= MIN_TEXT else None)

exact, text = {}, {}
for root, _, files in os.walk(genode):
    for n in files:
        p = os.path.join(root, n)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        e, t = keys(p)
        exact.setdefault(e, p)
        if t:
            text.setdefault(t, p)
if not exact:
    print("FAIL - no_file_copied: the Genode tree has no files")
    print("FAIL - no_file_reformatted: the Genode tree has no files")
    print("FAIL - detector_catches_copies: the Genode tree has no files")
    sys.exit(1)

def find(paths):
    same, similar = [], []
    for p in paths:
        if not os.path.isfile(p) or os.path.islink(p):
            continue
        e, t = keys(p)
        if e in exact:
            same.append(f"{p} = {exact[e]}")
        elif t and t in text:
            similar.append(f"{p} ~ {text[t]}")
    return same, similar

with open(os.path.join(scratch, "files"), "rb") as f:
    repo = [p.decode() for p in f.read().split(b"\0") if p]
same, similar = find(repo)
print(f"ok - no_file_copied ({len(repo)} files against {len(exact)} of Genode's)" if not same
      else "FAIL - no_file_copied: " + "; ".join(same[:5]))
print("ok - no_file_reformatted" if not similar
      else "FAIL - no_file_reformatted: " + "; ".join(similar[:5]))
s2, r2 = find([os.path.join(scratch, "copied.cc"), os.path.join(scratch, "reindented.cc")])
caught = len(s2) == 1 and "copied.cc" in s2[0] and len(r2) == 1 and "reindented.cc" in r2[0]
print("ok - detector_catches_copies" if caught
      else f"FAIL - detector_catches_copies: copied {s2}, re-indented {r2}")
sys.exit(0 if not same and not similar and caught else 1)
EOF
