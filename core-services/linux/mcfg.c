/*
 * Genode names a function by the physical address of its ECAM page
 * (device_config_phys). core turns that into bus/device/function with the
 * MCFG table: entries of 16 bytes after a 44-byte header, each a base
 * address (where bus 0 would start), a segment and a bus range.
 * Only segment 0: core's functions are named BB:DD.F.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mcfg.h"

#define MCFG_HEADER	44
#define MCFG_ENTRY	16

int
mcfg_function(uint64_t phys, unsigned *bdf)
{
	unsigned char t[4096];
	char path[96];
	ssize_t n;
	int fd = open("/sys/firmware/acpi/tables/MCFG", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -ENOENT;
	n = read(fd, t, sizeof t);
	close(fd);
	for (ssize_t off = MCFG_HEADER; n > 0 && off + MCFG_ENTRY <= n; off += MCFG_ENTRY) {
		uint64_t base;
		uint16_t seg;
		uint8_t first = t[off + 10], last = t[off + 11];

		memcpy(&base, t + off, 8);
		memcpy(&seg, t + off + 8, 2);
		if (seg || phys < base + ((uint64_t)first << 20) || phys >= base + (((uint64_t)last + 1) << 20))
			continue;
		if (phys & 0xfff)
			return -EINVAL;
		*bdf = (unsigned)((phys - base) >> 12);
		snprintf(path, sizeof path, "/sys/bus/pci/devices/0000:%02x:%02x.%u", *bdf >> 8, (*bdf >> 3) & 0x1f,
		    *bdf & 7);
		return access(path, F_OK) ? -ENODEV : 0;
	}
	return -ENOENT;
}

int
mcfg_window(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size)
{
	unsigned char t[4096];
	ssize_t n;
	int fd = open("/sys/firmware/acpi/tables/MCFG", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -ENOENT;
	n = read(fd, t, sizeof t);
	close(fd);
	for (ssize_t off = MCFG_HEADER; n > 0 && off + MCFG_ENTRY <= n; off += MCFG_ENTRY) {
		uint64_t b;
		uint8_t first = t[off + 10], last = t[off + 11];
		uint64_t lo, hi;

		memcpy(&b, t + off, 8);
		if (last < first)
			continue;
		lo = b + ((uint64_t)first << 20);
		hi = b + (((uint64_t)last + 1) << 20);
		if (base >= lo && size <= hi - lo && base - lo <= hi - lo - size) {
			*win_base = lo;
			*win_size = hi - lo;
			return 0;
		}
	}
	return -ENOENT;
}

int
mcfg_overlap(uint64_t base, uint64_t size, uint64_t *win_base, uint64_t *win_size)
{
	unsigned char t[4096];
	ssize_t n;
	int fd = open("/sys/firmware/acpi/tables/MCFG", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -ENOENT;
	n = read(fd, t, sizeof t);
	close(fd);
	for (ssize_t off = MCFG_HEADER; n > 0 && off + MCFG_ENTRY <= n; off += MCFG_ENTRY) {
		uint64_t b, lo, hi;
		uint8_t first = t[off + 10], last = t[off + 11];

		memcpy(&b, t + off, 8);
		if (last < first)
			continue;
		lo = b + ((uint64_t)first << 20);
		hi = b + (((uint64_t)last + 1) << 20);
		/* [base, base+size) against [lo, hi), written so that no sum can wrap. */
		if (size && base < hi && (base >= lo || lo - base < size)) {
			*win_base = lo;
			*win_size = hi - lo;
			return 0;
		}
	}
	return -ENOENT;
}
