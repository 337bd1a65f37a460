/*
 * Platform session: a driver's access to its PCI devices through the
 * platform driver (pci/), as Genode's Platform::Session. The platform
 * driver's <config> policy decides which devices a session sees (its own
 * "devices" document); a device is acquired by one session at a time
 * (bus mastering on only while acquired), its MMIO comes as the IO_MEM
 * dataspace fd of the platform driver's own core session (it is not on
 * the data path), and on release or client death the device is quiesced.
 */
#ifndef MKX_PLATFORM_H
#define MKX_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include <mkx/io_mem.h>
#include <mkx/io_port.h>
#include <mkx/irq.h>
#include <mkx/session.h>

#define MKX_PLATFORM_DEVICES	0x100	/* reply: u64 size; fd 0 = memfd with the <devices> XML */
#define MKX_PLATFORM_ACQUIRE	0x101	/* req: device name\0; error: reason text */
#define MKX_PLATFORM_RELEASE	0x102	/* req: device name\0 */
#define MKX_PLATFORM_IO_MEM	0x103	/* req: struct mkx_platform_res; reply: struct mkx_io_mem_ds + fd */
#define MKX_PLATFORM_IRQ	0x104	/* req: struct mkx_platform_res; reply: fd = an IRQ session socket at core */
#define MKX_PLATFORM_IO_PORT	0x105	/* req: struct mkx_platform_res; reply: fd = an IO_PORT session socket */
/*
 * DMA buffers of an acquired device (Genode's alloc_dma_buffer, dma_addr,
 * free_dma_buffer): the platform driver forwards each to the device's DMA
 * session at core, which it opens with the device's DMA limit and closes
 * only after the device is quiesced. Replies and refusals are core's
 * (mkx/dma.h); a device not acquired by this session is refused here.
 */
#define MKX_PLATFORM_DMA_ALLOC	0x106	/* req: struct mkx_platform_dma; reply: struct mkx_dma_buffer_msg + fd */
#define MKX_PLATFORM_DMA_ADDR	0x107	/* req: struct mkx_platform_dma (id); reply: u64 bus address */
#define MKX_PLATFORM_DMA_FREE	0x108	/* req: struct mkx_platform_dma (id); reply: status */
#define MKX_PLATFORM_DMA_INFO	0x109	/* req: struct mkx_platform_dma; reply: struct mkx_dma_info_msg */
/*
 * Genode's dynamic devices ROM (the ROM-fed `platform`, pci/platform_serve.c):
 * SIGH hands an eventfd the platform driver signals whenever the session's
 * devices document changes (a device's used=, a policy change at run time);
 * the client then fetches it again (DEVICES). ACQUIRE_ANY is Genode's
 * acquire_single_device (payload "") and device_by_type (payload the type):
 * the reply payload is the acquired device's name.
 */
#define MKX_PLATFORM_SIGH	0x10a	/* req: fd 0 = eventfd */
#define MKX_PLATFORM_ACQUIRE_ANY 0x10b	/* req: type\0 ("" = the session's only device); reply: name\0 */

/* Which resource of which device (indices per kind, in devices-document order, as Genode). */
struct mkx_platform_res {
	char		name[16];	/* "BB:DD.F" */
	uint32_t	index;
	uint32_t	flags;		/* MKX_PLATFORM_WC: write-combined, if the BAR is prefetchable */
};
#define MKX_PLATFORM_WC		1
#define MKX_PLATFORM_INTX	2	/* IRQ: INTx even if the function has MSI/MSI-X */
static_assert(sizeof(struct mkx_platform_res) == 24, "wire size");

struct mkx_platform_dma {
	char		name[16];	/* "BB:DD.F", acquired by this session */
	uint64_t	size;		/* ALLOC */
	uint32_t	cache;		/* ALLOC: MKX_DMA_CACHED / UNCACHED */
	uint32_t	id;		/* ADDR, FREE */
};
static_assert(sizeof(struct mkx_platform_dma) == 32, "wire size");

struct mkx_platform {
	struct mkx_session	s;
};

