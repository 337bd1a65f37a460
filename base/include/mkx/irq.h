/*
 * IRQ session: interrupts of one PCI function (legacy INTx, or an MSI /
 * MSI-X vector), as an fd that becomes readable on each interrupt. A
 * legacy line stays masked until the client acks (Genode's ack_irq
 * semantics); MSI is edge-triggered and needs no ack.
 *
 * Session args (docs/protocol.md): ours, pci="BB:DD.F", or Genode's
 * irq_number, irq_trigger, irq_polarity, irq_type (0 legacy, 1 MSI,
 * 2 MSI-X), device_config_phys (the function's ECAM page), bdf; plus
 * vector=N (MSI-X table entry).
 */
#ifndef MKX_IRQ_H
#define MKX_IRQ_H

#include <stddef.h>
#include <stdint.h>
#include <mkx/session.h>

#define MKX_IRQ_SIGH	0x100	/* req: fd 0 = eventfd that core signals per interrupt */
#define MKX_IRQ_ACK	0x101	/* unmask the line (RPC: core unmasks, then replies) */
#define MKX_IRQ_INFO	0x102	/* reply: struct mkx_irq_info_msg */
#define MKX_IRQ_FD	0x103	/* reply: fd 0 = the interrupt source itself; u32 format (see below) */
#define MKX_IRQ_ACK_FD	0x104	/* reply: fd 0 = the fd the client writes 8 bytes to, to ack; u32 how */

/* MKX_IRQ_FD's format: what a read of the source yields. */
#define MKX_IRQ_FD_UIO_COUNT	0	/* 4-byte cumulative count (UIO) */
#define MKX_IRQ_FD_EVENTFD	1	/* 8-byte eventfd counter (VFIO) */

/* MKX_IRQ_ACK_FD's how: who unmasks after the client's write. */
#define MKX_IRQ_ACK_BY_KERNEL	0	/* VFIO's unmask eventfd: core is not involved */
#define MKX_IRQ_ACK_BY_CORE	1	/* a socket core watches (UIO): no reply awaited */

/* INFO's flags */
#define MKX_IRQ_INFO_NO_ACK	1	/* nothing to unmask (MSI): an ack is a no-op */

/* INFO's reply. The first 8 bytes are version 1's (gsi, type). */
struct mkx_irq_info_msg {
	uint32_t	gsi;		/* legacy: the GSI; else what the function's INTx would use */
	uint32_t	type;		/* 0 legacy, 1 MSI, 2 MSI-X (irq_type) */
	uint32_t	info_type;	/* Genode's Info::Type: 0 INVALID, 1 MSI */
	uint32_t	flags;		/* MKX_IRQ_INFO_* */
	uint64_t	address;	/* Genode's Info: MSI address the device holds */
	uint64_t	value;		/* Genode's Info: MSI data */
};

/*
 * Delivery: where the backend allows it, core hands the client the
 * interrupt source itself (MKX_IRQ_FD: UIO's /dev/uioN fd, VFIO's trigger
 * eventfd), so core is not on the delivery path. Otherwise core forwards
 * each interrupt to an eventfd (MKX_IRQ_SIGH). Acks go, where possible,
 * through an eventfd (MKX_IRQ_ACK_FD), else by RPC. mkx_irq_* pick the
 * way; a driver does not see which.
 */
enum mkx_irq_ack_mode { MKX_IRQ_ACK_AUTO, MKX_IRQ_ACK_RPC };

struct mkx_irq {
	struct mkx_session	s;
	int			fd;	/* readable after an interrupt */
	int			direct;	/* fd is the source, not core's eventfd */
	unsigned		format;	/* direct: MKX_IRQ_FD_* */
	uint32_t		last;	/* direct UIO: the count seen last */
	uint32_t		gsi;
	int			ack_fd;	/* -1: ack by RPC */
	unsigned		ack_how;
	struct mkx_irq_info_msg	info;
	int			unacked;	/* legacy: delivered, not yet acked */
	int			force_rpc;	/* mkx_irq_ack_by_rpc */
	unsigned		echoes;		/* legacy: counts dropped while unacked (shared UIO line) */
};

/* Open the IRQ session of function pci ("00:03.0"), INTx. 0 or -errno with why. */
int	mkx_irq_open(struct mkx_irq *, const char *pci, char *why, size_t whylen);

/*
 * Open an IRQ session with these args (Genode's or pci=; ram_quota is
 * added), acks as mode says (AUTO: the ack fd where core offers one).
 */
int	mkx_irq_open_args(struct mkx_irq *, const char *args, enum mkx_irq_ack_mode mode,
	    char *why, size_t whylen);

/*
 * Take over an IRQ session socket someone else opened (the platform driver
 * hands its clients the sessions of their devices' interrupts) and set it
 * up as mkx_irq_open_args does. The socket is the irq's from now on.
 */
int	mkx_irq_attach(struct mkx_irq *, int sock, enum mkx_irq_ack_mode mode, char *why, size_t whylen);
/*
 * Wait up to timeout_ms (-1: forever) for interrupts. Returns how many
 * arrived since the last wait (>= 1), 0 on timeout, or -errno. A legacy
 * line returns 1 at most once per ack.
 */
int	mkx_irq_wait(struct mkx_irq *, int timeout_ms);

/* Unmask the line after the device was serviced. 0 or -errno. */
int	mkx_irq_ack(struct mkx_irq *);

/* Ack by RPC from now on (on = 1) or as opened (0): benchmarks compare both. */
void	mkx_irq_ack_by_rpc(struct mkx_irq *, int on);

/* How acks go: "eventfd (kernel)", "socket (core)", "none (MSI)" or "rpc". */
const char *mkx_irq_ack_path(const struct mkx_irq *);

void	mkx_irq_close(struct mkx_irq *);

#endif
