/*
 * Attacks of issue 22 ("least privilege, round two") that a component
 * makes on its own: one result line per attempt,
 *   "probe_lp2 NAME: refused: ..."       core or its filter held,
 *   "probe_lp2 NAME: HOLE: ..."          it got through,
 *   "probe_lp2 NAME: inconclusive: ..."  the attack could not be set up
 *                                        (counts as a failure, never as refused),
 * and a last line "probe_lp2 ATTACK: N attempts, N refused, N holes, N
 * inconclusive". Chosen by <config attack="..."/> (several, space-separated, in turn):
 *
 *  seccomp   finding 5: each call core's seccomp filter refuses
 *            (core-services/seccomp.h), with arguments the kernel itself
 *            would reject with another errno than EPERM (a bad flag,
 *            pointer or fd): EPERM (ENOSYS for clone3) shows the call never
 *            reached the kernel. The calls the kernel refuses to a process
 *            without capabilities before it reads any argument (pivot_root,
 *            kexec, modules, ...) cannot tell the two apart: their lines say
 *            so. Then the real attack: unshare(CLONE_NEWUSER|CLONE_NEWNS)
 *            and mount a tmpfs in it.
 *  hold      the victim: DMA session of pci= and BAR0 of bar_pci= (IO_MEM
 *            pci policy), kept for hold_ms.
 *  devmem    findings 6, 7, 8 against the victim's devices (pci=: DMA held,
 *            bar_pci=: BAR held): snapshots of the held BAR, of an unheld
 *            BAR (pci='s BAR0) and of ECAM (ecam= its base); a live grant
 *            over ECAM; a config write (CF8/CFC) to the command register
 *            of the function whose DMA session the victim holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mkx/devices.h>
#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/io_port.h>
#include <mkx/log.h>
#include <mkx/rom.h>
#include <mkx/xml.h>

enum verdict { REFUSED, HOLE, INCONCLUSIVE };

static struct mkx_xml *cfg;
static unsigned counts[3];

static void result(const char *name, enum verdict v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
result(const char *name, enum verdict v, const char *fmt, ...)
{
	static const char *const words[] = { "refused", "HOLE", "inconclusive" };
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	counts[v]++;
	mkx_log("probe_lp2 %s: %s: %s", name, words[v], msg);
}

static void
summary(const char *attack)
{
	mkx_log("probe_lp2 %s: %u attempts, %u refused, %u holes, %u inconclusive", attack,
	    counts[0] + counts[1] + counts[2], counts[0], counts[1], counts[2]);
}

/* ---- finding 5: the seccomp filter ---- */

#define BAD	1L	/* a pointer the kernel cannot read */

/*
 * kernel: what the kernel answers these arguments when the call reaches
 * it (0: it may answer EPERM first, to a process without capabilities).
 * want: the filter's answer.
 */
