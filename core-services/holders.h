/*
 * Which of core's children still hold something of a PCI function: an
 * open fd or a mapping of a file core handed out for it (a BAR file, a
 * UIO device). Linux cannot take a passed fd or a mapping back from
 * another process, so the platform driver asks before it hands a released
 * function to a different client (IO_MEM op HOLDERS, docs/protocol.md).
 * linux/fn_holders.c scans /proc/<pid>/fd and /proc/<pid>/maps.
 */
#ifndef CORE_HOLDERS_H
#define CORE_HOLDERS_H

#include <stddef.h>
#include <sys/types.h>

#define HOLDER_TARGETS_MAX	8
#define HOLDER_PATH_MAX		256

struct holder_cand {
	pid_t		pid;
	const char	*name;
};

/*
 * Each target is a path: exact, or ending in '*' for every path that
 * starts with the rest ("/sys/devices/.../0000:00:03.0/resource*").
 * 1 with *which (index into c) and what ("a mapping of PATH", "fd 5 on
 * PATH") for the first candidate that holds one; 0 if none does; -errno.
 * A process that went away meanwhile holds nothing. proc: NULL for the
 * kernel's (tests name another).
 */
int	holders_scan(const char *proc, char targets[][HOLDER_PATH_MAX], unsigned ntargets,
	    const struct holder_cand *c, unsigned n, unsigned *which, char *what, size_t len);
/* linux/fn_holders.c: the targets of a function (segment 0): its sysfs BAR files, its UIO device. Count or -errno. */
int	holders_pci_targets(unsigned bdf, char targets[][HOLDER_PATH_MAX], unsigned max);

#endif
