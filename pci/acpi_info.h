/*
 * What the platform driver takes from the acpi component's report (see
 * docs/acpi.md): root bridges (_SEG, _BBN), MCFG windows, _PRT routing
 * entries, where each _PRT's device is (<prt>), MADT interrupt source
 * overrides.
 */
#ifndef PCI_ACPI_INFO_H
#define PCI_ACPI_INFO_H

#include <stdint.h>

#include <mkx/xml.h>

#define ACPI_ROUTES_MAX		1024
#define ACPI_WINDOWS_MAX	8
#define ACPI_OVERRIDES_MAX	16
#define ACPI_PRTS_MAX		256
#define ACPI_CHAIN_MAX		16	/* as acpi/prt_chain.h */

struct acpi_route {
	int		has_bdf;	/* the report names the bus of the _PRT's bridge */
	unsigned	bridge_bdf;	/* bus << 8 | dev << 3 | fn; a root bridge: _BBN << 8 */
	unsigned	device, pin;	/* slot, 0 = INTA */
	unsigned	gsi;
	int		level, active_low;
	char		bridge[128];	/* ACPI path of the _PRT's device */
};

/*
 * Beside route[i]: an <unrouted> entry. The _PRT names that slot and pin,
 * but its link gave no interrupt (disabled, _CRS 0 or empty, not found);
 * route[i]'s gsi, level and active_low mean nothing then, reason says why
 * (the acpi component's words: "link disabled (_STA 0x9: not enabled),
 * no IRQ allocated (_PRS: 5 10 11)"). Kept apart so route[]'s layout stays.
 */
struct acpi_route_why {
	int		unrouted;
	char		link[128];	/* the link device's path, "" if none */
	char		reason[200];
};

/*
 * A <prt>: where the device of a _PRT is. The root bridge's (segment, bus),
 * then per <adr> a device/function on the current bus, a bridge whose
 * secondary bus is the next current bus; the last one is the bus the
 * _PRT routes (route.c follows it). error: the acpi component could not
 * say (or the element is malformed): the _PRT is not used.
 */
struct acpi_prt {
	char		bridge[128];	/* ACPI path of the _PRT's device, as in <routing bridge=> */
	unsigned	seg, bus;
	unsigned	nadr;
	uint32_t	adr[ACPI_CHAIN_MAX];
	char		error[200];
};

struct acpi_info {
	struct acpi_root_bridge {
		unsigned	seg, bus;
		char		name[64];
	}		root[16];
	unsigned	nroot;
	struct acpi_window {
		unsigned	seg, bus_start, bus_end;
		uint64_t	base;		/* physical address of bus_start's config space */
	}		win[ACPI_WINDOWS_MAX];
	unsigned	nwin;
	struct acpi_route route[ACPI_ROUTES_MAX];
	struct acpi_route_why route_why[ACPI_ROUTES_MAX];
	unsigned	nroute;
	struct acpi_override {
		unsigned	irq, gsi, flags;
	}		ovr[ACPI_OVERRIDES_MAX];
	unsigned	novr;
	struct acpi_prt	prt[ACPI_PRTS_MAX];
	unsigned	nprt;
	unsigned	nprt_dropped;	/* <prt>s beyond ACPI_PRTS_MAX (their _PRTs are not used) */
};

/* Read an <acpi> report. 0, or -EINVAL with why (what is malformed; unknown elements are ignored). */
int	acpi_info_read(struct acpi_info *, const struct mkx_xml *root, char *why, size_t whylen);

#endif
