/*
 * conf1: write the address to 0xCF8 (enable bit, bus, device, function,
 * dword register), then access 0xCFC + (register & 3). Core emulates the
 * pair on the kernel's locked config access, so no race with Linux's own
 * use of it. Registers 0x00-0xFF of segment 0 only.
 *
 * Where the caller gives core's config requests (range_read, write_back:
 * the same session and policy, one request per access instead of two),
 * they are used; and while a walk runs (walk = 1), reads come from a
 * snapshot of the function: the header (0x00-0x3F) or the rest
 * (0x40-0xFF) fetched in one request when a read needs it. A walk reads
 * each register of a function a few times at most, back to back, so one
 * request per range replaces a dozen. Two rules keep it a walk of the
 * hardware, not of an old copy:
 *  - a dword is served from a fetch once; reading it again fetches again
 *    (the walk's "still there?" read of the IDs, a polled register);
 *  - after a write or probe to the function its IDs (0x00) are fetched
 *    again when next read, even where a later fetch (for another dword)
 *    came before the write: the "still there?" read after the BAR
 *    probes must be the device's answer after them, not a copy from
 *    before them;
 *  - a write (BAR sizing) goes to core at once and its answer, the dword
 *    read back right after it, replaces the snapshot's, so the size mask
 *    read next is the device's; a write to another function, or a read
 *    of another function, drops the snapshot.
 * A BAR sizing probe (all ones written to a BAR whose value the walk just
 * read) is one request where core has one (probe): write the ones, read
 * the mask back, write the value read before. The walk's own restore
 * that follows (the same value) is then already done and not sent again;
 * any other write is. Between the two the register holds its old value
 * again, a second read of it fetches and sees that; the walk reads the
 * mask once (pci/bar.c).
 * Where core has probe_each, the walk's first probe of a function probes
 * all its BARs in one request (core restores each) and every probe of the
 * walk's is then served from those masks, once each: the BARs were probed
 * with decode off, as bar.c switches it off before its first probe, and
 * each register's sizing bits answer alike whether probed now or a moment
 * before; one request per function instead of one per BAR.
 * A bus scan reads the IDs of function 0 of every device: with scan, the
 * first of them on a bus fetches all 32 in one request, and each is
 * served from it once (an empty slot then costs nothing more; a present
 * function's header is fetched when the walk reads on).
 * Outside a walk (a driver's accesses through the platform session) no
 * snapshot: every read is its own request.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "cfg.h"

#define HEADER_END	0x40

static int
conf1_check(struct pci_addr a, unsigned off, unsigned width)
{
	if ((width != 1 && width != 2 && width != 4) || off % width)
		return -EINVAL;
	if (off + width > 256)
		return -ERANGE;
	if (a.seg || a.bus > 255 || a.dev > 31 || a.fn > 7)
		return -ENOENT;
	return 0;
}

static unsigned
bdf_of(struct pci_addr a)
{
	return a.bus << 8 | a.dev << 3 | a.fn;
}

static int
conf1_addr(struct pci_conf1 *c, struct pci_addr a, unsigned off, unsigned width)
{
	int err = conf1_check(a, off, width);

	return err ? err : c->out(c->port_ctx, 0xcf8, 4, 0x80000000u | bdf_of(a) << 8 | (off & 0xfc));
}

/* The dword at off (aligned) of the function, from the snapshot or a fresh fetch of its range. */
static int
snap_dword(struct pci_conf1 *c, unsigned bdf, unsigned off, uint32_t *dw)
{
	struct pci_conf1_snap *s = &c->snap;
	unsigned d = off / 4, lo = off < HEADER_END ? 0 : HEADER_END, hi = off < HEADER_END ? HEADER_END : 256;
	uint64_t range = 0;
	int err;

	for (unsigned i = lo / 4; i < hi / 4; i++)
		range |= 1ull << i;
	if (s->bdf != bdf)
		s->have = s->served = s->restored = s->masks_bdf = 0;
	if (!(s->have >> d & 1) || (s->served >> d & 1)) {
		s->bdf = bdf;
		if ((err = c->range_read(c->port_ctx, bdf, lo, &s->dw[lo / 4], hi - lo))) {
			s->have &= ~range;
			return err;
		}
		s->have |= range;
		s->served &= ~range;
		s->restored &= ~range;
	}
	s->served |= 1ull << d;
	*dw = s->dw[d];
	return 0;
}

