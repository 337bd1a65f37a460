/*
 * core's DMA service: buffers a PCI function may reach by DMA, by policy
 * (label and function, with the function's DMA limit), one session per
 * function at a time. Where an IOMMU translates the function, the session
 * is in an IOMMU domain: with domain=<n> the one its owner named n (all
 * the owner's sessions of domain n share it: every buffer of any of them
 * is mapped there, at an IOVA unique in the domain, so every device of
 * the domain reaches it; a domain is the owner's own, no other component
 * can join it), else a domain of its own. A buffer lies in huge-page
 * memory the session holds (contiguous and below the DMA limit without an
 * IOMMU; mapped at an IOVA below the limit with one), charged to the
 * client's RAM quantum: small buffers share its pages (struct dma_chunk).
 * The mechanisms are behind dma_backend.h; docs/dma.md.
 *
 * The device may master the bus while it has a DMA session: core sets
 * bus master at open and clears it at close, and reads it back off
 * before any buffer of the session is unmapped or freed (client death
 * included). A single FREE while the session lives trusts the driver to
 * have stopped the device using that buffer (Genode's contract); with an
 * IOMMU the device loses the mapping before the memory is freed anyway.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/args.h>
#include <mkx/bench.h>
#include <mkx/dma.h>
#include <mkx/zero.h>
#include "core.h"
#include "dma_backend.h"
#include "holders.h"

/*
 * Buffers per session: each takes at least a SUB_PAGE of a huge page the
 * session pays for, so the charge bounds them; this only bounds core's
 * table for one session.
 */
#define BUFFERS_MAX	16384
#define SUB_PAGE	4096u		/* a buffer's unit inside a huge page: Genode's max(4 KiB, size) */
#define FREED_MAX	16		/* recently freed ids remembered per session (double free) */
/*
 * Sessions a client may hold at once (one per function): at most what
 * core lets a child hold at all. The table grows as sessions open, so it
 * has room for that many of every child: one client taking its share
 * leaves the others theirs, and core runs out of memory before of slots.
 */
#define SESSIONS_PER_CLIENT	SESSIONS_PER_CHILD
#define IOVA_START	0x200000ull	/* bus address 0 stays unmapped: a zeroed descriptor faults */
#define KEPT_TURN_MS	10	/* a look at freed buffers' holders: a step per turn of core's loop */
#define KEPT_CALL_MS	50	/* a step at a request (FREE, ALLOC, a session's or a child's end) */

/*
 * Memory a session holds: huge pages from the memory mechanism (what core
 * pins and charges). A buffer of at most one page lies in a shared chunk
 * of one page with other buffers of the same session (Genode's
 * alloc_dma_buffer: max(4 KiB, size), sub-allocated; freed space reused
 * by the session; a buffer never spans two chunks, so it is contiguous
 * and below the mask as its chunk is); a larger one gets a chunk of its
 * own. The client maps the whole chunk (huge pages map whole) and uses
 * its buffer at an offset: it reaches the other buffers of its own
 * session in that page, nothing else.
 */
struct dma_chunk {
	struct dma_mem	mem;
	uint64_t	bus;		/* of byte 0: physical address or IOVA */
	int		mapped;		/* in the IOMMU domain */
	int		shared;		/* sub-allocated (one page of small buffers) */
	int		punched;	/* seen punched: no new buffer in it, fenced at its release */
	uint32_t	cid;		/* names it to the client (which buffers share a dataspace) */
	unsigned	used;		/* SUB_PAGEs of live buffers */
	unsigned	nids;		/* SUB_PAGEs (shared), or 1 (a buffer of its own) */
	uint32_t	*ids;		/* per SUB_PAGE the buffer that holds or last held it (KEPT) */
	uint8_t		*live;		/* per SUB_PAGE: in a live buffer */
};

struct dma_buffer {
	uint32_t		id;
	struct dma_chunk	*c;
	size_t			off, size;	/* in the chunk; SUB_PAGE multiples */
};

struct dma_session {
	unsigned		bdf;
	char			pci[16];
	uint64_t		mask;
	void			*domain;	/* IOMMU domain, or NULL: bus = physical */
	struct child		*client;	/* pays (ram_charge) */
	struct dma_chunk	**chunk;
	unsigned		nchunk, chunk_room;
	struct dma_buffer	*buf;
	unsigned		nbuf, buf_room;
	uint32_t		freed[FREED_MAX];
	unsigned		nfreed;
	size_t			charged;	/* bytes of its chunks: what core pins for it */
	char			label[192];
};

/*
 * Bench only: with MKX_DMA_STEPS in core's environment (a kernel argument
 * of run/bench/dma.scn) a session's end logs where core spent its ALLOCs
 * and FREEs, per step, for buffers of a page or more and for small ones
 * apart. Off (no clock read, no line) otherwise.
 */
enum { ST_ALLOC, ST_A_KEPT, ST_A_MEM, ST_A_SHARE, ST_A_BM, ST_FREE, ST_F_CLOSE, ST_F_CHECK, ST_F_RELEASE,
	ST_F_KEPT, ST_N };
static double step_call[ST_N], steps[2][ST_N];	/* this call's; the sum per kind (0 whole pages, 1 small) */
static unsigned long steps_n[2][2];	/* ALLOCs, FREEs per kind */
static int steps_on;

/* Time since t added to step k of this call; now (0 when off). */
static double
lap(int k, double t)
{
	double n;

	if (!steps_on)
		return 0;
	n = mkx_now();
	if (t > 0)
		step_call[k] += n - t;
	return n;
}

