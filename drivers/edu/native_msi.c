/*
 * The native MSI path, as Genode's platform driver takes it
 * (pci_msi_enable): read INFO's address/data, find the MSI capability,
 * write address (32 or 64 bit) and data, set MSI enable. Config access is
 * core's CF8/CFC IO_PORT session (an IO_PORT policy on 0xCF8 and a
 * <pci_config access="write"> policy for the function). Under VFIO the
 * kernel has programmed the same message already, so these writes change
 * nothing and the interrupts keep coming; writes that would change the
 * message or clear the enable bit are refused by core.
 */
#include <errno.h>
#include <string.h>

#include <mkx/io_port.h>
#include <mkx/log.h>
#include "native_msi.h"

#define CF8	0xcf8
#define CFC	0xcfc

static struct mkx_io_port conf;

static int
cfg_read(unsigned bdf, unsigned reg, unsigned width, uint32_t *v)
{
	int err = mkx_io_port_out(&conf, CF8, 4, 0x80000000u | bdf << 8 | (reg & 0xfc));

	return err ? err : mkx_io_port_in(&conf, CFC + (reg & 3), width, v);
}

static int
cfg_write(unsigned bdf, unsigned reg, unsigned width, uint32_t v)
{
	int err = mkx_io_port_out(&conf, CF8, 4, 0x80000000u | bdf << 8 | (reg & 0xfc));

	return err ? err : mkx_io_port_out(&conf, CFC + (reg & 3), width, v);
}

/* The MSI capability's offset, or 0 (a bounded walk of the list). */
static unsigned
msi_cap(unsigned bdf)
{
	uint32_t status, pos, hdr;

	if (cfg_read(bdf, 0x06, 2, &status) || !(status & (1u << 4)) || cfg_read(bdf, 0x34, 1, &pos))
		return 0;
	for (int i = 0; i < 48 && pos >= 0x40; i++) {
		if (cfg_read(bdf, pos & 0xfc, 2, &hdr))
			return 0;
		if ((hdr & 0xff) == 0x05)
			return pos & 0xfc;
		pos = hdr >> 8;
	}
	return 0;
}

int
native_msi_program(unsigned bdf, const struct mkx_irq *irq)
{
	char why[256];
	uint32_t ctl, data_reg;
	unsigned cap;
	int err, is64;

	if (mkx_io_port_open(&conf, CF8, 8, why, sizeof why)) {
		mkx_error("native MSI: no config access: %s", why);
		return -1;
	}
	if (!(cap = msi_cap(bdf)) || cfg_read(bdf, cap + 2, 2, &ctl)) {
		mkx_error("native MSI: no MSI capability found");
		return -1;
	}
	is64 = !!(ctl & (1u << 7));
	data_reg = cap + (is64 ? 12 : 8);
	/* What Genode's platform driver does: address, data, enable. */
	if ((err = cfg_write(bdf, cap + 4, 4, (uint32_t)irq->info.address)) ||
	    (is64 && (err = cfg_write(bdf, cap + 8, 4, (uint32_t)(irq->info.address >> 32)))) ||
	    (err = cfg_write(bdf, data_reg, 2, (uint32_t)irq->info.value)) ||
	    (err = cfg_write(bdf, cap + 2, 2, ctl | 1))) {
		mkx_error("native MSI: programming INFO's message was refused (%s)", strerror(-err));
		return -1;
	}
	mkx_log("native MSI: capability at 0x%x (%s-bit), wrote address 0x%llx data 0x%llx and MSI enable: accepted",
	    cap, is64 ? "64" : "32", (unsigned long long)irq->info.address, (unsigned long long)irq->info.value);
	/* Writes that would break the interrupt core set up must be refused. */
	err = cfg_write(bdf, data_reg, 2, (uint32_t)irq->info.value ^ 0x10);
	mkx_log("native MSI: another data value: %s", err ? strerror(-err) : "accepted (BAD)");
	if (!err)
		return -1;
	err = cfg_write(bdf, cap + 2, 2, ctl & ~1u);
	mkx_log("native MSI: MSI enable cleared: %s", err ? strerror(-err) : "accepted (BAD)");
	if (!err)
		return -1;
	mkx_io_port_close(&conf);
	return 0;
}
