/*
 * AHCI HBA registers, command list and table, and the ATA commands this
 * driver uses, from the Serial ATA AHCI specification (1.3.1) and ATA/ATAPI
 * command set (ACS): generic host control, port registers, command header,
 * PRDT entry, register host-to-device FIS.
 */
#ifndef AHCI_REGS_H
#define AHCI_REGS_H

#include <assert.h>
#include <stdint.h>

/* Generic host control (ABAR) */
#define HBA_CAP		0x00
#define HBA_GHC		0x04
#define HBA_IS		0x08
#define HBA_PI		0x0c
#define HBA_VS		0x10

#define CAP_NP(c)	((c) & 0x1f)			/* ports - 1 */
#define CAP_NCS(c)	(((c) >> 8) & 0x1f)		/* command slots - 1 */
#define CAP_SNCQ	(1u << 30)	/* native command queuing */
#define CAP_S64A	(1u << 31)

#define GHC_HR		(1u << 0)
#define GHC_IE		(1u << 1)
#define GHC_AE		(1u << 31)

/* Port registers at 0x100 + port * 0x80 */
#define PORT(p)		(0x100u + (unsigned)(p) * 0x80u)
#define PX_CLB		0x00
#define PX_CLBU		0x04
#define PX_FB		0x08
#define PX_FBU		0x0c
#define PX_IS		0x10
#define PX_IE		0x14
#define PX_CMD		0x18
#define PX_TFD		0x20
#define PX_SIG		0x24
#define PX_SSTS		0x28
#define PX_SCTL		0x2c	/* DET 3:0 = 1: COMRESET */
#define PX_SERR		0x30
#define PX_SACT		0x34
#define PX_CI		0x38

#define PXCMD_ST	(1u << 0)
#define PXCMD_FRE	(1u << 4)
#define PXCMD_FR	(1u << 14)
#define PXCMD_CR	(1u << 15)

#define PXIS_DHRS	(1u << 0)	/* D2H register FIS */
#define PXIS_PSS	(1u << 1)	/* PIO setup FIS */
#define PXIS_TFES	(1u << 30)	/* task file error */
#define PXIE_ALL	(PXIS_DHRS | PXIS_PSS | (1u << 2) | (1u << 3) | (1u << 5) | PXIS_TFES)

#define TFD_ERR		(1u << 0)
#define TFD_DRQ		(1u << 3)
#define TFD_BSY		(1u << 7)

#define SSTS_DET(s)	((s) & 0xf)	/* 3: device present, phy up */
#define SIG_ATA		0x00000101u
#define SIG_ATAPI	0xeb140101u

/* Command header: 32 bytes, 32 per port (the command list, 1 KiB aligned) */
struct ahci_cmd_header {
	uint16_t	flags;		/* CFL 4:0 (FIS dwords), A 5 (ATAPI), W 6 (write), P 7 */
	uint16_t	prdtl;		/* PRDT entries */
	uint32_t	prdbc;		/* bytes transferred, set by the HBA */
	uint64_t	ctba;		/* command table, 128-byte aligned */
	uint32_t	rsvd[4];
};
static_assert(sizeof(struct ahci_cmd_header) == 32, "command header");
#define CH_WRITE	(1u << 6)

/* PRDT entry: 16 bytes */
struct ahci_prd {
	uint64_t	dba;		/* data, word aligned */
	uint32_t	rsvd;
	uint32_t	dbc;		/* bytes - 1 (bit 0 set: an even count), 21:0; bit 31 interrupt on completion */
};
static_assert(sizeof(struct ahci_prd) == 16, "PRD");
#define PRD_MAX		(4u << 20)

/* Command table: the command FIS at 0, the PRDT at 0x80 */
struct ahci_cmd_table {
	uint8_t		cfis[64];
	uint8_t		acmd[16];
	uint8_t		rsvd[48];
	struct ahci_prd	prd[1];
};
static_assert(sizeof(struct ahci_cmd_table) == 144, "command table");

#define FIS_H2D		0x27
#define FIS_H2D_C	0x80		/* byte 1: a command, not device control */
#define ATA_DEV_LBA	0x40

/* ATA commands */
#define ATA_READ_DMA_EXT	0x25
#define ATA_WRITE_DMA_EXT	0x35
#define ATA_FLUSH_CACHE_EXT	0xea
#define ATA_IDENTIFY		0xec
#define ATA_READ_FPDMA		0x60	/* NCQ: count in the features fields, the tag in count 7:3 */
#define ATA_WRITE_FPDMA		0x61
#define ATA_DSM			0x06	/* DATA SET MANAGEMENT: features bit 0 TRIM, count = 512-byte blocks of ranges */
#define DSM_TRIM		0x01
#define DSM_RANGES		64	/* entries in one 512-byte block: LBA 47:0, count 63:48 */
#define DSM_RANGE_MAX		0xffffu	/* blocks per entry */

/* IDENTIFY DEVICE words */
#define ID_MODEL	27	/* 20 words, bytes swapped in each */
#define ID_LBA28	60	/* 2 words */
#define ID_QUEUE_DEPTH	75	/* 4:0: depth - 1 */
#define ID_SATA_CAP	76	/* bit 8: NCQ */
#define ID_CMDSET2	83	/* bit 10: 48-bit addresses */
#define ID_LBA48	100	/* 4 words */
#define ID_DSM		169	/* bit 0: DATA SET MANAGEMENT with TRIM */

#endif
