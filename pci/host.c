/*
 * Host mode: `pci --dump DIR` enumerates a checked-in dump as if it were
 * the machine: DIR/config.txt (any dump `lspci -F` reads, sim.h),
 * DIR/resource.txt (BAR sizes: sysfs resource lines with the function in
 * front) or DIR/sysfs/SSSS:BB:DD.F/resource (each function's sysfs
 * resource file as it is), DIR/acpi.xml (the acpi component's report of
 * the same machine: root buses, _PRT). Only config.txt is required.
 *
 * A dump holds what Linux found, which is more than the walk from the
 * root buses reaches when nothing describes the machine's other host
 * bridges: every bus the dump holds that no root bus or bridge reaches is
 * walked as a peer root bus (as Linux's x86 peer-bridge scan finds them),
 * and each function the walk still does not report is listed as lspci
 * lists it, identity only, with a note saying why.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "policy_replay.h"
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
	/* Host bridges nobody names: each MCFG window's unreached buses are probed (enum.c, scan_peers). */
	for (unsigned i = 0; i < ai->nwin; i++)
		if (pci_tree_add_peer_scan(t, ai->win[i].seg, ai->win[i].bus_start, ai->win[i].bus_end))
			pci_note(t, "MCFG window %04x:[%02x-%02x]: more windows than the peer bus scan holds (%u): "
			    "not probed for peer root buses", ai->win[i].seg, ai->win[i].bus_start, ai->win[i].bus_end,
			    PCI_PEER_SCANS_MAX);
}

/* Resources from DIR/resource.txt, else each DIR/sysfs/<function>/resource. 0, or 2 (said on stderr). */
static int
load_sizes(struct pci_sim *sim, const char *dir)
{
	char err[256] = "", path[4096], *text;
	size_t len;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if ((text = slurp(dir, "resource.txt", &len))) {
		/* The record lists the BARs every function has: one it does not name has none. */
		for (unsigned i = 0; i < sim->nfn; i++)
			sim->fn[i].sizes_unknown = 0;
		rc = pci_sim_load_resources(sim, text, len, err, sizeof err);
		free(text);
		if (rc)
			fprintf(stderr, "pci: %s/resource.txt: %s\n", dir, err);
		return rc ? 2 : 0;
	}
	if (errno != ENOENT) {
		fprintf(stderr, "pci: %s/resource.txt: %s\n", dir, errno == EINVAL ? "not a regular file" : strerror(errno));
		return 2;
	}
	snprintf(path, sizeof path, "%s/sysfs", dir);
	if (!(d = opendir(path)))
		return 0;	/* no sizes recorded: BARs are reported with their size unknown */
	while (!rc && (e = readdir(d))) {
		struct pci_addr a;
		const char *end;
		char name[300];

		if (e->d_name[0] == '.')
			continue;
		if (pci_parse_addr(e->d_name, &a, &end) || *end) {
			fprintf(stderr, "pci: %s/%s: not a function's name (SSSS:BB:DD.F)\n", path, e->d_name);
			rc = 2;
			break;
		}
		snprintf(name, sizeof name, "sysfs/%s/resource", e->d_name);
		if (!(text = slurp(dir, name, &len))) {
			fprintf(stderr, "pci: %s/%s: %s\n", dir, name, errno == EINVAL ? "not a regular file" : strerror(errno));
			rc = 2;
			break;
		}
		if (pci_sim_load_sysfs_resource(sim, a, text, len, err, sizeof err)) {
			fprintf(stderr, "pci: %s/%s: %s\n", dir, name, err);
			rc = 2;
		}
		free(text);
	}
	closedir(d);
	return rc;
}

/* Did the walk scan (seg, bus): a root bus, or the secondary bus of a bridge it followed? */
static int
bus_walked(const struct pci_tree *t, unsigned seg, unsigned bus)
{
	for (unsigned r = 0; r < t->nroot; r++)
		if (t->root[r].seg == seg && t->root[r].bus == bus)
			return 1;
	for (unsigned i = 0; i < t->nfn; i++)
		if (t->fn[i].scanned && t->fn[i].a.seg == seg && t->fn[i].secondary == bus)
			return 1;
	return 0;
}

struct peer {
	unsigned	seg, bus, functions;
};

/* Can the machine's config access reach (seg, bus)? Segment 0 always (conf1), others by MCFG. */
static int
reachable(const struct acpi_info *ai, unsigned seg, unsigned bus)
{
	return seg == 0 || window_covers(ai, seg, bus);
}

