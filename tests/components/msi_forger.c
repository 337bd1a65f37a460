/*
 * Attack component (issue 22, forged MSIs): a driver that holds its
 * device's BARs can write the device's MSI-X table directly, past core's
 * config-space checks. This one holds the e1000e (its BAR0, its MSI-X
 * table in BAR3 and the IRQ session of MSI-X vector 0) and the victim, an
 * edu whose MSI it takes through its own IRQ session only to learn the
 * victim's message (INFO) and to count what the victim receives.
 *
 * Steps, each logged:
 *  1. controls: the victim's genuine MSI arrives (edu raise), the e1000e's
 *     genuine vector 0 arrives (ICS). Either missing: inconclusive, exit 2.
 *  2. remappable forgery: table entry 0 of the e1000e gets the victim's
 *     exact address and data (its interrupt-remapping handle), unmasked,
 *     then the e1000e raises vector 0. Interrupt remapping must refuse it
 *     (the IRTE's source-id is the edu's, the request comes from the
 *     e1000e): the victim must receive nothing.
 *  3. compat-format forgery (config compat_vector=, optional): address
 *     0xfee00000 (APIC 0, physical), data = that vector, no remapping
 *     format. With remapping enabled and compatibility format blocked
 *     (Linux clears CFI) hardware refuses it; the outcome is in the
 *     kernel's log (a fault line, or "No irq handler for vector").
 *  4. the genuine entry back; vector 0 must arrive again (the forgery was
 *     what changed, not the device).
 * Exit 0: the victim received no forged interrupt; 1: it did; 2: a control
 * failed (inconclusive, never counted as refused).
 *
 * Config: <config compat_vector="0x..." wait_ms="1000"/>
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/devices.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/rom.h>

/* e1000e (82574) registers, by the datasheet's names; BAR0. */
#define NIC_STATUS	0x0008
#define NIC_ICR		0x00c0
#define NIC_ICS		0x00c8
#define NIC_IMS		0x00d0
#define NIC_IMC		0x00d8
#define NIC_EIAC	0x00dc
#define NIC_IVAR	0x00e4
#define NIC_EITR0	0x00e8
#define NIC_RXQ0	(1u << 20)
/* MSI-X table entry n (BAR3 in QEMU's e1000e, table at 0): address lo, hi, data, vector control. */
#define MSIX_ENTRY(n)	(16u * (n))
#define MSIX_MASKED	1u
/* edu (1234:11e8), BAR0 */
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64


static void
inconclusive(const char *what)
{
	mkx_error("msi_forger: INCONCLUSIVE: %s", what);
	mkx_exit(2);
}

/* Write one MSI-X entry, masked while it changes (the PCI spec's rule for software). */
static void
set_entry(struct mkx_io_mem *t, uint32_t lo, uint32_t hi, uint32_t data)
{
	uint32_t ctl = mkx_mmio_read32(t, MSIX_ENTRY(0) + 12);

	mkx_mmio_write32(t, MSIX_ENTRY(0) + 12, ctl | MSIX_MASKED);
	mkx_mmio_write32(t, MSIX_ENTRY(0) + 0, lo);
	mkx_mmio_write32(t, MSIX_ENTRY(0) + 4, hi);
	mkx_mmio_write32(t, MSIX_ENTRY(0) + 8, data);
	mkx_mmio_write32(t, MSIX_ENTRY(0) + 12, ctl & ~MSIX_MASKED);
	(void)mkx_mmio_read32(t, MSIX_ENTRY(0) + 12);	/* flush the posted writes */
}

/* Raise vector 0 (RXQ0 routed to it) and clear the cause again. */
static void
nic_raise(struct mkx_io_mem *bar)
{
	mkx_mmio_write32(bar, NIC_ICS, NIC_RXQ0);
}

static void
nic_clear(struct mkx_io_mem *bar)
{
	mkx_mmio_write32(bar, NIC_ICR, NIC_RXQ0);
	mkx_mmio_write32(bar, NIC_IMS, NIC_RXQ0);
}