static const struct sc_probe {
	const char	*name;
	long		nr, a[5];
	int		kernel, want;
} sc_probes[] = {
	{ "unshare", SYS_unshare, { CLONE_NEWUSER | CLONE_NEWNS | CLONE_VFORK }, EINVAL, EPERM },
	{ "setns", SYS_setns, { -1, 0 }, EBADF, EPERM },
	{ "clone_newuser", SYS_clone, { CLONE_NEWUSER | CLONE_THREAD | SIGCHLD }, EINVAL, EPERM },
	{ "clone_newns", SYS_clone, { CLONE_NEWNS | CLONE_THREAD | SIGCHLD }, EINVAL, EPERM },
	{ "clone_newpid", SYS_clone, { CLONE_NEWPID | CLONE_THREAD | SIGCHLD }, EINVAL, EPERM },
	{ "clone_newnet", SYS_clone, { CLONE_NEWNET | CLONE_THREAD | SIGCHLD }, EINVAL, EPERM },
	{ "clone_newuts", SYS_clone, { CLONE_NEWUTS | CLONE_THREAD | SIGCHLD }, EINVAL, EPERM },
	{ "clone_newipc", SYS_clone, { CLONE_NEWIPC | CLONE_THREAD | SIGCHLD }, EINVAL, EPERM },
	{ "clone_newcgroup", SYS_clone, { CLONE_NEWCGROUP | CLONE_THREAD | SIGCHLD }, EINVAL, EPERM },
	{ "clone3", SYS_clone3, { 0, 0 }, EINVAL, ENOSYS },
	{ "mount", SYS_mount, { 0, 0, BAD }, EFAULT, EPERM },
	{ "umount2", SYS_umount2, { (long)"/", 0x7fff0000 }, EINVAL, EPERM },
	{ "chroot", SYS_chroot, { BAD }, EFAULT, EPERM },
	{ "fsconfig", SYS_fsconfig, { -1, 0x7fff }, EINVAL, EPERM },
	{ "open_tree", SYS_open_tree, { -1, BAD, 0x7fff0000 }, EINVAL, EPERM },
	{ "mount_setattr", SYS_mount_setattr, { -1, BAD, 0x7fff0000 }, EINVAL, EPERM },
	{ "pivot_root", SYS_pivot_root, { BAD, BAD }, 0, EPERM },
	{ "fsopen", SYS_fsopen, { BAD, 0 }, 0, EPERM },
	{ "fsmount", SYS_fsmount, { -1, 0, 0 }, 0, EPERM },
	{ "fspick", SYS_fspick, { -1, BAD, 0 }, 0, EPERM },
	{ "move_mount", SYS_move_mount, { -1, BAD, -1, BAD, 0x7fff0000 }, 0, EPERM },
	{ "bpf", SYS_bpf, { 0x7fff }, 0, EPERM },	/* unprivileged_bpf_disabled: EPERM first */
	{ "userfaultfd", SYS_userfaultfd, { 1 | 0x4000 }, EINVAL, EPERM },	/* user-mode only, a bad flag */
	{ "perf_event_open", SYS_perf_event_open, { 0, 0, -1, -1, ~0L }, EINVAL, EPERM },
	{ "keyctl", SYS_keyctl, { 0x7fff }, EOPNOTSUPP, EPERM },
	{ "add_key", SYS_add_key, { BAD, BAD }, EFAULT, EPERM },
	{ "request_key", SYS_request_key, { BAD, BAD }, EFAULT, EPERM },
	{ "kexec_load", SYS_kexec_load, { 0, 0, 0, ~0L }, 0, EPERM },
	{ "kexec_file_load", SYS_kexec_file_load, { -1, -1, 0, 0, ~0L }, 0, EPERM },
	{ "init_module", SYS_init_module, { 0, 0, BAD }, 0, EPERM },
	{ "finit_module", SYS_finit_module, { -1, BAD, 0 }, 0, EPERM },
	{ "delete_module", SYS_delete_module, { BAD, 0 }, 0, EPERM },
	{ "open_by_handle_at", SYS_open_by_handle_at, { -1, BAD, 0 }, 0, EPERM },
#if !defined(__SANITIZE_ADDRESS__)
	{ "ptrace", SYS_ptrace, { 3 /* PTRACE_PEEKUSR */, 1 }, ESRCH, EPERM },	/* pid 1 is not our tracee */
#endif
	{ "process_vm_readv", SYS_process_vm_readv, { 0, 0, 2000 }, EINVAL, EPERM },	/* > UIO_MAXIOV */
	{ "process_vm_writev", SYS_process_vm_writev, { 0, 0, 2000 }, EINVAL, EPERM },
};

static void
seccomp_call(const struct sc_probe *p)
{
	long rc = syscall(p->nr, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4], 0L);
	int e = rc < 0 ? errno : 0;

	if (rc >= 0)
		result(p->name, HOLE, "the call succeeded (returned %ld)", rc);
	else if (e == p->want && p->kernel)
		result(p->name, REFUSED, "%s; the kernel would have answered %s: the filter stopped it", strerror(e),
		    strerror(p->kernel));
	else if (e == p->want)
		result(p->name, REFUSED, "%s (the kernel refuses this call to a process without capabilities "
		    "before reading its arguments, so this line cannot tell the filter from the kernel; "
		    "tests/unit/seccomp_test.c, as root, shows the filter's part)", strerror(e));
	else if (e == p->kernel)
		result(p->name, HOLE, "the kernel answered %s: the call reached it", strerror(e));
	else
		result(p->name, INCONCLUSIVE, "%s: neither the filter's %s nor the kernel's expected %s",
		    strerror(e), strerror(p->want), p->kernel ? strerror(p->kernel) : "EPERM");
}

