/*
 * Block session: blocks of one device (an NVMe namespace, later a disk
 * port or partition) between a block driver (the server) and a client,
 * with Genode's Block::Session semantics: Info (block size, block count,
 * alignment, writeable), and READ, WRITE, SYNC and TRIM requests that
 * travel as in Genode's packet stream: a request queue (client -> driver)
 * and an acknowledgement queue (driver -> client) in shared memory, an
 * eventfd each way as the signal, and a shared data buffer the device
 * reads and writes directly. Core and the session socket carry only the
 * set-up: no block's data is ever copied through them.
 *
 * Set-up (docs/protocol.md, "Block"): the client opens the session with
 * tx_buf_size=N (Genode's argument; the driver rounds it to its DMA unit
 * and bounds it by the client's ram_quota), creates a memfd holding
 * struct mkx_block_queues and two eventfds and hands them over with
 * ATTACH; the reply carries the data buffer (an fd the client maps, its
 * size). A request names a byte offset and a block count in that buffer;
 * the driver checks every field of every request (the queues and the
 * buffer are the client's to scribble on) and acknowledges each one with
 * its tag and a status: 0, or -ERANGE (blocks outside the device),
 * -EINVAL (offset outside the buffer, not aligned, count 0 or over
 * max_blocks), -EPERM (a write or trim under a read-only policy), -EBUSY
 * (the buffer range overlaps a request still in flight), -ENOTSUP (trim
 * where the device has none), -EIO (the device failed it).
 *
 * At most queue_depth requests of a session are in flight at the driver;
 * more may sit in the request queue and are taken as earlier ones are
 * acknowledged (back-pressure, Genode's ready_to_submit). The driver
 * takes a request only while the acknowledgement queue has room for every
 * request it holds, so acks are never dropped; a client that stops
 * reading acks only stops itself.
 */
#ifndef MKX_BLOCK_H
#define MKX_BLOCK_H

#include <assert.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <mkx/session.h>

#define MKX_BLOCK_INFO		0x100	/* reply: struct mkx_block_info */
#define MKX_BLOCK_ATTACH	0x101	/* req: fd 0 memfd (queues), fd 1 kick, fd 2 signal; reply: u64 size, fd 0 buffer */

#define MKX_BLOCK_SLOTS		256	/* entries per queue, a power of two */

/* Request operations (Genode's Block::Operation::Type). */
#define MKX_BLOCK_READ		1
#define MKX_BLOCK_WRITE		2
#define MKX_BLOCK_SYNC		3	/* block and count ignored: everything written before is durable */
#define MKX_BLOCK_TRIM		4	/* the blocks' contents may be discarded */

struct mkx_block_request {
	uint32_t	op;		/* MKX_BLOCK_* */
	uint32_t	tag;		/* the client's, echoed in the ack */
	uint64_t	block;		/* first block */
	uint32_t	count;		/* blocks */
	uint32_t	pad;
	uint64_t	offset;		/* READ/WRITE: byte offset of the data in the buffer */
};
static_assert(sizeof(struct mkx_block_request) == 32, "wire size");

struct mkx_block_ack {
	uint32_t	tag;
	int32_t		status;		/* 0 or -errno, see above */
};
static_assert(sizeof(struct mkx_block_ack) == 8, "wire size");

/*
 * Free-running counters (entry = counter % MKX_BLOCK_SLOTS), each on a
 * cache line of its own. driver_awake: the driver writes 1 when it wakes
 * and 0 before it sleeps, then looks at the queues once more (a fence
 * between); a client that reads 1 after publishing (a fence between)
 * needs no kick, the driver will see its requests or acks before it
 * sleeps. A client writing it only delays itself.
 */
struct mkx_block_queues {
	_Atomic uint32_t		req_head;	/* driver's */
	_Atomic uint32_t		driver_awake;	/* driver's */
	uint8_t				pad0[56];
	_Atomic uint32_t		req_tail;	/* client's */
	uint8_t				pad1[60];
	struct mkx_block_request	req[MKX_BLOCK_SLOTS];
	_Atomic uint32_t		ack_head;	/* client's */
	uint8_t				pad2[60];
	_Atomic uint32_t		ack_tail;	/* driver's */
	uint8_t				pad3[60];
	struct mkx_block_ack		ack[MKX_BLOCK_SLOTS];
};

#define MKX_BLOCK_WRITEABLE	1	/* info.flags */
#define MKX_BLOCK_CAN_TRIM	2

struct mkx_block_info {
	uint64_t	block_count;
	uint32_t	block_size;	/* bytes */
	uint32_t	align_log2;	/* offsets in the buffer are multiples of 1 << align_log2 */
	uint32_t	flags;		/* MKX_BLOCK_WRITEABLE, MKX_BLOCK_CAN_TRIM */
	uint32_t	queue_depth;	/* requests in flight at the driver, at most */
	uint32_t	max_blocks;	/* per request */
	uint32_t	pad;
};
static_assert(sizeof(struct mkx_block_info) == 32, "wire size");

struct mkx_block {
	struct mkx_session	s;
	struct mkx_block_queues	*q;
	int			memfd, kick, signal, buf_fd;
	uint8_t			*buf;		/* the data buffer, buf_size bytes */
	size_t			buf_size;
	struct mkx_block_info	info;
};

/*
 * Open a Block session (label selects the route and the driver's policy)
 * with a data buffer of at least buf_size bytes, attach the queues, read
 * Info. 0 or -errno with why.
 */
int	mkx_block_open(struct mkx_block *, const char *label, size_t buf_size, char *why, size_t whylen);
/* Queue one request; -EAGAIN if the request queue is full. Kick afterwards. */
int	mkx_block_submit(struct mkx_block *, const struct mkx_block_request *);
/* Signal the driver (after one or more submits, or after taking acks): no system call while it is awake. */
void	mkx_block_kick(struct mkx_block *);
/* The next ack: 1 with *ack, 0 if none came within timeout_ms (-1: forever), or -errno. */
int	mkx_block_next_ack(struct mkx_block *, struct mkx_block_ack *ack, int timeout_ms);
void	mkx_block_close(struct mkx_block *);

#endif