/* Open a Platform session (label: what the policy matches after "client -> "). 0 or -errno with why. */
int	mkx_platform_open(struct mkx_platform *, const char *label, char *why, size_t whylen);
/*
 * The same with ram_quota bytes of the client's RAM quantum donated to
 * the platform driver: they pay the session's DMA buffers (whole 2 MiB
 * huge pages each), which may not exceed them. mkx_platform_open gives
 * MKX_PLATFORM_RAM, enough for a session without DMA.
 */
#define MKX_PLATFORM_RAM	(16ul << 10)
int	mkx_platform_open_ram(struct mkx_platform *, const char *label, unsigned long ram_quota, char *why,
	    size_t whylen);
void	mkx_platform_close(struct mkx_platform *);
/* This session's devices document (malloc'd, NUL-terminated). 0 or -errno. */
int	mkx_platform_devices(struct mkx_platform *, char **xml, size_t *len);
/* Acquire or release a device by name; a refusal's reason in why. 0 or -errno. */
int	mkx_platform_acquire(struct mkx_platform *, const char *name, char *why, size_t whylen);
int	mkx_platform_release(struct mkx_platform *, const char *name);
/*
 * Map memory resource idx of an acquired device into m (as mkx_io_mem_open
 * does; close with mkx_io_mem_close). 0 or -errno with why.
 */
int	mkx_platform_io_mem(struct mkx_platform *, const char *name, unsigned idx, struct mkx_io_mem *m,
	    char *why, size_t whylen);
/*
 * Interrupt idx of an acquired device. 0: MSI-X vector 0 where the
 * function has it, else MSI, else INTx, each one core refuses (MSI needs
 * an IOMMU) falling back to the next; irq->info.type says which it is.
 * idx N > 0: MSI-X vector N (one per queue), refused beyond the function's
 * MSI-X table and where it has no MSI-X (docs/protocol.md). The platform
 * driver opens the IRQ session at core and hands over its socket; the
 * client talks to core directly from then on. Close with mkx_irq_close.
 * 0 or -errno with why.
 */
int	mkx_platform_irq(struct mkx_platform *, const char *name, unsigned idx, struct mkx_irq *irq,
	    char *why, size_t whylen);
/*
 * I/O port resource idx (the device's idx-th I/O BAR) of an acquired device:
 * an IO_PORT session the platform driver opens at core and hands over (RPC
 * path). Close with mkx_io_port_close. 0 or -errno with why.
 */
int	mkx_platform_io_port(struct mkx_platform *, const char *name, unsigned idx, struct mkx_io_port *io,
	    char *why, size_t whylen);
/* The same, INTx only. */
int	mkx_platform_irq_intx(struct mkx_platform *, const char *name, unsigned idx, struct mkx_irq *irq,
	    char *why, size_t whylen);
/*
 * DMA buffers of an acquired device: open d with mkx_dma_open_platform
 * (mkx/dma.h); mkx_dma_alloc, mkx_dma_addr, mkx_dma_free then go through
 * this session.
 */
/*
 * Genode's session semantics (the ROM-fed platform driver): hand the
 * platform driver an eventfd (*fd, non-blocking) signalled when this
 * session's devices document changes. 0 or -errno.
 */
int	mkx_platform_sigh(struct mkx_platform *, int *fd);
/*
 * Acquire name, waiting (up to timeout_ms) while another session holds it:
 * a refusal as busy is followed by no request until the signal (sigfd from
 * mkx_platform_sigh) fired and the document shows the device used="false"
 * again; then one more ACQUIRE. *requests counts the ACQUIRE calls made.
 * 0, -ETIMEDOUT, or the refusal's -errno with why.
 */
int	mkx_platform_acquire_wait(struct mkx_platform *, int sigfd, const char *name, int timeout_ms,
	    unsigned *requests, char *why, size_t whylen);
/* acquire_single_device (type NULL) and device_by_type: the acquired device's name in name. 0 or -errno. */
int	mkx_platform_acquire_any(struct mkx_platform *, const char *type, char *name, size_t namelen, char *why,
	    size_t whylen);
/* The same, write-combined where the BAR allows it (framebuffers). */
int	mkx_platform_io_mem_wc(struct mkx_platform *, const char *name, unsigned idx, struct mkx_io_mem *m,
	    char *why, size_t whylen);

#endif
