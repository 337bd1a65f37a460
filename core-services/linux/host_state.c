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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../host_mode.h"

#define MAGIC "mkx-host-state 1"

int
host_state_write(const char *path, const struct host_dev *devs, unsigned n, long hugepages)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, err = 0;

	if (snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return -errno;
	if (!(f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		return err;
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
	if (!err && link(tmp, path))
		err = -errno;
	unlink(tmp);
	return err;
}

int
host_state_read(const char *path, struct host_dev *devs, unsigned max, long *hugepages, char *why,
    size_t whylen)
{
	char line[512];
	unsigned n = 0, no = 1;
	FILE *f = fopen(path, "r");

	*hugepages = -1;
	if (!f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (!fgets(line, sizeof line, f) || strncmp(line, MAGIC "\n", sizeof MAGIC)) {
		fclose(f);
		snprintf(why, whylen, "%s: not a core --host state file (first line is not \"" MAGIC "\")", path);
		return -EINVAL;
	}
	while (fgets(line, sizeof line, f)) {
		struct host_dev *d = &devs[n];
		unsigned seg, bus, dev, fn;

		no++;
		if (!strncmp(line, "nr_hugepages ", 13)) {
			if (sscanf(line, "nr_hugepages %ld", hugepages) != 1 || *hugepages < 0) {
				fclose(f);
				snprintf(why, whylen, "%s:%u: malformed nr_hugepages", path, no);
				return -EINVAL;
			}
			continue;
		}
		if (n == max) {
			fclose(f);
			snprintf(why, whylen, "%s:%u: more than %u devices", path, no, max);
			return -E2BIG;
		}
		memset(d, 0, sizeof *d);
		if (sscanf(line, "%15s driver=%63s override=%63s", d->name, d->driver, d->override) != 3 ||
		    strlen(d->name) != 12 || sscanf(d->name, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4 ||
		    strchr(d->driver, '/') || strchr(d->override, '/')) {
			fclose(f);
			snprintf(why, whylen, "%s:%u: malformed line", path, no);
			return -EINVAL;
		}
		d->bdf = bus << 8 | dev << 3 | fn;
		if (!strcmp(d->driver, "-"))
			d->driver[0] = 0;
		if (!strcmp(d->override, "-"))
			d->override[0] = 0;
		d->taken = 1;
		n++;
	}
	fclose(f);
	return (int)n;
}
