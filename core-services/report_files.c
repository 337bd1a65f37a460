/*
 * Reports as files (<report_files>, see report_files.h): every document
 * the Report service accepts is also written to DIR/<reporter>.<label>.xml,
 * and core's log to DIR/<log>, so a machine without a serial port (a test
 * laptop booted from a USB stick) brings its findings back on the stick.
 * Optionally the log also goes to a terminal (the screen's /dev/tty0)
 * while stdout is the serial port.
 *
 * Storing is best effort and never stops the composition: a missing or
 * unwritable directory is said at the start and again at the end (by then
 * the first line has scrolled off the screen of a machine that has no
 * other output), each report that could not be stored is said, and
 * everything else runs as without <report_files>.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "report_files.h"
#include "linux/results_mount.h"

static char dir[sizeof ((struct core_config *)0)->report_files.dir];
static int stored = 0;			/* dir is usable */
static int log_fd = -1, screen_fd = -1;
static char failed[512];		/* why dir is not usable, for the last word */
static unsigned not_stored;		/* reports */

/* "acpi -> acpi" -> "acpi.acpi.xml": nothing a reporter chose can leave dir or be odd on FAT. */
static void
file_name(const char *label, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *p = label; *p && n + 5 < cap; p++) {
		if (!strncmp(p, " -> ", 4)) {
			out[n++] = '.';
			p += 3;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_')
			out[n++] = *p;
		else
			out[n++] = '_';
	}
	memcpy(out + n, ".xml", 5);
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void
report_files_start(const struct core_config *cfg)
{
	const struct report_files_cfg *rf = &cfg->report_files;
	char why[512], path[sizeof dir + 80];
	int rc;

	if (rf->screen[0]) {
		/* Non-blocking: a slow screen loses lines, it never stalls core. */
		screen_fd = open(rf->screen, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (screen_fd < 0)
			core_log("log: cannot copy the log to %s: %s", rf->screen, strerror(errno));
	}
	if (!rf->dir[0])
		return;
	snprintf(dir, sizeof dir, "%s", rf->dir);
	if (rf->device[0]) {
		rc = results_mount(rf->device, dir, rf->wait_s, why, sizeof why);
		if (rc) {
			snprintf(failed, sizeof failed, "%s", why);
			core_log("reports: could not store results: %s", why);
			return;
		}
		core_log("reports: %s", why);
	}
	if (rf->log[0]) {
		snprintf(path, sizeof path, "%s/%s", dir, rf->log);
		log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (log_fd < 0) {
			snprintf(failed, sizeof failed, "%.400s: %s", path, strerror(errno));
			core_log("reports: could not store results: %s", failed);
			return;
		}
	}
	stored = 1;
	core_log("reports: stored as files in %s%s%s", dir, rf->log[0] ? ", log in " : "", rf->log);
}

void
report_files_store(const char *label, const char *doc, size_t size)
{
	char name[200], path[sizeof dir + 220], tmp[sizeof path + 8];
	int fd, rc;

	if (!dir[0])
		return;
	if (!stored) {
		not_stored++;
		core_log("report \"%s\" not stored: no results directory", label);
		return;
	}
	file_name(label, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s.new", path);
	/* Written aside, then renamed: a reader never finds half a report. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	rc = fd < 0 ? -errno : write_all(fd, doc, size);
	if (fd >= 0 && !rc && fsync(fd))
		rc = -errno;
	if (fd >= 0 && close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	/* The directory entry too: a stick pulled after this line keeps the report. */
	if (!rc && log_fd >= 0)
		syncfs(log_fd);
	if (rc) {
		unlink(tmp);
		core_log("report \"%s\" not stored: %s: %s", label, path, strerror(-rc));
	} else
		core_log("report \"%s\" stored as %s (%zu bytes)", label, path, size);
}

void
report_files_log(const char *line, size_t n)
{
	if (screen_fd >= 0 && write(screen_fd, line, n) < 0 && errno != EAGAIN) {
		close(screen_fd);
		screen_fd = -1;
	}
	if (log_fd >= 0 && write_all(log_fd, line, n)) {
		close(log_fd);	/* the stick is gone: the serial port still has the log */
		log_fd = -1;
	}
}

void
report_files_end(void)
{
	if (log_fd >= 0)
		syncfs(log_fd);
	if (failed[0])
		core_log("reports: could not store results: %s (%u report(s) not stored)", failed, not_stored);
}
