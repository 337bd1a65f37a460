/*
 * core's IO_MEM service: policy by label, exclusive grants, no RAM, and
 * the choice of what backs the dataspace (see mkx/io_mem.h). Also builds
 * the "pci_devices" ROM from the backend's resource list. The mechanism
 * is behind io_mem_backend.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/args.h>
#include <mkx/io_mem.h>
#include "core.h"
#include "ecam_probes.h"
#include "io_mem_backend.h"
#include "io_mem_live.h"
#include "privdrop.h"

#define PAGE		4096ull
#define PAGE_DOWN(a)	((a) & ~(PAGE - 1))
#define PAGE_UP(a)	(((a) + PAGE - 1) & ~(PAGE - 1))

struct io_mem_session {
	enum io_mem_kind	kind;
	uint64_t		base, size;	/* what the client asked for */
	/*
	 * What the fd really reaches, and so what the grant holds: a BAR
	 * file is the whole BAR whatever part was asked for.
	 */
	uint64_t		held_base, held_size;
	int			bdf;		/* IO_MEM_PCI: the function; else -1 */
	int			page_bdf;	/* a live ECAM page: its function; else -1 */
	int			ecam_copy;	/* a read-only copy of ECAM (kind IO_MEM_SNAPSHOT) */
	unsigned		bar;
	const struct child	*client;
	struct child		*payer;		/* snapshot: charged to its RAM quantum (ram_charge) */
	size_t			charged;
	int			fd;
	struct mkx_io_mem_ds	ds;
	/*
	 * A live dataspace (BAR file, /dev/mem) once handed out cannot be
	 * taken back: when its session closes, the grant stays the client's
	 * (closed = 1, still in granted[]) until the client exits.
	 */
	int			handed_out, closed;
	char			label[192];
};

static const struct io_mem_backend *backend;
static const struct core_config *config;
static struct io_mem_session *granted[CORE_SESSIONS_MAX];
static unsigned ngranted;

int
io_mem_select(const struct core_config *cfg)
{
	char why[256] = "";

	config = cfg;
	if (!strcmp(cfg->io_mem_backend, "sim"))
		backend = &io_mem_sim;
	else if (io_mem_sysfs.probe(why, sizeof why) == 0)
		backend = &io_mem_sysfs;
	else {
		backend = NULL;
		if (cfg->nio_mem)
			core_log("IO_MEM: no backend (%s); IO_MEM sessions will be denied", why);
		return strcmp(cfg->io_mem_backend, "linux-sysfs") ? 0 : -ENODEV;
	}
	if (cfg->nio_mem)
		core_log("IO_MEM: backend %s", backend->name);
	return 0;
}

static void
bdf_str(unsigned bdf, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
}

static int
res_matches(const struct io_mem_policy *p, const struct pci_res *r)
{
	if (r->type != PCI_RES_MEM)
		return 0;
	if (p->bdf >= 0 ? (unsigned)p->bdf != r->bdf : (p->vendor != r->vendor || p->device != r->device))
		return 0;
	return p->bar < 0 || (unsigned)p->bar == r->bar;
}

static void
describe_policies(const char *label, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < config->nio_mem && used < len; i++) {
		const struct io_mem_policy *p = &config->io_mem[i];
		char what[64];

		if (!label_matches(p->label, p->label_prefix, label))
			continue;
		if (p->kind == IO_MEM_PCI && p->bdf >= 0)
			bdf_str((unsigned)p->bdf, what, sizeof what);
		else if (p->kind == IO_MEM_PCI)
			snprintf(what, sizeof what, "%04x:%04x", p->vendor, p->device);
		else if (p->kind == IO_MEM_ECAM)
			snprintf(what, sizeof what, "ECAM (the MCFG windows)");
		else
			snprintf(what, sizeof what, "%s 0x%" PRIx64 "-0x%" PRIx64, p->kind == IO_MEM_SNAPSHOT ?
			    "snapshot" : p->kind == IO_MEM_LIVE ? "live" : "trusted", p->base, p->base + p->size - 1);
		if (p->kind == IO_MEM_PCI && p->bar >= 0)
			snprintf(what + strlen(what), sizeof what - strlen(what), " BAR%d", p->bar);
		used += snprintf(buf + used, len - used, "%s%s (line %d)", used ? ", " : "", what, p->line);
	}
	if (!buf[0])
		snprintf(buf, len, "no IO_MEM policy matches this label");
}

