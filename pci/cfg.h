/*
 * Config space access behind one small ops table (pciutils does it this
 * way too): the enumeration asks for a register of (segment, bus, device,
 * function) and does not know whether ECAM (an IO_MEM dataspace of an MCFG
 * window), the conf1 pair (core's emulated CF8/CFC IO_PORT session) or a
 * checked-in dump (host tests) answers.
 */
#ifndef PCI_CFG_H
#define PCI_CFG_H

#include <stdint.h>

struct pci_addr {
	unsigned	seg, bus, dev, fn;
};

struct pci_cfg_ops {
	const char	*name;
	/*
	 * width 1, 2 or 4, off aligned to width. 0 with *val; -ENOENT if the
	 * access cannot reach that function (bus outside the window: not the
	 * same as absent, which reads all ones), -ERANGE beyond the extended
	 * space this access offers, or another -errno.
	 */
	int	(*read)(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t *val);
	int	(*write)(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t val);
	/* Bytes of config space per function this access reaches: 256 (conf1) or 4096 (ECAM). */
	unsigned	(*space)(void *ctx, struct pci_addr a);
};

struct pci_cfg {
	const struct pci_cfg_ops	*ops;
	void				*ctx;
};

/* Convenience: a read that gives all ones on any error (the bus's own answer for "nothing there"). */
static inline uint32_t
pci_rd(const struct pci_cfg *c, struct pci_addr a, unsigned off, unsigned width)
{
	uint32_t v;

	if (c->ops->read(c->ctx, a, off, width, &v))
		return width == 4 ? 0xffffffffu : width == 2 ? 0xffffu : 0xffu;
	return v;
}

static inline int
pci_wr(const struct pci_cfg *c, struct pci_addr a, unsigned off, unsigned width, uint32_t v)
{
	return c->ops->write(c->ctx, a, off, width, v);
}

/*
 * One ECAM window (cfg_ecam.c): buses bus_start..bus_end of segment seg,
 * 1 MiB per bus at base. The caller maps it (IO_MEM session in the
 * component, a buffer in tests).
 */
struct pci_ecam {
	volatile uint8_t	*base;
	unsigned		seg, bus_start, bus_end;
};

/*
 * A set of ECAM windows (one per MCFG entry) as one access: the read goes
 * to the window that holds (seg, bus), -ENOENT if none does.
 */
#define PCI_ECAM_WINDOWS_MAX 8
struct pci_ecam_set {
	struct pci_ecam	win[PCI_ECAM_WINDOWS_MAX];
	unsigned	n;
};
extern const struct pci_cfg_ops pci_cfg_ecam_set;

/*
 * conf1 (cfg_conf1.c): the 0xCF8/0xCFC pair through port accessors the
 * caller provides (an IO_PORT session of core, which emulates the pair).
 * Segment 0, registers below 256 only.
 */
struct pci_conf1 {
	void		*port_ctx;
	int		(*in)(void *port_ctx, unsigned port, unsigned width, uint32_t *val);
	int		(*out)(void *port_ctx, unsigned port, unsigned width, uint32_t val);
	/*
	 * Optional (NULL: every access is the CF8/CFC pair, two requests):
	 * core's config requests on the same session (mkx/io_port_cfg.h),
	 * one request per access, a range of dwords per read; bdf is
	 * bus << 8 | device << 3 | function. 0 or -errno.
	 */
	int		(*range_read)(void *port_ctx, unsigned bdf, unsigned off, void *buf, unsigned len);
	int		(*write_back)(void *port_ctx, unsigned bdf, unsigned off, unsigned width, uint32_t v,
			    uint32_t *back);
	/* Optional too: a BAR sizing probe (write v, read back, write restore) in one request. */
	int		(*probe)(void *port_ctx, unsigned bdf, unsigned off, uint32_t v, uint32_t restore,
			    uint32_t *back);
	/* Optional too: the dword at off of function 0 of n devices from bdf's device on, one request. */
	int		(*scan)(void *port_ctx, unsigned bdf, unsigned off, uint32_t *ids, unsigned n);
	/* Optional too: the dword at off of function 0 of the 32 devices of nbus (<= 8) buses from bus on. */
	int		(*scan_buses)(void *port_ctx, unsigned bus, unsigned off, uint32_t *ids, unsigned nbus);
	/* Optional too: n BAR dwords from off probed in one request (their masks), each restored by core. */
	int		(*probe_each)(void *port_ctx, unsigned bdf, unsigned off, uint32_t *masks, unsigned n);
	/*
	 * 1 while a walk runs (the caller sets and clears it; needs
	 * range_read): reads are served from a snapshot of the function's
	 * registers, fetched by range, each dword at most once per fetch
	 * (cfg_conf1.c says why that is safe for a walk and only for it).
	 */
	int		walk;
	struct pci_conf1_snap {
		unsigned	bdf;
		uint64_t	have, served;	/* one bit per dword */
		uint64_t	restored;	/* a probe put dw_restored back: it is the register's value */
		uint32_t	dw_restored[64];
		/* The IDs of function 0 of each device of ids_nbus buses (scan), served once each. */
		unsigned	ids_bus;	/* first bus + 1; 0: none */
		unsigned	ids_nbus;
		uint32_t	ids_served[8], ids[8 * 32];
		/* probe_each's masks of one function's BARs (bdf + 1; 0: none), each served once. */
		unsigned	masks_bdf, masks_left;
		uint32_t	masks[6];
		uint32_t	dw[64];
	}		snap;
};
extern const struct pci_cfg_ops pci_cfg_conf1;

#endif
