# make bench's interrupt section, sourced by run/bench.sh (its helpers: scenario, fig, need, say,
# out, load, fail); alone with BENCH_ONLY=irq (see run/bench.sh).
# The references need root: bench_preinit runs them as PID 1 before core; irq_bench runs the same loop.
# irq_syscalls (root, before core) counts each path's system calls with the kernel's tracer.
SECTION=irq
# The host's load average before and after each boot (its 1, 5, 15 min figures), for the method line:
# the microseconds under TCG follow the host's load, the switches and calls do not.
lU=$(load); scenario irq; U=$L; lU="$lU -> $(load)"
lV=$(load); scenario irq_vfio; V=$L; lV="$lV -> $(load)"
lW=$(load); scenario irq_smp; W=$L; lW="$lW -> $(load)"
t() { fig $1 ".*bench: irq $2 \([0-9.]*\) us.*"; }
# m LOG LABEL: the median round of the loop's timed steps, if the loop printed its steps ("bench: irq phases").
m() { fig $1 ".*bench: irq phases $2: median \([0-9.]*\) us;.*"; }
# p LOG LABEL: the mean per round of each step of the loop.
p() { fig $1 ".*bench: irq phases $2: median [0-9.]* us; \(.*\)$"; }
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
say "method: time best of 5 parts of 100 rounds, and the median of the 500 rounds where the loop printed its steps"
say "  (rdtsc stamps; below each row with the mean per round of each step); switches per round over all 500 rounds"
say "  (voluntary+involuntary per process); system calls per round of every process, counted by the kernel's tracer"
say "  (raw_syscalls:sys_enter): the reference's whole loop, ours in 100 more rounds after the timed ones;"
say "  host load average (1, 5, 15 min) before -> after each boot:"
say "  irq.scn $lU; irq_vfio.scn $lV; irq_smp.scn $lW"
say "floor: where core is on neither path (VFIO INTx with the unmask eventfd, MSI, MSI-X) the reference's switches and"
say "  calls; UIO INTx: uio_pci_generic has no irqcontrol, the unmask is a config write only core may make, so the"
say "  reference's switches + 2 (the driver blocks, core runs, and back) and its calls + 3 (the driver's ack write, core's"
say "  poll and receive; the config read and write move to core): measured as raw_uio_pair, the raw loop with the"
say "  unmask made by a second plain root process"
row() {	# label, us, reference us, switches, calls, goal [, log, our label, reference log, reference label]
	awk -v l="$1" -v v="$2" -v r="$3" -v s="$4" -v g="$6" \
	    'BEGIN { printf "    %-50s %8.1f us %7.2fx %-14s  switches %s\n", l, v, v / r, g, s }' | out
	say "        system calls per round $5"
	[ -n "$7" ] || return 0
	md=$(m "$7" "$8"); rmd=$(m "$9" "${10}"); st=$(p "$7" "$8")
	[ -n "$md" ] && [ -n "$rmd" ] || return 0
	awk -v v="$md" -v r="$rmd" -v st="$st" \
	    'BEGIN { printf "        median round %.1f us = %.2fx the reference'"'"'s; steps %s\n", v, v / r, st }' | out
}
row "INTx, no IOMMU: plain UIO loop (reference)" "$ruio" "$ruio" "$Sruio" "$Cruio" "" $U "raw uio" $U "raw uio"
row "  floor: the same loop, unmask by a 2nd process" "$pair" "$ruio" "$Spair" "$Cpair" "" $U "raw uio pair" $U "raw uio"
row "  IRQ session, UIO, ack socket core watches" "$uev" "$ruio" "$Suev" "$Cuev" \
    "$(awk -v v="$uev" -v f="$pair" 'BEGIN { printf "(goal <= 2x; %.2fx the floor)", v / f }')" \
    $U "session INTx ack socket (core)" $U "raw uio"
row "  IRQ session, UIO, ack RPC" "$urpc" "$ruio" "$Surpc" "$Curpc" "" $U "session INTx ack rpc" $U "raw uio"
row "INTx, IOMMU: plain VFIO loop (reference)" "$rvi" "$rvi" "$Srvi" "$Crvi" "" $V "raw vfio INTx" $V "raw vfio INTx"
row "  IRQ session, VFIO, unmask eventfd" "$vi" "$rvi" "$Svi" "$Cvi" "(goal <= 1.10x)" \
    $V "session INTx ack eventfd (kernel)" $V "raw vfio INTx"
row "  IRQ session, VFIO, ack RPC" "$vp" "$rvi" "$Svp" "$Cvp" "" $V "session INTx ack rpc" $V "raw vfio INTx"
row "MSI, IOMMU: plain VFIO loop (reference)" "$rvm" "$rvm" "$Srvm" "$Crvm" "" $V "raw vfio MSI" $V "raw vfio MSI"
row "  IRQ session, VFIO, no ack" "$vm" "$rvm" "$Svm" "$Cvm" "(goal <= 1.10x)" $V "session MSI ack none (MSI)" $V "raw vfio MSI"
row "MSI-X, IOMMU, e1000e vector 0: plain VFIO loop" "$rvx" "$rvx" "$Srvx" "$Crvx" "" $V "raw vfio MSI-X" $V "raw vfio MSI-X"
row "  IRQ session, VFIO, no ack" "$vx" "$rvx" "$Svx" "$Cvx" "(goal <= 1.10x)" $V "session MSI-X" $V "raw vfio MSI-X"
row "  IRQ sessions on 4 vectors, round-robin, own fds" "$vx4" "$rvx" "$Svx4" "$Cvx4" "(against the vector-0 loop)" \
    $V "session MSI-X 4 vectors" $V "raw vfio MSI-X"
say "    (MSI-X: both loops sleep 2 ms before each raise, QEMU's throttling: 1 voluntary switch and 1 call per round each)"
say "  two vCPUs (-smp 2; run/bench/irq_smp.scn): the kernel's handler, the driver and core may run on different CPUs"
row "INTx, no IOMMU, -smp 2: plain UIO loop (reference)" "$wruio" "$wruio" "$Swruio" "$Cwruio" "" $W "raw uio" $W "raw uio"
row "  floor: the same loop, unmask by a 2nd process" "$wpair" "$wruio" "$Swpair" "$Cwpair" "" $W "raw uio pair" $W "raw uio"
row "  IRQ session, UIO, ack socket core watches" "$wuev" "$wruio" "$Swuev" "$Cwuev" \
    "$(awk -v v="$wuev" -v f="$wpair" 'BEGIN { printf "(goal <= 2x; %.2fx the floor)", v / f }')" \
    $W "session INTx ack socket (core)" $W "raw uio"

