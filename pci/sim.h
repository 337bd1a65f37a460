/*
 * A simulated config space for host tests, the fuzzer and `pci --dump`:
 * functions built from checked-in dumps in the text format of `lspci
 * -xxxx` ("BB:DD.F ..." or "SSSS:BB:DD.F ..." then "OFF: hh hh ..." rows)
 * plus BAR sizes from sysfs-style resource lines. It behaves like
 * hardware where the enumeration depends on it: BARs size (writes keep
 * the address bits their size allows), the command register is writable,
 * every other register is read-only, absent functions read all ones. Faults
 * can be injected: a function that vanishes after N reads.
 */
#ifndef PCI_SIM_H
#define PCI_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

struct pci_sim_fn {
	struct pci_addr	a;
	uint8_t		cfg[4096];
	unsigned	space;		/* 256 or 4096: what the dump recorded */
	unsigned	len;		/* bytes the dump gave (up to the last one): beyond them reads all ones */
	uint64_t	bar_size[6];	/* 0: the BAR register is not implemented */
	uint64_t	iov_size[6];	/* resource 7-12: an SR-IOV PF's VF BARs, all VFs together; 0: not given */
	/*
	 * A dump without resource lines for this function: nobody knows how
	 * large its BARs are. A sizing write is refused (-ENODATA) instead of
	 * answered, so the walk cannot take the address read back for a mask.
	 */
	int		sizes_unknown;
	int		repeated;	/* another copy of this function is the one walked (lspci lists all) */
	/*
	 * An EHCI's USBLEGSUP in config space (its offset; 0: not modelled):
	 * the OS semaphore (bit 24) and USBLEGCTLSTS (the next dword) take
	 * writes, and the "firmware" drops its BIOS semaphore (bit 16) as soon
	 * as the OS one is set, unless bios_stuck; the BIOS semaphore byte
	 * takes writes too (an OS that takes the controller by force).
	 */
	unsigned	usb_legsup;
	int		bios_stuck;
	int		gone;		/* reads all ones from now on */
};

#define PCI_SIM_FNS_MAX 512

struct pci_sim {
	struct pci_sim_fn	*fn;		/* malloc'd, nfn of them (room for cap) */
	unsigned		nfn, cap;
	unsigned long		reads, writes;
	/* Fault: after vanish_after reads of any register, function vanish_fn reads all ones (0: off). */
	unsigned long		vanish_after;
	struct pci_addr		vanish_fn;
};

extern const struct pci_cfg_ops pci_cfg_sim;

/* Empty simulation. */
void	pci_sim_init(struct pci_sim *);
void	pci_sim_free(struct pci_sim *);
/*
 * Add a function (len bytes of config space, the rest zero); NULL if full or
 * a duplicate. The pointer is valid until the next pci_sim_add.
 */
struct pci_sim_fn *pci_sim_add(struct pci_sim *, struct pci_addr, const uint8_t *cfg, size_t len);
/* The function at a (of a repeated one, the copy the walk reads), or NULL. */
struct pci_sim_fn *pci_sim_find(struct pci_sim *, struct pci_addr);
/*
 * Read a dump in any form `lspci -F` reads (len bytes, need not be
 * NUL-terminated): -x, -xxx, -xxxx, with -v/-vv/-vvv text between the
 * rows, CRLF, domain prefixes of 4 or 5 digits, a function given twice.
 * The rules are lspci's (pciutils lib/dump.c, 3.9): a function line is
 * "[DDDD:]BB:DD.F " with the space; a row "OFF: hh hh ..." (OFF 2 to 8
 * hex digits, one space between bytes) belongs to the function above it
 * unless an empty line came between; every other line is text and
 * ignored; bytes not given read all ones. Refused, as lspci refuses them:
 * a line over 253 characters, a last line without its newline, a row
 * whose bytes are not two hex digits each with single spaces (tabs
 * included), a byte at or beyond 4096.
 * 0, or -EINVAL with "line N: what" in err; a dump larger than the
 * simulation holds is refused, not cut. Every function is sizes_unknown
 * until pci_sim_load_resources gives its sizes.
 */
int	pci_sim_load_dump(struct pci_sim *, const char *text, size_t len, char *err, size_t errlen);
/*
 * Read resource lines "[SSSS:]BB:DD.F INDEX START END FLAGS" (the numbers of
 * a sysfs resource file's line INDEX) and set BAR sizes of known
 * functions. 0 or -EINVAL with err.
 */
int	pci_sim_load_resources(struct pci_sim *, const char *text, size_t len, char *err, size_t errlen);
/* pci_tree's iov_size for a simulation (ctx: the struct pci_sim): resource 7 + vf_bar of pf. */
int	pci_sim_iov_size(void *ctx, struct pci_addr pf, unsigned vf_bar, uint64_t *total);
/*
 * One function's sysfs `resource` file as it is (line N: "START END FLAGS"
 * of resource N): its BAR sizes. 0, or -EINVAL with err.
 */
int	pci_sim_load_sysfs_resource(struct pci_sim *, struct pci_addr, const char *text, size_t len, char *err,
	    size_t errlen);

#endif
