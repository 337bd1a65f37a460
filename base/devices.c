/*
 * Reader of a devices ROM with Genode's info="yes" attributes (see
 * mkx/devices.h): core's pci_devices ROM and a Platform session's devices
 * ROM. A BAR's address is phys_addr=, as in Genode's session ROM (the
 * devices *report* of pci_decode says address= instead).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mkx/devices.h>
#include <mkx/rom.h>

static void
read_bars(const struct mkx_xml *dev, struct mkx_pci_device *out)
{
	for (struct mkx_xml *c = dev->child; c; c = c->next) {
		unsigned long bar, addr, size;
		int io = !strcmp(c->name, "io_port_range");

		if (!io && strcmp(c->name, "io_mem"))
			continue;
		if (mkx_xml_attr_ulong(c, "pci_bar", 0, &bar) || bar > 6 ||
		    mkx_xml_attr_ulong(c, "phys_addr", 0, &addr) || mkx_xml_attr_ulong(c, "size", 0, &size))
			continue;
		out->bar[bar].address = addr;
		out->bar[bar].size = size;
		out->bar[bar].io = io;
	}
}

/* vendor/device 0xffffffff: any. */
static int
find(const struct mkx_xml *devices, unsigned vendor, unsigned device, unsigned index,
    struct mkx_pci_device *out)
{
	for (struct mkx_xml *d = mkx_xml_child(devices, "device"); d; d = mkx_xml_next(d, "device")) {
		struct mkx_xml *cfg = mkx_xml_child(d, "pci-config");
		unsigned long v, dv, cls, b = 0, dev = 0, fn = 0, pin = 0;

		if (!cfg || mkx_xml_attr_ulong(cfg, "vendor_id", 0, &v) || mkx_xml_attr_ulong(cfg, "device_id", 0, &dv))
			continue;
		if ((vendor != 0xffffffffu && v != vendor) || (device != 0xffffffffu && dv != device))
			continue;
		if (index--)
			continue;
		memset(out, 0, sizeof *out);
		snprintf(out->name, sizeof out->name, "%s", mkx_xml_attr(d, "name") ? mkx_xml_attr(d, "name") : "?");
		mkx_xml_attr_ulong(cfg, "class", 0, &cls);
		mkx_xml_attr_ulong(cfg, "bus", 0, &b);
		mkx_xml_attr_ulong(cfg, "device", 0, &dev);
		mkx_xml_attr_ulong(cfg, "function", 0, &fn);
		mkx_xml_attr_ulong(cfg, "irq_pin", 0, &pin);
		out->vendor = (unsigned)v;
		out->device = (unsigned)dv;
		out->class = (unsigned)cls;
		out->bus = (unsigned)b, out->dev = (unsigned)dev, out->fn = (unsigned)fn;
		out->irq_pin = (unsigned)pin;
		read_bars(d, out);
		return 0;
	}
	return -ENOENT;
}

int
mkx_devices_find(const struct mkx_xml *devices, unsigned vendor, unsigned device,
    unsigned index, struct mkx_pci_device *out)
{
	return find(devices, vendor, device, index, out);
}

int
mkx_devices_nth(const struct mkx_xml *devices, unsigned index, struct mkx_pci_device *out)
{
	return find(devices, 0xffffffffu, 0xffffffffu, index, out);
}

int
mkx_devices_rom_find(unsigned vendor, unsigned device, unsigned index, struct mkx_pci_device *out)
{
	struct mkx_rom rom;
	struct mkx_xml *x;
	char err[128];
	int rc;

	if (mkx_rom_open(&rom, "pci_devices"))
		return -ENOENT;
	x = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	rc = x ? mkx_devices_find(x, vendor, device, index, out) : -ENOENT;
	mkx_xml_free(x);
	mkx_rom_close(&rom);
	return rc;
}
