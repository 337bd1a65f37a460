/*
 * block_hostile: a Block client that breaks the rules (scenario nvme).
 * Through session "rw" (writeable, namespace 2) it writes a known pattern
 * to blocks 0..255 (byte j of block b is (b * 7 + j + seed) & 0xff, which
 * run/checks/block_image.py also checks in the image); through session
 * "ro" (the same namespace, read-only) it then tries what must be refused
 * and checks each refusal's status: writes and trims (-EPERM), blocks
 * outside the namespace (-ERANGE, also where block + count wraps), offsets
 * outside or at the edge of the buffer, unaligned, count 0 or too large,
 * an unknown operation (-EINVAL), a request overlapping one in flight
 * (-EBUSY); a flood of 256 requests at once (all served, at most
 * queue_depth at a time); through session "lie" a request queue index
 * far ahead of its head (no longer served; nothing else is disturbed);
 * through session "small" queues the driver could lose under its mapping.
 * Last, "rw" reads blocks 0..255 back: the refused writes left them alone.
 *
 * At the end it reports "done" (a Report), so that a client whose exit
 * ends the composition can wait for it (block_tester's wait_rom).
 *
 * Config: <config seed="7"/>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/block.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>
#include <mkx/xml.h>

#define BLOCKS	256

static unsigned long seed = 7;
static unsigned failures, refusals;

static void
fill(uint8_t *p, size_t bs, uint64_t b)
{
	for (size_t j = 0; j < bs; j++)
		p[j] = (uint8_t)(b * 7 + j + seed);
}

/* Queue requests (published with one tail store, so the driver sees them together), kick, collect acks by tag. */
static int
batch(struct mkx_block *blk, const struct mkx_block_request *r, unsigned n, int32_t *status)
{
	uint32_t tail = atomic_load_explicit(&blk->q->req_tail, memory_order_relaxed);
	struct mkx_block_ack a;
	unsigned got = 0;
	int rc;

	for (unsigned i = 0; i < n; i++) {
		blk->q->req[(tail + i) % MKX_BLOCK_SLOTS] = r[i];
		blk->q->req[(tail + i) % MKX_BLOCK_SLOTS].tag = i;
		status[i] = 1;
	}
	atomic_store_explicit(&blk->q->req_tail, tail + n, memory_order_release);
	mkx_block_kick(blk);
	while (got < n && (rc = mkx_block_next_ack(blk, &a, 20000)) == 1) {
		if (a.tag < n && status[a.tag] == 1)
			status[a.tag] = a.status, got++;
		mkx_block_kick(blk);		/* room in the ack queue again */
	}
	return got == n ? 0 : -ETIMEDOUT;
}

static void
expect(struct mkx_block *blk, const char *what, struct mkx_block_request r, int want)
{
	int32_t st;

	if (batch(blk, &r, 1, &st)) {
		mkx_error("block_hostile: FAIL %s: no ack", what);
		failures++;
	} else if (st != want) {
		mkx_error("block_hostile: FAIL %s: status %d (%s), expected %d (%s)", what, st, strerror(-st), want,
		    strerror(-want));
		failures++;
	} else {
		mkx_log("block_hostile: %s: refused, %s", what, strerror(-want));
		refusals++;
	}
}

static int
open_session(struct mkx_block *blk, const char *label)
{
	char why[256];
	int rc = mkx_block_open(blk, label, 2u << 20, why, sizeof why);

	if (rc)
		mkx_error("block_hostile: FAIL session \"%s\": %s", label, why);
	return rc;
}

static struct mkx_block rw, ro, lie;
static int32_t st[MKX_BLOCK_SLOTS];

