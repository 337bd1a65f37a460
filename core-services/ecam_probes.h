/*
 * What each BAR register of a function reads after all ones are written to
 * it (a sizing probe), for read-only copies of ECAM (ecam_probes.c).
 */
#ifndef ECAM_PROBES_H
#define ECAM_PROBES_H

#include <stdint.h>

#include "io_mem_backend.h"

/*
 * copy: len bytes of ECAM, whole 4 KiB pages, the first one function
 * bdf0's. ans (len bytes, zeroed by the caller): at the offset of each BAR
 * register (0x10-0x24 and the expansion ROM at 0x30 of a type 0 header,
 * 0x10-0x14 and 0x38 of a type 1 header) of each function present in the
 * copy, the value a probe reads back, from the BAR sizes in res (n of them):
 * 0 for a BAR the function does not implement.
 */
void	ecam_probe_answers(const struct pci_res *res, int n, const uint8_t *copy, uint8_t *ans, uint64_t len,
	    unsigned bdf0);

#endif
