/*
 * Issue 22, finding 1: a driver punches the pages out from under its live
 * DMA buffer (fallocate PUNCH_HOLE on its read-write file, or madvise
 * MADV_REMOVE on its mapping). The pages its device was given must never
 * go back to the pool while the device may reach them, and core must see
 * the punch.
 *
 *  - with the real memory back end (linux/dma_hugetlb.c, real huge pages:
 *    root only): after each kind of punch the next buffer's physical
 *    address differs from every live buffer's, and the pool does not grow;
 *    core's check (intact) says punched; free gives every page back (a
 *    punched one to the kernel, an intact one to core's cache, zeroed
 *    before it is handed out again).
 *  - with the sim back ends, the session logic (service_dma.c): a punched
 *    buffer FREEd while its session lives stays kept and charged (fenced)
 *    until the session's end has read bus master back off, even when no
 *    process holds it any more; an unpunched one goes at once.
 *  - KEPT (for the platform driver, finding 2): which freed buffers core
 *    still keeps charged to the session's client.
 *
 * At 72a1639 the hugetlb case got the punched page again as the next
 * buffer, and the punched buffer was released at its FREE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/dma.h>
#include "../../core-services/core.h"
#include "../../core-services/dma_backend.h"
#include "harness.h"
#include "dma_session_fixture.h"

#define MiB (1ul << 20)
#define HUGE (2 * MiB)

static long
meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long v = -1;

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = strtol(line + strlen(key) + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/*
 * nr_hugepages as it was when the harness started, put back when it (or
 * a test that passed) exits: the pool is the machine's. A failing test
 * ends with _exit, but the harness's own exit puts it back then.
 */
static char nr_before[32];

__attribute__((constructor)) static void
nr_save(void)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");

	if (f && !fgets(nr_before, sizeof nr_before, f))
		nr_before[0] = 0;
	if (f)
		fclose(f);
}

__attribute__((destructor)) static void
nr_restore(void)
{
	FILE *f = nr_before[0] && !geteuid() ? fopen("/proc/sys/vm/nr_hugepages", "w") : NULL;

	if (f) {
		fputs(nr_before, f);
		fclose(f);
	}
}

/* Real huge pages, or the test cannot run (a skip, never a pass). */
static void
hugetlb_setup(unsigned pages)
{
	char why[256] = "";

	if (geteuid())
		harness_skip("needs root (huge pages, /proc/self/pagemap frame numbers)");
	if (!nr_before[0])
		harness_skip("no /proc/sys/vm/nr_hugepages");
	if (dma_hugetlb.reserve(meminfo("HugePages_Total") + pages, why, sizeof why) ||
	    meminfo("HugePages_Free") < (long)pages)
		harness_skip("the kernel reserves no huge pages here");
	dma_lease_init();
}

/* One buffer of the real back end, contiguous, any address. */
static void
take(struct dma_mem *m)
{
	char why[256] = "";

	memset(m, 0, sizeof *m);
	if (dma_hugetlb.alloc(HUGE, 1, UINT64_MAX, m, why, sizeof why))
		harness_fail(__FILE__, __LINE__, "alloc: %s", why);
	CHECK(m->phys != 0);
}

static void
check_apart(const struct dma_mem *next, const struct dma_mem *live, unsigned nlive)
{
	for (unsigned i = 0; i < nlive; i++)
		if (next->phys < live[i].phys + live[i].size && live[i].phys < next->phys + next->size)
			harness_fail(__FILE__, __LINE__, "next buffer at 0x%llx overlaps live buffer %u at 0x%llx "
			    "(its pages went back to the pool)", (unsigned long long)next->phys, i,
			    (unsigned long long)live[i].phys);
}

TEST(dma_punched_hugetlb_pages_are_not_handed_out_again)
{
	struct dma_mem live[4];
	long free_before;
	int fd;
	void *va;

	hugetlb_setup(4);
	take(&live[0]);
	take(&live[1]);
	free_before = meminfo("HugePages_Free");
	/* The client's file (as core hands it out) punched with fallocate. */
	CHECK((fd = dma_lease_share(live[0].fd)) >= 0);
	CHECK_INT(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HUGE), 0);
	close(fd);
	/* The client's mapping punched with madvise. */
	CHECK((fd = dma_lease_share(live[1].fd)) >= 0);
	CHECK((va = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) != MAP_FAILED);
	memset(va, 0x5a, 4096);
	CHECK_INT(madvise(va, HUGE, MADV_REMOVE), 0);
	munmap(va, HUGE);
	close(fd);
	CHECK_INT(meminfo("HugePages_Free"), free_before);	/* 72a1639: 2 more */
	take(&live[2]);
	check_apart(&live[2], live, 2);
	take(&live[3]);
	check_apart(&live[3], live, 3);
	CHECK_INT(dma_hugetlb.intact(&live[0]), 0);
	CHECK_INT(dma_hugetlb.intact(&live[1]), 0);
	CHECK_INT(dma_hugetlb.intact(&live[2]), 1);
	for (unsigned i = 0; i < 4; i++)
		dma_hugetlb.free(&live[i]);
	/* The punched pages go back to the kernel's pool at free; the two intact ones to core's cache. */
	CHECK_INT(meminfo("HugePages_Free"), free_before);
	CHECK_INT(dma_hugetlb.pages_free(), free_before + 2);
}