/*
 * Append the functions of a separate walk (a peer root bus) to t: parents
 * follow, a function t already has (reached from both) is not added twice.
 */
static void
merge_walk(struct pci_tree *t, const struct pci_tree *p)
{
	static int map[PCI_FNS_MAX];
	char n[16];

	for (unsigned i = 0; i < p->nnote; i++)
		pci_note(t, "%s", p->note[i]);
	for (unsigned i = 0; i < p->nfn; i++) {
		const struct pci_fn *f = &p->fn[i];
		int have = pci_find(t, f->a);

		if (have >= 0) {
			pci_note(t, "%s: reached from a peer root bus too: kept where it was first found",
			    pci_name(f->a, n));
			map[i] = have;
			continue;
		}
		if (t->nfn >= PCI_FNS_MAX) {
			pci_note(t, "%s: more than %u functions: not recorded", pci_name(f->a, n), PCI_FNS_MAX);
			map[i] = -1;
			continue;
		}
		map[i] = (int)t->nfn;
		t->fn[t->nfn] = *f;
		t->fn[t->nfn].parent = f->parent >= 0 ? map[f->parent] : -1;
		t->nfn++;
	}
}

/*
 * Enumerate; then, while the dump holds a bus the walk did not scan, walk
 * the lowest such bus as a root of its own (Linux's x86 peer-bridge scan
 * finds such host bridges by probing buses nothing reached) and add what
 * it finds. A walk of its own, so a peer bus never narrows the range of
 * the root buses already walked. With the machine's acpi report only
 * buses its config access reaches are candidates (segment 0, MCFG
 * windows), as on the machine. Each peer bus goes to peers[] for its
 * note. 0 or -ENOMEM.
 */
static int
enumerate_with_peers(struct pci_tree *t, const struct pci_cfg *cfg, const struct pci_sim *sim,
    const struct acpi_info *ai, int have_acpi, struct peer *peers, unsigned *npeers)
{
	static struct pci_tree p;

	if (pci_enumerate(t, cfg))
		return -ENOMEM;
	for (;;) {
		int found = -1;

		for (unsigned i = 0; i < sim->nfn; i++) {
			const struct pci_sim_fn *f = &sim->fn[i];

			if (bus_walked(t, f->a.seg, f->a.bus) || (have_acpi && !reachable(ai, f->a.seg, f->a.bus)))
				continue;
			if (found < 0 || f->a.seg < sim->fn[found].a.seg ||
			    (f->a.seg == sim->fn[found].a.seg && f->a.bus < sim->fn[found].a.bus))
				found = (int)i;
		}
		if (found < 0)
			return 0;
		if (*npeers >= PCI_ROOTS_MAX || t->nroot >= PCI_ROOTS_MAX) {
			pci_note(t, "bus %04x:%02x and any further bus in the dump: more root buses than the walk holds "
			    "(%u): not walked", sim->fn[found].a.seg, sim->fn[found].a.bus, PCI_ROOTS_MAX);
			return 0;
		}
		memset(&p, 0, sizeof p);
		p.iov_size = t->iov_size;
		p.iov_ctx = t->iov_ctx;
		pci_tree_add_root(&p, sim->fn[found].a.seg, sim->fn[found].a.bus, 255, "peer bus found in the dump");
		if (pci_enumerate(&p, cfg))
			return -ENOMEM;
		pci_tree_add_root(t, sim->fn[found].a.seg, sim->fn[found].a.bus, 255, "peer bus found in the dump");
		merge_walk(t, &p);
		pci_tree_free(&p);
		peers[*npeers] = (struct peer){ sim->fn[found].a.seg, sim->fn[found].a.bus, 0 };
		for (unsigned i = 0; i < sim->nfn; i++)
			if (sim->fn[i].a.seg == sim->fn[found].a.seg && sim->fn[i].a.bus == sim->fn[found].a.bus)
				peers[*npeers].functions++;
		(*npeers)++;
	}
}

/* A function's name as the views print it (views.c's rule: the domain on every line once any is not 0). */
static const char *
fn_name(struct pci_addr a, int domains)
{
	static char buf[16];

	if (domains)
		snprintf(buf, sizeof buf, "%04x:%02x:%02x.%u", a.seg, a.bus, a.dev, a.fn);
	else
		pci_name(a, buf);
	return buf;
}