/* The victim data, through the writeable session; then a trim of blocks nobody wrote (zero in the image). */
static void
victim_write(void)
{
	size_t bs = rw.info.block_size;
	struct mkx_block_request r = { .op = MKX_BLOCK_WRITE, .block = 0, .count = BLOCKS, .offset = 0 };

	for (uint64_t b = 0; b < BLOCKS; b++)
		fill(rw.buf + b * bs, bs, b);
	if (batch(&rw, &r, 1, st) || st[0] || batch(&rw, &(struct mkx_block_request){ .op = MKX_BLOCK_SYNC }, 1, st) ||
	    st[0]) {
		mkx_error("block_hostile: FAIL writing the victim blocks: %s", strerror(-st[0]));
		mkx_exit(1);
	}
	if (!(rw.info.flags & MKX_BLOCK_CAN_TRIM))
		return;
	r = (struct mkx_block_request){ .op = MKX_BLOCK_TRIM, .block = BLOCKS, .count = BLOCKS };
	if (batch(&rw, &r, 1, st) || st[0]) {
		mkx_error("block_hostile: FAIL trim of blocks %u..%u: %s", BLOCKS, 2 * BLOCKS - 1, strerror(-st[0]));
		failures++;
	} else
		mkx_log("block_hostile: trim of blocks %u..%u through \"rw\": done", BLOCKS, 2 * BLOCKS - 1);
}

/* Through the read-only session, onto the same blocks (the marker 0xee), and every malformed request. */
static void
bad_requests(void)
{
	size_t bs = ro.info.block_size;
	uint64_t n = ro.info.block_count;

	memset(ro.buf, 0xee, 64 * bs);
	expect(&ro, "write under a read-only policy", (struct mkx_block_request){ .op = MKX_BLOCK_WRITE, .count = 64 },
	    -EPERM);
	expect(&ro, "trim under a read-only policy", (struct mkx_block_request){ .op = MKX_BLOCK_TRIM, .count = 64 },
	    -EPERM);
	expect(&ro, "read of the block after the last", (struct mkx_block_request){ .op = MKX_BLOCK_READ, .block = n,
	    .count = 1 }, -ERANGE);
	expect(&ro, "read across the end", (struct mkx_block_request){ .op = MKX_BLOCK_READ, .block = n - 1,
	    .count = 2 }, -ERANGE);
	expect(&ro, "read where block + count wraps", (struct mkx_block_request){ .op = MKX_BLOCK_READ,
	    .block = UINT64_MAX - 1, .count = 4 }, -ERANGE);
	expect(&ro, "offset at the buffer's end", (struct mkx_block_request){ .op = MKX_BLOCK_READ, .count = 1,
	    .offset = ro.buf_size }, -EINVAL);
	expect(&ro, "data across the buffer's end", (struct mkx_block_request){ .op = MKX_BLOCK_READ, .count = 2,
	    .offset = ro.buf_size - bs }, -EINVAL);
	expect(&ro, "offset where offset + length wraps", (struct mkx_block_request){ .op = MKX_BLOCK_READ,
	    .count = 2, .offset = UINT64_MAX - bs + 1 }, -EINVAL);
	expect(&ro, "unaligned offset", (struct mkx_block_request){ .op = MKX_BLOCK_READ, .count = 1, .offset = 1 },
	    -EINVAL);
	expect(&ro, "count 0", (struct mkx_block_request){ .op = MKX_BLOCK_READ, .count = 0 }, -EINVAL);
	expect(&ro, "more blocks than a request may have", (struct mkx_block_request){ .op = MKX_BLOCK_READ,
	    .count = ro.info.max_blocks + 1 }, -EINVAL);
	expect(&ro, "unknown operation", (struct mkx_block_request){ .op = 99, .count = 1 }, -EINVAL);
}

/* Two reads into the same bytes, seen together: the second overlaps the first in flight. */
static void
overlap(void)
{
	struct mkx_block_request two[2] = { { .op = MKX_BLOCK_READ, .count = 8 }, { .op = MKX_BLOCK_READ, .count = 8 } };

	if (batch(&ro, two, 2, st) || st[0] != 0 || st[1] != -EBUSY) {
		mkx_error("block_hostile: FAIL overlapping reads: statuses %d, %d (expected 0, %d)", st[0], st[1],
		    -EBUSY);
		failures++;
	} else {
		mkx_log("block_hostile: read overlapping one in flight: refused, %s", strerror(EBUSY));
		refusals++;
	}
}

