/*
 * Attacks on core's IO_MEM ECAM grants (issue 24's sharing by <pci_config>)
 * on the sim back end (one MCFG window, 256 MiB at 0xb0000000; 00:01.0 a
 * VGA with memory BARs, 00:02.0 an e1000e with an I/O BAR), as a hostile
 * component with an ecam="yes" policy would send them: requests shaped to
 * get a live page of a function it may not write (straddling two
 * functions, 4097 bytes, the window's last page, wrapping sizes) or of a
 * function another component holds a BAR of; ways to make a read-only
 * copy writable (mprotect, a shared writable mapping of
 * the fd opened again through /proc/self/fd, seals added or removed, holes
 * punched); sizing-probe answers of functions it may not read; and copies
 * (and firmware snapshots) kept past their session to pin more memory
 * than its RAM quantum (a HOLE until core truncated a copy at close).
 * Each test prints one line per attack, "attack NAME: refused|HOLE|
 * inconclusive: how" (the verdicts of tests/attack/attack.h), and fails on
 * a HOLE or an inconclusive one: nothing shown is never a pass.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mkx/io_mem.h>
#include <mkx/server.h>
#include "../../core-services/core.h"
#include "../attack/attack.h"	/* the verdicts only */
#include "harness.h"

#define QUANTUM		(6u << 20)

static struct core_config cfg;
static char err[1024];
static struct start_cfg attacker_cfg = { .name = "attacker", .ram_quota = QUANTUM };
static struct child attacker = { .cfg = &attacker_cfg, .ram_left = QUANTUM };
static struct start_cfg victim_cfg = { .name = "victim", .ram_quota = QUANTUM };
static struct child victim = { .cfg = &victim_cfg, .ram_left = QUANTUM };

static const char xml[] =
    "<config>\n<io_mem backend=\"sim\">\n"
    "<policy label_prefix=\"\" ecam=\"yes\"/>\n"
    "<policy label=\"fb\" pci=\"00:01.0\"/>\n"
    "<policy label=\"fw\" base=\"0xc0000\" size=\"0x40000\" snapshot=\"yes\"/>\n"
    "</io_mem>\n<pci_config>\n"
    "<policy label=\"drv1\" pci=\"00:01.0\" access=\"write\"/>\n"
    "<policy label=\"reader\" pci=\"all\" access=\"read\"/>\n"
    "<policy label=\"vga_r\" class=\"VGA\"/>\n"
    "<policy label=\"nic_r\" pci=\"00:02.0\"/>\n"
    "<policy label=\"platform\" pci=\"all\" access=\"write\"/>\n"
    "</pci_config><start name=\"a\"><binary name=\"true\"/></start></config>";

static void
setup(void)
{
	static int loaded;	/* a test may set up twice: the first config is freed, not leaked */

	if (loaded)
		config_free(&cfg);
	loaded = 1;
	memset(&cfg, 0, sizeof cfg);
	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
	attacker.ram_left = QUANTUM;
}

/* One attack's verdict, printed; a HOLE or an inconclusive one fails the test. */
static void __attribute__((format(printf, 3, 4)))
verdict(const char *name, int v, const char *fmt, ...)
{
	char how[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(how, sizeof how, fmt, ap);
	va_end(ap);
	printf("attack %s: %s: %s\n", name, v == ATTACK_REFUSED ? "refused" : v == ATTACK_HOLE ? "HOLE"
	    : "inconclusive", how);
	fflush(stdout);
	if (v != ATTACK_REFUSED)
		harness_fail(__FILE__, __LINE__, "attack %s: %s", name, v == ATTACK_HOLE ? "HOLE" : "inconclusive");
}

/* The kernel said no: a permission check, a seal, or an fd not open for writing. */
static int
refused_errno(int e)
{
	return e == EPERM || e == EACCES || e == EROFS || e == EBADF;
}

/* A call that must fail (rc -1): REFUSED, HOLE (it worked) or INCONCLUSIVE, said in how. */
static int
must_fail(int rc, char *how, size_t len)
{
	int e = errno;

	snprintf(how, len, "%s", rc != -1 ? "succeeded" : strerror(e));
	return rc != -1 ? ATTACK_HOLE : refused_errno(e) ? ATTACK_REFUSED : ATTACK_INCONCLUSIVE;
}

/* The dataspace of an open session, as DATASPACE hands it to the client. */
static int
dataspace(void *st, struct mkx_io_mem_ds *ds, int *fd)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	int rc;

	memset(&m.hdr, 0, sizeof m.hdr);
	memset(&r, 0, sizeof r);
	m.hdr.op = MKX_IO_MEM_DATASPACE;
	rc = service_io_mem.call(st, &m, &r);
	memcpy(ds, r.payload, sizeof *ds);
	*fd = r.nfds ? r.fds[0] : -1;
	return rc;
}

