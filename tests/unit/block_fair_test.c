/*
 * Fairness of the Block service (drivers/common/block_service.c) between
 * clients, on a simulated device that completes its oldest command once a
 * round: one client keeps its request queue full (more than the device has
 * slots), another queues one read. Measured in rounds (one completion and
 * one blk_serve each), not in time. The service's file is compiled in here:
 * its clients and slots are static, and the test sets them up as attach()
 * would, without a parent or a DMA session.
 */
/* First: it defines _GNU_SOURCE before any system header. */
#include "../../drivers/common/block_service.c"

#include <stdlib.h>
#include <string.h>
#include "harness.h"

#define SIM_SLOTS	32
#define FLOOD		64	/* requests the flooder keeps queued: twice the device's slots */
#define ROUNDS		1000

static struct blk_unit sim_unit = { .id = 1, .blocks = 1u << 20, .block_log2 = 9 };
static unsigned fifo[BLK_SLOTS_MAX], fifo_head, fifo_tail;	/* started slots, oldest first */

static int
sim_submit(void *ctx, unsigned slot, const struct blk_cmd *cmd)
{
	(void)ctx;
	(void)cmd;
	fifo[fifo_tail++ % BLK_SLOTS_MAX] = slot;
	return 0;
}

static struct blk_device sim = { .name = "sim", .unit_attr = "port", .units = &sim_unit, .nunits = 1,
	.slots = SIM_SLOTS, .depth = SIM_SLOTS, .max_bytes = 1u << 20, .submit = sim_submit };

/* Client i attached as attach() leaves it: its queues in our memory, no eventfds. */
static struct client *
sim_client(unsigned i)
{
	struct client *c = &clients[i];

	memset(c, 0, sizeof *c);
	c->used = c->attached = 1;
	snprintf(c->label, sizeof c->label, "client %u", i);
	c->unit = &sim_unit;
	c->buf.size = 1u << 20;
	c->buf.bus = 0x10000000;
	c->kick = c->signal = -1;
	c->q = calloc(1, sizeof *c->q);
	CHECK(c->q);
	return c;
}

static void
sim_start(void)
{
	dev = &sim;
	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++)
		clients[i].kick = clients[i].signal = -1;
}

/* Queue one 512-byte read at a buffer offset of its own (seq modulo the buffer). */
static void
queue_read(struct client *c, uint32_t seq)
{
	uint32_t t = atomic_load(&c->q->req_tail);

	c->q->req[t % MKX_BLOCK_SLOTS] = (struct mkx_block_request){ .op = MKX_BLOCK_READ, .tag = seq,
		.block = seq % 4096, .count = 1, .offset = (uint64_t)(seq % 2048) << 9 };
	atomic_store(&c->q->req_tail, t + 1);
}

/* The flooder takes its acks and queues again up to FLOOD waiting or in flight. */
static void
flood(struct client *c, uint32_t *seq)
{
	atomic_store(&c->q->ack_head, atomic_load(&c->q->ack_tail));
	while (atomic_load(&c->q->req_tail) - c->req_head + c->inflight < FLOOD)
		queue_read(c, (*seq)++);
}

/* One round: the device completes its oldest command, the flooders queue again, the service serves. */
static void
round_once(struct client **flooders, unsigned n, uint32_t *seq)
{
	if (fifo_head != fifo_tail)
		blk_done(fifo[fifo_head++ % BLK_SLOTS_MAX], 0);
	for (unsigned i = 0; i < n; i++)
		flood(flooders[i], seq);
	blk_serve(NULL, 0);
}

/*
 * The flooder at index flooder, the other at index other: the other's one
 * read starts within 2 rounds and is acknowledged within the device's
 * slots + 2 (the commands ahead of it complete first).
 */
static void
starved_or_not(unsigned flooder, unsigned other)
{
	struct client *f, *o;
	uint32_t seq = 0;
	unsigned started = 0, acked = 0;

	sim_start();
	f = sim_client(flooder);
	o = sim_client(other);
	flood(f, &seq);
	blk_serve(NULL, 0);
	CHECK_INT(f->inflight, SIM_SLOTS);
	queue_read(o, 1u << 30);
	for (unsigned r = 1; r <= ROUNDS && !acked; r++) {
		round_once(&f, 1, &seq);
		if (!started && o->req_head == 1)
			started = r;
		if (atomic_load(&o->q->ack_tail) == 1)
			acked = r;
	}
	fprintf(stderr, "flooder %u, other %u: the other's read started in round %u, acknowledged in round %u "
	    "(0: not within %u rounds)\n", flooder, other, started, acked, ROUNDS);
	CHECK(started >= 1 && started <= 2);
	CHECK(acked >= 1 && acked <= SIM_SLOTS + 2);
	CHECK_INT(o->q->ack[0].status, 0);
}

TEST(flooder_first_does_not_starve_the_second)
{
	starved_or_not(0, 1);
}

TEST(flooder_second_does_not_starve_the_first)
{
	starved_or_not(5, 2);
}

/* Two flooders: over 400 rounds each starts half of the commands the device frees, give or take one. */
TEST(two_flooders_share_the_device)
{
	struct client *f[2];
	uint32_t seq = 0;
	uint64_t before[2];

	sim_start();
	f[0] = sim_client(3);
	f[1] = sim_client(9);
	round_once(f, 2, &seq);
	before[0] = f[0]->requests;
	before[1] = f[1]->requests;
	for (unsigned r = 0; r < 400; r++)
		round_once(f, 2, &seq);
	fprintf(stderr, "two flooders, 400 rounds: %llu and %llu commands started\n",
	    (unsigned long long)(f[0]->requests - before[0]), (unsigned long long)(f[1]->requests - before[1]));
	CHECK(f[0]->requests - before[0] >= 199 && f[0]->requests - before[0] <= 201);
	CHECK(f[1]->requests - before[1] >= 199 && f[1]->requests - before[1] <= 201);
}
