/* DMA session client (see mkx/dma.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/dma.h>
#include <mkx/platform.h>
#include <mkx/zero.h>

/* A refusal: core's reason from the reply payload into why. */
static int
refusal(const struct mkx_msg *r, int err, const char *what, char *why, size_t whylen)
{
	if (!why || !whylen)
		return err;
	if (err < 0 && err > -4096 && r->hdr.len > 0 && r->hdr.len <= MKX_PAYLOAD_MAX)
		snprintf(why, whylen, "%.*s", (int)r->hdr.len, (const char *)r->payload);
	else
		snprintf(why, whylen, "%s: %s", what, strerror(-err));
	return err;
}

/*
 * One DMA op, to core's session or through the Platform session (same
 * replies: the platform driver passes core's on). in is the op's own
 * request (size/cache for ALLOC, the id for ADDR and FREE).
 */
static int
call(struct mkx_dma *d, uint16_t op, const struct mkx_dma_alloc_req *alloc, uint32_t id, struct mkx_msg *reply)
{
	static const uint16_t via_platform[] = {
		[MKX_DMA_ALLOC - MKX_DMA_ALLOC] = MKX_PLATFORM_DMA_ALLOC,
		[MKX_DMA_ADDR - MKX_DMA_ALLOC] = MKX_PLATFORM_DMA_ADDR,
		[MKX_DMA_FREE - MKX_DMA_ALLOC] = MKX_PLATFORM_DMA_FREE,
		[MKX_DMA_INFO - MKX_DMA_ALLOC] = MKX_PLATFORM_DMA_INFO,
	};
	struct mkx_platform_dma q = { .id = id };

	if (!d->platform) {
		if (op == MKX_DMA_ALLOC)
			return mkx_session_call(&d->s, op, alloc, sizeof *alloc, NULL, 0, reply);
		if (op == MKX_DMA_INFO)
			return mkx_session_call(&d->s, op, NULL, 0, NULL, 0, reply);
		return mkx_session_call(&d->s, op, &id, sizeof id, NULL, 0, reply);
	}
	snprintf(q.name, sizeof q.name, "%s", d->dev);
	if (alloc) {
		q.size = alloc->size;
		q.cache = alloc->cache;
	}
	return mkx_session_call(&d->platform->s, via_platform[op - MKX_DMA_ALLOC], &q, sizeof q, NULL, 0, reply);
}

static int
info(struct mkx_dma *d, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	int err = call(d, MKX_DMA_INFO, NULL, 0, &reply);

	mkx_msg_close_fds(&reply);
	if (err || reply.hdr.len != sizeof d->info)
		return refusal(&reply, err ? err : -EBADMSG, "DMA info", why, whylen);
	memcpy(&d->info, reply.payload, sizeof d->info);
	return 0;
}

int
mkx_dma_open(struct mkx_dma *d, const char *pci, char *why, size_t whylen)
{
	char args[96];
	int err;

	memset(d, 0, sizeof *d);
	snprintf(args, sizeof args, "ram_quota=8K, pci=\"%s\"", pci);
	if ((err = mkx_session_open(&d->s, "DMA", args, why, whylen)))
		return err;
	if ((err = info(d, why, whylen)))
		mkx_session_close(&d->s);
	return err;
}

int
mkx_dma_open_platform(struct mkx_dma *d, struct mkx_platform *p, const char *dev, char *why, size_t whylen)
{
	memset(d, 0, sizeof *d);
	d->s.sock = -1;
	d->platform = p;
	snprintf(d->dev, sizeof d->dev, "%s", dev);
	return info(d, why, whylen);
}

/* The mapped dataspace named chunk, or NULL. */
static struct mkx_dma_space *
space_find(struct mkx_dma *d, uint32_t chunk)
{
	for (unsigned i = 0; i < d->nspace; i++)
		if (d->space[i].chunk == chunk)
			return &d->space[i];
	return NULL;
}