/* A config byte of a dump entry as the walk would read it (all ones where the dump gave none). */
static uint32_t
raw(const struct pci_sim_fn *f, unsigned off, unsigned width)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)(off + i < f->len ? f->cfg[off + i] : 0xff) << (8 * i);
	return v;
}

/*
 * Every dump entry the walk did not report (a second copy of a function,
 * one whose ID reads all ones, one the walk does not reach) is listed as
 * lspci lists it: identity only, not walked, with a note saying why.
 */
static const struct pci_sim *order_sim;	/* for by_address (qsort has no context argument) */

static unsigned long long
addr_key(struct pci_addr a)
{
	return (unsigned long long)a.seg << 16 | a.bus << 8 | a.dev << 3 | a.fn;
}

/* Dump entries in address order, the dump's own order among copies of one function. */
static int
by_address(const void *x, const void *y)
{
	unsigned i = *(const unsigned *)x, j = *(const unsigned *)y;
	unsigned long long ka = addr_key(order_sim->fn[i].a), kb = addr_key(order_sim->fn[j].a);

	return ka != kb ? (ka < kb ? -1 : 1) : (i < j ? -1 : i > j);
}

/* An identity-only entry for a dump copy the walk did not report, with its note. */
static void
identity_of(struct pci_tree *t, struct pci_fn *f, const struct pci_sim_fn *s)
{
	uint32_t id = raw(s, 0, 4), cr = raw(s, 8, 4);
	char n[16];

	memset(f, 0, sizeof *f);
	f->a = s->a;
	f->parent = -1;
	f->vendor = (uint16_t)id;
	f->device = (uint16_t)(id >> 16);
	f->rev = (uint8_t)cr;
	f->class = cr >> 8;
	f->hdr_type = (uint8_t)(raw(s, 0x0c, 4) >> 16) & 0x7f;
	f->space = s->space;
	pci_name(s->a, n);
	if (s->repeated)
		pci_note(t, "%s: given more than once in the dump (this copy reads %04x:%04x): listed as lspci "
		    "does, another copy walked", n, f->vendor, f->device);
	else if (f->vendor == 0xffff || f->vendor == 0)
		pci_note(t, "%s: in the dump, but its ID reads %04x (no answer, or not in the dump): listed as "
		    "lspci lists it, not walked", n, f->vendor);
	else
		pci_note(t, "%s: in the dump, but not reached (function 0 absent or not multifunction): "
		    "listed as lspci lists it, not walked", n);
}

/* Room for one more entry, or NULL with a note. */
static struct pci_fn *
more_fn(struct pci_tree *t, struct pci_addr a)
{
	char n[16];

	if (t->nfn < PCI_FNS_MAX)
		return &t->fn[t->nfn++];
	pci_note(t, "%s: more than %u functions: not listed", pci_name(a, n), PCI_FNS_MAX);
	return NULL;
}

/*
 * Every dump entry the walk did not report (another copy of a function,
 * one whose ID reads all ones, one the walk does not reach) is listed as
 * lspci lists it: identity only, not walked, with a note. Copies of one
 * function keep the dump's order, the walked one among them (pci_sort is
 * stable, so the entries are placed in that order here).
 */
static void
list_unwalked(struct pci_tree *t, const struct pci_sim *sim)
{
	unsigned *order = malloc((sim->nfn ? sim->nfn : 1) * sizeof *order);

	if (!order) {
		pci_note(t, "out of memory: functions the walk did not reach are not listed");
		return;
	}
	for (unsigned i = 0; i < sim->nfn; i++)
		order[i] = i;
	order_sim = sim;
	qsort(order, sim->nfn, sizeof *order, by_address);
	for (unsigned k = 0; k < sim->nfn; ) {
		struct pci_addr a = sim->fn[order[k]].a;
		unsigned end = k;
		unsigned long long key = addr_key(a);
		int w = pci_find(t, a);
		struct pci_fn *f;

		while (end < sim->nfn && addr_key(sim->fn[order[end]].a) == key)
			end++;
		for (unsigned c = k; c < end; c++) {
			const struct pci_sim_fn *s = &sim->fn[order[c]];

			if (w < 0 || (c > k && s->repeated)) {
				if ((f = more_fn(t, a)))
					identity_of(t, f, s);
				continue;
			}
			if (c == k)
				continue;	/* the walked copy itself, or the copy that takes its slot below */
			/* The walked copy, after others in the dump: it moves behind them, the first takes its slot. */
			{
				struct pci_fn walked = t->fn[w];

				if (!(f = more_fn(t, a)))
					continue;
				*f = walked;
				for (unsigned i = 0; i < t->nfn; i++)
					if (t->fn[i].parent == w)
						t->fn[i].parent = (int)(f - t->fn);
				identity_of(t, &t->fn[w], &sim->fn[order[k]]);
			}
		}
		k = end;
	}
	free(order);
}

