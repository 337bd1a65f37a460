/*
 * NVMe controller bring-up and queues (see nvme.h), written from the NVM
 * Express Base Specification: CC.EN 1 -> 0 waits for CSTS.RDY 0, the admin
 * queue is set in AQA/ASQ/ACQ while disabled, CC.EN 0 -> 1 waits for
 * CSTS.RDY 1 (both bounded by CAP.TO), then admin commands. Completions
 * are recognised by their phase tag, which flips each time the queue
 * wraps.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mkx/bench.h>
#include "nvme.h"

/* Layout of the driver's DMA buffer */
#define OFF_ASQ		0x000000
#define OFF_ACQ		0x001000
#define OFF_IDENT	0x002000
#define OFF_DSM		0x003000	/* one 16-byte range per slot */
#define OFF_SQ(q)	(0x004000u + (unsigned)(q) * 0x4000u)	/* NVME_IO_ENTRIES x 64 per pair */
#define OFF_CQ(q)	(OFF_SQ(NVME_QP_MAX) + (unsigned)(q) * 0x1000u)	/* NVME_IO_ENTRIES x 16 per pair */
#define OFF_PRP		OFF_CQ(NVME_QP_MAX)	/* one list page per slot */
#define MEM_NEEDED	(OFF_PRP + NVME_SLOTS * NVME_PAGE)

#define ADMIN_TIMEOUT_MS 5000

static uint32_t
rd32(struct nvme *c, unsigned reg)
{
	return mkx_mmio_read32(c->bar, reg);
}

static void
wr32(struct nvme *c, unsigned reg, uint32_t v)
{
	mkx_mmio_write32(c->bar, reg, v);
}

static uint64_t
rd64(struct nvme *c, unsigned reg)
{
	return rd32(c, reg) | (uint64_t)rd32(c, reg + 4) << 32;
}

static void
wr64(struct nvme *c, unsigned reg, uint64_t v)
{
	wr32(c, reg, (uint32_t)v);
	wr32(c, reg + 4, (uint32_t)(v >> 32));
}

static void
doorbell(struct nvme *c, unsigned index, uint32_t v)
{
	atomic_thread_fence(memory_order_seq_cst);	/* entries visible before the device is told */
	wr32(c, NVME_DOORBELL + index * c->stride, v);
}

uint32_t
nvme_csts(struct nvme *c)
{
	return rd32(c, NVME_CSTS);
}

/* Wait until CSTS.RDY == want, up to CAP.TO; a fatal status ends the wait early. */
static int
wait_ready(struct nvme *c, uint32_t want, char *why, size_t whylen)
{
	double t0 = mkx_now();

	for (;;) {
		uint32_t s = nvme_csts(c);

		if (s == 0xffffffffu) {
			snprintf(why, whylen, "CSTS reads all ones: the controller is gone");
			return -ENODEV;
		}
		if ((s & CSTS_RDY) == want)
			return 0;
		if (want && (s & CSTS_CFS)) {
			snprintf(why, whylen, "controller fatal status while enabling (CSTS 0x%x)", s);
			return -EIO;
		}
		if ((mkx_now() - t0) * 1e3 > c->ready_ms) {
			snprintf(why, whylen, "CSTS.RDY not %u after %u ms (CAP.TO; CSTS 0x%x)", want, c->ready_ms, s);
			return -ETIMEDOUT;
		}
		usleep(1000);
	}
}

/* One admin command, polled: 0, or -EIO with the status in why, or -ETIMEDOUT. */
static int
admin(struct nvme *c, struct nvme_sqe *cmd, uint32_t *dw0, char *why, size_t whylen)
{
	double t0 = mkx_now();
	uint16_t cid = c->acid++;

	cmd->cid = cid;
	c->asq[c->asq_tail] = *cmd;
	c->asq_tail = (c->asq_tail + 1) % NVME_ADMIN_ENTRIES;
	doorbell(c, 0, c->asq_tail);
	for (;;) {
		volatile struct nvme_cqe *e = &c->acq[c->acq_head];
		uint16_t st = e->status;

		if (CQE_PHASE(st) == c->acq_phase) {
			atomic_thread_fence(memory_order_acquire);
			if (++c->acq_head == NVME_ADMIN_ENTRIES)
				c->acq_head = 0, c->acq_phase ^= 1;
			doorbell(c, 1, c->acq_head);
			if (e->cid != cid)
				continue;	/* a stale one (cannot happen while we poll one at a time) */
			if (dw0)
				*dw0 = e->dw0;
			if (CQE_SC(st) || CQE_SCT(st)) {
				snprintf(why, whylen, "admin opcode 0x%02x failed: status type %u code 0x%02x", cmd->opc,
				    CQE_SCT(st), CQE_SC(st));
				return -EIO;
			}
			return 0;
		}
		if ((mkx_now() - t0) * 1e3 > ADMIN_TIMEOUT_MS) {
			snprintf(why, whylen, "admin opcode 0x%02x: no completion in %d ms (CSTS 0x%x)", cmd->opc,
			    ADMIN_TIMEOUT_MS, nvme_csts(c));
			return -ETIMEDOUT;
		}
		if (nvme_csts(c) & CSTS_CFS) {
			snprintf(why, whylen, "admin opcode 0x%02x: controller fatal status", cmd->opc);
			return -EIO;
		}
		usleep(50);
	}
}