/* This call's steps (op 0 ALLOC, 1 FREE) added to its kind's (shared: small buffers). */
static void
steps_add(int op, int shared)
{
	if (!steps_on)
		return;
	for (unsigned k = 0; k < ST_N; k++)
		steps[!!shared][k] += step_call[k];
	steps_n[!!shared][op]++;
	memset(step_call, 0, sizeof step_call);
}

static void
steps_log(const char *label)
{
	for (unsigned i = 0; steps_on && i < 2; i++) {
		double a = steps_n[i][0] ? 1e6 / (double)steps_n[i][0] : 0, f = steps_n[i][1] ? 1e6 / (double)steps_n[i][1] : 0;
		const double *st = steps[i];

		if (!steps_n[i][0] && !steps_n[i][1])
			continue;
		core_log("DMA steps \"%s\", %s: %lu ALLOC, %.1f us each in core (kept check %.1f, memory: cache or kernel, "
		    "zeroing included %.1f, reopen for the client %.1f, bus master %.1f); %lu FREE, %.1f us each (close of "
		    "the client's copy %.1f, punch check %.1f, release %.1f, lease check and free %.1f)", label,
		    i ? "small buffers" : "buffers of a page or more", steps_n[i][0], st[ST_ALLOC] * a, st[ST_A_KEPT] * a,
		    st[ST_A_MEM] * a, st[ST_A_SHARE] * a, st[ST_A_BM] * a, steps_n[i][1], st[ST_FREE] * f,
		    st[ST_F_CLOSE] * f, st[ST_F_CHECK] * f, st[ST_F_RELEASE] * f, st[ST_F_KEPT] * f);
	}
	memset(steps, 0, sizeof steps);
	memset(steps_n, 0, sizeof steps_n);
}

static const struct dma_mem_ops *mem;
static const struct dma_iommu_ops *iommu;
static const struct dma_device_ops *device;
static struct dma_session **active;	/* nactive of them, in active_room */
static unsigned nactive, active_room;
static uint32_t next_id = 1, next_cid = 1;

int
dma_select(const struct core_config *cfg)
{
	char why[512] = "";
	int err;

	dma_lease_init();	/* before any buffer: a lease check must never kill core */
	steps_on = getenv("MKX_DMA_STEPS") != NULL;
	if (!strcmp(cfg->dma_backend, "sim")) {
		mem = &dma_mem_sim;
		iommu = &dma_iommu_sim;
		device = &dma_device_sim;
	} else {
		mem = &dma_hugetlb;
		iommu = &dma_vfio;
		device = &dma_bus_master;
	}
	if (!cfg->ndma && !cfg->dma_huge_pages)
		return 0;
	if ((err = mem->reserve(cfg->dma_huge_pages, why, sizeof why))) {
		/* Not fatal: every DMA session will be refused with the reason. */
		core_log("DMA: %s; DMA buffers will be refused", why);
		mem = NULL;
		return strcmp(cfg->dma_backend, "linux") ? 0 : err;
	}
	core_log("DMA: %s memory, %s", mem->name, why);
	return 0;
}

static int
policy_mask(const char *label, unsigned bdf, uint64_t *mask, char *why, size_t whylen)
{
	unsigned vendor = 0, device_id = 0;
	int known = device->identify(bdf, &vendor, &device_id) == 0, any = 0;

	for (unsigned i = 0; i < core_cfg->ndma; i++) {
		const struct dma_policy *p = &core_cfg->dma[i];

		if (!label_matches(p->label, p->label_prefix, label))
			continue;
		any = 1;
		if (p->bdf == DMA_POLICY_ALL ||
		    (p->bdf >= 0 ? (unsigned)p->bdf == bdf : known && p->vendor == vendor && p->device == device_id)) {
			*mask = p->mask_bits >= 64 ? UINT64_MAX : (1ull << p->mask_bits) - 1;
			return 0;
		}
	}
	snprintf(why, whylen, "DMA for %02x:%02x.%u is outside the policy (%s)", bdf >> 8, (bdf >> 3) & 0x1f,
	    bdf & 7, any ? "policies for this label name other functions" : "no DMA policy matches this label");
	return -EPERM;
}

/* Does t map into the same IOVA space as s (the same IOMMU domain)? */
static int
same_space(const struct dma_session *s, const struct dma_session *t)
{
	return t == s || (t && s->domain && t->domain && iommu->space(t->domain) == iommu->space(s->domain));
}

/* The other active sessions in s's IOMMU domain (for the log). */
static unsigned
domain_peers(const struct dma_session *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nactive; i++)
		n += active[i] != s && same_space(s, active[i]);
	return n;
}

/*
 * What a DMA session asks for, in args: the function (pci=, which must
 * exist), and the DMA mask, the policy's narrowed by dma_mask_bits=, and
 * domain= (-1 if absent). 0, or -errno with why filled in.
 */
static int
session_args(const char *label, const char *args, char pci[16], unsigned *bdf, uint64_t *mask, long *domain,
    char *why, size_t whylen)
{
	unsigned v, d;
	unsigned long bits, domain_id;
	int err;

	if (mkx_arg_string(args, "pci", pci, 16) || config_parse_bdf(pci, bdf)) {
		snprintf(why, whylen, "DMA session needs pci=\"BB:DD.F\" (args \"%.100s\")", args);
		return -EINVAL;
	}
	if (device->identify(*bdf, &v, &d)) {
		snprintf(why, whylen, "there is no PCI function %s", pci);
		return -ENODEV;
	}
	if ((err = policy_mask(label, *bdf, mask, why, whylen)))
		return err;
	/*
	 * dma_mask_bits= narrows the policy's limit (a platform driver knows a
	 * device's quirks); it can never widen it.
	 */
	if (!mkx_arg_ulong(args, "dma_mask_bits", &bits)) {
		if (bits < 12 || bits > 64) {
			snprintf(why, whylen, "dma_mask_bits=%lu: 12..64", bits);
			return -EINVAL;
		}
		if (bits < 64 && (1ull << bits) - 1 < *mask)
			*mask = (1ull << bits) - 1;
	}
	/* domain=<n>: a name within the owner's sessions; another owner's n is another domain. */
	if ((err = mkx_arg_ulong(args, "domain", &domain_id)) != -ENOENT) {
		if (err || domain_id > 0xffffffffUL) {
			snprintf(why, whylen, "domain= must be a number 0..4294967295 (args \"%.100s\")", args);
			return -EINVAL;
		}
		*domain = (long)domain_id;
	}
	return 0;
}

