/*
 * ROM versions as shared, sealed memfds. Every ROM session that asks for
 * the same content (same ROM name, same bytes) gets the same memory: core
 * keeps one copy per version, not one per request. Clients get a read-only
 * file of it (a fresh open of the memfd with O_RDONLY): they can map it,
 * but neither write, truncate nor seal it. When the last session lets go
 * of a version, core truncates it: the pages are freed even if a client
 * kept its fd, so what a client can pin is exactly what its sessions hold
 * (charged to its RAM quantum by service_rom.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rom_blob.h"

static struct rom_blob *blobs;	/* every live version */

/*
 * Compared with pread, not through a mapping: should the memfd ever be
 * shorter than its version says, the versions differ instead of core
 * faulting (SIGBUS) on a page past the end.
 */
static int
same_content(const struct rom_blob *b, const void *data, size_t len)
{
	char chunk[4096];
	size_t at = 0;

	if (b->size != len)
		return 0;
	while (at < len) {
		size_t want = len - at < sizeof chunk ? len - at : sizeof chunk;
		ssize_t n = pread(b->fd, chunk, want, (off_t)at);

		if (n != (ssize_t)want || memcmp(chunk, (const char *)data + at, want))
			return 0;
		at += want;
	}
	return 1;
}

/*
 * Sealed against writes and growth, but not against shrinking: core's
 * own fd is the only writable one, and truncating is how core revokes.
 * That holds only with mode 0400: a memfd is created 0777, and a client
 * can open its read-only fd again through /proc/self/fd/N with the
 * inode's permissions, read-write, and truncate the version under every
 * other reader (and core's compare) or seal it against core's revoke.
 */
static int
sealed_memfd(const char *name, const void *data, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	const char *p = data;
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			close(fd);
			return err;
		}
		done += (size_t)n;
	}
	if (fchmod(fd, 0400) || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

struct rom_blob *
rom_blob_get(const char *name, const void *data, size_t len, int *err)
{
	struct rom_blob *b;
	int fd;

	for (b = blobs; b; b = b->next)
		if (!strcmp(b->name, name) && same_content(b, data, len)) {
			b->refs++;
			return b;
		}
	fd = sealed_memfd(name, data, len);
	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	b = calloc(1, sizeof *b);
	if (!b) {
		close(fd);
		*err = -ENOMEM;
		return NULL;
	}
	snprintf(b->name, sizeof b->name, "%s", name);
	b->fd = fd;
	b->size = len;
	b->refs = 1;
	b->next = blobs;
	blobs = b;
	return b;
}

void
rom_blob_ref(struct rom_blob *b)
{
	b->refs++;
}

void
rom_blob_put(struct rom_blob *b)
{
	struct rom_blob **pp;

	if (!b || --b->refs)
		return;
	for (pp = &blobs; *pp; pp = &(*pp)->next)
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	/* Revoke: a client that kept its fd or mapping no longer pins the pages. */
	(void)!ftruncate(b->fd, 0);	/* core's own writable memfd: cannot fail */
	close(b->fd);
	free(b);
}

int
rom_blob_client_fd(const struct rom_blob *b)
{
	char path[64];
	int fd;

	snprintf(path, sizeof path, "/proc/self/fd/%d", b->fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

size_t
rom_blob_charge(const struct rom_blob *b)
{
	return b ? (b->size + 4095) & ~(size_t)4095 : 0;
}

unsigned
rom_blob_count(void)
{
	unsigned n = 0;

	for (const struct rom_blob *b = blobs; b; b = b->next)
		n++;
	return n;
}