static int
identify(struct nvme *c, uint32_t cns, uint32_t nsid, char *why, size_t whylen)
{
	struct nvme_sqe cmd = { .opc = ADM_IDENTIFY, .nsid = nsid, .prp1 = c->ident_bus, .cdw10 = cns };

	memset(c->ident, 0, NVME_PAGE);
	return admin(c, &cmd, NULL, why, whylen);
}

/* Copy a space-padded ASCII field and cut the padding. */
static void
field(char *out, const uint8_t *in, size_t n)
{
	memcpy(out, in, n);
	out[n] = 0;
	while (n && (out[n - 1] == ' ' || out[n - 1] == 0))
		out[--n] = 0;
}

static int
identify_all(struct nvme *c, char *why, size_t whylen)
{
	unsigned mdts;
	int err;

	if ((err = identify(c, IDENTIFY_CTRL, 0, why, whylen)))
		return err;
	field(c->sn, c->ident + IDC_SN, 20);
	field(c->mn, c->ident + IDC_MN, 40);
	field(c->fr, c->ident + IDC_FR, 8);
	mdts = c->ident[IDC_MDTS];
	memcpy(&c->nn, c->ident + IDC_NN, 4);
	c->dsm = !!(c->ident[IDC_ONCS] & ONCS_DSM);
	c->vwc = c->ident[IDC_VWC] & 1;
	/* One PRP list page: 512 entries after the first page. MDTS is in units of CAP.MPSMIN pages. */
	c->max_bytes = (NVME_PAGE / 8) * NVME_PAGE;
	if (mdts && mdts < 20 && ((size_t)NVME_PAGE << CAP_MPSMIN(c->cap) << mdts) < c->max_bytes)
		c->max_bytes = (size_t)NVME_PAGE << CAP_MPSMIN(c->cap) << mdts;
	c->nns = 0;
	for (uint32_t id = 1; id <= c->nn && c->nns < NVME_NS_MAX; id++) {
		uint8_t flbas, lbads;
		uint64_t nsze;

		if ((err = identify(c, IDENTIFY_NS, id, why, whylen)))
			return err;
		memcpy(&nsze, c->ident + IDN_NSZE, 8);
		flbas = c->ident[IDN_FLBAS] & 0xf;
		lbads = c->ident[IDN_LBAF + 4 * flbas + 2];
		if (!nsze)
			continue;	/* inactive */
		if (lbads < 9 || lbads > 12) {
			snprintf(why, whylen, "namespace %u: block size 2^%u not served (512 B to 4 KiB)", id, lbads);
			return -ENOTSUP;
		}
		c->ns[c->nns++] = (struct nvme_ns){ .nsid = id, .blocks = nsze, .block_log2 = lbads };
	}
	return 0;
}

/* Number of Queues (0-based counts in and out): how many pairs we asked for, and the controller granted. */
static unsigned
granted_pairs(struct nvme *c, char *why, size_t whylen)
{
	uint32_t want = c->want_qp - 1, dw0 = 0;
	struct nvme_sqe nq = { .opc = ADM_SET_FEATURES, .cdw10 = FEAT_NUM_QUEUES, .cdw11 = want << 16 | want };
	unsigned n;

	/* A controller may refuse the feature (e.g. after a reset, where it is fixed) and still give us one. */
	if (admin(c, &nq, &dw0, why, whylen))
		return c->nqp ? c->nqp : 1;
	n = 1 + ((dw0 & 0xffff) < (dw0 >> 16) ? (dw0 & 0xffff) : (dw0 >> 16));
	return n < c->want_qp ? n : c->want_qp;
}

