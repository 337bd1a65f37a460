/*
 * Who holds a file core handed out (holders.h): the one /proc scanner,
 * for freed DMA buffers (every process) and for a PCI function's BAR
 * files and UIO device (core's children). A file is matched by device and
 * inode only: an fd by a stat of its /proc/PID/fd link, a mapping by the
 * device and inode columns of /proc/PID/maps. The paths there are only
 * repeated to people ("fd 5 on PATH"); nothing is decided by a name but
 * which links are worth a stat (see in_memory). As root core reads every
 * process; unprivileged (host tests) those of its own uid, which is every
 * child's then. What /proc cannot show: an fd in flight, queued in a
 * socket (SCM_RIGHTS) that nobody received yet.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../holders.h"

struct scan {
	const struct holder_id	*ids;
	unsigned		nids, left;	/* left: ids not yet marked in held */
	int			*held;
	int			found;		/* a looked-at process holds one */
	char			*what;		/* NULL: not wanted (or found already) */
	size_t			len;
};

/* 1 if (dev, ino) is one of the ids (each such is marked held). */
static int
match(struct scan *s, dev_t dev, ino_t ino)
{
	int hit = 0;

	for (unsigned i = 0; i < s->nids; i++)
		if (s->ids[i].dev == dev && s->ids[i].ino == ino) {
			hit = s->found = 1;
			if (s->held && !s->held[i]) {
				s->held[i] = 1;
				s->left--;
			}
		}
	return hit;
}

/* What the first holder holds, for people, once. */
static void __attribute__((format(printf, 2, 3)))
describe(struct scan *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->what)
		return;
	va_start(ap, fmt);
	vsnprintf(s->what, s->len, fmt, ap);
	va_end(ap);
	s->what = NULL;
}

static int
done(const struct scan *s)
{
	return s->held ? !s->left : s->found;
}

/*
 * Links worth a stat: files in memory (memfds, devtmpfs, sysfs), where a
 * stat cannot wait on a filesystem server as one of a FUSE or NFS file
 * could. A link that names something else may hide nothing core hands
 * out: what core opens (BAR files, /dev/uioN, memfds) reads so.
 */
static int
in_memory(const char *link)
{
	return !strncmp(link, "/memfd:", 7) || !strncmp(link, "/dev/", 5) || !strncmp(link, "/sys/", 5);
}

/* The open fds of a process (its /proc directory: pd). 1 if one is one of the ids. */
static int
scan_fds(int pd, struct scan *s)
{
	int fd = openat(pd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC), hit = 0;
	struct dirent *e;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;	/* gone meanwhile, or not ours to read */
	}
	while (!done(s) && (e = readdir(d))) {
		char link[256];
		struct statx sx;
		ssize_t len;

		if (e->d_name[0] == '.')
			continue;
		/* readlink first: it never touches the file's filesystem; the stat only after in_memory said so. */
		len = readlinkat(fd, e->d_name, link, sizeof link - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		if (!in_memory(link) || statx(fd, e->d_name, AT_STATX_DONT_SYNC, STATX_INO, &sx))
			continue;
		if (!match(s, makedev(sx.stx_dev_major, sx.stx_dev_minor), (ino_t)sx.stx_ino))
			continue;
		hit = 1;
		describe(s, "fd %s on %s", e->d_name, link);
		if (!s->held)
			break;
	}
	closedir(d);
	return hit;
}

