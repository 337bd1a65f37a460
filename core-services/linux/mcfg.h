/* The ECAM windows the firmware announces in ACPI's MCFG table (Linux: sysfs copy of the table). */
#ifndef LINUX_MCFG_H
#define LINUX_MCFG_H

#include <stdint.h>

/*
 * The function whose 4 KiB ECAM config page starts at phys (Genode's
 * device_config_phys): 0 with *bdf, -ENOENT if no MCFG window of
 * segment 0 holds phys, -EINVAL if phys is not the start of a page,
 * -ENODEV if there is no function at that address.
 */
int	mcfg_function(uint64_t phys, unsigned *bdf);

/*
 * The MCFG window (any segment, its bus range) that holds all of
 * [base, base+size): 0 with its physical range, -ENOENT if none does.
 */
int	mcfg_window(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size);

/* The first MCFG window (any segment) that overlaps [base, base+size): 0 with its range, else -ENOENT. */
int	mcfg_overlap(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size);

/* The segment-0 function whose ECAM page holds phys, present or not: 0 with *bdf, else -ENOENT. */
int	mcfg_bdf(uint64_t phys, unsigned *bdf);

/* Copy ECAM [base, base+size) (multiples of 4) into buf, 32-bit config reads (io_mem_backend.h). */
int	mcfg_read(uint64_t base, void *buf, size_t size);

#endif
