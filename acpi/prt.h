/*
 * _PRT evaluation and the routing list of acpi --prt (the format of
 * ../shared/acpi-samples: "<_PRT path> <Address> <Pin> <Source> <SourceIndex>",
 * "<path> EMPTY", "<path> ERROR <reason>").
 */
#ifndef ACPI_PRT_H
#define ACPI_PRT_H

#include <stdio.h>
#include "aml/aml.h"

/*
 * Call \_PIC(pic) if it exists, then evaluate every _PRT in the namespace
 * and write one line per entry to out (unsorted). Returns the number of
 * _PRTs that could not be evaluated; reasons also go to err_log.
 */
int	prt_list(struct aml_ns *, int pic, FILE *out, FILE *err_log);

/* One routed entry, for the report. */
struct prt_route {
	struct aml_node	*prt;		/* the _PRT object */
	uint32_t	address;	/* slot << 16 | 0xFFFF */
	unsigned	pin;		/* 0 = INTA */
	struct aml_node	*link;		/* NULL: GSI given directly */
	uint32_t	gsi;
	int		level, active_low;
	int		ok;		/* 0: the link's _CRS gave no interrupt (why in err) */
	char		err[200];
};

/*
 * Evaluate every _PRT (after \_PIC(pic)) and resolve link devices through
 * their _CRS (ACPI 6.4 6.4.2.1 IRQ, 6.4.3.6 Extended Interrupt). fn is
 * called per entry; _PRTs that fail go to err_log. Returns their number.
 */
int	prt_routes(struct aml_ns *, int pic, void (*fn)(const struct prt_route *, void *), void *arg,
	    FILE *err_log);

#endif
