/* Resetting a released function and restoring what the firmware left (reset.c). */
#ifndef PCI_RESET_H
#define PCI_RESET_H

#include <stddef.h>

#include "pci.h"

enum pci_reset_method { PCI_RESET_NONE, PCI_RESET_FLR, PCI_RESET_PM };

/*
 * Waits in milliseconds; the defaults are the spec's (reset.c). Host tests
 * keep them, so a test of a device that never comes back is bounded too.
 */
struct pci_reset_timing {
	unsigned	flr_ms;		/* after initiating FLR: 100 */
	unsigned	pending_ms;	/* at most, for Transactions Pending to clear before FLR */
	unsigned	back_ms;	/* at most, after the wait, for config space to answer again */
	unsigned	d3_ms;		/* after each of D0->D3hot and D3hot->D0: 10 */
};
extern const struct pci_reset_timing pci_reset_spec;

/*
 * Call after pci_fn_quiesce: reset f by FLR (Device Capabilities bit 28) or
 * else D3hot->D0 (PM capability, No_Soft_Reset clear), then write back the
 * header the firmware left (BARs, cache line, latency timer, interrupt
 * line, PCIe Device Control 1 and 2, the firmware's command register with
 * bus master off and INTx disabled) and read it back. The method tried is in
 * *method; line gets one sentence for the log ("FLR, config restored and
 * verified", "no reset method, quiesced only", or what went wrong).
 * 0, or -errno (-ETIMEDOUT: did not come back; -EIO: a register did not
 * read back as written).
 */
int	pci_fn_reset(const struct pci_cfg *, const struct pci_fn *f, const struct pci_reset_timing *,
	    enum pci_reset_method *method, char *line, size_t len);

/*
 * After the reset: D3hot where f has the PM capability (a bridge stays in
 * D0). line says which; 0, or -EIO if it did not take D3hot.
 */
int	pci_fn_park(const struct pci_cfg *, const struct pci_fn *f, const struct pci_reset_timing *, char *line,
	    size_t len);
/*
 * Before the next acquire: back to D0 if parked (*was 1), the header
 * written back and verified. 0, or -errno with line saying what failed.
 */
int	pci_fn_unpark(const struct pci_cfg *, const struct pci_fn *f, const struct pci_reset_timing *, int *was,
	    char *line, size_t len);

#endif