/* The real attack: a user namespace (every capability in it), a mount namespace, a tmpfs. */
static void
userns_mount(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		result("userns_mount", INCONCLUSIVE, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
			_exit(errno == EPERM ? 10 : errno == ENOSPC ? 11 : 12);
		if (mount("none", "/tmp", "tmpfs", 0, NULL) && mount("none", "/", "tmpfs", 0, NULL))
			_exit(13);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		result("userns_mount", INCONCLUSIVE, "the child ended without an exit status");
		return;
	}
	switch (WEXITSTATUS(status)) {
	case 0:  result("userns_mount", HOLE, "unshare(CLONE_NEWUSER|CLONE_NEWNS) and a tmpfs mounted in it"); break;
	case 10: result("userns_mount", REFUSED, "unshare(CLONE_NEWUSER|CLONE_NEWNS): EPERM"); break;
	case 11: result("userns_mount", INCONCLUSIVE, "unshare: ENOSPC (max_user_namespaces is 0): "
		     "the kernel refused, the filter was not asked"); break;
	case 13: result("userns_mount", HOLE, "unshare(CLONE_NEWUSER|CLONE_NEWNS) worked (the mount did not)"); break;
	default: result("userns_mount", INCONCLUSIVE, "unshare failed with another error than EPERM"); break;
	}
}

/* The x32 ABI shares x86-64's arch value: the filter must end a process that uses it. */
static void
x32_call(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		result("x32_abi", INCONCLUSIVE, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		syscall(0x40000000L | SYS_getpid);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		result("x32_abi", INCONCLUSIVE, "waitpid: %s", strerror(errno));
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		result("x32_abi", REFUSED, "a call with the x32 bit ended the process (SIGSYS)");
	else
		result("x32_abi", HOLE, "a call with the x32 bit returned");
}

static void
attack_seccomp(void)
{
	char line[128], mode[64] = "unknown";
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "Seccomp:", 8))
			snprintf(mode, sizeof mode, "%.*s", (int)strcspn(line + 9, "\n"), line + 9);
	if (f)
		fclose(f);
	mkx_log("probe_lp2 seccomp: uid %u, pid %d, Seccomp mode %s", (unsigned)getuid(), (int)getpid(), mode);
#if defined(__SANITIZE_ADDRESS__)
	mkx_log("probe_lp2 seccomp: an ASan build: ptrace is let through for LeakSanitizer (seccomp.h), not probed");
#endif
	for (unsigned i = 0; i < sizeof sc_probes / sizeof sc_probes[0]; i++)
		seccomp_call(&sc_probes[i]);
	userns_mount();
	x32_call();
	/* What components do must still work: fork (clone without namespace flags). */
	{
		int status;
		pid_t pid = fork();

		if (pid == 0)
			_exit(7);
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
			result("fork", INCONCLUSIVE, "an ordinary fork failed under the filter");
		else
			mkx_log("probe_lp2 fork: an ordinary fork works under the filter");
	}
	summary("seccomp");
}

/* ---- findings 6, 7, 8: device memory and config space ---- */

static int
parse_bdf(const char *s, unsigned *bdf)
{
	unsigned b, d, f;

	if (!s || sscanf(s, "%x:%x.%x", &b, &d, &f) != 3 || b > 255 || d > 31 || f > 7)
		return -EINVAL;
	*bdf = b << 8 | d << 3 | f;
	return 0;
}

/* BAR0 of a function, from core's pci_devices ROM: 0 with its range, -errno. */
static int
bar0(const char *pci, uint64_t *start, uint64_t *size)
{
	struct mkx_pci_device d;
	struct mkx_xml *devs;
	struct mkx_rom rom;
	char err[128];
	int found = -ENOENT;

	if (mkx_rom_open(&rom, "pci_devices"))
		return -ENOENT;
	devs = mkx_xml_parse(rom.data, rom.size, err, sizeof err);
	for (unsigned i = 0; devs && !mkx_devices_nth(devs, i, &d); i++)
		if (!strcmp(d.name, pci) && d.bar[0].size) {
			*start = d.bar[0].address;
			*size = d.bar[0].size;
			found = 0;
			break;
		}
	mkx_xml_free(devs);
	mkx_rom_close(&rom);
	return found;
}

