/* The 82574 device side of the driver: reset, rings in one DMA buffer, transmit, receive, causes. */
#ifndef NIC_E1000E_H
#define NIC_E1000E_H

#include <stddef.h>
#include <stdint.h>

#include <mkx/dma.h>
#include <mkx/io_mem.h>

#define RING_SIZE	256		/* descriptors per ring */
#define BUF_SIZE	2048		/* per descriptor */

struct e1000e {
	struct mkx_io_mem	*bar;
	struct mkx_dma_buffer	mem;		/* rings and packet buffers, one 2 MiB DMA buffer */
	struct e1000e_rx_desc	*rx;
	struct e1000e_tx_desc	*tx;
	uint8_t			*rx_buf, *tx_buf;
	uint64_t		rx_buf_bus, tx_buf_bus;
	unsigned		rx_next;	/* next descriptor the device fills */
	unsigned		tx_tail;	/* next descriptor we fill */
	unsigned		tx_clean;	/* oldest descriptor not yet done */
	uint8_t			mac[6];
	uint64_t		tx_frames, rx_frames;
	uint64_t		gptc;		/* GPTC summed */
	int			msix;		/* causes routed to MSI-X vector 0: ICR is cleared by writing it */
};

/* Reset, read the MAC, set up both rings in mem, enable rx/tx and the interrupt causes. 0 or -errno. */
int	e1000e_init(struct e1000e *, struct mkx_io_mem *bar, const struct mkx_dma_buffer *mem);
/* Wait up to timeout_ms for link; 1 up, 0 down. */
int	e1000e_link(struct e1000e *, int timeout_ms, unsigned *mbps);
/* Queue one frame; -EAGAIN if the ring is full. The caller writes TDT with e1000e_tx_flush. */
int	e1000e_tx(struct e1000e *, const void *frame, size_t len);
void	e1000e_tx_flush(struct e1000e *);
/* Reclaim transmitted descriptors; how many. */
unsigned e1000e_tx_reclaim(struct e1000e *);
/* The next received frame (copied to out, at most max bytes): its length, 0 if none, -EIO if bad. */
int	e1000e_rx(struct e1000e *, void *out, size_t max);
/* Good packets the device transmitted since init (its GPTC statistic, which clears on read, summed). */
uint64_t e1000e_device_tx_count(struct e1000e *);
/*
 * The interrupt is MSI-X (what the platform driver picks where it can): in
 * that mode the 82574 signals its queue causes and "other" through the
 * vectors IVAR names; route all three to vector 0, the one we hold.
 */
void	e1000e_msix_vector0(struct e1000e *);
/* Read (and so clear) the interrupt causes. */
uint32_t e1000e_causes(struct e1000e *);
/* Mask every cause and stop rx and tx (before giving the device up). */
void	e1000e_stop(struct e1000e *);

#endif
