/*
 * The 82574 seen from the driver: one 2 MiB DMA buffer from the DMA
 * session holds both descriptor rings and a 2 KiB packet buffer per
 * descriptor, so the device is given bus addresses only inside it. The
 * descriptor layouts are the legacy ones (regs.h).
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "regs.h"
#include "e1000e.h"

#define RX_RING_OFF	0x000000
#define TX_RING_OFF	0x001000
#define RX_BUF_OFF	0x010000
#define TX_BUF_OFF	0x100000

static uint32_t
rd(struct e1000e *e, unsigned reg)
{
	return mkx_mmio_read32(e->bar, reg);
}

static void
wr(struct e1000e *e, unsigned reg, uint32_t v)
{
	mkx_mmio_write32(e->bar, reg, v);
}

int
e1000e_init(struct e1000e *e, struct mkx_io_mem *bar, const struct mkx_dma_buffer *mem)
{
	uint8_t *base = mem->va;
	uint32_t ral, rah;
	int i;

	if (mem->size < TX_BUF_OFF + RING_SIZE * BUF_SIZE)
		return -ENOSPC;
	memset(e, 0, sizeof *e);
	e->bar = bar;
	e->mem = *mem;
	/* Quiet first: no causes, then a full reset (it clears rings and filters). */
	wr(e, IMC, ~0u);
	wr(e, CTRL, rd(e, CTRL) | CTRL_RST);
	usleep(10000);
	for (i = 0; i < 1000 && (rd(e, CTRL) & CTRL_RST); i++)
		usleep(1000);
	if (rd(e, CTRL) & CTRL_RST)
		return -ETIMEDOUT;
	wr(e, IMC, ~0u);
	rd(e, ICR);
	wr(e, CTRL, rd(e, CTRL) | CTRL_SLU | CTRL_ASDE);

	ral = rd(e, RAL0);
	rah = rd(e, RAH0);
	for (i = 0; i < 4; i++)
		e->mac[i] = (uint8_t)(ral >> (8 * i));
	e->mac[4] = (uint8_t)rah;
	e->mac[5] = (uint8_t)(rah >> 8);
	wr(e, RAH0, rah | RAH_AV);
	for (i = 0; i < 128; i++)
		wr(e, MTA + 4 * (unsigned)i, 0);

	/* Receive: every descriptor owns a buffer; the device may fill all but one. */
	e->rx = (struct e1000e_rx_desc *)(base + RX_RING_OFF);
	e->rx_buf = base + RX_BUF_OFF;
	e->rx_buf_bus = mem->bus + RX_BUF_OFF;
	for (i = 0; i < RING_SIZE; i++) {
		e->rx[i].addr = e->rx_buf_bus + (uint64_t)i * BUF_SIZE;
		e->rx[i].status = 0;
	}
	wr(e, RDBAL, (uint32_t)(mem->bus + RX_RING_OFF));
	wr(e, RDBAH, (uint32_t)((mem->bus + RX_RING_OFF) >> 32));
	wr(e, RDLEN, RING_SIZE * sizeof(struct e1000e_rx_desc));
	wr(e, RDH, 0);
	wr(e, RDT, RING_SIZE - 1);
	wr(e, RDTR, 0);
	/*
	 * Legacy descriptors and no offloads, whatever a previous driver left:
	 * Linux's e1000e sets RFCTL.EXSTEN, which a reset on QEMU's 82574 does not clear.
	 */
	wr(e, RFCTL, 0);
	wr(e, RXCSUM, 0);
	wr(e, RCTL, RCTL_EN | RCTL_BAM | RCTL_BSIZE_2048 | RCTL_SECRC);

	/* Transmit. */
	e->tx = (struct e1000e_tx_desc *)(base + TX_RING_OFF);
	e->tx_buf = base + TX_BUF_OFF;
	e->tx_buf_bus = mem->bus + TX_BUF_OFF;
	memset(e->tx, 0, RING_SIZE * sizeof *e->tx);
	wr(e, TDBAL, (uint32_t)(mem->bus + TX_RING_OFF));
	wr(e, TDBAH, (uint32_t)((mem->bus + TX_RING_OFF) >> 32));
	wr(e, TDLEN, RING_SIZE * sizeof(struct e1000e_tx_desc));
	wr(e, TDH, 0);
	wr(e, TDT, 0);
	wr(e, TIDV, 1);
	wr(e, TIPG, 8 | 8 << 10 | 6 << 20);
	wr(e, TCTL, TCTL_EN | TCTL_PSP | TCTL_CT(0x0f) | TCTL_COLD(0x3f));

	rd(e, ICR);
	rd(e, GPTC);	/* statistics clear on read: count from here */
	wr(e, IMS, ICR_LSC | ICR_RXT0 | ICR_RXDMT0 | ICR_RXO | ICR_TXDW);
	return 0;
}

