/*
 * DMA memory on Linux: hugetlb memfds. core reserves huge pages at start
 * (/proc/sys/vm/nr_hugepages, from <dma huge_pages=>); a buffer is a
 * memfd of whole 2 MiB pages, faulted in by core's own mapping (the pages
 * stay put: hugetlb pages are neither swapped nor migrated while mapped),
 * zeroed by the kernel; core keeps one open file of it (dma_lease.c: the
 * lease check that tells who else holds it needs exactly one). Its
 * physical address comes from /proc/self/pagemap, whose frame numbers
 * only a CAP_SYS_ADMIN reader sees: core, never a component. A buffer of several pages must be
 * physically contiguous, and below the device's DMA limit: core tries
 * other pages of the pool while it holds the unsuitable ones, then gives
 * up with the reason.
 *
 * A holder of the buffer's file can punch its pages out (fallocate
 * PUNCH_HOLE or madvise MADV_REMOVE on its read-write file or mapping:
 * the seals refuse only resizing, and a seal that refused the punch,
 * F_SEAL_WRITE or F_SEAL_FUTURE_WRITE, refuses writable mappings too).
 * The kernel then unmaps the page everywhere, core's mapping included,
 * and drops the page cache's reference: neither a mapping nor mlock keeps
 * a hugetlb page (measured). What keeps it is a reference of another
 * kind: core splices one byte of every page into a pipe of its own
 * (vmsplice, without SPLICE_F_GIFT: the pipe buffer holds a reference to
 * the page, not a copy), which it keeps for the buffer's life
 * (dma_mem.pin). A punched page then stays allocated, out of the file but
 * still where the device was told, until core reads the bytes out of the
 * pipe (or closes it) at free:
 * the kernel cannot hand it to anyone else before (measured on 6.1 and
 * 6.18: the next buffer gets another page). The same reference keeps the
 * kernel from migrating the page. Whether a buffer was punched core reads
 * from its own mapping, which it never touches after the allocation: the
 * punch cleared it, and only a touch of core's would fault a page in
 * again (hugetlb_intact).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <mkx/zero.h>
#include "../dma_backend.h"
#include "mem_offline.h"
#include "write_file.h"

#define HUGE		(2ul << 20)
#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"
#define TRIES_MAX	16

static long
meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long v = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = strtol(line + strlen(key) + 1, NULL, 10);
	fclose(f);
	return v;
}

static int
pool_reserve(unsigned long pages, char *why, size_t whylen)
{
	long size = meminfo("Hugepagesize"), total;
	char n[32];
	int err;

	if (size != (long)(HUGE >> 10)) {
		snprintf(why, whylen, "huge pages of %ld KiB here, core handles 2048 KiB", size);
		return -ENOTSUP;
	}
	total = meminfo("HugePages_Total");
	if (pages && total < (long)pages) {
		snprintf(n, sizeof n, "%lu", pages);
		if ((err = write_file(NR_HUGEPAGES, n))) {
			snprintf(why, whylen, "cannot reserve %lu huge pages (%s: %s)", pages, NR_HUGEPAGES, strerror(-err));
			return err;
		}
		total = meminfo("HugePages_Total");
	}
	if (total < (long)pages || total <= 0) {
		snprintf(why, whylen, "%lu huge pages of 2 MiB asked for, the kernel reserved %ld (memory too "
		    "fragmented or too small)", pages, total);
		return total > 0 ? 0 : -ENOMEM;
	}
	snprintf(why, whylen, "%ld huge pages of 2 MiB reserved, %ld free", total, meminfo("HugePages_Free"));
	return 0;
}

/*
 * core's /proc/self/pagemap, opened once (each buffer reads it at its
 * allocation and at its release): the fd, or -errno.
 */