/*
 * Room in core's table for one more session of client on bdf: refused while
 * another holds bdf (-EBUSY) or the client holds its most (-EAGAIN); the
 * table grows as needed. 0, or -errno with why filled in.
 */
static int
session_room(const struct child *client, const char *label, unsigned bdf, const char *pci, char *why,
    size_t whylen)
{
	unsigned mine = 0;

	for (unsigned i = 0; i < nactive; i++) {
		if (active[i]->bdf == bdf) {
			snprintf(why, whylen, "the DMA session of %s is held by \"%s\"", pci, active[i]->label);
			return -EBUSY;
		}
		mine += client && active[i]->client == client;
	}
	if (mine >= SESSIONS_PER_CLIENT) {
		snprintf(why, whylen, "\"%s\" holds %u DMA sessions already, the most one client may", label, mine);
		return -EAGAIN;
	}
	if (nactive == active_room) {
		unsigned room = active_room ? 2 * active_room : 16;
		struct dma_session **more = realloc(active, room * sizeof *active);

		if (!more) {
			snprintf(why, whylen, "core is out of memory for another DMA session");
			return -ENOMEM;
		}
		active = more;
		active_room = room;
	}
	return 0;
}

static int
dma_open(struct child *client, const char *label, const char *args, void **state, char *why, size_t whylen)
{
	char pci[16] = "";
	struct dma_session *s;
	unsigned bdf;
	long domain = -1;
	uint64_t mask;
	int err, cmd;

	if (!mem) {
		snprintf(why, whylen, "core has no DMA memory here (see core's log at start)");
		return -ENODEV;
	}
	if ((err = session_args(label, args, pci, &bdf, &mask, &domain, why, whylen)) ||
	    (err = session_room(client, label, bdf, pci, why, whylen)))
		return err;
	if (!(s = calloc(1, sizeof *s)))
		return -ENOMEM;
	s->bdf = bdf;
	s->mask = mask;
	s->client = client;
	snprintf(s->pci, sizeof s->pci, "%s", pci);
	snprintf(s->label, sizeof s->label, "%s", label);
	if (iommu->translated(bdf, why, whylen) &&
	    (err = iommu->domain_get(bdf, client, domain, &s->domain, why, whylen))) {
		free(s);
		return err;
	}
	cmd = device->bus_master(bdf, 1);
	if (cmd < 0 || !(cmd & 4)) {
		snprintf(why, whylen, "cannot set bus master of %s (%s)", pci, cmd < 0 ? strerror(-cmd) : "reads back off");
		if (s->domain)
			iommu->domain_put(s->domain);
		free(s);
		return cmd < 0 ? cmd : -EIO;
	}
	active[nactive++] = s;
	if (!s->domain)
		snprintf(why, whylen, "physical addresses (no IOMMU)");
	else if (domain < 0)
		snprintf(why, whylen, "IOVAs in its own IOMMU domain (VFIO container)");
	else
		snprintf(why, whylen, "IOVAs in IOMMU domain %ld of its owner (VFIO container shared with %u other "
		    "session(s))", domain, domain_peers(s));
	core_log("DMA \"%s\": %s, %s, DMA mask 0x%" PRIx64 ", bus master on", label, pci, why, mask);
	why[0] = 0;
	*state = s;
	return 0;
}

/* A refusal with core's reason in the reply (the client library shows it). */
static int
refuse(struct mkx_reply *r, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)r->payload, 512, fmt, ap);
	va_end(ap);
	r->len = n < 0 ? 0 : (size_t)(n < 511 ? n : 511) + 1;
	return err;
}

/* The lowest IOVA of size bytes (aligned to the page size) that no buffer of s's domain uses; 0 if none below mask. */
static uint64_t
iova_find(const struct dma_session *s, size_t size)
{
	uint64_t at = IOVA_START;
	int moved;

	do {	/* until a pass over every session of the domain moves nothing: an earlier buffer may now overlap */
		moved = 0;
		for (unsigned k = 0; k <= nactive; k++) {
			const struct dma_session *t = k < nactive ? active[k] : s;

			if (!same_space(s, t))
				continue;
			for (unsigned i = 0; i < t->nchunk; i++) {
				const struct dma_chunk *c = t->chunk[i];

				if (at < c->bus + c->mem.size && c->bus < at + size) {
					at = c->bus + c->mem.size;
					moved = 1;
				}
			}
		}
	} while (moved);
	return at + size - 1 <= s->mask ? at : 0;
}

static void kept_check(unsigned ms);
static struct dma_kept *chunk_release(struct dma_session *s, struct dma_chunk *c, int device_off, uint32_t id);

/*
 * The client's open file of the buffer last allocated (dma_lease_share):
 * the reply carries it after dma_call returns, so it is closed at core's
 * next entry here (sent_close). Until then it counts as a holder of that
 * one buffer, which is live until a FREE or the session's end: both come
 * in here first.
 */
static int sent_fd = -1;

static void
sent_close(void)
{
	if (sent_fd >= 0)
		close(sent_fd);
	sent_fd = -1;
}


