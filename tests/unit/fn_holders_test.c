/*
 * Who still holds a function's resources (core-services/linux/proc_holders.c)
 * on real processes and the real /proc: children that keep a mapping
 * without the fd, an fd without a mapping, or nothing, of a stand-in for
 * a BAR file (in /dev/shm: a file in memory, as sysfs and /dev are), found
 * by device and inode; another file of the same name is not it; and the
 * sim backend's BAR memfds (io_mem_sim.c).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "../../core-services/holders.h"
#include "../../core-services/io_mem_backend.h"

enum hold { NOTHING, MAPPING, FD };

/* A child that opens path (or takes fd), keeps what `how` says, tells the parent, and waits to be killed. */
static pid_t
holder(const char *path, int fd, enum hold how)
{
	int p[2];
	pid_t pid;
	char c;

	CHECK(pipe(p) == 0);
	if (!(pid = fork())) {
		if (fd < 0)
			fd = open(path, O_RDWR);
		if (how == MAPPING) {
			if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED)
				_exit(1);
			close(fd);	/* the mapping outlives the fd */
		} else if (how == NOTHING)
			close(fd);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1);
	close(p[0]);
	return pid;
}

static void
reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static struct holder_id
id_of(const char *path)
{
	struct stat st;

	CHECK_INT(stat(path, &st), 0);
	return (struct holder_id){ st.st_dev, st.st_ino };
}

TEST(fn_holders_mapping_fd_and_nothing)
{
	char dir[] = "/dev/shm/fn_holders.XXXXXX", file[96], other[96], what[256];
	struct holder_id ids[2];
	pid_t none, mapped, fd, pids[2];
	unsigned which = 9;
	int f;

	CHECK(mkdtemp(dir));
	snprintf(file, sizeof file, "%s/resource0", dir);
	snprintf(other, sizeof other, "%s/resource1", dir);
	CHECK((f = open(file, O_RDWR | O_CREAT, 0600)) >= 0);
	CHECK(ftruncate(f, 4096) == 0);
	close(f);
	CHECK((f = open(other, O_RDWR | O_CREAT, 0600)) >= 0);
	close(f);
	ids[0] = id_of(file);
	ids[1] = id_of(other);
	none = holder(file, -1, NOTHING);
	mapped = holder(file, -1, MAPPING);
	fd = holder(file, -1, FD);

	pids[0] = none;
	pids[1] = mapped;
	CHECK_INT(holders_scan(NULL, pids, 2, ids, 2, NULL, &which, what, sizeof what), 1);
	CHECK_INT(which, 1);
	CHECK_STR_HAS(what, "a mapping of ");
	CHECK_STR_HAS(what, "/resource0");

	pids[1] = fd;
	CHECK_INT(holders_scan(NULL, pids, 2, ids, 2, NULL, &which, what, sizeof what), 1);
	CHECK_INT(which, 1);
	CHECK_STR_HAS(what, "fd ");
	CHECK_STR_HAS(what, " on ");
	CHECK_STR_HAS(what, "/resource0");

	CHECK_INT(holders_scan(NULL, pids, 1, ids, 2, NULL, &which, what, sizeof what), 0);
	/* The file's name, now another file's: the holders hold the old one, not this. */
	CHECK_INT(rename(other, file), 0);
	ids[0] = id_of(file);
	pids[0] = mapped;
	CHECK_INT(holders_scan(NULL, pids, 2, ids, 1, NULL, &which, what, sizeof what), 0);
	/* Gone: it holds nothing any more. */
	CHECK_INT(unlink(file), 0);
	reap(mapped);
	reap(fd);
	reap(none);
	rmdir(dir);
}

TEST(fn_holders_sim_bar_memfd_by_device_and_inode)
{
	struct pci_res r = { .bdf = 3 << 3, .bar = 0, .type = PCI_RES_MEM, .start = 0xfe000000, .size = 4096 };
	struct holder_id ids[HOLDER_TARGETS_MAX];
	char what[256];
	unsigned which;
	int wc, fd, n;
	pid_t pid, decoy;

	CHECK((fd = io_mem_sim.open_bar(&r, 0, &wc)) >= 0);
	CHECK_INT((n = io_mem_sim.fn_targets(3 << 3, ids, HOLDER_TARGETS_MAX)), 1);
	pid = holder(NULL, fd, MAPPING);
	close(fd);
	/* A process that names a memfd of its own like the function's BAR holds nothing of it. */
	CHECK((fd = memfd_create("sim-bar-00:03.0", MFD_CLOEXEC)) >= 0);
	CHECK(ftruncate(fd, 4096) == 0);
	decoy = holder(NULL, fd, MAPPING);
	close(fd);
	CHECK_INT(holders_scan(NULL, &decoy, 1, ids, (unsigned)n, NULL, &which, what, sizeof what), 0);
	CHECK_INT(holders_scan(NULL, &pid, 1, ids, (unsigned)n, NULL, &which, what, sizeof what), 1);
	CHECK_STR_HAS(what, "a mapping of /memfd:sim-bar-00:03.0");
	/* Another function had nothing handed out: nothing to hold. */
	CHECK_INT((n = io_mem_sim.fn_targets(4 << 3, ids, HOLDER_TARGETS_MAX)), 0);
	CHECK_INT(holders_scan(NULL, &pid, 1, ids, (unsigned)n, NULL, &which, what, sizeof what), 0);
	reap(pid);
	reap(decoy);
}

