/*
 * nvme: an NVMe driver on a Platform session (BAR0, the interrupt and DMA
 * buffers through the platform driver; no core session of its own),
 * serving Block sessions (mkx/block.h) to several clients at once.
 *
 * Each client's data buffer is a DMA buffer of this driver's Platform
 * session whose fd the client maps: the controller reads and writes the
 * client's data where the client put it, nothing is copied. The driver
 * checks every request the client queues (blocks inside the namespace,
 * the data inside the buffer and aligned, no overlap with the client's
 * other requests in flight, writes only under a writeable policy) before
 * the device sees an address.
 *
 * Config:
 *   <config pci="00:04.0" queue_depth="32" dma_quota="16M" timeout_ms="10000" reset_after="0">
 *     <policy label_prefix="block_tester" namespace="1" writeable="yes"/>
 *     <policy label="hostile -> ro" namespace="1" writeable="no"/>
 *   </config>
 *   policy: label, label_prefix or label_suffix against the session label;
 *     the first that matches decides (none matches: refused). namespace
 *     is the NSID.
 *   queue_depth: requests of one session in flight at the device.
 *   dma_quota: the Platform session's ram_quota, which pays the queues'
 *     buffer and every client's data buffer (2 MiB huge pages each).
 *   timeout_ms: an I/O command older than this resets the controller.
 *   reset_after: test hook: reset the controller once after that many
 *     I/O commands were submitted (0: never), exercising the same path.
 *   acquire_ms: how long to retry while another session (a previous
 *     instance, killed) still holds the controller (default 10000).
 *   wait_rom: wait until this ROM exists before taking the controller (a
 *     second instance that must come after the first: scenario nvme_kill).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/args.h>
#include <mkx/bench.h>
#include <mkx/block.h>
#include <mkx/devices.h>
#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/platform.h>
#include <mkx/rom.h>
#include <mkx/server.h>
#include <mkx/xml.h>
#include "nvme.h"

#define CLIENTS_MAX	16
#define HUGE		(2ul << 20)	/* the DMA allocation unit */
#define TRIES_MAX	3	/* a command is resubmitted after a reset, failed after this many */

enum { REFUSE_RANGE, REFUSE_BUFFER, REFUSE_RO, REFUSE_OVERLAP, REFUSE_OP, REFUSE_TRIM, REFUSE_KINDS };
static const char *const refuse_name[REFUSE_KINDS] = { "blocks outside the namespace",
	"offset outside the buffer, unaligned or a bad count", "write under a read-only policy",
	"overlapping a request in flight", "unknown operation", "trim without device support" };

struct client {
	int			used, closed, attached, broken;
	char			label[128];
	const struct nvme_ns	*ns;
	int			writeable;
	struct mkx_dma_buffer	buf;
	int			has_buf;
	struct mkx_block_queues	*q;
	int			kick, signal;
	unsigned		inflight, max_inflight;
	uint32_t		signalled_tail;	/* ack_tail when we last signalled */
	uint64_t		requests, bytes, refused[REFUSE_KINDS];
};

struct slot {
	struct client		*c;
	int			busy;
	uint32_t		tag;
	uint64_t		off, len;	/* the data's range in the client's buffer (0, 0: none) */
	double			t0;
	unsigned		tries;
	struct nvme_sqe		cmd;
};

static struct drv {
	struct nvme		ctrl;
	struct mkx_platform	platform;
	struct mkx_io_mem	bar;
	struct mkx_irq		irq;
	struct mkx_dma		dma;
	struct mkx_xml		*cfg;
	char			pci[16];
	unsigned		depth, slots;
	unsigned long		timeout_ms, reset_after, acquire_ms;
	uint64_t		submitted, interrupts;
	struct client		clients[CLIENTS_MAX];
	struct slot		slot[NVME_SLOTS];
	unsigned		inflight;
} drv;

/* ---- policy ---- */

static int
label_matches(const struct mkx_xml *p, const char *label)
{
	const char *v;
	size_t n, l = strlen(label);

	if ((v = mkx_xml_attr(p, "label")))
		return !strcmp(v, label);
	if ((v = mkx_xml_attr(p, "label_prefix")))
		return !strncmp(v, label, strlen(v));
	if ((v = mkx_xml_attr(p, "label_suffix")))
		return (n = strlen(v)) <= l && !strcmp(label + l - n, v);
	return 0;
}

