/*
 * Children run unprivileged (docs/architecture.md, "Processes and
 * privilege"): each gets a uid and gid of its own, allocated by core, no
 * supplementary groups, no capabilities (bounding set included) and
 * PR_SET_NO_NEW_PRIVS. So the kernel, not a source-code grep, keeps a
 * component from iopl/ioperm, /dev/mem, sysfs PCI files, mount, and from
 * signalling, ptracing or reading core or its siblings. What a component
 * may touch reaches it only as fds over its sessions, and as the ioperm
 * bitmap core sets before the drop (the bitmap survives setuid and execve).
 */
#ifndef CORE_PRIVDROP_H
#define CORE_PRIVDROP_H

#include <sys/types.h>

/*
 * First uid/gid core gives a child; child slot i gets base + 64 * r + i,
 * where r is the range this core claimed (0 as PID 1; on a host the first
 * free lock file uids-R.lock in PRIVDROP_LOCK_DIR).
 */
#define PRIVDROP_ID_BASE	0x6d6b0000u	/* "mk": far from distributions' ranges */
#define PRIVDROP_LOCK_DIR	"/run/mkx"

/*
 * Processes (and threads) a child's uid may have (RLIMIT_NPROC, set with
 * the uid): without a bound one component could take every pid of the
 * host, and core's kill by uid (uid_reap.c) forks a helper to send it.
 */
#define PRIVDROP_NPROC		256

/*
 * Open files a child's process may have (RLIMIT_NOFILE, soft and hard,
 * every child, privileged core or not): Linux's usual soft limit, and
 * what a child of core as PID 1 had anyway. A bound on what core's look
 * at /proc for holders of freed DMA buffers reads per process (that look
 * goes in steps bounded in time all the same, holders.h: 256 processes
 * of 1024 fds are still many).
 */
#define PRIVDROP_NOFILE		1024

/*
 * Decide once whether children can be dropped to their own uid (core has
 * CAP_SETUID/CAP_SETGID/CAP_SETPCAP, i.e. runs as root): logs the choice.
 * Returns 1 if children get their own uid, 0 if they keep core's (an
 * unprivileged core: its children cannot be more privileged than it is),
 * -1 if no uid range could be claimed (children must then not start).
 */
int	privdrop_init(void);

/*
 * In the forked child, after every privileged set-up step (ioperm, cgroup)
 * and before exec: give up everything. slot selects the uid. 0, or -errno
 * (the child must then not exec: a half-dropped child is worse than none).
 */
int	privdrop_apply(unsigned slot);

/* The uid a child in slot has (core's own uid when children are not dropped). */
uid_t	privdrop_uid(unsigned slot);

/*
 * After a child in slot ended: SIGKILL every process that still has its
 * uid (what it forked, in any session or process group). Returns how many
 * rounds found one (0: none was left), or -errno. No-op when children
 * share core's uid. linux/uid_reap.c.
 */
int	privdrop_kill_uid(unsigned slot);

#endif
