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
say "# make bench results"
say ""
say "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "- commit: $commit"
say "- machine: $(nproc) CPUs ($model), Linux $(uname -r), $(qemu-system-x86_64 --version | head -1)"
say "- load average (1, 5, 15 min) before: $(load)"
say "- guest: QEMU q35 TCG (-cpu max, one vCPU), one boot per benchmark; the reference runs in the same boot"
say "- switches: context switches per round, voluntary+involuntary, from /proc/PID/status of every process"
say "  of the path (the reference's loop; ours: the bench component and core), read before and after the loop"

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

# --- IRQ ---
# The references need root: bench_preinit runs them as PID 1 before core; irq_bench runs the same loop.
# irq_syscalls (root, before core) counts each path's system calls with the kernel's tracer.
SECTION=irq
scenario irq
U=$L
scenario irq_vfio
V=$L
scenario irq_smp
W=$L
t() { fig $1 ".*bench: irq $2 \([0-9.]*\) us.*"; }
s() { fig $1 ".*bench: irq switches $2: total \([0-9.]* per round (.*)\)$"; }
# c LOG LABEL: system calls per round of the reference LABEL (irq_syscalls ref): "N.NN (proc N.NN (call N.NN, ...); ...)".
c() { fig $1 ".*bench: syscalls $2: total \([0-9.]* per round over [0-9]* rounds; .*\)$" |
	sed 's/ per round over [0-9]* rounds; / (/; s/$/)/'; }
# w LOG LABEL: the same for the window irq_bench marked for LABEL (counts divided by its rounds).
w() {
	k=$(fig $1 ".*bench: irq syscall window \([0-9]*\): $2, [0-9]* rounds$")
	n=$(fig $1 ".*bench: irq syscall window [0-9]*: $2, \([0-9]*\) rounds$")
	[ -n "$k" ] && [ -n "$n" ] || return 0
	fig $1 ".*bench: syscalls window $k: total \(.*\)$" | sed 's/ calls; / (/; s/$/)/' | awk -v n="$n" '{
		for (i = 1; i <= NF; i++)
			if (match($i, /^[0-9]+/)) $i = sprintf("%.2f", substr($i, 1, RLENGTH) / n) substr($i, RLENGTH + 1)
		print
	}'
}
ruio=$(t $U 'raw uio'); pair=$(t $U 'raw uio pair'); uev=$(t $U 'session INTx ack socket (core)'); urpc=$(t $U 'session INTx ack rpc')
rvi=$(t $V 'raw vfio INTx'); vi=$(t $V 'session INTx ack eventfd (kernel)'); vp=$(t $V 'session INTx ack rpc')
rvm=$(t $V 'raw vfio MSI'); vm=$(t $V 'session MSI ack none (MSI)')
rvx=$(t $V 'raw vfio MSI-X'); vx=$(t $V 'session MSI-X'); vx4=$(t $V 'session MSI-X 4 vectors')
wruio=$(t $W 'raw uio'); wpair=$(t $W 'raw uio pair'); wuev=$(t $W 'session INTx ack socket (core)')
L="$U, $V and $W"
need "$ruio" "$pair" "$uev" "$urpc" "$rvi" "$vi" "$vp" "$rvm" "$vm" "$rvx" "$vx" "$vx4" "$wruio" "$wpair" "$wuev"
Sruio=$(s $U 'raw uio'); Spair=$(s $U 'raw uio pair'); Suev=$(s $U 'session INTx ack socket (core)'); Surpc=$(s $U 'session INTx ack rpc')
Srvi=$(s $V 'raw vfio INTx'); Svi=$(s $V 'session INTx ack eventfd (kernel)'); Svp=$(s $V 'session INTx ack rpc')
Srvm=$(s $V 'raw vfio MSI'); Svm=$(s $V 'session MSI ack none (MSI)')
Srvx=$(s $V 'raw vfio MSI-X'); Svx=$(s $V 'session MSI-X'); Svx4=$(s $V 'session MSI-X 4 vectors')
Swruio=$(s $W 'raw uio'); Swpair=$(s $W 'raw uio pair'); Swuev=$(s $W 'session INTx ack socket (core)')
need "$Sruio" "$Spair" "$Suev" "$Surpc" "$Srvi" "$Svi" "$Svp" "$Srvm" "$Svm" "$Srvx" "$Svx" "$Svx4" "$Swruio" "$Swpair" "$Swuev"
Cruio=$(c $U raw_uio); Cpair=$(c $U raw_uio_pair); Cuev=$(w $U 'session INTx ack socket (core)'); Curpc=$(w $U 'session INTx ack rpc')
Crvi=$(c $V raw_vfio_INTx); Cvi=$(w $V 'session INTx ack eventfd (kernel)'); Cvp=$(w $V 'session INTx ack rpc')
Crvm=$(c $V raw_vfio_MSI); Cvm=$(w $V 'session MSI ack none (MSI)')
Crvx=$(c $V raw_vfio_MSI-X); Cvx=$(w $V 'session MSI-X'); Cvx4=$(w $V 'session MSI-X 4 vectors')
Cwruio=$(c $W raw_uio); Cwpair=$(c $W raw_uio_pair); Cwuev=$(w $W 'session INTx ack socket (core)')
need "$Cruio" "$Cpair" "$Cuev" "$Curpc" "$Crvi" "$Cvi" "$Cvp" "$Crvm" "$Cvm" "$Crvx" "$Cvx" "$Cvx4" "$Cwruio" "$Cwpair" "$Cwuev"
say ""
say "## Interrupt round trip: edu raises, the loop wakes, acks device and line (run/bench/irq.scn, irq_vfio.scn, irq_smp.scn; $U, $V, $W)"
say "method: time best of 5 parts of 100 rounds; switches per round over all 500 rounds (voluntary+involuntary per process);"
say "  system calls per round of every process, counted by the kernel's tracer (raw_syscalls:sys_enter): the reference's"
say "  whole loop, ours in 100 more rounds after the timed ones"
say "floor: where core is on neither path (VFIO INTx with the unmask eventfd, MSI, MSI-X) the reference's switches and"
say "  calls; UIO INTx: uio_pci_generic has no irqcontrol, the unmask is a config write only core may make, so the"
say "  reference's switches + 2 (the driver blocks, core runs, and back) and its calls + 3 (the driver's ack write, core's"
say "  poll and receive; the config read and write move to core): measured as raw_uio_pair, the raw loop with the"
say "  unmask made by a second plain root process"
row() {	# label, us, reference us, switches, calls, goal
	awk -v l="$1" -v v="$2" -v r="$3" -v s="$4" -v g="$6" \
	    'BEGIN { printf "    %-50s %8.1f us %7.2fx %-14s  switches %s\n", l, v, v / r, g, s }' | out
	say "        system calls per round $5"
}
row "INTx, no IOMMU: plain UIO loop (reference)" "$ruio" "$ruio" "$Sruio" "$Cruio"
row "  floor: the same loop, unmask by a 2nd process" "$pair" "$ruio" "$Spair" "$Cpair"
row "  IRQ session, UIO, ack socket core watches" "$uev" "$ruio" "$Suev" "$Cuev" \
    "$(awk -v v="$uev" -v f="$pair" 'BEGIN { printf "(goal <= 2x; %.2fx the floor)", v / f }')"