/*
 * label asks for args; a grant of anything live (a page or the window) is
 * a HOLE (drv1 may write 00:01.0's page only, and asks for something
 * else). A copy is no hole: it reaches no device.
 */
static void
no_live_grant(const char *name, const char *label, const char *args)
{
	struct mkx_io_mem_ds ds;
	char why[512] = "";
	void *s = NULL;
	int fd, rc = service_io_mem.open(&attacker, label, args, &s, why, sizeof why);

	if (rc) {
		verdict(name, rc == -EPERM || rc == -EINVAL || rc == -EBUSY ? ATTACK_REFUSED : ATTACK_INCONCLUSIVE,
		    "\"%s\" %s: %d (%s)", label, args, rc, why);
		return;
	}
	CHECK_INT(dataspace(s, &ds, &fd), 0);
	verdict(name, ds.flags & MKX_IO_MEM_SNAPSHOT ? ATTACK_REFUSED : ATTACK_HOLE,
	    "\"%s\" %s: granted flags 0x%x offset 0x%llx length 0x%llx", label, args, ds.flags,
	    (unsigned long long)ds.offset, (unsigned long long)ds.length);
	service_io_mem.close(s);
	io_mem_child_exited(&attacker);
}

TEST(ecam_attack_no_live_page_beyond_the_written_function)
{
	setup();
	/* straddling 00:01.0 and 00:01.1 (which drv1 may not even read) */
	no_live_grant("page_straddle", "drv1", "base=0xb0008800, size=0x1000");
	no_live_grant("page_4097", "drv1", "base=0xb0008000, size=0x1001");
	no_live_grant("page_before", "drv1", "base=0xb0007ffc, size=0x8");
	/* 00:02.0's page: drv1 neither writes nor reads it */
	no_live_grant("other_function_page", "drv1", "base=0xb0010000, size=0x1000");
	/* the window's last page and past it; before the window; wrapping */
	no_live_grant("window_end", "platform", "base=0xbffff000, size=0x2000");
	no_live_grant("window_start", "platform", "base=0xaffff000, size=0x2000");
	no_live_grant("wrap", "platform", "base=0xfffffffffffff000, size=0x2000");
	no_live_grant("wrap_reader", "reader", "base=0xbffff000, size=0xffffffffffff0000");
	no_live_grant("last_page_reader", "reader", "base=0xbffff000, size=0x2000");
}

/* A page inside the function drv1 writes: live, but its dataspace names that page only. */
TEST(ecam_attack_page_grant_is_scoped_to_its_page)
{
	struct mkx_io_mem_ds ds;
	char why[512] = "";
	void *s;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&attacker, "drv1", "base=0xb0008ffc, size=0x4", &s, why, sizeof why), 0);
	CHECK_INT(dataspace(s, &ds, &fd), 0);
	verdict("page_tail", ds.offset == 0xb0008000 && ds.length == 0x1000 ? ATTACK_REFUSED : ATTACK_HOLE,
	    "base inside 00:01.0's page: dataspace 0x%llx+0x%llx", (unsigned long long)ds.offset,
	    (unsigned long long)ds.length);
	service_io_mem.close(s);
	io_mem_child_exited(&attacker);
}

/*
 * A label that may write 00:01.0 asks for its live page while another
 * component holds 00:01.0's BAR0: conf1 refuses every write of it to that
 * function then (pci_config_may_write), and the page takes writes core
 * cannot see (moving or disabling the BAR under its holder).
 */
TEST(ecam_attack_no_live_page_under_a_bar_holder)
{
	char why[512] = "";
	struct mkx_io_mem_ds ds;
	void *bar, *s;
	int fd;
	int rc;

	setup();
	CHECK_INT(service_io_mem.open(&victim, "fb", "base=0xfd000000, size=0x1000", &bar, why, sizeof why), 0);
	rc = service_io_mem.open(&attacker, "drv1", "base=0xb0008000, size=0x1000", &s, why, sizeof why);
	verdict("page_under_bar_holder", rc == -EPERM || rc == -EBUSY ? ATTACK_REFUSED : rc ? ATTACK_INCONCLUSIVE
	    : ATTACK_HOLE, "00:01.0's page while \"fb\" holds its BAR0: %d (%s)", rc, why);
	if (!rc)
		service_io_mem.close(s);
	service_io_mem.close(bar);	/* nothing handed out: the BAR is free again, and so is the page */
	CHECK_INT(service_io_mem.open(&attacker, "drv1", "base=0xb0008000, size=0x1000", &s, why, sizeof why), 0);
	CHECK_INT(dataspace(s, &ds, &fd), 0);	/* handed out: kept by core after the close */
	close(fd);
	service_io_mem.close(s);
	/* Its own kept page asked again while "fb" now holds the BAR: checked like a new one. */
	CHECK_INT(service_io_mem.open(&victim, "fb", "base=0xfd000000, size=0x1000", &bar, why, sizeof why), 0);
	rc = service_io_mem.open(&attacker, "drv1", "base=0xb0008000, size=0x1000", &s, why, sizeof why);
	verdict("kept_page_under_bar_holder", rc == -EPERM || rc == -EBUSY ? ATTACK_REFUSED : rc ? ATTACK_INCONCLUSIVE
	    : ATTACK_HOLE, "00:01.0's kept page asked again while \"fb\" holds its BAR0: %d (%s)", rc, why);
	if (!rc)
		service_io_mem.close(s);
	service_io_mem.close(bar);
	io_mem_child_exited(&attacker);
	io_mem_child_exited(&victim);
}

