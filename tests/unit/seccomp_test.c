/*
 * The components' seccomp filter (core-services/linux/seccomp.c, issue 22
 * finding 5), one test per refused call. Each test (its own forked
 * process, harness.c) makes the call twice with arguments the kernel
 * rejects without doing anything (a bad pointer, flag or fd): first
 * without the filter, where the kernel's answer must not be EPERM (else
 * this test could not tell the filter from the kernel: it says so and
 * skips), then with the filter, where it must be EPERM (ENOSYS for
 * clone3): the call no longer reaches the kernel. Run as root, as
 * make test is, every call reaches the kernel's argument checks.
 * Also: fork and threads still work (libc's clone3 falls back to clone),
 * and a call through the x32 ABI ends the process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../core-services/seccomp.h"
#include "harness.h"

#define BAD	((long)1)	/* a pointer the kernel cannot read */

/* errno of one raw call (0 if it succeeded). */
static int
call(long nr, long a, long b, long c, long d, long e)
{
	long rc = syscall(nr, a, b, c, d, e, 0L);

	return rc < 0 ? errno : 0;
}

static void
check_refused(const char *what, long nr, long a, long b, long c, long d, long e, int want)
{
	char why[160];
	int before = call(nr, a, b, c, d, e), after;

	if (before == 0)
		harness_fail(__FILE__, __LINE__, "%s: the probe call succeeded without the filter: bad probe", what);
	if (before == want) {
		snprintf(why, sizeof why, "%s: the kernel itself answers %s here (not root?): cannot tell the filter from it",
		    what, strerror(before));
		harness_skip(why);
	}
	CHECK_INT(seccomp_apply(), 0);
	after = call(nr, a, b, c, d, e);
	if (after != want)
		harness_fail(__FILE__, __LINE__, "%s: with the filter the kernel still answered %s (%d), not %s: HOLE",
		    what, strerror(after), after, strerror(want));
}

#define REFUSED(name, nr, a, b, c, d, e) \
	TEST(seccomp_refuses_##name) { check_refused(#name, nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), EPERM); }

/* Namespaces: unshare refused whatever the flags (CLONE_VFORK: the kernel says EINVAL). */
REFUSED(unshare, SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS | CLONE_VFORK, 0, 0, 0, 0)
REFUSED(setns, SYS_setns, -1, 0, 0, 0, 0)
/* clone with each namespace flag; CLONE_THREAD without CLONE_SIGHAND: the kernel says EINVAL. */
REFUSED(clone_newuser, SYS_clone, CLONE_NEWUSER | CLONE_THREAD | SIGCHLD, 0, 0, 0, 0)
REFUSED(clone_newns, SYS_clone, CLONE_NEWNS | CLONE_THREAD | SIGCHLD, 0, 0, 0, 0)
REFUSED(clone_newpid, SYS_clone, CLONE_NEWPID | CLONE_THREAD | SIGCHLD, 0, 0, 0, 0)
REFUSED(clone_newnet, SYS_clone, CLONE_NEWNET | CLONE_THREAD | SIGCHLD, 0, 0, 0, 0)
REFUSED(clone_newuts, SYS_clone, CLONE_NEWUTS | CLONE_THREAD | SIGCHLD, 0, 0, 0, 0)
REFUSED(clone_newipc, SYS_clone, CLONE_NEWIPC | CLONE_THREAD | SIGCHLD, 0, 0, 0, 0)
REFUSED(clone_newcgroup, SYS_clone, CLONE_NEWCGROUP | CLONE_THREAD | SIGCHLD, 0, 0, 0, 0)
/* Mounts. */
REFUSED(mount, SYS_mount, 0, 0, BAD, 0, 0)
REFUSED(umount2, SYS_umount2, "/", 0x7fff0000, 0, 0, 0)
REFUSED(pivot_root, SYS_pivot_root, BAD, BAD, 0, 0, 0)
REFUSED(chroot, SYS_chroot, BAD, 0, 0, 0, 0)
REFUSED(fsopen, SYS_fsopen, BAD, 0, 0, 0, 0)
REFUSED(fsconfig, SYS_fsconfig, -1, 0, 0, 0, 0)
REFUSED(fsmount, SYS_fsmount, -1, 0, 0, 0, 0)
REFUSED(fspick, SYS_fspick, -1, BAD, 0, 0, 0)
REFUSED(move_mount, SYS_move_mount, -1, BAD, -1, BAD, 0x7fff0000)
REFUSED(open_tree, SYS_open_tree, -1, BAD, 0x7fff0000, 0, 0)
REFUSED(mount_setattr, SYS_mount_setattr, -1, BAD, 0x7fff0000, 0, 0)
/* Into the kernel. */
REFUSED(bpf, SYS_bpf, 0x7fff, 0, 0, 0, 0)
REFUSED(userfaultfd, SYS_userfaultfd, 1 | 0x4000, 0, 0, 0, 0)	/* UFFD_USER_MODE_ONLY and a bad flag */
REFUSED(perf_event_open, SYS_perf_event_open, 0, 0, -1, -1, ~0L)
REFUSED(keyctl, SYS_keyctl, 0x7fff, 0, 0, 0, 0)
REFUSED(add_key, SYS_add_key, BAD, BAD, 0, 0, 0)
REFUSED(request_key, SYS_request_key, BAD, BAD, 0, 0, 0)
REFUSED(kexec_load, SYS_kexec_load, 0, 0, 0, ~0L, 0)
REFUSED(kexec_file_load, SYS_kexec_file_load, -1, -1, 0, 0, ~0L)
REFUSED(init_module, SYS_init_module, 0, 0, BAD, 0, 0)
REFUSED(finit_module, SYS_finit_module, -1, BAD, 0, 0, 0)
REFUSED(delete_module, SYS_delete_module, BAD, 0, 0, 0, 0)
REFUSED(open_by_handle_at, SYS_open_by_handle_at, -1, BAD, 0, 0, 0)
/* Into other processes. */
#if !defined(__SANITIZE_ADDRESS__)
REFUSED(ptrace, SYS_ptrace, 3 /* PTRACE_PEEKUSR: pid 1 is not traced by us, ESRCH */, 1, 0, 0, 0)
#endif
REFUSED(process_vm_readv, SYS_process_vm_readv, 0, 0, 2000, 0, 0)	/* more than UIO_MAXIOV: EINVAL */
REFUSED(process_vm_writev, SYS_process_vm_writev, 0, 0, 2000, 0, 0)

/* clone3's flags are out of the filter's reach: ENOSYS, so that libc falls back to clone. */
TEST(seccomp_clone3_is_enosys)
{
	check_refused("clone3", SYS_clone3, 0, 0, 0, 0, 0, ENOSYS);
}

static void *
thread_fn(void *arg)
{
	return arg;
}

/* What components do: fork (clone without namespace flags) and threads (clone3, then clone). */
TEST(seccomp_fork_and_threads_still_work)
{
	pthread_t t;
	void *ret = NULL;
	int status;
	pid_t pid;

	CHECK_INT(seccomp_apply(), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(7);
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	CHECK_INT(pthread_create(&t, NULL, thread_fn, (void *)0x5a), 0);
	CHECK_INT(pthread_join(t, &ret), 0);
	CHECK(ret == (void *)0x5a);
}

/* The x32 ABI shares the x86-64 arch value: a call with the x32 bit ends the process. */
TEST(seccomp_x32_call_kills)
{
	int status;
	pid_t pid;

	CHECK_INT(seccomp_apply(), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		syscall(0x40000000L | SYS_getpid);
		_exit(0);
	}
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS);
}
