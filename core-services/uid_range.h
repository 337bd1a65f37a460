/*
 * The uids core gives its children (privdrop.h) come in ranges, one per
 * running core, claimed by an exclusive flock on PRIVDROP_LOCK_DIR/
 * uids-R.lock that lasts as long as core (the kernel drops it however
 * core dies). A lock that is free says nothing about the processes: a
 * SIGKILLed core's children die with it (parent-death signal), but what
 * they forked does not. So a range is used only once no process with one
 * of its uids lives: whoever takes a free lock kills what the range still
 * has (linux/uid_reap.c) before using it, and gives the range up if
 * anything survives. linux/uid_range.c.
 */
#ifndef CORE_UID_RANGE_H
#define CORE_UID_RANGE_H

#include <sys/types.h>

#define PRIVDROP_RANGE	64u	/* uids per core, >= CHILDREN_MAX */
#define PRIVDROP_RANGES	1024u	/* ranges on one host */

/*
 * A core starting: kill what dead cores left in every free range (as
 * uid_range_sweep_free), then claim the first free range whose processes
 * could all be killed, its first uid in *base. The lock stays held (its fd open,
 * close-on-exec) for the rest of core's life. 0 or -errno.
 */
int	uid_range_claim(uid_t *base);

/*
 * core as PID 1: range 0 is its own, claimed without a look; it also
 * takes range 0's lock (if it can), so that another core started on the
 * same machine (not PID 1) neither uses range 0 nor takes its children
 * for a dead core's.
 */
void	uid_range_hold0(void);

/*
 * core --restore: kill every process whose uid is in a range nobody holds
 * (what dead cores left behind); ranges of live cores are not touched.
 * *killed: how many processes were found (before the kill). 0, or
 * -errno if some survived or /proc cannot be read.
 */
int	uid_range_sweep_free(unsigned *killed);

/*
 * linux/uid_reap.c: SIGKILL every process with a uid in
 * [first, first + count) (count <= PRIVDROP_RANGE), as many rounds as it
 * takes up to a bound. *found: processes seen in the first look. 0 once
 * none lives, -EAGAIN if some survive, other -errno.
 */
int	uid_reap_range(uid_t first, unsigned count, unsigned *found);

/*
 * linux/uid_reap.c: which of the ranges r in [0, ranges) starting at
 * first have a live process (live[r] = 1), in one look at /proc. How many
 * such processes, or -errno.
 */
int	uid_ranges_live(uid_t first, unsigned ranges, unsigned char *live);

#endif
