/*
 * The Linux reference for the block benchmark: Linux's own driver (nvme or
 * ahci, bound at boot) on the disk of one PCI function, driven the way fio's
 * libaio engine drives it: O_DIRECT, Linux AIO (io_submit/io_getevents, raw
 * system calls, no libaio), a fixed number of requests in flight. The same
 * four figures block_tester's mode="bench" measures through the Block
 * session: sequential 1 MiB writes and reads (MB/s) and random 4 KiB reads at
 * depth 1 and 32 (IOPS), each the median of its rounds. A plain root process
 * (bench_preinit runs it before core); afterwards it unbinds the driver from
 * the function, so that core's drivers can have the disk.
 *   raw_block 00:04.0 nvme 1000 3   (function, driver, milliseconds per round, rounds)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "raw_common.h"

#define DEPTH_MAX	32

struct pattern { const char *name; int write, random; size_t size; unsigned depth; };

/* What block_tester's bench mode runs, in the same order (apps/block_tester/bench.c). */
static const struct pattern patterns[] = {
	{ "seq write 1M qd1", 1, 0, 1 << 20, 1 },
	{ "seq read 1M qd1", 0, 0, 1 << 20, 1 },
	{ "rand read 4K qd1", 0, 1, 4096, 1 },
	{ "rand read 4K qd32", 0, 1, 4096, 32 },
};

/* The block device of PCI function pci (its /sys/block link goes through the function), up to 10 s. */
static int
disk_of(const char *pci, char *name, size_t len)
{
	char want[32], link[512], path[300];

	snprintf(want, sizeof want, "/0000:%s/", pci);
	for (int i = 0; i < 1000; i++) {
		DIR *d = opendir("/sys/block");
		struct dirent *e;

		while (d && (e = readdir(d))) {
			ssize_t n;

			snprintf(path, sizeof path, "/sys/block/%s", e->d_name);
			if (e->d_name[0] == '.' || (n = readlink(path, link, sizeof link - 1)) < 0)
				continue;
			link[n] = 0;
			snprintf(path, sizeof path, "/dev/%s", e->d_name);
			if (strstr(link, want) && strlen(e->d_name) < len && !access(path, F_OK)) {
				memcpy(name, e->d_name, strlen(e->d_name) + 1);
				closedir(d);
				return 0;
			}
		}
		if (d)
			closedir(d);
		usleep(10000);
	}
	return -ENOENT;
}

static uint64_t
next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15);

	z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9;
	z = (z ^ z >> 27) * 0x94d049bb133111eb;
	return z ^ z >> 31;
}

/*
 * QEMU 7.2's nvme with the shadow doorbells Linux's driver sets up (Doorbell
 * Buffer Config) may miss a submission made while its queue is idle: the
 * command never completes ("I/O ... timeout, aborting", then a controller
 * reset 60 s later), seen here at the end of rounds. A wait longer than
 * 100 ms is answered with one more 4 KiB read, whose doorbell makes the
 * device look at the queue again; such kicks are counted and reported.
 */
struct aio { aio_context_t ctx; int fd; struct iocb kick; uint8_t *kick_buf; unsigned kicks_inflight, kicks; };

/* Up to max completions of the pattern's requests (kicks filtered out), at least one: their count, or -1. */
static long
reap(struct aio *a, struct io_event *ev, long max)
{
	for (;;) {
		struct timespec t = { 0, 100000000 };
		long n = syscall(SYS_io_getevents, a->ctx, 1L, max, ev, &t), k = 0;
		struct iocb *list[1] = { &a->kick };

		if (n < 0 && errno != EINTR)
			return -1;
		for (long i = 0; i < n; i++)
			if ((struct iocb *)(uintptr_t)ev[i].obj == &a->kick)
				a->kicks_inflight--;
			else
				ev[k++] = ev[i];
		if (k)
			return k;
		if (n == 0 && !a->kicks_inflight) {
			memset(&a->kick, 0, sizeof a->kick);
			a->kick.aio_fildes = (uint32_t)a->fd;
			a->kick.aio_lio_opcode = IOCB_CMD_PREAD;
			a->kick.aio_buf = (uint64_t)(uintptr_t)a->kick_buf;
			a->kick.aio_nbytes = 4096;
			if (syscall(SYS_io_submit, a->ctx, 1L, list) != 1)
				return -1;
			a->kicks_inflight++;
			a->kicks++;
		}
	}
}