/* A shared dataspace core sent (fd), mapped and kept; NULL with errno (fd closed then). */
static struct mkx_dma_space *
space_add(struct mkx_dma *d, uint32_t chunk, int fd, size_t size)
{
	struct mkx_dma_space *sp;
	void *map;

	if (d->nspace == d->space_room) {
		unsigned room = d->space_room ? 2 * d->space_room : 4;
		struct mkx_dma_space *more = realloc(d->space, room * sizeof *more);

		if (!more) {
			close(fd);
			errno = ENOMEM;
			return NULL;
		}
		d->space = more;
		d->space_room = room;
	}
	/* Mapped with its pages at once (see below). */
	if ((map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0)) == MAP_FAILED) {
		int e = errno;

		close(fd);
		errno = e;
		return NULL;
	}
	sp = &d->space[d->nspace++];
	*sp = (struct mkx_dma_space){ .chunk = chunk, .fd = fd, .map = map, .size = size };
	return sp;
}

/* A buffer in a shared dataspace: mapped already, or sent with this reply (fd, or -1). 0 or -errno with why. */
static int
in_space(struct mkx_dma *d, const struct mkx_dma_buffer_msg *m, int fd, struct mkx_dma_buffer *b, char *why,
    size_t whylen)
{
	struct mkx_dma_space *sp = space_find(d, m->chunk);

	if (sp && fd >= 0)
		close(fd);	/* the same dataspace again (a FREE by id left ours mapped) */
	else if (!sp && fd < 0) {
		snprintf(why, whylen, "DMA buffer %u: core sent no dataspace for page %u, which this client does "
		    "not map", m->id, m->chunk);
		return -EBADMSG;
	} else if (!sp && (m->offset + m->size > m->map_size || !(sp = space_add(d, m->chunk, fd, m->map_size)))) {
		int err = m->offset + m->size > m->map_size ? -EBADMSG : -errno;

		snprintf(why, whylen, "mmap of DMA buffer %u (%llu bytes at %llu of %llu): %s", m->id,
		    (unsigned long long)m->size, (unsigned long long)m->offset, (unsigned long long)m->map_size,
		    strerror(-err));
		return err;
	}
	sp->refs++;
	b->fd = sp->fd;
	b->map = sp->map;
	b->map_size = sp->size;
	b->va = (uint8_t *)sp->map + m->offset;
	b->chunk = m->chunk;
	b->shared = MKX_DMA_SHARED;
	return 0;
}

/* A buffer from core (one request): its own dataspace, or one core's small buffers share. */
static int
core_alloc(struct mkx_dma *d, size_t size, struct mkx_dma_buffer *b, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	struct mkx_dma_alloc_req rq = { .size = size, .cache = MKX_DMA_CACHED };
	struct mkx_dma_buffer_msg m;
	int err;

	memset(b, 0, sizeof *b);
	b->fd = -1;
	err = call(d, MKX_DMA_ALLOC, &rq, 0, &reply);
	if (!err && reply.hdr.len == sizeof m)
		memcpy(&m, reply.payload, sizeof m);
	/* Without fd 0 only a buffer in a page small buffers share (whose file the client has). */
	if (err || reply.hdr.len != sizeof m || reply.hdr.nfds > 1 || (!reply.hdr.nfds && !(m.flags & MKX_DMA_SHARED))) {
		mkx_msg_close_fds(&reply);
		return refusal(&reply, err ? err : -EBADMSG, "DMA alloc", why, whylen);
	}
	b->fd = reply.hdr.nfds ? mkx_msg_take_fd(&reply, 0) : -1;
	b->id = m.id;
	b->size = m.size;
	b->bus = m.bus;
	if (m.flags & MKX_DMA_SHARED) {
		if ((err = in_space(d, &m, b->fd, b, why, whylen))) {
			mkx_dma_free_id(d, m.id, NULL, 0);
			memset(b, 0, sizeof *b);
			b->fd = -1;
		}
		return err;
	}
	/*
	 * Mapped with its pages at once: core faulted them in already, so this
	 * only sets up the huge page entries, saving the fault of each page's
	 * first touch (a kernel entry: tens of us under TCG).
	 */
	b->map = m.offset + m.size <= m.map_size ? mmap(NULL, m.map_size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_POPULATE, b->fd, 0) : MAP_FAILED;
	if (b->map == MAP_FAILED) {
		err = m.offset + m.size <= m.map_size ? -errno : -EBADMSG;
		snprintf(why, whylen, "mmap of DMA buffer %u (%llu bytes at %llu of %llu): %s", m.id,
		    (unsigned long long)m.size, (unsigned long long)m.offset, (unsigned long long)m.map_size,
		    strerror(-err));
		close(b->fd);
		mkx_dma_free_id(d, m.id, NULL, 0);
		b->fd = -1;
		b->map = NULL;
		return err;
	}
	b->map_size = m.map_size;
	b->va = (uint8_t *)b->map + m.offset;
	b->id = m.id;
	b->size = m.size;
	b->bus = m.bus;
	return 0;
}

