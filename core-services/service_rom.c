/*
 * core's ROM service. The ROM a session gets is decided once, at open,
 * from its label ("client -> name"), in this order:
 *  1. core's own ROMs, which nothing can shadow: "config" (the client's
 *     <config> from its <start>), "platform_info" (what only core can know:
 *     the RSDP of a UEFI boot), "pci_devices" (core's list of PCI functions
 *     and their BARs, Genode devices-ROM style, see docs/architecture.md);
 *  2. a report, if a <report_rom> policy routes this session label to one
 *     (Genode's report_rom: <policy label="rom_reader -> acpi"
 *     report="acpi -> acpi"/>); a ROM name alone never reaches a report;
 *  3. a regular, non-executable file of that name in core's binary/ROM
 *     directory (never a FIFO, device or link: they could block core).
 *
 * Content is handed out as a shared sealed version (rom_blob.c): one
 * memfd per ROM version, however often it is asked for. A session holds
 * the one version it fetched last, and that is charged to the client's RAM
 * quantum: fetching a newer version or closing the session gives it back.
 * Update signals go to an eventfd the client hands over (fd_check.c: core
 * checks it is one and never blocks writing it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/rom.h>
#include "core.h"
#include "rom_blob.h"

#define ROM_FILE_MAX	(64u << 20)

const char *core_rom_dir = ".";

enum rom_kind { ROM_CONFIG, ROM_PLATFORM_INFO, ROM_PCI_DEVICES, ROM_REPORT, ROM_FILE };

struct rom_session {
	struct rom_session	*next;
	struct child		*client;
	enum rom_kind		kind;
	char			name[128];	/* the ROM name: the label's last element */
	char			label[192];
	char			report[192];	/* ROM_REPORT: the report's session label */
	int			sigfd;		/* the client's eventfd, or -1 */
	struct rom_blob		*blob;		/* the version handed out last */
	size_t			charged;	/* to the client's quantum for blob */
};

static struct rom_session *sessions;

/* The requested ROM name: what follows the last " -> " of the label. */
static const char *
rom_name(const char *label)
{
	const char *p = label, *q;

	while ((q = strstr(p, " -> ")))
		p = q + 4;
	return p;
}

/* The <report_rom> policy for a reader's label: an exact label wins, else the longest prefix. */
static const struct report_rom_policy *
report_policy(const char *label)
{
	const struct report_rom_policy *best = NULL;

	for (unsigned i = 0; i < core_cfg->nreport_rom; i++) {
		const struct report_rom_policy *p = &core_cfg->report_rom[i];

		if (p->label[0] && !strcmp(p->label, label))
			return p;
		if (p->label_prefix[0] && label_matches("", p->label_prefix, label) &&
		    (!best || strlen(p->label_prefix) > strlen(best->label_prefix)))
			best = p;
	}
	return best;
}

/* A data file of core's ROM directory, opened without blocking; fd or -errno with why. */
static int
rom_file_open(const char *name, struct stat *st, char *why, size_t whylen)
{
	char path[512];
	int fd;

	if (!*name || strchr(name, '/') || name[0] == '.') {
		snprintf(why, whylen, "ROM name \"%s\" is not a plain file name", name);
		return -EINVAL;
	}
	snprintf(path, sizeof path, "%s/%s", core_rom_dir, name);
	fd = fd_open_regular(path, 1);
	if (fd == -ENOENT) {
		snprintf(why, whylen, "no ROM \"%s\": not one of core's, no <report_rom> policy routes a "
		    "report to this label, no data file %s", name, path);
		return fd;
	}
	if (fd < 0) {
		snprintf(why, whylen, "ROM file %s: %s", path, fd_open_strerror(fd));
		return fd;
	}
	if (fstat(fd, st) || (st->st_mode & 0111)) {
		/* A component's binary is not a ROM. */
		snprintf(why, whylen, "no ROM \"%s\": %s is executable, not a data file", name, path);
		close(fd);
		return -ENOENT;
	}
	if (st->st_size > ROM_FILE_MAX) {
		snprintf(why, whylen, "ROM file %s is larger than %u MiB", path, ROM_FILE_MAX >> 20);
		close(fd);
		return -EFBIG;
	}
	return fd;
}

