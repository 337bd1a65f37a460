/*
 * The components' seccomp filter (see ../seccomp.h): classic BPF over
 * struct seccomp_data, a deny-list. A deny-list rather than an allow-list
 * because components are ordinary Linux programs (libc, sanitizers,
 * threads): what must never happen is what gives a process more than its
 * uid has (namespaces, mounts) or reaches into the kernel or other
 * processes beyond its sessions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "../seccomp.h"

#ifndef __x86_64__
#error "the seccomp filter is written for x86-64 system call numbers"
#endif

#define X32_SYSCALL_BIT	0x40000000u

/* Every namespace flag clone takes (CLONE_NEWTIME is only for unshare and clone3, 0x80 is CSIGNAL in clone). */
#define CLONE_NS_FLAGS	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
			 CLONE_NEWPID | CLONE_NEWNET)

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif

static const unsigned denied[] = {
	SYS_unshare, SYS_setns,
	SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot,
	SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_fspick, SYS_move_mount, SYS_open_tree, SYS_mount_setattr,
	SYS_bpf, SYS_userfaultfd, SYS_perf_event_open, SYS_keyctl, SYS_add_key, SYS_request_key,
	SYS_kexec_load, SYS_kexec_file_load, SYS_init_module, SYS_finit_module, SYS_delete_module,
	SYS_open_by_handle_at,
#ifndef SANITIZER_BUILD
	SYS_ptrace,
#endif
	SYS_process_vm_readv, SYS_process_vm_writev,
};

#define NDENIED	(sizeof denied / sizeof denied[0])

int
seccomp_apply(void)
{
	/*
	 * Layout: [0-4] arch and ABI, [5] clone?, [6] clone3?, then one jeq
	 * per denied call, ALLOW; then clone's flag check (load, test,
	 * ALLOW) and the shared returns EPERM, ENOSYS, KILL.
	 */
	struct sock_filter f[7 + NDENIED + 1 + 3 + 3];	/* head, list, ALLOW, clone's check, returns */
	unsigned n = 0, deny, nosys, kill, clone_chk;

	/* Positions of the shared tails, known up front so the jumps can be computed. */
	clone_chk = 7 + NDENIED + 1;
	deny = clone_chk + 3;
	nosys = deny + 1;
	kill = nosys + 1;
#define AT(i)		((unsigned char)((i) - n - 1))	/* jump offset from the instruction being written */
	f[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)); n++;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, AT(kill)); n++;
	f[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)); n++;
	/* x32 calls come with the x86-64 arch and the x32 bit in the number. */
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, AT(kill), 0); n++;
	f[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)); n++;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, AT(clone_chk), 0); n++;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, AT(nosys), 0); n++;
	for (unsigned i = 0; i < NDENIED; i++, n++)
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied[i], AT(deny), 0);
	f[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW); n++;
	/* clone: the flags are its first argument; every namespace flag is in the low 32 bits. */
	f[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])); n++;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NS_FLAGS, AT(deny), 0); n++;
	f[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW); n++;
	f[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)); n++;
	f[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)); n++;
	f[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS); n++;
#undef AT
	if (n != sizeof f / sizeof f[0])
		return -EFAULT;	/* the layout above is wrong: install nothing half-built */
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };

	/* Without no_new_privs an unprivileged process may not install a filter; privdrop set it. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		return -errno;
	return 0;
}
