/*
 * Attacks on the kernel's fence around a component (issue 10, finding 1):
 * everything a component could do with Linux itself instead of asking core.
 * Each attempt is one function that returns 0 if the kernel refused it and
 * fills `how` with what happened. This file lives outside the component
 * tree (tests/attack/) because naming these interfaces is its job.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attack.h"

static pid_t sibling;	/* another child of core, found by escape_find_sibling() */

/* Refused if the call failed; ok_errno lists nothing: any failure is a refusal. */
static int
refused(int rc, char *how, size_t len)
{
	if (rc == -1) {
		snprintf(how, len, "%s", strerror(errno));
		return 0;
	}
	snprintf(how, len, "succeeded (returned %d)", rc);
	return -1;
}

static int
try_open(const char *path, int flags, char *how, size_t len)
{
	int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK);

	if (fd >= 0) {
		close(fd);
		snprintf(how, len, "%s opened", path);
		return -1;
	}
	snprintf(how, len, "%s: %s", path, strerror(errno));
	return 0;
}

static int a_iopl(char *h, size_t l) { return refused(iopl(3), h, l); }
/* 0x80 (POST diagnostics) is granted to nobody in the attack configs. */
static int a_ioperm(char *h, size_t l) { return refused(ioperm(0x80, 1, 1), h, l); }
static int a_dev_mem(char *h, size_t l) { return try_open("/dev/mem", O_RDONLY, h, l); }
static int a_dev_port(char *h, size_t l) { return try_open("/dev/port", O_RDWR, h, l); }

/* The first path matching pattern, opened with flags. No match: nothing to attack here. */
static int
try_glob(const char *pattern, int flags, char *how, size_t len)
{
	glob_t g;
	int rc;

	if (glob(pattern, 0, NULL, &g) || !g.gl_pathc) {
		snprintf(how, len, "no %s on this machine: nothing to open", pattern);
		return 0;
	}
	rc = try_open(g.gl_pathv[0], flags, how, len);
	globfree(&g);
	return rc;
}

static int a_sysfs_resource(char *h, size_t l)
{ return try_glob("/sys/bus/pci/devices/*/resource0", O_RDWR, h, l); }
static int a_sysfs_config(char *h, size_t l)
{ return try_glob("/sys/bus/pci/devices/*/config", O_RDWR, h, l); }
static int a_acpi_tables(char *h, size_t l)
{ return try_glob("/sys/firmware/acpi/tables/DSDT", O_RDONLY, h, l); }
/*
 * Attacks must do no harm when they succeed (under a core that failed to
 * drop privileges they do succeed): mount on a directory of our own and
 * take it away again, signal 0 (the kernel's permission check, nothing
 * delivered), detach at once from a ptrace that worked.
 */
static int
a_mount(char *how, size_t len)
{
	char dir[] = "/tmp/mkx-hostile-XXXXXX";
	int rc;

	if (!mkdtemp(dir))
		strcpy(dir, "/");	/* no writable /tmp: over / (refused, or undone below) */
	rc = mount("none", dir, "tmpfs", 0, NULL);
	if (rc == 0)
		umount2(dir, MNT_DETACH);
	if (strcmp(dir, "/"))
		rmdir(dir);
	return refused(rc, how, len);
}
static int a_setuid(char *h, size_t l) { return refused(setuid(0), h, l); }

/*
 * A user namespace gives "root" inside it, but no device access outside:
 * in a new one, iopl and /dev/mem must still fail (core also forbids new
 * user namespaces as PID 1). Runs in a forked child so we stay as we are.
 */
static int
a_userns(char *how, size_t len)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		if (unshare(CLONE_NEWUSER))
			_exit(10);
		if (iopl(3) == 0)
			_exit(1);
		if (open("/dev/mem", O_RDONLY) >= 0)
			_exit(2);
		_exit(11);
	}
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st)) {
		snprintf(how, len, "test child failed");
		return -1;
	}
	switch (WEXITSTATUS(st)) {
	case 10: snprintf(how, len, "unshare(CLONE_NEWUSER) refused"); return 0;
	case 11: snprintf(how, len, "namespace created, but iopl and /dev/mem refused in it"); return 0;
	case 1: snprintf(how, len, "iopl succeeded inside a user namespace"); return -1;
	default: snprintf(how, len, "/dev/mem opened inside a user namespace"); return -1;
	}
}

static int
try_ptrace(pid_t p, char *how, size_t len)
{
	int rc = (int)ptrace(PTRACE_ATTACH, p, 0, 0);

	if (rc == 0)
		ptrace(PTRACE_DETACH, p, 0, 0);
	return refused(rc, how, len);
}

static int a_kill_core(char *h, size_t l) { return refused(kill(getppid(), 0), h, l); }
static int a_ptrace_core(char *h, size_t l) { return try_ptrace(getppid(), h, l); }

static int
a_read_core(char *how, size_t len)
{
	char path[64], buf[16];
	struct iovec local = { buf, sizeof buf }, remote = { (void *)0x400000, sizeof buf };

	if (process_vm_readv(getppid(), &local, 1, &remote, 1, 0) >= 0) {
		snprintf(how, len, "process_vm_readv of core succeeded");
		return -1;
	}
	snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
	return try_open(path, O_RDONLY, how, len);
}

static int
need_sibling(char *how, size_t len)
{
	if (sibling > 0)
		return 1;
	snprintf(how, len, "no sibling found to attack");
	return 0;
}

static int
a_kill_sibling(char *h, size_t l)
{
	return need_sibling(h, l) ? refused(kill(sibling, 0), h, l) : -1;
}

static int
a_ptrace_sibling(char *h, size_t l)
{
	return need_sibling(h, l) ? try_ptrace(sibling, h, l) : -1;
}

static int
a_read_sibling(char *how, size_t len)
{
	char path[64];

	if (!need_sibling(how, len))
		return -1;
	snprintf(path, sizeof path, "/proc/%d/environ", (int)sibling);
	return try_open(path, O_RDONLY, how, len);
}

/* Another process whose parent is core: a sibling component. */
void
escape_find_sibling(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[300], line[256];
		pid_t p = (pid_t)atoi(e->d_name);
		FILE *f;

		if (p <= 0 || p == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%d/status", (int)p);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof line, f))
			if (!strncmp(line, "PPid:", 5) && (pid_t)atoi(line + 5) == getppid())
				sibling = p;
		fclose(f);
		if (sibling)
			break;
	}
	if (d)
		closedir(d);
}

const struct attack escape_kernel[] = {
	{ "iopl", a_iopl },
	{ "ioperm_ungranted_port", a_ioperm },
	{ "open_dev_mem", a_dev_mem },
	{ "open_dev_port", a_dev_port },
	{ "open_sysfs_bar_resource_rw", a_sysfs_resource },
	{ "open_sysfs_config_rw", a_sysfs_config },
	{ "read_sysfs_acpi_tables", a_acpi_tables },
	{ "mount", a_mount },
	{ "setuid_root", a_setuid },
	{ "user_namespace_then_iopl", a_userns },
	{ "kill_core", a_kill_core },
	{ "ptrace_core", a_ptrace_core },
	{ "read_core_memory", a_read_core },
	{ "kill_sibling", a_kill_sibling },
	{ "ptrace_sibling", a_ptrace_sibling },
	{ "read_sibling_environ", a_read_sibling },
	{ NULL, NULL }
};
