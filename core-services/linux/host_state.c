/*
 * Host mode's state file: what each taken function had before core
 * touched it, so that `core --restore` can give it back after core died
 * without cleaning up (SIGKILL). Written whole to a temporary file,
 * fsync'd and linked to its name (never over an existing one), before the
 * first sysfs write.
 *
 *   mkx-host-state 1
 *   nr_hugepages 0
 *   0000:00:02.0 driver=e1000e override=-
 *
 * Root acts on what the file says, so nobody else may have written it:
 * it lives only in a directory of core's own user (root) that nobody else
 * may write to, below directories nobody else may change (a world-writable
 * one only with the sticky bit, as /tmp); it is a regular file of core's
 * user, mode 0600. Every directory is opened without following a link,
 * the file too, and without blocking (a FIFO in its place would hang an
 * open for reading); what was opened is then checked (fstat), never a
 * name. The temporary file is created exclusively (O_EXCL, O_NOFOLLOW): a
 * link planted at its name is refused, never written through.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../host_mode.h"

#define MAGIC "mkx-host-state 1"
#define STATE_MAX	(64 << 10)	/* HOST_DEVS_MAX lines of < 160 bytes, and room */

/*
 * The directory of path, opened and checked component by component: fd,
 * with the file's own name in base; -errno with why filled.
 */
static int
state_dir(const char *path, char *base, size_t blen, char *why, size_t whylen)
{
	char walked[PATH_MAX] = "", comp[NAME_MAX + 1];
	const char *p = path, *last = strrchr(path, '/');
	struct stat st;
	int fd, next;

	if (path[0] != '/' || !last || !last[1] || strlen(last + 1) >= blen || strlen(last + 1) > NAME_MAX - 16) {
		snprintf(why, whylen, "%s: the state file must be named by an absolute path", path);
		return -EINVAL;
	}
	snprintf(base, blen, "%s", last + 1);
	if (!strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(why, whylen, "%s: not a file name", path);
		return -EINVAL;
	}
	if ((fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto fail_errno;
	for (;;) {
		int final = p == last;

		if (fstat(fd, &st))
			goto fail_errno_fd;
		/* Every directory: core's user or root; a final one nobody else writes, the others sticky if so. */
		if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
		    ((st.st_mode & (S_IWGRP | S_IWOTH)) && (final || !(st.st_mode & S_ISVTX)))) {
			snprintf(why, whylen, "%s: directory %s is %s: another user could replace the state file", path,
			    walked[0] ? walked : "/", st.st_uid != 0 && st.st_uid != geteuid() ? "owned by another user"
			    : "writable by group or others");
			close(fd);
			return -EPERM;
		}
		if (final)
			return fd;
		p += strspn(p, "/");
		if (p > last) {	/* "//name" style: the last slash reached */
			p = last;
			continue;
		}
		size_t n = strcspn(p, "/");

		if (n > NAME_MAX) {
			close(fd);
			snprintf(why, whylen, "%s: a name too long", path);
			return -ENAMETOOLONG;
		}
		memcpy(comp, p, n);
		comp[n] = 0;
		if (!strcmp(comp, "..")) {
			close(fd);
			snprintf(why, whylen, "%s: \"..\" in the state file's path", path);
			return -EINVAL;
		}
		snprintf(walked + strlen(walked), sizeof walked - strlen(walked), "/%s", comp);
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			snprintf(why, whylen, "%s: %s: %s", path, walked, errno == ELOOP || errno == ENOTDIR ?
			    "not a directory (a symbolic link is not followed)" : strerror(errno));
			next = -errno;
			close(fd);
			return next;
		}
		close(fd);
		fd = next;
		p += n;
		if (p >= last)
			p = last;
	}
fail_errno_fd:
	next = -errno;
	close(fd);
	snprintf(why, whylen, "%s: %s", path, strerror(-next));
	return next;
fail_errno:
	snprintf(why, whylen, "%s: %s", path, strerror(errno));
	return -errno;
}

