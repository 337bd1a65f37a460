/*
 * block_tester: writes a per-block pattern (block number + seed,
 * pattern.h) over a range of a Block session, reads it back and verifies
 * it, then writes a second seed at random offsets, reads those back, and
 * finally verifies the whole range against what it wrote where. A host
 * check regenerates the same pattern and random sequence and checks the
 * disk image (run/checks/block_image.py).
 *
 * Config:
 *   <config label="tester" seed="1" start="0" count="0" size="64K" depth="16" batch="4"
 *           random="512" random_blocks="16" buffer="2M"/>
 *   start, count: the range in blocks (count 0: to the end of the device)
 *   size: bytes per sequential request; depth: requests in flight;
 *   batch: requests submitted per kick; random: how many random writes
 *   (seed + 1 as their seed, seed + 2 as the random sequence's), each of
 *   1..random_blocks blocks.
 *   mode: "test" (the above), "write_forever" (the range with seed, SYNC,
 *   then with seed + 1, seed, seed + 1, ... until the driver is gone: the
 *   victim of a driver killed mid-write; after the first pass it reports
 *   "pass1") or "survey" (read the range and
 *   count blocks of seed, of seed + 1, zero and other; intact if the
 *   others, torn by the kill, are one run of at most max_torn blocks) or
 *   "expect_text" (the range holds text= and a newline over and over) or
 *   "bench" (bench.c: throughput and IOPS against Linux's driver's, rounds
 *   of bench_ms milliseconds, bench_rounds of them; it writes the disk).
 *   trim_start, trim_count: after the test, TRIM those blocks and read them
 *   back (counting the zero ones; the host check wants them zero where
 *   the disk discards).
 *   wait_rom: before exiting, wait (up to 60 s) until this ROM exists: a
 *   composition that ends with the tester (finish="yes") lets another
 *   client finish first (scenario nvme: block_hostile's report).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/bench.h>
#include <mkx/block.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>
#include <mkx/xml.h>
#include <unistd.h>
#include "bench.h"
#include "pattern.h"

#define DEPTH_MAX	MKX_BLOCK_SLOTS

static struct mkx_block blk;
static unsigned long seed = 1, size = 64 << 10, depth = 16, batch = 4, nrandom = 512, random_blocks = 16;
static uint64_t start, count;
static size_t bs;
static uint8_t *written2;		/* per block: 1 if the random pass wrote it (seed + 1) */
static uint64_t requests, bytes, mismatches, trim_start, trim_count;

struct job {
	uint32_t	op;
	uint64_t	block;
	uint32_t	count;
	uint64_t	seed;		/* WRITE: the pattern; READ: the expected one (0: per written2) */
};

typedef int (*next_fn)(void *ctx, struct job *);

static uint64_t
expected_seed(uint64_t b)
{
	return written2[b - start] ? seed + 1 : seed;
}

static void
verify(const struct job *j, const uint8_t *data)
{
	for (uint32_t i = 0; i < j->count; i++) {
		uint64_t b = j->block + i, s = j->seed ? j->seed : expected_seed(b);
		size_t at = pattern_check(data + i * bs, bs, b, s);

		if (at && mismatches++ < 8)
			mkx_error("block_tester: block %" PRIu64 " differs at byte %zu (seed %" PRIu64 " expected)", b,
			    at - 1, s);
	}
}

/*
 * Run jobs from next() with up to depth in flight, batch per kick; every
 * read is verified as it completes. 0, or -EIO (a request failed).
 */