static const struct mkx_xml *
policy_for(const char *label)
{
	for (const struct mkx_xml *p = drv.cfg ? mkx_xml_child(drv.cfg, "policy") : NULL; p; p = mkx_xml_next(p, "policy"))
		if (label_matches(p, label))
			return p;
	return NULL;
}

/* ---- the Block service ---- */

static void
signal_client(struct client *c)
{
	uint64_t one = 1;

	if (c->signal >= 0 && write(c->signal, &one, sizeof one) < 0 && errno != EAGAIN)
		mkx_error("nvme: cannot signal \"%s\": %s", c->label, strerror(errno));
}

static void
client_free(struct client *c)
{
	char why[256];

	if (c->has_buf && mkx_dma_free(&drv.dma, &c->buf, why, sizeof why))
		mkx_error("nvme: freeing the buffer of \"%s\": %s", c->label, why);
	memset(c, 0, sizeof *c);
	c->kick = c->signal = -1;
}

static int
blk_open(void *ctx, const char *label, const char *args, void **state, char *why, size_t whylen)
{
	const struct mkx_xml *p = policy_for(label);
	unsigned long nsid = 1, size = 0, quota = 0;
	struct client *c = NULL;
	int writeable, err;

	(void)ctx;
	if (!p) {
		snprintf(why, whylen, "no policy for \"%s\"", label);
		return -EPERM;
	}
	mkx_xml_attr_ulong(p, "namespace", 1, &nsid);
	writeable = mkx_xml_attr_bool(p, "writeable", 0) == 1;
	if (mkx_arg_ulong(args, "tx_buf_size", &size) || size == 0 || size > (64ul << 20)) {
		snprintf(why, whylen, "tx_buf_size missing or not 1 byte to 64 MiB");
		return -EINVAL;
	}
	if (mkx_arg_ulong(args, "ram_quota", &quota) || quota < size) {
		snprintf(why, whylen, "ram_quota %lu does not pay tx_buf_size %lu", quota, size);
		return -EDQUOT;
	}
	for (unsigned i = 0; i < CLIENTS_MAX && !c; i++)
		if (!drv.clients[i].used)
			c = &drv.clients[i];
	if (!c) {
		snprintf(why, whylen, "%d Block sessions (or closed ones with requests in flight) already", CLIENTS_MAX);
		return -EAGAIN;
	}
	for (unsigned i = 0; i < drv.ctrl.nns && !c->ns; i++)
		if (drv.ctrl.ns[i].nsid == nsid)
			c->ns = &drv.ctrl.ns[i];
	if (!c->ns) {
		snprintf(why, whylen, "policy names namespace %lu, which the controller does not have", nsid);
		return -ENOENT;
	}
	/*
	 * Whole 2 MiB huge pages: the client maps the buffer's dataspace, which
	 * must hold nothing else of ours (the DMA session may put small buffers
	 * of one session into one dataspace; a whole huge page is never shared).
	 */
	size = (size + HUGE - 1) & ~(HUGE - 1);
	if ((err = mkx_dma_alloc(&drv.dma, size, &c->buf, why, whylen))) {
		c->ns = NULL;
		return err;
	}
	c->used = c->has_buf = 1;
	c->writeable = writeable;
	c->kick = c->signal = -1;
	snprintf(c->label, sizeof c->label, "%s", label);
	*state = c;
	mkx_log("nvme: Block session of \"%s\": namespace %u, %s, %zu KiB buffer", label, c->ns->nsid,
	    writeable ? "writeable" : "read-only", c->buf.size >> 10);
	return 0;
}

/*
 * ATTACH's fds: the queues' memfd must hold struct mkx_block_queues and be
 * sealed against shrinking (a client truncating it under our mapping would
 * make our next access fault: SIGBUS, the driver gone for every client);
 * both eventfds non-blocking (a full pipe in their place must not stop us).
 */
