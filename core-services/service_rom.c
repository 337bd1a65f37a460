/*
 * core's ROM service. Label "config" (the last element of the session
 * label) is the client's <config> node from its <start>; "platform_info"
 * says what only core can know (the RSDP of a UEFI boot); "pci_devices"
 * is core's list of PCI functions and their BARs (Genode devices-ROM
 * style, see docs/architecture.md); a report published under that name;
 * any other name is a (non-executable) file of that name in core's
 * binary/ROM directory. Content is handed
 * out as a sealed memfd, so a client can map it but never change it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/rom.h>
#include "core.h"

const char *core_rom_dir = ".";

struct rom_state {
	struct child	*client;
	char		name[128];
};

/* The requested ROM name: what follows the last " -> " of the label. */
static const char *
rom_name(const char *label)
{
	const char *p = label, *q;

	while ((q = strstr(p, " -> ")))
		p = q + 4;
	return p;
}

static int
rom_open(struct child *client, const char *label, const char *args, void **state,
    char *why, size_t whylen)
{
	const char *name = rom_name(label);
	struct rom_state *st;
	char path[512];

	(void)args;
	if (name == label) {
		snprintf(why, whylen, "ROM session without a name: ask with label=\"config\" or a file name");
		return -EINVAL;
	}
	size_t rlen;

	if (strcmp(name, "config") && strcmp(name, "pci_devices") && strcmp(name, "platform_info") &&
	    !report_get(name, &rlen)) {
		if (!*name || strchr(name, '/') || name[0] == '.') {
			snprintf(why, whylen, "ROM name \"%s\" is not a plain file name", name);
			return -EINVAL;
		}
		snprintf(path, sizeof path, "%s/%s", core_rom_dir, name);
		/* Data files only: a component's binary is not a ROM (its name may be a report's). */
		if (access(path, R_OK) || !access(path, X_OK)) {
			snprintf(why, whylen, "no ROM \"%s\" (no report of that name yet, no data file %s)",
			    name, path);
			return -ENOENT;
		}
	}
	st = calloc(1, sizeof *st);
	if (!st)
		return -ENOMEM;
	st->client = client;
	snprintf(st->name, sizeof st->name, "%s", name);
	*state = st;
	return 0;
}

static int
sealed_memfd(const char *name, const void *data, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		int err = -errno;

		close(fd);
		return err ? err : -EIO;
	}
	return fd;
}

static int
file_memfd(const char *name, uint64_t *size)
{
	char path[512];
	struct stat st;
	void *buf;
	int fd, in;

	snprintf(path, sizeof path, "%s/%s", core_rom_dir, name);
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	if (fstat(in, &st) || st.st_size > (64 << 20)) {
		close(in);
		return -EFBIG;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || read(in, buf, st.st_size) != st.st_size) {
		free(buf);
		close(in);
		return -EIO;
	}
	close(in);
	fd = sealed_memfd(name, buf, st.st_size);
	free(buf);
	*size = st.st_size;
	return fd;
}

static int
rom_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	static int sent_fd = -1;	/* closed on the next call: the reply has gone by then */
	struct rom_state *st = state;
	uint64_t size;
	size_t rlen;
	int fd;

	if (sent_fd >= 0) {
		close(sent_fd);
		sent_fd = -1;
	}
	switch (req->hdr.op) {
	case MKX_ROM_DATASPACE:
		if (!strcmp(st->name, "config")) {
			size = st->client->cfg->config_len;
			fd = sealed_memfd("config", st->client->cfg->config, size);
		} else if (report_get(st->name, &rlen)) {
			const char *data = report_get(st->name, &rlen);

			size = rlen;
			fd = sealed_memfd(st->name, data, rlen);
		} else if (!strcmp(st->name, "platform_info")) {
			size_t len;
			char *xml = platform_info_xml(&len);

			if (!xml)
				return -ENOMEM;
			size = len;
			fd = sealed_memfd("platform_info", xml, len);
			free(xml);
		} else if (!strcmp(st->name, "pci_devices")) {
			size_t len;
			char *xml = io_mem_devices_xml(&len);

			if (!xml)
				return -ENOMEM;
			size = len;
			fd = sealed_memfd("pci_devices", xml, len);
			free(xml);
		} else
			fd = file_memfd(st->name, &size);
		if (fd < 0)
			return fd;
		memcpy(r->payload, &size, sizeof size);
		r->len = sizeof size;
		r->fds[0] = sent_fd = fd;
		r->nfds = 1;
		return 0;
	case MKX_ROM_SIGH:
		if (req->hdr.nfds != 1)
			return -EINVAL;
		if (st->client->nrom_sigfds == 4)
			return -ENOSPC;
		st->client->rom_sigfds[st->client->nrom_sigfds++] = mkx_msg_take_fd(req, 0);
		return 0;
	default:
		return -ENOSYS;
	}
}

static void
rom_close(void *state)
{
	free(state);
}

void
rom_config_changed(struct child *c)
{
	uint64_t one = 1;

	for (unsigned i = 0; i < c->nrom_sigfds; i++)
		if (write(c->rom_sigfds[i], &one, sizeof one) != sizeof one)
			core_log("could not signal ROM update to \"%s\"", c->cfg->name);
}

const struct core_service service_rom = {
	.name = "ROM", .open = rom_open, .call = rom_call, .close = rom_close,
};