static void
chunk_drop(struct dma_chunk *c)
{
	free(c->ids);
	free(c->live);
	free(c);
}

/*
 * A new chunk of size bytes (page multiple) for s: charged, memory below
 * the mask (or an IOVA below it), mapped into the domain. NULL with the
 * refusal in r (*err).
 */
static struct dma_chunk *
chunk_new(struct dma_session *s, size_t size, int shared, uint64_t asked, struct mkx_reply *r, int *err)
{
	struct dma_chunk *c;
	char why[384] = "";

	if (s->nchunk == s->chunk_room) {
		unsigned room = s->chunk_room ? 2 * s->chunk_room : 8;
		struct dma_chunk **more = realloc(s->chunk, room * sizeof *more);

		if (!more) {
			*err = refuse(r, -ENOMEM, "core is out of memory for another DMA buffer");
			return NULL;
		}
		s->chunk = more;
		s->chunk_room = room;
	}
	/* Charged what core pins: whole huge pages. */
	if ((*err = ram_charge(s->client, size, "a DMA buffer", why, sizeof why))) {
		*err = refuse(r, *err, "%s (asked %" PRIu64 " bytes, %zu with huge pages of %zu)", why, asked, size,
		    mem->page_size);
		return NULL;
	}
	if (!(c = calloc(1, sizeof *c)) || !(c->nids = shared ? (unsigned)(size / SUB_PAGE) : 1) ||
	    !(c->ids = calloc(c->nids, sizeof *c->ids)) || !(c->live = calloc(c->nids, 1))) {
		if (c)
			chunk_drop(c);
		ram_uncharge(s->client, size);
		*err = refuse(r, -ENOMEM, "core is out of memory for another DMA buffer");
		return NULL;
	}
	c->shared = shared;
	if (s->domain) {
		if (!(c->bus = iova_find(s, size))) {
			chunk_drop(c);
			ram_uncharge(s->client, size);
			*err = refuse(r, -ERANGE, "no IOVA range of %zu bytes left below the DMA mask 0x%" PRIx64, size,
			    s->mask);
			return NULL;
		}
		*err = mem->alloc(size, 0, UINT64_MAX, &c->mem, why, sizeof why);
	} else
		*err = mem->alloc(size, 1, s->mask, &c->mem, why, sizeof why);
	if (*err) {
		chunk_drop(c);
		ram_uncharge(s->client, size);
		*err = refuse(r, *err, "%s", why);
		return NULL;
	}
	if (s->domain) {
		if ((*err = iommu->map(s->domain, &c->mem, c->bus, why, sizeof why))) {
			mem->free(&c->mem);
			chunk_drop(c);
			ram_uncharge(s->client, size);
			*err = refuse(r, *err, "%s", why);
			return NULL;
		}
		c->mapped = 1;
	} else
		c->bus = c->mem.phys;
	c->cid = next_cid++;
	s->chunk[s->nchunk++] = c;
	s->charged += size;
	return c;
}

/*
 * The first run of n free SUB_PAGEs in a shared chunk of s that is still
 * intact (a punched one takes no new buffer), zeroed: its chunk, and the
 * offset in *off; NULL if none.
 */
static struct dma_chunk *
chunk_slot(struct dma_session *s, unsigned n, size_t *off)
{
	for (unsigned i = 0; i < s->nchunk; i++) {
		struct dma_chunk *c = s->chunk[i];

		if (!c->shared || c->punched || c->nids - c->used < n)
			continue;
		for (unsigned at = 0, run = 0; at < c->nids; at++) {
			run = c->live[at] ? 0 : run + 1;
			if (run < n)
				continue;
			/* Its last holder's data goes, but through core's mapping only while no punch took the page. */
			if (mem->intact(&c->mem) != 1) {
				c->punched = 1;
				break;
			}
			*off = (size_t)(at + 1 - n) * SUB_PAGE;
			mkx_zero((uint8_t *)c->mem.map + *off, (size_t)n * SUB_PAGE);
			return c;
		}
	}
	return NULL;
}

/* Room in s's table for one more buffer: 0 or -ENOMEM. */
static int
buf_room(struct dma_session *s)
{
	unsigned room = s->buf_room ? 2 * s->buf_room : 16;
	struct dma_buffer *more;

	if (s->nbuf < s->buf_room)
		return 0;
	if (!(more = realloc(s->buf, room * sizeof *more)))
		return -ENOMEM;
	s->buf = more;
	s->buf_room = room;
	return 0;
}

