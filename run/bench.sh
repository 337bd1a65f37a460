#!/bin/sh
# make bench: every benchmark in run/bench/, reported as ratios against a
# reference measured in the same boot. Never pass/fail on speed.
B=${B:-build/out}
export B
python3 run/runner.py bench/inb > build/bench-inb.log 2>&1 || { tail -20 build/bench-inb.log; exit 1; }
L=build/images/bench-inb/serial.log
raw=$(sed -n 's/.*bench: inb raw \([0-9.]*\) ns.*/\1/p' $L)
direct=$(sed -n 's/.*bench: inb direct \([0-9.]*\) ns.*/\1/p' $L)
rt=$(sed -n 's/.*bench: seqpacket round trip \([0-9.]*\) ns.*/\1/p' $L)
rpc=$(sed -n 's/.*bench: inb rpc \([0-9.]*\) ns.*/\1/p' $L)
if [ -z "$rt" ] || [ -z "$raw" ] || [ -z "$direct" ] || [ -z "$rpc" ]; then
	echo "bench inb: a figure is missing; see $L"; exit 1
fi
echo "IO_PORT inb on port 0x42, QEMU q35 TCG, best of 5 rounds (one boot):"
awk -v rt="$rt" -v raw="$raw" -v d="$direct" -v r="$rpc" 'BEGIN {
	printf "  raw inb in a plain process (reference) %10.1f ns   1.00x\n", raw
	printf "  direct path (ioperm granted by core)   %10.1f ns   %.2fx raw  (goal <= 1.2x)\n", d, d / raw
	printf "  RPC path (core executes the inb)       %10.1f ns   %.1fx raw, %.1fx direct\n", r, r / raw, r / d
	printf "  plain seqpacket round trip (RPC floor) %10.1f ns   RPC = %.2fx this floor\n", rt, r / rt
}'

python3 run/runner.py bench/mmio > build/bench-mmio.log 2>&1 || { tail -20 build/bench-mmio.log; exit 1; }
L=build/images/bench-mmio/serial.log
fig() { sed -n "s/.*bench: mmio $1 \([0-9.]*\) ns.*/\1/p" $L; }
rr=$(fig 'read32 devmem'); rw=$(fig 'write32 devmem'); dr=$(fig 'read32 dataspace'); dw=$(fig 'write32 dataspace')
if [ -z "$rr" ] || [ -z "$rw" ] || [ -z "$dr" ] || [ -z "$dw" ]; then
	echo "bench mmio: a figure is missing; see $L"; exit 1
fi
echo
echo "MMIO on the e1000e's BAR0, QEMU q35 TCG, best of 5 rounds (one boot):"
awk -v rr="$rr" -v rw="$rw" -v dr="$dr" -v dw="$dw" 'BEGIN {
	printf "  read32  /dev/mem mapping (reference) %8.1f ns   IO_MEM dataspace %8.1f ns   %.2fx\n", rr, dr, dr / rr
	printf "  write32 /dev/mem mapping (reference) %8.1f ns   IO_MEM dataspace %8.1f ns   %.2fx\n", rw, dw, dw / rw
}'
python3 run/bench_acpi.py

# IRQ: references (raw_uio, raw_vfio) need root, so bench_preinit runs them as PID 1 before core.
python3 run/runner.py bench/irq > build/bench-irq.log 2>&1 || { tail -20 build/bench-irq.log; exit 1; }
python3 run/runner.py bench/irq_vfio > build/bench-irq_vfio.log 2>&1 || { tail -20 build/bench-irq_vfio.log; exit 1; }
L=build/images/bench-irq/serial.log
V=build/images/bench-irq_vfio/serial.log
f() { sed -n "s/.*bench: irq $2 \([0-9.]*\) us.*/\1/p" $1 | tail -1; }
ruio=$(f $L 'raw uio'); uev=$(f $L 'session INTx ack socket (core)'); urpc=$(f $L 'session INTx ack rpc')
rvi=$(f $V 'raw vfio INTx'); vi=$(f $V 'session INTx ack eventfd (kernel)'); virpc=$(f $V 'session INTx ack rpc')
rvm=$(f $V 'raw vfio MSI'); vm=$(f $V 'session MSI ack none (MSI)')
rvx=$(f $V 'raw vfio MSI-X'); vx=$(f $V 'session MSI-X')
for x in "$ruio" "$uev" "$urpc" "$rvi" "$vi" "$virpc" "$rvm" "$vm" "$rvx" "$vx"; do
	[ -n "$x" ] || { echo "bench irq: a figure is missing; see $L and $V"; exit 1; }
