/*
 * ROM session: read-only data from core (the component's "config" from
 * its <start> node, or a named file). The content comes as a sealed
 * memfd dataspace (read-only, shared by every session of that version,
 * charged to the client's RAM quantum while the session holds it); an
 * update is signalled on an eventfd the client hands over (core refuses
 * any other kind of fd and makes it non-blocking), after which the client
 * fetches the new dataspace. A report reaches a ROM session only through a
 * <report_rom> policy in core's config.
 */
#ifndef MKX_ROM_H
#define MKX_ROM_H

#include <stddef.h>
#include <mkx/session.h>
#include <mkx/xml.h>

#define MKX_ROM_DATASPACE	0x100	/* reply: fd = memfd, payload = u64 size */
#define MKX_ROM_SIGH		0x101	/* request: fd = eventfd to signal updates */

struct mkx_rom {
	struct mkx_session	s;
	int			sigfd;	/* eventfd, readable after an update */
	const char		*data;	/* mapped content, NUL-terminated copy */
	size_t			size;
};

/*
 * Open ROM `name` and map its current content. Returns 0 or a session
 * denial (-ENOENT: no such ROM) with the reason logged.
 */
int	mkx_rom_open(struct mkx_rom *, const char *name);

/* The same, but a denial is not logged: for ROMs that may not exist yet (reports not yet published). */
int	mkx_rom_try_open(struct mkx_rom *, const char *name);

/*
 * Fetch the newest content (after sigfd fired). Drains sigfd. Returns 0 or
 * -errno; on error the old content stays.
 */
int	mkx_rom_update(struct mkx_rom *);

void	mkx_rom_close(struct mkx_rom *);

/*
 * Convenience: open the "config" ROM and parse it. Returns the tree or
 * NULL with the error logged. The rom stays open for updates.
 */
struct mkx_xml *mkx_config(struct mkx_rom *);

#endif