/*
 * Local sub-allocation. A page is core's buffer of one whole huge page;
 * its 4 KiB slots are tracked in two bitmaps: used, and start (the first
 * slot of each live buffer: a buffer runs from its start to the next
 * start or free slot). A local id is MKX_DMA_LOCAL_ID | serial << 9 |
 * first slot (a page has at most 512 slots).
 */
#define SLOT		4096u
#define SLOTS_MAX	512u
#define SERIAL_MASK	0x3fffffu

struct mkx_dma_page {
	struct mkx_dma_buffer	whole;		/* core's buffer of the page */
	uint32_t		serial;
	unsigned		slots, words, nused;
	unsigned		hint;		/* no free slot in the words of used below it */
	uint64_t		used[SLOTS_MAX / 64], start[SLOTS_MAX / 64];
};

static int
bit(const uint64_t *w, unsigned i)
{
	return (int)(w[i / 64] >> (i % 64) & 1);
}

/* The huge page size to sub-allocate in, or 0: buffers of size go to core. */
static size_t
local_page(struct mkx_dma *d, size_t size)
{
	size_t ps;

	if (d->core_small || !size)
		return 0;
	if (!d->info.page_size && info(d, NULL, 0))	/* a session opened without (tests): ask once */
		return 0;
	ps = d->info.page_size;
	if (ps % SLOT || ps / SLOT < 2 || ps / SLOT > SLOTS_MAX || size >= ps)
		return 0;
	return ps;
}

/*
 * The first run of n free slots of p (aligned to n if n is a power of two),
 * or -1. One slot (the common case, 4 KiB): find-first-set in the first
 * word with a free slot, from the hint (a word with none is not looked at
 * again until a free in it lowers the hint).
 */
static int
run_find(struct mkx_dma_page *p, unsigned n)
{
	unsigned step = n & (n - 1) ? 1 : n;

	if (p->slots - p->nused < n)
		return -1;
	if (n == 1) {
		for (unsigned w = p->hint; w < p->words; w++)
			if (~p->used[w]) {
				unsigned i = w * 64 + (unsigned)__builtin_ctzll(~p->used[w]);

				p->hint = w;
				return i < p->slots ? (int)i : -1;
			}
		p->hint = p->words;
		return -1;
	}
	for (unsigned i = 0; i + n <= p->slots; i += step) {
		unsigned k = 0;

		while (k < n && !bit(p->used, i + k))
			k++;
		if (k == n)
			return (int)i;
		if (step == 1)
			i += k;	/* slot i + k is used: the next run starts after it */
	}
	return -1;
}

/* Ask core for a new page to sub-allocate in (*pp). 0 or -errno with why (core's reason for a refusal). */
static int
page_new(struct mkx_dma *d, size_t ps, struct mkx_dma_page **pp, char *why, size_t whylen)
{
	struct mkx_dma_page *p;
	int err;

	if (d->npage == d->page_room) {
		unsigned room = d->page_room ? 2 * d->page_room : 4;
		struct mkx_dma_page **more = realloc(d->page, room * sizeof *more);

		if (!more) {
			snprintf(why, whylen, "DMA: no memory for the table of pages");
			return -ENOMEM;
		}
		d->page = more;
		d->page_room = room;
	}
	if (!(p = calloc(1, sizeof *p))) {
		snprintf(why, whylen, "DMA: no memory for a page's table");
		return -ENOMEM;
	}
	if ((err = core_alloc(d, ps, &p->whole, why, whylen))) {
		free(p);
		return err;
	}
	if (p->whole.size != ps || p->whole.shared) {	/* core rounds a page to itself: anything else is not ours to carve */
		snprintf(why, whylen, "DMA: core gave %llu bytes for a page of %zu", (unsigned long long)p->whole.size, ps);
		mkx_dma_free(d, &p->whole, NULL, 0);
		free(p);
		return -EBADMSG;
	}
	p->serial = d->page_serial++ & SERIAL_MASK;
	p->slots = (unsigned)(ps / SLOT);
	p->words = (p->slots + 63) / 64;
	/* Bits past the last slot (a page under 2 MiB) marked used: the fast paths need not read slots. */
	for (unsigned i = p->slots; i < SLOTS_MAX; i++)
		p->used[i / 64] |= 1ull << (i % 64);
	d->page[d->npage++] = p;
	*pp = p;
	return 0;
}