static int
create_io_queues(struct nvme *c, char *why, size_t whylen)
{
	uint64_t bus = c->mem.bus;
	int err;

	c->nqp = granted_pairs(c, why, whylen);
	why[0] = 0;
	for (unsigned q = 0; q < c->nqp; q++) {
		struct nvme_qp *p = &c->qp[q];
		uint32_t id = q + 1;
		/* Its own vector if there is one for every pair (INTx and MSI have one only: 0). */
		unsigned iv = c->vectors > c->nqp ? id : 0;
		/* Completion queue id: physically contiguous, interrupts on, vector iv. */
		struct nvme_sqe cq = { .opc = ADM_CREATE_CQ, .prp1 = bus + OFF_CQ(q),
		    .cdw10 = (c->io_entries - 1) << 16 | id, .cdw11 = iv << 16 | 1u << 1 | 1u };
		/* Submission queue id feeding completion queue id. */
		struct nvme_sqe sq = { .opc = ADM_CREATE_SQ, .prp1 = bus + OFF_SQ(q),
		    .cdw10 = (c->io_entries - 1) << 16 | id, .cdw11 = id << 16 | 1u };

		memset((void *)p->cq, 0, NVME_IO_ENTRIES * sizeof *p->cq);
		p->sq_tail = p->sq_head = p->cq_head = 0;
		p->cq_phase = 1;
		p->vector = iv;
		if ((err = admin(c, &cq, NULL, why, whylen)) || (err = admin(c, &sq, NULL, why, whylen)))
			return err;
	}
	return 0;
}

/* Disable, set up the admin queue, enable; the I/O queues are created by the caller. */
static int
enable(struct nvme *c, char *why, size_t whylen)
{
	uint64_t bus = c->mem.bus;
	int err;

	if (rd32(c, NVME_CC) & CC_EN) {
		wr32(c, NVME_CC, rd32(c, NVME_CC) & ~CC_EN);
		if ((err = wait_ready(c, 0, why, whylen)))
			return err;
	} else if ((err = wait_ready(c, 0, why, whylen)))
		return err;
	memset(c->asq, 0, NVME_ADMIN_ENTRIES * sizeof *c->asq);
	memset((void *)c->acq, 0, NVME_ADMIN_ENTRIES * sizeof *c->acq);
	c->asq_tail = c->acq_head = 0;
	c->acq_phase = 1;
	wr32(c, NVME_AQA, (NVME_ADMIN_ENTRIES - 1) << 16 | (NVME_ADMIN_ENTRIES - 1));
	wr64(c, NVME_ASQ, bus + OFF_ASQ);
	wr64(c, NVME_ACQ, bus + OFF_ACQ);
	wr32(c, NVME_CC, CC_CSS_NVM | CC_MPS_4K | CC_AMS_RR | CC_IOSQES | CC_IOCQES);
	wr32(c, NVME_CC, CC_CSS_NVM | CC_MPS_4K | CC_AMS_RR | CC_IOSQES | CC_IOCQES | CC_EN);
	return wait_ready(c, CSTS_RDY, why, whylen);
}

int
nvme_init(struct nvme *c, struct mkx_io_mem *bar, const struct mkx_dma_buffer *mem, unsigned queues,
    unsigned vectors, char *why, size_t whylen)
{
	uint8_t *va = mem->va;
	int err;

	if (mem->size < MEM_NEEDED) {
		snprintf(why, whylen, "DMA buffer of %zu bytes, need %u", mem->size, MEM_NEEDED);
		return -ENOSPC;
	}
	memset(c, 0, sizeof *c);
	c->bar = bar;
	c->mem = *mem;
	c->cap = rd64(c, NVME_CAP);
	c->version = rd32(c, NVME_VS);
	if (c->cap == ~0ull) {
		snprintf(why, whylen, "CAP reads all ones: no controller behind BAR0");
		return -ENODEV;
	}
	if (!CAP_CSS_NVM(c->cap) || CAP_MPSMIN(c->cap) != 0) {
		snprintf(why, whylen, "CAP 0x%llx: no NVM command set or no 4 KiB pages", (unsigned long long)c->cap);
		return -ENOTSUP;
	}
	c->stride = 4u << CAP_DSTRD(c->cap);
	c->ready_ms = CAP_TO(c->cap) ? CAP_TO(c->cap) * 500u : 500u;
	c->io_entries = CAP_MQES(c->cap) + 1 < NVME_IO_ENTRIES ? CAP_MQES(c->cap) + 1 : NVME_IO_ENTRIES;
	c->asq = (struct nvme_sqe *)(va + OFF_ASQ);
	c->acq = (volatile struct nvme_cqe *)(va + OFF_ACQ);
	c->want_qp = queues < 1 ? 1 : queues > NVME_QP_MAX ? NVME_QP_MAX : queues;
	c->vectors = vectors ? vectors : 1;
	for (unsigned q = 0; q < NVME_QP_MAX; q++) {
		c->qp[q].sq = (struct nvme_sqe *)(va + OFF_SQ(q));
		c->qp[q].cq = (volatile struct nvme_cqe *)(va + OFF_CQ(q));
	}
	c->ident = va + OFF_IDENT;
	c->ident_bus = mem->bus + OFF_IDENT;
	if ((err = enable(c, why, whylen)) || (err = identify_all(c, why, whylen)) ||
	    (err = create_io_queues(c, why, whylen)))
		return err;
	return 0;
}

