/*
 * Who still holds a freed DMA buffer (dma_backend.h, dma_holders_scan):
 * core cannot take a buffer's memfd back from a component (the seals keep
 * its size, so nobody frees memory a device may still write), so after
 * FREE it keeps the buffer charged until no process other than core has
 * the memfd open (/proc/PID/fd: the links that name a memfd, stat'ed for
 * device and inode) or mapped (/proc/PID/maps: device and inode of each
 * file mapping). Every
 * process is looked at, not only core's children: a child's fork, or a
 * process it passed the fd to, holds it just the same. As root core
 * reads every process; unprivileged (host tests) it reads those of its
 * own uid, which is every child's then. What /proc cannot show: an fd in
 * flight, queued in a socket (SCM_RIGHTS) that nobody received yet.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../dma_backend.h"

/* Mark ids[i] held if (dev, ino) is one of them; returns how many were newly marked. */
static unsigned
mark(const struct dma_file_id *ids, unsigned n, int *held, dev_t dev, ino_t ino)
{
	unsigned marked = 0;

	for (unsigned i = 0; i < n; i++)
		if (!held[i] && ids[i].dev == dev && ids[i].ino == ino) {
			held[i] = 1;
			marked++;
		}
	return marked;
}

/* The open fds of process pid (its directory fd in /proc: pd). */
static unsigned
scan_fds(int pd, const struct dma_file_id *ids, unsigned n, int *held)
{
	int fd = openat(pd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned marked = 0;
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;	/* gone meanwhile, or not ours to read */
	}
	while ((e = readdir(d))) {
		char link[16];
		ssize_t len;

		if (e->d_name[0] == '.')
			continue;
		/*
		 * Only memfds are stat'ed (their inode is in memory): a stat of
		 * another file could wait on its filesystem (a dead NFS server).
		 */
		len = readlinkat(fd, e->d_name, link, sizeof link);
		if (len < 7 || memcmp(link, "/memfd:", 7))
			continue;
		if (!fstatat(fd, e->d_name, &st, 0))
			marked += mark(ids, n, held, st.st_dev, st.st_ino);
	}
	closedir(d);
	return marked;
}

/* The file mappings of process pid: "start-end perms offset MAJ:MIN inode path". */
static unsigned
scan_maps(int pd, const struct dma_file_id *ids, unsigned n, int *held)
{
	int fd = openat(pd, "maps", O_RDONLY | O_CLOEXEC);
	unsigned marked = 0, maj, min;
	unsigned long long ino;
	char line[512];
	FILE *f;

	if (fd < 0 || !(f = fdopen(fd, "r"))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min, &ino) == 3 && ino)
			marked += mark(ids, n, held, makedev(maj, min), (ino_t)ino);
		if (!strchr(line, '\n'))	/* a long path: skip the rest of the line */
			for (int c; (c = fgetc(f)) != EOF && c != '\n';)
				;
	}
	fclose(f);
	return marked;
}

int
dma_holders_scan(const struct dma_file_id *ids, unsigned n, int *held)
{
	pid_t self = getpid();
	unsigned left = n;
	struct dirent *e;
	DIR *proc;

	memset(held, 0, n * sizeof *held);
	if (!n)
		return 0;
	if (!(proc = opendir("/proc")))
		return -errno;
	while (left && (e = readdir(proc))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		int pd;

		if (*end || pid <= 0 || pid == self)
			continue;
		if ((pd = openat(dirfd(proc), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			continue;
		left -= scan_fds(pd, ids, n, held);
		if (left)
			left -= scan_maps(pd, ids, n, held);
		close(pd);
	}
	closedir(proc);
	return 0;
}
