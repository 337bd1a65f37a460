/*
 * conf1: write the address to 0xCF8 (enable bit, bus, device, function,
 * dword register), then access 0xCFC + (register & 3). Core emulates the
 * pair on the kernel's locked config access, so no race with Linux's own
 * use of it. Registers 0x00-0xFF of segment 0 only.
 */
#include <errno.h>

#include "cfg.h"

static int
conf1_addr(struct pci_conf1 *c, struct pci_addr a, unsigned off, unsigned width)
{
	if ((width != 1 && width != 2 && width != 4) || off % width)
		return -EINVAL;
	if (off + width > 256)
		return -ERANGE;
	if (a.seg || a.bus > 255 || a.dev > 31 || a.fn > 7)
		return -ENOENT;
	return c->out(c->port_ctx, 0xcf8, 4, 0x80000000u | a.bus << 16 | a.dev << 11 | a.fn << 8 | (off & 0xfc));
}

static int
conf1_read(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t *val)
{
	struct pci_conf1 *c = ctx;
	int err = conf1_addr(c, a, off, width);

	return err ? err : c->in(c->port_ctx, 0xcfc + (off & 3), width, val);
}

static int
conf1_write(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t val)
{
	struct pci_conf1 *c = ctx;
	int err = conf1_addr(c, a, off, width);

	return err ? err : c->out(c->port_ctx, 0xcfc + (off & 3), width, val);
}

static unsigned
conf1_space(void *ctx, struct pci_addr a)
{
	(void)ctx;
	(void)a;
	return 256;
}

const struct pci_cfg_ops pci_cfg_conf1 = {
	.name = "conf1", .read = conf1_read, .write = conf1_write, .space = conf1_space,
};