static void
attack_hold(void)
{
	const char *pci = mkx_xml_attr(cfg, "pci"), *bar_pci = mkx_xml_attr(cfg, "bar_pci");
	unsigned long hold_ms = 10000;
	struct mkx_dma dma;
	struct mkx_io_mem bar;
	uint64_t start, size;
	char why[256];
	int err;

	mkx_xml_attr_ulong(cfg, "hold_ms", 10000, &hold_ms);
	if (!pci || !bar_pci) {
		mkx_log("probe_lp2 hold: needs pci= and bar_pci=");
		exit(2);
	}
	if ((err = bar0(bar_pci, &start, &size)) || (err = mkx_io_mem_open(&bar, start, 0x1000, 0, why, sizeof why))) {
		mkx_log("probe_lp2 hold: BAR0 of %s: %s: %s", bar_pci, strerror(-err), why);
		exit(4);
	}
	/* The DMA session last: the attacker waits for it, and then the BAR is held too. */
	/* The attacker may hold it for a moment (its wait_dma_held asks): retry while busy. */
	for (unsigned tries = 0; (err = mkx_dma_open(&dma, pci, why, sizeof why)) == -EBUSY && tries < 300; tries++)
		usleep(100000);
	if (err) {
		mkx_log("probe_lp2 hold: DMA session of %s: %s: %s", pci, strerror(-err), why);
		exit(3);
	}
	mkx_log("probe_lp2 hold: holding the DMA session of %s and BAR0 of %s (0x%llx)", pci, bar_pci,
	    (unsigned long long)start);
	usleep((useconds_t)hold_ms * 1000);
	mkx_io_mem_close(&bar);
	mkx_dma_close(&dma);
	mkx_log("probe_lp2 hold: released");
}