int
main(void)
{
	struct mkx_pci_device nic, edu;
	struct mkx_io_mem nbar, ntab, ebar;
	struct mkx_irq nirq, eirq;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long compat = 0, wait_ms = 1000;
	uint32_t lo, hi, data, ctl;
	char why[512], args[96];
	int n, m, forged_hit = 0;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		mkx_xml_attr_ulong(cfg, "compat_vector", 0, &compat);
		mkx_xml_attr_ulong(cfg, "wait_ms", 1000, &wait_ms);
	}
	if (compat > 0xff) {
		mkx_error("msi_forger: compat_vector=0x%lx is not a vector (0x10..0xff)", compat);
		mkx_exit(2);
	}
	if (mkx_devices_rom_find(0x8086, 0x10d3, 0, &nic) || mkx_devices_rom_find(0x1234, 0x11e8, 0, &edu))
		inconclusive("no e1000e (8086:10d3) or no edu (1234:11e8) in pci_devices");
	if (mkx_io_mem_open(&ebar, edu.bar[0].address, edu.bar[0].size, 0, why, sizeof why) ||
	    mkx_io_mem_open(&nbar, nic.bar[0].address, nic.bar[0].size, 0, why, sizeof why) ||
	    mkx_io_mem_open(&ntab, nic.bar[3].address, nic.bar[3].size, 0, why, sizeof why))
		inconclusive(why);
	snprintf(args, sizeof args, "irq_type=1, pci=\"%s\"", edu.name);
	if (mkx_irq_open_args(&eirq, args, MKX_IRQ_ACK_AUTO, why, sizeof why))
		inconclusive(why);
	snprintf(args, sizeof args, "irq_type=2, pci=\"%s\", vector=0", nic.name);
	if (mkx_irq_open_args(&nirq, args, MKX_IRQ_ACK_AUTO, why, sizeof why))
		inconclusive(why);
	mkx_log("msi_forger: victim edu %s MSI: address 0x%llx data 0x%llx (its remapping handle); attacker e1000e %s",
	    edu.name, (unsigned long long)eirq.info.address, (unsigned long long)eirq.info.value, nic.name);

	/* 1. controls */
	mkx_mmio_write32(&ebar, EDU_IRQ_RAISE, 1);
	n = mkx_irq_wait(&eirq, 3000);
	mkx_mmio_write32(&ebar, EDU_IRQ_ACK, 1);
	mkx_irq_ack(&eirq);
	if (n != 1)
		inconclusive("the victim's genuine MSI did not arrive once");
	for (int t = 0; t < 300 && !(mkx_mmio_read32(&nbar, NIC_STATUS) & 2u); t++)
		usleep(10000);	/* link settles after VFIO's reset (see msix_e1000e) */
	usleep(100000);
	mkx_mmio_write32(&nbar, NIC_IMC, ~0u);
	mkx_mmio_write32(&nbar, NIC_EITR0, 0);
	mkx_mmio_write32(&nbar, NIC_IVAR, 0x8u);	/* RXQ0 -> vector 0, valid */
	mkx_mmio_write32(&nbar, NIC_EIAC, 0);
	(void)mkx_mmio_read32(&nbar, NIC_ICR);
	mkx_mmio_write32(&nbar, NIC_ICR, ~0u);
	mkx_mmio_write32(&nbar, NIC_IMS, NIC_RXQ0);
	nic_raise(&nbar);
	n = mkx_irq_wait(&nirq, 3000);
	nic_clear(&nbar);
	mkx_irq_ack(&nirq);
	if (n != 1)
		inconclusive("the e1000e's genuine vector 0 did not arrive once");
	lo = mkx_mmio_read32(&ntab, MSIX_ENTRY(0) + 0);
	hi = mkx_mmio_read32(&ntab, MSIX_ENTRY(0) + 4);
	data = mkx_mmio_read32(&ntab, MSIX_ENTRY(0) + 8);
	ctl = mkx_mmio_read32(&ntab, MSIX_ENTRY(0) + 12);
	mkx_log("msi_forger: controls passed: the victim's MSI and the e1000e's vector 0 each arrived once; "
	    "e1000e MSI-X entry 0 as the kernel set it: address 0x%08x%08x data 0x%x control 0x%x%s", hi, lo, data, ctl,
	    (lo & 0x10) ? " (remappable format)" : " (compatibility format: no interrupt remapping)");

	/* 2. remappable forgery: the victim's own message, sent by the e1000e */
	usleep(2000);	/* outside QEMU's e1000e throttling window */
	set_entry(&ntab, (uint32_t)eirq.info.address, (uint32_t)(eirq.info.address >> 32), (uint32_t)eirq.info.value);
	nic_raise(&nbar);
	n = mkx_irq_wait(&eirq, (int)wait_ms);
	m = mkx_irq_wait(&nirq, 0);
	nic_clear(&nbar);
	if (n > 0) {
		mkx_mmio_write32(&ebar, EDU_IRQ_ACK, ~0u);
		mkx_irq_ack(&eirq);
	}
	mkx_log("msi_forger: forged the victim's message (address 0x%llx data 0x%llx) into e1000e entry 0 and raised it: "
	    "victim received %d, e1000e vector 0 received %d in %lu ms", (unsigned long long)eirq.info.address,
	    (unsigned long long)eirq.info.value, n, m, wait_ms);
	forged_hit += n > 0;

	/* 3. compatibility-format forgery */
	if (compat) {
		usleep(2000);
		set_entry(&ntab, 0xfee00000u, 0, (uint32_t)compat);
		nic_raise(&nbar);
		n = mkx_irq_wait(&eirq, (int)wait_ms);
		m = mkx_irq_wait(&nirq, 0);
		nic_clear(&nbar);
		mkx_log("msi_forger: forged a compatibility-format MSI (address 0xfee00000, vector 0x%lx) and raised it: "
		    "victim received %d, e1000e vector 0 received %d in %lu ms; the kernel's log says where it went",
		    compat, n, m, wait_ms);
		forged_hit += n > 0;
	}

	/* 4. the genuine entry back: vector 0 must arrive again */
	usleep(2000);
	set_entry(&ntab, lo, hi, data);
	nic_raise(&nbar);
	n = mkx_irq_wait(&nirq, 3000);
	nic_clear(&nbar);
	mkx_irq_ack(&nirq);
	mkx_mmio_write32(&nbar, NIC_IMC, ~0u);
	if (n != 1)
		inconclusive("vector 0 did not arrive after the genuine entry was restored");
	mkx_log("msi_forger: genuine entry restored: vector 0 arrived again");
	if (forged_hit) {
		mkx_error("msi_forger: a forged MSI reached the victim");
		mkx_exit(1);
	}
	mkx_log("msi_forger: no forged MSI reached the victim");
	mkx_irq_close(&nirq);
	mkx_irq_close(&eirq);
	mkx_exit(0);
}
