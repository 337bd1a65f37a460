/*
 * IRQ session: interrupts of one PCI function (legacy INTx today), as an
 * eventfd that becomes readable on each interrupt. The line stays masked
 * until the client acks (Genode's ack_irq semantics). Session arg:
 * pci="BB:DD.F" (the platform driver will name devices for its clients).
 */
#ifndef MKX_IRQ_H
#define MKX_IRQ_H

#include <stddef.h>
#include <stdint.h>
#include <mkx/session.h>

#define MKX_IRQ_SIGH	0x100	/* req: fd 0 = eventfd that core signals per interrupt */
#define MKX_IRQ_ACK	0x101	/* unmask the line */
#define MKX_IRQ_INFO	0x102	/* reply: u32 gsi, u32 type (0 = legacy INTx) */
#define MKX_IRQ_FD	0x103	/* reply: fd 0 = the interrupt source itself (see below) */

/*
 * Delivery: where the backend allows it, core hands the client the
 * interrupt source itself (MKX_IRQ_FD: for UIO the /dev/uioN fd, which can
 * do nothing but wait for this function's interrupts: 4-byte cumulative
 * counts), so core is not on the delivery path; only the ack goes through
 * core. Otherwise core forwards each interrupt to an eventfd (MKX_IRQ_SIGH).
 * mkx_irq_* pick the way; a driver does not see which.
 */
struct mkx_irq {
	struct mkx_session	s;
	int			fd;	/* readable after an interrupt */
	int			direct;	/* fd is the source (4-byte counts), not an eventfd */
	uint32_t		last;	/* direct: the count seen last */
	uint32_t		gsi;
};

/* Open the IRQ session of function pci ("00:03.0"). 0 or -errno with why. */
int	mkx_irq_open(struct mkx_irq *, const char *pci, char *why, size_t whylen);

/*
 * Wait up to timeout_ms (-1: forever) for interrupts. Returns how many
 * arrived since the last wait (>= 1), 0 on timeout, or -errno.
 */
int	mkx_irq_wait(struct mkx_irq *, int timeout_ms);

/* Unmask the line after the device was serviced. 0 or -errno. */
int	mkx_irq_ack(struct mkx_irq *);

void	mkx_irq_close(struct mkx_irq *);

#endif
