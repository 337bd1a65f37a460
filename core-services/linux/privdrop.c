/*
 * Dropping a child's privileges before exec (see ../privdrop.h). Linux
 * mechanism: setgroups/setresgid/setresuid, the capability bounding set,
 * ambient capabilities, PR_SET_NO_NEW_PRIVS, RLIMIT_NPROC and RLIMIT_NOFILE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core.h"
#include "../privdrop.h"
#include "../seccomp.h"
#include "../uid_range.h"

static int dropping;	/* privdrop_init: 1 if children get their own uid */
static uid_t id_base = PRIVDROP_ID_BASE;	/* this core's range: id_base + slot */

/*
 * Two cores on one host (two compositions, tests side by side) must not
 * give their children the same uids, or a child of one could signal,
 * ptrace and read the children of the other; nor may a core reuse the
 * uids of processes a dead core left behind. uid_range.c claims a range
 * (a lock held as long as core runs) and empties it first. As PID 1 core
 * is alone: range 0, its lock held too against a second core started in
 * the same machine.
 */
static int
claim_range(void)
{
	if (getpid() == 1) {
		uid_range_hold0();
		return 0;
	}
	return uid_range_claim(&id_base);
}

static int
cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	/* Without /proc: every capability the kernel could know of (63 bits). */
	return n >= 0 && n < 64 ? n : 63;
}

/* The effective, permitted and inheritable sets, as one mask each OR'd together. */
static int
caps_held(unsigned long long *held)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	*held = 0;
	for (int i = 0; i < 2; i++)
		*held |= (unsigned long long)(d[i].effective | d[i].permitted | d[i].inheritable) << (32 * i);
	return 0;
}

int
privdrop_init(void)
{
	unsigned long long held = 0;
	const unsigned long long need = 1ull << CAP_SETUID | 1ull << CAP_SETGID | 1ull << CAP_SETPCAP;
	int err;

	dropping = !caps_held(&held) && (held & need) == need;
	if (dropping && (err = claim_range())) {
		/* Without an own range children would share uids with another core's: run none. */
		core_log("cannot claim a uid range for the children (%s): refusing to start them", strerror(-err));
		return -1;
	}
	if (dropping)
		core_log("children run unprivileged: uid/gid %u + slot each, no groups, no capabilities, no_new_privs",
		    (unsigned)id_base);
	else
		core_log("core is unprivileged (no CAP_SETUID/SETGID/SETPCAP): children keep core's uid %u, "
		    "with no_new_privs", (unsigned)getuid());
	return dropping;
}

uid_t
privdrop_uid(unsigned slot)
{
	return dropping ? id_base + slot : getuid();
}

int
privdrop_apply(unsigned slot)
{
	uid_t id = id_base + slot;
	unsigned long long held;

	if (dropping) {
		/* The bounding set first: dropping from it needs CAP_SETPCAP, gone after setuid. */
		for (int cap = 0; cap <= cap_last(); cap++)
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
				return -errno;
		/* Counted per real uid, and the uid is this child's alone: a bound on it and its forks. */
		if (setrlimit(RLIMIT_NPROC, &(struct rlimit){ PRIVDROP_NPROC, PRIVDROP_NPROC }))
			return -errno;
		if (setgroups(0, NULL) || setresgid(id, id, id) || setresuid(id, id, id))
			return -errno;
	}
	/* Lowered by anyone, raised by none but root: the child cannot take it back. */
	if (setrlimit(RLIMIT_NOFILE, &(struct rlimit){ PRIVDROP_NOFILE, PRIVDROP_NOFILE }))
		return -errno;
	/* Ambient capabilities would survive exec; with none held this is a no-op, but say it. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	/* No set-uid binary, no file capability can give anything back. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	/* Changing the uid cleared the parent-death signal: set it again. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (dropping) {
		/* Trust, but verify: setresuid from root must have cleared every set. */
		if (caps_held(&held))
			return -errno;
		if (held || getuid() != id || geteuid() != id || getgid() != id || getegid() != id)
			return -EPERM;
	}
	return seccomp_apply();	/* last: no namespaces, mounts, bpf, ptrace (../seccomp.h) */
}
