/*
 * The platform driver's `devices` ROM as Genode's platform driver reads it
 * (repos/os/src/driver/platform/device_model_policy.cc): whoever provides
 * it (pci_decode's report through core's <report_rom>, or a hand-written
 * file), each <device name type> with its <io_mem address size>,
 * <io_port_range address size>, <irq number type>, <pci-config>. Non-PCI
 * devices (ps2, pit, acpi, ioapicN) are devices like any other.
 */
#ifndef PCI_PLATFORM_ROM_H
#define PCI_PLATFORM_ROM_H

#include <stddef.h>
#include <stdint.h>

#include <mkx/xml.h>

#define PROM_DEVICES_MAX	256
#define PROM_RES_MAX		8

struct prom_range {
	uint64_t	addr, size;
	int		pci_bar;	/* -1: none */
	int		wc;
};

struct prom_irq {
	unsigned	number;
	char		type[8];	/* "" (legacy), "msi", "msi-x" */
};

struct prom_dev {
	char			name[64];
	char			type[32];	/* "pci", "ps2"'s "" ... */
	int			pci;		/* has <pci-config> */
	unsigned		vendor, device, class, rev, sub_vendor, sub_device;
	unsigned		bus, dev, fn;
	uint64_t		cfg_addr;	/* <pci-config address>, 0 if none */
	struct prom_range	mem[PROM_RES_MAX], port[PROM_RES_MAX];
	struct prom_irq		irq[PROM_RES_MAX];
	unsigned		nmem, nport, nirq;
};

struct prom_set {
	struct prom_dev		dev[PROM_DEVICES_MAX];
	unsigned		n;
};

/* Read a <devices> document. 0, or -EINVAL with "line N: what" in why. */
int	prom_read(const struct mkx_xml *devices, struct prom_set *out, char *why, size_t whylen);
/* The device of that name, or NULL. */
struct prom_dev *prom_find(struct prom_set *, const char *name);

#endif
