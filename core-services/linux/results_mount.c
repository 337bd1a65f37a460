/*
 * The results partition (see results_mount.h): found by its FAT volume
 * label or volume id, then mounted. There is no udev in the initramfs, so
 * no /dev/disk/by-label: every block device in /sys/class/block is read
 * (its first sector only, never written) until one carries the name, or
 * until the wait is over. A USB stick appears some seconds after core
 * starts (xhci, usb-storage and sd_mod probe behind our back), hence the
 * wait.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "results_mount.h"

/* A FAT boot sector's label (trailing blanks cut) and volume id as "XXXX-XXXX"; 0 if it is one. */
static int
fat_names(const unsigned char *s, char label[12], char id[10])
{
	unsigned off;
	uint32_t serial;
	int len;

	if (s[510] != 0x55 || s[511] != 0xaa || (s[11] | s[12] << 8) % 512 || !s[13])
		return -EINVAL;
	/* FAT32 has no 16-bit FAT size; its extended BPB is further in. */
	off = (s[22] | s[23] << 8) ? 0x26 : 0x42;
	if (s[off] != 0x29)
		return -EINVAL;
	if (memcmp(s + off + 0x10, "FAT", 3))
		return -EINVAL;
	serial = s[off + 1] | s[off + 2] << 8 | s[off + 3] << 16 | (uint32_t)s[off + 4] << 24;
	snprintf(id, 10, "%04X-%04X", (unsigned)(serial >> 16), (unsigned)(serial & 0xffff));
	memcpy(label, s + off + 5, 11);
	for (len = 11; len > 0 && label[len - 1] == ' '; len--)
		;
	label[len] = 0;
	return 0;
}

/* The /dev name of a FAT volume called spec, or -ENOENT. */
static int
find_volume(const char *spec, char *dev, size_t devlen)
{
	int by_label = !strncmp(spec, "LABEL=", 6);
	const char *want = spec + (by_label ? 6 : 5);
	struct dirent *e;
	DIR *d = opendir("/sys/class/block");
	int rc = -ENOENT;

	if (!d)
		return -errno;
	while (rc && (e = readdir(d))) {
		unsigned char sector[512];
		char path[300], label[12], id[10];
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/dev/%s", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (pread(fd, sector, sizeof sector, 0) == (ssize_t)sizeof sector &&
		    !fat_names(sector, label, id) && !strcasecmp(by_label ? label : id, want)) {
			snprintf(dev, devlen, "%s", path);
			rc = 0;
		}
		close(fd);
	}
	closedir(d);
	return rc;
}

int
results_mount(const char *spec, const char *dir, unsigned wait_s, char *why, size_t whylen)
{
	struct timespec now, end;
	char dev[300];
	int rc;

	if (strncmp(spec, "LABEL=", 6) && strncmp(spec, "UUID=", 5)) {
		snprintf(why, whylen, "device=\"%s\": use LABEL=name or UUID=XXXX-XXXX", spec);
		return -EINVAL;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += wait_s;
	for (;;) {
		rc = find_volume(spec, dev, sizeof dev);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!rc || now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		usleep(200 * 1000);
	}
	if (rc) {
		snprintf(why, whylen, "no FAT volume with %s appeared within %u s", spec, wait_s);
		return rc;
	}
	mkdir(dir, 0755);
	/* flush: vfat writes each file out when it is closed, so a pulled stick keeps what was stored. */
	if (mount(dev, dir, "vfat", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME, "flush,shortname=mixed")) {
		rc = -errno;
		snprintf(why, whylen, "mount %s (%s) on %s: %s", dev, spec, dir, strerror(errno));
		return rc;
	}
	snprintf(why, whylen, "%s (%s) mounted on %s", dev, spec, dir);
	return 0;
}
