/*
 * core's Report service, the reporting half of Genode's report_rom. A
 * report is named by its Report session's label ("acpi -> acpi": child
 * "acpi" reporting under label "acpi"), so no component can publish under
 * another's name, and nothing a component reports is a ROM by its name
 * alone: the ROM service hands a report only to the readers a
 * <report_rom> policy routes it to (service_rom.c).
 *
 * Each report's newest document is one shared sealed version (rom_blob.c),
 * charged to the reporter's RAM quantum. A report slot belongs to one open
 * session at a time; when the session closes, the slot keeps its last
 * document (as Genode's report_rom does, so a reporter that exits right
 * after reporting is still read), and the same label reuses it. Each
 * reporter has at most REPORTS_PER_CHILD slots (open or kept): no
 * component can take the room of another's reports.
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

#include <mkx/report.h>
#include "core.h"
#include "report_files.h"
#include "rom_blob.h"

#define REPORTS_PER_CHILD	4
#define REPORTS_MAX		(CHILDREN_MAX * REPORTS_PER_CHILD)

static struct report {
	struct child	*owner;		/* NULL: slot free */
	char		label[192];	/* the Report session label */
	struct rom_blob	*blob;		/* newest document, NULL until the first */
	size_t		charged;	/* to owner's quantum */
	int		open;		/* a session holds the slot */
} reports[REPORTS_MAX];

struct rom_blob *
report_blob(const char *label)
{
	for (unsigned i = 0; i < REPORTS_MAX; i++)
		if (reports[i].owner && reports[i].blob && !strcmp(reports[i].label, label))
			return reports[i].blob;
	return NULL;
}

static void
slot_free(struct report *r)
{
	rom_blob_put(r->blob);
	ram_uncharge(r->owner, r->charged);
	memset(r, 0, sizeof *r);
}

static int
report_open(struct child *client, const char *label, const char *args, void **state,
    char *why, size_t whylen)
{
	struct report *slot = NULL, *free_slot = NULL;
	unsigned held = 0;

	(void)args;
	if (!strstr(label, " -> ") || strlen(label) >= sizeof reports[0].label) {
		snprintf(why, whylen, "a Report session needs a label naming the report (at most %zu characters)",
		    sizeof reports[0].label - 1);
		return -EINVAL;
	}
	for (unsigned i = 0; i < REPORTS_MAX; i++) {
		struct report *r = &reports[i];

		if (!r->owner) {
			if (!free_slot)
				free_slot = r;
			continue;
		}
		if (r->owner == client)
			held++;
		if (!strcmp(r->label, label))
			slot = r;
	}
	if (slot && slot->open) {
		snprintf(why, whylen, "report \"%s\" is open in another session", label);
		return -EBUSY;
	}
	if (!slot && held >= REPORTS_PER_CHILD) {
		snprintf(why, whylen, "\"%s\" has %d reports already (the limit per reporter)",
		    client->cfg->name, REPORTS_PER_CHILD);
		return -ENOSPC;
	}
	if (!slot) {
		slot = free_slot;	/* there is one: REPORTS_PER_CHILD per child fit */
		snprintf(slot->label, sizeof slot->label, "%s", label);
		slot->owner = client;
	}
	slot->open = 1;
	*state = slot;
	return 0;
}

/*
 * The document in the reporter's fd. core has one thread, so reading it
 * must not wait on anyone: a regular file on FUSE (or NFS) would let its
 * server stall core in pread. Only a memfd answers F_GET_SEALS (tmpfs and
 * hugetlbfs keep its pages in memory, nobody serves them), and with
 * writes, shrinking and growing sealed the reporter can neither change
 * the document under core's read nor make it shorter than it said.
 */
#define REPORT_SEALS	(F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)

static int
read_document(int fd, uint64_t size, char **out, const char **what)
{
	struct stat st;
	char *buf;
	int seals;

	/* Asked first: fstat too is answered by a FUSE server. */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0) {
		*what = "the document is not a memfd (F_GET_SEALS fails: a file some server could stall core on)";
		return -EINVAL;
	}
	if ((seals & REPORT_SEALS) != REPORT_SEALS) {
		*what = "the document's memfd is not sealed against write, shrink and grow";
		return -EINVAL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < size) {
		*what = "the document is shorter than the size given";
		return -EINVAL;
	}
	buf = malloc(size ? size : 1);
	if (!buf)
		return -ENOMEM;
	if (pread(fd, buf, size, 0) != (ssize_t)size) {
		free(buf);
		*what = "the document could not be read whole";
		return -EIO;
	}
	*out = buf;
	return 0;
}

static int
report_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct report *slot = state;
	struct rom_blob *b;
	uint64_t size;
	char *buf, why[256];
	const char *what = "";
	size_t charge;
	int err;

	(void)r;
	if (req->hdr.op != MKX_REPORT_SUBMIT)
		return -ENOSYS;
	if (req->hdr.len != sizeof size || req->hdr.nfds != 1)
		return -EINVAL;
	memcpy(&size, req->payload, sizeof size);
	if (size > MKX_REPORT_MAX)
		return -EFBIG;
	err = read_document(req->fds[0], size, &buf, &what);
	if (err) {
		core_log("report \"%s\": %s; refused", slot->label, err == -ENOMEM ? strerror(-err) : what);
		return err;
	}
	b = rom_blob_get("report", buf, size, &err);
	if (!b) {
		free(buf);
		return err;
	}
	charge = rom_blob_charge(b);
	ram_uncharge(slot->owner, slot->charged);	/* the new document replaces the old */
	if (ram_charge(slot->owner, charge, "the report", why, sizeof why)) {
		core_log("report \"%s\" refused: %s", slot->label, why);
		ram_charge(slot->owner, slot->charged, "", why, sizeof why);	/* fits: it did before */
		rom_blob_put(b);
		free(buf);
		return -EDQUOT;
	}
	slot->charged = charge;
	rom_blob_put(slot->blob);
	slot->blob = b;
	core_log("report \"%s\" published (%zu bytes)", slot->label, (size_t)size);
	report_files_store(slot->label, buf, (size_t)size);	/* with <report_files> */
	free(buf);
	rom_report_changed(slot->label);
	return 0;
}

static void
report_close(void *state)
{
	struct report *slot = state;

	slot->open = 0;
	if (!slot->blob)
		slot_free(slot);	/* nothing was published: nothing to keep */
}

const struct core_service service_report = {
	.name = "Report", .open = report_open, .call = report_call, .close = report_close,
};