/* Every process but core (the DMA use): each id marked by whoever holds it. */
TEST(fn_holders_every_process_marks_each_held_file)
{
	struct holder_id ids[3];
	int fds[3], held[3] = { 9, 9, 9 };
	struct stat st;
	pid_t a = -1, b = -1;

	/* Made one at a time: a holder forked later has the earlier ones too, one forked earlier not the later. */
	for (unsigned k = 0; k < 3; k++) {
		unsigned i = k == 2 ? 1 : k == 1 ? 2 : 0;	/* 0, 2, then 1: nobody but this process has 1 */

		CHECK((fds[i] = memfd_create("buf", MFD_CLOEXEC)) >= 0);
		CHECK(ftruncate(fds[i], 4096) == 0);
		CHECK_INT(fstat(fds[i], &st), 0);
		ids[i] = (struct holder_id){ st.st_dev, st.st_ino };
		if (i == 0)
			a = holder(NULL, fds[0], FD);
		else if (i == 2)
			b = holder(NULL, fds[2], MAPPING);
	}
	/* core's own fds (this process) do not count */
	CHECK_INT(holders_scan(NULL, NULL, 0, ids, 3, held, NULL, NULL, 0), 1);
	CHECK_INT(held[0], 1);
	CHECK_INT(held[1], 0);
	CHECK_INT(held[2], 1);
	reap(a);
	reap(b);
	CHECK_INT(holders_scan(NULL, NULL, 0, ids, 3, held, NULL, NULL, 0), 0);
	CHECK_INT(held[0] + held[1] + held[2], 0);
	for (unsigned i = 0; i < 3; i++)
		close(fds[i]);
}

/*
 * The DMA use looks in steps bounded in time (holders_pass_*): a holder
 * with 8192 fds (each readlink'ed and stat'ed) cannot be looked at in one
 * step of 1 ms, and the pass resumes where it stopped until it has seen
 * the one file held, at the end of that fd table, behind all the others.
 */
TEST(fn_holders_pass_in_steps_resumes_and_finds_the_holder)
{
	struct holder_id id[2];
	struct stat st;
	struct holders_pass *p;
	int buf, lookalike, steps = 0, ready[2], stop[2];
	pid_t pid;
	char c;

	CHECK((buf = memfd_create("buf", MFD_CLOEXEC)) >= 0);
	CHECK((lookalike = memfd_create("lookalike", MFD_CLOEXEC)) >= 0);
	CHECK_INT(fstat(buf, &st), 0);
	id[0] = (struct holder_id){ st.st_dev, st.st_ino };
	id[1] = (struct holder_id){ st.st_dev, st.st_ino + 1000000 };	/* held by nobody */
	CHECK(pipe(ready) == 0 && pipe(stop) == 0);
	if (!(pid = fork())) {
		struct rlimit rl = { 8192, 8192 };
		int last = -1, fd;

		close(ready[0]);
		close(stop[1]);
		if (setrlimit(RLIMIT_NOFILE, &rl))
			_exit(1);
		while ((fd = dup(lookalike)) >= 0)
			last = fd;
		/* the buffer's only copy here at the last fd: read last */
		if (last < 0 || dup2(buf, last) != last || close(buf) || write(ready[1], "r", 1) != 1)
			_exit(1);
		while (read(stop[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(stop[0]);
	close(lookalike);
	CHECK_INT(read(ready[0], &c, 1), 1);
	close(buf);	/* the child's is the only one now */
	CHECK((p = holders_pass_begin(NULL, id, 2)) != NULL);
	while (steps < 100000 && !holders_pass_step(p, 1))
		steps++;
	CHECK(steps > 0);	/* it took more than one step */
	CHECK(steps < 100000);	/* and it got on: each step resumed where the last stopped */
	CHECK_INT(holders_pass_held(p)[0], 1);
	CHECK_INT(holders_pass_held(p)[1], 0);
	holders_pass_end(p);
	close(stop[1]);
	CHECK_INT(waitpid(pid, NULL, 0), pid);
	close(ready[0]);
}
