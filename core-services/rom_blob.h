/*
 * One sealed memfd per ROM version, shared by every session that holds
 * that version (rom_blob.c). Reference counted: a ROM session holds the
 * version it last handed out, a report slot the newest document.
 */
#ifndef ROM_BLOB_H
#define ROM_BLOB_H

#include <stddef.h>

struct rom_blob {
	struct rom_blob	*next;
	char		name[64];	/* the memfd's name, part of the version's identity */
	int		fd;		/* core's writable memfd */
	size_t		size;
	unsigned	refs;
};

/* The live version with this name and content (reference taken), or a new one; NULL with *err. */
struct rom_blob *rom_blob_get(const char *name, const void *data, size_t len, int *err);
void	rom_blob_ref(struct rom_blob *);
/* Drop a reference; the last one revokes the memory (truncates) and frees the version. NULL is fine. */
void	rom_blob_put(struct rom_blob *);
/* A new read-only fd of the version for a client (it cannot write, truncate or seal it); or -errno. */
int	rom_blob_client_fd(const struct rom_blob *);
/* What holding the version costs a client's RAM quantum: its size in whole pages. */
size_t	rom_blob_charge(const struct rom_blob *);
/* Live versions (tests, verbose logging). */
unsigned rom_blob_count(void);

#endif
