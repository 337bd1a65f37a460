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

#endif
