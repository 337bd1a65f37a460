/*
 * mode="bench": the figures core-services/tools/raw_block.c measures with
 * Linux's own driver on the same disk earlier in the same boot, measured
 * the same way through the Block session: sequential 1 MiB writes and
 * reads at depth 1 (MB/s), random 4 KiB reads at depth 1 and 32 (IOPS),
 * each the median of its timed rounds, same offsets (the random ones from
 * the same sequence). A request larger than the session's max_blocks is
 * split into pieces submitted together, as Linux's block layer splits it
 * for the controller's MDTS: the unit is done when all its pieces are.
 * The buffer is filled once; nothing is generated or checked while timed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <mkx/bench.h>
#include <mkx/log.h>
#include <mkx/stamps.h>
#include "bench.h"
#include "pattern.h"

#define UNITS_MAX	32

struct pattern { const char *name; uint32_t op; int random; size_t size; unsigned depth; };

/* The same list, in the same order, as raw_block's. */
static const struct pattern patterns[] = {
	{ "seq write 1M qd1", MKX_BLOCK_WRITE, 0, 1 << 20, 1 },
	{ "seq read 1M qd1", MKX_BLOCK_READ, 0, 1 << 20, 1 },
	{ "rand read 4K qd1", MKX_BLOCK_READ, 1, 4096, 1 },
	{ "rand read 4K qd32", MKX_BLOCK_READ, 1, 4096, 32 },
};

struct run {
	struct mkx_block	*b;
	const struct pattern	*p;
	uint64_t		disk, pos, rnd;		/* bytes; the next sequential offset; the random state */
	uint32_t		pieces, piece_blocks;	/* per unit */
	unsigned		left[UNITS_MAX];	/* pieces of each unit still in flight */
	struct stamps		st;			/* where the timed loop's time goes */
	uint64_t		io;			/* units timed */
};

/* The timed loop's steps (stamps_log). */
enum { SB_SUBMIT, SB_KICK, SB_CLOCK, SB_WAIT, SB_MORE, SB_EMPTY };

/* Submit unit u (its pieces, tags u * pieces + j) at the next offset. 0 or -errno. */
static int
submit_unit(struct run *r, unsigned u)
{
	size_t bs = r->b->info.block_size;
	uint64_t off = r->p->random ? pattern_next(&r->rnd) % (r->disk / r->p->size) * r->p->size : r->pos;

	if (!r->p->random)
		r->pos = r->pos + 2 * r->p->size > r->disk ? 0 : r->pos + r->p->size;
	for (uint32_t j = 0; j < r->pieces; j++) {
		uint64_t first = off / bs + (uint64_t)j * r->piece_blocks;
		int rc = mkx_block_submit(r->b, &(struct mkx_block_request){ .op = r->p->op, .tag = u * r->pieces + j,
		    .block = first, .count = r->piece_blocks, .offset = u * r->p->size + (uint64_t)j * r->piece_blocks * bs });

		if (rc)
			return rc;
	}
	r->left[u] = r->pieces;
	return 0;
}

/* One round of ms: units completed per second, or -errno. */
static double
round_of(struct run *r, double ms)
{
	unsigned inflight = 0, ready[UNITS_MAX], nready = 0;
	uint64_t done = 0;
	double t0 = mkx_now(), t;
	struct mkx_block_ack a;
	int rc, got;

	for (unsigned u = 0; u < r->p->depth; u++)
		ready[nready++] = u;
	for (;;) {
		stamps_skip(&r->st);
		for (unsigned i = 0; i < nready; i++)
			if ((rc = submit_unit(r, ready[i])))
				return rc;
		stamps_step(&r->st, SB_SUBMIT);
		if (nready)
			mkx_block_kick(r->b);
		stamps_step(&r->st, SB_KICK);
		inflight += nready;
		nready = 0;
		if ((t = mkx_now()) - t0 >= ms / 1e3)
			break;
		stamps_step(&r->st, SB_CLOCK);
		for (got = 0; (rc = mkx_block_next_ack(r->b, &a, got ? 0 : 30000)) == 1; got++) {
			stamps_step(&r->st, got ? SB_MORE : SB_WAIT);
			unsigned u = a.tag / r->pieces;

			if (a.status || u >= r->p->depth || !r->left[u])
				return a.status ? a.status : -EPROTO;
			if (--r->left[u] == 0) {
				ready[nready++] = u;
				inflight--;
				done++;
			}
		}
		stamps_step(&r->st, SB_EMPTY);
		if (rc < 0 || !got)	/* a unit of several pieces may still lack some: wait on */
			return rc < 0 ? rc : -ETIMEDOUT;
	}
	r->io += done;
	while (inflight)	/* drain, uncounted, as raw_block does */
		if (mkx_block_next_ack(r->b, &a, 30000) != 1 || a.status)
			return -EIO;
		else if (--r->left[a.tag / r->pieces] == 0)
			inflight--;
	return done / (t - t0);
}