int
host_state_check_dir(const char *path, char *why, size_t whylen)
{
	char base[NAME_MAX + 1];
	int fd = state_dir(path, base, sizeof base, why, whylen);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int
host_state_exists(const char *path)
{
	char base[NAME_MAX + 1], why[PATH_MAX + 128];
	struct stat st;
	int fd = state_dir(path, base, sizeof base, why, sizeof why), ret;

	if (fd < 0)
		return fd;
	ret = fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) ? (errno == ENOENT ? 0 : -errno) : 1;
	close(fd);
	return ret;
}

int
host_state_remove(const char *path)
{
	char base[NAME_MAX + 1], why[PATH_MAX + 128];
	int fd = state_dir(path, base, sizeof base, why, sizeof why), err = 0;

	if (fd < 0)
		return fd;
	if (unlinkat(fd, base, 0) && errno != ENOENT)
		err = -errno;
	close(fd);
	return err;
}

int
host_state_write(const char *path, const struct host_dev *devs, unsigned n, long hugepages, char *why, size_t whylen)
{
	char base[NAME_MAX + 1], tmp[NAME_MAX + 32];
	int dfd, fd, err = 0;
	FILE *f;

	if ((dfd = state_dir(path, base, sizeof base, why, whylen)) < 0)
		return dfd;
	snprintf(tmp, sizeof tmp, "%s.%d.tmp", base, (int)getpid());	/* base is at most NAME_MAX - 16 */
	/* Exclusive, never through a link: whatever is at that name already is refused. */
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		err = -errno;
		snprintf(why, whylen, "%s: creating the temporary file %s: %s%s", path, tmp, strerror(-err),
		    err == -EEXIST ? " (something was put there: not written through)" : "");
		close(dfd);
		return err;
	}
	if (fchmod(fd, 0600) || !(f = fdopen(fd, "w"))) {	/* 0600 whatever the umask */
		err = -errno;
		close(fd);
		goto out;
	}
	fprintf(f, MAGIC "\n");
	if (hugepages >= 0)
		fprintf(f, "nr_hugepages %ld\n", hugepages);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s driver=%s override=%s\n", devs[i].name, devs[i].driver[0] ? devs[i].driver : "-",
		    devs[i].override[0] ? devs[i].override : "-");
	if (fflush(f) || fsync(fd))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	/*
	 * link(), not rename(): it fails if the file exists, so of two cores
	 * started at once only one goes on (the other's state is not lost).
	 */
	if (!err && linkat(dfd, tmp, dfd, base, 0))
		err = -errno;
	if (!err)
		fsync(dfd);
out:
	if (err)
		snprintf(why, whylen, "%s: %s", path, strerror(-err));
	unlinkat(dfd, tmp, 0);
	close(dfd);
	return err;
}