int
e1000e_link(struct e1000e *e, int timeout_ms, unsigned *mbps)
{
	static const unsigned speeds[] = { 10, 100, 1000, 1000 };
	uint32_t st = rd(e, STATUS);

	for (int i = 0; i < timeout_ms && !(st & STATUS_LU); i += 10) {
		usleep(10000);
		st = rd(e, STATUS);
	}
	*mbps = speeds[STATUS_SPEED(st)];
	return !!(st & STATUS_LU);
}

int
e1000e_tx(struct e1000e *e, const void *frame, size_t len)
{
	unsigned i = e->tx_tail;
	struct e1000e_tx_desc *d = &e->tx[i];

	if ((i + 1) % RING_SIZE == e->tx_clean)
		return -EAGAIN;
	memcpy(e->tx_buf + (size_t)i * BUF_SIZE, frame, len);
	d->addr = e->tx_buf_bus + (uint64_t)i * BUF_SIZE;
	d->length = (uint16_t)len;
	d->cso = 0;
	d->cmd = TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS;
	d->status = 0;
	d->css = 0;
	d->special = 0;
	e->tx_tail = (i + 1) % RING_SIZE;
	e->tx_frames++;
	return 0;
}

void
e1000e_tx_flush(struct e1000e *e)
{
	/* The descriptors must be in memory before the device hears of them. */
	atomic_thread_fence(memory_order_release);
	wr(e, TDT, e->tx_tail);
}

unsigned
e1000e_tx_reclaim(struct e1000e *e)
{
	unsigned n = 0;

	while (e->tx_clean != e->tx_tail && (((volatile struct e1000e_tx_desc *)e->tx)[e->tx_clean].status & TXD_STAT_DD)) {
		e->tx_clean = (e->tx_clean + 1) % RING_SIZE;
		n++;
	}
	return n;
}

int
e1000e_rx(struct e1000e *e, void *out, size_t max)
{
	volatile struct e1000e_rx_desc *d = &e->rx[e->rx_next];
	unsigned i = e->rx_next;
	size_t len;
	int rc;

	if (!(d->status & RXD_STAT_DD))
		return 0;
	atomic_thread_fence(memory_order_acquire);	/* the frame before we read it */
	len = d->length;
	/* One buffer per frame (2 KiB holds any standard frame): anything else is dropped. */
	if (!(d->status & RXD_STAT_EOP) || d->errors || len > BUF_SIZE || len > max)
		rc = -EIO;
	else {
		memcpy(out, e->rx_buf + (size_t)i * BUF_SIZE, len);
		rc = (int)len;
		e->rx_frames++;
	}
	d->status = 0;
	e->rx_next = (i + 1) % RING_SIZE;
	atomic_thread_fence(memory_order_release);
	wr(e, RDT, i);	/* the descriptor is the device's again */
	return rc;
}

uint64_t
e1000e_device_tx_count(struct e1000e *e)
{
	e->gptc += rd(e, GPTC);
	return e->gptc;
}

void
e1000e_msix_vector0(struct e1000e *e)
{
	e->msix = 1;
	wr(e, IVAR, IVAR_RXQ0(0) | IVAR_TXQ0(0) | IVAR_OTHER(0));
	wr(e, EIAC, 0);		/* no auto-clear: e1000e_causes clears what it read */
	wr(e, IMS, ICR_RXQ0 | ICR_TXQ0 | ICR_OTHER);
}

uint32_t
e1000e_causes(struct e1000e *e)
{
	uint32_t c = rd(e, ICR);

	if (e->msix)	/* in MSI-X mode a read does not clear ICR (82574 datasheet 7.4.5): write 1s to clear */
		wr(e, ICR, c);
	return c;
}

void
e1000e_stop(struct e1000e *e)
{
	wr(e, IMC, ~0u);
	wr(e, RCTL, 0);
	wr(e, TCTL, 0);
	rd(e, ICR);
}
