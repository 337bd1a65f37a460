/*
 * The NVMe controller seen from the driver: reset and enable, the admin
 * queue (polled), Identify, I/O queue pairs (up to NVME_QP_MAX, each on
 * its own MSI-X vector 1..n when the driver has them, else all on vector
 * 0; commands spread over them by command id), PRP
 * lists, and a reset that brings the same queues back. Everything the
 * device reads or writes lies in one DMA buffer of the Platform session
 * (queues, Identify data, PRP lists, DSM ranges) or in a client's data
 * buffer (block data).
 */
#ifndef NVME_H
#define NVME_H

#include <stddef.h>
#include <stdint.h>

#include <mkx/dma.h>
#include <mkx/io_mem.h>
#include "regs.h"

#define NVME_ADMIN_ENTRIES	32
#define NVME_IO_ENTRIES		256	/* at most; CAP.MQES may allow fewer */
#define NVME_SLOTS		128	/* I/O commands in flight (command ids 0..127) */
#define NVME_NS_MAX		8	/* namespaces we serve */
#define NVME_QP_MAX		4	/* I/O queue pairs */
#define NVME_PAGE		4096u	/* CC.MPS = 0 */

struct nvme_ns {
	uint32_t	nsid;
	uint64_t	blocks;
	unsigned	block_log2;
};

struct nvme {
	struct mkx_io_mem	*bar;
	struct mkx_dma_buffer	mem;
	uint64_t		cap;
	unsigned		stride;		/* doorbell stride, bytes */
	unsigned		ready_ms;	/* CAP.TO */
	/* admin queue */
	struct nvme_sqe		*asq;
	volatile struct nvme_cqe *acq;
	unsigned		asq_tail, acq_head, acq_phase;
	uint16_t		acid;
	/* I/O queue pairs 1..nqp (qp[0] is pair 1) */
	struct nvme_qp {
		struct nvme_sqe		*sq;
		volatile struct nvme_cqe *cq;
		unsigned		sq_tail, sq_head, cq_head, cq_phase;
		uint64_t		commands;	/* submitted on this pair since the start */
		uint64_t		completions;	/* reaped from its completion queue */
		unsigned		vector;		/* its completion queue's interrupt vector */
	}			qp[NVME_QP_MAX];
	unsigned		nqp, want_qp, io_entries;
	unsigned		vectors;	/* interrupt vectors the driver waits on (1: INTx, MSI) */
	/* Identify */
	uint8_t			*ident;
	uint64_t		ident_bus;
	char			sn[21], mn[41], fr[9];
	uint32_t		version;
	size_t			max_bytes;	/* per command (MDTS, and one PRP list page) */
	unsigned		nn;
	int			dsm, vwc;
	struct nvme_ns		ns[NVME_NS_MAX];
	unsigned		nns;
	uint64_t		resets;
};

/*
 * Reset the controller and bring it up: admin queue, Identify controller
 * and namespaces, queues I/O queue pairs (fewer if the controller grants
 * fewer). vectors: the interrupt vectors the driver has; with more than the
 * pairs, pair n completes on vector n (the admin queue, polled, keeps 0),
 * else all on vector 0. mem: a DMA buffer of at least 1 MiB only this
 * driver uses. 0 or -errno with why.
 */
int	nvme_init(struct nvme *, struct mkx_io_mem *bar, const struct mkx_dma_buffer *mem, unsigned queues,
	    unsigned vectors, char *why, size_t whylen);
/*
 * After a timeout or controller fatal status: disable, enable, create the
 * I/O queues again (empty). The caller resubmits what was in flight.
 */
int	nvme_reset(struct nvme *, char *why, size_t whylen);
/* The PRPs for len bytes at bus address bus (contiguous); list page of slot if more than two pages. */
void	nvme_prp(struct nvme *, unsigned slot, uint64_t bus, size_t len, struct nvme_sqe *);
/* Where slot's DSM range lives (CPU view) and its bus address. */
struct nvme_dsm_range *nvme_dsm_range(struct nvme *, unsigned slot, uint64_t *bus);
/* Queue sqe with command id slot on pair slot % nqp and ring its doorbell. -EAGAIN if that queue is full. */
int	nvme_submit(struct nvme *, unsigned slot, const struct nvme_sqe *);
/* Completed I/O commands of every pair: done(ctx, cid, status) for each; how many. */
unsigned nvme_reap(struct nvme *, void (*done)(void *, unsigned cid, uint16_t status), void *ctx);
uint32_t nvme_csts(struct nvme *);
/* INTx: mask (1) or unmask (0) the controller's interrupt. */
void	nvme_intx_mask(struct nvme *, int mask);
/* Orderly shutdown (CC.SHN), then disable. */
void	nvme_shutdown(struct nvme *);

#endif
