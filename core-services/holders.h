/*
 * Who still holds a file core handed out (linux/proc_holders.c): Linux
 * cannot take a passed fd or a mapping back from another process, so core
 * looks in /proc before it reuses what the file stands for:
 *
 * - a freed DMA buffer's memfd (service_dma.c), only where the kernel
 *   refuses core leases (else linux/dma_lease.c answers, and sees files
 *   in flight too): its pages stay charged until no process other than
 *   core has it open or mapped; every process is looked at (a child's
 *   fork, or a process it passed the fd to, holds it just the same);
 * - what core hands out for a PCI function, its sysfs BAR files and its
 *   UIO device (IO_MEM op HOLDERS, service_io_mem.c): the platform driver
 *   asks before it hands a released function to another client; core's
 *   running children but the asker are looked at.
 *
 * One mechanism for both: a file is named by (st_dev, st_ino), which core
 * takes from the file itself (fstat of what it hands out, stat of the
 * sysfs and /dev nodes), never by a name a process could choose. A
 * process holds it if one of its /proc/PID/fd links stats to it or one of
 * its /proc/PID/maps lines has its device and inode (columns 4 and 5).
 */
#ifndef CORE_HOLDERS_H
#define CORE_HOLDERS_H

#include <stddef.h>
#include <sys/types.h>

#define HOLDER_TARGETS_MAX	16

struct holder_id {
	dev_t	dev;
	ino_t	ino;
};

/*
 * A scan costs what the processes hold: a few microseconds per fd and per
 * mapping, and a component may hold hundreds of thousands (a child may
 * fork, each with its RLIMIT_NOFILE). core has one thread, so no scan
 * may run unbounded in it: holders_scan gives up after HOLDERS_SCAN_MS
 * (-EBUSY: the caller cannot tell, and must not take it as "nobody"), and
 * the DMA use scans in passes of steps (holders_pass_*), each step bounded
 * by the time its caller gives, resumed where it stopped.
 */
#define HOLDERS_SCAN_MS		50

/*
 * Look at the processes pids[0..npids) (those <= 0 skipped; pids NULL:
 * every process but core) for the files ids[0..nids):
 *  - held (NULL: not wanted): held[i] = 1 if one of them holds ids[i];
 *    the scan ends once every id is held;
 *  - first (NULL: not wanted): the index into pids of the first process
 *    that holds any, and what it holds ("fd 5 on PATH", "a mapping of
 *    PATH": PATH only as the kernel shows it, for people); the scan ends
 *    there when held is NULL.
 * 1 if a process holds one, 0 if none does, -EBUSY if the scan could not
 * finish in HOLDERS_SCAN_MS, other -errno if /proc cannot be read. A
 * process that went away meanwhile, or that core may not read, holds
 * nothing. proc: NULL for the kernel's (tests name another).
 *
 * An fd is stat'ed only if its link names a file in memory (a memfd,
 * /dev, /sys): a stat of another file could wait on its filesystem (a
 * FUSE or NFS server); and then without syncing (AT_STATX_DONT_SYNC).
 */
int	holders_scan(const char *proc, const pid_t *pids, unsigned npids, const struct holder_id *ids,
	    unsigned nids, int *held, unsigned *first, char *what, size_t len);
/*
 * A pass over every process but core for ids[0..nids) (copied), in
 * steps: holders_pass_step looks on from where the last step stopped
 * until budget_ms passed (0: no bound), and returns 1 once the pass is
 * complete (every process looked at, or every id found held), else 0.
 * Then holders_pass_held(p)[i] is 1 if a process held ids[i] when the
 * pass looked at it. A holder that moves what it holds behind the pass
 * (its fd to a process looked at already, or dup2'ed to a lower fd; its
 * mapping mremap'ed to a lower address) and drops the copy ahead is not
 * seen: as with an fd in flight (docs/dma.md), and as with one scan in
 * one go, if in a narrower window. NULL (errno) if /proc cannot be
 * opened or no memory.
 */
struct holders_pass;
struct holders_pass *holders_pass_begin(const char *proc, const struct holder_id *ids, unsigned nids);
int	holders_pass_step(struct holders_pass *p, unsigned budget_ms);
const int *holders_pass_held(const struct holders_pass *p);
void	holders_pass_end(struct holders_pass *p);

/*
 * Processes are found by uid too, not only by pid: what a child forked
 * (in its own session, reparented to init) has the child's uid, which no
 * other process has (privdrop.h), and holds what it inherited just the
 * same. who: the processes whose pid is one of pids[0..npids) or whose
 * real uid is one of uids[0..nuids); NULL: every process but core.
 */
struct holders_who {
	const pid_t	*pids;
	unsigned	npids;
	const uid_t	*uids;
	unsigned	nuids;
};
/*
 * The first process of who that holds one of ids[0..nids): 1 with its
 * pid, real uid ((uid_t)-1 if unreadable) and what it holds (as
 * holders_scan), 0 if none does, -EBUSY if budget_ms (0: no bound) ran
 * out first, other -errno.
 */
int	holders_find(const char *proc, const struct holders_who *who, const struct holder_id *ids, unsigned nids,
	    unsigned budget_ms, pid_t *pid, uid_t *uid, char *what, size_t len);

/*
 * linux/proc_holders.c: the files of a function (segment 0): its sysfs BAR
 * files, its UIO device, its VFIO group node. Count or -errno. _at: below
 * root (a simulated tree, host mode's --root; "" the real one).
 */
int	holders_pci_targets(unsigned bdf, struct holder_id *ids, unsigned max);
int	holders_pci_targets_at(const char *root, unsigned bdf, struct holder_id *ids, unsigned max);

#endif
