/*
 * NVMe controller registers, queue entries and commands, from the NVM
 * Express Base Specification (register map "Controller Registers",
 * "Submission Queue Entry", "Completion Queue Entry", admin and NVM
 * command sets). Only what this driver uses.
 */
#ifndef NVME_REGS_H
#define NVME_REGS_H

#include <assert.h>
#include <stdint.h>

/* Controller registers (BAR0) */
#define NVME_CAP	0x00	/* 64 bit */
#define NVME_VS		0x08
#define NVME_INTMS	0x0c	/* INTx: mask set */
#define NVME_INTMC	0x10	/* INTx: mask clear */
#define NVME_CC		0x14
#define NVME_CSTS	0x1c
#define NVME_AQA	0x24
#define NVME_ASQ	0x28	/* 64 bit */
#define NVME_ACQ	0x30	/* 64 bit */
#define NVME_DOORBELL	0x1000	/* SQ y tail at 0x1000 + 2y * stride, CQ y head at + (2y + 1) * stride */

/* CAP fields */
#define CAP_MQES(c)	((unsigned)((c) & 0xffff))		/* max queue entries, 0-based */
#define CAP_TO(c)	((unsigned)(((c) >> 24) & 0xff))	/* ready timeout, 500 ms units */
#define CAP_DSTRD(c)	((unsigned)(((c) >> 32) & 0xf))		/* doorbell stride 4 << DSTRD */
#define CAP_CSS_NVM(c)	(((c) >> 37) & 1)
#define CAP_MPSMIN(c)	((unsigned)(((c) >> 48) & 0xf))		/* 4 KiB << MPSMIN */

/* CC fields */
#define CC_EN		(1u << 0)
#define CC_CSS_NVM	(0u << 4)
#define CC_MPS_4K	(0u << 7)
#define CC_AMS_RR	(0u << 11)
#define CC_SHN_NORMAL	(1u << 14)
#define CC_IOSQES	(6u << 16)	/* 64-byte SQ entries */
#define CC_IOCQES	(4u << 20)	/* 16-byte CQ entries */

/* CSTS fields */
#define CSTS_RDY	(1u << 0)
#define CSTS_CFS	(1u << 1)	/* controller fatal status */
#define CSTS_SHST_MASK	(3u << 2)
#define CSTS_SHST_DONE	(2u << 2)

/* Submission queue entry: 64 bytes */
struct nvme_sqe {
	uint8_t		opc;
	uint8_t		flags;		/* FUSE 1:0, PSDT 7:6 (0: PRPs) */
	uint16_t	cid;
	uint32_t	nsid;
	uint64_t	rsvd;
	uint64_t	mptr;
	uint64_t	prp1, prp2;
	uint32_t	cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
static_assert(sizeof(struct nvme_sqe) == 64, "SQ entry");

/* Completion queue entry: 16 bytes */
struct nvme_cqe {
	uint32_t	dw0;
	uint32_t	rsvd;
	uint16_t	sqhd, sqid;
	uint16_t	cid;
	uint16_t	status;		/* bit 0 phase, 8:1 SC, 11:9 SCT, 15 DNR */
};
static_assert(sizeof(struct nvme_cqe) == 16, "CQ entry");

#define CQE_PHASE(s)	((s) & 1)
#define CQE_SC(s)	(((s) >> 1) & 0xff)
#define CQE_SCT(s)	(((s) >> 9) & 0x7)

/* Admin opcodes */
#define ADM_DELETE_SQ	0x00
#define ADM_CREATE_SQ	0x01
#define ADM_DELETE_CQ	0x04
#define ADM_CREATE_CQ	0x05
#define ADM_IDENTIFY	0x06
#define ADM_SET_FEATURES 0x09

#define IDENTIFY_NS	0x00	/* CNS */
#define IDENTIFY_CTRL	0x01
#define FEAT_NUM_QUEUES	0x07

/* NVM command set opcodes */
#define NVM_FLUSH	0x00
#define NVM_WRITE	0x01
#define NVM_READ	0x02
#define NVM_DSM		0x09
#define DSM_AD		(1u << 2)	/* cdw11: attribute deallocate */

/* Identify Controller: byte offsets */
#define IDC_SN		4	/* 20 bytes */
#define IDC_MN		24	/* 40 bytes */
#define IDC_FR		64	/* 8 bytes */
#define IDC_MDTS	77
#define IDC_NN		516	/* u32 */
#define IDC_ONCS	520	/* u16: bit 2 Dataset Management */
#define IDC_VWC		525	/* bit 0: volatile write cache present */
#define ONCS_DSM	(1u << 2)

/* Identify Namespace: byte offsets */
#define IDN_NSZE	0	/* u64, blocks */
#define IDN_FLBAS	26	/* bits 3:0: the LBA format in use */
#define IDN_LBAF	128	/* u32 each: bits 23:16 LBADS (log2 of the block size), 15:0 metadata size */

/* Dataset Management range: 16 bytes */
struct nvme_dsm_range {
	uint32_t	attrs;
	uint32_t	nlb;		/* blocks, 1-based */
	uint64_t	slba;
};
static_assert(sizeof(struct nvme_dsm_range) == 16, "DSM range");

#endif
