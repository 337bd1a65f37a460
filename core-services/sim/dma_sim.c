/*
 * DMA back ends without hardware, for host tests of service_dma.c. A
 * made-up machine: a pool of "huge pages" (plain memfds) of which the
 * first half lies below 256 MiB and the second above 4 GiB, so DMA masks
 * can be tested; two functions, 00:03.0 (edu) and 00:02.0 (e1000e), with
 * a command register each; an IOMMU that can be switched on. Every bus
 * master change, map, unmap and free is appended to an event log, so
 * tests can check the order (bus master off before any free).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../dma_backend.h"

#define SIM_PAGE	(2u << 20)
#define SIM_PAGES_MAX	16

static int sim_iommu;
static unsigned npages;
static int page_used[SIM_PAGES_MAX];
/*
 * 00:03.0, 00:02.0 (firmware left bus master on), and 256 more functions
 * on bus 1 (01:00.0-01:1f.7, virtio-like) for tests of how many sessions
 * one client may hold.
 */
#define SIM_FNS		(2 + 256)
static unsigned cmd[SIM_FNS] = { 0x0003, 0x0007 };
static char events[4096];
/* Simulated IOMMU domains: one per (owner, domain), or one per session without a domain. */
static struct sim_space { const void *owner; long domain; unsigned users; } spaces[8];
static struct sim_space *holds[8];	/* a session's dom: its slot here, pointing at its space */

static void
event(const char *fmt, unsigned a, unsigned b)
{
	size_t n = strlen(events);

	if (n + 32 < sizeof events)
		snprintf(events + n, sizeof events - n, fmt, a, b);
}

const char *
dma_sim_events(void)
{
	return events;
}

void
dma_sim_reset(void)
{
	events[0] = 0;
	memset(page_used, 0, sizeof page_used);
	memset(cmd, 0, sizeof cmd);
	cmd[0] = 0x0003;
	cmd[1] = 0x0007;
	sim_iommu = 0;
	memset(spaces, 0, sizeof spaces);
	memset(holds, 0, sizeof holds);
}

void
dma_sim_set_iommu(int on)
{
	sim_iommu = on;
}

static uint64_t
page_phys(unsigned i)
{
	return i < SIM_PAGES_MAX / 2 ? 0x01000000ull + (uint64_t)i * SIM_PAGE
	    : 0x100000000ull + (uint64_t)(i - SIM_PAGES_MAX / 2) * SIM_PAGE;
}

static int
sim_reserve(unsigned long pages, char *why, size_t whylen)
{
	npages = pages > SIM_PAGES_MAX ? SIM_PAGES_MAX : (unsigned)pages;
	snprintf(why, whylen, "%u simulated huge pages", npages);
	return 0;
}