/* Per timed I/O: each step's microseconds and our context switches (voluntary+involuntary). */
static void
stamps_log(const struct run *r, const struct rusage *a)
{
	struct rusage b;
	double n = r->io ? (double)r->io : 1;

	getrusage(RUSAGE_SELF, &b);
	mkx_log("bench: block ours stamps %s: per I/O us: submit %.1f kick %.1f clock %.1f wait %.1f more %.1f "
	    "empty %.1f; switches %.2f+%.2f", r->p->name, stamps_us(&r->st, SB_SUBMIT, r->io),
	    stamps_us(&r->st, SB_KICK, r->io), stamps_us(&r->st, SB_CLOCK, r->io), stamps_us(&r->st, SB_WAIT, r->io),
	    stamps_us(&r->st, SB_MORE, r->io), stamps_us(&r->st, SB_EMPTY, r->io),
	    (double)(b.ru_nvcsw - a->ru_nvcsw) / n, (double)(b.ru_nivcsw - a->ru_nivcsw) / n);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Pattern p, rounds rounds: its "bench: block ours ..." line. 0 or -errno. */
static int
measure(struct mkx_block *b, const struct pattern *p, double ms, unsigned rounds)
{
	size_t bs = b->info.block_size;
	struct run r = { .b = b, .p = p, .disk = b->info.block_count * bs, .rnd = 0x6d6b78 };
	double v[16];
	struct rusage ru;

	r.pieces = (uint32_t)((p->size / bs + b->info.max_blocks - 1) / b->info.max_blocks);
	r.piece_blocks = (uint32_t)(p->size / bs / r.pieces);
	if (p->size % bs || r.piece_blocks * r.pieces * bs != p->size || p->depth * r.pieces > b->info.queue_depth ||
	    p->depth * p->size > b->buf_size || r.disk < 2 * p->size) {
		mkx_error("block_tester: bench %s does not fit the session (block size %zu, max_blocks %u, depth %u, "
		    "buffer %zu KiB)", p->name, bs, b->info.max_blocks, b->info.queue_depth, b->buf_size >> 10);
		return -EINVAL;
	}
	getrusage(RUSAGE_SELF, &ru);
	stamps_start(&r.st);
	for (unsigned i = 0; i < rounds; i++)
		if ((v[i] = round_of(&r, ms)) < 0) {
			mkx_error("block_tester: bench %s: %s", p->name, strerror((int)-v[i]));
			return (int)v[i];
		}
	stamps_log(&r, &ru);
	qsort(v, rounds, sizeof v[0], cmp_double);
	if (p->random)
		mkx_log("bench: block ours %s %.0f IOPS (median of %u rounds of %.1f s, best %.0f; Block session, %u "
		    "request(s) of %u blocks per I/O)", p->name, v[rounds / 2], rounds, ms / 1e3, v[rounds - 1],
		    r.pieces, r.piece_blocks);
	else
		mkx_log("bench: block ours %s %.1f MB/s (median of %u rounds of %.1f s, best %.1f; Block session, %u "
		    "request(s) of %u blocks per I/O)", p->name, v[rounds / 2] * p->size / 1e6, rounds, ms / 1e3,
		    v[rounds - 1] * p->size / 1e6, r.pieces, r.piece_blocks);
	return 0;
}

int
block_bench(struct mkx_block *b, double ms, unsigned rounds)
{
	int rc;

	if (!rounds || rounds > 16)
		rounds = 3;
	memset(b->buf, 0xa5, b->buf_size);
	for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++)
		if ((rc = measure(b, &patterns[k], ms, rounds)))
			return rc;
	return 0;
}