/* Fill s->fd and s->ds for a grant inside BAR r. */
static int
grant_bar(struct io_mem_session *s, const struct pci_res *r, int wc, char *why, size_t whylen)
{
	uint64_t page = PAGE_DOWN(s->base);
	int got_wc, fd;

	if (r->start & (PAGE - 1)) {
		snprintf(why, whylen, "BAR%u at 0x%" PRIx64 " is not page aligned: it cannot be mapped "
		    "without exposing its neighbours", r->bar, r->start);
		return -EPERM;
	}
	fd = backend->open_bar(r, wc, &got_wc);
	if (fd < 0) {
		snprintf(why, whylen, "core cannot open the BAR file: %s", strerror(-fd));
		return fd;
	}
	s->fd = fd;
	s->held_base = r->start;
	s->held_size = r->size;
	s->bdf = (int)r->bdf;
	s->bar = r->bar;
	s->ds.offset = page - r->start;
	s->ds.length = PAGE_UP(s->base + s->size) - page;
	s->ds.page_offset = (uint32_t)(s->base - page);
	s->ds.flags = MKX_IO_MEM_BAR | (got_wc ? MKX_IO_MEM_WC : 0);
	return 0;
}

/* The label of a grant (not a snapshot) that holds any of [base, base+len), or NULL. */
/* Does another client than c hold (or keep) a grant that overlaps? */
static int
held_by_other(uint64_t base, uint64_t len, const struct child *c)
{
	for (unsigned i = 0; i < ngranted; i++)
		if (granted[i]->kind != IO_MEM_SNAPSHOT && granted[i]->client != c &&
		    base < granted[i]->held_base + granted[i]->held_size && granted[i]->held_base < base + len)
			return 1;
	return 0;
}

static const char *
held_by(uint64_t base, uint64_t len)
{
	for (unsigned i = 0; i < ngranted; i++)
		if (granted[i]->kind != IO_MEM_SNAPSHOT && base < granted[i]->held_base + granted[i]->held_size &&
		    granted[i]->held_base < base + len)
			return granted[i]->label;
	return NULL;
}

/*
 * A snapshot copies firmware memory (ACPI tables, BIOS areas, reserved
 * regions): core reads every page of it through /dev/mem. Device memory
 * is not firmware's: a read of a register can have effects, and a copy
 * of another driver's BAR or of ECAM (every function's config space)
 * hands out what only its holder, or an ECAM policy, may see. So no page
 * core would read may touch a PCI memory BAR (held by anyone or by
 * nobody) or an MCFG window. The one exception is the boot VGA's
 * expansion ROM, which Linux names at its legacy shadow 0xc0000-0xdffff
 * (below 1 MiB, the firmware's copy in memory, not a decoding BAR).
 */
static int
snapshot_device_overlap(uint64_t page, uint64_t len, char *why, size_t whylen)
{
	static struct pci_res res[PCI_RES_MAX];
	uint64_t wb, ws;
	const char *holder;
	char dev[16];
	int n = backend->resources(res, PCI_RES_MAX);

	for (int i = 0; i < n; i++) {
		const struct pci_res *r = &res[i];

		if (r->type != PCI_RES_MEM || !(page < r->start + r->size && r->start < page + len))
			continue;
		if (r->bar == 6 && r->start + r->size <= 0x100000)
			continue;	/* the shadowed ROM copy, see above */
		bdf_str(r->bdf, dev, sizeof dev);
		holder = held_by(r->start, r->size);
		snprintf(why, whylen, "a snapshot reads 0x%" PRIx64 "-0x%" PRIx64 ", which overlaps %s BAR%u "
		    "(0x%" PRIx64 "-0x%" PRIx64 ", %s%s%s): snapshots copy firmware memory only, never a device's",
		    page, page + len - 1, dev, r->bar, r->start, r->start + r->size - 1,
		    holder ? "held by \"" : "held by nobody", holder ? holder : "", holder ? "\"" : "");
		return -EPERM;
	}
	if (backend->ecam_overlap && !backend->ecam_overlap(page, len, &wb, &ws)) {
		snprintf(why, whylen, "a snapshot reads 0x%" PRIx64 "-0x%" PRIx64 ", which overlaps the ECAM window "
		    "0x%" PRIx64 "-0x%" PRIx64 " (MCFG, the config space of every function): snapshots copy "
		    "firmware memory only", page, page + len - 1, wb, wb + ws - 1);
		return -EPERM;
	}
	return 0;
}

/*
 * Hand buf (len bytes, whole pages; freed here) out as s's dataspace: a
 * memfd sealed against writes and growth, mode 0400, of which the client
 * gets a read-only open (snapshot_client_fd), so the kernel refuses it a
 * shared writable mapping, write(), ftruncate() and new seals (a private
 * writable mapping is the client's own copy). Not sealed against
 * shrinking: core truncates the copy when the session closes (as ROM
 * versions, rom_blob.c), so a client that kept the fd or a mapping past
 * its session pins nothing. Sealed against shrinking, each copy kept so
 * stayed in core's memory after its charge was given back: a client
 * pinned any number of them (io_mem_ecam_attack_test).
 */