static int
attach(struct client *c, struct mkx_msg *req, char *why, size_t whylen)
{
	int seals = fcntl(req->fds[0], F_GET_SEALS);
	struct stat st;
	void *q;

	if (fstat(req->fds[0], &st) || st.st_size < (off_t)sizeof *c->q || seals < 0 || !(seals & F_SEAL_SHRINK)) {
		snprintf(why, whylen, "the queues' memfd must hold %zu bytes and be sealed F_SEAL_SHRINK",
		    sizeof *c->q);
		mkx_log("nvme: \"%s\": attach refused: %s", c->label, why);
		return -EINVAL;
	}
	q = mmap(NULL, sizeof *c->q, PROT_READ | PROT_WRITE, MAP_SHARED, req->fds[0], 0);
	if (q == MAP_FAILED) {
		snprintf(why, whylen, "mapping the queues: %s", strerror(errno));
		return -EINVAL;
	}
	c->q = q;
	c->kick = mkx_msg_take_fd(req, 1);
	c->signal = mkx_msg_take_fd(req, 2);
	fcntl(c->kick, F_SETFL, fcntl(c->kick, F_GETFL) | O_NONBLOCK);
	fcntl(c->signal, F_SETFL, fcntl(c->signal, F_GETFL) | O_NONBLOCK);
	c->attached = 1;
	return 0;
}

static int
blk_call(void *ctx, void *state, struct mkx_msg *req, struct mkx_reply *r)
{
	struct client *c = state;
	struct mkx_block_info info;
	uint64_t size;
	int err;

	(void)ctx;
	switch (req->hdr.op) {
	case MKX_BLOCK_INFO:
		memset(&info, 0, sizeof info);
		info.block_count = c->ns->blocks;
		info.block_size = 1u << c->ns->block_log2;
		info.align_log2 = c->ns->block_log2;
		info.flags = (c->writeable ? MKX_BLOCK_WRITEABLE : 0) | (drv.ctrl.dsm ? MKX_BLOCK_CAN_TRIM : 0);
		info.queue_depth = drv.depth;
		info.max_blocks = (uint32_t)(drv.ctrl.max_bytes >> c->ns->block_log2);
		memcpy(r->payload, &info, sizeof info);
		r->len = sizeof info;
		return 0;
	case MKX_BLOCK_ATTACH:
		if (c->attached || req->hdr.nfds != 3)
			return -EINVAL;
		if ((err = attach(c, req, (char *)r->payload, 256))) {
			r->len = strlen((char *)r->payload) + 1;
			return err;
		}
		size = c->buf.size;
		memcpy(r->payload, &size, sizeof size);
		r->len = sizeof size;
		r->fds[0] = c->buf.fd;
		r->nfds = 1;
		return 0;
	default:
		return -ENOSYS;
	}
}

static void
blk_close(void *ctx, void *state)
{
	struct client *c = state;

	(void)ctx;
	mkx_log("nvme: Block session of \"%s\" closed: %llu requests, %llu KiB; refused: %llu range, %llu buffer, "
	    "%llu read-only, %llu overlap, %llu op, %llu trim; at most %u in flight", c->label,
	    (unsigned long long)c->requests, (unsigned long long)(c->bytes >> 10),
	    (unsigned long long)c->refused[REFUSE_RANGE], (unsigned long long)c->refused[REFUSE_BUFFER],
	    (unsigned long long)c->refused[REFUSE_RO], (unsigned long long)c->refused[REFUSE_OVERLAP],
	    (unsigned long long)c->refused[REFUSE_OP], (unsigned long long)c->refused[REFUSE_TRIM], c->max_inflight);
	if (c->q)
		munmap(c->q, sizeof *c->q);
	if (c->kick >= 0)
		close(c->kick);
	if (c->signal >= 0)
		close(c->signal);
	c->q = NULL;
	c->kick = c->signal = -1;
	c->attached = 0;
	c->closed = 1;
	/* The device may still write into the buffer: it is freed with the last completion. */
	if (!c->inflight)
		client_free(c);
}

/* Publish an ack (room was reserved when the request was taken). */
static void
ack(struct client *c, uint32_t tag, int status)
{
	uint32_t t;

	if (!c->attached)
		return;
	t = atomic_load_explicit(&c->q->ack_tail, memory_order_relaxed);
	c->q->ack[t % MKX_BLOCK_SLOTS] = (struct mkx_block_ack){ .tag = tag, .status = status };
	atomic_store_explicit(&c->q->ack_tail, t + 1, memory_order_release);
}

static int
refuse(struct client *c, unsigned kind, int err)
{
	if (!c->refused[kind]++)
		mkx_log("nvme: \"%s\": request refused (%s): %s", c->label, refuse_name[kind], strerror(-err));
	return err;
}

