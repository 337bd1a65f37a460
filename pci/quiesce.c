/*
 * Turning a function on for its driver and off again. On: the decode its
 * BARs need, bus mastering, INTx enabled. Off (release, or the driver died): no bus
 * mastering (no more DMA into memory that is about to be freed), no
 * decode, INTx disabled, MSI and MSI-X disabled.
 */
#include "quiesce.h"

#define CMD_IO		0x0001
#define CMD_MEM		0x0002
#define CMD_MASTER	0x0004
#define CMD_INTX_OFF	0x0400

int
pci_fn_enable(const struct pci_cfg *c, const struct pci_fn *f, uint16_t *cmd_out)
{
	uint16_t cmd = (uint16_t)pci_rd(c, f->a, 0x04, 2);
	int err;

	for (unsigned b = 0; b < 6; b++)
		if (f->bar[b].kind == PCI_BAR_IO)
			cmd |= CMD_IO;
		else if (f->bar[b].kind != PCI_BAR_NONE)
			cmd |= CMD_MEM;
	/* INTx on again: a previous owner's release disabled it. */
	cmd = (uint16_t)((cmd | CMD_MASTER) & ~CMD_INTX_OFF);
	err = pci_wr(c, f->a, 0x04, 2, cmd);
	*cmd_out = (uint16_t)pci_rd(c, f->a, 0x04, 2);
	return err;
}

int
pci_fn_quiesce(const struct pci_cfg *c, const struct pci_fn *f, uint16_t *cmd_out)
{
	uint16_t cmd = (uint16_t)pci_rd(c, f->a, 0x04, 2);
	int err = pci_wr(c, f->a, 0x04, 2, (cmd & ~(CMD_IO | CMD_MEM | CMD_MASTER)) | CMD_INTX_OFF);

	for (unsigned i = 0; i < f->ncap; i++) {
		unsigned ctl = f->cap[i].off + 2u;
		uint16_t v = (uint16_t)pci_rd(c, f->a, ctl, 2);

		if (f->cap[i].id == 0x05 && (v & 0x0001))		/* MSI enable */
			pci_wr(c, f->a, ctl, 2, v & ~0x0001u);
		else if (f->cap[i].id == 0x11 && (v & 0x8000))	/* MSI-X enable */
			pci_wr(c, f->a, ctl, 2, v & ~0x8000u);
	}
	*cmd_out = (uint16_t)pci_rd(c, f->a, 0x04, 2);
	return err;
}
