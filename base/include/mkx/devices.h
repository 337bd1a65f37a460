/*
 * Reading core's "pci_devices" ROM (Genode devices-ROM style): find a PCI
 * function by vendor/device ID and get its BARs. Drivers use this until
 * the platform driver hands out devices through platform sessions.
 */
#ifndef MKX_DEVICES_H
#define MKX_DEVICES_H

#include <stdint.h>
#include <mkx/xml.h>

struct mkx_pci_bar {
	uint64_t	address, size;
	int		io;		/* 1: I/O ports, 0: memory; size 0: absent */
};

struct mkx_pci_device {
	char			name[16];	/* "00:01.0" */
	unsigned		vendor, device, class;
	unsigned		bus, dev, fn;
	unsigned		irq_pin;	/* 0 none, 1 = INTA .. 4 = INTD */
	struct mkx_pci_bar	bar[7];
};

/*
 * Find the index-th (0 = first) function with vendor:device in a parsed
 * pci_devices ROM. Returns 0, or -ENOENT if there is none.
 */
int	mkx_devices_find(const struct mkx_xml *devices, unsigned vendor, unsigned device,
	    unsigned index, struct mkx_pci_device *out);

/*
 * The same, straight from core's "pci_devices" ROM (opened, parsed and
 * closed here): 0, or -ENOENT if there is no such ROM or function.
 */
int	mkx_devices_rom_find(unsigned vendor, unsigned device, unsigned index, struct mkx_pci_device *out);

/* The index-th function of any kind (0 = first). 0 or -ENOENT. */
int	mkx_devices_nth(const struct mkx_xml *devices, unsigned index, struct mkx_pci_device *out);

#endif
