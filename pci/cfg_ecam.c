/* ECAM: 4 KiB of config space per function at base + (bus << 20 | dev << 15 | fn << 12). */
#include <errno.h>
#include <stddef.h>

#include "cfg.h"

static volatile uint8_t *
ecam_reg(const struct pci_ecam *e, struct pci_addr a, unsigned off)
{
	if (a.seg != e->seg || a.bus < e->bus_start || a.bus > e->bus_end || a.dev > 31 || a.fn > 7)
		return NULL;
	return e->base + ((uint64_t)(a.bus - e->bus_start) << 20 | a.dev << 15 | a.fn << 12 | off);
}

static int
check(unsigned off, unsigned width)
{
	if ((width != 1 && width != 2 && width != 4) || off % width)
		return -EINVAL;
	return off + width > 4096 ? -ERANGE : 0;
}

static int
ecam_read(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t *val)
{
	volatile uint8_t *r;
	int err = check(off, width);

	if (err)
		return err;
	if (!(r = ecam_reg(ctx, a, off)))
		return -ENOENT;
	/* One access of exactly that width: config registers may have side effects on read. */
	*val = width == 4 ? *(volatile uint32_t *)r : width == 2 ? *(volatile uint16_t *)r : *r;
	return 0;
}

static int
ecam_write(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t val)
{
	volatile uint8_t *r;
	int err = check(off, width);

	if (err)
		return err;
	if (!(r = ecam_reg(ctx, a, off)))
		return -ENOENT;
	if (width == 4)
		*(volatile uint32_t *)r = val;
	else if (width == 2)
		*(volatile uint16_t *)r = (uint16_t)val;
	else
		*r = (uint8_t)val;
	return 0;
}

static unsigned
ecam_space(void *ctx, struct pci_addr a)
{
	(void)ctx;
	(void)a;
	return 4096;
}

static struct pci_ecam *
window(struct pci_ecam_set *s, struct pci_addr a)
{
	for (unsigned i = 0; i < s->n && i < PCI_ECAM_WINDOWS_MAX; i++)
		if (s->win[i].seg == a.seg && a.bus >= s->win[i].bus_start && a.bus <= s->win[i].bus_end)
			return &s->win[i];
	return NULL;
}

static int
set_read(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t *val)
{
	struct pci_ecam *w = window(ctx, a);

	return w ? ecam_read(w, a, off, width, val) : -ENOENT;
}

static int
set_write(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t val)
{
	struct pci_ecam *w = window(ctx, a);

	return w ? ecam_write(w, a, off, width, val) : -ENOENT;
}

const struct pci_cfg_ops pci_cfg_ecam_set = {
	.name = "ecam", .read = set_read, .write = set_write, .space = ecam_space,
};
