#!/bin/sh
# make bench's IRQ section alone (run/bench.sh with BENCH_ONLY=irq, run/bench_irq.sh), with a
# stand-in scenario runner: only the three interrupt boots, results-irq.md in results.md's format
# marked partial (results.md untouched), the host's load before -> after each boot on the method
# line, the median round beside a row where both loops printed their steps, each run appended to
# results-irq-runs.md; an unknown BENCH_ONLY is refused before anything runs.
S=${S:-run/bench.sh}	# another bench.sh, to show an old one failing these
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "plan 4"
mkdir -p "$T/logs"
cat > "$T/logs/irq" <<'X'
[  1.00] bench: irq raw uio 20.0 us
[  1.00] bench: irq switches raw uio: total 0.00 per round (raw_uio 0.00+0.00)
[  1.00] bench: syscalls raw_uio: total 4.00 per round over 500 rounds; raw_uio-80 4.00 (poll 1.00, read 1.00, pread64 1.00, pwrite64 1.00)
[  1.00] bench: irq phases raw uio: median 19.0 us; sleep 0.1, raise 2.0, wait 12.0, device 1.0, ack 5.0 us
[  1.00] bench: irq raw uio pair 180.0 us
[  1.00] bench: irq switches raw uio pair: total 2.00 per round (loop 1.00+0.00, unmasker 0.00+1.00)
[  1.00] bench: syscalls raw_uio_pair: total 7.00 per round over 500 rounds; raw_uio_pair-83 3.00 (poll 1.00, read 1.00, write 1.00); raw_uio_pair-84 4.00 (recvfrom 1.00, pread64 1.00, pwrite64 1.00, poll 1.00)
[  2.00] [init -> edu] bench: irq session INTx ack socket (core) 200.0 us
[  2.00] [init -> edu] bench: irq switches session INTx ack socket (core): total 2.01 per round (driver 0.90+0.10, core 0.20+0.81)
[  2.00] [init -> edu] bench: irq phases session INTx ack socket (core): median 190.0 us; sleep 0.0, raise 1.0, wait 180.0, device 1.0, ack 8.0 us
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
[  1.00] bench: irq phases raw vfio MSI-X: median 40.0 us; sleep 2200.0, raise 20.0, wait 20.0, device 0.0, ack 0.0, re-arm 0.5 us
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
[  4.00] [init -> msix_e1000e] bench: irq phases session MSI-X: median 42.0 us; sleep 2200.0, raise 21.0, wait 20.0, device 0.0, ack 0.5, re-arm 0.5 us
[  4.00] [init -> msix_e1000e] bench: irq syscall window 6: session MSI-X, 100 rounds
[  4.00] bench: syscalls window 6: total 300 calls; irq_bench-93 300 (clock_nanosleep 100, poll 100, read 100)
[  5.00] [init -> msix4_e1000e] bench: irq session MSI-X 4 vectors 52.0 us
[  5.00] [init -> msix4_e1000e] bench: irq switches session MSI-X 4 vectors: total 1.00 per round (driver 1.00+0.00, core 0.00+0.00)
[  5.00] [init -> msix4_e1000e] bench: irq syscall window 7: session MSI-X 4 vectors, 100 rounds
[  5.00] bench: syscalls window 7: total 300 calls; irq_bench-94 300 (clock_nanosleep 100, poll 100, read 100)
X
# The stand-in runner: "bench/NAME" -> the canned log; every boot asked for is noted in $T/asked.
cat > "$T/runner" <<X
#!/bin/sh
n=\${1#bench/}
echo "\$n" >> "$T/asked"
[ -f "$T/logs/\$n" ] || { echo "RESULT: FAIL: no canned log for \$n"; exit 1; }
echo "RESULT: PASS: stand-in"
echo "log: $T/logs/\$n"
X
chmod +x "$T/runner"
# bench ONLY: run bench.sh with BENCH_ONLY=ONLY into $T/out; exit status in $rc, output in $out.
bench() {
	out=$(BENCH_ONLY="$1" MKX_BENCH_RUNNER="$T/runner" MKX_BENCH_ACPI=false MKX_BENCH_OUT="$T/out" sh "$S" 2>&1)
	rc=$?
}
report() {	# name, why (empty: ok), what
	if [ -z "$2" ]; then echo "ok - bench_only_$1 ($3)"; else echo "FAIL - bench_only_$1:$2"; fi
}

echo "kept" > "$T/out.results" && mkdir -p "$T/out" && cp "$T/out.results" "$T/out/results.md"
bench irq
R=$T/out/results-irq.md
why=""
[ "$rc" = 0 ] || why="$why exit $rc ($(printf '%s' "$out" | tail -2 | tr '\n' '|' | cut -c1-200));"
[ "$(sort "$T/asked" 2>/dev/null | tr '\n' ' ')" = "irq irq_smp irq_vfio " ] ||
	why="$why boots asked for: $(tr '\n' ' ' < "$T/asked" 2>/dev/null), want irq irq_vfio irq_smp only;"
[ "$(cat "$T/out/results.md" 2>/dev/null)" = kept ] || why="$why results.md changed;"
report only_irq "$why" "only irq, irq_vfio, irq_smp booted; results.md untouched"

why=""
head -1 "$R" 2>/dev/null | grep -q '^# make bench results (partial: BENCH_ONLY=irq' || why="$why title not marked partial;"
for h in "- date: " "- commit: " "load average (1, 5, 15 min) before: " "load average (1, 5, 15 min) after: "; do
	grep -qF -- "$h" "$R" 2>/dev/null || why="$why no \"$h\";"
done
[ "$(grep -c '^method: ' "$R" 2>/dev/null)" = 1 ] || why="$why $(grep -c '^method: ' "$R" 2>/dev/null) method lines, not 1;"
grep -Eq '^  irq.scn [0-9.]+ [0-9.]+ [0-9.]+ -> [0-9.]+ [0-9.]+ [0-9.]+; irq_vfio.scn .* -> .*; irq_smp.scn .* -> ' "$R" 2>/dev/null ||
	why="$why no load before -> after each boot on the method line;"
[ "$(grep -c ' us .*switches [0-9.]* per round (' "$R" 2>/dev/null)" = 15 ] || why="$why $(grep -c ' us .*switches [0-9.]* per round (' "$R" 2>/dev/null) interrupt rows, not 15;"
report results_file "$why" "title marked partial, date, load before/after, one method line with each boot's load, 15 rows"

why=""
grep -q '^        median round 42.0 us = 1.05x the reference.s; steps sleep 2200.0, raise 21.0, wait 20.0' "$R" 2>/dev/null ||
	why="$why no MSI-X median 42/40 = 1.05x with its steps;"
grep -q '^        median round 190.0 us = 10.00x the reference' "$R" 2>/dev/null || why="$why no UIO median 190/19 = 10.00x;"
[ "$(grep -c '^        median round ' "$R" 2>/dev/null)" = 6 ] ||
	why="$why $(grep -c '^        median round ' "$R" 2>/dev/null) median lines, want 6 (raw uio and ours, twice; raw MSI-X and ours);"
report medians "$why" "a median line where both loops printed their steps, none elsewhere"

bench irq
why=""
[ "$rc" = 0 ] || why="$why second run: exit $rc;"
[ "$(grep -c '^# make bench results (partial: BENCH_ONLY=irq' "$T/out/results-irq-runs.md" 2>/dev/null)" = 2 ] ||
	why="$why results-irq-runs.md holds $(grep -c '^# make bench results' "$T/out/results-irq-runs.md" 2>/dev/null) runs, not 2;"
rm -f "$T/asked"
bench dma
[ "$rc" = 2 ] && [ ! -e "$T/asked" ] && printf '%s' "$out" | grep -q 'BENCH_ONLY=dma: only "irq" runs alone' ||
	why="$why BENCH_ONLY=dma: exit $rc, boots $(tr '\n' ' ' < "$T/asked" 2>/dev/null);"
report runs_and_refusal "$why" "two runs side by side in results-irq-runs.md; BENCH_ONLY=dma refused with exit 2, nothing booted"
