/*
 * The Block service of a block driver (docs/protocol.md, "Block"): sessions
 * by the driver's <policy> elements, each with a DMA data buffer of the
 * driver's Platform session that the client maps, requests checked one by
 * one before the device sees an address, at most `depth` of a session in
 * flight, acks as commands complete. The driver describes its units
 * (namespaces, ports) and submits checked requests to its device; it
 * reports completions with blk_done and, after a controller reset, goes
 * over what was in flight with blk_busy / blk_retry.
 */
#ifndef DRIVERS_BLOCK_SERVICE_H
#define DRIVERS_BLOCK_SERVICE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include <mkx/block.h>
#include <mkx/dma.h>
#include <mkx/xml.h>

#define BLK_CLIENTS_MAX	16
#define BLK_SLOTS_MAX	128
#define BLK_TRIES_MAX	3	/* a command is retried after a reset, failed after this many */

struct blk_unit {
	uint32_t	id;		/* NSID, port number */
	uint64_t	blocks;
	unsigned	block_log2;
};

/* A checked request as the device gets it. */
struct blk_cmd {
	uint32_t		op;		/* MKX_BLOCK_* */
	const struct blk_unit	*unit;
	uint64_t		block;
	uint32_t		count;
	uint64_t		bus;		/* READ/WRITE: the data's bus address (contiguous) */
	size_t			len;		/* READ/WRITE: bytes */
};

struct blk_device {
	const char		*name;		/* in log lines: "nvme" */
	const char		*unit_attr;	/* the policy attribute naming a unit: "namespace", "port" */
	const struct blk_unit	*units;
	unsigned		nunits;
	unsigned		slots;		/* commands in flight at the device, at most (<= BLK_SLOTS_MAX) */
	unsigned		depth;		/* per session */
	size_t			max_bytes;	/* per command */
	int			can_trim;
	uint32_t		max_trim_blocks;	/* per TRIM; 0: no limit (a longer one is refused -EINVAL) */
	struct mkx_dma		*dma;
	const struct mkx_xml	*cfg;		/* holds the <policy> elements */
	/* Start cmd as command slot; 0, or -EAGAIN (the device has no room now: tried again later). */
	int			(*submit)(void *ctx, unsigned slot, const struct blk_cmd *);
	void			*ctx;
};

/* Serve Block sessions for dev (kept by pointer) and announce the service. 0 or -errno. */
int	blk_service_start(struct blk_device *dev);
/* Up to max pollfds for the clients' kicks; their count. */
unsigned blk_poll_fds(struct pollfd *p, unsigned max);
/* After the poll: drain the kicks, take what the clients queued, signal those with new acks. */
void	blk_serve(const struct pollfd *p, unsigned n);
/* Slot's command completed with status (0 or -errno). */
void	blk_done(unsigned slot, int status);
/* Is slot in flight; its age in seconds. */
int	blk_busy(unsigned slot, double *age);
/* After a reset: may slot be tried again (counts the try, restarts its clock)? 0: fail it with blk_done. */
int	blk_retry(unsigned slot);
/* Commands in flight, and submitted since the start. */
unsigned blk_inflight(void);
uint64_t blk_submitted(void);
/* Signal every attached client (after a reset: acks may have come). */
void	blk_signal_all(void);
/*
 * Around the driver's wait: blk_may_sleep before it (0: a client queued
 * work without a kick, do not block), blk_awake after it (clients then
 * need not kick: mkx/block.h, driver_awake).
 */
int	blk_may_sleep(void);
void	blk_awake(void);
/* The coarse monotonic clock in seconds (no system call): for ages, watchdogs and dispatch. */
double	blk_now(void);

#endif