/* After a write to the function: the IDs (dword 0) are not served from a fetch made before it. */
static void
ids_stale(struct pci_conf1_snap *s)
{
	s->served |= 1;
}

/*
 * All ones written to a BAR (header type 0: 0x10-0x24 and the ROM at
 * 0x30; type 1: 0x10, 0x14) of the function the snapshot holds, whose
 * value the snapshot knows: a sizing probe.
 */
static int
is_bar_probe(const struct pci_conf1_snap *s, unsigned off, unsigned width, uint32_t val)
{
	unsigned type;

	if (width != 4 || val != 0xffffffffu || !(s->have >> (off / 4) & 1) || !(s->have >> 3 & 1))
		return 0;
	type = (s->dw[3] >> 16) & 0x7f;
	if (type == 0)
		return (off >= 0x10 && off <= 0x24) || off == 0x30;
	return type == 1 && (off == 0x10 || off == 0x14);
}

/*
 * The mask of the BAR at off probed with all ones and restored to orig:
 * from the function's BARs probed in one request (probe_each, at the
 * walk's first probe of the function; each mask served once), else a
 * probe of its own.
 */
static int
bar_mask(struct pci_conf1 *c, unsigned bdf, unsigned off, uint32_t orig, uint32_t *back)
{
	struct pci_conf1_snap *s = &c->snap;
	unsigned type = (s->dw[3] >> 16) & 0x7f, n = type == 0 ? 6 : type == 1 ? 2 : 0, i = (off - 0x10) / 4;

	if (c->probe_each && off >= 0x10 && i < n) {
		if (s->masks_bdf != bdf + 1) {
			int err = c->probe_each(c->port_ctx, bdf, 0x10, s->masks, n);

			if (err == -ENOSYS || err == -ERANGE)
				c->probe_each = NULL;		/* a core without it refuses the flag */
			s->masks_bdf = bdf + 1;
			s->masks_left = err ? 0 : (1u << n) - 1;	/* refused: each BAR on its own, as before */
		}
		if (s->masks_bdf == bdf + 1 && (s->masks_left >> i & 1)) {
			s->masks_left &= ~(1u << i);
			*back = s->masks[i];
			return 0;
		}
	}
	return c->probe(c->port_ctx, bdf, off, 0xffffffffu, orig, back);
}

/* 1 if the scan holds bus and every ID of it says absent (vendor ffff or 0). */
static int
scanned_empty(const struct pci_conf1_snap *s, unsigned bus)
{
	const uint32_t *ids;

	if (!s->ids_bus || bus + 1 < s->ids_bus || bus + 1 >= s->ids_bus + s->ids_nbus)
		return 0;
	ids = &s->ids[32 * (bus + 1 - s->ids_bus)];
	for (unsigned d = 0; d < 32; d++)
		if ((ids[d] & 0xffff) != 0xffff && (ids[d] & 0xffff) != 0)
			return 0;
	return 1;
}

/*
 * Fetch the IDs for a scan of bus: that bus alone, or, right after a bus
 * that was scanned empty (a peer-bus probe goes bus after bus, most of
 * them empty), up to 8 buses from it in one request (scan_buses).
 */
static int
scan_fetch(struct pci_conf1 *c, unsigned bus)
{
	struct pci_conf1_snap *s = &c->snap;
	unsigned nbus = 256 - bus < 8 ? 256 - bus : 8;
	int err = -ENOSYS;

	if (c->scan_buses && bus && scanned_empty(s, bus - 1)) {
		err = c->scan_buses(c->port_ctx, bus, 0, s->ids, nbus);
		if (err == -ENOSYS || err == -ERANGE)
			c->scan_buses = NULL;	/* a core without it refuses the flag: one bus a request */
	}
	if (err) {
		nbus = 1;
		err = c->scan(c->port_ctx, bus << 8, 0, s->ids, 32);
	}
	if (err) {
		s->ids_bus = 0;
		return err;
	}
	s->ids_bus = bus + 1;
	s->ids_nbus = nbus;
	memset(s->ids_served, 0, sizeof s->ids_served);
	return 0;
}