/* The file mappings of a process: "start-end perms offset MAJ:MIN inode   path". */
static int
scan_maps(int pd, struct scan *s)
{
	int fd = openat(pd, "maps", O_RDONLY | O_CLOEXEC), hit = 0;
	unsigned maj, min;
	unsigned long long ino;
	char line[512];
	FILE *f;

	if (fd < 0 || !(f = fdopen(fd, "r"))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!done(s) && fgets(line, sizeof line, f)) {
		char *nl = strchr(line, '\n'), *path = line;

		if (!nl)	/* a long path: skip the rest of the line */
			for (int c; (c = fgetc(f)) != EOF && c != '\n';)
				;
		else
			*nl = 0;
		if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min, &ino) != 3 || !ino ||
		    !match(s, makedev(maj, min), (ino_t)ino))
			continue;
		hit = 1;
		for (int field = 0; field < 5 && path; field++)
			path = strchr(path, ' ') ? strchr(path, ' ') + 1 : NULL;
		describe(s, "a mapping of %s", path ? path + strspn(path, " ") : "?");
		if (!s->held)
			break;
	}
	fclose(f);
	return hit;
}

/* One process, by its /proc directory: 1 if it holds one of the ids. */
static int
scan_process(int proc_fd, const char *pid, struct scan *s)
{
	int pd = openat(proc_fd, pid, O_RDONLY | O_DIRECTORY | O_CLOEXEC), hit;

	if (pd < 0)
		return 0;
	/* Mappings first: a mapping outlives the fd, and says more to the one told about it. */
	hit = scan_maps(pd, s);
	if (!done(s))
		hit |= scan_fds(pd, s);
	close(pd);
	return hit;
}

int
holders_scan(const char *proc, const pid_t *pids, unsigned npids, const struct holder_id *ids,
    unsigned nids, int *held, unsigned *first, char *what, size_t len)
{
	struct scan s = { .ids = ids, .nids = nids, .left = nids, .held = held,
	    .what = first && what && len ? what : NULL, .len = len };
	char name[24];
	int proc_fd;

	if (held)
		memset(held, 0, nids * sizeof *held);
	if (!nids)
		return 0;
	if ((proc_fd = open(proc ? proc : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	if (pids) {
		for (unsigned i = 0; i < npids && !done(&s); i++) {
			int was = s.found;

			if (pids[i] <= 0)
				continue;
			snprintf(name, sizeof name, "%d", (int)pids[i]);
			if (scan_process(proc_fd, name, &s) && !was && first)
				*first = i;
		}
	} else {
		pid_t self = getpid();
		int dfd = fcntl(proc_fd, F_DUPFD_CLOEXEC, 0), err;
		struct dirent *e;
		DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;

		if (!d) {
			err = -errno;
			if (dfd >= 0)
				close(dfd);
			close(proc_fd);
			return err;
		}
		while (!done(&s) && (e = readdir(d))) {
			char *end;
			long pid = strtol(e->d_name, &end, 10);

			if (!*end && pid > 0 && pid != self)
				scan_process(proc_fd, e->d_name, &s);
		}
		closedir(d);
	}
	close(proc_fd);
	return s.found;
}

#define SYSFS_PCI "/sys/bus/pci/devices"

/* The files core hands out for a function: each resource file (BARs, _wc too), and its UIO device, by stat. */
int
holders_pci_targets(unsigned bdf, struct holder_id *ids, unsigned max)
{
	char dir[64], path[64 + 256 + 2];
	struct dirent *e;
	struct stat st;
	unsigned n = 0;
	DIR *d;

	snprintf(dir, sizeof dir, SYSFS_PCI "/0000:%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	if (!(d = opendir(dir)))
		return -errno;
	while (n < max && (e = readdir(d))) {
		if (strncmp(e->d_name, "resource", 8) || !e->d_name[8])
			continue;	/* "resource" itself is the text table, never handed out */
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!stat(path, &st))
			ids[n++] = (struct holder_id){ st.st_dev, st.st_ino };
	}
	closedir(d);
	snprintf(path, sizeof path, "%s/uio", dir);
	if ((d = opendir(path))) {
		while (n < max && (e = readdir(d))) {
			if (strncmp(e->d_name, "uio", 3))
				continue;
			snprintf(path, sizeof path, "/dev/%.32s", e->d_name);
			if (!stat(path, &st))
				ids[n++] = (struct holder_id){ st.st_dev, st.st_ino };
		}
		closedir(d);
	}
	return (int)n;
}
