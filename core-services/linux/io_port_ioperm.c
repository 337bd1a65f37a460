/*
 * IO_PORT backend for Linux: core takes ioperm for each granted range
 * (never iopl: least privilege even for core) and executes in/out itself.
 * The PCI conf1 pair 0xCF8/0xCFC is never touched directly, because the
 * kernel uses it too (also from interrupt handlers); reads and writes go
 * through /sys/bus/pci/devices/<dev>/config, which takes the kernel's lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <unistd.h>

#include "../host_mode.h"
#include "../io_port_backend.h"

static int
linux_probe(char *why, unsigned long whylen)
{
	/* Port 0x80 (POST diagnostics) is harmless to be allowed. */
	if (ioperm(0x80, 1, 1)) {
		snprintf(why, whylen, "ioperm: %s (core needs CAP_SYS_RAWIO)", strerror(errno));
		return -errno;
	}
	ioperm(0x80, 1, 0);
	return 0;
}

static int
linux_enable(unsigned base, unsigned size)
{
	return ioperm(base, size, 1) ? -errno : 0;
}

static uint32_t
linux_in(unsigned port, unsigned width)
{
	switch (width) {
	case 1: return inb(port);
	case 2: return inw(port);
	default: return inl(port);
	}
}

static void
linux_out(unsigned port, unsigned width, uint32_t v)
{
	switch (width) {
	case 1: outb((uint8_t)v, port); break;
	case 2: outw((uint16_t)v, port); break;
	default: outl(v, port); break;
	}
}

/* Paths below host_root ("" on a real system; a simulated tree in tests). */
static int
cfg_open(unsigned bdf, int flags)
{
	char path[PATH_MAX];

	if (host_path(path, sizeof path, "/sys/bus/pci/devices/0000:%02x:%02x.%u/config",
	    bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, flags | O_CLOEXEC);
}

/*
 * 1 if Linux has a bus of that number (its pci_bus class directory): every
 * function Linux knows sits on a bus Linux knows, so without it none of
 * the bus's 256 functions has a config file.
 */
static int
bus_known(unsigned bus)
{
	char path[PATH_MAX];

	return host_path(path, sizeof path, "/sys/class/pci_bus/0000:%02x", bus) || access(path, F_OK) == 0 ||
	    errno != ENOENT;
}

/*
 * The config file of the function accessed last stays open (read and
 * write): a walk reads a function's registers one after the other (a
 * header range request is 16 reads) and sizes its BARs, and an open of a
 * sysfs path costs more than the access. An absent function is
 * remembered as absent until another function is accessed (a scan asks
 * for 16 dwords of each empty slot). An access that fails on the kept
 * descriptor (the function went away, maybe came back) is tried once
 * more on a fresh open.
 * A bus Linux does not know (no pci_bus directory: a peer-bus probe or a
 * bus scan reads function 0 of all 32 devices of each such bus) is
 * remembered as holding nothing until a function on another bus is
 * accessed: one failed open and one lookup per bus instead of 32 failed
 * opens (and from one unknown bus to the next, the bus's lookup only). A
 * bus Linux knows is never remembered so: an empty slot there says
 * nothing about the next one.
 */
#define ABSENT	(-2)
static int	cfg_fd = -1;
static unsigned	cfg_bdf;
static int	absent_bus = -1;	/* the bus of cfg_bdf when Linux knows no such bus */

/* The descriptor for bdf: >= 0, ABSENT, or -errno. */
static int
cfg_get(unsigned bdf, int fresh)
{
	if (!fresh && cfg_fd != -1 && cfg_bdf == bdf)
		return cfg_fd;
	if (!fresh && cfg_fd == ABSENT && absent_bus == (int)(bdf >> 8))
		return ABSENT;
	if (cfg_fd >= 0)
		close(cfg_fd);
	cfg_bdf = bdf;
	/* From an unknown bus to the next (a peer-bus probe): the bus first, one lookup instead of two. */
	if (!fresh && absent_bus >= 0 && !bus_known(bdf >> 8)) {
		absent_bus = (int)(bdf >> 8);
		return cfg_fd = ABSENT;
	}
	absent_bus = -1;
	cfg_fd = cfg_open(bdf, O_RDWR);
	if (cfg_fd < 0 && errno == EACCES)
		cfg_fd = cfg_open(bdf, O_RDONLY);	/* not root (tests): reads still work */
	if (cfg_fd < 0) {
		int err = errno;

		cfg_fd = err == ENOENT ? ABSENT : -1;
		if (err == ENOENT && !bus_known(bdf >> 8))
			absent_bus = (int)(bdf >> 8);
		return err == ENOENT ? ABSENT : -err;
	}
	return cfg_fd;
}

static int
linux_cfg_read(unsigned bdf, unsigned reg, unsigned width, uint32_t *v)
{
	uint32_t val = 0;

	*v = 0xffffffffu >> (32 - 8 * width);
	for (int fresh = 0; fresh < 2; fresh++) {
		int fd = cfg_get(bdf, fresh);

		if (fd == ABSENT)
			return 0;			/* absent function: all ones */
		if (fd < 0)
			return fd;
		if (pread(fd, &val, width, reg) == (ssize_t)width) {
			*v = val;
			return 0;
		}
	}
	return 0;
}

static int
linux_cfg_write(unsigned bdf, unsigned reg, unsigned width, uint32_t v)
{
	int err = 0;

	for (int fresh = 0; fresh < 2; fresh++) {
		int fd = cfg_get(bdf, fresh);

		if (fd == ABSENT)
			return 0;			/* writes to nothing vanish, as on hardware */
		if (fd < 0)
			return fd;
		if (pwrite(fd, &v, width, reg) == (ssize_t)width)
			return 0;
		err = -errno;
	}
	return err;
}

static int
linux_grant_direct(unsigned base, unsigned size)
{
	return ioperm(base, size, 1) ? -errno : 0;
}

const struct io_port_backend io_port_linux = {
	.name = "linux-ioperm", .probe = linux_probe, .enable = linux_enable,
	.in = linux_in, .out = linux_out,
	.cfg_read = linux_cfg_read, .cfg_write = linux_cfg_write,
	.grant_direct = linux_grant_direct,
};