/* A flood: the whole request queue at once, more than queue_depth; every read served and right. */
static void
flood(void)
{
	static struct mkx_block_request f[MKX_BLOCK_SLOTS];
	size_t bs = ro.info.block_size;
	unsigned ok = 0;

	for (unsigned i = 0; i < MKX_BLOCK_SLOTS; i++)
		f[i] = (struct mkx_block_request){ .op = MKX_BLOCK_READ, .block = i % BLOCKS, .count = 1,
		    .offset = (uint64_t)i * 4096 };
	if (batch(&ro, f, MKX_BLOCK_SLOTS, st)) {
		mkx_error("block_hostile: FAIL flood: not every request acknowledged");
		failures++;
	}
	for (unsigned i = 0; i < MKX_BLOCK_SLOTS; i++)
		ok += st[i] == 0;
	for (unsigned i = 0; i < MKX_BLOCK_SLOTS; i++)
		for (size_t j = 0; st[i] == 0 && j < bs; j++)
			if (ro.buf[(size_t)i * 4096 + j] != (uint8_t)(i % BLOCKS * 7 + j + seed)) {
				mkx_error("block_hostile: FAIL flood read %u: byte %zu wrong", i, j);
				failures++;
				break;
			}
	mkx_log("block_hostile: flood of %u requests (queue depth %u): %u served", MKX_BLOCK_SLOTS,
	    ro.info.queue_depth, ok);
	if (ok != MKX_BLOCK_SLOTS)
		failures++;
}

/* A lying request queue: its tail 1000 ahead of its head. */
static void
liar(void)
{
	struct mkx_block_ack a;

	if (open_session(&lie, "lie"))
		mkx_exit(1);
	atomic_store_explicit(&lie.q->req_tail, atomic_load(&lie.q->req_head) + 1000, memory_order_release);
	mkx_block_kick(&lie);
	if (mkx_block_next_ack(&lie, &a, 1000) != 0) {
		mkx_error("block_hostile: FAIL a lying request queue was served");
		failures++;
	} else
		mkx_log("block_hostile: request queue tail 1000 ahead: not served");
	mkx_block_close(&lie);
}

/* The victim blocks are intact. */
static void
victim_check(void)
{
	size_t bs = rw.info.block_size;
	struct mkx_block_request r = { .op = MKX_BLOCK_READ, .block = 0, .count = BLOCKS, .offset = 0 };

	memset(rw.buf, 0, BLOCKS * bs);
	if (batch(&rw, &r, 1, st) || st[0]) {
		mkx_error("block_hostile: FAIL reading the victim blocks back: %s", strerror(-st[0]));
		failures++;
		return;
	}
	for (uint64_t b = 0; b < BLOCKS; b++)
		for (size_t j = 0; j < bs; j++)
			if (rw.buf[b * bs + j] != (uint8_t)(b * 7 + j + seed)) {
				mkx_error("block_hostile: FAIL victim block %" PRIu64 " byte %zu is 0x%02x", b, j,
				    rw.buf[b * bs + j]);
				failures++;
				return;
			}
}

/*
 * Queues the driver could lose under its mapping: a memfd too small, one
 * that is not sealed against shrinking (the client could truncate it and
 * make the driver's next access fault). ATTACH refused, -EINVAL.
 */
static void
bad_attach(void)
{
	static const struct { const char *what; size_t size; int seal; } cases[] = {
		{ "queues' memfd too small", 4096, 1 },
		{ "queues' memfd not sealed against shrinking", sizeof(struct mkx_block_queues), 0 },
	};
	static struct mkx_msg reply;

	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mkx_session s;
		char why[256];
		int fds[3] = { memfd_create("q", MFD_CLOEXEC | MFD_ALLOW_SEALING), eventfd(0, EFD_CLOEXEC),
		    eventfd(0, EFD_CLOEXEC) }, rc;

		if (ftruncate(fds[0], (off_t)cases[i].size) ||
		    (cases[i].seal && fcntl(fds[0], F_ADD_SEALS, F_SEAL_SHRINK)) ||
		    mkx_session_open(&s, "Block", "label=\"small\", ram_quota=2080K, tx_buf_size=2M", why, sizeof why)) {
			mkx_error("block_hostile: FAIL set-up of \"%s\"", cases[i].what);
			failures++;
			continue;
		}
		rc = mkx_session_call(&s, MKX_BLOCK_ATTACH, NULL, 0, fds, 3, &reply);
		mkx_msg_close_fds(&reply);
		if (rc != -EINVAL) {
			mkx_error("block_hostile: FAIL %s: attach status %d, expected %d", cases[i].what, rc, -EINVAL);
			failures++;
		} else {
			mkx_log("block_hostile: %s: attach refused, %s", cases[i].what, strerror(EINVAL));
			refusals++;
		}
		mkx_session_close(&s);
		for (unsigned j = 0; j < 3; j++)
			close(fds[j]);
	}
}

