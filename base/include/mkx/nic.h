/*
 * Nic session: Ethernet frames between a NIC driver (the server) and one
 * client, in the spirit of Genode's Nic/Uplink sessions: packets travel
 * through shared memory the client provides, signals through eventfds,
 * and the session socket carries only set-up and status.
 *
 * The client creates a memfd holding struct mkx_nic_shm (two rings of
 * fixed-size slots: tx client -> driver, rx driver -> client; each ring
 * has one producer and one consumer) and two eventfds, and hands all
 * three over with ATTACH. It writes 1 to `kick` after producing tx frames
 * or consuming rx frames; the driver writes 1 to `signal` after producing
 * rx frames or consuming tx frames. The driver checks every length and
 * index the client wrote: shared memory is the client's to scribble on.
 */
#ifndef MKX_NIC_H
#define MKX_NIC_H

#include <assert.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <mkx/session.h>

#define MKX_NIC_ATTACH	0x100	/* req: fd 0 = memfd (struct mkx_nic_shm), fd 1 = kick eventfd, fd 2 = signal eventfd */
#define MKX_NIC_INFO	0x101	/* reply: struct mkx_nic_info */

#define MKX_NIC_SLOTS		256		/* per ring, a power of two */
#define MKX_NIC_SLOT_SIZE	2048
#define MKX_NIC_MTU_FRAME	1514		/* largest frame without FCS */

struct mkx_nic_slot {
	uint32_t	len;
	uint8_t		data[MKX_NIC_SLOT_SIZE - 4];
};

/* Free-running counters; slot = counter % MKX_NIC_SLOTS. Each on its own cache line. */
struct mkx_nic_ring {
	_Atomic uint32_t	head;		/* consumer's */
	uint8_t			pad0[60];
	_Atomic uint32_t	tail;		/* producer's */
	uint8_t			pad1[60];
	struct mkx_nic_slot	slot[MKX_NIC_SLOTS];
};

struct mkx_nic_shm {
	struct mkx_nic_ring	tx;		/* client produces, driver consumes */
	struct mkx_nic_ring	rx;		/* driver produces, client consumes */
};

struct mkx_nic_info {
	uint8_t		mac[6];
	uint8_t		link_up;
	uint8_t		pad;
	uint32_t	speed_mbps;
	uint64_t	tx_frames, rx_frames, interrupts;
};
static_assert(sizeof(struct mkx_nic_info) == 36 || sizeof(struct mkx_nic_info) == 40, "wire size");

struct mkx_nic {
	struct mkx_session	s;
	struct mkx_nic_shm	*shm;
	int			memfd, kick, signal;
	struct mkx_nic_info	info;
};

/* Open the Nic session (label selects the route) and attach shared memory. 0 or -errno with why. */
int	mkx_nic_open(struct mkx_nic *, const char *label, char *why, size_t whylen);
/* Queue one frame; -EAGAIN when the tx ring is full, -EINVAL when it is too long. */
int	mkx_nic_send(struct mkx_nic *, const void *frame, size_t len);
/* Signal the driver (after one or more sends). */
void	mkx_nic_kick(struct mkx_nic *);
/* Next received frame into buf: its length, 0 if none came within timeout_ms, or -errno. */
int	mkx_nic_recv(struct mkx_nic *, void *buf, size_t max, int timeout_ms);
/* INFO: MAC, link, counters. 0 or -errno. */
int	mkx_nic_info(struct mkx_nic *);
void	mkx_nic_close(struct mkx_nic *);

#endif