static int
local_alloc(struct mkx_dma *d, size_t size, size_t ps, struct mkx_dma_buffer *b, char *why, size_t whylen)
{
	unsigned n = (unsigned)((size + SLOT - 1) / SLOT);
	struct mkx_dma_page *p = NULL;
	int at = -1, err;

	for (unsigned i = d->npage; i-- > 0 && at < 0;)	/* the newest first: the spare, if any, stays empty */
		if ((at = run_find(d->page[i], n)) >= 0)
			p = d->page[i];
	if (at < 0) {
		if ((err = page_new(d, ps, &p, why, whylen)))
			return err;
		at = run_find(p, n);
	}
	if (n == 1)
		p->used[at / 64] |= 1ull << (at % 64);
	else
		for (unsigned k = 0; k < n; k++)
			p->used[(at + k) / 64] |= 1ull << ((at + k) % 64);
	p->start[at / 64] |= 1ull << (at % 64);
	p->nused += n;
	*b = (struct mkx_dma_buffer){ .id = MKX_DMA_LOCAL_ID | p->serial << 9 | (uint32_t)at, .fd = p->whole.fd,
	    .va = (uint8_t *)p->whole.va + (size_t)at * SLOT, .size = (size_t)n * SLOT,
	    .bus = p->whole.bus + (uint64_t)at * SLOT, .map = p->whole.map, .map_size = p->whole.map_size,
	    .chunk = p->whole.chunk, .shared = MKX_DMA_LOCAL };
	return 0;
}

/* The page of local id, with the buffer's first slot; NULL if none. The newest first, as local_alloc takes them. */
static struct mkx_dma_page *
local_find(struct mkx_dma *d, uint32_t id, unsigned *at, unsigned *index)
{
	uint32_t serial = id >> 9 & SERIAL_MASK;

	*at = id & (SLOTS_MAX - 1);
	for (unsigned i = d->npage; i-- > 0;)
		if (d->page[i]->serial == serial && *at < d->page[i]->slots && bit(d->page[i]->start, *at)) {
			*index = i;
			return d->page[i];
		}
	return NULL;
}

/* Free local buffer id; an emptied page goes back to core unless it is the only empty one. */
static int
local_free(struct mkx_dma *d, uint32_t id, char *why, size_t whylen)
{
	unsigned at, index, empty = 0;
	struct mkx_dma_page *p = local_find(d, id, &at, &index);

	if (!p) {	/* core's wording; libmkx keeps no list of freed ids, so it cannot tell which */
		if (why && whylen)
			snprintf(why, whylen, "DMA buffer %u was freed already (or never handed out by this client)", id);
		return -ENOENT;
	}
	p->start[at / 64] &= ~(1ull << (at % 64));
	if (at / 64 < p->hint)
		p->hint = at / 64;
	do {
		p->used[at / 64] &= ~(1ull << (at % 64));
		p->nused--;
		at++;
	} while (at < p->slots && bit(p->used, at) && !bit(p->start, at));
	if (p->nused || d->npage == 1)
		return 0;	/* (the only page is the spare) */
	for (unsigned i = 0; i < d->npage; i++)
		empty += !d->page[i]->nused;
	if (empty < 2)
		return 0;	/* the spare: the next small buffer needs no request */
	d->page[index] = d->page[--d->npage];
	index = (unsigned)mkx_dma_free(d, &p->whole, why, whylen);
	free(p);
	return (int)index;
}

/*
 * The page a client keeps (keep_page): a freed buffer of one huge page,
 * still core's buffer (held, charged, pinned, checked at its real FREE),
 * handed out again to the same client without a request.
 */

/* Is id the buffer libmkx keeps (freed by the driver, not yet by core)? */
static int
kept_id(const struct mkx_dma *d, uint32_t id)
{
	return d->kept && d->kept->id == id;
}

