/* Taking a block controller through the Platform session (see block_hw.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/devices.h>
#include <mkx/log.h>
#include <mkx/xml.h>
#include "block_hw.h"

/* The first function of the session's devices that matches; -ENOENT if none. */
static int
find(const struct blk_hw *hw, uint32_t class, uint32_t mask, struct mkx_pci_device *d, char *why, size_t whylen)
{
	struct mkx_xml *devices;
	char *xml;
	size_t len;
	int err;

	if ((err = mkx_platform_devices(hw->platform, &xml, &len)))
		return err;
	devices = mkx_xml_parse(xml, len, why, whylen);
	free(xml);
	err = -ENOENT;
	for (unsigned i = 0; devices && !mkx_devices_nth(devices, i, d); i++)
		if ((d->class & mask) == class && (!hw->pci[0] || !strcmp(d->name, hw->pci))) {
			err = 0;
			break;
		}
	mkx_xml_free(devices);
	return err;
}

int
blk_hw_acquire(const struct blk_hw *hw, const char *label, const char *what, uint32_t class, uint32_t mask,
    unsigned bar_index, unsigned long dma_quota, unsigned long acquire_ms)
{
	char why[512] = "";
	struct mkx_pci_device d;
	double t0 = mkx_now();
	int err;

	if ((err = mkx_platform_open_ram(hw->platform, label, dma_quota, why, sizeof why))) {
		mkx_error("Platform session: %s", why[0] ? why : "devices document unreadable");
		return err;
	}
	if ((err = find(hw, class, mask, &d, why, sizeof why)) && err != -ENOENT) {
		mkx_error("Platform session: %s", why[0] ? why : "devices document unreadable");
		return err;
	}
	if (err) {
		mkx_error("%s: no %s%s%s in the Platform session's devices", label, what, hw->pci[0] ? " at " : "",
		    hw->pci);
		return err;
	}
	snprintf(hw->pci, hw->pcilen, "%s", d.name);
	while ((err = mkx_platform_acquire(hw->platform, hw->pci, why, sizeof why)) == -EBUSY &&
	    mkx_now() - t0 < acquire_ms / 1e3)
		usleep(100000);
	if (!err && !(err = mkx_platform_io_mem(hw->platform, hw->pci, bar_index, hw->bar, why, sizeof why)))
		while ((err = mkx_platform_irq(hw->platform, hw->pci, 0, hw->irq, why, sizeof why)) == -EBUSY &&
		    mkx_now() - t0 < acquire_ms / 1e3)
			usleep(100000);
	if (err || (err = mkx_dma_open_platform(hw->dma, hw->platform, hw->pci, why, sizeof why))) {
		mkx_error("%s: %s through the Platform session: %s", label, hw->pci, why);
		return err;
	}
	return 0;
}