/* A read-only copy of bus 0 for "reader": its fd in *fd, its dataspace in *ds. */
static void *
copy(const char *label, struct mkx_io_mem_ds *ds, int *fd)
{
	char why[512] = "";
	void *s;

	CHECK_INT(service_io_mem.open(&attacker, label, "base=0xb0000000, size=0x100000", &s, why, sizeof why), 0);
	CHECK_INT(dataspace(s, ds, fd), 0);
	CHECK(ds->flags & MKX_IO_MEM_SNAPSHOT);
	return s;
}

/* What the copy says at 00:01.0's vendor ID now: it must still be 1234:1111. */
static uint32_t
vendor_01(int fd)
{
	uint32_t v = 0;

	CHECK_INT(pread(fd, &v, 4, 0x8000), 4);
	return v;
}

/*
 * The fd opened again through /proc with write access, then written every
 * way, as a component does it: another uid than core's (as root, this
 * test drops to nobody in a child first; core's memfd is core's).
 */
static void
reopen_attacks(int fd, uint64_t length)
{
	char path[64];
	pid_t pid = fork();
	int rw, st;

	CHECK(pid >= 0);
	if (pid > 0) {
		CHECK_INT(waitpid(pid, &st, 0), pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		return;
	}
	if (!getuid() && (setgroups(0, NULL) || setgid(65534) || setuid(65534) || prctl(PR_SET_DUMPABLE, 1))) {
		verdict("proc_reopen_rdwr", ATTACK_INCONCLUSIVE, "cannot drop to uid 65534: %s", strerror(errno));
		_exit(1);
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	rw = open(path, O_RDWR | O_CLOEXEC);
	if (rw < 0) {
		verdict("proc_reopen_rdwr", refused_errno(errno) ? ATTACK_REFUSED : ATTACK_INCONCLUSIVE,
		    "open %s O_RDWR as uid %d: %s", path, (int)getuid(), strerror(errno));
		_exit(0);
	}
	/* opened (the inode's mode lets it): what it may do with that is the verdict */
	printf("attack proc_reopen_rdwr: opened %s O_RDWR as uid %d\n", path, (int)getuid());
	verdict("proc_reopen_pwrite", must_fail((int)pwrite(rw, "\0\0\0\0", 4, 0x8000), err, sizeof err), "%s", err);
	verdict("proc_reopen_mmap", mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0) == MAP_FAILED
	    && refused_errno(errno) ? ATTACK_REFUSED : ATTACK_HOLE, "shared writable mmap of the reopen: %s",
	    strerror(errno));
	verdict("proc_reopen_seal", must_fail(fcntl(rw, F_ADD_SEALS, F_SEAL_SHRINK), err, sizeof err), "%s", err);
	_exit(0);
}

TEST(ecam_attack_copy_stays_read_only)
{
	struct mkx_io_mem_ds ds;
	void *s, *p;
	int fd, rc;

	setup();
	s = copy("reader", &ds, &fd);
	p = mmap(NULL, ds.length, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	verdict("mprotect_shared", must_fail(mprotect(p, ds.length, PROT_READ | PROT_WRITE), err, sizeof err), "%s", err);
	munmap(p, ds.length);
	verdict("mmap_shared_write", mmap(NULL, ds.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
	    refused_errno(errno) ? ATTACK_REFUSED : ATTACK_HOLE, "errno %d", errno);
	verdict("add_seal_future_write", must_fail(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), err, sizeof err),
	    "seals 0x%x: %s", fcntl(fd, F_GET_SEALS), err);
	verdict("punch_hole", must_fail(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0x8000, 0x1000),
	    err, sizeof err), "%s", err);
	verdict("pwrite", must_fail((int)pwrite(fd, "\0\0\0\0", 4, 0x8000), err, sizeof err), "%s", err);
	rc = must_fail(ftruncate(fd, 0x400000), err, sizeof err);
	if (rc == ATTACK_INCONCLUSIVE && errno == EINVAL && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
		rc = ATTACK_REFUSED;	/* the kernel's answer for an fd not open for writing */
	verdict("ftruncate_grow", rc, "%s", err);
	verdict("seal_against_revoke", must_fail(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), err, sizeof err),
	    "F_SEAL_SHRINK on the client's fd (core truncates the copy at close): %s", err);
	reopen_attacks(fd, ds.length);
	CHECK_INT(vendor_01(fd), 0x11111234);
	service_io_mem.close(s);
	io_mem_child_exited(&attacker);
}

/* The probe answer at off of function bdf in a copy's fd (answers follow the copy). */
static uint32_t
answer(int fd, const struct mkx_io_mem_ds *ds, unsigned bdf, unsigned off)
{
	uint32_t v = 0;

	CHECK_INT(pread(fd, &v, 4, (off_t)(ds->length + ((uint64_t)bdf << 12) + off)), 4);
	return v;
}

/* Sizing-probe answers never tell the size of a BAR of a function the label may not read. */
TEST(ecam_attack_probe_answers_of_hidden_functions)
{
	struct mkx_io_mem_ds ds;
	uint32_t seen, hidden;
	void *s;
	int fd;

	setup();
	/* the answers exist for readers of those functions (else this test shows nothing) */
	s = copy("reader", &ds, &fd);
	CHECK(answer(fd, &ds, 0x08, 0x10) != 0);
	seen = answer(fd, &ds, 0x10, 0x18);
	service_io_mem.close(s);
	io_mem_child_exited(&attacker);
	s = copy("vga_r", &ds, &fd);
	hidden = 0;
	for (unsigned off = 0; off < 0x1000; off += 4)
		hidden |= answer(fd, &ds, 0x10, off);
	verdict("probe_answers_nic_for_vga", !seen ? ATTACK_INCONCLUSIVE : hidden ? ATTACK_HOLE : ATTACK_REFUSED,
	    "00:02.0's BAR2 answer 0x%08x to a reader of all; to a VGA-only reader its page's answers OR to 0x%08x",
	    seen, hidden);
	service_io_mem.close(s);
	io_mem_child_exited(&attacker);
	s = copy("nic_r", &ds, &fd);
	hidden = 0;
	for (unsigned off = 0; off < 0x1000; off += 4)
		hidden |= answer(fd, &ds, 0x08, off);
	verdict("probe_answers_vga_for_nic", hidden ? ATTACK_HOLE : ATTACK_REFUSED,
	    "00:01.0's answers to a reader of 00:02.0 only OR to 0x%08x", hidden);
	service_io_mem.close(s);
	io_mem_child_exited(&attacker);
}

/*
 * Copies are charged to the client's RAM quantum while it holds the
 * session. A client that keeps each copy's fd (or a mapping) and closes
 * the session asks again: what it pins (the copies' memory, in core's
 * memfds) must stay within its quantum, whatever core does to ensure it
 * (refuse the next copy, or revoke a closed one). name: the attack;
 * label asks count times for args.
 */
static void
keep_copies(const char *name, const char *label, const char *args, int count)
{
	int kept[64], n = 0, refused = 0;
	unsigned long long pinned = 0;
	struct stat st;
	char why[512] = "";

	setup();
	for (int i = 0; i < count && i < 64; i++) {
		struct mkx_io_mem_ds ds;
		void *s;
		int fd, rc = service_io_mem.open(&attacker, label, args, &s, why, sizeof why);

		if (rc) {
			refused += rc == -EDQUOT;
			continue;
		}
		CHECK_INT(dataspace(s, &ds, &fd), 0);
		kept[n++] = dup(fd);	/* what SCM_RIGHTS gives the client: the same open file */
		service_io_mem.close(s);
	}
	for (int i = 0; i < n; i++) {
		CHECK_INT(fstat(kept[i], &st), 0);
		pinned += (unsigned long long)st.st_blocks * 512;
		close(kept[i]);
	}
	verdict(name, !n ? ATTACK_INCONCLUSIVE : pinned > QUANTUM ? ATTACK_HOLE : ATTACK_REFUSED,
	    "%d copies of %s asked, %d granted, %d refused -EDQUOT; the fds kept after each close pin %llu bytes, "
	    "quantum %u (%s)", count, args, n, refused, pinned, QUANTUM, why);
	io_mem_child_exited(&attacker);
}

TEST(ecam_attack_copies_kept_past_their_session)
{
	keep_copies("ecam_copies_past_quantum", "reader", "base=0xb0000000, size=0x100000", 8);
	/* firmware snapshots are the same memfds (sealed_copy) */
	keep_copies("snapshots_past_quantum", "fw", "base=0xc0000, size=0x40000", 32);
}
