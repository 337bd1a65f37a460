/*
 * Host mode: `pci --dump DIR` enumerates a checked-in dump as if it were
 * the machine: DIR/config.txt (lspci -xxxx text), DIR/resource.txt (BAR
 * sizes: sysfs resource lines with the function in front), DIR/acpi.xml
 * (the acpi component's report of the same machine: root buses, _PRT).
 * Only config.txt is required.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "route.h"
#include "sim.h"
#include "views.h"

#define DUMP_FILE_MAX	(16u << 20)

/* The whole file, NUL-terminated (malloc'd), or NULL with errno (ENOENT if absent). */
static char *
slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;
	int fd;
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	/* Regular files only, opened without blocking: a FIFO in a dump directory must not hang the tool. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if (!(f = fdopen(fd, "rb"))) {
		close(fd);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > (long)DUMP_FILE_MAX || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	if (!(buf = malloc((size_t)n + 1)) || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

/* Does an MCFG window of the report hold (seg, bus)? */
static int
window_covers(const struct acpi_info *ai, unsigned seg, unsigned bus)
{
	for (unsigned i = 0; i < ai->nwin; i++)
		if (ai->win[i].seg == seg && bus >= ai->win[i].bus_start && bus <= ai->win[i].bus_end)
			return 1;
	return 0;
}

void
pci_roots_from_acpi(struct pci_tree *t, const struct acpi_info *ai)
{
	for (unsigned i = 0; i < ai->nroot; i++) {
		const struct acpi_root_bridge *r = &ai->root[i];

		/* Segments other than 0 exist only through ECAM (conf1 addresses segment 0). */
		if (r->seg != 0 && !window_covers(ai, r->seg, r->bus)) {
			pci_note(t, "root bridge %s (segment %u, bus %02x): no MCFG window covers it: not enumerated",
			    r->name[0] ? r->name : "without a name", r->seg, r->bus);
			continue;
		}
		pci_tree_add_root(t, r->seg, r->bus, 255, r->name);
	}
	/* A window whose first bus no root bridge names is a root bus too (MCFG without a namespace). */
	for (unsigned i = 0; i < ai->nwin; i++) {
		int named = 0;

		for (unsigned r = 0; r < t->nroot; r++)
			named |= t->root[r].seg == ai->win[i].seg;
		if (!named)
			pci_tree_add_root(t, ai->win[i].seg, ai->win[i].bus_start, ai->win[i].bus_end, "");
	}
	/* A root bus ends where its segment's window ends. */
	for (unsigned r = 0; r < t->nroot; r++)
		for (unsigned i = 0; i < ai->nwin; i++)
			if (ai->win[i].seg == t->root[r].seg && t->root[r].bus >= ai->win[i].bus_start &&
			    t->root[r].bus <= ai->win[i].bus_end)
				t->root[r].bus_end = ai->win[i].bus_end;
}

int
pci_host_dump(const char *dir, FILE *out)
{
	struct pci_sim sim;
	struct pci_cfg cfg = { &pci_cfg_sim, &sim };
	static struct pci_tree t;
	static struct acpi_info ai;
	char err[256] = "", *text;
	size_t len;
	int rc = 0;

	pci_sim_init(&sim);
	memset(&t, 0, sizeof t);
	memset(&ai, 0, sizeof ai);
	if (!(text = slurp(dir, "config.txt", &len))) {
		fprintf(stderr, "pci: %s/config.txt: %s\n", dir, errno == EINVAL ? "not a regular file" : strerror(errno));
		return 2;
	}
	rc = pci_sim_load_dump(&sim, text, len, err, sizeof err);
	free(text);
	if (rc) {
		fprintf(stderr, "pci: %s/config.txt: %s\n", dir, err);
		pci_sim_free(&sim);
		return 2;
	}
	if (!(text = slurp(dir, "resource.txt", &len)) && errno != ENOENT) {
		fprintf(stderr, "pci: %s/resource.txt: %s\n", dir, errno == EINVAL ? "not a regular file" : strerror(errno));
		pci_sim_free(&sim);
		return 2;
	}
	if (text) {
		rc = pci_sim_load_resources(&sim, text, len, err, sizeof err);
		free(text);
		if (rc) {
			fprintf(stderr, "pci: %s/resource.txt: %s\n", dir, err);
			pci_sim_free(&sim);
			return 2;
		}
	}
	if (!(text = slurp(dir, "acpi.xml", &len)) && errno != ENOENT) {
		fprintf(stderr, "pci: %s/acpi.xml: %s\n", dir, errno == EINVAL ? "not a regular file" : strerror(errno));
		pci_sim_free(&sim);
		return 2;
	}
	if (text) {
		struct mkx_xml *x = mkx_xml_parse(text, len, err, sizeof err);

		free(text);
		if (!x || acpi_info_read(&ai, x, err, sizeof err)) {
			fprintf(stderr, "pci: %s/acpi.xml: %s\n", dir, err);
			mkx_xml_free(x);
			pci_sim_free(&sim);
			return 2;
		}
		mkx_xml_free(x);
		pci_roots_from_acpi(&t, &ai);
	}
	if (pci_enumerate(&t, &cfg)) {
		fprintf(stderr, "pci: out of memory\n");
		pci_sim_free(&sim);
		return 2;
	}
	pci_sort(&t);
	pci_route_all(&ai, &t);
	pci_set_ecam(&t, &ai);
	pci_views(out, &t);
	pci_tree_free(&t);
	pci_sim_free(&sim);
	return 0;
}

void
pci_set_ecam(struct pci_tree *t, const struct acpi_info *ai)
{
	for (unsigned i = 0; i < t->nfn; i++) {
		struct pci_fn *f = &t->fn[i];

		for (unsigned w = 0; w < ai->nwin; w++)
			if (ai->win[w].seg == f->a.seg && f->a.bus >= ai->win[w].bus_start &&
			    f->a.bus <= ai->win[w].bus_end)
				f->ecam = ai->win[w].base + ((uint64_t)(f->a.bus - ai->win[w].bus_start) << 20 |
				    f->a.dev << 15 | f->a.fn << 12);
	}
}
