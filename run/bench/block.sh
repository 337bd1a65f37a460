# make bench, block section (sourced by run/bench.sh; uses its scenario, fig, need, say, out, fail).
# raw_block (Linux's own nvme or ahci driver: O_DIRECT, Linux AIO, as root before core) and
# block_tester mode="bench" (our driver through the Block session) on the same disk, same boot:
# sequential 1 MiB writes and reads at depth 1 (MB/s), random 4 KiB reads at depth 1 and 32 (IOPS).
# block_rows NAME TITLE: boot run/bench/NAME.scn and print its four rows.
block_rows() {
	SECTION=$1
	scenario "$1"
	say ""
	say "## Block, $2 (run/bench/$1.scn, $L)"
	say "method: median of 3 rounds of 1 s per figure (best in the log); the reference first, then it unbinds and ours"
	say "  runs; a request over the session's max_blocks is split in pieces submitted together, as Linux splits it"
	for p in 'seq write 1M qd1:MB.s' 'seq read 1M qd1:MB.s' 'rand read 4K qd1:IOPS' 'rand read 4K qd32:IOPS'; do
		n=${p%%:*} u=${p##*:}
		lin=$(fig "$L" ".*bench: block linux $n \([0-9.]*\) $u.*")
		our=$(fig "$L" ".*bench: block ours $n \([0-9.]*\) $u.*")
		need "$lin" "$our"
		awk -v n="$n" -v v="$(echo $u | tr . /)" -v l="$lin" -v o="$our" 'BEGIN {
			printf "    %-18s Linux %9.1f %-4s  ours %9.1f %-4s  %.2fx  (goal >= 0.9x)\n", n, l, v, o, v, o / l
		}' | out
	done
	k=$(sed -n 's/.*bench: block linux .*; \([0-9]*\) kicks).*/\1/p' "$L" | awk '{ s += $1 } END { print s + 0 }')
	[ "$k" = 0 ] || say "    (the reference kicked a stalled request $k times: QEMU 7.2 nvme with shadow doorbells, raw_block.c)"
}
block_rows block_nvme "NVMe (QEMU nvme, 64 MiB namespace; Linux's nvme driver with MSI-X vs. ours with INTx through core)"
block_rows block_ahci "AHCI (ich9-ahci, 64 MiB disk on port 0; Linux's ahci driver with MSI vs. ours with INTx through core)"
# Behind intel-iommu both sides have message-signalled interrupts (ours through VFIO: core is on no I/O's path).
block_rows block_nvme_iommu "NVMe behind intel-iommu (both MSI-X; ours through VFIO, IOVAs)"
block_rows block_ahci_iommu "AHCI behind intel-iommu (both MSI; ours through VFIO, IOVAs)"
