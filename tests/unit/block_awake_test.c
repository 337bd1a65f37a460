/*
 * No kick while the Block driver is awake (mkx/block.h, driver_awake): a
 * client that publishes a request while the driver is awake writes no
 * kick, and the driver, before it sleeps, sees the request and does not
 * sleep; once it has said it sleeps, the client's kick is written again.
 * What the device will not take must not keep the driver awake. The
 * service's file is compiled in (its clients and slots are static, set up
 * here as attach() would); the client side is libmkx's mkx_block_kick.
 */
/* First: it defines _GNU_SOURCE before any system header. */
#include "../../drivers/common/block_service.c"

#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include "harness.h"

static struct blk_unit sim_unit = { .id = 1, .blocks = 1u << 20, .block_log2 = 9 };
static int device_refuses;
static unsigned started;

static int
sim_submit(void *ctx, unsigned slot, const struct blk_cmd *cmd)
{
	(void)ctx;
	(void)slot;
	(void)cmd;
	if (device_refuses)
		return -EBUSY;
	started++;
	return 0;
}

static struct blk_device sim = { .name = "sim", .unit_attr = "port", .units = &sim_unit, .nunits = 1,
	.slots = 4, .depth = 2, .max_bytes = 1u << 20, .submit = sim_submit };

/* Client 0 attached as attach() leaves it, and its libmkx side: the same queues, a kick eventfd. */
static struct client *
sim_client(struct mkx_block *b)
{
	struct client *c = &clients[0];

	dev = &sim;
	device_refuses = 0;
	started = 0;
	for (unsigned i = 0; i < BLK_CLIENTS_MAX; i++)
		clients[i].kick = clients[i].signal = -1;
	memset(c, 0, sizeof *c);
	c->used = c->attached = 1;
	c->unit = &sim_unit;
	c->buf.size = 1u << 20;
	c->kick = c->signal = -1;
	c->q = calloc(1, sizeof *c->q);
	CHECK(c->q);
	memset(b, 0, sizeof *b);
	b->q = c->q;
	b->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK(b->kick >= 0);
	return c;
}

/* One read through libmkx: submit and kick. */
static void
client_read(struct mkx_block *b, uint32_t tag)
{
	CHECK_INT(mkx_block_submit(b, &(struct mkx_block_request){ .op = MKX_BLOCK_READ, .tag = tag,
	    .block = tag, .count = 1, .offset = (uint64_t)tag << 9 }), 0);
	mkx_block_kick(b);
}

/* Kicks written since the last look (the eventfd's count, emptied). */
static uint64_t
kicks(struct mkx_block *b)
{
	uint64_t v = 0;

	return read(b->kick, &v, sizeof v) == sizeof v ? v : 0;
}

TEST(a_request_published_while_the_driver_is_awake_needs_no_kick_and_keeps_it_awake)
{
	struct mkx_block b;
	struct client *c = sim_client(&b);

	client_read(&b, 1);
	CHECK_INT(kicks(&b), 1);		/* a fresh session: the driver is asleep */
	blk_awake();
	CHECK_INT(atomic_load(&c->q->driver_awake), 1);
	blk_serve(NULL, 0);
	CHECK_INT(started, 1);
	client_read(&b, 2);			/* published while the driver is awake */
	CHECK_INT(kicks(&b), 0);
	CHECK_INT(blk_may_sleep(), 0);		/* it looks once more and stays up */
	CHECK_INT(atomic_load(&c->q->driver_awake), 0);
	blk_serve(NULL, 0);
	CHECK_INT(started, 2);
	CHECK_INT(blk_may_sleep(), 1);		/* nothing left: it sleeps */
	client_read(&b, 3);			/* depth 2 reached: queued, and kicked, the driver asleep */
	CHECK_INT(kicks(&b), 1);
	CHECK_INT(blk_may_sleep(), 1);		/* not takeable before a completion */
	close(b.kick);
}

TEST(what_the_device_will_not_take_does_not_keep_the_driver_awake)
{
	struct mkx_block b;
	struct client *c = sim_client(&b);

	blk_awake();
	device_refuses = 1;
	client_read(&b, 1);
	CHECK_INT(kicks(&b), 0);
	CHECK_INT(blk_may_sleep(), 0);		/* once: it tries */
	blk_serve(NULL, 0);
	CHECK_INT(c->req_head, 0);		/* the device refused: still queued */
	CHECK_INT(blk_may_sleep(), 1);		/* nothing taken since: it sleeps (the watchdog's turn retries) */
	device_refuses = 0;
	blk_serve(NULL, 0);
	CHECK_INT(started, 1);
	close(b.kick);
}
