/*
 * The Block service of a block driver (see block_service.h). Each client's
 * data buffer is a DMA buffer whose fd the client maps: the device reads
 * and writes the client's data where the client put it. Everything the
 * client can write (its queues, the requests in them) is read once and
 * checked; a client that lies hurts only itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mkx/args.h>
#include <mkx/log.h>
#include <mkx/server.h>
#include "block_service.h"

#define HUGE		(2ul << 20)	/* the DMA allocation unit */

enum { REFUSE_RANGE, REFUSE_BUFFER, REFUSE_RO, REFUSE_OVERLAP, REFUSE_OP, REFUSE_TRIM, REFUSE_KINDS };
static const char *const refuse_name[REFUSE_KINDS] = { "blocks outside the device",
	"offset outside the buffer, unaligned or a bad count", "write under a read-only policy",
	"overlapping a request in flight", "unknown operation", "trim without device support" };

struct client {
	int			used, closed, attached, broken;
	char			label[128];
	const struct blk_unit	*unit;
	int			writeable;
	struct mkx_dma_buffer	buf;
	struct mkx_block_queues	*q;
	int			kick, signal;
	unsigned		inflight, max_inflight;
	/*
	 * Our own counters: req_head and ack_tail live in the client's memory
	 * too (published there), but what the client writes to them is never
	 * read back.
	 */
	uint32_t		req_head, ack_tail;
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
};

static struct blk_device *dev;
static struct client clients[BLK_CLIENTS_MAX];
static struct slot slots[BLK_SLOTS_MAX];
static unsigned inflight;
static uint64_t submitted, taken;	/* requests started; taken (started or refused) */

/*
 * The coarse clock: the vDSO serves it from the kernel's tick without a
 * system call or a clock device read (mkx_now's may be either under
 * QEMU). A request's age for a timeout of seconds, the drivers' watchdog
 * and their session dispatch need no better than a tick; it is read once
 * per request and once per turn of a driver's loop.
 */
double
blk_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

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
	for (const struct mkx_xml *p = dev->cfg ? mkx_xml_child(dev->cfg, "policy") : NULL; p;
	    p = mkx_xml_next(p, "policy"))
		if (label_matches(p, label))
			return p;
	return NULL;
}

/* ---- sessions ---- */

static void
signal_client(struct client *c)
{
	uint64_t one = 1;

	if (c->signal >= 0 && write(c->signal, &one, sizeof one) < 0 && errno != EAGAIN)
		mkx_error("%s: cannot signal \"%s\": %s", dev->name, c->label, strerror(errno));
}

static void
client_free(struct client *c)
{
	char why[256];

	if (c->buf.va && mkx_dma_free(dev->dma, &c->buf, why, sizeof why))
		mkx_error("%s: freeing the buffer of \"%s\": %s", dev->name, c->label, why);
	memset(c, 0, sizeof *c);
	c->kick = c->signal = -1;
}

/* The session's args: tx_buf_size, paid by ram_quota. 0 or the refusal. */
static int
buffer_size(const char *args, unsigned long *size, char *why, size_t whylen)
{
	unsigned long quota = 0;

	if (mkx_arg_ulong(args, "tx_buf_size", size) || *size == 0 || *size > (64ul << 20)) {
		snprintf(why, whylen, "tx_buf_size missing or not 1 byte to 64 MiB");
		return -EINVAL;
	}
	if (mkx_arg_ulong(args, "ram_quota", &quota) || quota < *size) {
		snprintf(why, whylen, "ram_quota %lu does not pay tx_buf_size %lu", quota, *size);
		return -EDQUOT;
	}
	/*
	 * Whole 2 MiB huge pages: the client maps the buffer's dataspace, which
	 * must hold nothing else of ours (the DMA session may put small buffers
	 * of one session into one dataspace; a whole huge page is never shared).
	 */
	*size = (*size + HUGE - 1) & ~(HUGE - 1);
	return 0;
}