static int
do_alloc(struct dma_session *s, const struct mkx_msg *req, struct mkx_reply *r)
{
	struct mkx_dma_alloc_req rq;
	struct mkx_dma_buffer_msg m;
	struct dma_chunk *c;
	struct dma_buffer *b;
	size_t want, off = 0;
	unsigned n;
	int err, fd = -1, first;
	double t0 = lap(ST_ALLOC, 0), t;

	if (req->hdr.len != sizeof rq)
		return refuse(r, -EINVAL, "DMA alloc: malformed request");
	kept_check(KEPT_CALL_MS);	/* what nobody holds any more is uncharged before this charge (if the look ends in time) */
	t = lap(ST_A_KEPT, t0);
	memcpy(&rq, req->payload, sizeof rq);
	if (rq.size == 0)
		return refuse(r, -EINVAL, "a DMA buffer of 0 bytes");
	if (rq.cache > MKX_DMA_UNCACHED)
		return refuse(r, -EINVAL, "cache attribute %u: 0 cached or 1 uncached", rq.cache);
	if (s->nbuf == BUFFERS_MAX)
		return refuse(r, -ENOSPC, "this session holds %d DMA buffers already", BUFFERS_MAX);
	if (rq.size > (1ull << 40))
		return refuse(r, -EDQUOT, "a DMA buffer of %" PRIu64 " bytes exceeds any RAM quantum", rq.size);
	if (buf_room(s))
		return refuse(r, -ENOMEM, "core is out of memory for another DMA buffer");
	want = (rq.size + SUB_PAGE - 1) / SUB_PAGE * SUB_PAGE;
	n = (unsigned)(want / SUB_PAGE);
	if (want < mem->page_size) {	/* a whole page (or more) is a chunk of its own: nothing to share it with */
		if (!(c = chunk_slot(s, n, &off)) && !(c = chunk_new(s, mem->page_size, 1, rq.size, r, &err)))
			return err;
	} else if (!(c = chunk_new(s, (want + mem->page_size - 1) / mem->page_size * mem->page_size, 0, rq.size, r,
	    &err)))
		return err;
	t = lap(ST_A_MEM, t);
	/*
	 * The client's own open file: core's stays the only other one, so a
	 * lease can tell when the client's is gone. A page small buffers share
	 * goes to the client with its first live buffer only: libmkx keeps it
	 * mapped while it has buffers in it (one file per page, not per buffer).
	 */
	first = !c->used;
	if (first && (fd = dma_lease_share(c->mem.fd)) < 0) {
		chunk_release(s, c, 0, 0);
		return refuse(r, fd, "a DMA buffer reopened for the client: %s", strerror(-fd));
	}
	t = lap(ST_A_SHARE, t);
	/* Opening VFIO's device (IRQ session) may have cleared bus master since our open. */
	device->bus_master(s->bdf, 1);
	lap(ST_A_BM, t);
	b = &s->buf[s->nbuf++];
	*b = (struct dma_buffer){ .id = next_id++, .c = c, .off = off, .size = c->shared ? want : c->mem.size };
	for (unsigned i = 0; i < (c->shared ? n : 1); i++) {
		c->ids[off / SUB_PAGE + i] = b->id;
		c->live[off / SUB_PAGE + i] = 1;
	}
	c->used += c->shared ? n : 1;
	m = (struct mkx_dma_buffer_msg){ .id = b->id, .flags = (s->domain ? MKX_DMA_IOVA : 0) |
	    (c->shared ? MKX_DMA_SHARED : 0), .size = b->size,
	    .bus = c->bus + off, .offset = off, .map_size = c->mem.size, .chunk = c->cid };
	for (unsigned i = 0; i < s->nchunk; i++)	/* the pages its buffers are in (not its one empty page) */
		m.held += s->chunk[i]->used ? s->chunk[i]->mem.size : 0;
	memcpy(r->payload, &m, sizeof m);
	r->len = sizeof m;
	if (first) {
		r->fds[0] = sent_fd = fd;	/* closed at the next entry (sent_close); core keeps c->mem.fd */
		r->nfds = 1;
	}
	lap(ST_ALLOC, t0);
	steps_add(0, c->shared);
	return 0;
}

/* Buffer id of s, or NULL with the refusal in r (another session's, freed already, never). */
static struct dma_buffer *
find(struct dma_session *s, const struct mkx_msg *req, struct mkx_reply *r, int *err)
{
	uint32_t id;

	if (req->hdr.len != sizeof id) {
		*err = refuse(r, -EINVAL, "malformed request: a u32 buffer id");
		return NULL;
	}
	memcpy(&id, req->payload, sizeof id);
	for (unsigned i = 0; i < s->nbuf; i++)
		if (s->buf[i].id == id)
			return &s->buf[i];
	for (unsigned i = 0; i < nactive; i++)
		for (unsigned j = 0; active[i] != s && j < active[i]->nbuf; j++)
			if (active[i]->buf[j].id == id) {
				*err = refuse(r, -EPERM, "DMA buffer %u belongs to another session", id);
				return NULL;
			}
	for (unsigned i = 0; i < FREED_MAX; i++)
		if (s->freed[i] == id && id) {
			*err = refuse(r, -ENOENT, "DMA buffer %u was freed already", id);
			return NULL;
		}
	*err = refuse(r, -ENOENT, "no DMA buffer %u in this session", id);
	return NULL;
}

/*
 * Freed buffers on their way out. core cannot take a buffer's memfd back
 * (the seals keep its size: nobody frees memory a device may still write),
 * so a freed buffer stays charged to its payer, and core keeps its pages,
 * until no process holds a file of it (open, mapped, or in flight in a
 * socket) any more: a lease check (linux/dma_lease.c) at each ALLOC and
 * FREE, at a session's end, at each child's exit, and once a second while
 * any is kept (dma_kept_poll). Without leases, a look at /proc
 * (linux/proc_holders.c, holders.h) in steps instead (kept_check).
 */
struct dma_kept {
	struct dma_mem		mem;
	uint32_t		*ids;		/* the buffers that were in it (KEPT), nids of them */
	unsigned		nids;
	struct holder_id	file;
	int			identified;	/* file is known (looked up for a /proc look only): else it counts as held */
	int			was_held;	/* a check found it held: its end is logged */
	struct child		*payer;		/* NULL once the payer exited */
	const void		*session;	/* while its session ends (dma_close counts) */
	const void		*fence;		/* punched: kept until this session's bus master is off */
	int			punched;	/* its release is logged */
	uint32_t		id;
	char			pci[16];
	char			label[192];
};

/*
 * No limit of its own: every kept buffer pins at least one huge page of
 * the pool core reserved, so there are never more than the pool has.
 * A limit here would let one component's kept buffers refuse another's FREE.
 */
static struct dma_kept *kept;
static unsigned nkept, kept_room;