/*
 * Kick and signal fds that are not eventfds: a memfd as kick would poll
 * readable for ever (the driver spinning), a pipe as signal is not what
 * the driver writes 8-byte counts to. ATTACH refused, -EINVAL. Not added
 * to refusals: the scenarios pin that count; a failure here fails them
 * all the same (a FAIL line, exit 1).
 */
static void
bad_signal_fds(void)
{
	static const char *const what[] = { "a memfd as the kick fd", "a pipe as the signal fd" };
	static struct mkx_msg reply;

	for (unsigned i = 0; i < 2; i++) {
		struct mkx_session s;
		char why[256];
		int p[2] = { -1, -1 }, rc;
		int fds[3] = { memfd_create("q", MFD_CLOEXEC | MFD_ALLOW_SEALING), eventfd(0, EFD_CLOEXEC),
		    eventfd(0, EFD_CLOEXEC) };

		if (ftruncate(fds[0], (off_t)sizeof(struct mkx_block_queues)) ||
		    fcntl(fds[0], F_ADD_SEALS, F_SEAL_SHRINK) || pipe2(p, O_CLOEXEC) ||
		    mkx_session_open(&s, "Block", "label=\"small\", ram_quota=2080K, tx_buf_size=2M", why, sizeof why)) {
			mkx_error("block_hostile: FAIL set-up of \"%s\"", what[i]);
			failures++;
			continue;
		}
		/* The wrong kind of file in the one place, a real eventfd in the other. */
		close(fds[1 + i]);
		fds[1 + i] = i == 0 ? memfd_create("kick", MFD_CLOEXEC) : p[1];
		if (i == 1)
			p[1] = -1;
		rc = mkx_session_call(&s, MKX_BLOCK_ATTACH, NULL, 0, fds, 3, &reply);
		mkx_msg_close_fds(&reply);
		if (rc != -EINVAL) {
			mkx_error("block_hostile: FAIL %s: attach status %d, expected %d", what[i], rc, -EINVAL);
			failures++;
		} else {
			mkx_log("block_hostile: %s: attach refused, %s", what[i], strerror(EINVAL));
		}
		mkx_session_close(&s);
		for (unsigned j = 0; j < 3; j++)
			close(fds[j]);
		close(p[0]);
		if (p[1] >= 0)
			close(p[1]);
	}
}

int
main(void)
{
	static const char doc[] = "<done/>\n";
	struct mkx_report rep;
	struct mkx_xml *cfg;
	struct mkx_rom rom;
	char why[256] = "";

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom)))
		mkx_xml_attr_ulong(cfg, "seed", 7, &seed);
	if (open_session(&rw, "rw") || open_session(&ro, "ro"))
		mkx_exit(1);
	if (ro.info.flags & MKX_BLOCK_WRITEABLE || !(rw.info.flags & MKX_BLOCK_WRITEABLE)) {
		mkx_error("block_hostile: FAIL \"ro\" says writeable or \"rw\" does not");
		mkx_exit(1);
	}
	victim_write();
	bad_requests();
	overlap();
	flood();
	liar();
	bad_attach();
	bad_signal_fds();
	victim_check();
	mkx_log("block_hostile: %s: %u refusals as expected, %u failures; namespace 2 blocks 0..%u %s",
	    failures ? "FAILED" : "done", refusals, failures, BLOCKS - 1, failures ? "checked" : "intact");
	mkx_block_close(&ro);
	mkx_block_close(&rw);
	if (mkx_report_open(&rep, "done", why, sizeof why) || mkx_report_submit(&rep, doc, sizeof doc - 1))
		mkx_error("block_hostile: report \"done\": %s", why);
	mkx_exit(failures ? 1 : 0);
}