/*
 * A released page core keeps (its cache, for the next ALLOC) is handed
 * out again zeroed, and a punched one is never kept: it goes back to the
 * kernel at free. Broken on purpose (the zeroing left out, the intact
 * check in cache_put left out), this fails at the marked checks.
 */
TEST(dma_released_hugetlb_page_is_reused_zeroed_and_a_punched_one_never)
{
	struct dma_mem a, b;
	long pool, cached;
	uint8_t *va;
	int fd;

	hugetlb_setup(2);
	take(&a);
	/* What a client wrote: its file, its mapping, both gone before the free (no holder). */
	CHECK((fd = dma_lease_share(a.fd)) >= 0);
	CHECK((va = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) != MAP_FAILED);
	memset(va, 0xa5, HUGE);
	munmap(va, HUGE);
	close(fd);
	pool = meminfo("HugePages_Free");
	cached = dma_hugetlb.pages_free() - pool;
	dma_hugetlb.free(&a);
	CHECK_INT(meminfo("HugePages_Free"), pool);			/* kept by core ... */
	CHECK_INT(dma_hugetlb.pages_free() - pool, cached + 1);		/* ... in its cache */
	take(&b);
	CHECK_INT(dma_hugetlb.pages_free() - pool, cached);
	for (size_t off = 0; off < HUGE; off += 8)
		if (*(volatile uint64_t *)((uint8_t *)b.map + off))
			harness_fail(__FILE__, __LINE__, "reused page 0x%llx holds the last client's data at +0x%zx",
			    (unsigned long long)b.phys, off);
	CHECK_INT(dma_hugetlb.intact(&b), 1);
	/* Punched by a holder: at free it leaves core, the pinned page goes back to the kernel. */
	CHECK((fd = dma_lease_share(b.fd)) >= 0);
	CHECK_INT(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HUGE), 0);
	close(fd);
	pool = meminfo("HugePages_Free");
	dma_hugetlb.free(&b);
	CHECK_INT(dma_hugetlb.pages_free() - meminfo("HugePages_Free"), cached);	/* not kept */
	CHECK_INT(meminfo("HugePages_Free"), pool + 1);
}

/*
 * Issue 24 with issue 22's punch: small buffers share a page. A client
 * punches the page of two live 4 KiB buffers and frees one: that page
 * takes no new buffer (the next 4 KiB lands in another page), and when
 * its last buffer is freed it stays kept, charged, until the session's
 * end has read bus master back off. Broken on purpose (both punch checks
 * left out: at FREE and before a reuse; either alone suffices), the next
 * buffer lands in the punched page.
 */
TEST(dma_punched_shared_page_takes_no_new_buffer_and_waits_for_bus_master_off)
{
	struct mkx_dma_alloc_req rq = { .size = 4096 };
	struct mkx_dma_buffer_msg a, b, c;
	int fd;
	void *s = setup();

	CHECK_INT(op(s, MKX_DMA_ALLOC, &rq, sizeof rq), 0);
	memcpy(&a, r.payload, sizeof a);
	CHECK((fd = dup(r.fds[0])) >= 0);
	CHECK_INT(op(s, MKX_DMA_ALLOC, &rq, sizeof rq), 0);
	memcpy(&b, r.payload, sizeof b);
	CHECK_INT(b.chunk, a.chunk);	/* one page, both buffers */
	CHECK_INT(ca.ram_left, 14 * MiB);
	CHECK_INT(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HUGE), 0);
	close(fd);
	CHECK_INT(op(s, MKX_DMA_FREE, &a.id, sizeof a.id), 0);
	CHECK_INT(op(s, MKX_DMA_ALLOC, &rq, sizeof rq), 0);
	memcpy(&c, r.payload, sizeof c);
	CHECK(c.chunk != a.chunk);	/* not into the punched page */
	CHECK_INT(ca.ram_left, 12 * MiB);
	CHECK_INT(op(s, MKX_DMA_FREE, &b.id, sizeof b.id), 0);
	dma_kept_poll();
	CHECK_INT(dma_kept_count(), 1);	/* the punched page, held by nobody, waits for bus master off */
	CHECK_INT(ca.ram_left, 12 * MiB);
	CHECK(strstr(dma_sim_events(), "M0:18") == NULL);
	service_dma.close(s);
	CHECK_STR_HAS(dma_sim_events(), "M0:18");
	CHECK_INT(dma_kept_count(), 0);
	CHECK_INT(ca.ram_left, 16 * MiB);
}