/* Check one request against the namespace, the buffer and the policy; 0 or the refusal. */
static int
check(struct client *c, const struct mkx_block_request *r)
{
	unsigned bl = c->ns->block_log2;
	uint64_t len;

	if (r->op == MKX_BLOCK_SYNC)
		return 0;
	if (r->op != MKX_BLOCK_READ && r->op != MKX_BLOCK_WRITE && r->op != MKX_BLOCK_TRIM)
		return refuse(c, REFUSE_OP, -EINVAL);
	if (r->op != MKX_BLOCK_READ && !c->writeable)
		return refuse(c, REFUSE_RO, -EPERM);
	if (r->count == 0)
		return refuse(c, REFUSE_BUFFER, -EINVAL);
	if (r->block >= c->ns->blocks || r->count > c->ns->blocks - r->block)
		return refuse(c, REFUSE_RANGE, -ERANGE);
	if (r->op == MKX_BLOCK_TRIM)
		return drv.ctrl.dsm ? 0 : refuse(c, REFUSE_TRIM, -ENOTSUP);
	len = (uint64_t)r->count << bl;
	if (r->count > drv.ctrl.max_bytes >> bl || r->offset & ((1u << bl) - 1) || r->offset >= c->buf.size ||
	    len > c->buf.size - r->offset)
		return refuse(c, REFUSE_BUFFER, -EINVAL);
	for (unsigned i = 0; i < NVME_SLOTS; i++) {
		struct slot *s = &drv.slot[i];

		if (s->busy && s->c == c && s->len && r->offset < s->off + s->len && s->off < r->offset + len)
			return refuse(c, REFUSE_OVERLAP, -EBUSY);
	}
	return 0;
}

static void
build(struct client *c, unsigned id, const struct mkx_block_request *r, struct nvme_sqe *cmd)
{
	unsigned bl = c->ns->block_log2;
	struct nvme_dsm_range *range;
	uint64_t bus;

	memset(cmd, 0, sizeof *cmd);
	cmd->nsid = c->ns->nsid;
	switch (r->op) {
	case MKX_BLOCK_SYNC:
		cmd->opc = NVM_FLUSH;
		break;
	case MKX_BLOCK_TRIM:
		range = nvme_dsm_range(&drv.ctrl, id, &bus);
		*range = (struct nvme_dsm_range){ .nlb = r->count, .slba = r->block };
		cmd->opc = NVM_DSM;
		cmd->prp1 = bus;
		cmd->cdw10 = 0;		/* one range */
		cmd->cdw11 = DSM_AD;
		break;
	default:
		cmd->opc = r->op == MKX_BLOCK_READ ? NVM_READ : NVM_WRITE;
		nvme_prp(&drv.ctrl, id, c->buf.bus + r->offset, (size_t)r->count << bl, cmd);
		cmd->cdw10 = (uint32_t)r->block;
		cmd->cdw11 = (uint32_t)(r->block >> 32);
		cmd->cdw12 = r->count - 1;
	}
}

static int
free_slot(void)
{
	for (unsigned i = 0; i < drv.slots; i++)
		if (!drv.slot[i].busy)
			return (int)i;
	return -1;
}

/* Take what the client queued, as far as its depth, the ack queue's room and our slots allow. */
static void
take(struct client *c)
{
	struct mkx_block_queues *q = c->q;
	uint32_t head = atomic_load_explicit(&q->req_head, memory_order_relaxed), tail, acked;

	tail = atomic_load_explicit(&q->req_tail, memory_order_acquire);
	if (tail - head > MKX_BLOCK_SLOTS) {
		mkx_error("nvme: \"%s\": request queue tail %u is %u entries ahead of its head (at most %u): "
		    "the session is not served any more", c->label, tail, tail - head, MKX_BLOCK_SLOTS);
		c->broken = 1;
		return;
	}
	while (head != tail && c->inflight < drv.depth) {
		struct mkx_block_request r = q->req[head % MKX_BLOCK_SLOTS];	/* one copy: the client may change it */
		struct slot *s;
		int id, err;

		/* Room in the ack queue for this one and every one we hold (the client's head is not trusted). */
		acked = atomic_load_explicit(&q->ack_tail, memory_order_relaxed) -
		    atomic_load_explicit(&q->ack_head, memory_order_acquire);
		if (acked > MKX_BLOCK_SLOTS || acked + c->inflight + 1 > MKX_BLOCK_SLOTS)
			break;
		if ((err = check(c, &r))) {
			ack(c, r.tag, err);
			head++;
			continue;
		}
		if ((id = free_slot()) < 0)
			break;
		s = &drv.slot[id];
		*s = (struct slot){ .c = c, .busy = 1, .tag = r.tag, .t0 = mkx_now(), .tries = 1 };
		if (r.op == MKX_BLOCK_READ || r.op == MKX_BLOCK_WRITE)
			s->off = r.offset, s->len = (uint64_t)r.count << c->ns->block_log2;
		build(c, (unsigned)id, &r, &s->cmd);
		if (nvme_submit(&drv.ctrl, (unsigned)id, &s->cmd)) {
			s->busy = 0;
			break;
		}
		head++;
		c->inflight++;
		drv.inflight++;
		drv.submitted++;
		c->requests++;
		c->bytes += s->len;
		if (c->inflight > c->max_inflight)
			c->max_inflight = c->inflight;
	}
	atomic_store_explicit(&q->req_head, head, memory_order_release);
}