static int
run(next_fn next, void *ctx)
{
	struct job slot_job[DEPTH_MAX];
	unsigned free_slots[DEPTH_MAX], nfree = 0, inflight = 0;
	int more = 1;

	for (unsigned i = (unsigned)depth; i-- > 0;)
		free_slots[nfree++] = i;
	while (more || inflight) {
		unsigned submitted = 0, got;
		struct mkx_block_ack a;
		int rc;

		while (more && nfree && submitted < batch) {
			struct job j;
			unsigned s;

			if (!next(ctx, &j)) {
				more = 0;
				break;
			}
			s = free_slots[--nfree];
			slot_job[s] = j;
			if (j.op == MKX_BLOCK_WRITE)
				for (uint32_t i = 0; i < j.count; i++)
					pattern_fill(blk.buf + s * size + i * bs, bs, j.block + i, j.seed);
			rc = mkx_block_submit(&blk, &(struct mkx_block_request){ .op = j.op, .tag = s, .block = j.block,
			    .count = j.count, .offset = s * size });
			if (rc) {
				mkx_error("block_tester: submit: %s", strerror(-rc));
				return rc;
			}
			inflight++;
			submitted++;
			requests++;
			bytes += (uint64_t)j.count * bs;
		}
		if (submitted)
			mkx_block_kick(&blk);
		if (!inflight || (nfree && more && submitted))
			continue;
		/* wait for one ack, then take whatever else is there */
		for (got = 0; (rc = mkx_block_next_ack(&blk, &a, got ? 0 : 30000)) == 1; got++) {
			if (a.tag >= depth || slot_job[a.tag].op == 0) {
				mkx_error("block_tester: ack with tag %u, which is not in flight", a.tag);
				return -EPROTO;
			}
			if (a.status) {
				mkx_error("block_tester: %s of %u blocks at %" PRIu64 " failed: %s",
				    slot_job[a.tag].op == MKX_BLOCK_READ ? "read" : "write", slot_job[a.tag].count,
				    slot_job[a.tag].block, strerror(-a.status));
				return -EIO;
			}
			if (slot_job[a.tag].op == MKX_BLOCK_READ)
				verify(&slot_job[a.tag], blk.buf + a.tag * size);
			slot_job[a.tag].op = 0;
			free_slots[nfree++] = a.tag;
			inflight--;
		}
		if (rc < 0)
			return rc;
		if (!got) {
			mkx_error("block_tester: no ack within 30 s (%u requests in flight)", inflight);
			return -ETIMEDOUT;
		}
	}
	return 0;
}

/* Sequential: the range in requests of size bytes. */
struct seq { uint32_t op; uint64_t next, seed; };

static int
seq_next(void *ctx, struct job *j)
{
	struct seq *s = ctx;
	uint64_t n = size / bs;

	if (s->next >= start + count)
		return 0;
	if (n > start + count - s->next)
		n = start + count - s->next;
	*j = (struct job){ .op = s->op, .block = s->next, .count = (uint32_t)n, .seed = s->seed };
	s->next += n;
	return 1;
}

/* Random: nrandom requests of 1..random_blocks blocks (pattern.h's sequence), writes or their read-back. */
struct rnd { uint32_t op; uint64_t state; unsigned long done; };

static int
rnd_next(void *ctx, struct job *j)
{
	struct rnd *r = ctx;
	uint64_t n, b;

	if (r->done++ >= nrandom)
		return 0;
	n = 1 + pattern_next(&r->state) % random_blocks;
	if (n > count)
		n = count;
	b = start + pattern_next(&r->state) % (count - n + 1);
	*j = (struct job){ .op = r->op, .block = b, .count = (uint32_t)n, .seed = seed + 1 };
	if (r->op == MKX_BLOCK_WRITE)
		memset(written2 + (b - start), 1, n);
	return 1;
}

static int
sync_all(void)
{
	struct mkx_block_ack a;
	int rc;

	if ((rc = mkx_block_submit(&blk, &(struct mkx_block_request){ .op = MKX_BLOCK_SYNC, .tag = 0 })))
		return rc;
	mkx_block_kick(&blk);
	requests++;
	if ((rc = mkx_block_next_ack(&blk, &a, 30000)) != 1)
		return rc ? rc : -ETIMEDOUT;
	return a.status;
}

static void
phase(const char *what, int rc, double t0)
{
	if (rc) {
		mkx_error("block_tester: %s failed: %s", what, strerror(-rc));
		mkx_exit(1);
	}
	mkx_log("block_tester: %s done in %.2f s", what, mkx_now() - t0);
}

/* The victim of a driver killed mid-write: seed once, SYNC, then seed + 1 over and over. */
static void __attribute__((noreturn))
write_forever(void)
{
	struct seq sq = { .op = MKX_BLOCK_WRITE, .next = start, .seed = seed };
	int rc;

	if ((rc = run(seq_next, &sq)) || (rc = sync_all())) {
		mkx_error("block_tester: first pass: %s", strerror(-rc));
		mkx_exit(1);
	}
	mkx_log("block_tester: pass 1 (seed %lu) written and synced; now seeds %lu and %lu by turns until the driver "
	    "is gone", seed, seed + 1, seed);
	{
		/* Say so to whoever waits for it (scenario nvme_kill: the second driver instance). */
		static const char doc[] = "<pass1/>\n";
		struct mkx_report rep;
		char why[256] = "";

		if (mkx_report_open(&rep, "pass1", why, sizeof why) || mkx_report_submit(&rep, doc, sizeof doc - 1))
			mkx_error("block_tester: report \"pass1\": %s", why);
	}
	/* Passes alternate seed + 1 and seed, so that a kill leaves a newer part before the writes in flight. */
	for (unsigned pass = 2;; pass++) {
		sq = (struct seq){ .op = MKX_BLOCK_WRITE, .next = start, .seed = seed + (pass & 1 ? 0 : 1) };
		if ((rc = run(seq_next, &sq))) {
			mkx_log("block_tester: pass %u ended: %s", pass, strerror(-rc));
			mkx_exit(2);
		}
	}
}