row "  IRQ session, UIO, ack RPC" "$urpc" "$ruio" "$Surpc" "$Curpc"
row "INTx, IOMMU: plain VFIO loop (reference)" "$rvi" "$rvi" "$Srvi" "$Crvi"
row "  IRQ session, VFIO, unmask eventfd" "$vi" "$rvi" "$Svi" "$Cvi" "(goal <= 1.10x)"
row "  IRQ session, VFIO, ack RPC" "$vp" "$rvi" "$Svp" "$Cvp"
row "MSI, IOMMU: plain VFIO loop (reference)" "$rvm" "$rvm" "$Srvm" "$Crvm"
row "  IRQ session, VFIO, no ack" "$vm" "$rvm" "$Svm" "$Cvm" "(goal <= 1.10x)"
row "MSI-X, IOMMU, e1000e vector 0: plain VFIO loop" "$rvx" "$rvx" "$Srvx" "$Crvx"
row "  IRQ session, VFIO, no ack" "$vx" "$rvx" "$Svx" "$Cvx" "(goal <= 1.10x)"
row "  IRQ sessions on 4 vectors, round-robin, own fds" "$vx4" "$rvx" "$Svx4" "$Cvx4" "(against the vector-0 loop)"
say "    (MSI-X: both loops sleep 2 ms before each raise, QEMU's throttling: 1 voluntary switch and 1 call per round each)"
say "  two vCPUs (-smp 2; run/bench/irq_smp.scn): the kernel's handler, the driver and core may run on different CPUs"
row "INTx, no IOMMU, -smp 2: plain UIO loop (reference)" "$wruio" "$wruio" "$Swruio" "$Cwruio"
row "  floor: the same loop, unmask by a 2nd process" "$wpair" "$wruio" "$Swpair" "$Cwpair"
row "  IRQ session, UIO, ack socket core watches" "$wuev" "$wruio" "$Swuev" "$Cwuev" \
    "$(awk -v v="$wuev" -v f="$wpair" 'BEGIN { printf "(goal <= 2x; %.2fx the floor)", v / f }')"

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
# alloc + map + free through core's DMA session vs. a root process doing hugetlb memfd + fault-in +
# pagemap itself (raw_hugetlb, run by bench_preinit before core).
SECTION=dma
scenario dma
raw=$(fig $L '.*bench: dma alloc+free raw hugetlb \([0-9.]*\) us.*'); ses=$(fig $L '.*bench: dma alloc+free session \([0-9.]*\) us.*')
reu=$(fig $L '.*bench: dma alloc+free reused page in one process \([0-9.]*\) us.*')
need "$raw" "$ses"
say ""
say "## DMA buffer of 2 MiB (allocate, map, free), no IOMMU (run/bench/dma.scn, $L)"
say "method: mean of 200 rounds; core reuses a released page (zeroed), so two references: a fresh page each round, and a reused one (B's page: $(sed -n 's/.*bench: dma alloc+free reused page in one process [0-9.]* us ([0-9]* rounds, \(.*\))$/\1/p' "$L" | tail -1))"
awk -v r="$raw" -v s="$ses" -v u="$reu" 'BEGIN {
	printf "    A: plain hugetlb memfd + fault-in + pagemap, fresh page, root   %10.1f us   1.00x\n", r
	if (u != "") printf "    B: one page kept, zeroed (16-byte stores) + touched, in dma_bench %10.1f us   1.00x\n", u
	if (u != "") printf "    DMA session: alloc (core, released page reused) + map + free   %10.1f us   %.2fx of A (not like for like), %.2fx of B (like for like)\n", s, s / r, s / u
	else printf "    DMA session: alloc (core, released page reused) + map + free   %10.1f us   %.2fx of A (not like for like; no B in this log)\n", s, s / r
}' | out
# 4 KiB buffers sub-allocated by libmkx in a huge page the client holds vs. a plain sub-allocation in one process.
sub=$(fig $L '.*bench: dma 4k sub-allocation in one process \([0-9.]*\) us.*'); s4=$(fig $L '.*bench: dma 4k alloc+free session \([0-9.]*\) us.*')
s4c=$(fig $L '.*bench: dma 4k alloc+free through core \([0-9.]*\) us.*')
need "$sub" "$s4"
say ""
say "## DMA buffer of 4 KiB (allocate, free), sub-allocated in a huge page (run/bench/dma.scn, $L)"
say "mean of 2000 rounds timed as a whole (core's row: 200); the reference's page: $(sed -n 's/.*bench: dma 4k sub-allocation in one process [0-9.]* us ([0-9]* rounds, \(.*\))$/\1/p' "$L" | tail -1)"
awk -v r="$sub" -v s="$s4" -v c="$s4c" 'BEGIN {
	printf "    4 KiB slot of a mapped huge page, bitmap, in one process (reference) %10.3f us   1.00x\n", r
	printf "    DMA session: libmkx sub-allocates in a page it holds                %10.3f us   %.2fx  (goal <= 2x)\n", s, s / r
	if (c != "") printf "    (information) the same through core, a request per alloc and free  %10.1f us   %.0fx\n", c, c / r
}' | out
say "note: $(sed -n 's/.*dma_bench: \(the first 4 KiB buffer .*\)$/\1/p' "$L" | tail -1)"
say "note: $(sed -n 's/.*dma_bench: \(1000 buffers of 4 KiB held at once .*\)$/\1/p' "$L" | tail -1)"

