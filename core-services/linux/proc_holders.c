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
#include <time.h>
#include <unistd.h>

#include "../holders.h"

/*
 * A scan in steps (holders.h): where it stands is kept here between
 * steps, the /proc directory, the process, and its maps file or fd
 * directory open, each read on from where it stopped (the kernel keeps
 * the position of each: /proc by pid, fd/ by fd number, maps by address).
 */
struct holders_pass {
	const struct holder_id	*ids;		/* the pass's own copy */
	unsigned		nids, left;	/* left: ids not yet marked in held */
	int			*held;
	int			want_held;	/* else the pass ends at the first holder */
	int			found;		/* a looked-at process holds one */
	int			finished;
	/* which processes: the pid list (pids != NULL) or every one in /proc but core */
	pid_t			*pids;
	unsigned		npids, next;	/* next: the next pid to look at */
	unsigned		cur;		/* index of the process looked at */
	int			first_set;
	unsigned		first;
	char			what[256];
	pid_t			self;
	int			proc_fd;
	DIR			*procdir;
	/* the process looked at now: its /proc directory, and where in it */
	int			pd;
	int			phase;		/* 0 nothing open yet, 1 maps, 2 fd/ */
	FILE			*maps;		/* first: a mapping outlives the fd */
	DIR			*fds;
	int			fds_fd;
	/* the step's end */
	struct timespec		deadline;
	unsigned		budget_ms;	/* 0: none */
};

static int
done(const struct holders_pass *p)
{
	return p->want_held ? !p->left : p->found;
}

/* The step's time is up (looked at once per fd or maps line: each costs microseconds). */
static int
over(const struct holders_pass *p)
{
	struct timespec now;

	if (!p->budget_ms)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > p->deadline.tv_sec ||
	    (now.tv_sec == p->deadline.tv_sec && now.tv_nsec >= p->deadline.tv_nsec);
}

/* 1 if (dev, ino) is one of the ids (each such is marked held; the process is noted as the first holder). */
static int
match(struct holders_pass *p, dev_t dev, ino_t ino)
{
	int hit = 0;

	for (unsigned i = 0; i < p->nids; i++)
		if (p->ids[i].dev == dev && p->ids[i].ino == ino) {
			hit = p->found = 1;
			if (!p->held[i]) {
				p->held[i] = 1;
				p->left--;
			}
		}
	if (hit && !p->first_set) {
		p->first_set = 1;
		p->first = p->cur;
	}
	return hit;
}

/* What the first holder holds, for people, once. */
static void __attribute__((format(printf, 2, 3)))
describe(struct holders_pass *p, const char *fmt, ...)
{
	va_list ap;

	if (p->what[0] || p->first != p->cur)
		return;
	va_start(ap, fmt);
	vsnprintf(p->what, sizeof p->what, fmt, ap);
	va_end(ap);
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

/* The process looked at is done with (or went away). */
static void
process_end(struct holders_pass *p)
{
	if (p->maps)
		fclose(p->maps);
	if (p->fds)
		closedir(p->fds);
	if (p->pd >= 0)
		close(p->pd);
	p->maps = NULL;
	p->fds = NULL;
	p->pd = -1;
	p->phase = 0;
}

/* Its mappings, on from where the last step stopped: "start-end perms offset MAJ:MIN inode   path". 1: at the end. */
static int
step_maps(struct holders_pass *p)
{
	unsigned maj, min;
	unsigned long long ino;
	char line[512];

	while (!done(p) && !over(p)) {
		char *nl, *path = line;

		if (!fgets(line, sizeof line, p->maps))
			return 1;
		if (!(nl = strchr(line, '\n')))	/* a long path: skip the rest of the line */
			for (int c; (c = fgetc(p->maps)) != EOF && c != '\n';)
				;
		else
			*nl = 0;
		if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min, &ino) != 3 || !ino ||
		    !match(p, makedev(maj, min), (ino_t)ino))
			continue;
		for (int field = 0; field < 5 && path; field++)
			path = strchr(path, ' ') ? strchr(path, ' ') + 1 : NULL;
		describe(p, "a mapping of %s", path ? path + strspn(path, " ") : "?");
	}
	return done(p);
}

