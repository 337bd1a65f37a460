/*
 * IO_MEM backend for Linux. A BAR is handed out as its own sysfs file
 * (/sys/bus/pci/devices/D/resourceN, or resourceN_wc): mmap checks no
 * capability, so the fd works in the client, and it reaches only that BAR.
 * RAM ownership comes from /proc/iomem ("System RAM"). Snapshots and the
 * trusted live path use /dev/mem (with iomem=relaxed for non-RAM ranges;
 * STRICT_DEVMEM still lets the first 1 MiB be read).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../io_mem_backend.h"
#include "mcfg.h"

#define SYSFS_PCI "/sys/bus/pci/devices"

static int
sysfs_probe(char *why, size_t whylen)
{
	if (access(SYSFS_PCI, R_OK)) {
		snprintf(why, whylen, "%s: %s", SYSFS_PCI, strerror(errno));
		return -errno;
	}
	return 0;
}

static unsigned
read_hex(const char *dev, const char *file)
{
	char path[300], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof path, SYSFS_PCI "/%s/%s", dev, file);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = 0;
	fclose(f);
	return (unsigned)strtoul(buf, NULL, 16);
}

static unsigned
read_pin(const char *dev)
{
	char path[300];
	unsigned char pin = 0;
	FILE *f;

	snprintf(path, sizeof path, SYSFS_PCI "/%s/config", dev);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	if (fseek(f, 0x3d, SEEK_SET) || fread(&pin, 1, 1, f) != 1)
		pin = 0;
	fclose(f);
	return pin;
}

static int
sysfs_resources(struct pci_res *out, int max)
{
	DIR *d = opendir(SYSFS_PCI);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)) && n < max) {
		unsigned seg, bus, dev, fn;
		char path[300], line[128];
		FILE *f;

		if (sscanf(e->d_name, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4 || seg != 0)
			continue;
		snprintf(path, sizeof path, SYSFS_PCI "/%s/resource", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		/* One line per resource: start end flags (IORESOURCE_IO 0x100, MEM 0x200, PREFETCH 0x2000). */
		for (unsigned bar = 0; bar < 7 && fgets(line, sizeof line, f) && n < max; bar++) {
			uint64_t start, end, flags;
			struct pci_res *r = &out[n];

			if (sscanf(line, "%" SCNx64 " %" SCNx64 " %" SCNx64, &start, &end, &flags) != 3 ||
			    !(flags & 0x300) || end <= start)
				continue;
			r->bdf = bus << 8 | dev << 3 | fn;
			r->vendor = read_hex(e->d_name, "vendor");
			r->device = read_hex(e->d_name, "device");
			r->class = read_hex(e->d_name, "class");
			r->irq_pin = read_pin(e->d_name);
			r->bar = bar;
			r->type = flags & 0x100 ? PCI_RES_IO : PCI_RES_MEM;
			r->prefetch = !!(flags & 0x2000);
			r->start = start;
			r->size = end - start + 1;
			n++;
		}
		fclose(f);
	}
	closedir(d);
	return n;
}

static int
sysfs_is_ram(uint64_t base, uint64_t size)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];
	int ram = 0;

	if (!f)
		return 1;	/* cannot tell: assume the worst */
	while (fgets(line, sizeof line, f)) {
		uint64_t s, e;

		/* Top-level entries only (no indentation), e.g. "00100000-7ffdffff : System RAM". */
		if (line[0] == ' ' || !strstr(line, "System RAM"))
			continue;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &s, &e) == 2 && base <= e && s < base + size)
			ram = 1;
	}
	fclose(f);
	return ram;
}

static int
sysfs_open_bar(const struct pci_res *r, int wc, int *got_wc)
{
	char path[300];
	int fd = -1;

	*got_wc = 0;
	if (wc) {
		snprintf(path, sizeof path, SYSFS_PCI "/0000:%02x:%02x.%u/resource%u_wc",
		    r->bdf >> 8, (r->bdf >> 3) & 0x1f, r->bdf & 7, r->bar);
		fd = open(path, O_RDWR | O_CLOEXEC);
		*got_wc = fd >= 0;
	}
	if (fd < 0) {
		snprintf(path, sizeof path, SYSFS_PCI "/0000:%02x:%02x.%u/resource%u",
		    r->bdf >> 8, (r->bdf >> 3) & 0x1f, r->bdf & 7, r->bar);
		fd = open(path, O_RDWR | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

/*
 * Copy physical memory: mmap of /dev/mem first (reserved and ACPI ranges
 * above 1 MiB refuse read(2) with EFAULT but map fine with iomem=relaxed),
 * read(2) as the fallback (the first 1 MiB, which STRICT_DEVMEM allows).
 */
static int
sysfs_read_phys(uint64_t base, void *buf, size_t size)
{
	/* No O_SYNC: a cached mapping matches how the kernel maps firmware tables (PAT). */
	int fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	uint64_t page = base & ~0xfffull;
	size_t len = (size_t)(((base + size + 0xfff) & ~0xfffull) - page);
	void *map;
	ssize_t n;

	if (fd < 0)
		return -errno;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)page);
	if (map != MAP_FAILED) {
		memcpy(buf, (uint8_t *)map + (base - page), size);
		munmap(map, len);
		close(fd);
		return 0;
	}
	n = pread(fd, buf, size, (off_t)base);
	close(fd);
	if (n < 0)
		return -errno;
	return (size_t)n == size ? 0 : -EIO;
}

/*
 * One function's resource file only: a config write's BAR check asks this
 * per write, and listing every function (sysfs_resources reads five files
 * per BAR) made a conf1 walk with BAR probes 12 times slower under TCG.
 */
static uint64_t
sysfs_bar_size(unsigned bdf, unsigned bar)
{
	char path[96], line[128];
	uint64_t start, end, flags, size = 0;
	FILE *f;

	snprintf(path, sizeof path, SYSFS_PCI "/0000:%02x:%02x.%u/resource", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	if (bar > 5 || !(f = fopen(path, "re")))
		return 0;
	for (unsigned i = 0; i <= bar && fgets(line, sizeof line, f); i++)
		if (i == bar && sscanf(line, "%" SCNx64 " %" SCNx64 " %" SCNx64, &start, &end, &flags) == 3 &&
		    (flags & 0x200) && end > start)
			size = end - start + 1;
	fclose(f);
	return size;
}

static int
sysfs_open_phys(void)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

const struct io_mem_backend io_mem_sysfs = {
	.name = "linux-sysfs", .probe = sysfs_probe, .resources = sysfs_resources, .bar_size = sysfs_bar_size,
	.is_ram = sysfs_is_ram, .open_bar = sysfs_open_bar, .read_phys = sysfs_read_phys,
	.open_phys = sysfs_open_phys, .ecam_window = mcfg_window, .ecam_overlap = mcfg_overlap,
	.ecam_bdf = mcfg_bdf, .ecam_read = mcfg_read, .fn_targets = holders_pci_targets,
};