static int
blk_open(void *ctx, const char *label, const char *args, void **state, char *why, size_t whylen)
{
	const struct mkx_xml *p = policy_for(label);
	unsigned long id = 1, size = 0;
	struct client *c = NULL;
	int err;

	(void)ctx;
	if (!p) {
		snprintf(why, whylen, "no policy for \"%s\"", label);
		return -EPERM;
	}
	if ((err = buffer_size(args, &size, why, whylen)))
		return err;
	mkx_xml_attr_ulong(p, dev->unit_attr, 1, &id);
	for (unsigned i = 0; i < BLK_CLIENTS_MAX && !c; i++)
		if (!clients[i].used)
			c = &clients[i];
	if (!c) {
		snprintf(why, whylen, "%d Block sessions (or closed ones with requests in flight) already",
		    BLK_CLIENTS_MAX);
		return -EAGAIN;
	}
	for (unsigned i = 0; i < dev->nunits && !c->unit; i++)
		if (dev->units[i].id == id)
			c->unit = &dev->units[i];
	if (!c->unit) {
		snprintf(why, whylen, "policy names %s %lu, which the device does not have", dev->unit_attr, id);
		return -ENOENT;
	}
	if ((err = mkx_dma_alloc(dev->dma, size, &c->buf, why, whylen))) {
		c->unit = NULL;
		return err;
	}
	c->used = 1;
	c->writeable = mkx_xml_attr_bool(p, "writeable", 0) == 1;
	c->kick = c->signal = -1;
	snprintf(c->label, sizeof c->label, "%s", label);
	*state = c;
	mkx_log("%s: Block session of \"%s\": %s %u, %s, %zu KiB buffer", dev->name, label, dev->unit_attr,
	    c->unit->id, c->writeable ? "writeable" : "read-only", c->buf.size >> 10);
	return 0;
}

/*
 * An eventfd is an anonymous inode: no file type in its st_mode. A regular
 * file (a memfd) in its place polls readable for ever and its read never
 * empties it, so the driver would spin; a pipe or socket is a different
 * contract. (A timerfd or signalfd is anonymous too: harmless here.)
 */
static const char *
not_an_eventfd(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return "not an open file";
	switch (st.st_mode & S_IFMT) {
	case 0:
		return NULL;
	case S_IFREG:
		return "a regular file";
	case S_IFIFO:
		return "a pipe";
	case S_IFSOCK:
		return "a socket";
	default:
		return "a device or directory";
	}
}

/*
 * ATTACH's fds: the queues' memfd must hold struct mkx_block_queues and be
 * sealed against shrinking (a client truncating it under our mapping would
 * make our next access fault: SIGBUS, the driver gone for every client);
 * kick and signal must be eventfds, made non-blocking (a full one must
 * not stop us).
 */