/* A client that punches and faults its file in again: core's check still sees it, the page stays apart. */
TEST(dma_punched_and_refaulted_hugetlb_buffer_is_still_seen)
{
	struct dma_mem a, b;
	int fd;
	volatile uint8_t *va;

	hugetlb_setup(3);
	take(&a);
	CHECK((fd = dma_lease_share(a.fd)) >= 0);
	CHECK((va = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) != MAP_FAILED);
	CHECK_INT(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HUGE), 0);
	va[0] = 1;	/* a fresh page in the file: not the one the device was given */
	take(&b);
	check_apart(&b, &a, 1);
	CHECK_INT(dma_hugetlb.intact(&a), 0);
	munmap((void *)va, HUGE);
	close(fd);
	dma_hugetlb.free(&a);
	dma_hugetlb.free(&b);
}

/* Session logic on the sim back ends (dma_session_fixture.h). */

TEST(dma_punched_buffer_freed_stays_pinned_until_bus_master_is_off)
{
	uint32_t punched, plain;
	int fd1, fd2;
	void *s = setup();

	punched = alloc(s, &fd1);
	plain = alloc(s, &fd2);
	CHECK_INT(ca.ram_left, 12 * MiB);
	CHECK_INT(fallocate(fd1, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HUGE), 0);
	close(fd1);
	close(fd2);
	CHECK_INT(op(s, MKX_DMA_FREE, &plain, sizeof plain), 0);
	CHECK_INT(op(s, MKX_DMA_FREE, &punched, sizeof punched), 0);
	/* Nobody holds either: the plain one is gone; the punched one waits for bus master off (72a1639: gone). */
	dma_kept_poll();
	CHECK_INT(dma_kept_count(), 1);
	CHECK_INT(ca.ram_left, 14 * MiB);
	CHECK(strstr(dma_sim_events(), "M0:18") == NULL);
	service_dma.close(s);
	CHECK_STR_HAS(dma_sim_events(), "M0:18");
	CHECK_INT(dma_kept_count(), 0);	/* released after the session's end read bus master back off */
	CHECK_INT(ca.ram_left, 16 * MiB);
}

/* A buffer punched and still held at the session's end: bus master is off, so it goes with its holders. */
TEST(dma_punched_buffer_at_the_session_end_goes_with_its_holders)
{
	int fd;
	void *s = setup();

	(void)alloc(s, &fd);
	CHECK_INT(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HUGE), 0);
	service_dma.close(s);
	CHECK_INT(dma_kept_count(), 1);	/* our fd */
	close(fd);
	dma_kept_poll();
	CHECK_INT(dma_kept_count(), 0);
	CHECK_INT(ca.ram_left, 16 * MiB);
}

TEST(dma_kept_answers_which_freed_buffers_core_still_keeps)
{
	uint32_t ids[3];
	int fd1, fd2;
	void *s = setup();

	ids[0] = alloc(s, &fd1);
	ids[1] = alloc(s, &fd2);
	ids[2] = 0x7fffffff;	/* never handed out */
	close(fd2);
	CHECK_INT(op(s, MKX_DMA_FREE, &ids[0], 4), 0);
	CHECK_INT(op(s, MKX_DMA_FREE, &ids[1], 4), 0);
	CHECK_INT(op(s, MKX_DMA_KEPT, ids, sizeof ids), 0);
	CHECK_INT(r.len, 3);
	CHECK_INT(r.payload[0], 1);	/* we still hold its file */
	CHECK_INT(r.payload[1], 0);
	CHECK_INT(r.payload[2], 0);
	close(fd1);
	CHECK_INT(op(s, MKX_DMA_KEPT, ids, 4), 0);
	CHECK_INT(r.len, 1);
	CHECK_INT(r.payload[0], 0);	/* released at the check KEPT makes first */
	CHECK_INT(op(s, MKX_DMA_KEPT, ids, 0), -EINVAL);
	CHECK_STR_HAS((const char *)r.payload, "buffer ids");
	CHECK_INT(op(s, MKX_DMA_KEPT, ids, 5), -EINVAL);
	service_dma.close(s);
}
