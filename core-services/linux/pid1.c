/*
 * core as PID 1 (see pid1.h). The Debian kernel has DEVTMPFS but not
 * DEVTMPFS_MOUNT, so /dev is ours to mount. Modules are loaded with
 * finit_module(2) in the order /modules.list gives (the image builder
 * resolved dependencies with modinfo).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core.h"
#include "../pid1.h"
#include "write_file.h"

static int
mount_one(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY) {
		core_log("mount %s on %s: %s", type, dst, strerror(errno));
		return -errno;
	}
	return 0;
}

static void
load_modules(void)
{
	FILE *f = fopen("/modules.list", "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		int fd;

		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
			if (errno != EEXIST)
				core_log("module %s: %s", line, strerror(errno));
		} else
			core_log("module %s loaded", strrchr(line, '/') ? strrchr(line, '/') + 1 : line);
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
}

int
pid1_setup(void)
{
	int err = 0;

	err |= mount_one("proc", "/proc", "proc");
	err |= mount_one("sysfs", "/sys", "sysfs");
	err |= mount_one("devtmpfs", "/dev", "devtmpfs");
	mkdir("/tmp", 01777);
	load_modules();
	/*
	 * As the machine's init we may close what an unprivileged process could
	 * otherwise open: new user namespaces (each a "root" of its own, and
	 * kernel attack surface no component needs). On a host that is the
	 * host's setting, not ours to change.
	 */
	if (write_file("/proc/sys/user/max_user_namespaces", "0"))
		core_log("cannot forbid new user namespaces: %s", strerror(errno));
	return err ? -EIO : 0;
}

double
pid1_uptime(void)
{
	FILE *f = fopen("/proc/uptime", "r");
	double up = -1;

	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = -1;
		fclose(f);
	}
	return up;
}

void
pid1_poweroff(int status, const char *why)
{
	if (why)
		printf("MKX-FATAL: %s\n", why);
	printf("MKX-POWEROFF status=%d uptime=%.2fs\n", status, pid1_uptime());
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	/* Only reached if reboot failed; PID 1 must not exit (kernel panic). */
	for (;;)
		pause();
}
