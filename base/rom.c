/* ROM session client (see mkx/rom.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/log.h>
#include <mkx/rom.h>

static int
rom_fetch(struct mkx_rom *r)
{
	static __thread struct mkx_msg reply;
	uint64_t size;
	char *copy;
	void *va;
	int fd, err;

	err = mkx_session_call(&r->s, MKX_ROM_DATASPACE, NULL, 0, NULL, 0, &reply);
	if (err)
		return err;
	fd = mkx_msg_take_fd(&reply, 0);
	mkx_msg_close_fds(&reply);
	if (fd < 0 || reply.hdr.len != sizeof size) {
		if (fd >= 0)
			close(fd);
		return -EBADMSG;
	}
	memcpy(&size, reply.payload, sizeof size);
	/* Copy out so the content is NUL-terminated and outlives the fd. */
	copy = malloc(size + 1);
	if (!copy) {
		close(fd);
		return -ENOMEM;
	}
	if (size) {
		va = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
		if (va == MAP_FAILED) {
			err = -errno;
			free(copy);
			close(fd);
			return err;
		}
		memcpy(copy, va, size);
		munmap(va, size);
	}
	close(fd);
	copy[size] = 0;
	free((void *)r->data);
	r->data = copy;
	r->size = size;
	return 0;
}

static int
rom_open(struct mkx_rom *r, const char *name, int quiet)
{
	static __thread struct mkx_msg reply;
	char args[256], why[256];
	int err;

	memset(r, 0, sizeof *r);
	r->sigfd = -1;
	snprintf(args, sizeof args, "label=\"%s\"", name);
	err = mkx_session_open(&r->s, "ROM", args, why, sizeof why);
	if (err) {
		if (!quiet)
			mkx_error("ROM \"%s\" denied: %s", name, why);
		return err;
	}
	r->sigfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->sigfd >= 0)
		mkx_session_call(&r->s, MKX_ROM_SIGH, NULL, 0, &r->sigfd, 1, &reply);
	err = rom_fetch(r);
	if (err) {
		mkx_error("ROM \"%s\": cannot fetch content: %s", name, strerror(-err));
		mkx_rom_close(r);
	}
	return err;
}

int
mkx_rom_open(struct mkx_rom *r, const char *name)
{
	return rom_open(r, name, 0);
}

int
mkx_rom_try_open(struct mkx_rom *r, const char *name)
{
	return rom_open(r, name, 1);
}

int
mkx_rom_update(struct mkx_rom *r)
{
	uint64_t n;

	if (r->sigfd >= 0)
		while (read(r->sigfd, &n, sizeof n) == sizeof n)
			;
	return rom_fetch(r);
}

void
mkx_rom_close(struct mkx_rom *r)
{
	mkx_session_close(&r->s);
	if (r->sigfd >= 0)
		close(r->sigfd);
	free((void *)r->data);
	r->data = NULL;
	r->sigfd = -1;
}

struct mkx_xml *
mkx_config(struct mkx_rom *r)
{
	char err[256];
	struct mkx_xml *x;

	if (mkx_rom_open(r, "config"))
		return NULL;
	x = mkx_xml_parse(r->data, r->size, err, sizeof err);
	if (!x)
		mkx_error("config ROM: %s", err);
	return x;
}