static int
pagemap_fd(void)
{
	static int fd = -1;

	if (fd < 0 && (fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	return fd;
}

/* Physical address of the page mapped at va (core's mapping), or 0. */
static uint64_t
phys_of(int pagemap, const void *va)
{
	uint64_t e;
	off_t at = (off_t)((uintptr_t)va / 4096) * 8;

	if (pread(pagemap, &e, sizeof e, at) != sizeof e || !(e >> 63 & 1))
		return 0;
	return (e & ((1ull << 55) - 1)) * 4096;
}

#define PIPE_SLOTS	16	/* a pipe's buffers by default: one per page spliced */
#define SPARE_MAX	16	/* empty pin pipes kept for the next buffers */

/*
 * Empty pipes of default size (both ends), from released buffers: a pin
 * is then one vmsplice, its end one read, instead of pipe2, vmsplice and
 * two closes (under TCG each call costs tens of us, a buffer's whole path
 * about 40 calls). A pipe comes back here only after a read took every
 * byte out of it: it holds no page any more.
 */
static struct { int rd, wr; } spare[SPARE_MAX];
static unsigned nspare;

/*
 * One byte of every huge page of m spliced into a pipe core keeps (the
 * read end, in m->pin): each pipe buffer holds a reference to its page,
 * so a punch can take the page out of the file but not give it back to
 * the pool. 0 or -errno (nothing kept).
 */
static int
pin(struct dma_mem *m)
{
	size_t pages = m->size / HUGE, done = 0;
	struct iovec iov[64];
	int p[2], err = 0;

	m->pin = m->pin_wr = -1;
	if (pages <= PIPE_SLOTS && nspare) {
		nspare--;
		p[0] = spare[nspare].rd;
		p[1] = spare[nspare].wr;
	} else if (pipe2(p, O_CLOEXEC | O_NONBLOCK))	/* an unpin read never waits */
		return -errno;
	if (pages > PIPE_SLOTS && fcntl(p[1], F_SETPIPE_SZ, (int)(pages * 4096)) < 0)
		err = -errno;
	while (!err && done < pages) {
		size_t n = pages - done < 64 ? pages - done : 64;
		ssize_t got;

		for (size_t i = 0; i < n; i++)
			iov[i] = (struct iovec){ .iov_base = (uint8_t *)m->map + (done + i) * HUGE, .iov_len = 1 };
		got = vmsplice(p[1], iov, n, SPLICE_F_NONBLOCK);
		if (got < 0)
			err = -errno;
		else if ((size_t)got != n)
			err = -ENOSPC;
		done += n;
	}
	if (err) {
		close(p[0]);	/* whatever it took goes with it */
		close(p[1]);
		return err;
	}
	m->pin = p[0];	/* the buffers stay in the pipe while its read end is open */
	if (pages <= PIPE_SLOTS)
		m->pin_wr = p[1];	/* kept to reuse the pipe (unpin) */
	else
		close(p[1]);
	return 0;
}

/*
 * The pin's end: every page's reference dropped (the last one: the pages
 * go back to the pool now, punched ones too). A pipe of default size whose
 * bytes a read took out entirely is kept empty for the next buffer; any
 * other is closed, which drops what is in it.
 */
static void
unpin(struct dma_mem *m)
{
	uint8_t bytes[PIPE_SLOTS];
	size_t pages = m->size / HUGE;

	if (m->pin < 0)
		return;
	if (m->pin_wr >= 0 && nspare < SPARE_MAX && pages <= PIPE_SLOTS &&
	    read(m->pin, bytes, pages) == (ssize_t)pages) {
		spare[nspare].rd = m->pin;
		spare[nspare++].wr = m->pin_wr;
	} else {
		close(m->pin);
		if (m->pin_wr >= 0)
			close(m->pin_wr);
	}
	m->pin = m->pin_wr = -1;
}

/* One try: a fresh memfd of size bytes, mapped and faulted in by core. */
static int
take(size_t size, struct dma_mem *m, int pagemap, char *why, size_t whylen)
{
	int fd = memfd_create("mkx-dma", MFD_HUGETLB | MFD_CLOEXEC | MFD_ALLOW_SEALING), err;

	if (fd < 0)	/* kernels before 4.16 have no sealing for hugetlb */
		fd = memfd_create("mkx-dma", MFD_HUGETLB | MFD_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "hugetlb memfd: %s", strerror(errno));
		return -errno;
	}
	if (ftruncate(fd, (off_t)size)) {
		err = -errno;
		close(fd);
		snprintf(why, whylen, "hugetlb memfd of %zu bytes: %s", size, strerror(-err));
		return err;
	}
	/* The client must not shrink the buffer under the device (seals are the inode's: every reopen has them). */
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	/* core's copy: one counted open file, mapped through itself, so a lease tells who else holds it (dma_lease.c). */
	if ((fd = dma_lease_own(fd)) < 0) {
		snprintf(why, whylen, "hugetlb memfd made core's (mode 0600, reopened through /proc/self/fd): %s", strerror(-fd));
		return fd;
	}
	m->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (m->map == MAP_FAILED) {
		err = -errno;
		close(fd);
		snprintf(why, whylen, "%zu bytes of huge pages: %s (pool exhausted)", size, strerror(-err));
		return err == -EINVAL || err == -EFAULT ? -ENOMEM : err;
	}
	/* MAP_POPULATE does not report a failed fault: touch each page, which the kernel zeroed. */
	for (size_t off = 0; off < size; off += HUGE)
		((volatile uint8_t *)m->map)[off] = 0;
	m->fd = fd;
	m->size = size;
	if ((err = pin(m))) {
		munmap(m->map, size);
		close(fd);
		snprintf(why, whylen, "%zu bytes of huge pages: core cannot pin them (a pipe holding a reference to "
		    "each page): %s", size, strerror(-err));
		return err;
	}
	m->phys = phys_of(pagemap, m->map);
	return 0;
}

static int hugetlb_intact(const struct dma_mem *m);

/*
 * Released one-page buffers core keeps for the next ALLOC (any session's)
 * instead of giving them to the kernel: a reuse is one zeroing, where a
 * fresh page costs a memfd, its size, seals, mode, reopen, mapping, pin
 * and pagemap read, and its end an unmap, punch, close and unpin (about
 * 0.6 ms of a 6 ms round under TCG, measured). Only a page that is
 * intact (never punched: still the one the device was given, pinned) and
 * that no process but core holds (the service frees only then, and then
 * nobody can open it again: mode 0600, core's) comes here; it is zeroed
 * before it is handed out again. The pages are core's reserve, as the
 * kernel's pool is: charged to nobody. Their physical address is known,
 * so a device with a narrow DMA mask gets one of them below its limit
 * without a try (reserve keeps low ones here at start).
 */
#define CACHE_MAX	64
static struct dma_mem cache[CACHE_MAX];
static unsigned ncache;

/* m kept in the cache (1), or not (0: the caller frees it). */
static int
cache_put(struct dma_mem *m)
{
	if (m->size != HUGE || ncache == CACHE_MAX || m->pin < 0 || hugetlb_intact(m) != 1)
		return 0;
	/* A lease the release check left core (dma_lease_held_keep) would block core's own reopen for the next client. */
	fcntl(m->fd, F_SETLEASE, F_UNLCK);
	cache[ncache++] = *m;
	return 1;
}

/* A page a cached buffer reuses is zeroed with <mkx/zero.h> (the kernel takes 3.9 ms for a fresh one under TCG). */

/*
 * A cached page that ends at or below limit, zeroed, into m (the one
 * nearest below limit: lower ones stay for narrower masks); 0, or -ENOENT.
 */
static int
cache_take(uint64_t limit, struct dma_mem *m)
{
	unsigned best = ncache;

	for (unsigned i = 0; i < ncache; i++)
		if (cache[i].phys + HUGE - 1 <= limit && (best == ncache || cache[i].phys > cache[best].phys))
			best = i;
	if (best == ncache)
		return -ENOENT;
	*m = cache[best];
	cache[best] = cache[--ncache];
	mkx_zero(m->map, HUGE);	/* the last holder's data: nobody else has the page now, so no punch comes in between */
	return 0;
}

/* Back to the kernel's pool. */
static void
hugetlb_release(struct dma_mem *m)
{
	munmap(m->map, m->size);
	dma_lease_punch(m->fd, m->size);	/* back to the pool even if an (uncounted) O_PATH file keeps the inode */
	close(m->fd);
	unpin(m);	/* the last reference: the pages go back to the pool now, punched ones too */
	m->fd = -1;
	m->map = NULL;
}

static void
hugetlb_free(struct dma_mem *m)
{
	if (!cache_put(m))
		hugetlb_release(m);
	m->fd = m->pin = m->pin_wr = -1;
	m->map = NULL;
}

/*
 * Every page still mapped in core's mapping, the first at m->phys: core
 * never touches its mapping after the allocation, so a page missing there
 * was punched out of the file (the kernel unmaps it everywhere), whatever
 * the holder faulted in since. 1, 0, or -errno.
 */
static int
hugetlb_intact(const struct dma_mem *m)
{
	int pagemap = pagemap_fd(), ok = 1;

	if (pagemap < 0)
		return pagemap;
	for (size_t off = 0; off < m->size && ok == 1; off += HUGE) {
		uint64_t e;

		if (pread(pagemap, &e, sizeof e, (off_t)((uintptr_t)((uint8_t *)m->map + off) / 4096) * 8) != sizeof e)
			ok = -EIO;
		else if (!(e >> 63 & 1) || (!off && (e & ((1ull << 55) - 1)) * 4096 != m->phys))
			ok = 0;
	}
	return ok;
}

/* 0 if m is contiguous and ends at or below limit, else -EFBIG / -ERANGE / -EIO with why. */
static int
suitable(const struct dma_mem *m, int pagemap, uint64_t limit, char *why, size_t whylen)
{
	if (!m->phys) {
		snprintf(why, whylen, "core cannot read its physical address (/proc/self/pagemap)");
		return -EIO;
	}
	for (size_t off = HUGE; off < m->size; off += HUGE)
		if (phys_of(pagemap, (uint8_t *)m->map + off) != m->phys + off) {
			snprintf(why, whylen, "%zu bytes: the kernel gave huge pages that are not physically contiguous",
			    m->size);
			return -EFBIG;
		}
	if (m->phys + m->size - 1 > limit) {
		snprintf(why, whylen, "no huge pages below the DMA limit 0x%" PRIx64 " (got 0x%" PRIx64 ")", limit,
		    m->phys);
		return -ERANGE;
	}
	return 0;
}

/*
 * Try up to TRIES_MAX times, holding the unsuitable buffers meanwhile so
 * the kernel hands out other pages; then give them all back. Behind an
 * IOMMU (contiguous 0) any pages do: the IOVA range is what is contiguous.
 */
static int
hugetlb_alloc(size_t size, int contiguous, uint64_t limit, struct dma_mem *m, char *why, size_t whylen)
{
	struct dma_mem held[TRIES_MAX];
	int pagemap = pagemap_fd(), err = 0;
	unsigned n = 0;

	if (pagemap < 0) {
		snprintf(why, whylen, "/proc/self/pagemap: %s", strerror(-pagemap));
		return pagemap;
	}
	size = (size + HUGE - 1) & ~(HUGE - 1);
	if (size == HUGE && !cache_take(contiguous ? limit : UINT64_MAX, m))
		return 0;
	while (n < TRIES_MAX) {
		if ((err = take(size, m, pagemap, why, whylen)))
			break;
		if (!contiguous || !(err = suitable(m, pagemap, limit, why, whylen)))
			break;
		held[n++] = *m;
	}
	for (unsigned i = 0; i < n; i++)
		hugetlb_free(&held[i]);
	if (err == -ENOMEM && !n && ncache) {	/* the kernel has none left, core's cache only pages above limit */
		snprintf(why, whylen, "the %u free huge pages core holds are above the DMA limit 0x%" PRIx64 " (the "
		    "kernel's pool has none left)", ncache, limit);
		return -ERANGE;
	}
	if (err && n && err == -ENOMEM)	/* the pool ran out while looking: say what was wrong with what it had */
		snprintf(why, whylen, "%u tries: the huge pages left are above the DMA limit 0x%" PRIx64
		    " or not contiguous for %zu bytes", n, limit, size);
	return err && n && err == -ENOMEM ? -ERANGE : err;
}

/*
 * Free 4 KiB pages above 4 GiB: the zones above DMA32 (Normal, Movable) in
 * /proc/zoneinfo, summed over nodes; -errno if it cannot be read.
 */
static long
free_above_4g(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[160], zone[32] = "";
	long sum = 0, v;

	if (!f)
		return -errno;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "Node %*d, zone %31s", zone) == 1)
			continue;
		if (sscanf(line, " pages free %ld", &v) == 1 && (!strcmp(zone, "Normal") || !strcmp(zone, "Movable")))
			sum += v;
	}
	fclose(f);
	return sum;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
