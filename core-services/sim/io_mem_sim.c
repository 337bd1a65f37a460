/*
 * IO_MEM backend without hardware: one VGA-like function 00:01.0
 * (1234:1111) with a 16 MiB prefetchable BAR0 at 0xfd000000 and a 4 KiB
 * BAR2 at 0xfebf0000, each backed by a memfd (so the fd really is scoped
 * to the BAR); RAM at 0x100000-0x7fffffff; physical reads give the low
 * byte of the address, so snapshots can be checked. Live register
 * accesses (phys_rw) reach an HPET-like block at 0xfed00000-0xfed003ff:
 * the counter at 0xf0 advances on every read (a polled register that
 * changes), the other registers keep what is written. ECAM: one MCFG
 * window at 0xb0000000 (segment 0, buses 0-255) whose config reads show
 * 00:01.0 and 00:02.0 (IDs and class at 0 and 8, other dwords their
 * offset) and all ones elsewhere. 0x40000000-0x40ffffff is no RAM: a
 * window for devices that are no PCI function (where Genode's platform
 * test puts its dummy devices, as on ARM boards), reached by a trusted
 * policy; open_phys is a sparse 4 GiB memfd
 * (zeros, offset = physical address), so live grants can be mapped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../io_mem_backend.h"

static const struct pci_res sim_res[] = {
	{ .bdf = 0x08, .vendor = 0x1234, .device = 0x1111, .class = 0x030000, .bar = 0,
	  .type = PCI_RES_MEM, .prefetch = 1, .start = 0xfd000000, .size = 0x1000000 },
	{ .bdf = 0x08, .vendor = 0x1234, .device = 0x1111, .class = 0x030000, .bar = 2,
	  .type = PCI_RES_MEM, .start = 0xfebf0000, .size = 0x1000 },
	{ .bdf = 0x10, .vendor = 0x8086, .device = 0x10d3, .class = 0x020000, .bar = 2,
	  .type = PCI_RES_IO, .start = 0xc000, .size = 0x20 },
};

static int
sim_probe(char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	return 0;
}

static int
sim_resources(struct pci_res *out, int max)
{
	int n = 0;

	for (unsigned i = 0; i < sizeof sim_res / sizeof sim_res[0] && n < max; i++)
		out[n++] = sim_res[i];
	return n;
}

static int
sim_is_ram(uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	return (base < 0x40000000 && 0x100000 < end) || (base <= 0x7fffffff && 0x41000000 < end);
}

/* The BAR memfds handed out, by function: what sim_fn_targets names (the newest 32). */
static struct {
	unsigned		bdf;
	struct holder_id	id;
} sim_handed[32];
static unsigned sim_nhanded;

static int
sim_open_bar(const struct pci_res *r, int wc, int *got_wc)
{
	char name[32];
	struct stat st;
	int fd;

	/* Named by the function for people reading a HOLDERS answer; found by its device and inode. */
	snprintf(name, sizeof name, "sim-bar-%02x:%02x.%u", r->bdf >> 8, (r->bdf >> 3) & 0x1f, r->bdf & 7);
	fd = memfd_create(name, MFD_CLOEXEC);
	*got_wc = wc;
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)r->size) || fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	sim_handed[sim_nhanded++ % 32] = (typeof(sim_handed[0])){ r->bdf, { st.st_dev, st.st_ino } };
	return fd;
}

/* A sim BAR is a memfd: the function's files are the memfds handed out for it. */
static int
sim_fn_targets(unsigned bdf, struct holder_id *ids, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 32 && i < sim_nhanded && n < max; i++)
		if (sim_handed[i].bdf == bdf)
			ids[n++] = sim_handed[i].id;
	return (int)n;
}

static int
sim_read_phys(uint64_t base, void *buf, size_t size)
{
	for (size_t i = 0; i < size; i++)
		((uint8_t *)buf)[i] = (uint8_t)(base + i);
	return 0;
}

static int
sim_open_phys(void)
{
	int fd = memfd_create("sim-phys", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)1 << 32)) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int
sim_phys_rw(uint64_t addr, unsigned bytes, int write, uint64_t *v)
{
	static uint8_t regs[0x400];
	static uint64_t counter;
	uint64_t off = addr - 0xfed00000u;

	if (addr < 0xfed00000u || off + bytes > sizeof regs)
		return -EIO;	/* nothing is there in this machine */
	if (off == 0xf0 && !write) {
		*v = ++counter;
		return 0;
	}
	if (write)
		memcpy(regs + off, v, bytes);
	else {
		*v = 0;
		memcpy(v, regs + off, bytes);
	}
	return 0;
}

/* One ECAM window as on q35: segment 0, buses 0-255 at 0xb0000000. */
static int
sim_ecam_window(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size)
{
	if (base < 0xb0000000u || size > 0x10000000u || base - 0xb0000000u > 0x10000000u - size)
		return -ENOENT;
	*win_base = 0xb0000000u;
	*win_size = 0x10000000u;
	return 0;
}

static int
sim_ecam_overlap(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size)
{
	if (!size || base >= 0xc0000000u || (base < 0xb0000000u && 0xb0000000u - base >= size))
		return -ENOENT;
	*win_base = 0xb0000000u;
	*win_size = 0x10000000u;
	return 0;
}

static int
sim_ecam_bdf(uint64_t phys, unsigned *bdf)
{
	if (phys < 0xb0000000u || phys >= 0xc0000000u)
		return -ENOENT;
	*bdf = (unsigned)((phys - 0xb0000000u) >> 12);
	return 0;
}

/* Config dword at off of function bdf: the functions of sim_res, all ones where none is. */
static uint32_t
sim_cfg_dword(unsigned bdf, unsigned off)
{
	for (unsigned i = 0; i < sizeof sim_res / sizeof sim_res[0]; i++)
		if (sim_res[i].bdf == bdf)
			return off == 0 ? sim_res[i].device << 16 | sim_res[i].vendor
			    : off == 8 ? sim_res[i].class << 8 : off;
	return 0xffffffffu;
}

static int
sim_ecam_read(uint64_t base, void *buf, size_t size)
{
	unsigned bdf;

	if ((base | size) & 3)
		return -EINVAL;
	for (size_t i = 0; i < size; i += 4) {
		uint32_t v = sim_ecam_bdf(base + i, &bdf) ? 0xffffffffu : sim_cfg_dword(bdf, (base + i) & 0xfff);

		memcpy((uint8_t *)buf + i, &v, 4);
	}
	return 0;
}

const struct io_mem_backend io_mem_sim = {
	.name = "sim", .probe = sim_probe, .resources = sim_resources, .is_ram = sim_is_ram,
	.open_bar = sim_open_bar, .read_phys = sim_read_phys, .open_phys = sim_open_phys,
	.ecam_window = sim_ecam_window, .ecam_overlap = sim_ecam_overlap, .phys_rw = sim_phys_rw, .fn_targets = sim_fn_targets,
	.ecam_bdf = sim_ecam_bdf, .ecam_read = sim_ecam_read,
};
