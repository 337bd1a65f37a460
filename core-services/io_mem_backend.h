/*
 * How core obtains memory-mapped I/O and what it knows about PCI
 * resources. linux/io_mem_sysfs.c: sysfs BAR files, /proc/iomem, /dev/mem.
 * sim/io_mem_sim.c: a made-up machine for host tests.
 */
#ifndef IO_MEM_BACKEND_H
#define IO_MEM_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "holders.h"

#define PCI_RES_IO	1
#define PCI_RES_MEM	2

struct pci_res {
	unsigned	bdf;		/* bus << 8 | dev << 3 | fn (segment 0) */
	unsigned	vendor, device, class;
	unsigned	irq_pin;	/* config 0x3d: 0 none, 1 = INTA .. 4 = INTD */
	unsigned	bar;		/* 0..5, 6 = expansion ROM */
	int		type;		/* PCI_RES_IO or PCI_RES_MEM */
	int		prefetch;
	uint64_t	start, size;
};

#define PCI_RES_MAX 256

struct io_mem_backend {
	const char *name;
	int	(*probe)(char *why, size_t whylen);
	/* All BARs of all PCI functions. Returns the count or -errno. */
	int	(*resources)(struct pci_res *out, int max);
	/*
	 * The size of memory BAR bar (0..5) of function bdf, 0 if it has none:
	 * one function's answer without listing every function (config writes
	 * ask it per write). NULL: found through resources().
	 */
	uint64_t (*bar_size)(unsigned bdf, unsigned bar);
	/* 1 if [base, base+size) overlaps memory the kernel owns as RAM. */
	int	(*is_ram)(uint64_t base, uint64_t size);
	/* An fd scoped to this BAR (wc: the write-combining file, if any). */
	int	(*open_bar)(const struct pci_res *, int wc, int *got_wc);
	/* Copy physical [base, base+size) into buf. 0 or -errno. */
	int	(*read_phys)(uint64_t base, void *buf, size_t size);
	/* A live fd onto physical memory (offset = physical address). */
	int	(*open_phys)(void);
	/*
	 * The ECAM window (MCFG entry) that holds all of [base, base+size):
	 * 0 with the window's physical range, -ENOENT if none does. NULL: none known.
	 */
	int	(*ecam_window)(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size);
	/*
	 * An ECAM window that overlaps [base, base+size) at all (snapshots
	 * and live grants must not reach any of it): 0 with the window's
	 * physical range, -ENOENT if none does. NULL: none known.
	 */
	int	(*ecam_overlap)(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size);
	/*
	 * The function (segment 0) whose 4 KiB ECAM config page holds phys,
	 * present or not: 0 with *bdf, -ENOENT if no MCFG window of segment 0
	 * holds phys. NULL: not known (no per-function grants, no copies).
	 */
	int	(*ecam_bdf)(uint64_t phys, unsigned *bdf);
	/*
	 * Copy ECAM [base, base+size) (base and size multiples of 4) into buf
	 * with aligned 32-bit config reads, as a CPU's config access does;
	 * a page whose first dword reads all ones (no function there) is all
	 * ones without further reads. 0 or -errno. NULL: no copies of ECAM.
	 */
	int	(*ecam_read)(uint64_t base, void *buf, size_t size);
	/*
	 * One register access of bytes (1, 2, 4, 8) at physical addr, for live
	 * IO_MEM sessions (io_mem_live.c). NULL: done through open_phys().
	 */
	int	(*phys_rw)(uint64_t addr, unsigned bytes, int write, uint64_t *v);
	/*
	 * What core hands out for function bdf (BAR files, its UIO device), by
	 * device and inode, for holders_scan (holders.h): count or -errno.
	 * NULL: not known.
	 */
	int	(*fn_targets)(unsigned bdf, struct holder_id *ids, unsigned max);
};

extern const struct io_mem_backend io_mem_sysfs, io_mem_sim;

#endif
