/*
 * DMA session: buffers a PCI function may read and write by DMA, as
 * Genode's platform session hands them out (alloc_dma_buffer, dma_addr,
 * free_dma_buffer). core serves it (service "DMA", one session per
 * function and client, by policy); a driver on a Platform session gets the
 * same through the platform driver (mkx_dma_open_platform), which holds
 * core's session for the device it acquired. A buffer (max(4 KiB, size),
 * as Genode's) lies in a dataspace fd (a hugetlb memfd of whole huge pages:
 * its own for a buffer of a page or more, one its session's small buffers
 * share otherwise) the client maps, and has the bus address the device
 * must be given: the physical address without an IOMMU, an IOVA core
 * chose with one.
 *
 * Session args: pci="BB:DD.F". docs/dma.md.
 */
#ifndef MKX_DMA_H
#define MKX_DMA_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <mkx/session.h>

#define MKX_DMA_ALLOC	0x100	/* req: struct mkx_dma_alloc_req; reply: struct mkx_dma_buffer_msg, fd 0 */
#define MKX_DMA_ADDR	0x101	/* req: u32 id; reply: u64 bus address */
#define MKX_DMA_FREE	0x102	/* req: u32 id; reply: status */
#define MKX_DMA_INFO	0x103	/* reply: struct mkx_dma_info_msg */
#define MKX_DMA_KEPT	0x104	/* req: u32 ids of freed buffers; reply: u8 each, 1 core still keeps it charged */
#define MKX_DMA_KEPT_MAX	128	/* ids per KEPT request */

/* A refusal's reply carries core's reason as text (NUL-terminated). */

#define MKX_DMA_CACHED		0	/* Genode's Cache::CACHED: x86 DMA is coherent */
#define MKX_DMA_UNCACHED	1	/* accepted; mapped like CACHED on x86 (coherent), see docs/dma.md */

struct mkx_dma_alloc_req {
	uint64_t	size;
	uint32_t	cache;		/* MKX_DMA_CACHED / UNCACHED */
	uint32_t	pad;
};
static_assert(sizeof(struct mkx_dma_alloc_req) == 16, "wire size");

/*
 * A buffer lies in a dataspace (fd 0: whole huge pages) at offset; buffers
 * of at most one huge page share one of their session's (Genode's
 * alloc_dma_buffer: sub-allocated, max(4 KiB, size)), a larger one has one
 * of its own. The client maps map_size bytes of fd 0 and uses
 * [offset, offset + size).
 */
struct mkx_dma_buffer_msg {
	uint32_t	id;		/* names the buffer in ADDR and FREE */
	uint32_t	flags;		/* MKX_DMA_IOVA: bus is an IOVA */
	uint64_t	size;		/* bytes of the buffer: max(4 KiB, asked) rounded to 4 KiB (whole pages if larger than one) */
	uint64_t	bus;		/* what the device must be given for the buffer's byte 0 */
	uint64_t	offset;		/* of the buffer in the dataspace */
	uint64_t	map_size;	/* bytes of the dataspace (a huge-page multiple) */
	uint64_t	held;		/* bytes of the huge pages the session's live buffers are in (core charges these and at most one empty page more) */
	uint32_t	chunk;		/* the dataspace's name: buffers with the same share it */
	uint32_t	pad;
};
static_assert(sizeof(struct mkx_dma_buffer_msg) == 56, "wire size");

#define MKX_DMA_IOVA	1
/*
 * The buffer lies in a page its session's small buffers share: fd 0 comes
 * with the first live buffer of that page only (chunk names it); the
 * client keeps it mapped while it has buffers there.
 */
#define MKX_DMA_SHARED	2
/*
 * (libmkx only, never on the wire) The buffer lies in a huge page this
 * client holds whole and sub-allocated itself: its id has
 * MKX_DMA_LOCAL_ID set and is known to libmkx only (mkx_dma_addr and
 * mkx_dma_free_id answer it without asking core).
 */
#define MKX_DMA_LOCAL	4
#define MKX_DMA_LOCAL_ID	0x80000000u

struct mkx_dma_info_msg {
	uint64_t	mask;		/* highest bus address the device may be given */
	uint32_t	iommu;		/* 1: bus addresses are IOVAs */
	uint32_t	page_size;	/* allocation unit */
};
static_assert(sizeof(struct mkx_dma_info_msg) == 16, "wire size");