/* Wait until another component holds pci's DMA session (our own open says busy). 0, or -ETIMEDOUT. */
static int
wait_dma_held(const char *pci, unsigned ms)
{
	struct mkx_dma d;
	char why[256];

	for (unsigned waited = 0; waited < ms; waited += 100) {
		int err = mkx_dma_open(&d, pci, why, sizeof why);

		if (!err)
			mkx_dma_close(&d);	/* not held yet: ours was the first; give it back */
		else if (err == -EBUSY)
			return 0;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

static void
snapshot(const char *name, uint64_t base, uint64_t size, const char *what)
{
	struct mkx_io_mem m;
	char why[300];
	int err = mkx_io_mem_open(&m, base, size, 0, why, sizeof why);

	if (!err) {
		uint32_t first;

		memcpy(&first, (const void *)m.va, sizeof first);
		result(name, HOLE, "snapshot of %s 0x%llx+0x%llx granted; it reads 0x%08x", what,
		    (unsigned long long)base, (unsigned long long)size, first);
		mkx_io_mem_close(&m);
	} else if (err == -EPERM)
		result(name, REFUSED, "%s", why);
	else
		result(name, INCONCLUSIVE, "%s: %s (not the refusal asked for)", strerror(-err), why);
}

static void
attack_devmem(void)
{
	const char *pci = mkx_xml_attr(cfg, "pci"), *bar_pci = mkx_xml_attr(cfg, "bar_pci");
	unsigned long ecam = 0xb0000000ul;
	uint64_t held_start, held_size, free_start, free_size;
	unsigned bdf;
	char why[300];
	int err;

	mkx_xml_attr_ulong(cfg, "ecam", 0xb0000000ul, &ecam);
	if (parse_bdf(pci, &bdf) || !bar_pci) {
		result("devmem", INCONCLUSIVE, "needs pci=BB:DD.F and bar_pci=");
		summary("devmem");
		return;
	}
	if (wait_dma_held(pci, 60000)) {
		result("devmem", INCONCLUSIVE, "the victim never held the DMA session of %s", pci);
		summary("devmem");
		return;
	}
	/* Finding 6: snapshots of a held BAR, an unheld BAR, ECAM. */
	if (bar0(bar_pci, &held_start, &held_size))
		result("snapshot_held_bar", INCONCLUSIVE, "no BAR0 of %s in sysfs", bar_pci);
	else
		snapshot("snapshot_held_bar", held_start, 0x1000, "another component's BAR");
	if (bar0(pci, &free_start, &free_size))
		result("snapshot_unheld_bar", INCONCLUSIVE, "no BAR0 of %s in sysfs", pci);
	else
		snapshot("snapshot_unheld_bar", free_start, 0x1000, "an unheld BAR");
	snapshot("snapshot_ecam", ecam + ((uint64_t)bdf << 12), 0x100, "ECAM");

	/* Finding 7: a live grant over ECAM for a label without <pci_config> write to every function. */
	{
		struct mkx_io_mem_live l;
		uint64_t v = 0;

		err = mkx_io_mem_live_open(&l, ecam + ((uint64_t)bdf << 12), 4, why, sizeof why);
		if (!err) {
			err = mkx_io_mem_live_read(&l, ecam + ((uint64_t)bdf << 12), 4, &v);
			result("live_ecam", HOLE, "live grant over ECAM 0x%llx; it reads 0x%08llx (%s)",
			    (unsigned long long)(ecam + ((uint64_t)bdf << 12)), (unsigned long long)v,
			    err ? strerror(-err) : "read");
			mkx_io_mem_live_close(&l);
		} else if (err == -EPERM && strstr(why, "ECAM"))
			result("live_ecam", REFUSED, "%s", why);
		else
			result("live_ecam", INCONCLUSIVE, "%s: %s (not the ECAM refusal)", strerror(-err), why);
	}

	/* Finding 8: a config write to the function whose DMA session the victim holds. */
	{
		struct mkx_io_port cf8;
		uint32_t addr = 0x80000000u | bdf << 8 | 0x04, before = 0, after = 0;

		if ((err = mkx_io_port_open(&cf8, 0xcf8, 8, why, sizeof why))) {
			result("config_write_dma_held", INCONCLUSIVE, "no conf1 session: %s: %s", strerror(-err), why);
		} else if (mkx_io_port_out(&cf8, 0xcf8, 4, addr) || mkx_io_port_in(&cf8, 0xcfc, 4, &before) ||
		    before == 0xffffffffu) {
			result("config_write_dma_held", INCONCLUSIVE, "cannot read %s's command register", pci);
		} else {
			/* Bus master off under the holder (and, on old code, put back as it was). */
			err = mkx_io_port_out(&cf8, 0xcfc, 2, (before & 0xffff) & ~0x4u);
			mkx_io_port_out(&cf8, 0xcf8, 4, addr);
			mkx_io_port_in(&cf8, 0xcfc, 4, &after);
			if (!err) {
				result("config_write_dma_held", HOLE, "command register of %s written under its DMA "
				    "holder: 0x%04x -> 0x%04x", pci, before & 0xffff, after & 0xffff);
				mkx_io_port_out(&cf8, 0xcfc, 2, before & 0xffff);
			} else if ((after & 0xffff) == (before & 0xffff))
				result("config_write_dma_held", REFUSED, "write to %s's command register: %s; "
				    "it still reads 0x%04x", pci, strerror(-err), after & 0xffff);
			else
				result("config_write_dma_held", HOLE, "refused (%s) but the register changed "
				    "0x%04x -> 0x%04x", strerror(-err), before & 0xffff, after & 0xffff);
			mkx_io_port_close(&cf8);
		}
	}
	summary("devmem");
}

int
main(void)
{
	struct mkx_rom rom;
	const char *attack;

	if (mkx_env_init() || !(cfg = mkx_config(&rom)))
		return 1;
	attack = mkx_xml_attr(cfg, "attack");
	if (!attack)
		return 2;
	/* Several, one after the other, each with its own summary: "devmem seccomp". */
	for (const char *a = attack; *a;) {
		size_t len = strcspn(a, " ");

		memset(counts, 0, sizeof counts);
		if (len == 7 && !strncmp(a, "seccomp", len))
			attack_seccomp();
		else if (len == 4 && !strncmp(a, "hold", len))
			attack_hold();
		else if (len == 6 && !strncmp(a, "devmem", len))
			attack_devmem();
		else {
			mkx_log("probe_lp2: unknown attack \"%.*s\"", (int)len, a);
			mkx_xml_free(cfg);
			mkx_rom_close(&rom);
			return 2;
		}
		a += len;
		a += strspn(a, " ");
	}
	mkx_xml_free(cfg);
	mkx_rom_close(&rom);
	return 0;
}
