/*
 * The platform driver's model of the PCI hierarchy: every function found
 * by its own enumeration (enum.c), with its BARs (bar.c), capability
 * lists (caps.c) and legacy interrupt routing (route.c). What was wrong
 * on the way (loops, ranges, vanished functions, unassigned BARs) is
 * kept as notes, so a caller can log or compare them.
 */
#ifndef PCI_PCI_H
#define PCI_PCI_H

#include <stdint.h>

#include "cfg.h"

#define PCI_FNS_MAX	1024
#define PCI_ROOTS_MAX	16
#define PCI_CAPS_MAX	48	/* 192 bytes of header-space capabilities, 4 bytes at least each */
#define PCI_ECAPS_MAX	64
#define PCI_NOTES_MAX	128

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_MEM32, PCI_BAR_MEM64, PCI_BAR_IO };

struct pci_bar {
	enum pci_bar_kind kind;
	int		prefetch;
	uint64_t	start, size;	/* start as the firmware left it; size from the probe */
	int		unassigned;	/* firmware left no address (0) in a BAR that decodes */
};

struct pci_cap {
	uint16_t	off;
	uint16_t	id;
	uint8_t		ver;		/* extended capabilities */
};

struct pci_intx {
	int		routed;		/* 1: gsi etc. are valid */
	unsigned	gsi;
	int		level, active_low;
	char		how[320];	/* "_PRT of 00:1c.0 slot 0 INTA", "swizzled through 00:1c.0", why unrouted */
};

struct pci_fn {
	struct pci_addr	a;
	uint16_t	vendor, device, sub_vendor, sub_device;
	uint32_t	class;		/* base << 16 | sub << 8 | prog-if */
	uint8_t		rev, hdr_type, pin, line;
	uint16_t	command, status;
	int		multifunction;
	int		parent;		/* index of the bridge above, -1 on a root bus */
	unsigned	space;		/* config bytes the access reaches */
	uint64_t	ecam;		/* physical address of its ECAM page, 0 if not known */
	struct pci_bar	bar[6];
	/* Bridges (header type 1 and 2). */
	int		bridge;
	unsigned	primary, secondary, subordinate;
	int		scanned;	/* its secondary bus was walked */
	struct pci_cap	cap[PCI_CAPS_MAX];
	unsigned	ncap;
	struct pci_cap	ecap[PCI_ECAPS_MAX];
	unsigned	necap;
	struct pci_intx	intx;
};

struct pci_root {
	unsigned	seg, bus, bus_end;	/* bus range the root bridge decodes */
	char		name[64];		/* ACPI path, "" if not known */
};

/* A bus range whose unreached buses pci_enumerate probes for peer host bridges (enum.c). */
#define PCI_PEER_SCANS_MAX	8
struct pci_peer_scan {
	unsigned	seg, lo, hi;
};

struct pci_tree {
	struct pci_fn	*fn;		/* malloc'd, PCI_FNS_MAX */
	unsigned	nfn;
	struct pci_root	root[PCI_ROOTS_MAX];
	unsigned	nroot;
	char		note[PCI_NOTES_MAX][160];
	unsigned	nnote, notes_dropped;
	unsigned long	probe_writes;	/* config writes the enumeration made (BAR probes only) */
	struct pci_peer_scan peer_scan[PCI_PEER_SCANS_MAX];
	unsigned	npeer_scan;
	/*
	 * Optional (NULL on a live machine): the size of a PF's VF BAR n for all
	 * its VFs together, as Linux's resource 7 + n says (a record's resource
	 * lines). 0 with *total, or -ENOENT. caps.c lists enabled VFs with it.
	 */
	int		(*iov_size)(void *ctx, struct pci_addr pf, unsigned vf_bar, uint64_t *total);
	void		*iov_ctx;
};

/* Add a root bus (from MCFG/_BBN) before pci_enumerate; duplicates are merged. 0 or -ENOSPC. */
int	pci_tree_add_root(struct pci_tree *, unsigned seg, unsigned bus, unsigned bus_end, const char *name);
/*
 * Ask pci_enumerate to look for peer root buses in [lo, hi] of seg (an MCFG
 * window): after the root buses, each bus of the range that no root bus
 * or followed bridge reaches is probed (enum.c says how). 0 or -ENOSPC.
 */
int	pci_tree_add_peer_scan(struct pci_tree *, unsigned seg, unsigned lo, unsigned hi);
/* The name a root bus found by that probe carries (views: tree label, notes). */
#define PCI_PEER_PROBED	"peer bus found by probing (no root bridge or bridge reaches it)"
/*
 * Walk every root bus depth-first through bridges, size BARs (decode off
 * during the probe, every BAR restored), walk capabilities. 0, or -ENOMEM;
 * what was wrong is in t->note. Free with pci_tree_free.
 */
int	pci_enumerate(struct pci_tree *, const struct pci_cfg *);
void	pci_tree_free(struct pci_tree *);
/* Record a note (printf-style); kept in order, at most PCI_NOTES_MAX. */
void	pci_note(struct pci_tree *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Index of the function at a, or -1. */
int	pci_find(const struct pci_tree *, struct pci_addr a);
/* Sort functions by segment, bus, device, function (parent indices follow). */
void	pci_sort(struct pci_tree *);
/* "[SSSS:]BB:DD.F" at s: 0 with *a (and *end after it, if end), or -EINVAL (sim.c). */
int	pci_parse_addr(const char *s, struct pci_addr *a, const char **end);
/* "BB:DD.F", with "SSSS:" in front for segments other than 0 (lspci's way). */
const char *pci_name(struct pci_addr a, char buf[16]);

/* bar.c: decode and size the BARs of f (nbars 6 or 2). */
void	pci_bars_probe(struct pci_tree *, const struct pci_cfg *, struct pci_fn *f, unsigned nbars);
/* caps.c: walk f's capability lists into f->cap and f->ecap. */
void	pci_caps_walk(struct pci_tree *, const struct pci_cfg *, struct pci_fn *f);
/* caps.c: a capability's name (lspci's wording where it has one). */
const char *pci_cap_name(unsigned id);
const char *pci_ecap_name(unsigned id);

#endif