struct mkx_platform;

/* A dataspace small buffers share, mapped once while the client has buffers in it. */
struct mkx_dma_space {
	uint32_t	chunk;
	unsigned	refs;		/* live buffers of ours in it */
	int		fd;
	void		*map;
	size_t		size;
};

/*
 * A huge page libmkx holds (core's buffer of one whole page) and
 * sub-allocates small buffers in itself, without a request to core (see
 * mkx_dma_alloc). Defined in base/dma.c.
 */
struct mkx_dma_page;

struct mkx_dma {
	struct mkx_session	s;		/* core's DMA session (unused through a platform) */
	struct mkx_platform	*platform;	/* non-NULL: through this Platform session */
	char			dev[16];	/* the acquired device there */
	struct mkx_dma_info_msg	info;
	struct mkx_dma_space	*space;		/* nspace of them, in space_room */
	unsigned		nspace, space_room;
	struct mkx_dma_page	**page;		/* pages held for local sub-allocation: npage of them, in page_room */
	unsigned		npage, page_room;
	uint32_t		page_serial;	/* names the next page (in local buffer ids) */
	unsigned		core_small;	/* 1: small buffers sub-allocated by core instead, a request each (tests, bench) */
	/*
	 * 1: a freed buffer of exactly one huge page is kept (mapped, still
	 * core's buffer: held and charged) for this client's next one, which
	 * then needs no request; libmkx zeroes it before it hands it out again.
	 * Only for a driver that never hands a buffer's file to another
	 * component: that one would keep reaching the page. 0 by default.
	 */
	unsigned		keep_page;
	struct mkx_dma_buffer	*kept;		/* the page kept (keep_page), or NULL */
};

struct mkx_dma_buffer {
	uint32_t	id;
	int		fd;		/* the dataspace the buffer lies in (shared by small buffers of one page: libmkx's) */
	void		*va;		/* the buffer, size bytes */
	size_t		size;
	uint64_t	bus;
	void		*map;		/* the dataspace's mapping (va lies in it), map_size bytes */
	size_t		map_size;
	uint32_t	chunk;		/* the dataspace's name */
	uint32_t	shared;		/* MKX_DMA_SHARED: the dataspace is struct mkx_dma's (space) */
};

/* Open the DMA session for function pci ("00:03.0"). 0 or -errno with core's reason in why. */
int	mkx_dma_open(struct mkx_dma *, const char *pci, char *why, size_t whylen);
/*
 * The DMA buffers of device dev ("00:03.0"), acquired on Platform session
 * p, with its DMA limit: the platform driver forwards to core. Refused for
 * a device this session has not acquired. 0 or -errno with why.
 */
int	mkx_dma_open_platform(struct mkx_dma *, struct mkx_platform *p, const char *dev, char *why, size_t whylen);
/*
 * Allocate and map a buffer of at least size bytes (b->size: max(4 KiB,
 * size) rounded up to 4 KiB). 0 or -errno with core's reason.
 *
 * A buffer smaller than a huge page is sub-allocated here, in a page the
 * client holds whole (core's buffer of one page: core pins it, checks it
 * for punches and charges it whole, as any buffer), at 4 KiB granularity,
 * a power-of-two size aligned to itself: no request to core unless no
 * held page has room (then one page is asked for). A page whose last
 * buffer is freed goes back to core, except one spare kept empty. A slot
 * reused within the client is not zeroed (it held this client's own data
 * only; core zeroes a page before anyone else gets it); a new page is.
 */
int	mkx_dma_alloc(struct mkx_dma *, size_t size, struct mkx_dma_buffer *, char *why, size_t whylen);
/* The bus address of buffer id (Genode's dma_addr). 0 or -errno with why. */
int	mkx_dma_addr(struct mkx_dma *, uint32_t id, uint64_t *bus, char *why, size_t whylen);
/* Free by id (the mapping of b, if given, is removed first). 0 or -errno with why. A local id is freed here. */
int	mkx_dma_free_id(struct mkx_dma *, uint32_t id, char *why, size_t whylen);
int	mkx_dma_free(struct mkx_dma *, struct mkx_dma_buffer *, char *why, size_t whylen);
/*
 * Close core's session (through a platform: nothing; the device's release
 * ends it). Mappings of held pages stay (as any buffer's): core frees the
 * pages at the session's end.
 */
void	mkx_dma_close(struct mkx_dma *);

#endif