/* Its open fds, on from where the last step stopped. 1: at the end. */
static int
step_fds(struct holders_pass *p)
{
	struct dirent *e;

	while (!done(p) && !over(p)) {
		char link[256];
		struct statx sx;
		ssize_t len;

		if (!(e = readdir(p->fds)))
			return 1;
		if (e->d_name[0] == '.')
			continue;
		/* readlink first: it never touches the file's filesystem; the stat only after in_memory said so. */
		len = readlinkat(p->fds_fd, e->d_name, link, sizeof link - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		if (!in_memory(link) || statx(p->fds_fd, e->d_name, AT_STATX_DONT_SYNC, STATX_INO, &sx))
			continue;
		if (match(p, makedev(sx.stx_dev_major, sx.stx_dev_minor), (ino_t)sx.stx_ino))
			describe(p, "fd %s on %s", e->d_name, link);
	}
	return done(p);
}

/* The next process to look at: 1 and its /proc directory open in pd, or 0 when there is none. */
static int
process_next(struct holders_pass *p)
{
	char name[24];
	struct dirent *e;

	for (;;) {
		if (p->pids) {
			if (p->next >= p->npids)
				return 0;
			p->cur = p->next++;
			if (p->pids[p->cur] <= 0)
				continue;
			snprintf(name, sizeof name, "%d", (int)p->pids[p->cur]);
		} else {
			char *end;
			long pid;

			if (!(e = readdir(p->procdir)))
				return 0;
			pid = strtol(e->d_name, &end, 10);
			if (*end || pid <= 0 || pid == p->self)
				continue;
			snprintf(name, sizeof name, "%ld", pid);
		}
		if ((p->pd = openat(p->proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
			return 1;	/* else gone meanwhile, or not ours to read */
	}
}

/* maps, then fd/, of the process in pd: 1 when it is looked at (or cannot be). */
static int
step_process(struct holders_pass *p)
{
	if (p->phase == 0) {
		int fd = openat(p->pd, "maps", O_RDONLY | O_CLOEXEC);

		if (fd >= 0 && !(p->maps = fdopen(fd, "r")))
			close(fd);
		p->phase = 1;
	}
	if (p->phase == 1) {
		if (p->maps && !step_maps(p))
			return 0;
		if (done(p))
			return 1;
		p->phase = 2;
		if ((p->fds_fd = openat(p->pd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return 1;	/* gone meanwhile, or not ours to read */
		if (!(p->fds = fdopendir(p->fds_fd))) {
			close(p->fds_fd);
			return 1;
		}
	}
	return step_fds(p);
}

static struct holders_pass *
pass_new(const char *proc, const pid_t *pids, unsigned npids, const struct holder_id *ids, unsigned nids)
{
	struct holders_pass *p = calloc(1, sizeof *p);
	int dfd;

	if (!p)
		return NULL;
	p->pd = p->proc_fd = -1;
	p->self = getpid();
	p->nids = p->left = nids;
	p->held = calloc(nids ? nids : 1, sizeof *p->held);
	p->ids = malloc((nids ? nids : 1) * sizeof *ids);
	if (pids)
		p->pids = malloc((npids ? npids : 1) * sizeof *pids);
	if (!p->held || !p->ids || (pids && !p->pids)) {
		errno = ENOMEM;
		goto fail;
	}
	memcpy((void *)p->ids, ids, nids * sizeof *ids);
	if (pids)
		memcpy(p->pids, pids, npids * sizeof *pids);
	p->npids = npids;
	if (!nids) {
		p->finished = 1;
		return p;
	}
	if ((p->proc_fd = open(proc ? proc : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto fail;
	if (!pids) {
		if ((dfd = fcntl(p->proc_fd, F_DUPFD_CLOEXEC, 0)) < 0)
			goto fail;
		if (!(p->procdir = fdopendir(dfd))) {
			close(dfd);
			goto fail;
		}
	}
	return p;
fail:
	dfd = errno;
	holders_pass_end(p);
	errno = dfd;
	return NULL;
}

struct holders_pass *
holders_pass_begin(const char *proc, const struct holder_id *ids, unsigned nids)
{
	struct holders_pass *p = pass_new(proc, NULL, 0, ids, nids);

	if (p)
		p->want_held = 1;
	return p;
}

int
holders_pass_step(struct holders_pass *p, unsigned budget_ms)
{
	clock_gettime(CLOCK_MONOTONIC, &p->deadline);
	p->deadline.tv_sec += budget_ms / 1000;
	p->deadline.tv_nsec += (long)(budget_ms % 1000) * 1000000;
	if (p->deadline.tv_nsec >= 1000000000) {
		p->deadline.tv_sec++;
		p->deadline.tv_nsec -= 1000000000;
	}
	p->budget_ms = budget_ms;
	while (!p->finished) {
		if (done(p)) {
			p->finished = 1;
			break;
		}
		if (p->pd < 0 && !process_next(p)) {
			p->finished = 1;
			break;
		}
		if (!step_process(p))
			return 0;	/* the time is up: on from here next step */
		process_end(p);
		if (over(p) && !done(p))
			return 0;
	}
	process_end(p);
	return 1;
}

const int *
holders_pass_held(const struct holders_pass *p)
{
	return p->held;
}

void
holders_pass_end(struct holders_pass *p)
{
	if (!p)
		return;
	process_end(p);
	if (p->procdir)
		closedir(p->procdir);
	if (p->proc_fd >= 0)
		close(p->proc_fd);
	free(p->held);
	free((void *)p->ids);
	free(p->pids);
	free(p);
}

int
holders_scan(const char *proc, const pid_t *pids, unsigned npids, const struct holder_id *ids,
    unsigned nids, int *held, unsigned *first, char *what, size_t len)
{
	struct holders_pass *p = pass_new(proc, pids, npids, ids, nids);
	int ret;

	if (held)
		memset(held, 0, nids * sizeof *held);
	if (!p)
		return -errno;
	p->want_held = !!held;
	if (!holders_pass_step(p, HOLDERS_SCAN_MS)) {
		holders_pass_end(p);
		return -EBUSY;	/* could not finish in time: the caller cannot tell, and must not assume none */
	}
	if (held)
		memcpy(held, p->held, nids * sizeof *held);
	if (p->found && first) {
		*first = p->first;
		if (what && len)
			snprintf(what, len, "%s", p->what);
	}
	ret = p->found;
	holders_pass_end(p);
	return ret;
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