static void
complete(void *ctx, unsigned cid, uint16_t status)
{
	struct slot *s = cid < NVME_SLOTS ? &drv.slot[cid] : NULL;
	struct client *c;

	(void)ctx;
	if (!s || !s->busy) {
		mkx_error("nvme: completion for command id %u, which is not in flight", cid);
		return;
	}
	c = s->c;
	if (CQE_SC(status) || CQE_SCT(status))
		mkx_error("nvme: \"%s\": opcode 0x%02x failed: status type %u code 0x%02x", c->label, s->cmd.opc,
		    CQE_SCT(status), CQE_SC(status));
	s->busy = 0;
	c->inflight--;
	drv.inflight--;
	if (c->closed) {
		if (!c->inflight)
			client_free(c);
		return;
	}
	ack(c, s->tag, CQE_SC(status) || CQE_SCT(status) ? -EIO : 0);
}

/* After a reset the queues are empty: resubmit what was in flight, fail what was tried too often. */
static void
resubmit(void)
{
	for (unsigned i = 0; i < drv.slots; i++) {
		struct slot *s = &drv.slot[i];

		if (!s->busy)
			continue;
		if (++s->tries > TRIES_MAX || nvme_submit(&drv.ctrl, i, &s->cmd)) {
			s->busy = 0;
			s->c->inflight--;
			drv.inflight--;
			if (s->c->closed && !s->c->inflight)
				client_free(s->c);
			else
				ack(s->c, s->tag, -EIO);
			continue;
		}
		s->t0 = mkx_now();
	}
}

static void
reset(const char *reason)
{
	char why[256] = "";
	int err;

	mkx_log("nvme: %s: resetting the controller (%u commands in flight)", reason, drv.inflight);
	if ((err = nvme_reset(&drv.ctrl, why, sizeof why))) {
		mkx_error("nvme: reset failed: %s", why);
		mkx_exit(1);
	}
	resubmit();
	mkx_log("nvme: controller reset done (%llu so far), %u commands resubmitted",
	    (unsigned long long)drv.ctrl.resets, drv.inflight);
	for (unsigned i = 0; i < CLIENTS_MAX; i++)
		if (drv.clients[i].attached)
			signal_client(&drv.clients[i]);
}

/* Controller fatal status, or the oldest command past its time: a reset, not a hang. */
static void
watchdog(void)
{
	static int reset_done;
	double now = mkx_now();
	char reason[96];

	if (nvme_csts(&drv.ctrl) & CSTS_CFS) {
		reset("controller fatal status (CSTS.CFS)");
		return;
	}
	for (unsigned i = 0; i < drv.slots; i++)
		if (drv.slot[i].busy && (now - drv.slot[i].t0) * 1e3 > drv.timeout_ms) {
			snprintf(reason, sizeof reason, "command id %u took more than %lu ms", i, drv.timeout_ms);
			reset(reason);
			return;
		}
	if (drv.reset_after && !reset_done && drv.submitted >= drv.reset_after && drv.inflight) {
		reset_done = 1;
		snprintf(reason, sizeof reason, "test hook reset_after=%lu", drv.reset_after);
		reset(reason);
	}
}

