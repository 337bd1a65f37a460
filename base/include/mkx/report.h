/*
 * Report session: a component publishes a document (XML) under its
 * session label ("acpi -> acpi" for component acpi, name "acpi"); core
 * keeps the newest one and serves it as a ROM only to the readers a
 * <report_rom> policy of core's config routes to it (the job of Genode's
 * report_rom, done by core). At most 4 reports per component.
 */
#ifndef MKX_REPORT_H
#define MKX_REPORT_H

#include <stddef.h>
#include <mkx/session.h>

#define MKX_REPORT_SUBMIT	0x100	/* req: fd 0 = memfd sealed F_SEAL_WRITE|SHRINK|GROW, payload u64 size */
#define MKX_REPORT_MAX		(1u << 20)

struct mkx_report {
	struct mkx_session	s;
};

/* Open a report session named `name` (its label; readers get it as the policy says). 0 or -errno (why). */
int	mkx_report_open(struct mkx_report *, const char *name, char *why, size_t whylen);

/* Publish len bytes (at most MKX_REPORT_MAX). 0 or -errno. */
int	mkx_report_submit(struct mkx_report *, const void *data, size_t len);

void	mkx_report_close(struct mkx_report *);

#endif