static int
attach(struct client *c, struct mkx_msg *req, char *why, size_t whylen)
{
	int seals = fcntl(req->fds[0], F_GET_SEALS);
	const char *kind;
	struct stat st;
	void *q;

	for (unsigned i = 1; i < 3; i++)
		if ((kind = not_an_eventfd(req->fds[i]))) {
			snprintf(why, whylen, "the %s fd must be an eventfd, not %s", i == 1 ? "kick" : "signal", kind);
			mkx_log("%s: \"%s\": attach refused: %s", dev->name, c->label, why);
			return -EINVAL;
		}
	if (fstat(req->fds[0], &st) || st.st_size < (off_t)sizeof *c->q || seals < 0 || !(seals & F_SEAL_SHRINK)) {
		snprintf(why, whylen, "the queues' memfd must hold %zu bytes and be sealed F_SEAL_SHRINK",
		    sizeof *c->q);
		mkx_log("%s: \"%s\": attach refused: %s", dev->name, c->label, why);
		return -EINVAL;
	}
	q = mmap(NULL, sizeof *c->q, PROT_READ | PROT_WRITE, MAP_SHARED, req->fds[0], 0);
	if (q == MAP_FAILED) {
		snprintf(why, whylen, "mapping the queues: %s", strerror(errno));
		return -EINVAL;
	}
	c->q = q;
	/* Our counters start where the client's memory says (a fresh memfd: 0); from now on they are ours. */
	c->req_head = atomic_load_explicit(&c->q->req_head, memory_order_relaxed);
	c->ack_tail = c->signalled_tail = atomic_load_explicit(&c->q->ack_tail, memory_order_relaxed);
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
		info.block_count = c->unit->blocks;
		info.block_size = 1u << c->unit->block_log2;
		info.align_log2 = c->unit->block_log2;
		info.flags = (c->writeable ? MKX_BLOCK_WRITEABLE : 0) | (dev->can_trim ? MKX_BLOCK_CAN_TRIM : 0);
		info.queue_depth = dev->depth;
		info.max_blocks = (uint32_t)(dev->max_bytes >> c->unit->block_log2);
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
	mkx_log("%s: Block session of \"%s\" closed: %llu requests, %llu KiB; refused: %llu range, %llu buffer, "
	    "%llu read-only, %llu overlap, %llu op, %llu trim; at most %u in flight", dev->name, c->label,
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

/* ---- requests ---- */

/* Publish an ack (room was reserved when the request was taken). */
static void
ack(struct client *c, uint32_t tag, int status)
{
	uint32_t t;

	if (!c->attached)
		return;
	t = c->ack_tail++;
	c->q->ack[t % MKX_BLOCK_SLOTS] = (struct mkx_block_ack){ .tag = tag, .status = status };
	atomic_store_explicit(&c->q->ack_tail, c->ack_tail, memory_order_release);
}

static int
refuse(struct client *c, unsigned kind, int err)
{
	if (!c->refused[kind]++)
		mkx_log("%s: \"%s\": request refused (%s): %s", dev->name, c->label, refuse_name[kind], strerror(-err));
	return err;
}

/* Check one request against the unit, the buffer and the policy; 0 or the refusal. */
static int
check(struct client *c, const struct mkx_block_request *r)
{
	unsigned bl = c->unit->block_log2;
	uint64_t len;

	if (r->op == MKX_BLOCK_SYNC)
		return 0;
	if (r->op != MKX_BLOCK_READ && r->op != MKX_BLOCK_WRITE && r->op != MKX_BLOCK_TRIM)
		return refuse(c, REFUSE_OP, -EINVAL);
	if (r->op != MKX_BLOCK_READ && !c->writeable)
		return refuse(c, REFUSE_RO, -EPERM);
	/* A bad count first: the same refusal whatever the device's size. */
	if (r->count == 0 || (r->op != MKX_BLOCK_TRIM && r->count > dev->max_bytes >> bl) ||
	    (r->op == MKX_BLOCK_TRIM && dev->max_trim_blocks && r->count > dev->max_trim_blocks))
		return refuse(c, REFUSE_BUFFER, -EINVAL);
	if (r->block >= c->unit->blocks || r->count > c->unit->blocks - r->block)
		return refuse(c, REFUSE_RANGE, -ERANGE);
	if (r->op == MKX_BLOCK_TRIM)
		return dev->can_trim ? 0 : refuse(c, REFUSE_TRIM, -ENOTSUP);
	len = (uint64_t)r->count << bl;
	if (r->offset & ((1u << bl) - 1) || r->offset >= c->buf.size || len > c->buf.size - r->offset)
		return refuse(c, REFUSE_BUFFER, -EINVAL);
	for (unsigned i = 0; i < dev->slots; i++) {
		struct slot *s = &slots[i];

		if (s->busy && s->c == c && s->len && r->offset < s->off + s->len && s->off < r->offset + len)
			return refuse(c, REFUSE_OVERLAP, -EBUSY);
	}
	return 0;
}

static int
free_slot(void)
{
	for (unsigned i = 0; i < dev->slots; i++)
		if (!slots[i].busy)
			return (int)i;
	return -1;
}

/* Start a checked request in a free slot: 1 started, 0 no room (slots or device), try later. */
static int
start(struct client *c, const struct mkx_block_request *r)
{
	struct blk_cmd cmd = { .op = r->op, .unit = c->unit, .block = r->block, .count = r->count };
	struct slot *s;
	int id;

	if ((id = free_slot()) < 0)
		return 0;
	s = &slots[id];
	*s = (struct slot){ .c = c, .busy = 1, .tag = r->tag, .t0 = blk_now(), .tries = 1 };
	if (r->op == MKX_BLOCK_READ || r->op == MKX_BLOCK_WRITE) {
		s->off = r->offset;
		s->len = (uint64_t)r->count << c->unit->block_log2;
		cmd.bus = c->buf.bus + r->offset;
		cmd.len = s->len;
	}
	if (dev->submit(dev->ctx, (unsigned)id, &cmd)) {
		s->busy = 0;
		return 0;
	}
	c->inflight++;
	inflight++;
	submitted++;
	c->requests++;
	c->bytes += s->len;
	if (c->inflight > c->max_inflight)
		c->max_inflight = c->inflight;
	return 1;
}

/*
 * Is the client's request queue sane (its tail at most a queue ahead of our
 * head)? A tail further on is a lie: the session is not served any more.
 */
static int
queue_sane(struct client *c)
{
	uint32_t tail = atomic_load_explicit(&c->q->req_tail, memory_order_acquire);

	if (tail - c->req_head <= MKX_BLOCK_SLOTS)
		return 1;
	mkx_error("%s: \"%s\": request queue tail %u is %u entries ahead of its head (at most %u): "
	    "the session is not served any more", dev->name, c->label, tail, tail - c->req_head, MKX_BLOCK_SLOTS);
	c->broken = 1;
	return 0;
}

/*
 * Take the client's next queued request, as its depth, the ack queue's room
 * and our slots allow: 1 taken (started or refused), 0 nothing to take now.
 */
static int
take_one(struct client *c)
{
	struct mkx_block_queues *q = c->q;
	uint32_t tail = atomic_load_explicit(&q->req_tail, memory_order_acquire), acked;
	struct mkx_block_request r;
	int err;

	if (c->req_head == tail || tail - c->req_head > MKX_BLOCK_SLOTS || c->inflight >= dev->depth)
		return 0;
	r = q->req[c->req_head % MKX_BLOCK_SLOTS];	/* one copy: the client may change it */
	/* Room in the ack queue for this one and every one we hold (the client's head is not trusted). */
	acked = c->ack_tail - atomic_load_explicit(&q->ack_head, memory_order_acquire);
	if (acked > MKX_BLOCK_SLOTS || acked + c->inflight + 1 > MKX_BLOCK_SLOTS)
		return 0;
	if ((err = check(c, &r)))
		ack(c, r.tag, err);
	else if (!start(c, &r))
		return 0;
	c->req_head++;
	taken++;
	return 1;
}

static int
served(const struct client *c)
{
	return c->attached && !c->broken;
}

/*
 * Take what the clients queued, one request of each in turn, the first turn
 * going to the next client every time: a client keeping its queue full
 * cannot take every slot the device frees (with a fixed order the first
 * client took each freed slot again and a later one waited for ever).
 */
static void
take_all(void)
{
	static unsigned first;
	int more = 1;

	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++)
		if (served(&clients[i]))
			queue_sane(&clients[i]);
	while (more) {
		more = 0;
		for (unsigned k = 0; k < BLK_CLIENTS_MAX; k++) {
			struct client *c = &clients[(first + k) % BLK_CLIENTS_MAX];

			if (served(c) && take_one(c))
				more = 1;
		}
	}
	/* The next turn's first pick: the next client served after this turn's first. */
	for (unsigned k = 1; k <= BLK_CLIENTS_MAX; k++)
		if (served(&clients[(first + k) % BLK_CLIENTS_MAX])) {
			first = (first + k) % BLK_CLIENTS_MAX;
			break;
		}
	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++)
		if (clients[i].attached)
			atomic_store_explicit(&clients[i].q->req_head, clients[i].req_head, memory_order_release);
}