static int
sealed_copy(struct io_mem_session *s, void *buf, uint64_t len, char *why, size_t whylen)
{
	uint64_t bytes = s->ecam_copy ? 2 * len : len;	/* an ECAM copy: its probe answers after it */
	int err, fd = memfd_create("io_mem-snapshot", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0 || write(fd, buf, bytes) != (ssize_t)bytes ||
	    fchmod(fd, 0400) || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		free(buf);
		snprintf(why, whylen, "core cannot build the snapshot: %s", strerror(-err));
		return err;
	}
	free(buf);
	s->fd = fd;
	s->ds.offset = 0;
	s->ds.length = len;
	s->ds.page_offset = (uint32_t)(s->base - PAGE_DOWN(s->base));
	s->ds.flags = MKX_IO_MEM_SNAPSHOT | MKX_IO_MEM_READONLY | (s->ecam_copy ? MKX_IO_MEM_PROBES : 0);
	s->charged = bytes;
	return 0;
}

static int
grant_snapshot(struct io_mem_session *s, char *why, size_t whylen)
{
	uint64_t page = PAGE_DOWN(s->base), len = PAGE_UP(s->base + s->size) - page;
	void *buf;
	int err;

	if (s->size > (16u << 20)) {
		snprintf(why, whylen, "a snapshot of 0x%" PRIx64 " bytes: snapshots are for firmware areas "
		    "(at most 16 MiB)", s->size);
		return -EINVAL;
	}
	if ((err = snapshot_device_overlap(page, len, why, whylen)))
		return err;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	err = backend->read_phys(page, buf, len);
	if (err) {
		snprintf(why, whylen, "core cannot read 0x%" PRIx64 "+0x%" PRIx64 ": %s", page, len, strerror(-err));
		free(buf);
		return err;
	}
	/*
	 * The copy covers whole pages, but only [base, base+size) was granted:
	 * blank the rest, which may be RAM of Linux next to a firmware area.
	 */
	memset(buf, 0, s->base - page);
	memset((uint8_t *)buf + (s->base - page) + s->size, 0, len - (s->base - page) - s->size);
	return sealed_copy(s, buf, len, why, whylen);
}

static int
grant_devmem(struct io_mem_session *s, char *why, size_t whylen)
{
	int fd = backend->open_phys();

	if (fd < 0) {
		snprintf(why, whylen, "core has no live physical-memory access here: %s", strerror(-fd));
		return fd;
	}
	s->fd = fd;
	s->ds.offset = PAGE_DOWN(s->base);
	s->ds.length = PAGE_UP(s->base + s->size) - s->ds.offset;
	s->ds.page_offset = (uint32_t)(s->base - s->ds.offset);
	s->ds.flags = MKX_IO_MEM_DEVMEM;
	return 0;
}

/*
 * An ECAM window reaches the config space of every function behind it, so
 * its holder must be allowed to write all of them by <pci_config>.
 */
static int
ecam_config_all(const char *label)
{
	for (unsigned i = 0; i < config->npci_config; i++) {
		const struct pci_config_policy *p = &config->pci_config[i];

		if (p->match == PCI_CONFIG_ALL && p->write && label_matches(p->label, p->label_prefix, label))
			return 1;
	}
	return 0;
}

/* Where ecam_ident reads: the physical address of bdf 0's page (pci_ident_fn has no context). */
static uint64_t ident_bus0;

/* A function's identity for class and vendor/device policies, read from ECAM by core. */
static int
ecam_ident(unsigned bdf, struct pci_fn_ident *id)
{
	uint32_t d[3];

	if (backend->ecam_read(ident_bus0 + ((uint64_t)bdf << 12), d, sizeof d) || (d[0] & 0xffff) == 0xffff)
		return -ENOENT;
	id->vendor = d[0] & 0xffff;
	id->device = d[0] >> 16;
	id->class = d[2] >> 8;
	return 0;
}

/* label's <pci_config> access to the function whose ECAM page is at page (its bdf in *bdf). */
static enum pci_config_access
ecam_access(const char *label, uint64_t page, unsigned *bdf)
{
	if (!backend->ecam_bdf || !backend->ecam_read || backend->ecam_bdf(page, bdf))
		return PCI_CONFIG_NONE;
	ident_bus0 = page - ((uint64_t)*bdf << 12);
	return pci_config_access(config, label, *bdf, ecam_ident);
}