/* Keep b (freed by the driver) for the next buffer of its size: 1, or 0 (not kept: freed at core as ever). */
static int
kept_put(struct mkx_dma *d, struct mkx_dma_buffer *b)
{
	if (!d->keep_page || d->kept || b->shared || !b->map || b->fd < 0 || !d->info.page_size ||
	    b->size != d->info.page_size || b->map_size != b->size || !(d->kept = malloc(sizeof *d->kept)))
		return 0;
	*d->kept = *b;
	return 1;
}

/* The kept page given back to core (its FREE, with all of core's checks). */
static int
kept_drop(struct mkx_dma *d, char *why, size_t whylen)
{
	struct mkx_dma_buffer *k = d->kept;
	int err;

	if (!k)
		return 0;
	d->kept = NULL;
	munmap(k->map, k->map_size);
	close(k->fd);
	err = mkx_dma_free_id(d, k->id, why, whylen);
	free(k);
	return err;
}

/*
 * The fast path of a buffer of one slot (4 KiB, the common small buffer):
 * a free slot in the word of the newest page's hint, the one run_find
 * would take (so the same first fit), with no call: under QEMU's TCG each
 * call's return is a lookup of where to go, dearer than the bit work. 1:
 * b is it; 0: the general path decides (a full word, another size, no page).
 */
static inline int
slot_fast(struct mkx_dma *d, size_t size, struct mkx_dma_buffer *b)
{
	struct mkx_dma_page *p;
	unsigned w, at;
	uint64_t bit;

	if (size - 1 >= SLOT || d->core_small || !d->npage)
		return 0;
	p = d->page[d->npage - 1];
	if ((w = p->hint) >= SLOTS_MAX / 64 || !(bit = ~p->used[w] & -~p->used[w]))	/* the word's lowest free slot */
		return 0;
	at = w * 64 + (unsigned)__builtin_ctzll(bit);
	p->used[w] |= bit;
	p->start[w] |= bit;
	p->nused++;
	*b = (struct mkx_dma_buffer){ .id = MKX_DMA_LOCAL_ID | p->serial << 9 | at, .fd = p->whole.fd,
	    .va = (uint8_t *)p->whole.va + (size_t)at * SLOT, .size = SLOT, .bus = p->whole.bus + (uint64_t)at * SLOT,
	    .map = p->whole.map, .map_size = p->whole.map_size, .chunk = p->whole.chunk, .shared = MKX_DMA_LOCAL };
	return 1;
}

static __attribute__((noinline)) int
alloc_slow(struct mkx_dma *d, size_t size, struct mkx_dma_buffer *b, char *why, size_t whylen)
{
	size_t ps = local_page(d, size);
	int err;

	if (!ps && d->kept && size == d->kept->size) {
		*b = *d->kept;
		free(d->kept);
		d->kept = NULL;
		mkx_zero(b->map, b->map_size);	/* as a buffer from core comes: this client's last data goes */
		return 0;
	}
	err = ps ? local_alloc(d, size, ps, b, why, whylen) : core_alloc(d, size, b, why, whylen);
	if (err && d->kept && !kept_drop(d, NULL, 0))	/* the kept page may be what the quantum lacks */
		err = ps ? local_alloc(d, size, ps, b, why, whylen) : core_alloc(d, size, b, why, whylen);
	return err;
}

int
mkx_dma_alloc(struct mkx_dma *d, size_t size, struct mkx_dma_buffer *b, char *why, size_t whylen)
{
	return slot_fast(d, size, b) ? 0 : alloc_slow(d, size, b, why, whylen);
}

int
mkx_dma_addr(struct mkx_dma *d, uint32_t id, uint64_t *bus, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	unsigned at, index;
	struct mkx_dma_page *p;
	int err;

	if (kept_id(d, id)) {
		if (why && whylen)
			snprintf(why, whylen, "DMA buffer %u was freed already", id);
		return -ENOENT;
	}
	if (id & MKX_DMA_LOCAL_ID) {
		if (!(p = local_find(d, id, &at, &index))) {
			if (why && whylen)
				snprintf(why, whylen, "no DMA buffer %u in this session (freed, or never handed out)", id);
			return -ENOENT;
		}
		*bus = p->whole.bus + (uint64_t)at * SLOT;
		return 0;
	}
	err = call(d, MKX_DMA_ADDR, NULL, id, &reply);

	mkx_msg_close_fds(&reply);
	if (err || reply.hdr.len != sizeof *bus)
		return refusal(&reply, err ? err : -EBADMSG, "DMA addr", why, whylen);
	memcpy(bus, reply.payload, sizeof *bus);
	return 0;
}