void
blk_done(unsigned slot, int status)
{
	struct slot *s = slot < dev->slots ? &slots[slot] : NULL;
	struct client *c;

	if (!s || !s->busy) {
		mkx_error("%s: completion for command slot %u, which is not in flight", dev->name, slot);
		return;
	}
	c = s->c;
	s->busy = 0;
	c->inflight--;
	inflight--;
	if (c->closed) {
		if (!c->inflight)
			client_free(c);
		return;
	}
	ack(c, s->tag, status);
}

int
blk_busy(unsigned slot, double *age)
{
	if (slot >= dev->slots || !slots[slot].busy)
		return 0;
	if (age)
		*age = blk_now() - slots[slot].t0;
	return 1;
}

int
blk_retry(unsigned slot)
{
	if (!blk_busy(slot, NULL) || ++slots[slot].tries > BLK_TRIES_MAX)
		return 0;
	slots[slot].t0 = blk_now();
	return 1;
}

unsigned
blk_inflight(void)
{
	return inflight;
}

uint64_t
blk_submitted(void)
{
	return submitted;
}

/* May the client's next queued request be taken now (take_one's conditions, nothing taken)? */
static int
takeable(struct client *c)
{
	uint32_t tail = atomic_load_explicit(&c->q->req_tail, memory_order_acquire);
	uint32_t acked = c->ack_tail - atomic_load_explicit(&c->q->ack_head, memory_order_acquire);

	return tail != c->req_head && tail - c->req_head <= MKX_BLOCK_SLOTS && c->inflight < dev->depth &&
	    acked <= MKX_BLOCK_SLOTS && acked + c->inflight + 1 <= MKX_BLOCK_SLOTS && free_slot() >= 0;
}