/* The fence of a punched buffer whose device never read back off: never released. */
static const char fence_forever[] = "bus master stayed on";

/*
 * Unmap (the device loses it now), then keep it until nobody holds it
 * (kept_check). device_off: bus master of s reads back off already (the
 * session's end); else a FREE, which trusts the driver to have stopped
 * the device using the buffer.
 *
 * A buffer whose pages a holder punched out of its file (mem->intact 0)
 * shows a driver that does not keep that contract: the pages its device
 * was given are still pinned by core (dma_mem.pin), and they stay so,
 * out of the pool, until the session's end has read bus master back off
 * (k->fence), whenever its holders let go.
 */
static struct dma_kept *
chunk_release(struct dma_session *s, struct dma_chunk *c, int device_off, uint32_t id)
{
	struct dma_kept *k;
	int intact = c->punched ? 0 : mem->intact(&c->mem);

	for (unsigned i = 0; i < s->nchunk; i++)
		if (s->chunk[i] == c) {
			s->chunk[i] = s->chunk[--s->nchunk];
			break;
		}
	for (unsigned i = 0; !id && i < c->nids; i++)	/* at a session's end: a buffer still in it names it in the log */
		if (c->live[i] || c->nids == 1)
			id = c->ids[i];
	if (c->mapped)
		iommu->unmap(s->domain, &c->mem, c->bus);
	c->mapped = 0;
	s->charged -= c->mem.size;
	if (nkept == kept_room) {
		unsigned room = kept_room ? 2 * kept_room : 16;
		struct dma_kept *more = realloc(kept, room * sizeof *kept);

		if (!more) {	/* cannot track it: leaked, still charged, rather than freed under a holder */
			core_log("DMA \"%s\": buffer %u: out of memory to track it; kept, charged", s->label, id);
			free(c->live);
			free(c);
			return NULL;
		}
		kept = more;
		kept_room = room;
	}
	k = &kept[nkept++];
	*k = (struct dma_kept){ .mem = c->mem, .ids = c->ids, .nids = c->nids, .payer = s->client, .session = s,
	    .id = id };
	free(c->live);
	free(c);
	snprintf(k->pci, sizeof k->pci, "%s", s->pci);
	snprintf(k->label, sizeof k->label, "%s", s->label);
	if (intact != 1) {
		k->fence = device_off ? NULL : s;
		k->punched = 1;
		core_log("DMA \"%s\": %s: buffer %u (bus 0x%" PRIx64 ", %zu KiB): %s; the pages the device was given "
		    "stay pinned by core, out of the pool, %s", s->label, s->pci, id, k->mem.phys, k->mem.size >> 10,
		    intact ? "core cannot tell whether its pages are still the ones handed out (treated as punched)"
		    : "its pages were punched out of its file by a holder (fallocate or madvise)",
		    device_off ? "until no process holds the buffer (bus master is off)"
		    : "until the session ends with bus master read back off");
	}
	return k;
}

/*
 * Who holds a kept buffer: the kernel says, a lease check per buffer
 * (linux/dma_lease.c): O(1), and it sees what a look at /proc cannot: a
 * file in flight in a socket, a holder moving its fd behind the look.
 * Only if the kernel refuses core a lease for another reason (leases
 * disabled: /proc/sys/fs/leases-enable 0) does core look in /proc, from
 * then on (logged once): the pass below.
 *
 * The look at who holds kept buffers is a pass over /proc in steps
 * (holders.h), each bounded in time: a component holding hundreds of
 * thousands of fds must not stall core's one thread (probe_test's
 * holding_a_freed_dma_buffer_among_many_fds_does_not_stall_core). A pass
 * looks for kept[0..pass_n) as they were when it began (buffers kept
 * later wait for the next pass: kept only grows while a pass runs); a
 * buffer is freed, and uncharged, only by a complete pass that saw no
 * process holding it. Until then it stays charged: conservative.
 */
static struct holders_pass *pass;
static unsigned pass_n;
int dma_kept_unbounded;

int dma_kept_leases = 1;	/* 0 once the kernel refused a lease for another reason than a holder */

/* Free and uncharge every kept buffer a check found held by nobody (identified -1). */
static void
kept_release(void)
{
	for (unsigned i = nkept; i-- > 0;) {
		struct dma_kept *k = &kept[i];

		if (k->identified != -1 || k->fence)
			continue;
		ram_uncharge(k->payer, k->mem.size);
		/* With what the payer has left: a donation withdrawn at a session's close may come before this. */
		if (k->was_held && !k->session && k->payer)
			core_log("DMA \"%s\": %s: freed buffer %u of %zu KiB is held by no process now: released, "
			    "uncharged from \"%s\" (%lu KiB left to it)", k->label, k->pci, k->id, k->mem.size >> 10,
			    k->payer->cfg->name, k->payer->ram_left >> 10);
		else if (k->was_held && !k->session)
			core_log("DMA \"%s\": %s: freed buffer %u of %zu KiB is held by no process now: released, "
			    "uncharged from \"(exited)\"", k->label, k->pci, k->id, k->mem.size >> 10);
		if (k->punched)
			core_log("DMA \"%s\": %s: punched buffer %u: bus master is off and no process holds it: its "
			    "pinned pages go back to the pool now", k->label, k->pci, k->id);
		mem->free(&k->mem);
		free(k->ids);
		*k = kept[--nkept];
	}
}

