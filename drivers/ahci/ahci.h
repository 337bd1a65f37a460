/*
 * The AHCI HBA seen from the driver: HBA reset, port detection, a command
 * list, received-FIS area and command tables per port in one DMA buffer,
 * ATA IDENTIFY (polled), reads and writes as READ/WRITE FPDMA QUEUED (NCQ)
 * where HBA and disk have it, else READ/WRITE DMA EXT (non-queued: the
 * HBA runs them one after the other), FLUSH CACHE EXT (non-queued, never
 * while queued commands are out); completion seen as the slot's PxCI and
 * PxSACT bits at 0.
 */
#ifndef AHCI_H
#define AHCI_H

#include <stddef.h>
#include <stdint.h>

#include <mkx/dma.h>
#include <mkx/io_mem.h>
#include "regs.h"

#define AHCI_PORTS	32
#define AHCI_SLOTS	32

struct ahci_port {
	int			present;	/* an ATA disk, identified */
	int			atapi;
	unsigned		no;
	uint64_t		blocks;
	char			model[41];
	struct ahci_cmd_header	*cl;
	struct ahci_cmd_table	*ct[AHCI_SLOTS];
	uint64_t		ct_bus[AHCI_SLOTS];
	uint32_t		issued;		/* slots we issued, not yet seen complete */
	uint32_t		nonq;		/* of them, non-queued commands (never mixed with NCQ ones) */
	int			ncq;		/* HBA and disk do NCQ: reads and writes as FPDMA QUEUED */
	unsigned		ncq_depth;
	int			trim;		/* IDENTIFY word 169 bit 0: DSM TRIM */
	uint64_t		*ranges;	/* the port's DSM range block (512 bytes; one DSM at a time: non-queued) */
	uint64_t		ranges_bus;
	uint32_t		held;		/* test hook: issued, but the HBA was never told (a hung command) */
};

struct ahci {
	struct mkx_io_mem	*abar;
	struct mkx_dma_buffer	mem;
	uint32_t		cap, pi, version;
	unsigned		slots;		/* command slots per port */
	struct ahci_port	port[AHCI_PORTS];
	uint16_t		*ident;
	uint64_t		ident_bus;
	int			hold_next;	/* test hook: the next command is "issued" without PxCI: it hangs */
};

#define AHCI_TRIM_MAX	(DSM_RANGES * DSM_RANGE_MAX)	/* blocks per TRIM (one range block) */

/* Reset the HBA, set up every implemented port, IDENTIFY the ATA disks. 0 or -errno with why. */
int	ahci_init(struct ahci *, struct mkx_io_mem *abar, const struct mkx_dma_buffer *mem, char *why, size_t whylen);
/*
 * Issue an ATA command in slot of port: READ/WRITE DMA EXT (bus, len: the
 * contiguous data; sent as FPDMA QUEUED on an NCQ port), FLUSH CACHE EXT
 * (len 0). -EBUSY if the slot is in use, -EAGAIN if queued and non-queued
 * commands would mix (try again when the port has drained).
 */
int	ahci_issue(struct ahci *, unsigned port, unsigned slot, uint8_t command, uint64_t lba, uint32_t count,
	    uint64_t bus, size_t len);
/*
 * Completed slots of port since the last call: done(ctx, port, slot, ok)
 * for each. A task file error stops the port: it is restarted and what
 * it had issued is reported failed.
 */
unsigned ahci_reap(struct ahci *, unsigned port, void (*done)(void *, unsigned, unsigned, int), void *ctx);
/* TRIM count blocks from lba as DATA SET MANAGEMENT (non-queued) in slot: as ahci_issue; -EINVAL over AHCI_TRIM_MAX. */
int	ahci_trim(struct ahci *, unsigned port, unsigned slot, uint64_t lba, uint32_t count);
/*
 * Restart port (a command timed out): stop it (COMRESET if the engine
 * does not stop), start it again; the slots it had issued are returned
 * and forgotten (the caller retries or fails them).
 */
uint32_t ahci_restart(struct ahci *, unsigned port);
/* Clear the HBA's interrupt status (after reaping). */
void	ahci_ack(struct ahci *);

#endif