int
mkx_dma_free_id(struct mkx_dma *d, uint32_t id, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	int err;

	if (id & MKX_DMA_LOCAL_ID)
		return local_free(d, id, why, whylen);
	if (kept_id(d, id)) {	/* the driver's second free of it */
		if (why && whylen)
			snprintf(why, whylen, "DMA buffer %u was freed already", id);
		return -ENOENT;
	}
	err = call(d, MKX_DMA_FREE, NULL, id, &reply);

	mkx_msg_close_fds(&reply);
	return err ? refusal(&reply, err, "DMA free", why, whylen) : 0;
}

/*
 * The fast path of freeing a local buffer of one slot in the newest page
 * (slot_fast's counterpart, no call): 1 freed; 0: local_free decides (it
 * checks all again: another page, a longer buffer, a page emptied while
 * others are held, an id not live, a word's last slot, whose next slot is
 * in the next word; a slot past the page's last has no start bit).
 */
static inline int
slot_free_fast(struct mkx_dma *d, uint32_t id)
{
	unsigned at = id & (SLOTS_MAX - 1);
	uint64_t m = 1ull << (at % 64), *used, *start;
	struct mkx_dma_page *p;

	if (!d->npage || at % 64 == 63 || (p = d->page[d->npage - 1])->serial != (id >> 9 & SERIAL_MASK))
		return 0;
	used = &p->used[at / 64];
	start = &p->start[at / 64];
	/* Live (its start bit), of one slot (the next is no slot it runs on: used, not a start), not emptying a second page. */
	if (!(*start & m) || (*used & ~*start & m << 1) || (p->nused == 1 && d->npage > 1))
		return 0;
	*start &= ~m;
	*used &= ~m;
	p->nused--;
	if (at / 64 < p->hint)
		p->hint = at / 64;
	return 1;
}

static __attribute__((noinline)) int
free_other(struct mkx_dma *d, struct mkx_dma_buffer *b, char *why, size_t whylen)
{
	struct mkx_dma_space *sp = b->shared == MKX_DMA_SHARED ? space_find(d, b->chunk) : NULL;

	if (b->shared == MKX_DMA_LOCAL) {	/* the page stays mapped while it is held */
		b->va = b->map = NULL;
		b->fd = -1;
		return local_free(d, b->id, why, whylen);
	}
	if (!b->shared && kept_put(d, b)) {	/* stays mapped and core's; the next buffer of its size is it */
		b->va = b->map = NULL;
		b->fd = -1;
		return 0;
	}
	if (b->shared) {	/* the dataspace goes with our last buffer in it */
		if (sp && !--sp->refs) {
			munmap(sp->map, sp->size);
			close(sp->fd);
			*sp = d->space[--d->nspace];
		}
	} else {
		if (b->map)
			munmap(b->map, b->map_size);
		if (b->fd >= 0)
			close(b->fd);
	}
	b->va = b->map = NULL;
	b->fd = -1;
	return mkx_dma_free_id(d, b->id, why, whylen);
}

int
mkx_dma_free(struct mkx_dma *d, struct mkx_dma_buffer *b, char *why, size_t whylen)
{
	if (b->shared == MKX_DMA_LOCAL && slot_free_fast(d, b->id)) {	/* the page stays mapped while it is held */
		b->va = b->map = NULL;
		b->fd = -1;
		return 0;
	}
	return free_other(d, b, why, whylen);
}

void
mkx_dma_close(struct mkx_dma *d)
{
	kept_drop(d, NULL, 0);	/* freed by the driver: not one of its mappings */
	/* The table goes; mappings of buffers still held stay (a driver may use them until it exits). */
	free(d->space);
	d->space = NULL;
	d->nspace = d->space_room = 0;
	for (unsigned i = 0; i < d->npage; i++)
		free(d->page[i]);
	free(d->page);
	d->page = NULL;
	d->npage = d->page_room = 0;
	if (!d->platform)
		mkx_session_close(&d->s);
}
