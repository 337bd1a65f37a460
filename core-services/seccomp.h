/*
 * The system calls no component may make (linux/seccomp.c), whatever
 * Linux would allow its uid: on a host (core not PID 1) an unprivileged
 * process may create a user namespace and then has every capability in
 * it (issue 22 finding 5: a child unshared user and mount namespaces and
 * mounted a tmpfs). core as PID 1 also sets user.max_user_namespaces=0;
 * a host core must not change that for the whole machine, so the refusal
 * is per component: a seccomp filter, installed in the forked child after
 * the privilege drop (privdrop.c) and kept across exec and by every fork.
 *
 * Refused with EPERM:
 *   namespaces: unshare (any flags), setns, clone with a CLONE_NEW* flag;
 *   mounts:     mount, umount2, pivot_root, chroot, and the mount API
 *               fsopen, fsconfig, fsmount, fspick, move_mount, open_tree,
 *               mount_setattr;
 *   kernel:     bpf, userfaultfd, perf_event_open, keyctl, add_key,
 *               request_key, kexec_load, kexec_file_load, init_module,
 *               finit_module, delete_module, open_by_handle_at;
 *   processes:  ptrace, process_vm_readv, process_vm_writev.
 * clone3 gets ENOSYS (its flags are in memory a filter cannot read; libc
 * falls back to clone, whose flags it can). Any other ABI than x86-64
 * (i386 through int 0x80, x32) ends the process: the numbers above mean
 * other calls there.
 *
 * Builds with AddressSanitizer (make SANITIZE=1, tests only) let ptrace
 * through: LeakSanitizer stops the process's threads with it at exit.
 */
#ifndef CORE_SECCOMP_H
#define CORE_SECCOMP_H

/* In the forked child, after PR_SET_NO_NEW_PRIVS: install the filter. 0 or -errno. */
int	seccomp_apply(void);

#endif