/* A lease check of every kept buffer; 0, or -1 if leases do not work here (then the /proc look). */
static int
kept_lease_check(void)
{
	int err = 0;

	for (unsigned i = 0; i < nkept && !err; i++) {
		/*
		 * One that can go now (not fenced) is released below in this call:
		 * core keeps the lease until it closes the file there, so nobody
		 * can open it in between either.
		 */
		int held = kept[i].fence ? dma_lease_held(kept[i].mem.fd) : dma_lease_held_keep(kept[i].mem.fd);

		if (held < 0) {
			core_log("DMA: the kernel refuses core a lease on a freed buffer (%s; /proc/sys/fs/leases-enable?): "
			    "core looks in /proc for who holds freed buffers from now on", strerror(-held));
			dma_kept_leases = 0;
			err = -1;
		} else if (held)
			kept[i].was_held = 1;
		else
			kept[i].identified = -1;	/* to go */
	}
	kept_release();
	return err;
}

/*
 * With leases: every kept buffer checked now, whatever ms. Else a step of
 * the pass over /proc (one begins if none runs); at its end, free and
 * uncharge every kept buffer no process held.
 */
static void
kept_check(unsigned ms)
{
	const int *held;

	sent_close();
	if (dma_kept_leases && !kept_lease_check())
		return;
	if (!pass) {
		struct holder_id *ids;

		if (!nkept)
			return;
		if (!(ids = malloc(nkept * sizeof *ids))) {
			core_log("DMA: no memory to look who holds freed buffers; they stay charged");
			return;
		}
		for (unsigned i = 0; i < nkept; i++) {
			struct stat st;

			/* The file's identity, needed only here: not looked up at every FREE. */
			if (!kept[i].identified && !fstat(kept[i].mem.fd, &st)) {
				kept[i].file = (struct holder_id){ .dev = st.st_dev, .ino = st.st_ino };
				kept[i].identified = 1;
			}
			ids[i] = kept[i].file;
		}
		/* Every process but core: a child's fork, or whoever it passed the fd to, holds it just the same. */
		pass = holders_pass_begin(NULL, ids, nkept);
		free(ids);
		if (!pass) {
			core_log("DMA: cannot see who holds freed buffers (%s); they stay charged", strerror(errno));
			return;
		}
		pass_n = nkept;
	}
	if (!holders_pass_step(pass, dma_kept_unbounded ? 0 : ms))
		return;		/* on at the next step */
	held = holders_pass_held(pass);
	for (unsigned i = 0; i < pass_n; i++)
		if (held[i] || !kept[i].identified)
			kept[i].was_held = 1;
		else
			kept[i].identified = -1;	/* to go */
	holders_pass_end(pass);
	pass = NULL;
	kept_release();
}

unsigned
dma_kept_count(void)
{
	return nkept;
}

int
dma_kept_busy(void)
{
	return pass != NULL;
}

void
dma_kept_poll(void)
{
	kept_check(KEPT_TURN_MS);
}

void
dma_child_exited(const struct child *c)
{
	for (unsigned i = 0; i < nkept; i++)
		if (kept[i].payer == c)
			kept[i].payer = NULL;	/* its quantum is gone with it; the pages wait for their holders */
	kept_check(KEPT_CALL_MS);
}

/*
 * KEPT: which of these freed buffers does core still keep, charged to the
 * session's client (held by a process, or punched and fenced)? One byte
 * per id, 1 kept. The platform driver counts a buffer against the
 * Platform session that allocated it until core has released it.
 */
static int
do_kept(struct dma_session *s, const struct mkx_msg *req, struct mkx_reply *r)
{
	uint32_t id;
	size_t n = req->hdr.len / sizeof id;

	if (!n || n > MKX_DMA_KEPT_MAX || req->hdr.len % sizeof id)
		return refuse(r, -EINVAL, "DMA kept: 1..%d buffer ids (u32), not %u bytes", MKX_DMA_KEPT_MAX,
		    (unsigned)req->hdr.len);
	kept_check(KEPT_CALL_MS);
	for (size_t i = 0; i < n; i++) {
		memcpy(&id, req->payload + i * sizeof id, sizeof id);
		r->payload[i] = 0;
		for (unsigned j = 0; j < nkept && !r->payload[i]; j++)
			for (unsigned k = 0; k < kept[j].nids && !r->payload[i] && id; k++)
				r->payload[i] = kept[j].ids[k] == id && kept[j].payer == s->client;
	}
	r->len = n;
	return 0;
}

/* Does s hold an empty chunk other than c (then c goes at its last FREE)? */
static int
spare(const struct dma_session *s, const struct dma_chunk *c)
{
	for (unsigned i = 0; i < s->nchunk; i++)
		if (s->chunk[i] != c && !s->chunk[i]->used)
			return 1;
	return 0;
}

/*
 * FREE of a buffer of s (t0: when the request came in, t: after the
 * close of the client's copy; for the steps).
 * A punch shows a driver that does not keep the FREE contract: its chunk
 * takes no new buffer and is fenced at its release. An empty chunk stays
 * the session's (freed space is reused) while it is its only empty one;
 * another goes.
 */
static int
do_free(struct dma_session *s, const struct mkx_msg *req, struct mkx_reply *r, double t0, double t)
{
	struct dma_buffer *b;
	struct dma_chunk *c;
	struct dma_kept *k;
	uint32_t id;
	int err = 0, go, shared;

	if (!(b = find(s, req, r, &err)))
		return err;
	s->freed[s->nfreed++ % FREED_MAX] = b->id;
	c = b->c;
	shared = c->shared;	/* c may be released below */
	id = b->id;	/* a page it empties is named by it in the log */
	for (size_t i = 0; i < (c->shared ? b->size / SUB_PAGE : 1); i++)
		c->live[b->off / SUB_PAGE + i] = 0;
	c->used -= c->shared ? (unsigned)(b->size / SUB_PAGE) : 1;
	*b = s->buf[--s->nbuf];
	/* A chunk released now is checked there (chunk_release): one pagemap read, not two. */
	go = !c->used && (!c->shared || spare(s, c));
	if (!go && !c->punched && mem->intact(&c->mem) != 1)
		c->punched = 1;
	t = lap(ST_F_CHECK, t);
	if ((go || (!c->used && c->punched)) && (k = chunk_release(s, c, 0, id)))
		k->session = NULL;	/* a FREE: its end is logged if a check finds it held first */
	t = lap(ST_F_RELEASE, t);
	kept_check(KEPT_CALL_MS);
	lap(ST_F_KEPT, t);
	lap(ST_FREE, t0);
	steps_add(1, shared);
	return 0;
}