static int
rom_open(struct child *client, const char *label, const char *args, void **state,
    char *why, size_t whylen)
{
	const char *name = rom_name(label);
	const struct report_rom_policy *pol;
	struct rom_session *st;
	enum rom_kind kind;
	struct stat sb;

	(void)args;
	/*
	 * A label of one element is a ROM name too: a route's <parent
	 * label="drivers.config"/> replaces the whole label (Genode's nested
	 * inits take their config so); a child asking without a label names
	 * itself, its binary, which is executable and so never a ROM here.
	 */
	if (!*name || strlen(name) >= sizeof st->name || strlen(label) >= sizeof st->label) {
		snprintf(why, whylen, "ROM session without a name: ask with label=\"config\" or a file name");
		return -EINVAL;
	}
	if (!strcmp(name, "config"))
		kind = ROM_CONFIG;
	else if (!strcmp(name, "platform_info"))
		kind = ROM_PLATFORM_INFO;
	else if (!strcmp(name, "pci_devices"))
		kind = ROM_PCI_DEVICES;
	else if ((pol = report_policy(label))) {
		kind = ROM_REPORT;
		if (!report_blob(pol->report)) {
			snprintf(why, whylen, "report \"%s\" (routed to \"%s\" by the <report_rom> policy at line %d) "
			    "is not published yet", pol->report, label, pol->line);
			return -ENOENT;
		}
	} else {
		int fd = rom_file_open(name, &sb, why, whylen);

		if (fd < 0)
			return fd;
		close(fd);
		kind = ROM_FILE;
	}
	st = calloc(1, sizeof *st);
	if (!st)
		return -ENOMEM;
	st->client = client;
	st->kind = kind;
	st->sigfd = -1;
	snprintf(st->name, sizeof st->name, "%s", name);
	snprintf(st->label, sizeof st->label, "%s", label);
	if (kind == ROM_REPORT)
		snprintf(st->report, sizeof st->report, "%s", pol->report);
	st->next = sessions;
	sessions = st;
	*state = st;
	return 0;
}

static int
file_read(const char *name, char **buf, size_t *len)
{
	char why[512];
	struct stat sb;
	size_t done = 0;
	int fd = rom_file_open(name, &sb, why, sizeof why);

	if (fd < 0) {
		core_log("%s", why);
		return fd;
	}
	*buf = malloc(sb.st_size ? sb.st_size : 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)sb.st_size) {
		ssize_t n = read(fd, *buf + done, sb.st_size - done);

		if (n <= 0)
			break;	/* shrank meanwhile: serve what is there */
		done += (size_t)n;
	}
	close(fd);
	*len = done;
	return 0;
}

/* The version the session's ROM has now, with a reference taken; NULL with *err. */
static struct rom_blob *
current_version(struct rom_session *st, int *err)
{
	struct rom_blob *b;
	char *data = NULL;
	size_t len = 0;

	switch (st->kind) {
	case ROM_CONFIG:
		return rom_blob_get("config", st->client->cfg->config, st->client->cfg->config_len, err);
	case ROM_REPORT:
		b = report_blob(st->report);
		if (!b)
			b = st->blob;	/* cannot happen while slots keep their last document */
		if (!b) {
			*err = -ENOENT;
			return NULL;
		}
		rom_blob_ref(b);
		return b;
	case ROM_PLATFORM_INFO:
		data = platform_info_xml(&len);
		break;
	case ROM_PCI_DEVICES:
		data = io_mem_devices_xml(&len);
		break;
	case ROM_FILE:
		*err = file_read(st->name, &data, &len);
		if (*err)
			return NULL;
		break;
	}
	if (!data) {
		*err = -ENOMEM;
		return NULL;
	}
	b = rom_blob_get(st->name, data, len, err);
	free(data);
	return b;
}

