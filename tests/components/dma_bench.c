/*
 * dma_bench: the cost of DMA buffers through core's DMA session, two rows
 * of make bench:
 *  - a buffer of 2 MiB (a huge page of its own): alloc (core: a page from
 *    its cache or the kernel, checks, charge) + map in the client + free,
 *    per round; compared with a plain root process doing the hugetlb part
 *    (raw_hugetlb, run before core in the same boot);
 *    and, like for like (core reuses a released page from its cache), with
 *    this process reusing one hugetlb page it keeps: zeroed per round with
 *    16-byte stores as core zeroes a cached page (reuse_hugetlb);
 *  - a buffer of 4 KiB (sub-allocated by libmkx in a huge page the client
 *    holds, as Genode's alloc_dma_buffer): alloc + free through libmkx,
 *    against a plain sub-allocation in this process, like for like: one
 *    huge page mapped once (MAP_HUGETLB if the kernel has one free, else
 *    ordinary memory, said in the line), a 4 KiB slot taken from two
 *    bitmaps as libmkx keeps them, handed out with id, va and bus address,
 *    freed by id with a double free refused, not zeroed (libmkx does not
 *    zero a slot it reuses for the same client), out of line. Median (and
 *    best) of 7 runs of 100 x rounds each, the two alternated, each run
 *    timed as a whole (no timer per round);
 *    libmkx's page is asked for once before (its cost printed on its own);
 *    for information also the same through core's sub-allocation (a
 *    request each: core_small).
 * Then 1,000 buffers of 4 KiB at once (issue 24): how many dataspaces they
 * lie in (distinct inodes of their files: libmkx holds one per dataspace,
 * not per buffer, so this needs no more fds than pages) and the huge pages in use by the
 * kernel's count (/proc/meminfo: HugePages_Total - HugePages_Free, core's
 * pages included) before and with them.
 *   <config pci="00:03.0" rounds="200"/>
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/bench.h>
#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/zero.h>
#include "../../core-services/tools/switches.h"

#define HUGE	(2ul << 20)
#define SLOT	4096ul
#define SLOTS	(HUGE / SLOT)

/* One round of size bytes through the session; the times added to t[3] (alloc, touch, free). 0 or 1. */
static int
round_trip(struct mkx_dma *dma, size_t size, double t[3])
{
	struct mkx_dma_buffer b;
	char why[512];
	double t1 = mkx_now();

	if (mkx_dma_alloc(dma, size, &b, why, sizeof why)) {
		mkx_error("a buffer of %zu bytes: %s", size, why);
		return 1;
	}
	t[0] += mkx_now() - t1;
	t1 = mkx_now();
	*(volatile char *)b.va = 1;
	t[1] += mkx_now() - t1;
	t1 = mkx_now();
	if (mkx_dma_free(dma, &b, why, sizeof why)) {
		mkx_error("free of a buffer of %zu bytes: %s", size, why);
		return 1;
	}
	t[2] += mkx_now() - t1;
	return 0;
}

/*
 * The reference sub-allocator, like for like with libmkx's (base/dma.c):
 * one page's 4 KiB slots in a used and a start bitmap, first fit; a buffer
 * handed out carries what libmkx's does (id, va, bus address, size, the
 * page's mapping: the same struct); a free by id finds it and refuses one
 * not live (a double free). Neither zeroes a reused slot. Out of line as
 * libmkx's functions are (another object), noipa: not specialised to the
 * one page's address either. Before, gcc inlined it into the timed loop
 * with no id, no bus address and no check (about 30 instructions a round,
 * objdump -d).
 */
struct ref_page {
	uint8_t		*va;
	uint64_t	bus;
	uint32_t	serial;
	unsigned	nused;
	uint64_t	used[SLOTS / 64], start[SLOTS / 64];
};

static __attribute__((noipa)) int
ref_alloc(struct ref_page *p, struct mkx_dma_buffer *b)
{
	for (unsigned w = 0; w < SLOTS / 64; w++)
		if (~p->used[w]) {
			unsigned bit = (unsigned)__builtin_ctzll(~p->used[w]), at = w * 64 + bit;

			p->used[w] |= 1ull << bit;
			p->start[w] |= 1ull << bit;
			p->nused++;
			*b = (struct mkx_dma_buffer){ .id = MKX_DMA_LOCAL_ID | p->serial << 9 | at, .fd = -1,
			    .va = p->va + at * SLOT, .size = SLOT, .bus = p->bus + at * SLOT, .map = p->va,
			    .map_size = HUGE, .shared = MKX_DMA_LOCAL };
			return 0;
		}
	return -1;
}