static void
serve(void)
{
	struct pollfd p[1 + CLIENTS_MAX];
	struct client *who[1 + CLIENTS_MAX];
	double last_watch = mkx_now();

	for (;;) {
		unsigned n = 1;
		int rc;

		if (mkx_server_dispatch(0) == -ECONNRESET)
			return;
		p[0] = (struct pollfd){ .fd = drv.irq.fd, .events = POLLIN };
		for (unsigned i = 0; i < CLIENTS_MAX; i++)
			if (drv.clients[i].attached && !drv.clients[i].broken) {
				who[n] = &drv.clients[i];
				p[n++] = (struct pollfd){ .fd = drv.clients[i].kick, .events = POLLIN };
			}
		rc = poll(p, n, 5);
		if (rc > 0 && p[0].revents && (rc = mkx_irq_wait(&drv.irq, 0)) > 0)
			drv.interrupts += (uint64_t)rc;
		nvme_reap(&drv.ctrl, complete, NULL);
		if (drv.irq.info.type == 0 && drv.irq.unacked)
			mkx_irq_ack(&drv.irq);
		for (unsigned i = 1; i < n; i++) {
			uint64_t v;

			if (p[i].revents && read(p[i].fd, &v, sizeof v) < 0 && errno != EAGAIN)
				who[i]->broken = 1;
		}
		for (unsigned i = 1; i < n; i++)
			if (!who[i]->broken)
				take(who[i]);
		/* one signal per client and turn, for the acks of refusals and completions alike */
		for (unsigned i = 0; i < CLIENTS_MAX; i++) {
			struct client *c = &drv.clients[i];

			if (c->attached && c->q && atomic_load_explicit(&c->q->ack_tail, memory_order_relaxed) !=
			    c->signalled_tail) {
				c->signalled_tail = atomic_load_explicit(&c->q->ack_tail, memory_order_relaxed);
				signal_client(c);
			}
		}
		if (mkx_now() - last_watch > 0.1) {
			last_watch = mkx_now();
			watchdog();
		}
	}
}

/* The controller from the Platform session, BAR0, its interrupt, the DMA session; retrying while busy. */
static int
acquire(unsigned long dma_quota)
{
	char why[512] = "", *xml;
	struct mkx_pci_device d;
	struct mkx_xml *devices;
	double t0 = mkx_now();
	size_t len;
	int err;

	if ((err = mkx_platform_open_ram(&drv.platform, "nvme", dma_quota, why, sizeof why)) ||
	    (err = mkx_platform_devices(&drv.platform, &xml, &len))) {
		mkx_error("Platform session: %s", why[0] ? why : "devices document unreadable");
		return err ? err : -EIO;
	}
	devices = mkx_xml_parse(xml, len, why, sizeof why);
	free(xml);
	err = -ENOENT;
	for (unsigned i = 0; devices && !mkx_devices_nth(devices, i, &d); i++)
		if ((d.class >> 8) == 0x0108 && (!drv.pci[0] || !strcmp(d.name, drv.pci))) {
			err = 0;
			break;
		}
	mkx_xml_free(devices);
	if (err) {
		mkx_error("nvme: no NVMe controller (class 01:08)%s%s in the Platform session's devices",
		    drv.pci[0] ? " at " : "", drv.pci);
		return err;
	}
	snprintf(drv.pci, sizeof drv.pci, "%s", d.name);
	while ((err = mkx_platform_acquire(&drv.platform, drv.pci, why, sizeof why)) == -EBUSY &&
	    mkx_now() - t0 < drv.acquire_ms / 1e3)
		usleep(100000);
	if (!err && !(err = mkx_platform_io_mem(&drv.platform, drv.pci, 0, &drv.bar, why, sizeof why)))
		while ((err = mkx_platform_irq(&drv.platform, drv.pci, 0, &drv.irq, why, sizeof why)) == -EBUSY &&
		    mkx_now() - t0 < drv.acquire_ms / 1e3)
			usleep(100000);
	if (err || (err = mkx_dma_open_platform(&drv.dma, &drv.platform, drv.pci, why, sizeof why))) {
		mkx_error("nvme: %s through the Platform session: %s", drv.pci, why);
		return err;
	}
	return 0;
}

