/*
 * core's config access for conf1 (linux/io_port_ioperm.c) on a simulated
 * sysfs tree below host_root: a bus Linux does not know is remembered as
 * empty (a peer-bus probe's 32 reads per bus cost one failed open), but
 * only until a function on another bus is read, and never for a bus Linux
 * knows, where an empty slot says nothing about the next one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core-services/host_mode.h"
#include "../../core-services/io_port_backend.h"
#include "harness.h"

static void
mkdirs(const char *rel)
{
	char path[PATH_MAX + 128], *p;

	snprintf(path, sizeof path, "%s/%s", host_root, rel);
	for (p = path + strlen(host_root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

/* Linux's pci_bus directory for bus. */
static void
add_bus(unsigned bus)
{
	char rel[64];

	snprintf(rel, sizeof rel, "sys/class/pci_bus/0000:%02x", bus);
	mkdirs(rel);
}

/* A function's config file whose IDs dword is id (the rest zero). */
static void
add_fn(unsigned bdf, uint32_t id)
{
	char rel[96], path[PATH_MAX + 128];
	unsigned char cfg[256] = { 0 };
	int fd;

	snprintf(rel, sizeof rel, "sys/bus/pci/devices/0000:%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	mkdirs(rel);
	snprintf(path, sizeof path, "%s/%s/config", host_root, rel);
	memcpy(cfg, &id, 4);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_INT(write(fd, cfg, sizeof cfg), sizeof cfg);
	close(fd);
}

static uint32_t
ids(unsigned bdf)
{
	uint32_t v = 0;

	CHECK_INT(io_port_linux.cfg_read(bdf, 0, 4, &v), 0);
	return v;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void
tree_done(void)
{
	nftw(host_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
tree(void)
{
	char tmpl[] = "/tmp/conf1_sysfs_XXXXXX";

	CHECK(mkdtemp(tmpl));
	snprintf(host_root, sizeof host_root, "%s", tmpl);
	add_bus(0);
	add_fn(0x0008, 0x12348086);	/* 00:01.0 */
}

/* A bus scan of a bus Linux knows: the empty slot 00:00.0 first, then 00:01.0 is read as it is. */
TEST(conf1_sysfs_function_after_an_empty_slot_of_a_known_bus)
{
	tree();
	CHECK_INT(ids(0x0000), 0xffffffffu);
	CHECK_INT(ids(0x0008), 0x12348086);
	tree_done();
}

/* Bus 05 unknown: remembered while bus 05 is read, forgotten at the first read of another bus. */
TEST(conf1_sysfs_unknown_bus_remembered_until_another_bus)
{
	tree();
	CHECK_INT(ids(0x0500), 0xffffffffu);
	add_bus(5);
	add_fn(0x0508, 0x56781af4);	/* 05:01.0 appears (a hotplug) */
	CHECK_INT(ids(0x0508), 0xffffffffu);	/* the same bus, read on: still the memo */
	CHECK_INT(ids(0x0008), 0x12348086);	/* another bus: the memo ends */
	CHECK_INT(ids(0x0508), 0x56781af4);
	CHECK_INT(ids(0x0510), 0xffffffffu);	/* 05:02.0 of a known bus: absent by its own open */
	add_fn(0x0518, 0x9abc1b36);
	CHECK_INT(ids(0x0518), 0x9abc1b36);	/* ... and no memo for the next slot */
	tree_done();
}

/* From an unknown bus straight to the next bus: that bus is asked for, and read where Linux knows it. */
TEST(conf1_sysfs_next_bus_after_an_unknown_one)
{
	tree();
	add_bus(7);
	add_fn(0x0700, 0x10001af4);
	CHECK_INT(ids(0x0500), 0xffffffffu);
	CHECK_INT(ids(0x0600), 0xffffffffu);	/* unknown too: by the bus's lookup */
	CHECK_INT(ids(0x0700), 0x10001af4);	/* known: opened */
	tree_done();
}