#define ECAM_COPY_MAX	(1u << 20)	/* one bus: what Genode's pci_decode maps at a time */

/*
 * A label whose <pci_config> reads (and does not write) functions in the
 * range gets a copy of those pages, taken now; the pages of functions it
 * may not read are all ones, as absent functions read (and as the conf1
 * emulation shows them to it). Where it may write a function, a copy
 * would drop its writes unseen: it asks for that function's page alone.
 */
static int
grant_ecam_copy(struct io_mem_session *s, const char *label, char *why, size_t whylen)
{
	uint64_t page = PAGE_DOWN(s->base), len = PAGE_UP(s->base + s->size) - page;
	unsigned bdf, seen = 0;
	uint8_t *buf;
	char dev[16];
	int err;

	if (len > ECAM_COPY_MAX) {
		snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " is ECAM: \"%s\" may have a read-only copy of at "
		    "most one bus (1 MiB) per request, or the live window with <pci_config pci=\"all\" "
		    "access=\"write\">", s->base, s->base + s->size - 1, label);
		return -EPERM;
	}
	if (!(buf = calloc(2, len)))	/* the copy, then its probe answers (ecam_probes.c) */
		return -ENOMEM;
	if ((err = backend->ecam_read ? backend->ecam_read(page, buf, len) : -ENOTSUP)) {
		snprintf(why, whylen, "core cannot read ECAM 0x%" PRIx64 "+0x%" PRIx64 ": %s", page, len, strerror(-err));
		free(buf);
		return err;
	}
	for (uint64_t off = 0; off < len; off += PAGE) {
		enum pci_config_access a = ecam_access(label, page + off, &bdf);

		if (a == PCI_CONFIG_WRITE) {
			bdf_str(bdf, dev, sizeof dev);
			snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " is ECAM: it reaches the config space of every "
			    "function behind it; <pci_config> lets \"%s\" write %s there, so a read-only copy would drop "
			    "its writes: ask for that function's 4 KiB page alone (live), a copy only where it reads, or "
			    "the window with pci=\"all\" access=\"write\"", s->base, s->base + s->size - 1, label, dev);
			free(buf);
			return -EPERM;
		}
		if (a == PCI_CONFIG_NONE)
			memset(buf + off, 0xff, PAGE);
		seen += a == PCI_CONFIG_READ;
	}
	if (!seen) {
		snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " is ECAM, and <pci_config> gives \"%s\" no "
		    "function there", s->base, s->base + s->size - 1, label);
		free(buf);
		return -EPERM;
	}
	if (!backend->ecam_bdf(page, &bdf)) {
		static struct pci_res res[PCI_RES_MAX];
		int n = backend->resources(res, PCI_RES_MAX);

		ecam_probe_answers(res, n < 0 ? 0 : n, buf, buf + len, len, bdf);
	}
	s->kind = IO_MEM_SNAPSHOT;
	s->ecam_copy = 1;
	return sealed_copy(s, buf, len, why, whylen);
}

/*
 * ECAM by <pci_config>: one function's page, live, to a label that may
 * write that function (held for that page only); the whole window, live,
 * to a label that may write every function (held whole); else a
 * read-only copy (grant_ecam_copy).
 */
static int
grant_ecam(struct io_mem_session *s, const char *label, char *why, size_t whylen)
{
	uint64_t wb, ws, page = PAGE_DOWN(s->base);
	unsigned bdf;
	char dev[16];
	int err;

	if (!backend->ecam_window || backend->ecam_window(s->base, s->size, &wb, &ws))
		return -ENOENT;
	if (PAGE_UP(s->base + s->size) - page == PAGE && ecam_access(label, page, &bdf) == PCI_CONFIG_WRITE) {
		/*
		 * The page takes writes core cannot see: refused where conf1
		 * would refuse every write (another holds a BAR, the IRQ or the
		 * DMA session of that function). Before, the page was granted
		 * under such a holder (io_mem_ecam_attack_test). A page another
		 * client holds is overlap_check's to refuse (-EBUSY, naming it);
		 * the client's own kept page is checked again like a new one.
		 */
		if (!held_by_other(page, PAGE, s->client) && (err = pci_config_may_write(config, s->client, label, bdf, ecam_ident, why, whylen))) {
			bdf_str(bdf, dev, sizeof dev);
			snprintf(why + strlen(why), whylen - strlen(why), ": %s's ECAM page (live) would let \"%s\" write "
			    "it under that holder", dev, label);
			return err;
		}
		if ((err = grant_devmem(s, why, whylen)))
			return err;
		s->kind = IO_MEM_ECAM;
		s->held_base = page;
		s->held_size = PAGE;
		s->page_bdf = (int)bdf;
		return 0;
	}
	if (!ecam_config_all(label))
		return grant_ecam_copy(s, label, why, whylen);
	if ((err = grant_devmem(s, why, whylen)))
		return err;
	/* The grant holds the whole window: nobody else gets any part of it. */
	s->kind = IO_MEM_ECAM;
	s->held_base = wb;
	s->held_size = ws;
	return 0;
}