/* Pages [first, first+n) are in the pool order: contiguous physically only within a half. */
static int
sim_alloc(size_t size, int contiguous, uint64_t limit, struct dma_mem *m, char *why, size_t whylen)
{
	unsigned n = (unsigned)((size + SIM_PAGE - 1) / SIM_PAGE), nfree = 0, below = 0;

	if (!contiguous)	/* behind the IOMMU: the sim's pages count as any pages */
		limit = UINT64_MAX;
	for (unsigned i = 0; i < npages; i++)
		if (!page_used[i]) {
			nfree++;
			below += page_phys(i) + SIM_PAGE - 1 <= limit;
		}
	for (unsigned first = 0; first + n <= npages; first++) {
		unsigned i;

		for (i = first; i < first + n; i++)
			if (page_used[i] || page_phys(i) != page_phys(first) + (uint64_t)(i - first) * SIM_PAGE ||
			    page_phys(i) + SIM_PAGE - 1 > limit)
				break;
		if (i < first + n)
			continue;
		m->fd = memfd_create("dma-sim", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		/* Sealed like the hugetlb memfds: the client cannot shrink a buffer under its device. */
		if (m->fd < 0 || ftruncate(m->fd, (off_t)n * SIM_PAGE) ||
		    fcntl(m->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
			snprintf(why, whylen, "memfd: %s", strerror(errno));
			if (m->fd >= 0)
				close(m->fd);
			return -ENOMEM;
		}
		/* core's one counted open file, as with hugetlb (dma_lease.c). */
		if ((m->fd = dma_lease_own(m->fd)) < 0) {
			snprintf(why, whylen, "memfd made core's (mode 0600, reopened through /proc/self/fd): %s", strerror(-m->fd));
			return m->fd;
		}
		/*
		 * core's mapping, faulted in and never touched again, as with
		 * hugetlb: a holder's punch clears it (sim_intact). No pin: the
		 * sim's physical pages are the page_used table, given back at free.
		 */
		m->map = mmap(NULL, (size_t)n * SIM_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, m->fd, 0);
		if (m->map == MAP_FAILED) {
			snprintf(why, whylen, "memfd mapped: %s", strerror(errno));
			close(m->fd);
			return -ENOMEM;
		}
		for (i = first; i < first + n; i++)
			page_used[i] = 1;
		m->size = (size_t)n * SIM_PAGE;
		m->phys = page_phys(first);
		m->pin = -1;
		event("A%u@%u ", n, first);
		return 0;
	}
	if (nfree < n) {
		snprintf(why, whylen, "%u huge page(s) needed, %u free in the pool", n, nfree);
		return -ENOMEM;
	}
	if (below < n) {
		snprintf(why, whylen, "%u huge page(s) needed below the DMA limit 0x%llx, %u free there", n,
		    (unsigned long long)limit, below);
		return -ERANGE;
	}
	snprintf(why, whylen, "%u free huge pages, but not %u physically contiguous ones", nfree, n);
	return -EFBIG;
}

static void
sim_free(struct dma_mem *m)
{
	for (unsigned i = 0; i < npages; i++)
		if (page_phys(i) >= m->phys && page_phys(i) < m->phys + m->size)
			page_used[i] = 0;
	if (m->map)
		munmap(m->map, m->size);
	m->map = NULL;
	dma_lease_punch(m->fd, m->size);	/* as with hugetlb: nothing stays behind an O_PATH file */
	close(m->fd);
	event("F%u@%u ", (unsigned)(m->size / SIM_PAGE), (unsigned)((m->phys & 0xffffffffu) >> 21));
	m->fd = -1;
}

/*
 * Every 4 KiB page of core's mapping still in the memfd's page cache
 * (mincore: a plain memory call, so the sim stays free of /proc and of
 * every Linux device interface, as the portability check demands): a
 * holder's punch takes the pages out of the file. 1, 0 or -errno.
 */
static int
sim_intact(const struct dma_mem *m)
{
	static unsigned char vec[4096];
	size_t pages = m->size / 4096;

	for (size_t first = 0; first < pages; first += sizeof vec) {
		size_t n = pages - first < sizeof vec ? pages - first : sizeof vec;

		if (mincore((uint8_t *)m->map + first * 4096, n * 4096, vec))
			return -errno;
		for (size_t i = 0; i < n; i++)
			if (!(vec[i] & 1))
				return 0;
	}
	return 1;
}

static long
sim_pages_free(void)
{
	long n = 0;

	for (unsigned i = 0; i < npages; i++)
		n += !page_used[i];
	return n;
}

const struct dma_mem_ops dma_mem_sim = {
	.name = "sim", .page_size = SIM_PAGE, .reserve = sim_reserve, .alloc = sim_alloc, .free = sim_free,
	.intact = sim_intact, .pages_free = sim_pages_free,
};

static int
sim_translated(unsigned bdf, char *why, size_t whylen)
{
	(void)bdf;
	snprintf(why, whylen, sim_iommu ? "simulated IOMMU" : "no simulated IOMMU");
	return sim_iommu;
}

static int
sim_domain_get(unsigned bdf, const void *owner, long domain, void **dom, char *why, size_t whylen)
{
	struct sim_space *sp = NULL;
	unsigned h = 0;

	(void)bdf;
	while (h < 8 && holds[h])
		h++;
	for (unsigned i = 0; i < 8 && domain >= 0 && !sp; i++)
		if (spaces[i].users && spaces[i].owner == owner && spaces[i].domain == domain)
			sp = &spaces[i];
	for (unsigned i = 0; i < 8 && !sp; i++)
		if (!spaces[i].users) {
			sp = &spaces[i];
			*sp = (struct sim_space){ .owner = owner, .domain = domain };
		}
	if (!sp || h == 8) {
		snprintf(why, whylen, "simulated IOMMU: no domain left");
		return -ENOSPC;
	}
	sp->users++;
	holds[h] = sp;
	*dom = &holds[h];
	return 0;
}

static void
sim_domain_put(void *dom)
{
	struct sim_space **h = dom;

	if (*h)		/* NULL after a dma_sim_reset() in the session's life */
		(*h)->users--;
	*h = NULL;
}

static const void *
sim_space(void *dom)
{
	return *(struct sim_space **)dom;
}

static int
sim_map(void *dom, const struct dma_mem *m, uint64_t iova, char *why, size_t whylen)
{
	(void)dom, (void)m, (void)why, (void)whylen;
	event("I%x ", (unsigned)(iova >> 21), 0);
	return 0;
}

static int
sim_unmap(void *dom, const struct dma_mem *m, uint64_t iova)
{
	(void)dom, (void)m;
	event("U%x ", (unsigned)(iova >> 21), 0);
	return 0;
}

const struct dma_iommu_ops dma_iommu_sim = {
	.name = "sim", .translated = sim_translated, .domain_get = sim_domain_get, .domain_put = sim_domain_put,
	.space = sim_space, .map = sim_map, .unmap = sim_unmap,
};

static int
sim_slot(unsigned bdf)
{
	return bdf == 0x18 ? 0 : bdf == 0x10 ? 1 : bdf >= 0x100 && bdf < 0x200 ? 2 + (int)(bdf - 0x100) : -1;
}

static int
sim_identify(unsigned bdf, unsigned *vendor, unsigned *device)
{
	switch (sim_slot(bdf)) {
	case 0: *vendor = 0x1234; *device = 0x11e8; return 0;
	case 1: *vendor = 0x8086; *device = 0x10d3; return 0;
	case -1: return -ENOENT;
	default: *vendor = 0x1af4; *device = 0x1041; return 0;
	}
}

static int
sim_bus_master(unsigned bdf, int on)
{
	int s = sim_slot(bdf);

	if (s < 0)
		return -ENOENT;
	cmd[s] = on ? cmd[s] | 4 : cmd[s] & ~4u;
	event("M%u:%x ", (unsigned)on, bdf);
	return (int)cmd[s];
}

int
dma_sim_command(unsigned bdf)
{
	int s = sim_slot(bdf);

	return s < 0 ? -ENOENT : (int)cmd[s];
}

const struct dma_device_ops dma_device_sim = {
	.name = "sim", .identify = sim_identify, .bus_master = sim_bus_master,
};
