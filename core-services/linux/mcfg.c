/*
 * Genode names a function by the physical address of its ECAM page
 * (device_config_phys). core turns that into bus/device/function with the
 * MCFG table: entries of 16 bytes after a 44-byte header, each a base
 * address (where bus 0 would start), a segment and a bus range.
 * Only segment 0: core's functions are named BB:DD.F.
 * Also core's own reads of ECAM for read-only copies (mcfg_read).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mcfg.h"

#define MCFG_HEADER	44
#define MCFG_ENTRY	16
#define MCFG_MAX	((4096 - MCFG_HEADER) / MCFG_ENTRY)

/* One MCFG entry: where bus 0 would start, its segment, and the range its bus numbers cover. */
struct mcfg_win {
	uint64_t base, lo, hi;
	uint16_t seg;
};

/*
 * The table's entries with a sane bus range (first <= last), read once per
 * call (the callers are session opens, not a hot path): their count, or
 * -ENOENT without a table.
 */
static int
mcfg_windows(struct mcfg_win *w)
{
	unsigned char t[4096];
	ssize_t n;
	int count = 0, fd = open("/sys/firmware/acpi/tables/MCFG", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -ENOENT;
	n = read(fd, t, sizeof t);
	close(fd);
	for (ssize_t off = MCFG_HEADER; n > 0 && off + MCFG_ENTRY <= n && count < MCFG_MAX; off += MCFG_ENTRY) {
		uint8_t first = t[off + 10], last = t[off + 11];

		if (last < first)
			continue;
		memcpy(&w[count].base, t + off, 8);
		memcpy(&w[count].seg, t + off + 8, 2);
		w[count].lo = w[count].base + ((uint64_t)first << 20);
		w[count].hi = w[count].base + (((uint64_t)last + 1) << 20);
		count++;
	}
	return count;
}

int
mcfg_function(uint64_t phys, unsigned *bdf)
{
	struct mcfg_win w[MCFG_MAX];
	char path[96];
	int n = mcfg_windows(w);

	for (int i = 0; i < n; i++) {
		if (w[i].seg || phys < w[i].lo || phys >= w[i].hi)
			continue;
		if (phys & 0xfff)
			return -EINVAL;
		*bdf = (unsigned)((phys - w[i].base) >> 12);
		snprintf(path, sizeof path, "/sys/bus/pci/devices/0000:%02x:%02x.%u", *bdf >> 8, (*bdf >> 3) & 0x1f,
		    *bdf & 7);
		return access(path, F_OK) ? -ENODEV : 0;
	}
	return n < 0 ? n : -ENOENT;
}

int
mcfg_window(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size)
{
	struct mcfg_win w[MCFG_MAX];
	int n = mcfg_windows(w);

	for (int i = 0; i < n; i++)
		if (base >= w[i].lo && size <= w[i].hi - w[i].lo && base - w[i].lo <= w[i].hi - w[i].lo - size) {
			*win_base = w[i].lo;
			*win_size = w[i].hi - w[i].lo;
			return 0;
		}
	return -ENOENT;
}

int
mcfg_overlap(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size)
{
	struct mcfg_win w[MCFG_MAX];
	int n = mcfg_windows(w);

	/* [base, base+size) against [lo, hi), written so that no sum can wrap. */
	for (int i = 0; i < n; i++)
		if (size && base < w[i].hi && (base >= w[i].lo || w[i].lo - base < size)) {
			*win_base = w[i].lo;
			*win_size = w[i].hi - w[i].lo;
			return 0;
		}
	return -ENOENT;
}

int
mcfg_bdf(uint64_t phys, unsigned *bdf)
{
	struct mcfg_win w[MCFG_MAX];
	int n = mcfg_windows(w);

	for (int i = 0; i < n; i++)
		if (!w[i].seg && phys >= w[i].lo && phys < w[i].hi) {
			*bdf = (unsigned)((phys - w[i].base) >> 12);
			return 0;
		}
	return -ENOENT;
}

/*
 * Through an uncached (O_SYNC) mapping of /dev/mem, one aligned 32-bit
 * load per dword: what a config read of the CPU is, whatever memcpy
 * would do (wider or byte loads). A function that is not there reads
 * all ones from the host bridge, so its page is filled so at once:
 * 1 load instead of 1024 (each load is a trap into the hypervisor in a VM).
 */
int
mcfg_read(uint64_t base, void *buf, size_t size)
{
	uint64_t page = base & ~0xfffull;
	size_t len = (size_t)(((base + size + 0xfff) & ~0xfffull) - page);
	int fd = open("/dev/mem", O_RDONLY | O_SYNC | O_CLOEXEC);
	const volatile uint32_t *map;
	uint32_t *out = buf;

	if (fd < 0)
		return -errno;
	if ((base | size) & 3) {
		close(fd);
		return -EINVAL;
	}
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)page);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	for (size_t off = base - page, i = 0; i < size / 4; off += 4, i++) {
		if (!(off & 0xfff) && map[off / 4] == 0xffffffffu && size / 4 - i >= 1024) {
			memset(out + i, 0xff, 4096);
			off += 4092;
			i += 1023;
			continue;
		}
		out[i] = map[off / 4];
	}
	munmap((void *)map, len);
	return 0;
}