/* Decide what the request is and grant it; 0 or -errno with why. */
static int
grant(struct io_mem_session *s, const char *label, int wc, int live, char *why, size_t whylen)
{
	static struct pci_res res[PCI_RES_MAX];
	uint64_t end = s->base + s->size;
	int n = -1;	/* the PCI resources, read only if a PCI policy applies */
	char pols[512], dev[16];

	for (unsigned i = 0; i < config->nio_mem; i++) {
		const struct io_mem_policy *p = &config->io_mem[i];

		if (!label_matches(p->label, p->label_prefix, label))
			continue;
		/* live=yes is answered by live policies only, and they answer nothing else. */
		if ((p->kind == IO_MEM_LIVE) != live)
			continue;
		if (p->kind == IO_MEM_PCI) {
			if (n < 0)
				n = backend->resources(res, PCI_RES_MAX);
			for (int j = 0; j < n; j++) {
				const struct pci_res *r = &res[j];

				if (!res_matches(p, r) || s->base < r->start || s->base >= r->start + r->size)
					continue;
				if (end > r->start + r->size) {
					bdf_str(r->bdf, dev, sizeof dev);
					snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " is larger than %s BAR%u "
					    "(0x%" PRIx64 "-0x%" PRIx64 ")", s->base, end - 1, dev, r->bar,
					    r->start, r->start + r->size - 1);
					return -EINVAL;
				}
				s->kind = IO_MEM_PCI;
				return grant_bar(s, r, wc, why, whylen);
			}
			continue;
		}
		if (p->kind == IO_MEM_ECAM) {
			int err = grant_ecam(s, label, why, whylen);

			if (err != -ENOENT)
				return err;
			continue;
		}
		if (s->base < p->base || end > p->base + p->size)
			continue;
		if (backend->is_ram(s->base, s->size)) {
			snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " is RAM that belongs to Linux",
			    s->base, end - 1);
			return -EPERM;
		}
		s->kind = p->kind;
		if (p->kind == IO_MEM_LIVE) {
			/* The grant is the whole policy range, as a BAR grant is the whole BAR. */
			s->held_base = p->base;
			s->held_size = p->size;
			return io_mem_live_check(backend, p->base, p->size, why, whylen);
		}
		return p->kind == IO_MEM_SNAPSHOT ? grant_snapshot(s, why, whylen)
		    : grant_devmem(s, why, whylen);
	}
	if (backend->is_ram(s->base, s->size)) {
		snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " is RAM that belongs to Linux", s->base, end - 1);
		return -EPERM;
	}
	describe_policies(label, pols, sizeof pols);
	snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " is outside the %spolicy (%s)", s->base, end - 1,
	    live ? "live " : "", pols);
	return -EPERM;
}

/*
 * A live grant is exclusive: -EBUSY with why if another grant holds any of
 * what s's dataspace reaches. The client's own kept grants do not count:
 * it holds them anyway (supersede_kept).
 */
static int
overlap_check(const struct io_mem_session *s, char *why, size_t whylen)
{
	for (unsigned i = 0; i < ngranted; i++) {
		const struct io_mem_session *g = granted[i];

		if (g->kind == IO_MEM_SNAPSHOT || (g->closed && g->client == s->client) ||
		    !(s->held_base < g->held_base + g->held_size && g->held_base < s->held_base + s->held_size))
			continue;
		snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " (its dataspace reaches 0x%" PRIx64 "-0x%" PRIx64
		    ") overlaps 0x%" PRIx64 "-0x%" PRIx64 " held by \"%s\"", s->base, s->base + s->size - 1,
		    s->held_base, s->held_base + s->held_size - 1, g->held_base, g->held_base + g->held_size - 1, g->label);
		return -EBUSY;
	}
	return 0;
}

/*
 * The client's kept grants (closed sessions whose dataspace it still
 * holds) that lie wholly inside [base, base+size) are superseded by a new
 * grant of that range: dropped from the table. One that reaches further
 * stays recorded, so nobody else gets what the client may still map.
 */
