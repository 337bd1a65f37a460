/*
 * Benchmark references need root (they use Linux's device interfaces
 * themselves), and components run unprivileged. So a bench image boots
 * this first (kernel argument rdinit=/bin/bench_preinit): as PID 1 it
 * mounts /proc, /sys and /dev, loads the image's modules, runs each
 * reference that mkx.bench= names, in order, as plain root processes
 * (their output goes to the console), and then executes core (/init),
 * which finds the mounts and modules in place. Same boot, same devices.
 *   mkx.bench=raw_vfio+00:03.0+500+intx,raw_vfio+00:03.0+500+msi
 * (a reference and its arguments, '+'-separated; references ','-separated).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void
load_modules(void)
{
	FILE *f = fopen("/modules.list", "r");
	char line[512];

	while (f && fgets(line, sizeof line, f)) {
		int fd;

		line[strcspn(line, "\n")] = 0;
		if (!line[0] || (fd = open(line, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
			printf("bench_preinit: module %s: %s\n", line, strerror(errno));
		close(fd);
	}
	if (f)
		fclose(f);
}

static void
run(char *spec)
{
	char *argv[8], path[128], *save = NULL;
	int argc = 0, status;
	pid_t pid;

	for (char *a = strtok_r(spec, "+", &save); a && argc < 7; a = strtok_r(NULL, "+", &save))
		argv[argc++] = a;
	argv[argc] = NULL;
	if (!argc || strchr(argv[0], '/'))
		return;
	snprintf(path, sizeof path, "/bin/%s", argv[0]);
	if ((pid = fork()) == 0) {
		execv(path, argv);
		printf("bench_preinit: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && !(WIFEXITED(status) && !WEXITSTATUS(status)))
		printf("bench_preinit: %s failed (status 0x%x)\n", argv[0], status);
}

int
main(void)
{
	char cmdline[4096] = "", *p, *save = NULL;
	char *init_argv[] = { "/init", NULL };
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	load_modules();
	if ((f = fopen("/proc/cmdline", "r"))) {
		if (!fgets(cmdline, sizeof cmdline, f))
			cmdline[0] = 0;
		fclose(f);
	}
	if ((p = strstr(cmdline, "mkx.bench="))) {
		p += strlen("mkx.bench=");
		p[strcspn(p, " \n")] = 0;
		for (char *spec = strtok_r(p, ",", &save); spec; spec = strtok_r(NULL, ",", &save))
			run(spec);
	}
	printf("bench_preinit: references done, starting core\n");
	execv("/init", init_argv);
	printf("bench_preinit: cannot execute /init: %s\n", strerror(errno));
	return 1;
}
