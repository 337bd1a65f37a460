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
	uint64_t	bar_size[6];	/* 0: the BAR register is not implemented */
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
struct pci_sim_fn *pci_sim_find(struct pci_sim *, struct pci_addr);
/*
 * Read `lspci -xxxx` text (len bytes, need not be NUL-terminated). 0, or
 * -EINVAL with "line N: what" in err; a dump larger than the simulation
 * holds is refused, not cut.
 */
int	pci_sim_load_dump(struct pci_sim *, const char *text, size_t len, char *err, size_t errlen);
/*
 * Read resource lines "[SSSS:]BB:DD.F INDEX START END FLAGS" (the numbers of
 * a sysfs resource file's line INDEX) and set BAR sizes of known
 * functions. 0 or -EINVAL with err.
 */
int	pci_sim_load_resources(struct pci_sim *, const char *text, size_t len, char *err, size_t errlen);

#endif