by_phys(const void *a, const void *b)
{
	const struct dma_mem *x = a, *y = b;

	return x->phys < y->phys ? -1 : x->phys > y->phys;
}

#define LOW_LIMIT	0xffffffffull	/* what a 32-bit device reaches */
#define LOW_EXTRA	16		/* candidates beyond those kept: the first may lie above 4 GiB */

/* What finding the pages below 4 GiB cost, for core's log line. */
struct low_cost {
	double		offline_ms, grow_ms, shrink_ms, online_ms;
	unsigned long	offline_mib;
	unsigned	online_failed;
};

/*
 * Image mode (core is PID 1, nothing else runs yet) on a machine with
 * memory above 4 GiB: the kernel fills the pool from the highest zone
 * first (Normal, above 4 GiB), so every page core would get lies above a
 * 32-bit device's reach (QEMU with -m 3G: "8 tries: the huge pages left
 * are above the DMA limit 0xfffffff"). So core first takes the memory
 * blocks above 4 GiB offline (mem_offline.c: no zeroing), then grows the
 * pool past what is still free above 4 GiB for a moment: the last pages
 * the kernel adds come from below 4 GiB (DMA32, lowest first), and the
 * pool hands out the last added first. core faults in a few of those,
 * keeps the lowest `want` below 4 GiB in its cache (they serve narrow
 * masks first: cache_take), gives the rest back, shrinks the pool to what
 * was asked and brings the blocks back. Every page kept is checked by its
 * physical address, whatever the kernel's order. How many it kept, or
 * -errno with why.
 */