static void
supersede_kept(const struct child *client, uint64_t base, uint64_t size)
{
	for (unsigned i = ngranted; i-- > 0;) {
		const struct io_mem_session *g = granted[i];

		if (g->closed && g->client == client && g->held_base >= base &&
		    g->held_base - base <= size && g->held_size <= size - (g->held_base - base)) {
			free(granted[i]);
			granted[i] = granted[--ngranted];
		}
	}
}

static int
io_mem_open(struct child *client, const char *label, const char *args, void **state,
    char *why, size_t whylen)
{
	unsigned long base, size;
	char wcs[8] = "no", lives[8] = "no";
	struct io_mem_session *s;
	int err, wc, live;

	if (!backend) {
		snprintf(why, whylen, "core has no IO_MEM backend here");
		return -EPERM;
	}
	if (mkx_arg_ulong(args, "base", &base) || mkx_arg_ulong(args, "size", &size) ||
	    size == 0 || base + size < base) {
		snprintf(why, whylen, "bad base/size in \"%.100s\"", args);
		return -EINVAL;
	}
	if (ngranted == CORE_SESSIONS_MAX) {
		snprintf(why, whylen, "core's table of IO_MEM grants is full");
		return -ENOSPC;
	}
	err = mkx_arg_string(args, "wc", wcs, sizeof wcs);
	wc = !strcmp(wcs, "yes") || !strcmp(wcs, "true");
	err = mkx_arg_string(args, "live", lives, sizeof lives);
	live = !strcmp(lives, "yes") || !strcmp(lives, "true");
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->bdf = -1;
	s->page_bdf = -1;
	s->client = client;
	s->base = s->held_base = base;
	s->size = s->held_size = size;
	snprintf(s->label, sizeof s->label, "%s", label);
	err = grant(s, label, wc, live, why, whylen);
	if (!err && s->kind != IO_MEM_SNAPSHOT)
		err = overlap_check(s, why, whylen);
	if (!err && s->kind != IO_MEM_SNAPSHOT)
		supersede_kept(client, s->held_base, s->held_size);
	if (!err && s->kind == IO_MEM_SNAPSHOT) {
		/* The copy is core's memory kept for the client as long as it holds the session. */
		err = ram_charge(client, s->charged, "an IO_MEM snapshot", why, whylen);
		if (!err)
			s->payer = client;
	}
	if (err) {
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return err;
	}
	granted[ngranted++] = s;
	core_log("IO_MEM \"%s\": 0x%lx-0x%lx granted (%s%s)", label, base, base + size - 1,
	    s->kind == IO_MEM_PCI ? "PCI BAR file" : s->ecam_copy ? "read-only snapshot of ECAM"
	    : s->kind == IO_MEM_SNAPSHOT ? "read-only snapshot"
	    : s->page_bdf >= 0 ? "one function's ECAM page, live physical memory"
	    : s->kind == IO_MEM_ECAM ? "ECAM window, live physical memory"
	    : s->kind == IO_MEM_LIVE ? "live registers, each access done by core" : "live physical memory, trusted", s->ds.flags & MKX_IO_MEM_WC ? ", write-combined" : "");
	*state = s;
	return 0;
}

/*
 * Who else holds something of the function this BAR session belongs to
 * (MKX_IO_MEM_HOLDERS): every running child but the asker, by pid, and
 * every process with the uid of any other child slot (what a child forked
 * holds what it inherited, wherever it went: the same processes the uid
 * sweep kills, uid_reap.c), by the backend's paths of what core hands out
 * for the function. Children sharing core's uid (an unprivileged core)
 * are found by pid only.
 */
static int
holders(const struct io_mem_session *s, struct mkx_reply *r)
{
	struct holder_id ids[HOLDER_TARGETS_MAX];
	pid_t pids[CHILDREN_MAX], pid = 0;
	uid_t uids[CHILDREN_MAX], uid = (uid_t)-1, asker = (uid_t)-1;
	unsigned n = 0, nu = 0;
	struct mkx_io_mem_holder h;
	int nt, found;

	if (s->bdf < 0 || !backend->fn_targets)
		return -ENOSYS;	/* not a PCI BAR session: it names no function */
	if ((nt = backend->fn_targets((unsigned)s->bdf, ids, HOLDER_TARGETS_MAX)) < 0)
		return nt;
	if (s->client >= child_table && s->client < child_table + CHILDREN_MAX)
		asker = privdrop_uid((unsigned)(s->client - child_table));
	for (unsigned i = 0; i < nchildren; i++) {
		if (child_table[i].state == CHILD_RUNNING && child_table[i].pid > 0 && &child_table[i] != s->client)
			pids[n++] = child_table[i].pid;
		if (&child_table[i] != s->client && privdrop_uid(i) != getuid() && privdrop_uid(i) != asker)
			uids[nu++] = privdrop_uid(i);
	}
	memset(&h, 0, sizeof h);
	found = holders_find(NULL, &(struct holders_who){ pids, n, uids, nu }, ids, (unsigned)nt, HOLDERS_SCAN_MS,
	    &pid, &uid, h.what, sizeof h.what);
	if (found < 0)
		return found;
	if (found) {
		h.pid = pid;
		for (unsigned i = 0; i < nchildren; i++)
			if (&child_table[i] != s->client && ((child_table[i].state == CHILD_RUNNING && child_table[i].pid == pid) ||
			    (privdrop_uid(i) == uid && uid != getuid()))) {
				snprintf(h.name, sizeof h.name, "%.59s", child_table[i].cfg ? child_table[i].cfg->name : "?");
				break;
			}
	}
	memcpy(r->payload, &h, sizeof h);
	r->len = sizeof h;
	return 0;
}

