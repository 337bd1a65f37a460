#!/bin/sh
# make bench's driver (run/bench.sh) with a stand-in scenario runner and acpi part:
# with every figure it writes results.md (date, commit, machine, load before and after,
# a method line per benchmark, switches on every interrupt row); a missing figure, a
# failing scenario, a failing acpi reference or an enumeration of another set of
# functions is exit 1, and results.md stays as it was (the text in results.md.partial).
S=${S:-run/bench.sh}	# another bench.sh, to show a broken one failing these
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 8"
mkdir -p "$T/logs"
# Canned serial logs, one "bench:" line per figure, as the scenarios print them.
cat > "$T/logs/inb" <<'X'
[  1.00] [init -> raw_inb] bench: inb raw 80.0 ns
[  1.00] [init -> raw_inb] bench: seqpacket round trip 100000.0 ns
[  1.00] [init -> inb_bench] bench: inb direct 90.0 ns
[  1.00] [init -> inb_bench] bench: inb rpc 200000.0 ns
X
cat > "$T/logs/mmio" <<'X'
[  1.00] [init -> raw_mmio] bench: mmio read32 devmem 60.0 ns
[  1.00] [init -> raw_mmio] bench: mmio write32 devmem 70.0 ns
[  1.00] [init -> mmio_bench] bench: mmio read32 dataspace 61.0 ns
[  1.00] [init -> mmio_bench] bench: mmio write32 dataspace 71.0 ns
X
cat > "$T/logs/irq" <<'X'
[  1.00] bench: irq raw uio 20.0 us
[  1.00] bench: irq switches raw uio: total 0.00 per round (raw_uio 0.00+0.00)
[  1.00] bench: syscalls raw_uio: total 4.00 per round over 500 rounds; raw_uio-80 4.00 (poll 1.00, read 1.00, pread64 1.00, pwrite64 1.00)
[  1.00] bench: irq raw uio pair 180.0 us
[  1.00] bench: irq switches raw uio pair: total 2.00 per round (loop 1.00+0.00, unmasker 0.00+1.00)
[  1.00] bench: syscalls raw_uio_pair: total 7.00 per round over 500 rounds; raw_uio_pair-83 3.00 (poll 1.00, read 1.00, write 1.00); raw_uio_pair-84 4.00 (recvfrom 1.00, pread64 1.00, pwrite64 1.00, poll 1.00)
[  2.00] [init -> edu] bench: irq session INTx ack socket (core) 200.0 us
[  2.00] [init -> edu] bench: irq switches session INTx ack socket (core): total 2.01 per round (driver 0.90+0.10, core 0.20+0.81)
[  2.00] [init -> edu] bench: irq syscall window 1: session INTx ack socket (core), 100 rounds
[  2.00] bench: syscalls window 1: total 700 calls; irq_bench-84 300 (poll 100, read 100, write 100); init-1 400 (recvmmsg 100, pread64 100, pwrite64 100, poll 100)
[  2.00] [init -> edu] bench: irq session INTx ack rpc 210.0 us
[  2.00] [init -> edu] bench: irq switches session INTx ack rpc: total 2.00 per round (driver 0.90+0.10, core 0.20+0.80)
[  2.00] [init -> edu] bench: irq syscall window 2: session INTx ack rpc, 100 rounds
[  2.00] bench: syscalls window 2: total 900 calls; irq_bench-84 400 (poll 100, read 100, sendmsg 100, recvmsg 100); init-1 500 (poll 100, recvmsg 100, pread64 100, pwrite64 100, sendmsg 100)
X
cp "$T/logs/irq" "$T/logs/irq_smp"
cat > "$T/logs/irq_vfio" <<'X'
[  1.00] bench: irq raw vfio INTx 10.0 us
[  1.00] bench: irq switches raw vfio INTx: total 0.00 per round (raw_vfio 0.00+0.00)
[  1.00] bench: syscalls raw_vfio_INTx: total 3.00 per round over 500 rounds; raw_vfio-81 3.00 (poll 1.00, read 1.00, write 1.00)
[  1.00] bench: irq raw vfio MSI 5.0 us
[  1.00] bench: irq switches raw vfio MSI: total 0.00 per round (raw_vfio 0.00+0.00)
[  1.00] bench: syscalls raw_vfio_MSI: total 2.00 per round over 500 rounds; raw_vfio-84 2.00 (poll 1.00, read 1.00)
[  1.00] bench: irq raw vfio MSI-X 50.0 us
[  1.00] bench: irq switches raw vfio MSI-X: total 1.00 per round (raw_vfio 1.00+0.00)
[  1.00] bench: syscalls raw_vfio_MSI-X: total 3.00 per round over 500 rounds; raw_vfio-87 3.00 (clock_nanosleep 1.00, poll 1.00, read 1.00)
[  2.00] [init -> edu_intx] bench: irq session INTx ack eventfd (kernel) 11.0 us
[  2.00] [init -> edu_intx] bench: irq switches session INTx ack eventfd (kernel): total 0.00 per round (driver 0.00+0.00, core 0.00+0.00)
[  2.00] [init -> edu_intx] bench: irq syscall window 3: session INTx ack eventfd (kernel), 100 rounds
[  2.00] bench: syscalls window 3: total 300 calls; irq_bench-91 300 (poll 100, read 100, write 100)
[  2.00] [init -> edu_intx] bench: irq session INTx ack rpc 220.0 us
[  2.00] [init -> edu_intx] bench: irq switches session INTx ack rpc: total 2.00 per round (driver 1.00+0.00, core 0.00+1.00)
[  2.00] [init -> edu_intx] bench: irq syscall window 4: session INTx ack rpc, 100 rounds
[  2.00] bench: syscalls window 4: total 800 calls; irq_bench-91 400 (poll 100, read 100, sendmsg 100, recvmsg 100); init-1 400 (poll 100, recvmsg 100, ioctl 100, sendmsg 100)
[  3.00] [init -> edu_msi] bench: irq session MSI ack none (MSI) 5.5 us
[  3.00] [init -> edu_msi] bench: irq switches session MSI ack none (MSI): total 0.00 per round (driver 0.00+0.00, core 0.00+0.00)
[  3.00] [init -> edu_msi] bench: irq syscall window 5: session MSI ack none (MSI), 100 rounds
[  3.00] bench: syscalls window 5: total 200 calls; irq_bench-92 200 (poll 100, read 100)
[  4.00] [init -> msix_e1000e] bench: irq session MSI-X 55.0 us
[  4.00] [init -> msix_e1000e] bench: irq switches session MSI-X: total 1.00 per round (driver 1.00+0.00, core 0.00+0.00)
[  4.00] [init -> msix_e1000e] bench: irq syscall window 6: session MSI-X, 100 rounds
[  4.00] bench: syscalls window 6: total 300 calls; irq_bench-93 300 (clock_nanosleep 100, poll 100, read 100)
[  5.00] [init -> msix4_e1000e] bench: irq session MSI-X 4 vectors 52.0 us
[  5.00] [init -> msix4_e1000e] bench: irq switches session MSI-X 4 vectors: total 1.00 per round (driver 1.00+0.00, core 0.00+0.00)
[  5.00] [init -> msix4_e1000e] bench: irq syscall window 7: session MSI-X 4 vectors, 100 rounds
[  5.00] bench: syscalls window 7: total 300 calls; irq_bench-94 300 (clock_nanosleep 100, poll 100, read 100)
X
cat > "$T/logs/nic" <<'X'
[  1.00] bench: nic tx linux 50000 pps (60-byte frames, best of 5 rounds of 1.0 s)
[  2.00] [init -> nic_client] bench: nic tx session 100000 pps (60-byte frames, best of 5 rounds of 1.0 s)
X
cat > "$T/logs/platform" <<'X'
[  1.00] lspci -A linux-sysfs 80.0 ms
[  1.00] lspci -A intel-conf1 70.0 ms
[  1.00] pci_walk: 15 functions on 2 root bus(es), 170 config writes for BAR probes, 0 notes
[  1.00] pci_walk 90.0 ms
[  2.00] [init -> platform] enumerated 15 functions on 2 root bus(es) in 60.0 ms (170 config writes for BAR probes), 0 notes
X
cat > "$T/logs/dma" <<'X'
[  1.00] bench: dma alloc+free raw hugetlb 3000.0 us (200 rounds, last at 0x1000000)
[  2.00] [init -> dma_bench] bench: dma alloc+free session 4500.0 us (200 rounds, kept 0)
[  2.00] [init -> dma_bench] bench: dma 4k alloc+free session 1200.0 us (200 rounds)
[  2.00] [init -> dma_bench] bench: dma 4k sub-allocation in one process 1.500 us (200 rounds, hugetlb)
X
cat > "$T/logs/conf1_pc" <<'X'
[  1.00] pci_walk: 9 functions on 1 root bus(es), 126 config writes for BAR probes, 0 notes, config access: conf1, 700 CF8/CFC accesses
[  1.00] lspci -A intel-conf1 70.0 ms
[  1.00] pci_walk 60.0 ms
[  2.00] [init -> platform] config access: conf1 through core's CF8/CFC emulation (registers below 0x100 only)
[  2.00] [init -> platform] enumerated 9 functions on 1 root bus(es) in 63.0 ms (126 config writes for BAR probes), 0 notes
X
# Block (run/bench/block.sh): the same four figures for each of the four block scenarios.
for b in block_nvme block_ahci block_nvme_iommu block_ahci_iommu; do
	cat > "$T/logs/$b" <<'X'