static int
low_keep(unsigned want, struct low_cost *c, char *why, size_t whylen)
{
	struct dma_mem cand[CACHE_MAX + LOW_EXTRA];
	struct mem_offline off;
	double t = now_ms();
	long above = free_above_4g(), total = meminfo("HugePages_Total");
	int pagemap = pagemap_fd(), err;
	unsigned n = 0, kept = 0;
	char nr[32];

	if (above <= 0 || total < 0 || pagemap < 0)
		return 0;	/* all memory below 4 GiB (or nothing to tell): nothing to do */
	if (mem_offline_above(LOW_LIMIT + 1, &off) > 0)
		above = free_above_4g();	/* what the blocks the kernel kept still have free */
	c->offline_mib = off.n * (off.block_size >> 20);
	c->offline_ms = now_ms() - t;
	t = now_ms();
	snprintf(nr, sizeof nr, "%ld", total + (above > 0 ? above : 0) / (HUGE / 4096) + want + LOW_EXTRA);
	err = write_file(NR_HUGEPAGES, nr);
	c->grow_ms = now_ms() - t;
	while (!err && n < want + LOW_EXTRA) {
		char ignored[128];

		if (take(HUGE, &cand[n], pagemap, ignored, sizeof ignored))
			break;
		n++;
	}
	qsort(cand, n, sizeof *cand, by_phys);
	for (unsigned i = 0; i < n; i++)
		if (kept < want && cand[i].phys && cand[i].phys + HUGE - 1 <= LOW_LIMIT) {
			cache[ncache++] = cand[i];
			kept++;
		} else
			hugetlb_release(&cand[i]);
	if (err)
		snprintf(why, whylen, "; cannot grow the pool for pages below 4 GiB (%s: %s)", NR_HUGEPAGES, strerror(-err));
	snprintf(nr, sizeof nr, "%ld", total);	/* what pool_reserve left: the kept pages are in use within it */
	t = now_ms();
	if (!err && (err = write_file(NR_HUGEPAGES, nr)))
		snprintf(why, whylen, "; cannot shrink the pool back to %s pages (%s: %s)", nr, NR_HUGEPAGES, strerror(-err));
	c->shrink_ms = now_ms() - t;
	t = now_ms();
	c->online_failed = mem_online_again(&off);
	c->online_ms = now_ms() - t;
	return err ? err : (int)kept;
}

