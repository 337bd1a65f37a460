/*
 * Memory hotplug's sysfs (/sys/devices/system/memory/memoryN/state),
 * used by core in image mode for one thing: finding huge pages below
 * 4 GiB (dma_hugetlb.c, low_keep) without first filling the memory
 * above it. The kernel hands out its highest zone first; filling it
 * means allocating, and so zeroing (Debian's init_on_alloc=1), all of it:
 * 21.8 s under TCG with -m 6G. A free block taken offline costs no
 * zeroing and leaves the zone; afterwards it comes back into the zone it
 * left (Normal, or Movable with movablecore=), not wherever the kernel's
 * default would put it. A block the kernel will not let go (its own
 * allocations, memblock's early ones at the top of memory) stays online:
 * the caller still fills what is free in it. Offlining migrates pages in
 * use and can retry for as long as a page will not move, so each write
 * has a time limit.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "mem_offline.h"
#include "write_file.h"

#define MEMORY		"/sys/devices/system/memory"
#define WRITE_LIMIT_S	2	/* a free block offlines in milliseconds: this one is stuck */

static void
on_alarm(int sig)
{
	(void)sig;	/* only there to end a write that would go on retrying */
}

/* Write a block's state within WRITE_LIMIT_S (SIGALRM without SA_RESTART ends it: EINTR). */
static int
block_state(unsigned long idx, const char *state)
{
	static const struct itimerval limit = { .it_value = { WRITE_LIMIT_S, 0 } }, off;
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	sigset_t alrm, was;
	char path[96];
	int err;

	snprintf(path, sizeof path, MEMORY "/memory%lu/state", idx);
	sigemptyset(&sa.sa_mask);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &alrm, &was);
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &limit, NULL);
	err = write_file(path, state);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	sigprocmask(SIG_SETMASK, &was, NULL);
	return err;
}

static uint64_t
block_size(void)
{
	FILE *f = fopen(MEMORY "/block_size_bytes", "r");
	unsigned long long v = 0;

	if (f) {
		if (fscanf(f, "%llx", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* Whether an online block lies in ZONE_MOVABLE (its valid_zones names its zone first). */
static int
block_movable(unsigned long idx)
{
	char path[96], zone[32] = "";
	FILE *f;

	snprintf(path, sizeof path, MEMORY "/memory%lu/valid_zones", idx);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%31s", zone) != 1)
			zone[0] = 0;
		fclose(f);
	}
	return !strcmp(zone, "Movable");
}

/* Room for one more block in o (cap doubled as needed): 0 or -ENOMEM. */
static int
grow(struct mem_offline *o, unsigned *cap)
{
	unsigned long *b;
	unsigned char *m;

	if (o->n < *cap)
		return 0;
	if (!(b = realloc(o->blocks, (*cap ? 2 * *cap : 64) * sizeof *b)))
		return -ENOMEM;
	o->blocks = b;
	if (!(m = realloc(o->movable, (*cap ? 2 * *cap : 64) * sizeof *m)))
		return -ENOMEM;
	o->movable = m;
	*cap = *cap ? 2 * *cap : 64;
	return 0;
}

int
mem_offline_above(uint64_t base, struct mem_offline *o)
{
	DIR *d = opendir(MEMORY);
	struct dirent *e;
	unsigned cap = 0;

	o->blocks = NULL;
	o->movable = NULL;
	o->n = 0;
	o->block_size = 0;
	if (!d)
		return -errno;
	if (!(o->block_size = block_size())) {
		closedir(d);
		return -ENOENT;
	}
	while ((e = readdir(d))) {
		unsigned long idx;
		char extra;

		if (sscanf(e->d_name, "memory%lu%c", &idx, &extra) != 1 || idx * o->block_size < base)
			continue;
		if (grow(o, &cap))
			break;	/* what is offline already comes back; the rest stays online */
		o->movable[o->n] = block_movable(idx);
		if (!block_state(idx, "offline"))	/* refused: in use by the kernel, or offline already */
			o->blocks[o->n++] = idx;
	}
	closedir(d);
	return (int)o->n;
}

unsigned
mem_online_again(struct mem_offline *o)
{
	unsigned failed = 0;

	for (unsigned i = 0; i < o->n; i++)	/* into the zone it left, not the kernel's default: checked */
		failed += block_state(o->blocks[i], o->movable[i] ? "online_movable" : "online_kernel") != 0 ||
		    block_movable(o->blocks[i]) != o->movable[i];
	free(o->blocks);
	free(o->movable);
	o->blocks = NULL;
	o->movable = NULL;
	o->n = 0;
	return failed;
}
