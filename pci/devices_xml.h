/*
 * The two device documents in Genode's formats (docs/genode-formats.md):
 * the "devices" report as Genode's pci_decode writes it (devices_xml.c),
 * and a Platform session's devices ROM as Genode's platform driver writes
 * it (Device::generate; devices_session.c).
 */
#ifndef PCI_DEVICES_XML_H
#define PCI_DEVICES_XML_H

#include <stdio.h>

#include <mkx/xml.h>

#include "pci.h"

/* What pci_decode takes besides config space. */
struct pci_report_in {
	const struct pci_cfg	*cfg;		/* bridge windows are read from it; NULL: left out */
	int			acpi;		/* platform_info <kernel acpi="true">: overrides apply */
	int			msi;		/* platform_info <kernel msi="true">: <irq type="msi|msi-x"> */
	const struct mkx_xml	*acpi_report;	/* <acpi> (irq_override, rmrr, ioapic, drhd, sci_int), or NULL */
	uint64_t		opregion_size;	/* the IGD OpRegion's extent (opregion.h); 0: its base 8 KiB */
};

/*
 * The devices report: every function of t, then the non-PCI devices
 * Genode's drivers look for (ps2, pit, acpi with the SCI, ioapicN, drhdN).
 */
void	pci_devices_report(FILE *, const struct pci_tree *t, const struct pci_report_in *);

/* What one session sees (Genode's Session_component::generate). */
struct pci_session_view {
	int		(*want)(const struct pci_fn *, void *arg);	/* NULL: every function */
	int		(*used)(const struct pci_fn *, void *arg);	/* acquired by anyone; NULL: none */
	void		*arg;
	int		info;		/* the policy's info="yes": phys_addr, size, wc, number, shared */
	int		msi;		/* platform_info msi="true": MSI numbers as in the devices report */
	const char	*root_attrs;	/* into <devices> as they are (version="1") */
};

void	pci_session_devices_xml(FILE *, const struct pci_tree *, const struct pci_session_view *);
/* The same with want/arg/info/root_attrs only (nothing used). */
void	pci_devices_xml(FILE *, const struct pci_tree *, int (*want)(const struct pci_fn *, void *), void *arg,
	    int info, const char *root_attrs);

/* The Intel IGD's OpRegion address (ASLS, config 0xfc) of f if f is pci_decode's IGD (00:02.0 Intel display), else 0. */
uint32_t pci_igd_opregion(const struct pci_fn *f, const struct pci_cfg *);
/* Shared by both: Genode's write combining (prefetchable, not the Intel IGD's BAR0). */
int	pci_bar_wc(const struct pci_fn *, unsigned bar);
/* pci_decode's MSI: an MSI or MSI-X capability (not an ath9k), and its pseudo number (from 1, in t's order). */
int	pci_fn_msi(const struct pci_fn *);
unsigned pci_msi_number(const struct pci_tree *t, const struct pci_fn *f);
/* The INTx number Genode reports: our routed GSI, else the Interrupt Line register. */
unsigned pci_fn_gsi(const struct pci_fn *);

#endif