static int
hugetlb_reserve(unsigned long pages, char *why, size_t whylen)
{
	unsigned want = pages < CACHE_MAX ? (unsigned)pages : CACHE_MAX;
	size_t len;
	struct low_cost c = { 0 };
	int err = pool_reserve(pages, why, whylen), kept;

	if (err || getpid() != 1 || !want)
		return err;
	len = strlen(why);
	kept = low_keep(want, &c, why + len, whylen - len);
	len = strlen(why);
	if (kept > 0)
		snprintf(why + len, whylen - len, "; %d of them below 4 GiB kept by core for narrow DMA masks (0x%" PRIx64
		    "-0x%" PRIx64 "; the pool grown past the memory above 4 GiB in %.0f ms, shrunk back in %.0f ms)", kept,
		    cache[ncache - kept].phys, cache[ncache - 1].phys + HUGE - 1, c.grow_ms, c.shrink_ms);
	else if (!kept && free_above_4g() > 0)
		snprintf(why + len, whylen - len, "; none below 4 GiB found for narrow DMA masks");
	len = strlen(why);
	if (c.offline_mib)
		snprintf(why + len, whylen - len, "; meanwhile %lu MiB above 4 GiB offline (%.0f ms), back online in "
		    "%.0f ms%s", c.offline_mib, c.offline_ms, c.online_ms, c.online_failed ? " but for some blocks" : "");
	return 0;	/* a failure said why; the pool as reserved still serves devices that reach it */
}

static long
hugetlb_pages_free(void)
{
	long n = meminfo("HugePages_Free");

	return n < 0 ? n : n + (long)ncache;
}

const struct dma_mem_ops dma_hugetlb = {
	.name = "hugetlb", .page_size = HUGE, .reserve = hugetlb_reserve, .alloc = hugetlb_alloc,
	.free = hugetlb_free, .intact = hugetlb_intact, .pages_free = hugetlb_pages_free,
};