/*
 * Two views only a dump has (the live views hold what the walk keeps; these
 * are the registers as recorded, decoded as the PCI and CardBus specs lay
 * them out and as lspci -vvv prints them): expansion ROM BARs, and the
 * windows bridges forward.
 */
static void
view_roms(FILE *o, const struct pci_tree *t, const struct pci_sim *sim, int domains)
{
	fprintf(o, "--- roms ---\n");
	for (unsigned i = 0; i < t->nfn; i++) {
		const struct pci_fn *f = &t->fn[i];
		const struct pci_sim_fn *s = pci_sim_find((struct pci_sim *)sim, f->a);
		unsigned reg = f->hdr_type == 0 ? 0x30 : f->hdr_type == 1 ? 0x38 : 0;
		uint32_t v;

		if (!s || !reg || (f->vendor == 0xffff) || (v = raw(s, reg, 4)) == 0 || v == 0xffffffffu)
			continue;
		fprintf(o, "%s rom ", fn_name(f->a, domains));
		if (v & 0xfffff800u)
			fprintf(o, "0x%08x", v & 0xfffff800u);
		else
			fprintf(o, "unassigned");
		fprintf(o, " %s\n", v & 1 ? "enabled" : "disabled");
	}
	fprintf(o, "--- end ---\n");
}

/* One window: base and limit as the bridge decodes them, "disabled" when base is above limit. */
static void
window(FILE *o, const char *name, const char *kind, unsigned long long base, unsigned long long limit,
    const char *extra)
{
	fprintf(o, "%s %s 0x%llx 0x%llx%s%s\n", name, kind, base, limit, base > limit ? " disabled" : "", extra);
}

static void
view_windows(FILE *o, const struct pci_tree *t, const struct pci_sim *sim, int domains)
{
	fprintf(o, "--- windows ---\n");
	for (unsigned i = 0; i < t->nfn; i++) {
		const struct pci_fn *f = &t->fn[i];
		const struct pci_sim_fn *s = pci_sim_find((struct pci_sim *)sim, f->a);
		const char *n = fn_name(f->a, domains);

		if (!s || f->vendor == 0xffff)
			continue;
		if (f->hdr_type == 1) {
			/* I/O: 4K granular, 16 or 32 bits (low nibble 0 or 1, the same in base and limit). */
			unsigned iob = raw(s, 0x1c, 1), iol = raw(s, 0x1d, 1);
			unsigned mb = raw(s, 0x20, 2), ml = raw(s, 0x22, 2), pb = raw(s, 0x24, 2), pl = raw(s, 0x26, 2);

			if ((iob & 0xf) != (iol & 0xf) || (iob & 0xf) > 1)
				fprintf(o, "%s io unknown-type %x/%x\n", n, iob, iol);
			else
				window(o, n, "io", (unsigned long long)((iob & 0xf0) << 8 | ((iob & 1) ? raw(s, 0x30, 2) << 16 : 0)),
				    (unsigned long long)((iol & 0xf0) << 8 | ((iol & 1) ? raw(s, 0x32, 2) << 16 : 0)) + 0xfff, "");
			/* Memory: 1M granular, 32 bits only. */
			if ((mb & 0xf) != (ml & 0xf) || (mb & 0xf))
				fprintf(o, "%s mem unknown-type %x/%x\n", n, mb, ml);
			else
				window(o, n, "mem", (unsigned long long)(mb & 0xfff0) << 16,
				    ((unsigned long long)(ml & 0xfff0) << 16) + 0xfffff, "");
			/* Prefetchable: 1M granular, 32 or 64 bits (the upper halves at 0x28/0x2c). */
			if ((pb & 0xf) != (pl & 0xf) || (pb & 0xf) > 1) {
				fprintf(o, "%s prefetch unknown-type %x/%x\n", n, pb, pl);
			} else {
				unsigned long long base = (unsigned long long)(pb & 0xfff0) << 16;
				unsigned long long limit = (unsigned long long)(pl & 0xfff0) << 16;

				if (pb & 1) {
					base |= (unsigned long long)raw(s, 0x28, 4) << 32;
					limit |= (unsigned long long)raw(s, 0x2c, 4) << 32;
				}
				window(o, n, "prefetch", base, limit + 0xfffff, "");
			}
		} else if (f->hdr_type == 2) {
			/* CardBus: two memory windows (4K granular), two I/O windows (4 bytes), 32-bit registers. */
			unsigned ctl = raw(s, 0x3e, 2);

			for (unsigned w = 0; w < 2; w++)
				window(o, n, w ? "mem1" : "mem0", raw(s, 0x1c + 8 * w, 4),
				    (unsigned long long)raw(s, 0x20 + 8 * w, 4) + 0xfff,
				    ctl & (0x100u << w) ? " prefetchable" : "");
			for (unsigned w = 0; w < 2; w++) {
				uint32_t b = raw(s, 0x2c + 8 * w, 4), l = raw(s, 0x30 + 8 * w, 4);

				if (!(b & 1)) {		/* 16-bit I/O window */
					b &= 0xffff;
					l &= 0xffff;
				}
				window(o, n, w ? "io1" : "io0", b & ~3u, (unsigned long long)(l & ~3u) + 3, "");
			}
		}
	}
	fprintf(o, "--- end ---\n");
}