/* Read the range; every block is of seed, of seed + 1, zero, or torn (one run of at most max_torn). */
static void __attribute__((noreturn))
survey(unsigned long max_torn)
{
	static uint8_t zero[4096];
	uint64_t n[4] = { 0 }, first = 0, last = 0;
	int ok;

	for (uint64_t b = start; b < start + count; b += size / bs) {
		uint32_t k = (uint32_t)(start + count - b < size / bs ? start + count - b : size / bs);
		struct mkx_block_ack a;
		int rc;

		if ((rc = mkx_block_submit(&blk, &(struct mkx_block_request){ .op = MKX_BLOCK_READ, .block = b,
		    .count = k })) || (mkx_block_kick(&blk), (rc = mkx_block_next_ack(&blk, &a, 30000)) != 1) ||
		    (rc = a.status)) {
			mkx_error("block_tester: survey read at %" PRIu64 ": %s", b, rc ? strerror(-rc) : "no ack");
			mkx_exit(1);
		}
		for (uint32_t i = 0; i < k; i++) {
			const uint8_t *p = blk.buf + (size_t)i * bs;
			int kind = !pattern_check(p, bs, b + i, seed) ? 0 : !pattern_check(p, bs, b + i, seed + 1) ? 1 :
			    !memcmp(p, zero, bs) ? 2 : 3;

			if (kind == 3 && !n[3])
				first = b + i;
			if (kind == 3)
				last = b + i;
			n[kind]++;
		}
	}
	ok = n[3] <= max_torn && (!n[3] || last - first + 1 == n[3]);
	mkx_log("block_tester: survey: %" PRIu64 " blocks of seed %lu, %" PRIu64 " of seed %lu, %" PRIu64 " zero, %"
	    PRIu64 " other; %s", n[0], seed, n[1], seed + 1, n[2], n[3],
	    ok ? "intact outside the writes in flight" : "FAILED");
	if (n[3])
		mkx_log("block_tester: survey: other blocks %" PRIu64 "..%" PRIu64 " (at most %lu allowed)", first, last,
		    max_torn);
	mkx_exit(ok ? 0 : 1);
}

/*
 * mode="expect_text": the range must hold text (plus a newline) over and
 * over, as `yes TEXT` writes it: what another driver (Linux's, in scenario
 * nvme_host) wrote before this one took the device.
 */
static void __attribute__((noreturn))
expect_text(const char *text)
{
	size_t tl = strlen(text) + 1;
	uint64_t pos = 0, bad = 0;

	for (uint64_t b = start; b < start + count; b += size / bs) {
		uint32_t k = (uint32_t)(start + count - b < size / bs ? start + count - b : size / bs);
		struct mkx_block_ack a;
		int rc;

		if ((rc = mkx_block_submit(&blk, &(struct mkx_block_request){ .op = MKX_BLOCK_READ, .block = b,
		    .count = k })) || (mkx_block_kick(&blk), (rc = mkx_block_next_ack(&blk, &a, 30000)) != 1) ||
		    (rc = a.status)) {
			mkx_error("block_tester: read at %" PRIu64 ": %s", b, rc ? strerror(-rc) : "no ack");
			mkx_exit(1);
		}
		for (size_t i = 0; i < (size_t)k * bs; i++, pos++) {
			char want = pos % tl == tl - 1 ? '\n' : text[pos % tl];

			if (blk.buf[i] != (uint8_t)want && !bad++)
				mkx_error("block_tester: byte %" PRIu64 " of the range is 0x%02x, not '%c'", pos, blk.buf[i],
				    want);
		}
	}
	mkx_log("block_tester: blocks %" PRIu64 "..%" PRIu64 " %s \"%s\" repeated (%" PRIu64 " bytes, %" PRIu64
	    " wrong)", start, start + count - 1, bad ? "do NOT hold" : "hold", text, pos, bad);
	mkx_exit(bad ? 1 : 0);
}

