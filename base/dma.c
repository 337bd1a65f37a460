/* DMA session client (see mkx/dma.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/dma.h>
#include <mkx/platform.h>

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

int
mkx_dma_alloc(struct mkx_dma *d, size_t size, struct mkx_dma_buffer *b, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	struct mkx_dma_alloc_req rq = { .size = size, .cache = MKX_DMA_CACHED };
	struct mkx_dma_buffer_msg m;
	int err;

	memset(b, 0, sizeof *b);
	b->fd = -1;
	err = call(d, MKX_DMA_ALLOC, &rq, 0, &reply);
	if (err || reply.hdr.len != sizeof m || reply.hdr.nfds != 1) {
		mkx_msg_close_fds(&reply);
		return refusal(&reply, err ? err : -EBADMSG, "DMA alloc", why, whylen);
	}
	memcpy(&m, reply.payload, sizeof m);
	b->fd = mkx_msg_take_fd(&reply, 0);
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

int
mkx_dma_addr(struct mkx_dma *d, uint32_t id, uint64_t *bus, char *why, size_t whylen)
{
	static __thread struct mkx_msg reply;
	int err = call(d, MKX_DMA_ADDR, NULL, id, &reply);

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
	int err = call(d, MKX_DMA_FREE, NULL, id, &reply);

	mkx_msg_close_fds(&reply);
	return err ? refusal(&reply, err, "DMA free", why, whylen) : 0;
}

int
mkx_dma_free(struct mkx_dma *d, struct mkx_dma_buffer *b, char *why, size_t whylen)
{
	if (b->map)
		munmap(b->map, b->map_size);
	if (b->fd >= 0)
		close(b->fd);
	b->va = b->map = NULL;
	b->fd = -1;
	return mkx_dma_free_id(d, b->id, why, whylen);
}

void
mkx_dma_close(struct mkx_dma *d)
{
	if (!d->platform)
		mkx_session_close(&d->s);
}