[  1.00] bench: block linux seq write 1M qd1 1000.0 MB/s (median of 3 rounds of 1.0 s, best 1100.0; /dev/nvme0n1, O_DIRECT, Linux AIO; 0 kicks)
[  1.00] bench: block linux seq read 1M qd1 800.0 MB/s (median of 3 rounds of 1.0 s, best 900.0; /dev/nvme0n1, O_DIRECT, Linux AIO; 0 kicks)
[  1.00] bench: block linux rand read 4K qd1 4000 IOPS (median of 3 rounds of 1.0 s, best 4100; /dev/nvme0n1, O_DIRECT, Linux AIO; 0 kicks)
[  1.00] bench: block linux rand read 4K qd32 20000 IOPS (median of 3 rounds of 1.0 s, best 21000; /dev/nvme0n1, O_DIRECT, Linux AIO; 2 kicks)
[  2.00] [init -> block_tester] bench: block ours seq write 1M qd1 900.0 MB/s (median of 3 rounds of 1.0 s, best 950.0; Block session, 2 request(s) of 1024 blocks per I/O)
[  2.00] [init -> block_tester] bench: block ours seq read 1M qd1 1000.0 MB/s (median of 3 rounds of 1.0 s, best 1000.0; Block session, 2 request(s) of 1024 blocks per I/O)
[  2.00] [init -> block_tester] bench: block ours rand read 4K qd1 1000 IOPS (median of 3 rounds of 1.0 s, best 1100; Block session, 1 request(s) of 8 blocks per I/O)
[  2.00] [init -> block_tester] bench: block ours rand read 4K qd32 10000 IOPS (median of 3 rounds of 1.0 s, best 11000; Block session, 1 request(s) of 8 blocks per I/O)
X
done
# The stand-in runner: "bench/NAME" -> the canned log, named as run/runner.py names it.
cat > "$T/runner" <<X
#!/bin/sh
n=\${1#bench/}
[ -f "$T/fail-\$n" ] && { echo "RESULT: FAIL: stand-in"; exit 1; }
echo "RESULT: PASS: stand-in"
echo "log: $T/logs/\$n"
X
printf '#!/bin/sh\necho "method: stand-in, median of 1"\necho "  acpiexec (reference) 10.00 ms   1.00x"\necho "  acpi --prt (ours) 5.00 ms   0.50x"\n' > "$T/acpi"
printf '#!/bin/sh\necho "bench acpi: the reference failed: acpiexec exited 3" >&2\nexit 1\n' > "$T/acpi_fails"
chmod +x "$T/runner" "$T/acpi" "$T/acpi_fails"
# bench NAME [ACPI]: run bench.sh into $T/out-NAME; its exit status in $rc, its output in $out.
bench() {
	out=$(MKX_BENCH_RUNNER="$T/runner" MKX_BENCH_ACPI="$T/${2:-acpi}" MKX_BENCH_OUT="$T/out-$1" sh "$S" 2>&1)
	rc=$?
}
# refused NAME TEXT: exit 1, TEXT said, no results.md, the partial text kept.
refused() {
	R=$T/out-$1/results.md
	if [ "$rc" = 1 ] && printf '%s\n' "$out" | grep -qF -- "$2" && [ ! -e "$R" ] && [ -s "$R.partial" ]; then
		echo "ok - bench_sh_$1 (exit 1: $(printf '%s\n' "$out" | grep -F -- "$2" | head -1 | cut -c1-100))"
	else
		echo "FAIL - bench_sh_$1: exit $rc, results.md $( [ -e "$R" ] && echo written || echo absent), want exit 1 and \"$2\": $(printf '%s' "$out" | tail -3 | tr '\n' '|' | cut -c1-300)"
	fi
}

bench all
R=$T/out-all/results.md
why=""
[ "$rc" = 0 ] || why="$why exit $rc;"
[ -s "$R" ] || why="$why no results.md;"
for h in "- date: " "- commit: " "- machine: " "load average (1, 5, 15 min) before: " "load average (1, 5, 15 min) after: "; do
	grep -qF -- "$h" "$R" 2>/dev/null || why="$why no \"$h\";"
done
[ "$(grep -c '^method: ' "$R" 2>/dev/null)" = 12 ] || why="$why $(grep -c '^method: ' "$R" 2>/dev/null) method lines, not 12 (8, and 4 block sections);"
[ "$(grep -c ' us .*switches [0-9.]* per round (' "$R" 2>/dev/null)" = 15 ] || why="$why interrupt rows with switches: $(grep -c ' us .*switches [0-9.]* per round (' "$R" 2>/dev/null), not 15;"
[ "$(grep -c '^        system calls per round [0-9.]* (' "$R" 2>/dev/null)" = 15 ] || why="$why interrupt rows with system calls: $(grep -c '^        system calls per round [0-9.]* (' "$R" 2>/dev/null), not 15;"
grep -q 'system calls per round 7.00 (irq_bench-84 3.00 (poll 1.00, read 1.00, write 1.00); init-1 4.00 (recvmmsg 1.00' "$R" 2>/dev/null ||
	why="$why the UIO socket row's calls are not 700 over 100 rounds, per process;"
grep -q 'ack socket core watches .*10.00x (goal <= 2x; 1.11x the floor)' "$R" 2>/dev/null || why="$why the UIO socket row is not 200/20 = 10.00x, 200/180 = 1.11x the floor;"
grep -q 'IRQ session, UIO, ack RPC .*10.50x .*switches 2.00 per round (driver 0.90+0.10, core 0.20+0.80)' "$R" 2>/dev/null ||
	why="$why the UIO RPC row is not 210/20 = 10.50x with its switches;"
grep -q 'DMA session: .*4500.0 us *1.50x' "$R" 2>/dev/null || why="$why no DMA row at 1.50x;"
grep -q "platform component: walk through core's conf1 *63.0 ms *0.90x" "$R" 2>/dev/null || why="$why no conf1 row: the component's walk through core 63.0 ms against lspci 70.0 ms, 0.90x;"
[ "$(grep -c 'rand read 4K qd32  *Linux  *20000.0 IOPS  *ours  *10000.0 IOPS  *0.50x' "$R" 2>/dev/null)" = 4 ] &&
	grep -q 'seq read 1M qd1  *Linux  *800.0 MB/s  *ours  *1000.0 MB/s  *1.25x' "$R" 2>/dev/null &&
	grep -q 'kicked a stalled request 2 times' "$R" 2>/dev/null || why="$why no 4 block sections with their ratios (0.50x, 1.25x) and kicks;"
if [ -z "$why" ]; then echo "ok - bench_sh_results_file (date, commit, machine, load before/after, 12 methods, 4 block sections, 15 interrupt rows with switches and system calls, the floor, DMA row)"
else echo "FAIL - bench_sh_results_file:$why"; fi

sed -i '/switches session INTx ack rpc/d' "$T/logs/irq_vfio"
bench missing_switches
refused missing_switches "bench irq: a figure is missing"

sed -i 's/^\(\[  1.00\] bench: irq raw vfio INTx\).*/\1/' "$T/logs/irq_vfio"
printf '%s\n' "[  2.00] [init -> edu_intx] bench: irq switches session INTx ack rpc: total 2.00 per round (driver 1.00+0.00, core 0.00+1.00)" >> "$T/logs/irq_vfio"
bench missing_time
refused missing_time "bench irq: a figure is missing"
printf '%s\n' "[  1.00] bench: irq raw vfio INTx 10.0 us" >> "$T/logs/irq_vfio"

cp "$T/logs/irq_vfio" "$T/irq_vfio.kept"
sed -i '/syscalls window 5:/d' "$T/logs/irq_vfio"
bench missing_syscalls
refused missing_syscalls "bench irq: a figure is missing"
cp "$T/irq_vfio.kept" "$T/logs/irq_vfio"

sed -i 's/pci_walk: 15 functions/pci_walk: 14 functions/' "$T/logs/platform"
bench other_set
refused other_set "pci_walk found 14 functions, the platform component 15"
sed -i 's/pci_walk: 14 functions/pci_walk: 15 functions/' "$T/logs/platform"

# conf1: lspci and pci_walk both whole processes; a log without pci_walk's conf1 walk is refused.
cp "$T/logs/conf1_pc" "$T/conf1_pc.keep"
sed -i '/pci_walk/d' "$T/logs/conf1_pc"
bench conf1_no_walk
refused conf1_no_walk "bench conf1: a figure is missing"
cp "$T/conf1_pc.keep" "$T/logs/conf1_pc"

touch "$T/fail-nic"
bench failing_scenario
refused failing_scenario "bench nic: scenario failed"
rm "$T/fail-nic"

bench failing_acpi acpi_fails
refused failing_acpi "bench acpi: see"
