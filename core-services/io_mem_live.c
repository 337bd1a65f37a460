/*
 * Live IO_MEM sessions (policy live="yes"): device registers that a
 * client must see change (AML polling a status bit) but that must not be
 * mapped into it. Core maps nothing out: each READ/WRITE is one access of
 * the asked width, done by core, at an address inside the granted range.
 * The range must be no RAM, no PCI BAR (those belong to Linux and to
 * the drivers that hold them through their PCI policies) and no part of
 * an ECAM window (it reaches every function's config space: only an
 * ECAM policy grants it, to a label <pci_config> lets write them all);
 * exclusivity against other grants is service_io_mem.c's, as for any
 * live grant.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/io_mem.h>
#include "io_mem_backend.h"
#include "io_mem_live.h"

int
io_mem_live_check(const struct io_mem_backend *be, uint64_t base, uint64_t size, char *why, size_t whylen)
{
	static struct pci_res res[PCI_RES_MAX];
	uint64_t wb, ws;
	int n;

	if (be->is_ram(base, size)) {
		snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " is RAM that belongs to Linux", base, base + size - 1);
		return -EPERM;
	}
	if (be->ecam_overlap && !be->ecam_overlap(base, size, &wb, &ws)) {
		snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " overlaps the ECAM window 0x%" PRIx64 "-0x%" PRIx64
		    " (MCFG): config space of every function, granted only by an ECAM policy",
		    base, base + size - 1, wb, wb + ws - 1);
		return -EPERM;
	}
	n = be->resources(res, PCI_RES_MAX);
	for (int i = 0; i < n; i++)
		if (res[i].type == PCI_RES_MEM && base < res[i].start + res[i].size && res[i].start < base + size) {
			snprintf(why, whylen, "0x%" PRIx64 "-0x%" PRIx64 " overlaps BAR%u of %02x:%02x.%u "
			    "(0x%" PRIx64 "-0x%" PRIx64 "): a BAR is its driver's, by its PCI policy",
			    base, base + size - 1, res[i].bar, res[i].bdf >> 8, (res[i].bdf >> 3) & 0x1f,
			    res[i].bdf & 7, res[i].start, res[i].start + res[i].size - 1);
			return -EPERM;
		}
	return 0;
}

/* One access through a fresh uncached mapping of the page (open_phys: /dev/mem O_SYNC). */
static int
rw_devmem(const struct io_mem_backend *be, uint64_t addr, unsigned bytes, int write, uint64_t *v)
{
	uint64_t page = addr & ~0xfffull;
	volatile uint8_t *p;
	void *map;
	int fd = be->open_phys();

	if (fd < 0)
		return fd;
	map = mmap(NULL, 0x1000, PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED, fd, (off_t)page);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	p = (volatile uint8_t *)map + (addr - page);
	/* Exactly one access of exactly this width: registers have side effects on read. */
	switch (bytes) {
	case 1: if (write) *p = (uint8_t)*v; else *v = *p; break;
	case 2: if (write) *(volatile uint16_t *)p = (uint16_t)*v; else *v = *(volatile uint16_t *)p; break;
	case 4: if (write) *(volatile uint32_t *)p = (uint32_t)*v; else *v = *(volatile uint32_t *)p; break;
	default: if (write) *(volatile uint64_t *)p = *v; else *v = *(volatile uint64_t *)p; break;
	}
	munmap(map, 0x1000);
	return 0;
}

int
io_mem_live_call(const struct io_mem_backend *be, uint64_t base, uint64_t size,
    const struct mkx_msg *req, struct mkx_reply *r)
{
	struct mkx_io_mem_access a;
	uint64_t v;
	int err;

	if (req->hdr.op == MKX_IO_MEM_RANGE) {
		struct mkx_io_mem_range g = { base, size };

		memcpy(r->payload, &g, sizeof g);
		r->len = sizeof g;
		return 0;
	}
	if (req->hdr.op != MKX_IO_MEM_READ && req->hdr.op != MKX_IO_MEM_WRITE)
		return -ENOSYS;	/* DATASPACE too: a live session has none */
	if (req->hdr.len != sizeof a)
		return -EINVAL;
	memcpy(&a, req->payload, sizeof a);
	if ((a.width != 1 && a.width != 2 && a.width != 4 && a.width != 8) || (a.addr & (a.width - 1)))
		return -EINVAL;
	/* Inside the grant, written so that no sum can wrap. */
	if (a.addr < base || a.addr - base > size - a.width || size < a.width)
		return -EPERM;
	v = a.value;
	err = be->phys_rw ? be->phys_rw(a.addr, a.width, req->hdr.op == MKX_IO_MEM_WRITE, &v)
	    : rw_devmem(be, a.addr, a.width, req->hdr.op == MKX_IO_MEM_WRITE, &v);
	if (err || req->hdr.op == MKX_IO_MEM_WRITE)
		return err;
	memcpy(r->payload, &v, sizeof v);
	r->len = sizeof v;
	return 0;
}