static __attribute__((noipa)) int
ref_free(struct ref_page *p, struct mkx_dma_buffer *b)
{
	unsigned at = b->id & (SLOTS - 1);

	if ((b->id >> 9 & 0x3fffffu) != p->serial || !(p->start[at / 64] >> at % 64 & 1))
		return -1;
	p->start[at / 64] &= ~(1ull << at % 64);
	p->used[at / 64] &= ~(1ull << at % 64);
	p->nused--;
	b->va = b->map = NULL;
	b->fd = -1;
	return 0;
}

/*
 * rounds x (alloc + touch + free) of 4 KiB, timed as a whole: us per round,
 * or -1. ref NULL: through libmkx, else the reference. The empty asm makes
 * each round's buffer and memory count, so gcc elides neither loop's work.
 */
static double
small_loop(struct mkx_dma *dma, struct ref_page *ref, unsigned long rounds)
{
	struct mkx_dma_buffer b;
	char why[512] = "the reference refused";
	double t0 = mkx_now();

	for (unsigned long i = 0; i < rounds; i++) {
		if (ref ? ref_alloc(ref, &b) : mkx_dma_alloc(dma, SLOT, &b, why, sizeof why))
			goto fail;
		*(volatile char *)b.va = 1;
		__asm__ volatile("" : : "r"(&b) : "memory");
		if (ref ? ref_free(ref, &b) : mkx_dma_free(dma, &b, why, sizeof why))
			goto fail;
	}
	return (mkx_now() - t0) / (double)rounds * 1e6;
fail:
	mkx_error("a buffer of 4 KiB: %s", why);
	return -1;
}

#define REPS	7

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The 4 KiB row: REPS runs of rounds each, libmkx's and the reference's
 * alternated (a change of load hits both), after one untimed run of each
 * (TCG translates a loop's code on its first pass). Median and best into
 * ours[2] and theirs[2]. 0 or 1.
 */
static int
small_rows(struct mkx_dma *dma, struct ref_page *ref, unsigned long rounds, double ours[2], double theirs[2])
{
	double a[REPS], r[REPS];

	if (small_loop(dma, NULL, rounds / 10 + 1) < 0 || small_loop(NULL, ref, rounds / 10 + 1) < 0)
		return 1;
	for (unsigned i = 0; i < REPS; i++)
		if ((a[i] = small_loop(dma, NULL, rounds)) < 0 || (r[i] = small_loop(NULL, ref, rounds)) < 0)
			return 1;
	qsort(a, REPS, sizeof *a, cmp_double);
	qsort(r, REPS, sizeof *r, cmp_double);
	ours[0] = a[REPS / 2];
	ours[1] = a[0];
	theirs[0] = r[REPS / 2];
	theirs[1] = r[0];
	return 0;
}

/* The reused-page reference zeroes as core does a cached page: <mkx/zero.h>. */

/* Huge pages in use by the kernel's count (HugePages_Total - HugePages_Free), or -1. */
static long
pages_in_use(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long total = -1, free_ = -1;

	while (f && fgets(line, sizeof line, f)) {
		sscanf(line, "HugePages_Total: %ld", &total);
		sscanf(line, "HugePages_Free: %ld", &free_);
	}
	if (f)
		fclose(f);
	return total < 0 || free_ < 0 ? -1 : total - free_;
}

#define MANY	1000

/* 1,000 buffers of 4 KiB held at once: the dataspaces they lie in and the kernel's pages in use. 0 or 1. */
static int
many(struct mkx_dma *dma)
{
	static struct mkx_dma_buffer b[MANY];
	static ino_t ino[MANY];
	unsigned n = 0, spaces = 0;
	long before = pages_in_use(), with;
	char why[512];
	struct stat st;
	int bad = 0;

	while (n < MANY) {
		if (mkx_dma_alloc(dma, SLOT, &b[n], why, sizeof why)) {
			mkx_error("buffer %u of %u of 4 KiB: %s", n, MANY, why);
			bad = 1;
			break;
		}
		/* libmkx holds one file per dataspace, shared by the buffers in it. */
		if (fstat(b[n].fd, &st) == 0) {
			unsigned k;

			for (k = 0; k < spaces && ino[k] != st.st_ino; k++)
				;
			if (k == spaces)
				ino[spaces++] = st.st_ino;
		}
		*(volatile char *)b[n].va = 1;
		n++;
	}
	with = pages_in_use();
	if (!bad)
		mkx_log("dma_bench: %u buffers of 4 KiB held at once lie in %u dataspace(s) of 2 MiB; huge pages in use "
		    "by the kernel's count: %ld before, %ld with them", n, spaces, before, with);
	while (n--)
		mkx_dma_free(dma, &b[n], why, sizeof why);
	return bad;
}

/* Time since *t added to *sum; *t now. */
static void
lap(double *sum, double *t)
{
	double n = mkx_now();

	*sum += n - *t;
	*t = n;
}

/*
 * One round of 2 MiB as libmkx makes it through core, each step timed on
 * its own (the client's side; core logs its own with MKX_DMA_STEPS):
 * ALLOC's round trip (core's work and the file's passing included), mmap
 * (populated), first touch, munmap, close, FREE's round trip. 0 or 1.
 */
static int
client_steps(struct mkx_dma *dma, unsigned long rounds)
{
	static struct mkx_msg reply;
	struct mkx_dma_alloc_req rq = { .size = HUGE, .cache = MKX_DMA_CACHED };
	struct mkx_dma_buffer_msg m;
	double sum[6] = { 0 }, t, k = 1e6 / (double)rounds;
	void *p;
	int fd;

	for (unsigned long i = 0; i < rounds; i++) {
		t = mkx_now();
		if (mkx_session_call(&dma->s, MKX_DMA_ALLOC, &rq, sizeof rq, NULL, 0, &reply) ||
		    reply.hdr.len != sizeof m || reply.hdr.nfds != 1)
			return 1;
		memcpy(&m, reply.payload, sizeof m);
		fd = mkx_msg_take_fd(&reply, 0);
		lap(&sum[0], &t);
		if ((p = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0)) == MAP_FAILED)
			return 1;
		lap(&sum[1], &t);
		*(volatile char *)p = 1;
		lap(&sum[2], &t);
		munmap(p, HUGE);
		lap(&sum[3], &t);
		close(fd);
		lap(&sum[4], &t);
		if (mkx_session_call(&dma->s, MKX_DMA_FREE, &m.id, sizeof m.id, NULL, 0, &reply))
			return 1;
		lap(&sum[5], &t);
	}
	mkx_log("dma_bench: client steps per round of 2 MiB through core: ALLOC round trip %.1f us, mmap %.1f, touch %.1f, "
	    "munmap %.1f, close %.1f, FREE round trip %.1f", sum[0] * k, sum[1] * k, sum[2] * k, sum[3] * k, sum[4] * k,
	    sum[5] * k);
	return 0;
}

