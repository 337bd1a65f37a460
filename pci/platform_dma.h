/*
 * DMA buffers through the Platform session: the platform driver holds
 * core's DMA session of each acquired function that asked for one, opened
 * with the function's DMA limit, and forwards the client's ALLOC, ADDR,
 * FREE and INFO to it. It closes that session only after the function is
 * quiesced (pci/platform.c, release), so core frees the buffers with bus
 * master already off.
 */
#ifndef PCI_PLATFORM_DMA_H
#define PCI_PLATFORM_DMA_H

#include <stdint.h>

#include <mkx/platform.h>
#include <mkx/server.h>
#include <mkx/session.h>

#include "pci.h"

/* Buffers of one device a Platform session may hold (each costs at least 4 KiB of its quota anyway). */
#define PCI_DMA_BUFFERS_MAX	16384
/*
 * Huge-page memory core may hold for one device's buffers beyond what
 * they cost the client (Genode's max(4 KiB, size) each): the unused rest of
 * the pages small buffers share, paid from our own quantum. More than one
 * page of it (the session's buffers scattered over many pages) is refused.
 */
#define PCI_DMA_SLACK		(2ull << 20)

/* A buffer, and the dataspace (core's chunk of huge pages) it lies in. */
struct pci_dma_buf {
	uint32_t	id, chunk;
	uint64_t	size, chunk_size;
};

/* core's DMA session of one acquired function, and the buffers held there (for the session's dma_quota). */
struct pci_dma {
	struct mkx_session	s;
	int			open;
	struct pci_dma_buf	*buf;
	unsigned		nbuf, room;
	uint64_t		bytes;		/* what its live buffers cost the client */
};

/*
 * Buffers a Platform session freed, or whose device it released, that
 * core may still keep charged to us (a process still holds one: core
 * cannot take it back; or its pages were punched and core keeps them until
 * bus master is off). They count against the session's room until core
 * says it released them (pci_dma_settle): a client that frees and keeps
 * its buffers gets no more than its quota, and our own quantum, which
 * other sessions share, pays nothing for it.
 */
struct pci_dma_freed {
	struct pci_dma_buf	*buf;
	unsigned		n, room;
	uint64_t		bytes;		/* the dataspaces core still keeps for them, each counted once */
};

/*
 * Forward one MKX_PLATFORM_DMA_* op of f (acquired by the caller's session
 * labelled label) to core, opening core's DMA session at the first, in
 * IOMMU domain `domain` (the Platform session's id: all devices of one
 * session share one domain, two sessions never do). Core's
 * reply (and its fd) goes into r; a refusal's reason into why. A buffer
 * larger than room (bytes left of the session's ram_quota, or of the policy's dma_quota if less) is given back
 * to core and refused with -EDQUOT. 0 or -errno.
 */
int	pci_dma_forward(struct pci_dma *, struct pci_dma_freed *fr, const struct pci_fn *f, const char *label,
	    unsigned domain, uint64_t room, uint16_t op, const struct mkx_platform_dma *q, struct mkx_reply *r,
	    char *why, size_t whylen);
/*
 * Before an ALLOC: ask core (through d, opened if need be) which of the
 * session's freed buffers it still keeps; those it released leave fr.
 * 0 or -errno with why (fr unchanged: they still count).
 */
int	pci_dma_settle(struct pci_dma *d, struct pci_dma_freed *fr, const struct pci_fn *f, const char *label,
	    unsigned domain, char *why, size_t whylen);
/* End core's DMA session of f (core frees its buffers): only once f is quiesced. Its buffers go to fr. */
void	pci_dma_close(struct pci_dma *, struct pci_dma_freed *fr);
/* The session is gone: forget fr (core's charge for what it still keeps is the broker's matter then). */
void	pci_dma_freed_drop(struct pci_dma_freed *fr);

#endif