/* With the acpi report: the dump's functions the walk did not reach, in one note. */
static void
note_unwalked(struct pci_tree *t, const struct pci_sim *sim)
{
	char list[100] = "", n[16];
	unsigned count = 0;

	for (unsigned i = 0; i < sim->nfn; i++) {
		const struct pci_sim_fn *s = &sim->fn[i];

		if (s->repeated || pci_find(t, s->a) >= 0)
			continue;
		if (count++ < 4)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", count > 1 ? " " : "",
			    pci_name(s->a, n));
	}
	if (count)
		pci_note(t, "%u function%s of the dump not reached by the walk (as on the machine its acpi report "
		    "describes): %s%s", count, count == 1 ? "" : "s", list, count > 4 ? " ..." : "");
}

/*
 * Load a dump directory into sim (config.txt, the sizes) and, when it has
 * one, its acpi.xml into ai and t's roots. 1 when acpi.xml was there, 0 when
 * not, 2 after an error on stderr (sim is freed then).
 */
static int
load_dump_dir(const char *dir, struct pci_sim *sim, struct pci_tree *t, struct acpi_info *ai)
{
	char err[256] = "", *text;
	size_t len;
	int rc;

	if (!(text = slurp(dir, "config.txt", &len))) {
		fprintf(stderr, "pci: %s/config.txt: %s\n", dir, errno == EINVAL ? "not a regular file" : strerror(errno));
		return 2;
	}
	rc = pci_sim_load_dump(sim, text, len, err, sizeof err);
	free(text);
	if (rc) {
		fprintf(stderr, "pci: %s/config.txt: %s\n", dir, err);
		pci_sim_free(sim);
		return 2;
	}
	if (load_sizes(sim, dir)) {
		pci_sim_free(sim);
		return 2;
	}
	if (!(text = slurp(dir, "acpi.xml", &len)) && errno != ENOENT) {
		fprintf(stderr, "pci: %s/acpi.xml: %s\n", dir, errno == EINVAL ? "not a regular file" : strerror(errno));
		pci_sim_free(sim);
		return 2;
	}
	if (!text)
		return 0;
	struct mkx_xml *x = mkx_xml_parse(text, len, err, sizeof err);

	free(text);
	if (!x || acpi_info_read(ai, x, err, sizeof err)) {
		fprintf(stderr, "pci: %s/acpi.xml: %s\n", dir, err);
		mkx_xml_free(x);
		pci_sim_free(sim);
		return 2;
	}
	mkx_xml_free(x);
	pci_roots_from_acpi(t, ai);
	return 1;
}

/*
 * A platform config (XML, or Genode's HID as core reads configs): at path,
 * else DIR/platform.config if the record has one. 0 with *conf (NULL when
 * there is none), or 2 with the reason on stderr.
 */