/* The config's numbers; the label into label. */
static void
read_config(const struct mkx_xml *cfg, char *label, size_t len, unsigned long *buffer)
{
	unsigned long ul;

	if (mkx_xml_attr(cfg, "label"))
		snprintf(label, len, "%s", mkx_xml_attr(cfg, "label"));
	mkx_xml_attr_ulong(cfg, "seed", 1, &seed);
	mkx_xml_attr_ulong(cfg, "size", 64 << 10, &size);
	mkx_xml_attr_ulong(cfg, "depth", 16, &depth);
	mkx_xml_attr_ulong(cfg, "batch", 4, &batch);
	mkx_xml_attr_ulong(cfg, "random", 512, &nrandom);
	mkx_xml_attr_ulong(cfg, "random_blocks", 16, &random_blocks);
	mkx_xml_attr_ulong(cfg, "buffer", 2ul << 20, buffer);
	mkx_xml_attr_ulong(cfg, "start", 0, &ul);
	start = ul;
	mkx_xml_attr_ulong(cfg, "count", 0, &ul);
	count = ul;
	mkx_xml_attr_ulong(cfg, "trim_start", 0, &ul);
	trim_start = ul;
	mkx_xml_attr_ulong(cfg, "trim_count", 0, &ul);
	trim_count = ul;
}

/* Does the config fit the session? Exits with what does not. */
static void
check_fit(int survey_mode)
{
	bs = blk.info.block_size;
	if (!count && start < blk.info.block_count)
		count = blk.info.block_count - start;
	if (depth > blk.info.queue_depth)
		depth = blk.info.queue_depth;
	if (!depth || depth > DEPTH_MAX || !batch || !random_blocks || size < bs || size % bs ||
	    size / bs > blk.info.max_blocks || random_blocks * bs > size || depth * size > blk.buf_size ||
	    start >= blk.info.block_count || count > blk.info.block_count - start ||
	    (!(blk.info.flags & MKX_BLOCK_WRITEABLE) && !survey_mode)) {
		mkx_error("block_tester: config does not fit the session (block size %zu, %" PRIu64 " blocks, depth %u, "
		    "%u blocks per request, %zu KiB buffer, %s): size %lu, depth %lu, random_blocks %lu, start %" PRIu64
		    ", count %" PRIu64, bs, (uint64_t)blk.info.block_count, blk.info.queue_depth, blk.info.max_blocks,
		    blk.buf_size >> 10, blk.info.flags & MKX_BLOCK_WRITEABLE ? "writeable" : "read-only", size, depth,
		    random_blocks, start, count);
		mkx_exit(1);
	}
	if (!(written2 = calloc(count, 1))) {
		mkx_error("block_tester: no memory for %" PRIu64 " blocks' map", count);
		mkx_exit(1);
	}
}

/* TRIM count blocks from first, then read them back: how many are zero (what a discarding disk gives). */
static void
trim_range(uint64_t first, uint64_t n)
{
	static const uint8_t zero[4096];
	uint64_t zeros = 0;
	struct mkx_block_ack a;
	int rc;

	if ((rc = mkx_block_submit(&blk, &(struct mkx_block_request){ .op = MKX_BLOCK_TRIM, .block = first,
	    .count = (uint32_t)n })) || (mkx_block_kick(&blk), (rc = mkx_block_next_ack(&blk, &a, 30000)) != 1) ||
	    (rc = a.status)) {
		mkx_error("block_tester: trim of blocks %" PRIu64 "..%" PRIu64 " FAILED: %s", first, first + n - 1,
		    rc ? strerror(-rc) : "no ack");
		mismatches++;
		return;
	}
	for (uint64_t b = first; b < first + n; b++) {
		if ((rc = mkx_block_submit(&blk, &(struct mkx_block_request){ .op = MKX_BLOCK_READ, .block = b,
		    .count = 1 })) || (mkx_block_kick(&blk), (rc = mkx_block_next_ack(&blk, &a, 30000)) != 1) ||
		    (rc = a.status)) {
			mkx_error("block_tester: read after trim at %" PRIu64 " FAILED", b);
			mismatches++;
			return;
		}
		zeros += !memcmp(blk.buf, zero, bs);
	}
	mkx_log("block_tester: trimmed blocks %" PRIu64 "..%" PRIu64 "; read back: %" PRIu64 " of %" PRIu64 " zero", first,
	    first + n - 1, zeros, n);
}

