/*
 * The hostile component's three verdicts (attack.h), shared by every
 * attack file: a refusal must be the kernel's (EPERM, EACCES, EROFS); an
 * attack whose target is not there (ENOENT, ENODEV, ENXIO, ...) showed
 * nothing and says "inconclusive", never "refused".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "attack.h"

const char *attack_dev_dir = "/dev";

int
attack_refused_errno(int e)
{
	return e == EPERM || e == EACCES || e == EROFS;
}

int
attack_verdict(int rc, char *how, size_t len)
{
	int e = errno;

	if (rc != -1) {
		snprintf(how, len, "succeeded (returned %d)", rc);
		return ATTACK_HOLE;
	}
	if (attack_refused_errno(e)) {
		snprintf(how, len, "%s", strerror(e));
		return ATTACK_REFUSED;
	}
	snprintf(how, len, "%s: not a refusal (the call failed before any permission check)", strerror(e));
	return ATTACK_INCONCLUSIVE;
}

int
attack_open(const char *path, int flags, char *how, size_t len)
{
	/* O_NOCTTY: a terminal we might open must not become ours as a side effect. */
	int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), e = errno;

	if (fd >= 0) {
		close(fd);
		snprintf(how, len, "%s opened", path);
		return ATTACK_HOLE;
	}
	if (attack_refused_errno(e)) {
		snprintf(how, len, "%s: %s", path, strerror(e));
		return ATTACK_REFUSED;
	}
	snprintf(how, len, "%s: %s: not a refusal (no permission check was reached)", path, strerror(e));
	return ATTACK_INCONCLUSIVE;
}

int
attack_open_device(const char *name, unsigned maj, unsigned min, int flags, char *how, size_t len)
{
	char path[PATH_MAX], what[128];
	struct stat st;
	int v;

	snprintf(path, sizeof path, "%s/%s", attack_dev_dir, name);
	if (stat(path, &st)) {
		snprintf(how, len, "%s: %s: the target is not in our view, nothing was attempted", path,
		    strerror(errno));
		return ATTACK_INCONCLUSIVE;
	}
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != maj || minor(st.st_rdev) != min) {
		snprintf(how, len, "%s is not the character device %u:%u (mode 0%o, %u:%u): not the target",
		    path, maj, min, (unsigned)st.st_mode, major(st.st_rdev), minor(st.st_rdev));
		return ATTACK_INCONCLUSIVE;
	}
	v = attack_open(path, flags, how, len);
	snprintf(what, sizeof what, " (char %u:%u, mode %03o, owner %u)", maj, min,
	    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
	if (strlen(how) + strlen(what) < len)
		strcat(how, what);
	return v;
}