/* A driver's name as sysfs has it: letters, digits, '_', '-', '.', not "." or ".."; never a path. */
static int
driver_name_ok(const char *s)
{
	if (!s[0] || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == strlen(s);
}

/* "0000:BB:DD.F" exactly, lower-case hex, as sysfs names a function of segment 0. */
static int
function_name_ok(const char *s, unsigned *bdf)
{
	unsigned seg, bus, dev, fn;
	char again[16];

	if (strlen(s) != 12 || sscanf(s, "%4x:%2x:%2x.%1x", &seg, &bus, &dev, &fn) != 4 || seg || dev > 31 || fn > 7)
		return 0;
	snprintf(again, sizeof again, "%04x:%02x:%02x.%x", seg, bus, dev, fn);
	if (strcmp(again, s))
		return 0;
	*bdf = bus << 8 | dev << 3 | fn;
	return 1;
}

/*
 * The state file, opened without following a link or hanging on a FIFO, and
 * only if it is what core writes: a regular file of core's user, mode 0600,
 * not too large. The descriptor, or -errno with why filled in.
 */
static int
state_open(const char *path, char *why, size_t whylen)
{
	char base[NAME_MAX + 1];
	struct stat st;
	int dfd, fd;

	if ((dfd = state_dir(path, base, sizeof base, why, whylen)) < 0)
		return dfd;
	/* O_NONBLOCK: a FIFO (or a device) in its place must not hang us; fstat refuses it next. */
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(dfd);
	if (fd < 0) {
		int err = -errno;

		snprintf(why, whylen, "%s: %s", path, err == -ELOOP ? "a symbolic link (not followed)" : strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		close(fd);
		return -EIO;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 07777) != 0600 || st.st_size > STATE_MAX) {
		snprintf(why, whylen, "%s: refused: %s; nothing was changed", path,
		    !S_ISREG(st.st_mode) ? "not a regular file" :
		    st.st_uid != geteuid() ? "owned by another user, not by core's" :
		    (st.st_mode & 07777) != 0600 ? "its mode is not 0600" : "larger than any state file core writes");
		if (st.st_uid != geteuid() && S_ISREG(st.st_mode))
			snprintf(why + strlen(why), whylen - strlen(why), " (owner uid %u)", (unsigned)st.st_uid);
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* Line no of the state file, a device line, into devs[n]: 0, or -EINVAL with why filled in. */
static int
state_device(const char *path, unsigned no, char *line, struct host_dev *devs, unsigned n, char *why,
    size_t whylen)
{
	struct host_dev *d = &devs[n];
	char name[32], drv[80], ovr[80], extra;

	memset(d, 0, sizeof *d);
	if (sscanf(line, "%31s driver=%79s override=%79s %c", name, drv, ovr, &extra) != 3 ||
	    !function_name_ok(name, &d->bdf) || strlen(drv) >= sizeof d->driver || strlen(ovr) >= sizeof d->override ||
	    !driver_name_ok(drv) || !driver_name_ok(ovr)) {
		snprintf(why, whylen, "%s:%u: malformed line", path, no);
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(devs[i].name, name)) {
			snprintf(why, whylen, "%s:%u: %s named twice", path, no, name);
			return -EINVAL;
		}
	snprintf(d->name, sizeof d->name, "%s", name);
	snprintf(d->driver, sizeof d->driver, "%s", strcmp(drv, "-") ? drv : "");
	snprintf(d->override, sizeof d->override, "%s", strcmp(ovr, "-") ? ovr : "");
	d->taken = 1;
	return 0;
}

int
host_state_read(const char *path, struct host_dev *devs, unsigned max, long *hugepages, char *why,
    size_t whylen)
{
	static char text[STATE_MAX + 1];
	char *line, *save;
	unsigned n = 0, no = 0;
	ssize_t len, got = 0;
	int fd, err;

	*hugepages = -1;
	if ((fd = state_open(path, why, whylen)) < 0)
		return fd;
	while (got < STATE_MAX && (len = read(fd, text + got, STATE_MAX - got)) > 0)
		got += len;
	close(fd);
	text[got] = 0;
	if (strlen(text) != (size_t)got) {
		snprintf(why, whylen, "%s: refused: a NUL byte in it", path);
		return -EINVAL;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char extra;
		long hp;

		if (!no++) {
			if (strcmp(line, MAGIC)) {
				snprintf(why, whylen, "%s: not a core --host state file (first line is not \"" MAGIC "\")", path);
				return -EINVAL;
			}
			continue;
		}
		if (!strncmp(line, "nr_hugepages ", 13)) {
			if (*hugepages >= 0 || sscanf(line, "nr_hugepages %ld %c", &hp, &extra) != 1 || hp < 0 ||
			    hp > HOST_HUGEPAGES_MAX) {
				snprintf(why, whylen, "%s:%u: malformed nr_hugepages (a number 0-%ld, once)", path, no,
				    (long)HOST_HUGEPAGES_MAX);
				return -EINVAL;
			}
			*hugepages = hp;
			continue;
		}
		if (n == max) {
			snprintf(why, whylen, "%s:%u: more than %u devices", path, no, max);
			return -E2BIG;
		}
		if ((err = state_device(path, no, line, devs, n, why, whylen)))
			return err;
		n++;
	}
	if (!no) {
		snprintf(why, whylen, "%s: empty: not a core --host state file", path);
		return -EINVAL;
	}
	return (int)n;
}