/* One round of pattern p for ms milliseconds: requests completed per second. */
static double
round_of(struct aio *a, uint64_t disk, const struct pattern *p, uint8_t *buf, double ms, uint64_t *pos)
{
	static struct iocb cb[DEPTH_MAX];
	struct iocb *list[DEPTH_MAX];
	struct io_event ev[DEPTH_MAX + 1];
	unsigned inflight = 0, ready = 0;
	uint64_t done = 0, rnd = 0x6d6b78 + *pos;
	double t0 = now(), t = t0;
	long n;

	for (unsigned i = 0; i < p->depth; i++)
		list[ready++] = &cb[i];
	for (;;) {
		for (unsigned i = 0; i < ready; i++) {
			struct iocb *c = list[i];
			uint64_t off = p->random ? next_random(&rnd) % (disk / p->size) * p->size : *pos;

			if (!p->random)
				*pos = *pos + p->size + p->size > disk ? 0 : *pos + p->size;
			memset(c, 0, sizeof *c);
			c->aio_fildes = (uint32_t)a->fd;
			c->aio_lio_opcode = p->write ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
			c->aio_buf = (uint64_t)(uintptr_t)(buf + (size_t)(c - cb) * p->size);
			c->aio_nbytes = p->size;
			c->aio_offset = (int64_t)off;
		}
		if (ready && syscall(SYS_io_submit, a->ctx, (long)ready, list) != (long)ready)
			return -1;
		inflight += ready;
		ready = 0;
		if ((t = now()) - t0 >= ms / 1e3)
			break;
		if ((n = reap(a, ev, DEPTH_MAX + 1)) < 0)
			return -1;
		for (long i = 0; i < n; i++) {
			if (ev[i].res != (int64_t)p->size)
				return -1;
			list[ready++] = (struct iocb *)(uintptr_t)ev[i].obj;
		}
		inflight -= (unsigned)n;
		done += (uint64_t)n;
	}
	while (inflight)	/* drain, uncounted: the next round starts with nothing in flight */
		if ((n = reap(a, ev, DEPTH_MAX + 1)) < 0)
			return -1;
		else
			inflight -= (unsigned)n;
	return done / (t - t0);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Every pattern, rounds rounds each: one "bench: block linux ..." line each. 0 or -1. */
static int
measure(int fd, uint64_t disk, const char *dev, double ms, unsigned rounds)
{
	struct aio a = { .fd = fd };
	uint8_t *buf;
	double r[16];

	if (posix_memalign((void **)&buf, 4096, (size_t)(DEPTH_MAX + 1) << 20) ||
	    syscall(SYS_io_setup, DEPTH_MAX + 1, &a.ctx))
		return -1;
	a.kick_buf = buf + ((size_t)DEPTH_MAX << 20);
	memset(buf, 0xa5, (size_t)DEPTH_MAX << 20);
	for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++) {
		const struct pattern *p = &patterns[k];
		uint64_t pos = 0;

		a.kicks = 0;
		for (unsigned i = 0; i < rounds; i++)
			if ((r[i] = round_of(&a, disk, p, buf, ms, &pos)) < 0) {
				printf("raw_block: %s on /dev/%s: %s\n", p->name, dev, strerror(errno));
				return -1;
			}
		qsort(r, rounds, sizeof r[0], cmp_double);
		if (p->random)
			printf("bench: block linux %s %.0f IOPS (median of %u rounds of %.1f s, best %.0f; /dev/%s, "
			    "O_DIRECT, Linux AIO; %u kicks)\n", p->name, r[rounds / 2], rounds, ms / 1e3, r[rounds - 1], dev, a.kicks);
		else
			printf("bench: block linux %s %.1f MB/s (median of %u rounds of %.1f s, best %.1f; /dev/%s, "
			    "O_DIRECT, Linux AIO; %u kicks)\n", p->name, r[rounds / 2] * p->size / 1e6, rounds, ms / 1e3,
			    r[rounds - 1] * p->size / 1e6, dev, a.kicks);
	}
	syscall(SYS_io_destroy, a.ctx);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *pci = argc > 1 ? argv[1] : "00:04.0", *drv = argc > 2 ? argv[2] : "nvme";
	double ms = argc > 3 ? strtod(argv[3], NULL) : 1000;
	unsigned rounds = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 0) : 3;
	char dev[64], path[128], unbind[96], name[32];
	uint64_t disk = 0;
	int fd, rc;

	if (!rounds || rounds > 16)
		rounds = 3;
	if (disk_of(pci, dev, sizeof dev)) {
		printf("raw_block: %s has no block device (is %s loaded?)\n", pci, drv);
		return 1;
	}
	snprintf(path, sizeof path, "/dev/%s", dev);
	if ((fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC)) < 0 || ioctl(fd, BLKGETSIZE64, &disk) ||
	    disk < (2u << 20)) {
		printf("raw_block: %s: %s\n", path, strerror(errno));
		return 1;
	}
	rc = measure(fd, disk, dev, ms, rounds);
	close(fd);
	snprintf(unbind, sizeof unbind, "/sys/bus/pci/drivers/%s/unbind", drv);
	snprintf(name, sizeof name, "0000:%s", pci);
	if (put(unbind, name)) {
		printf("raw_block: cannot unbind %s from %s\n", drv, pci);
		return 1;
	}
	return rc ? 1 : 0;
}