done
echo
echo "Interrupt round trip (edu raises, driver wakes, acks device and line), QEMU q35 TCG, best of 5 x 100:"
awk -v r="$ruio" -v e="$uev" -v p="$urpc" -v rvi="$rvi" -v vi="$vi" -v vp="$virpc" -v rvm="$rvm" -v vm="$vm" \
    -v rvx="$rvx" -v vx="$vx" 'BEGIN {
	printf "  INTx, no IOMMU: plain UIO loop (reference)        %8.1f us   1.00x\n", r
	printf "    IRQ session, UIO, ack socket core watches       %8.1f us   %.2fx  (goal <= 2x)\n", e, e / r
	printf "    IRQ session, UIO, ack RPC                       %8.1f us   %.2fx\n", p, p / r
	printf "  INTx, IOMMU: plain VFIO loop (reference)          %8.1f us   1.00x\n", rvi
	printf "    IRQ session, VFIO, unmask eventfd               %8.1f us   %.2fx  (goal <= 1.10x)\n", vi, vi / rvi
	printf "    IRQ session, VFIO, ack RPC                      %8.1f us   %.2fx\n", vp, vp / rvi
	printf "  MSI, IOMMU: plain VFIO loop (reference)           %8.1f us   1.00x\n", rvm
	printf "    IRQ session, VFIO, no ack                       %8.1f us   %.2fx  (goal <= 1.10x)\n", vm, vm / rvm
	printf "  MSI-X, IOMMU, e1000e vector 0: plain VFIO loop    %8.1f us   1.00x\n", rvx
	printf "    IRQ session, VFIO, no ack                       %8.1f us   %.2fx  (goal <= 1.10x)\n", vx, vx / rvx
}'

# NIC transmit (issue 14): raw_packet_tx (Linux's e1000e, AF_PACKET) runs as root before core via
# bench_preinit, then gives the NIC up; nic_client sends the same frames through nic_e1000e.
python3 run/runner.py bench/nic > build/bench-nic.log 2>&1 || { tail -20 build/bench-nic.log; exit 1; }
L=build/images/bench-nic/serial.log
lin=$(sed -n 's/.*bench: nic tx linux \([0-9]*\) pps.*/\1/p' $L | tail -1)
ses=$(sed -n 's/.*bench: nic tx session \([0-9]*\) pps.*/\1/p' $L | tail -1)
[ -n "$lin" ] && [ -n "$ses" ] || { echo "bench nic: a figure is missing; see $L"; exit 1; }
echo
echo "NIC transmit, 60-byte frames, QEMU q35 TCG e1000e, best of 5 rounds of 1 s (one boot, same NIC):"
awk -v l="$lin" -v s="$ses" 'BEGIN {
	printf "  Linux e1000e, AF_PACKET send() (reference) %10d pps   1.00x\n", l
	printf "  nic_e1000e through its Nic session         %10d pps   %.2fx  (goal >= 0.9x)\n", s, s / l
}'

# PCI enumeration (issue 13): the platform driver's walk (ECAM, BAR probes included) against
# lspci -n (-A linux-sysfs, -A intel-conf1; pci_linux_view runs them as PID 1 before core).
python3 run/runner.py bench/platform > build/bench-platform.log 2>&1 || { tail -20 build/bench-platform.log; exit 1; }
L=build/images/bench-platform/serial.log
ours=$(sed -n 's/.*\[init -> platform\] enumerated \([0-9]*\) functions.* in \([0-9.]*\) ms.*/\2/p' $L | tail -1)
nfn=$(sed -n 's/.*\[init -> platform\] enumerated \([0-9]*\) functions.*/\1/p' $L | tail -1)
sysfs=$(sed -n 's/.*lspci -A linux-sysfs \([0-9.]*\) ms$/\1/p' $L | tail -1)
conf1=$(sed -n 's/.*lspci -A intel-conf1 \([0-9.]*\) ms$/\1/p' $L | tail -1)
[ -n "$ours" ] && [ -n "$sysfs" ] && [ -n "$conf1" ] || { echo "bench platform: a figure is missing; see $L"; exit 1; }
echo
echo "PCI enumeration, $nfn functions on 2 root buses (platform_topo machine), QEMU q35 TCG, one boot:"
awk -v o="$ours" -v s="$sysfs" -v c="$conf1" 'BEGIN {
	printf "  lspci -n -A linux-sysfs (reference, process start included) %8.1f ms   1.00x\n", s
	printf "  lspci -n -A intel-conf1 (process start included)            %8.1f ms   %.2fx\n", c, c / s
	printf "  platform driver walk, ECAM, BARs sized (in the component)   %8.1f ms   %.2fx  (goal <= 1x)\n", o, o / s
}'

# DMA buffers (issue 14): alloc + map + free through core's DMA session vs. a root process doing
# hugetlb memfd + fault-in + pagemap itself (raw_hugetlb, run by bench_preinit before core).
python3 run/runner.py bench/dma > build/bench-dma.log 2>&1 || { tail -20 build/bench-dma.log; exit 1; }
L=build/images/bench-dma/serial.log
raw=$(sed -n 's/.*bench: dma alloc+free raw hugetlb \([0-9.]*\) us.*/\1/p' $L | tail -1)
ses=$(sed -n 's/.*bench: dma alloc+free session \([0-9.]*\) us.*/\1/p' $L | tail -1)
[ -n "$raw" ] && [ -n "$ses" ] || { echo "bench dma: a figure is missing; see $L"; exit 1; }
echo
echo "DMA buffer of 2 MiB (allocate, map, free), no IOMMU, QEMU q35 TCG, mean of 200 (one boot):"
awk -v r="$raw" -v s="$ses" 'BEGIN {
	printf "  plain hugetlb memfd + fault-in + pagemap, root (reference) %10.1f us   1.00x\n", r
	printf "  DMA session: alloc (core) + map + free                     %10.1f us   %.2fx\n", s, s / r
}'
