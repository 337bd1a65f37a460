#!/bin/sh
# make bench: every benchmark in run/bench/ (plus the host-side acpi one),
# each reported as a ratio against a reference measured the same way in the
# same boot (or the same host run). Never pass/fail on speed; a missing
# figure or a failing reference is an error (exit 1).
#
# Writes build/bench/results.md: date, commit, machine, load average before
# and after, and per benchmark its method (best of N, mean of N, median of
# N) beside the figures. The console shows the same text. docs/bench.md and
# docs/platform.md quote one named run of this file. A run that fails
# leaves results.md as it was and its partial text in results.md.partial.
#
# For tests/integration/bench_sh_test.sh only: MKX_BENCH_RUNNER (the scenario runner; it must
# print "log: PATH" of the serial log, as run/runner.py does), MKX_BENCH_ACPI, MKX_BENCH_OUT.
B=${B:-build/out}
export B
RUNNER=${MKX_BENCH_RUNNER:-python3 run/runner.py}
ACPI=${MKX_BENCH_ACPI:-python3 run/bench_acpi.py}
OUT=${MKX_BENCH_OUT:-build/bench}
R=$OUT/results.md
# BENCH_ONLY=irq (in the environment, or make bench BENCH_ONLY=irq): only the interrupt section
# (run/bench_irq.sh), for consecutive runs on a quiet machine; the same format, marked partial, in
# results-irq.md (results.md stays), each run also appended to results-irq-runs.md.
ONLY=${BENCH_ONLY:-}
IRQ_SECTION=$(dirname "$0")/bench_irq.sh
case "$ONLY" in
"") ;;
irq) R=$OUT/results-$ONLY.md ;;
*) echo "BENCH_ONLY=$ONLY: only \"irq\" runs alone (or leave it empty for all)" >&2; exit 2 ;;
esac
P=$R.partial
mkdir -p "$OUT"
: > "$P"

say() { printf '%s\n' "$*" | tee -a "$P"; }
out() { tee -a "$P"; }
fail() { say "bench $1: $2"; echo "make bench failed; $R not updated (this run: $P)" >&2; exit 1; }
# scenario NAME: boot run/bench/NAME.scn; the serial log's path in $L.
scenario() {
	$RUNNER "bench/$1" > "$OUT/$1.log" 2>&1 || { tail -20 "$OUT/$1.log"; fail "$1" "scenario failed, see $OUT/$1.log"; }
	L=$(sed -n 's/^log: //p' "$OUT/$1.log" | tail -1)
	[ -f "$L" ] || fail "$1" "the runner named no serial log (\"log: PATH\"); see $OUT/$1.log"
}
# The last "bench: ..." figure: fig LOG 'sed pattern with one \(number\)'.
fig() { sed -n "s/$2/\1/p" "$1" | tail -1; }
need() { for x in "$@"; do [ -n "$x" ] || fail "$SECTION" "a figure is missing; see $L"; done; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

start=$(date +%s)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | wc -l)
[ "$dirty" -gt 0 ] && commit="$commit dirty ($dirty tracked files differ from it)"
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
say "# make bench results${ONLY:+ (partial: BENCH_ONLY=$ONLY, only the interrupt section ran)}"
say ""
say "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "- commit: $commit"
say "- machine: $(nproc) CPUs ($model), Linux $(uname -r), $(qemu-system-x86_64 --version | head -1)"
say "- load average (1, 5, 15 min) before: $(load)"
say "- guest: QEMU q35 TCG (-cpu max, one vCPU), one boot per benchmark; the reference runs in the same boot"
say "- switches: context switches per round, voluntary+involuntary, from /proc/PID/status of every process"
say "  of the path (the reference's loop; ours: the bench component and core), read before and after the loop"

if [ "$ONLY" = irq ]; then
	. "$IRQ_SECTION"
	say ""
	say "- load average (1, 5, 15 min) after: $(load)"
	say "- duration: $(( $(date +%s) - start )) s"
	{ cat "$P"; echo; } >> "$OUT/results-irq-runs.md"
	mv "$P" "$R"
	echo "results: $R (this run also appended to $OUT/results-irq-runs.md)"
	exit 0
fi

