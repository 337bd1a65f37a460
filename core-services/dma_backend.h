/*
 * How core obtains DMA memory and makes a device reach it (docs/dma.md).
 * Three mechanisms, one file each:
 *
 *  - memory: linux/dma_hugetlb.c: hugetlb memfds from a pool of huge
 *    pages core reserves at start; the physical address from
 *    /proc/self/pagemap (only core may read it), contiguity checked.
 *  - IOMMU: linux/dma_vfio.c: the same memory mapped at an IOVA into the
 *    VFIO container of the session's IOMMU domain (its owner's domain=<n>,
 *    or the function's own; shared with the IRQ back end, linux/irq_vfio.c).
 *  - device: linux/dma_bus_master.c: the bus master bit of the function's
 *    command register (off before a buffer is freed).
 *
 * sim/dma_sim.c implements all three without hardware for host tests.
 */
#ifndef DMA_BACKEND_H
#define DMA_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One buffer's memory, as the memory mechanism hands it out. */
struct dma_mem {
	int		fd;		/* core's one open file of the buffer (a memfd of exactly it) */
	size_t		size;		/* bytes of the fd (a huge-page multiple) */
	uint64_t	phys;		/* physical address of byte 0; contiguous over size */
	void		*map;		/* core's own mapping, never touched after the allocation (intact) */
	int		pin;		/* a pipe (read end) holding a reference to every page: -1 none */
	int		pin_wr;		/* its write end, kept to reuse the pipe once emptied: -1 none */
};

struct dma_mem_ops {
	const char	*name;
	size_t		page_size;	/* the unit of allocation (2 MiB huge pages) */
	/* At core's start: reserve pages (0: use what the kernel has). 0 or -errno with why. */
	int	(*reserve)(unsigned long pages, char *why, size_t whylen);
	/*
	 * size bytes (rounded up to page_size); with contiguous, physically
	 * contiguous with the last byte at or below limit (without an IOMMU
	 * the device sees physical addresses). 0, or -errno with why: -ENOMEM
	 * no pages left, -ERANGE none below limit, -EFBIG not contiguous.
	 */
	int	(*alloc)(size_t size, int contiguous, uint64_t limit, struct dma_mem *, char *why, size_t whylen);
	void	(*free)(struct dma_mem *);
	/*
	 * Are the pages handed out still the file's pages? 1 yes; 0 a holder of
	 * the buffer's file punched them out (fallocate PUNCH_HOLE, madvise
	 * MADV_REMOVE): the physical pages the device was given stay pinned
	 * by core (pin) until free, never back in the pool before; -errno
	 * cannot tell (counts as punched).
	 */
	int	(*intact)(const struct dma_mem *);
	/* Pages still free in the pool (for messages), or -errno. */
	long	(*pages_free)(void);
};

struct dma_iommu_ops {
	const char	*name;
	/* 1 if an IOMMU translates bdf's transactions (then buffers get IOVAs), else 0 with why. */
	int	(*translated)(unsigned bdf, char *why, size_t whylen);
	/*
	 * The function's IOMMU domain (VFIO container), held until domain_put:
	 * with domain >= 0 the one owner named so (every function of owner's
	 * domain n is in it and reaches what is mapped there; refused if the
	 * function is in another domain already), with -1 one of its own.
	 * 0 or -errno with why.
	 */
	int	(*domain_get)(unsigned bdf, const void *owner, long domain, void **dom, char *why, size_t whylen);
	void	(*domain_put)(void *dom);
	/* The IOVA space dom maps into: sessions with the same space share (and must not reuse) IOVAs. */
	const void *(*space)(void *dom);
	/* Map m at iova for device reads and writes; 0 or -errno with why. */
	int	(*map)(void *dom, const struct dma_mem *m, uint64_t iova, char *why, size_t whylen);
	int	(*unmap)(void *dom, const struct dma_mem *m, uint64_t iova);
};

struct dma_device_ops {
	const char	*name;
	/* Vendor and device ID of bdf, or -ENOENT. */
	int	(*identify)(unsigned bdf, unsigned *vendor, unsigned *device);
	/* Set or clear bus master; returns the command register read back, or -errno. */
	int	(*bus_master)(unsigned bdf, int on);
};

extern const struct dma_mem_ops dma_hugetlb, dma_mem_sim;

/*
 * linux/dma_lease.c: who holds a buffer, from the kernel (a write lease
 * is granted only while no other open file of the inode exists: open,
 * mapped or in flight). Both memory mechanisms keep in dma_mem.fd core's
 * one open file of the buffer (dma_lease_own), mapped through it; a
 * client gets another (dma_lease_share).
 */
void	dma_lease_init(void);		/* at core's start: a lease's break signal (SIGIO) ignored */
int	dma_lease_own(int memfd);	/* memfd made 0600, a counted reopen replaces it: the fd, or -errno */
int	dma_lease_share(int fd);	/* another open file of fd's buffer for a client: the fd, or -errno */
int	dma_lease_held(int fd);		/* 1 another open file exists, 0 none, other -errno: cannot tell */
int	dma_lease_held_keep(int fd);	/* the same, but on 0 the lease stays core's until fd is closed */
int	dma_lease_punch(int fd, size_t size);	/* the pages freed at once (held by nobody else): 0 or -errno */
extern const struct dma_iommu_ops dma_vfio, dma_iommu_sim;
extern const struct dma_device_ops dma_bus_master, dma_device_sim;



/* sim only, for tests: make bdf look IOMMU-translated (1) or not (0); the command register of bdf. */
void	dma_sim_set_iommu(int on);
int	dma_sim_command(unsigned bdf);
/* sim only: the log of bus-master and free events ("M0 00:03.0", "F 3"), for ordering checks. */
const char *dma_sim_events(void);
void	dma_sim_reset(void);

#endif