static int
dma_call(void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct dma_session *s = state;
	struct mkx_dma_info_msg info;
	struct dma_buffer *b;
	uint64_t bus;
	double t0 = lap(ST_F_CLOSE, 0), t = 0;
	int err = 0;

	memset(step_call, 0, sizeof step_call);	/* a refusal's steps before: not counted */
	sent_close();	/* the last ALLOC's reply has gone */
	if (req->hdr.op == MKX_DMA_FREE)
		t = lap(ST_F_CLOSE, t0);
	switch (req->hdr.op) {
	case MKX_DMA_ALLOC:
		return do_alloc(s, req, r);
	case MKX_DMA_ADDR:
		if (!(b = find(s, req, r, &err)))
			return err;
		bus = b->c->bus + b->off;
		memcpy(r->payload, &bus, sizeof bus);
		r->len = sizeof bus;
		return 0;
	case MKX_DMA_FREE:
		return do_free(s, req, r, t0, t);
	case MKX_DMA_KEPT:
		return do_kept(s, req, r);
	case MKX_DMA_INFO:
		info = (struct mkx_dma_info_msg){ .mask = s->mask, .iommu = !!s->domain,
		    .page_size = (uint32_t)mem->page_size };
		memcpy(r->payload, &info, sizeof info);
		r->len = sizeof info;
		return 0;
	default:
		return -ENOSYS;
	}
}

/*
 * The session ends (the client closed it or died): bus master off and
 * read back off before any buffer is unmapped or freed. If it will not
 * read back off, the buffers stay allocated (leaked, logged): the device
 * might still write to them.
 */
static void
dma_close(void *state)
{
	struct dma_session *s = state;
	unsigned n = s->nbuf, held = 0, unseen = 0;
	size_t bytes = s->charged;
	int cmd;

	sent_close();	/* the last ALLOC's reply has gone */
	steps_log(s->label);
	cmd = device->bus_master(s->bdf, 0);
	for (unsigned i = 0; i < nactive; i++)
		if (active[i] == s) {
			active[i] = active[--nactive];
			break;
		}
	if (cmd < 0 || (cmd & 4)) {
		core_log("DMA \"%s\": %s: bus master does not read back off (%s); its %u buffer(s) are kept, "
		    "not freed", s->label, s->pci, cmd < 0 ? strerror(-cmd) : "still set", n);
		for (unsigned i = 0; i < nkept; i++)
			if (kept[i].fence == s)
				kept[i].fence = fence_forever;	/* punched buffers it freed: never released either */
		if (s->domain)
			iommu->domain_put(s->domain);
		free(s->buf);
		free(s->chunk);	/* the chunks themselves stay allocated: leaked, as the log says */
		free(s);
		return;
	}
	core_log("DMA \"%s\": %s: bus master off (command register reads 0x%04x); freeing its buffers now",
	    s->label, s->pci, (unsigned)cmd);
	for (unsigned i = 0; i < nkept; i++)
		if (kept[i].fence == s)
			kept[i].fence = NULL;	/* punched buffers it freed: the device cannot reach them now */
	while (s->nchunk)
		chunk_release(s, s->chunk[s->nchunk - 1], 1, 0);
	if (s->domain)
		iommu->domain_put(s->domain);
	kept_check(KEPT_CALL_MS);
	for (unsigned i = 0; i < nkept; i++)
		if (kept[i].session == s) {
			if (kept[i].was_held)
				held++;
			else
				unseen++;	/* a look at /proc still runs (in steps), or began before these were kept */
			kept[i].session = NULL;
		}
	if (!held && !unseen)
		core_log("DMA \"%s\": %s: %u buffer(s) of %zu KiB unmapped and freed", s->label, s->pci, n, bytes >> 10);
	else if (!unseen)
		core_log("DMA \"%s\": %s: %u buffer(s) of %zu KiB unmapped; %u of them still held by a process (an fd "
		    "or a mapping): kept, charged to \"%s\", until none holds them", s->label, s->pci, n, bytes >> 10,
		    held, s->client ? s->client->cfg->name : "core");
	else
		core_log("DMA \"%s\": %s: %u buffer(s) of %zu KiB unmapped; %u of them still held by a process, %u not "
		    "looked at yet (core looks in /proc in steps): kept, charged to \"%s\", until a look finds none "
		    "holds them", s->label, s->pci, n, bytes >> 10, held, unseen, s->client ? s->client->cfg->name : "core");
	free(s->buf);
	free(s->chunk);
	free(s);
}

/*
 * The label of another child's DMA session for bdf, or NULL: a config
 * write to the function (its BARs, its command register, its MSI) would
 * change what the holder's device reaches, pci_config_policy.c.
 */
const char *
dma_function_holder(unsigned bdf, const struct child *except)
{
	for (unsigned i = 0; i < nactive; i++)
		if (active[i]->bdf == bdf && active[i]->client != except)
			return active[i]->label;
	return NULL;
}

const struct core_service service_dma = {
	.name = "DMA", .open = dma_open, .call = dma_call, .close = dma_close,
};