/*
 * Does the named component still run (MKX_IO_MEM_RUNNING)? Its pid, or 0
 * once core has reaped it: child_reap killed every process of its uid
 * first, so what it held, fds in flight in its sockets too, is gone. Only
 * about the asker's own clients (it sees their sessions anyway): any other
 * name, existing or not, gets the same -EPERM, so the question reveals
 * nothing about the rest of the composition.
 */
static int
running(const struct io_mem_session *s, const struct mkx_msg *req, struct mkx_reply *r)
{
	const char *name = (const char *)req->payload;
	struct child *c;
	int32_t pid;

	if (!req->hdr.len || req->hdr.len > NAME_MAX_LEN || name[req->hdr.len - 1])
		return -EINVAL;
	c = child_by_name(name);
	if (!c || !s->client || s->client < child_table || s->client >= child_table + CHILDREN_MAX ||
	    !(c->asked & (1u << (s->client - child_table))))
		return -EPERM;
	pid = c->state == CHILD_RUNNING ? (int32_t)c->pid : 0;
	memcpy(r->payload, &pid, sizeof pid);
	r->len = sizeof pid;
	return 0;
}

/*
 * A read-only open of a snapshot's memfd for its client (through
 * /proc/self/fd: mode 0400 keeps another uid from opening it read-write
 * there), so it can neither seal it against core's truncation at close
 * nor write it.
 */
static int
snapshot_client_fd(int fd)
{
	char path[64];
	int ro;

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	return ro < 0 ? -errno : ro;
}

static int
io_mem_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	static int sent_fd = -1;	/* a snapshot's read-only open: closed on the next call, its reply has gone */
	struct io_mem_session *s = state;
	int fd;

	if (sent_fd >= 0)
		close(sent_fd);
	sent_fd = -1;

	if (req->hdr.op == MKX_IO_MEM_HOLDERS)
		return holders(s, r);
	if (req->hdr.op == MKX_IO_MEM_RUNNING)
		return running(s, req, r);

	/* Nothing is handed out: the session ends with its close. */
	if (s->kind == IO_MEM_LIVE)
		return io_mem_live_call(backend, s->held_base, s->held_size, req, r);
	if (req->hdr.op != MKX_IO_MEM_DATASPACE)
		return -ENOSYS;
	fd = s->fd;	/* core keeps its copy until the session closes */
	if (s->kind == IO_MEM_SNAPSHOT && (fd = sent_fd = snapshot_client_fd(s->fd)) < 0)
		return fd;
	s->handed_out = 1;
	memcpy(r->payload, &s->ds, sizeof s->ds);
	r->len = sizeof s->ds;
	r->fds[0] = fd;
	r->nfds = 1;
	return 0;
}

static void
io_mem_close(void *state)
{
	struct io_mem_session *s = state;

	/* Revoke a copy (sealed_copy): whoever kept its fd or a mapping no longer pins its pages. */
	if (s->fd >= 0 && s->kind == IO_MEM_SNAPSHOT)
		(void)!ftruncate(s->fd, 0);	/* core's own writable open: cannot fail */
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->payer)
		ram_uncharge(s->payer, s->charged);
	s->payer = NULL;
	/* The client's copy of a live dataspace still reaches it: nobody else gets it yet. */
	if (s->handed_out && s->kind != IO_MEM_SNAPSHOT) {
		s->closed = 1;
		return;
	}
	for (unsigned i = 0; i < ngranted; i++)
		if (granted[i] == s)
			granted[i] = granted[--ngranted];
	free(s);
}