/*
 * Before the driver blocks: each client told we sleep (it kicks again),
 * then, after a fence (mkx_block_kick's other half), its queues looked at
 * once more: 0 if something can be taken now, which a client may have
 * published without a kick while we were awake. Not twice without a
 * request taken in between: what could not be taken (the device refusing
 * a command) must not keep the driver from sleeping.
 */
int
blk_may_sleep(void)
{
	static uint64_t taken_at_skip = UINT64_MAX;

	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++)
		if (served(&clients[i]))
			atomic_store_explicit(&clients[i].q->driver_awake, 0, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++)
		if (served(&clients[i]) && takeable(&clients[i]) && taken != taken_at_skip) {
			taken_at_skip = taken;
			return 0;
		}
	return 1;
}

/* After the driver woke: clients need not kick until it sleeps again (it takes their queues first). */
void
blk_awake(void)
{
	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++)
		if (served(&clients[i]))
			atomic_store_explicit(&clients[i].q->driver_awake, 1, memory_order_relaxed);
}

void
blk_signal_all(void)
{
	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++)
		if (clients[i].attached)
			signal_client(&clients[i]);
}

unsigned
blk_poll_fds(struct pollfd *p, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < BLK_CLIENTS_MAX && n < max; i++)
		if (clients[i].attached && !clients[i].broken)
			p[n++] = (struct pollfd){ .fd = clients[i].kick, .events = POLLIN };
	return n;
}

void
blk_serve(const struct pollfd *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t v;

		if (p[i].revents && read(p[i].fd, &v, sizeof v) < 0 && errno != EAGAIN)
			for (unsigned j = 0; j < BLK_CLIENTS_MAX; j++)
				if (clients[j].attached && clients[j].kick == p[i].fd)
					clients[j].broken = 1;
	}
	take_all();
	/* one signal per client and turn, for the acks of refusals and completions alike */
	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++) {
		struct client *c = &clients[i];
		uint32_t t;

		if (!c->attached)
			continue;
		t = c->ack_tail;
		if (t != c->signalled_tail) {
			c->signalled_tail = t;
			signal_client(c);
		}
	}
}

int
blk_service_start(struct blk_device *d)
{
	static struct mkx_service svc = { .name = "Block", .open = blk_open, .call = blk_call, .close = blk_close };

	dev = d;
	if (dev->slots > BLK_SLOTS_MAX)
		dev->slots = BLK_SLOTS_MAX;
	if (dev->depth > dev->slots)
		dev->depth = dev->slots;
	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++)
		clients[i].kick = clients[i].signal = -1;
	return mkx_server_announce(&svc);
}