/* mode="test": the phases, then the summary line. */
static void
test(void)
{
	double t0 = mkx_now(), t = t0;
	struct seq sq = { .op = MKX_BLOCK_WRITE, .next = start, .seed = seed };
	struct rnd rn;

	phase("sequential write", run(seq_next, &sq), t);
	t = mkx_now();
	sq = (struct seq){ .op = MKX_BLOCK_READ, .next = start, .seed = seed };
	phase("sequential read and verify", run(seq_next, &sq), t);
	t = mkx_now();
	rn = (struct rnd){ .op = MKX_BLOCK_WRITE, .state = seed + 2 };
	phase("random write", run(rnd_next, &rn), t);
	t = mkx_now();
	rn = (struct rnd){ .op = MKX_BLOCK_READ, .state = seed + 2 };
	phase("random read and verify", run(rnd_next, &rn), t);
	t = mkx_now();
	phase("sync", sync_all(), t);
	t = mkx_now();
	sq = (struct seq){ .op = MKX_BLOCK_READ, .next = start, .seed = 0 };
	phase("final read and verify of the whole range", run(seq_next, &sq), t);
	if (trim_count)
		trim_range(trim_start, trim_count);
	t = mkx_now() - t0;
	mkx_log("block_tester: %s: %" PRIu64 " bytes in %" PRIu64 " requests in %.2f s (%.1f MiB/s); seed %lu, %lu "
	    "random writes; %" PRIu64 " blocks mismatched", mismatches ? "FAILED" : "done", bytes, requests, t,
	    bytes / t / (1 << 20), seed, nrandom, mismatches);
}

/* Wait (up to 60 s) until ROM name exists. */
static void
wait_rom(const char *name)
{
	struct mkx_rom other;
	double w0 = mkx_now();

	while (mkx_rom_try_open(&other, name) && mkx_now() - w0 < 60)
		usleep(200000);
	mkx_log("block_tester: ROM \"%s\" %s after %.1f s", name, mkx_now() - w0 < 60 ? "present" : "STILL MISSING",
	    mkx_now() - w0);
}

int
main(void)
{
	unsigned long buffer = 2ul << 20, max_torn = 0;
	char label[64] = "tester", why[512];
	const char *mode = "test";
	struct mkx_xml *cfg;
	struct mkx_rom rom;
	int rc;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		read_config(cfg, label, sizeof label, &buffer);
		mkx_xml_attr_ulong(cfg, "max_torn", 0, &max_torn);
		if (mkx_xml_attr(cfg, "mode"))
			mode = mkx_xml_attr(cfg, "mode");
	}
	if (strcmp(mode, "test") && strcmp(mode, "write_forever") && strcmp(mode, "survey") && strcmp(mode, "bench") &&
	    (strcmp(mode, "expect_text") || !mkx_xml_attr(cfg, "text"))) {
		mkx_error("block_tester: mode=\"%s\": test, write_forever, survey, bench or expect_text (with text=)",
		    mode);
		mkx_exit(1);
	}
	if ((rc = mkx_block_open(&blk, label, buffer, why, sizeof why))) {
		mkx_error("block_tester: Block session \"%s\": %s", label, why);
		mkx_exit(1);
	}
	check_fit(!strcmp(mode, "survey") || !strcmp(mode, "expect_text"));
	mkx_log("block_tester: \"%s\": %" PRIu64 " blocks of %zu bytes, %s, depth %u; testing blocks %" PRIu64
	    "..%" PRIu64 ", %lu-byte requests, depth %lu, batch %lu, seed %lu", label, (uint64_t)blk.info.block_count,
	    bs, blk.info.flags & MKX_BLOCK_CAN_TRIM ? "trim" : "no trim", blk.info.queue_depth, start,
	    start + count - 1, size, depth, batch, seed);
	if (!strcmp(mode, "write_forever"))
		write_forever();
	if (!strcmp(mode, "survey"))
		survey(max_torn);
	if (!strcmp(mode, "expect_text"))
		expect_text(mkx_xml_attr(cfg, "text"));
	if (!strcmp(mode, "bench")) {
		unsigned long ms = 1000, rounds = 3;

		mkx_xml_attr_ulong(cfg, "bench_ms", 1000, &ms);
		mkx_xml_attr_ulong(cfg, "bench_rounds", 3, &rounds);
		mkx_exit(block_bench(&blk, (double)ms, (unsigned)rounds) ? 1 : 0);
	}
	test();
	mkx_block_close(&blk);
	if (cfg && mkx_xml_attr(cfg, "wait_rom"))
		wait_rom(mkx_xml_attr(cfg, "wait_rom"));
	mkx_exit(mismatches ? 1 : 0);
}