# --- IO_PORT ---
SECTION=inb
scenario inb
raw=$(fig $L '.*bench: inb raw \([0-9.]*\) ns.*'); direct=$(fig $L '.*bench: inb direct \([0-9.]*\) ns.*')
rt=$(fig $L '.*bench: seqpacket round trip \([0-9.]*\) ns.*'); rpc=$(fig $L '.*bench: inb rpc \([0-9.]*\) ns.*')
need "$raw" "$direct" "$rt" "$rpc"
say ""
say "## IO_PORT inb on port 0x42 (run/bench/inb.scn, $L)"
say "method: best of 5 rounds, each the mean of 200000 inb (raw, direct), 20000 (RPC), 2000 seqpacket trips"
awk -v rt="$rt" -v raw="$raw" -v d="$direct" -v r="$rpc" 'BEGIN {
	printf "    raw inb in a plain process (reference) %10.1f ns   1.00x\n", raw
	printf "    direct path (ioperm granted by core)   %10.1f ns   %.2fx raw  (goal <= 1.2x)\n", d, d / raw
	printf "    RPC path (core executes the inb)       %10.1f ns   %.1fx raw, %.1fx direct\n", r, r / raw, r / d
	printf "    plain seqpacket round trip (RPC floor) %10.1f ns   RPC = %.2fx this floor\n", rt, r / rt
}' | out

# --- IO_MEM ---
SECTION=mmio
scenario mmio
rr=$(fig $L '.*bench: mmio read32 devmem \([0-9.]*\) ns.*'); rw=$(fig $L '.*bench: mmio write32 devmem \([0-9.]*\) ns.*')
dr=$(fig $L '.*bench: mmio read32 dataspace \([0-9.]*\) ns.*'); dw=$(fig $L '.*bench: mmio write32 dataspace \([0-9.]*\) ns.*')
need "$rr" "$rw" "$dr" "$dw"
say ""
say "## MMIO on the e1000e's BAR0 (run/bench/mmio.scn, $L)"
say "method: best of 5 rounds, each the mean of 100000 accesses"
awk -v rr="$rr" -v rw="$rw" -v dr="$dr" -v dw="$dw" 'BEGIN {
	printf "    read32  /dev/mem mapping (reference) %8.1f ns   IO_MEM dataspace %8.1f ns   %.2fx\n", rr, dr, dr / rr
	printf "    write32 /dev/mem mapping (reference) %8.1f ns   IO_MEM dataspace %8.1f ns   %.2fx\n", rw, dw, dw / rw
}' | out

# --- ACPI (host) ---
SECTION=acpi
say ""
say "## ACPI (run/bench_acpi.py, on the host, not in QEMU)"
$ACPI > "$OUT/acpi.log" 2>&1 || { cat "$OUT/acpi.log"; fail acpi "see $OUT/acpi.log"; }
sed -n '1p' "$OUT/acpi.log" | out
sed -n '2,$p' "$OUT/acpi.log" | sed 's/^  /    /' | out

# --- IRQ --- (run/bench_irq.sh; alone: BENCH_ONLY=irq, above)
. "$IRQ_SECTION"

# --- NIC ---
# raw_packet_tx (Linux's e1000e, AF_PACKET) runs as root before core, then gives the NIC up.
SECTION=nic
scenario nic
lin=$(fig $L '.*bench: nic tx linux \([0-9]*\) pps.*'); ses=$(fig $L '.*bench: nic tx session \([0-9]*\) pps.*')
need "$lin" "$ses"
say ""
say "## NIC transmit, 60-byte frames, e1000e, same NIC (run/bench/nic.scn, $L)"
say "method: best of 5 rounds of 1 s (frames per second)"
awk -v l="$lin" -v s="$ses" 'BEGIN {
	printf "    Linux e1000e, AF_PACKET send() (reference) %10d pps   1.00x\n", l
	printf "    nic_e1000e through its Nic session         %10d pps   %.2fx  (goal >= 0.9x)\n", s, s / l
}' | out

# --- PCI enumeration ---
# pci_linux_view (PID 1 before core) times lspci and pci_walk (the platform driver's walk as a
# whole process) alike: fork, exec, wait, 3 runs each.
SECTION=platform
scenario platform
sysfs=$(fig $L '.*lspci -A linux-sysfs \([0-9.]*\) ms$'); conf1=$(fig $L '.*lspci -A intel-conf1 \([0-9.]*\) ms$')
walk=$(fig $L '.*pci_walk \([0-9.]*\) ms$')
wfn=$(fig $L '.*pci_walk: \([0-9]*\) functions.*')
ours=$(fig $L '.*\[init -> platform\] enumerated [0-9]* functions.* in \([0-9.]*\) ms.*')
nfn=$(fig $L '.*\[init -> platform\] enumerated \([0-9]*\) functions.*')
need "$sysfs" "$conf1" "$walk" "$wfn" "$ours" "$nfn"
case "$sysfs$conf1$walk" in *-*) fail platform "a timed run failed (-1); see $L";; esac
[ "$wfn" = "$nfn" ] || fail platform "pci_walk found $wfn functions, the platform component $nfn: not the same walk; see $L"
say ""
say "## PCI enumeration, $nfn functions on 2 root buses, platform_topo machine (run/bench/platform.scn, $L)"
say "method: whole processes (fork + exec + wait, process start included), mean of 3 runs each, as root before core, same boot"
awk -v w="$walk" -v s="$sysfs" -v c="$conf1" -v o="$ours" 'BEGIN {
	printf "    lspci -n -A linux-sysfs (reference)                 %8.1f ms   1.00x\n", s
	printf "    lspci -n -A intel-conf1                             %8.1f ms   %.2fx\n", c, c / s
	printf "    pci_walk: platform driver walk, ECAM, BARs sized    %8.1f ms   %.2fx  (goal <= 1x)\n", w, w / s
	printf "    (for information, not a ratio: the platform component walk in-process, one run %.1f ms)\n", o
}' | out