void
io_mem_child_exited(const struct child *c)
{
	for (unsigned i = ngranted; i-- > 0;)
		if (granted[i]->client == c && granted[i]->closed) {
			free(granted[i]);
			granted[i] = granted[--ngranted];
		}
}

const char *
io_mem_function_holder(unsigned bdf, const struct child *except)
{
	for (unsigned i = 0; i < ngranted; i++)
		if ((granted[i]->bdf == (int)bdf || granted[i]->page_bdf == (int)bdf) && granted[i]->client != except)
			return granted[i]->label;
	return NULL;
}

/*
 * For config writes that would move a BAR (service_io_port.c): the label
 * of a grant of another client than except that reaches any of
 * [base, base+size), or NULL. Snapshots are copies, nothing decodes there.
 */
const char *
io_mem_range_held_by_other(uint64_t base, uint64_t size, const struct child *except)
{
	for (unsigned i = 0; i < ngranted; i++) {
		const struct io_mem_session *g = granted[i];

		if (g->client != except && g->kind != IO_MEM_SNAPSHOT && base < g->held_base + g->held_size &&
		    g->held_base < base + size)
			return g->label;
	}
	return NULL;
}

/* The size of memory BAR bar of bdf as the backend knows it, 0 if it does not. */
uint64_t
io_mem_bar_size(unsigned bdf, unsigned bar)
{
	static struct pci_res res[PCI_RES_MAX];
	int n;

	if (backend && backend->bar_size)
		return backend->bar_size(bdf, bar);
	n = backend ? backend->resources(res, PCI_RES_MAX) : 0;
	for (int i = 0; i < n; i++)
		if (res[i].bdf == bdf && res[i].bar == bar && res[i].type == PCI_RES_MEM)
			return res[i].size;
	return 0;
}

int
io_mem_client_holds(const struct child *c, uint64_t base, uint64_t size)
{
	/* Walk the range page by page through c's grants: several BARs may cover it together. */
	uint64_t at = base, end = base + size;

	while (at < end) {
		unsigned i;

		for (i = 0; i < ngranted; i++) {
			const struct io_mem_session *g = granted[i];

			/* Snapshots and live grants map nothing of the device into the client. */
			if (g->client == c && g->kind != IO_MEM_SNAPSHOT && g->kind != IO_MEM_LIVE && at >= g->held_base &&
			    at < PAGE_UP(g->held_base + g->held_size)) {
				at = PAGE_UP(g->held_base + g->held_size);
				break;
			}
		}
		if (i == ngranted)
			return 0;
	}
	return 1;
}

const struct core_service service_io_mem = {
	.name = "IO_MEM", .open = io_mem_open, .call = io_mem_call, .close = io_mem_close,
};

char *
io_mem_devices_xml(size_t *len)
{
	static struct pci_res res[PCI_RES_MAX];
	const struct io_mem_backend *be = backend ? backend : &io_mem_sysfs;
	int n = be->resources(res, PCI_RES_MAX);
	char *buf = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);

	if (!f)
		return NULL;
	fprintf(f, "<devices>\n");
	for (int i = 0; i < n; i++) {
		const struct pci_res *r = &res[i];
		char dev[16];

		bdf_str(r->bdf, dev, sizeof dev);
		if (i == 0 || res[i - 1].bdf != r->bdf)
			fprintf(f, "  <device name=\"%s\" type=\"pci\">\n"
			    "    <pci-config bus=\"0x%x\" device=\"0x%x\" function=\"0x%x\" vendor_id=\"0x%04x\""
			    " device_id=\"0x%04x\" class=\"0x%06x\" irq_pin=\"%u\"/>\n", dev, r->bdf >> 8,
			    (r->bdf >> 3) & 0x1f, r->bdf & 7, r->vendor, r->device, r->class, r->irq_pin);
		if (r->type == PCI_RES_MEM)
			/* Genode's info="yes" attributes (phys_addr, size, wc: not the Intel IGD's register BAR0). */
			fprintf(f, "    <io_mem pci_bar=\"%u\" phys_addr=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"%s%s/>\n",
			    r->bar, r->start, r->size, r->prefetch && !(r->bar == 0 && r->bdf == 0x10 && r->vendor == 0x8086 &&
			    r->class >> 16 == 3) ? " wc=\"true\"" : "", r->prefetch ? " prefetchable=\"true\"" : "");
		else
			fprintf(f, "    <io_port_range pci_bar=\"%u\" phys_addr=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"/>\n",
			    r->bar, r->start, r->size);
		if (i == n - 1 || res[i + 1].bdf != r->bdf)
			fprintf(f, "  </device>\n");
	}
	fprintf(f, "</devices>\n");
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	*len = sz;
	return buf;
}
