/*
 * Taking a block controller through the Platform session (block_hw.c): the
 * part nvme and ahci share before their own device code starts.
 */
#ifndef DRIVERS_BLOCK_HW_H
#define DRIVERS_BLOCK_HW_H

#include <stddef.h>
#include <stdint.h>

#include <mkx/dma.h>
#include <mkx/irq.h>
#include <mkx/platform.h>

/* Where the driver keeps what it gets; pci in: the function its config named ("" = any). */
struct blk_hw {
	struct mkx_platform	*platform;
	struct mkx_io_mem	*bar;
	struct mkx_irq		*irq;
	struct mkx_dma		*dma;
	char			*pci;
	size_t			pcilen;
};

/*
 * Open the Platform session as `label` (dma_quota), find the first function
 * with (class & mask) == class (and the config's name, if any; `what` names
 * it in the error), acquire it, its BAR bar_index, its interrupt and its DMA
 * session, retrying while another session holds it for at most acquire_ms.
 * 0, or -errno after an error line.
 */
int	blk_hw_acquire(const struct blk_hw *, const char *label, const char *what, uint32_t class, uint32_t mask,
	    unsigned bar_index, unsigned long dma_quota, unsigned long acquire_ms);

#endif