# --- DMA ---
# alloc + map + free of 2 MiB through core's DMA session vs. a root process doing hugetlb memfd + fault-in +
# pagemap itself (raw_hugetlb, run by bench_preinit before core: A, the issue's "plain hugetlb allocation",
# a fresh page) and vs. a page reused in one process, zeroed as core zeroes a cached one (B, like for like).
SECTION=dma
scenario dma
raw=$(fig $L '.*bench: dma alloc+free raw hugetlb \([0-9.]*\) us.*'); ses=$(fig $L '.*bench: dma alloc+free session \([0-9.]*\) us.*')
reu=$(fig $L '.*bench: dma alloc+free reused page in one process \([0-9.]*\) us.*')
kep=$(fig $L '.*bench: dma alloc+free session kept page \([0-9.]*\) us.*')
rtt=$(fig $L '.*bench: dma round trip to core \([0-9.]*\) us.*')
need "$raw" "$ses"
say ""
say "## DMA buffer of 2 MiB (allocate, map, free), no IOMMU (run/bench/dma.scn, $L)"
say "method: mean of 200 rounds each, one boot; A: a fresh page each round (root, before core); core reuses a released page (zeroed), so B, like for like: one page kept and zeroed per round in dma_bench ($(sed -n 's/.*bench: dma alloc+free reused page in one process [0-9.]* us ([0-9]* rounds, \(.*\))$/\1/p' "$L" | tail -1)); keep_page: libmkx keeps the freed page (opt-in, docs/dma.md), so the loop asks core once"
awk -v r="$raw" -v s="$ses" -v u="$reu" -v k="$kep" -v t="$rtt" 'BEGIN {
	printf "    A: plain hugetlb memfd + fault-in + pagemap, fresh page, root   %10.1f us   1.00x\n", r
	if (u != "") printf "    B: one page kept, zeroed (16-byte stores) + touched, in dma_bench %10.1f us   1.00x\n", u
	if (u != "") printf "    DMA session: through core (released page reused) + map + free %10.1f us   %.2fx of A, %.2fx of B (goal <= 1.2x)\n", s, s / r, s / u
	else printf "    DMA session: through core (released page reused) + map + free %10.1f us   %.2fx of A (no B in this log)\n", s, s / r
	if (k != "" && u != "") printf "    DMA session: libmkx keep_page (its freed page kept, zeroed by it) %8.1f us   %.2fx of A, %.2fx of B (goal <= 1.2x)\n", k, k / r, k / u
	if (t != "" && u != "") printf "    floor through core: 2 round trips (%.1f us each, ADDR) + B       %10.1f us   %.2fx of B\n", t, 2 * t + u, (2 * t + u) / u
}' | out
say "note: $(sed -n 's/.*dma_bench: \(client steps per round .*\)$/\1/p' "$L" | tail -1)"
say "note: $(sed -n 's/.*\[init\] \(DMA steps "dma_bench", buffers of a page or more: .*\)$/\1/p' "$L" | tail -1)"
say "note: $(sed -n 's/.*dma_bench: per round of 2 MiB through core: .*; \(context switches per round .*\)$/\1/p' "$L" | tail -1)"
# 4 KiB buffers sub-allocated by libmkx in a huge page the client holds vs. a plain sub-allocation in one process.
sub=$(fig $L '.*bench: dma 4k sub-allocation in one process \([0-9.]*\) us.*'); s4=$(fig $L '.*bench: dma 4k alloc+free session \([0-9.]*\) us.*')
s4c=$(fig $L '.*bench: dma 4k alloc+free through core \([0-9.]*\) us.*')
need "$sub" "$s4"
say ""
say "## DMA buffer of 4 KiB (allocate, free), sub-allocated in a huge page (run/bench/dma.scn, $L)"
sub_b=$(fig $L '.*bench: dma 4k sub-allocation in one process [0-9.]* us (median .*, best \([0-9.]*\),.*'); s4_b=$(fig $L '.*bench: dma 4k alloc+free session [0-9.]* us (median .*, best \([0-9.]*\)).*')
say "like for like (same work: id, va, bus address, size handed out; free by id, a double free refused; neither zeroes; both out of line); median of 7 runs of 20000 rounds, each timed as a whole, the two alternated, after an untimed run each (core's row: mean of 200); the reference's page: $(sed -n 's/.*bench: dma 4k sub-allocation in one process [0-9.]* us (median .*, best [0-9.]*, \(.*\))$/\1/p' "$L" | tail -1)"
awk -v r="$sub" -v s="$s4" -v c="$s4c" -v rb="$sub_b" -v sb="$s4_b" 'BEGIN {
	printf "    4 KiB slot of a mapped huge page, two bitmaps, in one process (reference) %10.3f us   1.00x", r
	if (rb != "") printf "   (best %.3f)", rb
	printf "\n    DMA session: libmkx sub-allocates in a page it holds                %10.3f us   %.2fx  (goal <= 2x)", s, s / r
	if (rb != "" && sb != "") printf "   (best %.3f: %.2fx)", sb, sb / rb
	printf "\n"
	if (c != "") printf "    (information) the same through core, a request per alloc and free  %10.1f us   %.0fx\n", c, c / r
}' | out
say "note: $(sed -n 's/.*dma_bench: \(the first 4 KiB buffer .*\)$/\1/p' "$L" | tail -1)"
say "note: $(sed -n 's/.*dma_bench: \(1000 buffers of 4 KiB held at once .*\)$/\1/p' "$L" | tail -1)"

