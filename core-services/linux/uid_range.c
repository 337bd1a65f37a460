/*
 * Claiming a uid range (../uid_range.h): the lock file, and the sweep of
 * what a dead core left in the range before anyone uses it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core.h"
#include "../privdrop.h"
#include "../uid_range.h"

static int
lock_open(unsigned r)
{
	char path[64];

	snprintf(path, sizeof path, PRIVDROP_LOCK_DIR "/uids-%u.lock", r);
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

static void
lock_dir(void)
{
	mkdir("/run", 0755);	/* a minimal root (an initramfs with a shell as init) may lack it */
	mkdir(PRIVDROP_LOCK_DIR, 0700);
}

int
uid_range_claim(uid_t *base)
{
	unsigned killed;
	int err;

	/*
	 * Every free range first, not only the one this core will take: the
	 * lowest free range need not be the dead core's, and what it left
	 * must not live on until some core happens to claim that range.
	 */
	if ((err = uid_range_sweep_free(&killed)))
		core_log("uid ranges: processes dead cores left could not all be killed (%s)", strerror(-err));
	lock_dir();
	for (unsigned r = 0; r < PRIVDROP_RANGES; r++) {
		uid_t first = PRIVDROP_ID_BASE + r * PRIVDROP_RANGE;
		unsigned found = 0;
		int fd = lock_open(r), err;

		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			close(fd);	/* a live core's */
			continue;
		}
		/* Free, but a dead core's leftovers may still run with these uids. */
		if ((err = uid_reap_range(first, PRIVDROP_RANGE, &found))) {
			core_log("uid range %u (uids %u-%u): %u processes of a dead core could not all be killed (%s): "
			    "not using it", r, (unsigned)first, (unsigned)(first + PRIVDROP_RANGE - 1), found, strerror(-err));
			close(fd);
			continue;
		}
		if (found)
			core_log("uid range %u (uids %u-%u): killed %u processes a dead core left behind", r,
			    (unsigned)first, (unsigned)(first + PRIVDROP_RANGE - 1), found);
		*base = first;
		return 0;	/* fd stays open: the claim lasts as long as core */
	}
	return -EBUSY;
}

void
uid_range_hold0(void)
{
	int fd;

	lock_dir();
	/* Best effort: a PID-1 core's range is 0 whatever; the lock only keeps other cores off it. */
	if ((fd = lock_open(0)) >= 0 && flock(fd, LOCK_EX | LOCK_NB))
		close(fd);
}

int
uid_range_sweep_free(unsigned *killed)
{
	static unsigned char live[PRIVDROP_RANGES];
	int ret = 0, n;

	*killed = 0;
	if ((n = uid_ranges_live(PRIVDROP_ID_BASE, PRIVDROP_RANGES, live)) <= 0)
		return n;
	lock_dir();
	for (unsigned r = 0; r < PRIVDROP_RANGES; r++) {
		uid_t first = PRIVDROP_ID_BASE + r * PRIVDROP_RANGE;
		unsigned found = 0;
		int fd, err;

		if (!live[r])
			continue;
		if ((fd = lock_open(r)) < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			close(fd);	/* a live core's range: its children are its own business */
			continue;
		}
		/* Held while killing: no core starts using the range meanwhile. */
		if ((err = uid_reap_range(first, PRIVDROP_RANGE, &found)))
			ret = err;
		if (found)
			core_log("uid range %u (uids %u-%u): %s %u processes a dead core left behind", r, (unsigned)first,
			    (unsigned)(first + PRIVDROP_RANGE - 1), err ? "could not kill all of" : "killed", found);
		*killed += found;
		close(fd);
	}
	return ret;
}
