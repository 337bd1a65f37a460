/*
 * Enforcing a child's RAM quantum (<resource name="RAM" quantum=...>):
 * each child runs in its own cgroup v2 with memory.max = quantum and no
 * swap, so a component that allocates more is stopped by the kernel (OOM
 * kill) instead of taking memory from the others. Needs a writable cgroup2
 * hierarchy with the memory controller: core mounts it as PID 1; on a host
 * core uses it if it may (root). Without it, quanta are only accounted
 * against session quotas, and core says so once.
 */
#ifndef CORE_CGROUP_H
#define CORE_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

/* Set up the mkx cgroup. Returns 0 if enforcement is active, else -errno (why logged). */
int	cgroup_init(void);

/* Before fork: create the child's cgroup with its limit. 0, or -errno; no-op if inactive. */
int	cgroup_prepare(const char *child, unsigned long bytes);

/* In the forked child, before exec: move itself in. 0 or -errno; no-op if inactive. */
int	cgroup_enter(const char *child);

/* After the child is reaped: 1 if the kernel killed it for its limit; removes the cgroup. */
int	cgroup_release(const char *child);

/* At core's end: remove core's own cgroup directory. */
void	cgroup_cleanup(void);

#endif