/*
 * The 2 MiB rows' parts: the same round through core (libmkx's default)
 * with the context switches of this process and of core (PID 1) per
 * round; with keep_page (libmkx keeps the freed page, no request); a
 * round trip to core alone (ADDR of a live buffer); the client's mmap
 * (populated) and munmap of a 2 MiB dataspace alone. 0 or 1.
 */
static int
big_rows(struct mkx_dma *dma, unsigned long rounds)
{
	struct switches me0, me1, core0, core1;
	double t0, big[3] = { 0 }, t_big, t_kept, t_rtt, t_map;
	struct mkx_dma_buffer b;
	char why[512], sw[2][32] = { "?", "?" };
	uint64_t bus;
	int sw_ok = !switches_read(0, &me0) && !switches_read(1, &core0);

	t0 = mkx_now();
	for (unsigned long i = 0; i < rounds; i++)
		if (round_trip(dma, HUGE, big))
			return 1;
	t_big = (mkx_now() - t0) / rounds * 1e6;
	if (sw_ok && !switches_read(0, &me1) && !switches_read(1, &core1)) {
		switches_per_round(sw[0], sizeof sw[0], &me0, &me1, rounds);
		switches_per_round(sw[1], sizeof sw[1], &core0, &core1, rounds);
	}
	if (client_steps(dma, rounds)) {
		mkx_error("a round of 2 MiB step by step failed");
		return 1;
	}
	dma->keep_page = 1;
	t0 = mkx_now();
	for (unsigned long i = 0; i < rounds; i++)
		if (round_trip(dma, HUGE, (double[3]){ 0 }))
			return 1;
	t_kept = (mkx_now() - t0) / rounds * 1e6;
	dma->keep_page = 0;
	if (mkx_dma_alloc(dma, HUGE, &b, why, sizeof why)) {	/* the kept page (then freed at core below) */
		mkx_error("a buffer of 2 MiB: %s", why);
		return 1;
	}
	t0 = mkx_now();
	for (unsigned long i = 0; i < rounds; i++)
		if (mkx_dma_addr(dma, b.id, &bus, why, sizeof why)) {
			mkx_error("DMA addr: %s", why);
			return 1;
		}
	t_rtt = (mkx_now() - t0) / rounds * 1e6;
	t0 = mkx_now();
	for (unsigned long i = 0; i < rounds; i++) {
		void *m = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, b.fd, 0);

		if (m == MAP_FAILED || munmap(m, HUGE)) {
			mkx_error("mmap of a 2 MiB dataspace failed");
			return 1;
		}
	}
	t_map = (mkx_now() - t0) / rounds * 1e6;
	if (mkx_dma_free(dma, &b, why, sizeof why)) {
		mkx_error("free of a buffer of 2 MiB: %s", why);
		return 1;
	}
	mkx_log("dma_bench: per round of 2 MiB through core: alloc (core + the client's mmap) %.1f us, first touch %.1f us, "
	    "free %.1f us; context switches per round (voluntary+involuntary): dma_bench %s, core %s",
	    big[0] / rounds * 1e6, big[1] / rounds * 1e6, big[2] / rounds * 1e6, sw[0], sw[1]);
	mkx_log("bench: dma alloc+free session %.1f us (%lu rounds, %s)", t_big, rounds, dma->info.iommu ? "IOVA" : "physical");
	mkx_log("bench: dma alloc+free session kept page %.1f us (%lu rounds, keep_page: libmkx zeroes the page it kept)",
	    t_kept, rounds);
	mkx_log("bench: dma round trip to core %.1f us (%lu rounds, ADDR of a live buffer)", t_rtt, rounds);
	mkx_log("bench: dma client mmap+munmap of a 2 MiB dataspace %.1f us (%lu rounds, MAP_POPULATE)", t_map, rounds);
	return 0;
}