/* Hand out the current version; the session keeps (and its client pays for) that one only. */
static int
rom_dataspace(struct rom_session *st, struct mkx_reply *r, int *fd)
{
	struct rom_blob *b;
	char why[512], what[160];
	uint64_t size;
	int err = 0;

	b = current_version(st, &err);
	if (!b)
		return err;
	if (b == st->blob)
		rom_blob_put(b);	/* holds it already, and is charged */
	else {
		size_t charge = rom_blob_charge(b);

		ram_uncharge(st->client, st->charged);
		snprintf(what, sizeof what, "ROM \"%s\"", st->name);
		if (ram_charge(st->client, charge, what, why, sizeof why)) {
			core_log("ROM session \"%s\" refused: %s", st->label, why);
			ram_charge(st->client, st->charged, what, why, sizeof why);	/* fits: it did before */
			rom_blob_put(b);
			return -EDQUOT;
		}
		rom_blob_put(st->blob);
		st->blob = b;
		st->charged = charge;
	}
	*fd = rom_blob_client_fd(b);
	if (*fd < 0)
		return *fd;
	size = b->size;
	memcpy(r->payload, &size, sizeof size);
	r->len = sizeof size;
	return 0;
}

static int
rom_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	static int sent_fd = -1;	/* closed on the next call: the reply has gone by then */
	struct rom_session *st = state;
	int fd, err;

	if (sent_fd >= 0) {
		close(sent_fd);
		sent_fd = -1;
	}
	switch (req->hdr.op) {
	case MKX_ROM_DATASPACE:
		err = rom_dataspace(st, r, &fd);
		if (err)
			return err;
		r->fds[0] = sent_fd = fd;
		r->nfds = 1;
		return 0;
	case MKX_ROM_SIGH:
		if (req->hdr.nfds != 1)
			return -EINVAL;
		if (!fd_is_eventfd(req->fds[0])) {
			core_log("ROM session \"%s\": the signal fd is not an eventfd; refused", st->label);
			return -EINVAL;
		}
		/* Non-blocking from now on (shared with the client): see fd_signal_eventfd. */
		fcntl(req->fds[0], F_SETFL, fcntl(req->fds[0], F_GETFL) | O_NONBLOCK);
		if (st->sigfd >= 0)
			close(st->sigfd);
		st->sigfd = mkx_msg_take_fd(req, 0);
		return 0;
	default:
		return -ENOSYS;
	}
}

static void
rom_close(void *state)
{
	struct rom_session *st = state, **pp;

	for (pp = &sessions; *pp; pp = &(*pp)->next)
		if (*pp == st) {
			*pp = st->next;
			break;
		}
	if (st->sigfd >= 0)
		close(st->sigfd);
	rom_blob_put(st->blob);
	ram_uncharge(st->client, st->charged);
	free(st);
}

static void
signal_session(struct rom_session *st)
{
	int err;

	if (st->sigfd < 0)
		return;
	err = fd_signal_eventfd(st->sigfd);
	if (err)
		core_log("could not signal ROM update to \"%s\": %s", st->label, strerror(-err));
}

void
rom_config_changed(struct child *c)
{
	for (struct rom_session *st = sessions; st; st = st->next)
		if (st->client == c && st->kind == ROM_CONFIG)
			signal_session(st);
}

void
rom_report_changed(const char *report_label)
{
	for (struct rom_session *st = sessions; st; st = st->next)
		if (st->kind == ROM_REPORT && !strcmp(st->report, report_label))
			signal_session(st);
}

const struct core_service service_rom = {
	.name = "ROM", .open = rom_open, .call = rom_call, .close = rom_close,
};
