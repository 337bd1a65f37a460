/*
 * Attacks on the kernel's fence around a component (issue 10, finding 1):
 * everything a component could do with Linux itself instead of asking core.
 * Each attempt is one function that returns its verdict (attack.h) and
 * fills `how` with what happened: only the kernel's EPERM, EACCES or EROFS
 * is a refusal; a target that is not there is inconclusive. This file
 * lives outside the component tree (tests/attack/) because naming these
 * interfaces is its job.
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

static int a_iopl(char *h, size_t l) { return attack_verdict(iopl(3), h, l); }
/* 0x80 (POST diagnostics) is granted to nobody in the attack configs. */
static int a_ioperm(char *h, size_t l) { return attack_verdict(ioperm(0x80, 1, 1), h, l); }
/* Numbers as the kernel's mem driver registers them (drivers/char/mem.c). */
static int a_dev_mem(char *h, size_t l) { return attack_open_device("mem", 1, 1, O_RDONLY, h, l); }
static int a_dev_port(char *h, size_t l) { return attack_open_device("port", 1, 4, O_RDWR, h, l); }

/*
 * The first path matching pattern, opened with flags. No match: there is
 * nothing to attack here, which proves nothing (inconclusive).
 */
static int
try_glob(const char *pattern, int flags, char *how, size_t len)
{
	glob_t g;
	int rc;

	if (glob(pattern, 0, NULL, &g) || !g.gl_pathc) {
		snprintf(how, len, "no %s in our view: nothing was attempted", pattern);
		return ATTACK_INCONCLUSIVE;
	}
	rc = attack_open(g.gl_pathv[0], flags, how, len);
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
	int rc, e;

	if (!mkdtemp(dir))
		strcpy(dir, "/");	/* no writable /tmp: over / (refused, or undone below) */
	rc = mount("none", dir, "tmpfs", 0, NULL);
	e = errno;
	if (rc == 0)
		umount2(dir, MNT_DETACH);
	if (strcmp(dir, "/"))
		rmdir(dir);
	errno = e;
	return attack_verdict(rc, how, len);
}
static int a_setuid(char *h, size_t l) { return attack_verdict(setuid(0), h, l); }

/*
 * A user namespace gives "root" inside it, but no device access outside:
 * in a new one, iopl and /dev/mem must still fail (core also forbids new
 * user namespaces as PID 1). Runs in a forked child so we stay as we are;
 * it says how it went in its exit status.
 */
enum { NS_REFUSED = 10, NS_EMPTY, NS_UNSHARE_ODD, NS_IOPL_ODD, NS_MEM_ODD, NS_IOPL = 1, NS_MEM };

static int
a_userns(char *how, size_t len)
{
	char mem[300], sub[200];
	int st, v;
	pid_t p;

	snprintf(mem, sizeof mem, "%s/mem", attack_dev_dir);
	/* Out here first: /dev/mem must be there to be refused in the namespace. */
	v = attack_open_device("mem", 1, 1, O_RDONLY, sub, sizeof sub);
	if (v == ATTACK_INCONCLUSIVE) {
		snprintf(how, len, "%s", sub);
		return v;
	}
	p = fork();
	if (p == 0) {
		int fd;

		if (unshare(CLONE_NEWUSER))
			/* ENOSPC: max_user_namespaces is 0 (core as PID 1 sets it); EUSERS: nesting limit */
			_exit(errno == EPERM || errno == ENOSPC || errno == EUSERS ? NS_REFUSED : NS_UNSHARE_ODD);
		if (iopl(3) == 0)
			_exit(NS_IOPL);
		if (errno != EPERM)
			_exit(NS_IOPL_ODD);
		if ((fd = open(mem, O_RDONLY | O_CLOEXEC)) >= 0)
			_exit(NS_MEM);
		_exit(attack_refused_errno(errno) ? NS_EMPTY : NS_MEM_ODD);
	}
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st)) {
		snprintf(how, len, "the test child failed: nothing was attempted");
		return ATTACK_INCONCLUSIVE;
	}
	switch (WEXITSTATUS(st)) {
	case NS_REFUSED: snprintf(how, len, "unshare(CLONE_NEWUSER) refused"); return ATTACK_REFUSED;
	case NS_EMPTY:
		snprintf(how, len, "namespace created, but iopl and %s refused in it", mem);
		return ATTACK_REFUSED;
	case NS_IOPL: snprintf(how, len, "iopl succeeded inside a user namespace"); return ATTACK_HOLE;
	case NS_MEM: snprintf(how, len, "%s opened inside a user namespace", mem); return ATTACK_HOLE;
	default:
		snprintf(how, len, "unshare, iopl or open failed with an error that is no refusal (exit %d)",
		    WEXITSTATUS(st));
		return ATTACK_INCONCLUSIVE;
	}
}

static int
try_ptrace(pid_t p, char *how, size_t len)
{
	int rc = (int)ptrace(PTRACE_ATTACH, p, 0, 0), e = errno;

	if (rc == 0)
		ptrace(PTRACE_DETACH, p, 0, 0);
	errno = e;
	return attack_verdict(rc, how, len);
}

static int a_kill_core(char *h, size_t l) { return attack_verdict(kill(getppid(), 0), h, l); }
static int a_ptrace_core(char *h, size_t l) { return try_ptrace(getppid(), h, l); }

static int
a_read_core(char *how, size_t len)
{
	char path[64], buf[16];
	struct iovec local = { buf, sizeof buf }, remote = { (void *)0x400000, sizeof buf };

	/* The access check comes first (EPERM); EFAULT would mean it passed and only the address was wrong. */
	if (process_vm_readv(getppid(), &local, 1, &remote, 1, 0) >= 0 || errno == EFAULT) {
		snprintf(how, len, "process_vm_readv of core %s", errno == EFAULT ? "allowed (EFAULT at 0x400000)" :
		    "succeeded");
		return ATTACK_HOLE;
	}
	if (!attack_refused_errno(errno)) {
		snprintf(how, len, "process_vm_readv of core: %s: not a refusal", strerror(errno));
		return ATTACK_INCONCLUSIVE;
	}
	snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
	return attack_open(path, O_RDONLY, how, len);
}

static int
need_sibling(char *how, size_t len)
{
	if (sibling > 0)
		return 1;
	snprintf(how, len, "no sibling found to attack: nothing was attempted");
	return 0;
}

static int
a_kill_sibling(char *h, size_t l)
{
	return need_sibling(h, l) ? attack_verdict(kill(sibling, 0), h, l) : ATTACK_INCONCLUSIVE;
}

static int
a_ptrace_sibling(char *h, size_t l)
{
	return need_sibling(h, l) ? try_ptrace(sibling, h, l) : ATTACK_INCONCLUSIVE;
}

static int
a_read_sibling(char *how, size_t len)
{
	char path[64];

	if (!need_sibling(how, len))
		return ATTACK_INCONCLUSIVE;
	snprintf(path, sizeof path, "/proc/%d/environ", (int)sibling);
	return attack_open(path, O_RDONLY, how, len);
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