/* 1 with *id if the ID dword of (bus, dev, 0) comes from a scan (fetched now if none holds the bus). */
static int
scanned_id(struct pci_conf1 *c, struct pci_addr a, uint32_t *id)
{
	struct pci_conf1_snap *s = &c->snap;
	unsigned k;

	if (!s->ids_bus || a.bus + 1 < s->ids_bus || a.bus + 1 >= s->ids_bus + s->ids_nbus) {
		int err = scan_fetch(c, a.bus);

		if (err == -ENOSYS)
			c->scan = NULL;
		if (err)
			return 0;		/* the header path asks (and says what is wrong) */
	}
	k = a.bus - (s->ids_bus - 1);
	if (s->ids_served[k] >> a.dev & 1)
		return 0;			/* read again: from the function's own fetch */
	s->ids_served[k] |= 1u << a.dev;
	*id = s->ids[32 * k + a.dev];
	return 1;
}

static int
conf1_read(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t *val)
{
	struct pci_conf1 *c = ctx;
	uint32_t dw;
	int err;

	if (!c->range_read) {
		err = conf1_addr(c, a, off, width);
		return err ? err : c->in(c->port_ctx, 0xcfc + (off & 3), width, val);
	}
	if ((err = conf1_check(a, off, width)))
		return err;
	if (c->walk && off < 4 && a.fn == 0 && c->scan && scanned_id(c, a, &dw))
		err = 0;
	else if (c->walk)
		err = snap_dword(c, bdf_of(a), off & ~3u, &dw);
	else
		err = c->range_read(c->port_ctx, bdf_of(a), off & ~3u, &dw, 4);
	if (err == -ENOSYS) {		/* a core without config requests: the pair it is */
		c->range_read = NULL;
		c->write_back = NULL;
		return conf1_read(ctx, a, off, width, val);
	}
	if (err)
		return err;
	*val = (dw >> 8 * (off & 3)) & (0xffffffffu >> (32 - 8 * width));
	return 0;
}

static int
conf1_write(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t val)
{
	struct pci_conf1 *c = ctx;
	struct pci_conf1_snap *s = &c->snap;
	unsigned d = off / 4;
	uint32_t back;
	int err;

	if (!c->write_back) {
		err = conf1_addr(c, a, off, width);
		return err ? err : c->out(c->port_ctx, 0xcfc + (off & 3), width, val);
	}
	if ((err = conf1_check(a, off, width)))
		return err;
	if (s->bdf != bdf_of(a))
		s->have = s->served = s->restored = s->masks_bdf = 0;
	if (c->walk && width == 4 && (s->restored >> d & 1) && val == s->dw_restored[d]) {
		s->restored &= ~(1ull << d);	/* the probe put this value back already */
		s->dw[d] = val;
		s->have |= 1ull << d;
		s->served &= ~(1ull << d);
		ids_stale(s);
		return 0;
	}
	s->restored &= ~(1ull << d);
	if (c->walk && c->probe && is_bar_probe(s, off, width, val)) {
		uint32_t orig = s->dw[d];

		if ((err = bar_mask(c, bdf_of(a), off, orig, &back))) {
			s->have &= ~(1ull << d);
			return err == -ENOSYS ? (c->probe = NULL, conf1_write(ctx, a, off, width, val)) : err;
		}
		s->dw[d] = back;
		s->served &= ~(1ull << d);
		s->restored |= 1ull << d;
		s->dw_restored[d] = orig;
		ids_stale(s);
		return 0;
	}
	err = c->write_back(c->port_ctx, bdf_of(a), off, width, val, &back);
	if (err == -ENOSYS) {
		c->range_read = NULL;
		c->write_back = NULL;
		s->have = 0;
		return conf1_write(ctx, a, off, width, val);
	}
	if (err) {
		s->have &= ~(1ull << d);	/* refused or failed: what the register holds now is not known here */
		return err;
	}
	s->bdf = bdf_of(a);
	s->dw[d] = back;
	s->have |= 1ull << d;
	s->served &= ~(1ull << d);
	if (d)
		ids_stale(s);
	return 0;
}

static unsigned
conf1_space(void *ctx, struct pci_addr a)
{
	(void)ctx;
	(void)a;
	return 256;
}

const struct pci_cfg_ops pci_cfg_conf1 = {
	.name = "conf1", .read = conf1_read, .write = conf1_write, .space = conf1_space,
};