int
nvme_reset(struct nvme *c, char *why, size_t whylen)
{
	int err;

	c->resets++;
	if ((err = enable(c, why, whylen)) || (err = create_io_queues(c, why, whylen)))
		return err;
	return 0;
}

void
nvme_prp(struct nvme *c, unsigned slot, uint64_t bus, size_t len, struct nvme_sqe *cmd)
{
	size_t first = NVME_PAGE - (bus & (NVME_PAGE - 1));
	uint64_t next = bus + first, *list;
	size_t n;

	cmd->prp1 = bus;
	cmd->prp2 = 0;
	if (len <= first)
		return;
	if (len - first <= NVME_PAGE) {
		cmd->prp2 = next;
		return;
	}
	/* More than two pages: PRP2 points at a list of the remaining pages (fits one page: max_bytes). */
	list = (uint64_t *)((uint8_t *)c->mem.va + OFF_PRP + (size_t)slot * NVME_PAGE);
	n = (len - first + NVME_PAGE - 1) / NVME_PAGE;
	for (size_t i = 0; i < n; i++)
		list[i] = next + i * NVME_PAGE;
	cmd->prp2 = c->mem.bus + OFF_PRP + (uint64_t)slot * NVME_PAGE;
}

struct nvme_dsm_range *
nvme_dsm_range(struct nvme *c, unsigned slot, uint64_t *bus)
{
	*bus = c->mem.bus + OFF_DSM + slot * sizeof(struct nvme_dsm_range);
	return (struct nvme_dsm_range *)((uint8_t *)c->mem.va + OFF_DSM + slot * sizeof(struct nvme_dsm_range));
}

int
nvme_submit(struct nvme *c, unsigned slot, const struct nvme_sqe *cmd)
{
	unsigned q = slot % c->nqp;
	struct nvme_qp *p = &c->qp[q];
	unsigned next = (p->sq_tail + 1) % c->io_entries;

	/* The device's SQ head comes back in every completion (SQHD). */
	if (slot >= NVME_SLOTS || next == p->sq_head)
		return -EAGAIN;
	p->sq[p->sq_tail] = *cmd;
	p->sq[p->sq_tail].cid = (uint16_t)slot;
	p->sq_tail = next;
	p->commands++;
	doorbell(c, 2 * (q + 1), p->sq_tail);
	return 0;
}

unsigned
nvme_reap(struct nvme *c, void (*done)(void *, unsigned, uint16_t), void *ctx)
{
	unsigned n = 0;

	for (unsigned q = 0; q < c->nqp; q++) {
		struct nvme_qp *p = &c->qp[q];
		unsigned k = 0;

		for (;;) {
			volatile struct nvme_cqe *e = &p->cq[p->cq_head];
			uint16_t st = e->status, cid;

			if (CQE_PHASE(st) != p->cq_phase)
				break;
			atomic_thread_fence(memory_order_acquire);
			cid = e->cid;
			p->sq_head = e->sqhd % c->io_entries;
			if (++p->cq_head == c->io_entries)
				p->cq_head = 0, p->cq_phase ^= 1;
			k++;
			done(ctx, cid, st);
		}
		if (k)
			doorbell(c, 2 * (q + 1) + 1, p->cq_head);
		p->completions += k;
		n += k;
	}
	return n;
}

void
nvme_intx_mask(struct nvme *c, int mask)
{
	wr32(c, mask ? NVME_INTMS : NVME_INTMC, 1);
}

void
nvme_shutdown(struct nvme *c)
{
	double t0 = mkx_now();

	if (!(rd32(c, NVME_CC) & CC_EN))
		return;
	wr32(c, NVME_CC, rd32(c, NVME_CC) | CC_SHN_NORMAL);
	while ((nvme_csts(c) & CSTS_SHST_MASK) != CSTS_SHST_DONE && mkx_now() - t0 < 2.0)
		usleep(1000);
	wr32(c, NVME_CC, rd32(c, NVME_CC) & ~CC_EN);
}
