/*
 * Report session: a component publishes a document (XML) under its
 * session label; core keeps the newest one and serves it to others as a
 * ROM of the same name (the job of Genode's report_rom, done by core).
 */
#ifndef MKX_REPORT_H
#define MKX_REPORT_H

#include <stddef.h>
#include <mkx/session.h>

#define MKX_REPORT_SUBMIT	0x100	/* req: fd 0 = memfd, payload u64 size */
#define MKX_REPORT_MAX		(1u << 20)

struct mkx_report {
	struct mkx_session	s;
};

/* Open a report session named `name` (the ROM name others will see). 0 or -errno (why). */
int	mkx_report_open(struct mkx_report *, const char *name, char *why, size_t whylen);

/* Publish len bytes (at most MKX_REPORT_MAX). 0 or -errno. */
int	mkx_report_submit(struct mkx_report *, const void *data, size_t len);

void	mkx_report_close(struct mkx_report *);

#endif