int
main(void)
{
	static struct mkx_service svc = { .name = "Block", .open = blk_open, .call = blk_call, .close = blk_close };
	unsigned long depth = 32, dma_quota = 16ul << 20;
	struct mkx_dma_buffer mem;
	struct mkx_rom rom;
	char why[512];
	int err;

	if (mkx_env_init())
		return 1;
	drv.timeout_ms = 10000;
	drv.acquire_ms = 10000;
	if ((drv.cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(drv.cfg, "pci"))
			snprintf(drv.pci, sizeof drv.pci, "%s", mkx_xml_attr(drv.cfg, "pci"));
		if (mkx_xml_attr_ulong(drv.cfg, "queue_depth", 32, &depth) == -EINVAL || depth < 1 ||
		    depth > NVME_SLOTS || mkx_xml_attr_ulong(drv.cfg, "dma_quota", 16ul << 20, &dma_quota) == -EINVAL ||
		    mkx_xml_attr_ulong(drv.cfg, "timeout_ms", 10000, &drv.timeout_ms) == -EINVAL ||
		    mkx_xml_attr_ulong(drv.cfg, "reset_after", 0, &drv.reset_after) == -EINVAL ||
		    mkx_xml_attr_ulong(drv.cfg, "acquire_ms", 10000, &drv.acquire_ms) == -EINVAL) {
			mkx_error("nvme: config: queue_depth (1..%d), dma_quota, timeout_ms, reset_after and acquire_ms are "
			    "numbers", NVME_SLOTS);
			mkx_exit(1);
		}
	}
	for (unsigned i = 0; i < CLIENTS_MAX; i++)
		drv.clients[i].kick = drv.clients[i].signal = -1;
	if (drv.cfg && mkx_xml_attr(drv.cfg, "wait_rom")) {
		struct mkx_rom other;

		while (mkx_rom_try_open(&other, mkx_xml_attr(drv.cfg, "wait_rom")))
			usleep(200000);
		mkx_rom_close(&other);
		mkx_log("nvme: ROM \"%s\" present: taking the controller", mkx_xml_attr(drv.cfg, "wait_rom"));
	}
	if (acquire(dma_quota))
		mkx_exit(1);
	/* A whole huge page, so that no client's buffer shares its dataspace (see blk_open). */
	if (mkx_dma_alloc(&drv.dma, HUGE, &mem, why, sizeof why)) {
		mkx_error("nvme: DMA buffer for the queues: %s", why);
		mkx_exit(1);
	}
	if ((err = nvme_init(&drv.ctrl, &drv.bar, &mem, why, sizeof why))) {
		mkx_error("nvme: controller %s: %s", drv.pci, why);
		mkx_exit(1);
	}
	drv.slots = drv.ctrl.io_entries - 1 < NVME_SLOTS ? drv.ctrl.io_entries - 1 : NVME_SLOTS;
	drv.depth = depth < drv.slots ? (unsigned)depth : drv.slots;
	if (drv.irq.info.type == 0)
		nvme_intx_mask(&drv.ctrl, 0);
	mkx_log("nvme %s: \"%s\" serial \"%s\" firmware \"%s\", NVMe %u.%u, %u active namespace(s) of %u, %zu KiB per command, "
	    "trim %s, write cache %s; I/O queue of %u entries, depth %u per session; interrupts %s; queues at bus "
	    "0x%llx (%s)", drv.pci, drv.ctrl.mn, drv.ctrl.sn, drv.ctrl.fr, drv.ctrl.version >> 16,
	    (drv.ctrl.version >> 8) & 0xff, drv.ctrl.nns, drv.ctrl.nn, drv.ctrl.max_bytes >> 10, drv.ctrl.dsm ? "yes" : "no",
	    drv.ctrl.vwc ? "yes" : "no", drv.ctrl.io_entries, drv.depth,
	    drv.irq.info.type == 2 ? "MSI-X" : drv.irq.info.type ? "MSI" : "INTx", (unsigned long long)mem.bus,
	    drv.dma.info.iommu ? "IOVA" : "physical");
	for (unsigned i = 0; i < drv.ctrl.nns; i++)
		mkx_log("nvme: namespace %u: %llu blocks of %u bytes (%llu MiB)", drv.ctrl.ns[i].nsid,
		    (unsigned long long)drv.ctrl.ns[i].blocks, 1u << drv.ctrl.ns[i].block_log2,
		    (unsigned long long)(drv.ctrl.ns[i].blocks << drv.ctrl.ns[i].block_log2 >> 20));
	if ((err = mkx_server_announce(&svc))) {
		mkx_error("nvme: announce Block: %s", strerror(-err));
		mkx_exit(1);
	}
	serve();
	nvme_shutdown(&drv.ctrl);
	mkx_exit(0);
}