# --- PCI enumeration without MCFG (conf1) ---
# -M pc has no ECAM. The ratio (issue 23): the platform component's walk through core (IO_PORT
# session of the conf1 pair, core's config requests: a header range, a bus scan, a function's BAR
# probes per request, each checked by core's policy) against lspci -n -A intel-conf1 (its own
# CF8/CFC port accesses as root) in the same boot. What each includes: lspci is timed as a whole
# process by pci_linux_view (PID 1 before core: fork, exec, wait, mean of 3), its process start
# included; ours is timed in-process around the walk (pci_enumerate: every request to core, BAR
# probes included), the component already running (one run). pci_walk (the driver's walk as a
# root process with its own ioperm, not through core) is an information row.
SECTION=conf1
scenario conf1_pc
c1=$(fig $L '.*lspci -A intel-conf1 \([0-9.]*\) ms$')
walk=$(fig $L '.*pci_walk \([0-9.]*\) ms$')
wfn=$(fig $L '.*pci_walk: \([0-9]*\) functions.*config access: conf1.*')
wacc=$(fig $L '.*pci_walk: .*config access: conf1, \([0-9]*\) CF8.CFC accesses$')
ours=$(fig $L '.*\[init -> platform\] enumerated [0-9]* functions.* in \([0-9.]*\) ms.*')
nfn=$(fig $L '.*\[init -> platform\] enumerated \([0-9]*\) functions.*')
need "$c1" "$walk" "$wfn" "$wacc" "$ours" "$nfn"
case "$c1$walk" in *-*) fail conf1 "a timed run failed (-1); see $L";; esac
grep -q 'config access: conf1 through core' "$L" || fail conf1 "the component's walk did not go through conf1; see $L"
[ "$wfn" = "$nfn" ] || fail conf1 "pci_walk found $wfn functions, the platform component $nfn: not the same walk; see $L"
say ""
say "## PCI enumeration over conf1, no MCFG: $nfn functions, QEMU -M pc (run/bench/conf1_pc.scn, $L)"
say "method: lspci as a whole process (fork + exec + wait, process start included, mean of 3, as root before core); the platform component's walk through core timed in-process around the walk (one run, the component already started); same boot"
awk -v c="$c1" -v w="$walk" -v a="$wacc" -v o="$ours" 'BEGIN {
	printf "    lspci -n -A intel-conf1 (reference, whole process)  %8.1f ms   1.00x\n", c
	printf "    platform component: walk through core'"'"'s conf1       %8.1f ms   %.2fx  (goal <= 1x)\n", o, o / c
	printf "    (for information: pci_walk, the same walk as a root process with its own ioperm, not through core, whole process %.1f ms, %d CF8/CFC accesses)\n", w, a
}' | out

. run/bench/block.sh	# --- Block: nvme and ahci against Linux's own drivers (run/bench/block.sh) ---

say ""
say "- load average (1, 5, 15 min) after: $(load)"
say "- duration: $(( $(date +%s) - start )) s"
mv "$P" "$R"
echo "results: $R"