/* The reference's page: a huge page mapped once (ordinary memory if the kernel has none free: said in *kind). */
static uint8_t *
ref_map(const char **kind)
{
	uint8_t *page = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE,
	    -1, 0);

	*kind = "hugetlb";
	if (page == MAP_FAILED) {
		*kind = "ordinary memory: no free huge page";
		page = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	}
	if (page == MAP_FAILED)
		mkx_error("no memory for the reference sub-allocation");
	return page == MAP_FAILED ? NULL : page;
}

int
main(void)
{
	struct mkx_dma dma;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long rounds = 200;
	char why[512], pci[16] = "00:03.0";
	double t0, t_core, t_first, t_reuse, ours[2], theirs[2];
	struct mkx_dma_buffer first;
	static struct ref_page ref;
	const char *kind;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(cfg, "pci"))
			snprintf(pci, sizeof pci, "%s", mkx_xml_attr(cfg, "pci"));
		mkx_xml_attr_ulong(cfg, "rounds", 200, &rounds);
	}
	if (mkx_dma_open(&dma, pci, why, sizeof why)) {
		mkx_error("DMA session for %s: %s", pci, why);
		mkx_exit(1);
	}
	if (big_rows(&dma, rounds))
		mkx_exit(1);
	/* libmkx's first small buffer asks core for a page (kept as the spare after the free). */
	t0 = mkx_now();
	if (mkx_dma_alloc(&dma, SLOT, &first, why, sizeof why) || mkx_dma_free(&dma, &first, why, sizeof why)) {
		mkx_error("a first buffer of 4 KiB: %s", why);
		mkx_exit(1);
	}
	t_first = (mkx_now() - t0) * 1e6;
	if (!(ref.va = ref_map(&kind)))
		mkx_exit(1);
	ref.bus = (uintptr_t)ref.va;	/* any base: the work is the add */
	/* 100 x rounds a run: 20,000 (4-6 ms under TCG), not a few timer ticks' worth. */
	if (small_rows(&dma, &ref, 100 * rounds, ours, theirs))
		mkx_exit(1);
	dma.core_small = 1;
	t_core = small_loop(&dma, NULL, rounds);
	dma.core_small = 0;
	if (t_core < 0)
		mkx_exit(1);
	/* A freed 2 MiB page reused in one process: zeroed, touched (the like-for-like of core's cached page). */
	t0 = mkx_now();
	for (unsigned long i = 0; i < rounds; i++) {
		mkx_zero(ref.va, HUGE);
		*(volatile char *)ref.va = 1;
	}
	t_reuse = (mkx_now() - t0) / rounds * 1e6;
	mkx_log("dma_bench: the first 4 KiB buffer (libmkx asks core for a page) + its free: %.1f us", t_first);
	mkx_log("bench: dma alloc+free reused page in one process %.1f us (%lu rounds, %s)", t_reuse, rounds, kind);
	mkx_log("bench: dma 4k alloc+free session %.3f us (median of %u runs of %lu rounds, best %.3f)", ours[0], REPS,
	    100 * rounds, ours[1]);
	mkx_log("bench: dma 4k alloc+free through core %.1f us (%lu rounds)", t_core, rounds);
	mkx_log("bench: dma 4k sub-allocation in one process %.3f us (median of %u runs of %lu rounds, best %.3f, %s)",
	    theirs[0], REPS, 100 * rounds, theirs[1], kind);
	if (many(&dma))
		mkx_exit(1);
	mkx_dma_close(&dma);
	mkx_exit(0);
}
