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
#include <limits.h>
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
	/*
	 * which processes: the pid list (pids != NULL, uids NULL), or every one
	 * in /proc but core, filtered when uids != NULL to those whose pid is
	 * in pids or whose real uid is in uids
	 */
	pid_t			*pids;
	unsigned		npids, next;	/* next: the next pid to look at */
	uid_t			*uids;
	unsigned		nuids;
	unsigned		cur;		/* index of the process looked at */
	pid_t			cur_pid;
	int			first_set;
	unsigned		first;
	pid_t			first_pid;
	uid_t			first_uid;
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

/* The real uid of the process whose /proc directory is pd; (uid_t)-1 if it cannot be read. */
static uid_t
proc_uid(int pd)
{
	char line[128];
	unsigned long ruid = ~0ul;
	int fd = openat(pd, "status", O_RDONLY | O_CLOEXEC);
	FILE *f;

	if (fd < 0 || !(f = fdopen(fd, "r"))) {
		if (fd >= 0)
			close(fd);
		return (uid_t)-1;
	}
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "Uid:", 4)) {
			sscanf(line + 4, "%lu", &ruid);
			break;
		}
	fclose(f);
	return (uid_t)ruid;
}

/* Is the process in pd (pid) one the pass looks at? With a uid filter: its pid listed, or its real uid. */
static int
wanted(const struct holders_pass *p, pid_t pid)
{
	uid_t uid;

	if (!p->uids)
		return 1;
	for (unsigned i = 0; i < p->npids; i++)
		if (p->pids[i] == pid)
			return 1;
	uid = proc_uid(p->pd);
	for (unsigned i = 0; i < p->nuids; i++)
		if (p->uids[i] == uid)
			return 1;
	return 0;
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
		p->first_pid = p->cur_pid;
		p->first_uid = proc_uid(p->pd);
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

/*
 * The next process to look at: 1 and its /proc directory open in pd, 0
 * when there is none, -1 when the step's time ran out on the way (the
 * /proc directory's position is kept: the next step goes on from there).
 */
static int
process_next(struct holders_pass *p)
{
	char name[24];
	struct dirent *e;

	for (;;) {
		if (p->pids && !p->uids) {
			if (p->next >= p->npids)
				return 0;
			p->cur = p->next++;
			if (p->pids[p->cur] <= 0)
				continue;
			snprintf(name, sizeof name, "%d", (int)p->pids[p->cur]);
			p->cur_pid = p->pids[p->cur];
		} else {
			char *end;
			long pid;

			if (!(e = readdir(p->procdir)))
				return 0;
			pid = strtol(e->d_name, &end, 10);
			if (*end || pid <= 0 || pid == p->self)
				continue;
			snprintf(name, sizeof name, "%ld", pid);
			p->cur_pid = (pid_t)pid;
		}
		if ((p->pd = openat(p->proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			continue;	/* gone meanwhile, or not ours to read */
		if (wanted(p, p->cur_pid))
			return 1;
		close(p->pd);
		p->pd = -1;
		/* Passing over processes by uid costs a read each: bounded as the rest, resumed next step. */
		if (over(p))
			return -1;
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
pass_new(const char *proc, const pid_t *pids, unsigned npids, const uid_t *uids, unsigned nuids,
    const struct holder_id *ids, unsigned nids)
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
	if (uids)
		p->uids = malloc((nuids ? nuids : 1) * sizeof *uids);
	if (!p->held || !p->ids || (pids && !p->pids) || (uids && !p->uids)) {
		errno = ENOMEM;
		goto fail;
	}
	memcpy((void *)p->ids, ids, nids * sizeof *ids);
	if (pids)
		memcpy(p->pids, pids, npids * sizeof *pids);
	p->npids = npids;
	if (uids)
		memcpy(p->uids, uids, nuids * sizeof *uids);
	p->nuids = nuids;
	if (!nids) {
		p->finished = 1;
		return p;
	}
	if ((p->proc_fd = open(proc ? proc : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto fail;
	if (!pids || uids) {
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
	struct holders_pass *p = pass_new(proc, NULL, 0, NULL, 0, ids, nids);

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
		if (p->pd < 0) {
			int next = process_next(p);

			if (next < 0)
				return 0;	/* the time is up: on from here next step */
			if (!next) {
				p->finished = 1;
				break;
			}
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
	free(p->uids);
	free(p);
}

int
holders_scan(const char *proc, const pid_t *pids, unsigned npids, const struct holder_id *ids,
    unsigned nids, int *held, unsigned *first, char *what, size_t len)
{
	struct holders_pass *p = pass_new(proc, pids, npids, NULL, 0, ids, nids);
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

int
holders_find(const char *proc, const struct holders_who *who, const struct holder_id *ids, unsigned nids,
    unsigned budget_ms, pid_t *pid, uid_t *uid, char *what, size_t len)
{
	static const uid_t none;
	struct holders_pass *p;
	int ret;

	/* who with neither list: nobody to look at (not everybody) */
	if (who)
		p = pass_new(proc, who->pids ? who->pids : &(pid_t){ 0 }, who->pids ? who->npids : 0,
		    who->uids ? who->uids : &none, who->uids ? who->nuids : 0, ids, nids);
	else
		p = pass_new(proc, NULL, 0, NULL, 0, ids, nids);
	if (!p)
		return -errno;
	if (!holders_pass_step(p, budget_ms)) {
		holders_pass_end(p);
		return -EBUSY;	/* could not finish in time: the caller cannot tell, and must not assume none */
	}
	if ((ret = p->found)) {
		if (pid)
			*pid = p->first_pid;
		if (uid)
			*uid = p->first_uid;
		if (what && len)
			snprintf(what, len, "%s", p->what);
	}
	holders_pass_end(p);
	return ret;
}

#define SYSFS_PCI "/sys/bus/pci/devices"

/*
 * The files core hands out for a function: each resource file (BARs, _wc
 * too), its UIO device, and its VFIO group's device node, by stat.
 */
int
holders_pci_targets_at(const char *root, unsigned bdf, struct holder_id *ids, unsigned max)
{
	char dir[PATH_MAX], path[PATH_MAX + 256 + 2], link[PATH_MAX];
	ssize_t ln;
	struct dirent *e;
	struct stat st;
	unsigned n = 0;
	DIR *d;

	if (snprintf(dir, sizeof dir, "%s" SYSFS_PCI "/0000:%02x:%02x.%u", root ? root : "", bdf >> 8, (bdf >> 3) & 0x1f,
	    bdf & 7) >= (int)sizeof dir)
		return -ENAMETOOLONG;
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
			snprintf(path, sizeof path, "%s/dev/%.32s", root ? root : "", e->d_name);
			if (!stat(path, &st))
				ids[n++] = (struct holder_id){ st.st_dev, st.st_ino };
		}
		closedir(d);
	}
	/* VFIO: the group's node (/dev/vfio/N) is what a process opens to reach the device */
	snprintf(path, sizeof path, "%s/iommu_group", dir);
	if (n < max && (ln = readlink(path, link, sizeof link - 1)) > 0) {
		link[ln] = 0;
		snprintf(path, sizeof path, "%s/dev/vfio/%.32s", root ? root : "", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
		if (!stat(path, &st))
			ids[n++] = (struct holder_id){ st.st_dev, st.st_ino };
	}
	return (int)n;
}

int
holders_pci_targets(unsigned bdf, struct holder_id *ids, unsigned max)
{
	return holders_pci_targets_at("", bdf, ids, max);
}