static int
load_config(const char *dir, const char *path, struct mkx_xml **conf)
{
	char err[256] = "", *text, *slash;
	char pdir[4096];
	const char *name = "platform.config";
	size_t len;

	*conf = NULL;
	if (path) {
		/* slurp takes a directory and a name: split the path. */
		snprintf(pdir, sizeof pdir, "%s", path);
		if ((slash = strrchr(pdir, '/'))) {
			*slash = 0;
			name = path + (slash - pdir) + 1;
			dir = pdir[0] ? pdir : "/";
		} else {
			dir = ".";
			name = path;
		}
	}
	if (!(text = slurp(dir, name, &len))) {
		if (!path && errno == ENOENT)
			return 0;
		fprintf(stderr, "pci: %s/%s: %s\n", dir, name, errno == EINVAL ? "not a regular file" : strerror(errno));
		return 2;
	}
	*conf = mkx_xml_parse(text, len, err, sizeof err);	/* XML, or HID (mkx_xml_parse tells them apart) */
	free(text);
	if (!*conf) {
		fprintf(stderr, "pci: %s/%s: %s\n", dir, name, err);
		return 2;
	}
	return 0;
}

/*
 * The dump with the platform config at config_path (XML or HID; NULL:
 * DIR/platform.config if there). Static until main.c has a --config option
 * that calls it (the tidy check refuses an export nobody uses).
 */
static int
dump_config(const char *dir, const char *config_path, FILE *out)
{
	struct pci_sim sim;
	struct pci_cfg cfg = { &pci_cfg_sim, &sim };
	static struct pci_tree t;
	static struct acpi_info ai;
	struct peer peers[PCI_ROOTS_MAX];
	unsigned npeers = 0, unsized = 0;
	int have_acpi;
	struct mkx_xml *conf;
	char why[300] = "";

	if (load_config(dir, config_path, &conf))
		return 2;
	pci_sim_init(&sim);
	memset(&t, 0, sizeof t);
	memset(&ai, 0, sizeof ai);
	have_acpi = load_dump_dir(dir, &sim, &t, &ai);
	if (have_acpi == 2) {
		mkx_xml_free(conf);
		return 2;
	}
	t.iov_size = pci_sim_iov_size;	/* VF BAR sizes from the record's resource lines 7-12 */
	t.iov_ctx = &sim;
	if (enumerate_with_peers(&t, &cfg, &sim, &ai, have_acpi, peers, &npeers)) {
		fprintf(stderr, "pci: out of memory\n");
		pci_sim_free(&sim);
		mkx_xml_free(conf);
		return 2;
	}
	for (unsigned i = 0; i < npeers; i++)
		pci_note(&t, "bus %04x:%02x: in the dump (%u function%s there), reached by no root bridge or bridge: "
		    "walked as a peer root bus", peers[i].seg, peers[i].bus, peers[i].functions,
		    peers[i].functions == 1 ? "" : "s");
	/*
	 * A plain dump is listed as lspci lists it. A record with the machine's
	 * acpi report shows what the platform driver sees on that machine: what
	 * its walk does not reach is noted, not listed.
	 */
	if (!have_acpi)
		list_unwalked(&t, &sim);
	else
		note_unwalked(&t, &sim);
	for (unsigned i = 0; i < sim.nfn; i++)
		unsized += sim.fn[i].sizes_unknown;
	if (unsized)
		pci_note(&t, "BAR sizes: %u of %u functions have no resource lines in the dump: their BARs are the "
		    "registers' addresses and kinds, sizes unknown", unsized, sim.nfn);
	pci_sort(&t);
	pci_route_all(&ai, &t);
	pci_set_ecam(&t, &ai);
	pci_views(out, &t);
	{
		int domains = 0;

		for (unsigned i = 0; i < t.nfn; i++)
			domains |= t.fn[i].a.seg != 0;
		view_roms(out, &t, &sim, domains);
		view_windows(out, &t, &sim, domains);
	}
	if (conf && pci_policy_replay(out, &t, conf, why, sizeof why)) {
		fprintf(stderr, "pci: %s/%s: %s\n", config_path ? "" : dir, config_path ? config_path : "platform.config",
		    why);
		have_acpi = 2;
	}
	mkx_xml_free(conf);
	pci_tree_free(&t);
	pci_sim_free(&sim);
	return have_acpi == 2 ? 2 : 0;
}

int
pci_host_dump(const char *dir, FILE *out)
{
	return dump_config(dir, NULL, out);
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
