/*
 * The RMRRs (reserved memory region reporting structures) of ACPI's DMAR
 * table that name a function: memory the firmware (or the device on its
 * behalf, e.g. USB legacy emulation, the IGD's stolen memory) reaches by
 * DMA, which VT-d says must stay identity-mapped (IOVA = physical) in
 * whatever IOMMU domain the function is put into.
 */
#ifndef LINUX_DMAR_RMRR_H
#define LINUX_DMAR_RMRR_H

#include <stddef.h>
#include <stdint.h>

/* One RMRR range, inclusive end (as the table gives its limit). */
struct rmrr_range {
	uint64_t	base, end;
};

/*
 * The RMRRs of segment 0 in a DMAR table (tbl, len bytes) whose device
 * scope names bdf (bus << 8 | dev << 3 | fn) with a one-step path (the
 * start bus is the function's bus). Up to max into out: the number found
 * (may exceed max), -EINVAL for a table too short or a structure that
 * leaves it. *multi counts scopes with longer paths (behind bridges),
 * which need config space to resolve and are not followed.
 */
int	dmar_rmrr_parse(const uint8_t *tbl, size_t len, unsigned bdf, struct rmrr_range *out, unsigned max,
	    unsigned *multi);

/* The same from the running machine's DMAR (sysfs copy); no DMAR: 0. */
int	dmar_rmrr_for(unsigned bdf, struct rmrr_range *out, unsigned max, unsigned *multi);

#endif