# --- PCI enumeration without MCFG (conf1) ---
# -M pc has no ECAM: the platform driver walks through core's CF8/CFC emulation and its config
# requests (a header range per request, a BAR probe per request). lspci does its own CF8/CFC
# accesses (iopl, as root) in a whole process; ours is the component's walk in-process.
SECTION=conf1
scenario conf1_pc
c1=$(fig $L '.*lspci -A intel-conf1 \([0-9.]*\) ms$')
ours=$(fig $L '.*\[init -> platform\] enumerated [0-9]* functions.* in \([0-9.]*\) ms.*')
nfn=$(fig $L '.*\[init -> platform\] enumerated \([0-9]*\) functions.*')
need "$c1" "$ours" "$nfn"
case "$c1" in *-*) fail conf1 "the timed lspci run failed (-1); see $L";; esac
grep -q 'config access: conf1 through core' "$L" || fail conf1 "the walk did not go through conf1; see $L"
say ""
say "## PCI enumeration over conf1, no MCFG: $nfn functions, QEMU -M pc (run/bench/conf1_pc.scn, $L)"
say "method: lspci whole process (fork + exec + wait), mean of 3, as root before core; ours the component's walk in-process, one run, BARs sized"
awk -v c="$c1" -v o="$ours" 'BEGIN {
	printf "    lspci -n -A intel-conf1 (reference)                 %8.1f ms   1.00x\n", c
	printf "    platform driver walk, core conf1 config requests    %8.1f ms   %.2fx  (goal <= 1x)\n", o, o / c
	printf "    (not like for like: lspci runs as a whole process, its start included; ours is the walk in-process)\n"
}' | out

say ""
say "- load average (1, 5, 15 min) after: $(load)"
say "- duration: $(( $(date +%s) - start )) s"
mv "$P" "$R"
echo "results: $R"
