/*
 * Who still holds a function's resources (core-services/linux/fn_holders.c)
 * on real processes and the real /proc: children that keep a mapping
 * without the fd, an fd without a mapping, or nothing, of a stand-in for
 * a BAR file; and the sim backend's BAR memfds (io_mem_sim.c).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

TEST(fn_holders_mapping_fd_and_nothing)
{
	char dir[] = "/tmp/fn_holders.XXXXXX", file[96], targets[2][HOLDER_PATH_MAX], what[256];
	struct holder_cand c[2];
	unsigned which = 9;
	pid_t none, mapped, fd;
	int f;

	CHECK(mkdtemp(dir));
	snprintf(file, sizeof file, "%s/resource0", dir);
	CHECK((f = open(file, O_RDWR | O_CREAT, 0600)) >= 0);
	CHECK(ftruncate(f, 4096) == 0);
	close(f);
	snprintf(targets[0], HOLDER_PATH_MAX, "%s/resource*", dir);
	snprintf(targets[1], HOLDER_PATH_MAX, "/dev/uio-not-here");
	none = holder(file, -1, NOTHING);
	mapped = holder(file, -1, MAPPING);
	fd = holder(file, -1, FD);

	c[0] = (struct holder_cand){ none, "none" };
	c[1] = (struct holder_cand){ mapped, "mapped" };
	CHECK_INT(holders_scan(NULL, targets, 2, c, 2, &which, what, sizeof what), 1);
	CHECK_INT(which, 1);
	CHECK_STR_HAS(what, "a mapping of ");
	CHECK_STR_HAS(what, "/resource0");

	c[1] = (struct holder_cand){ fd, "fd" };
	CHECK_INT(holders_scan(NULL, targets, 2, c, 2, &which, what, sizeof what), 1);
	CHECK_INT(which, 1);
	CHECK_STR_HAS(what, "fd ");
	CHECK_STR_HAS(what, " on ");

	CHECK_INT(holders_scan(NULL, targets, 2, c, 1, &which, what, sizeof what), 0);
	/* An exact target that is not the file matches nothing. */
	snprintf(targets[0], HOLDER_PATH_MAX, "%s/resource", dir);
	c[0] = (struct holder_cand){ mapped, "mapped" };
	CHECK_INT(holders_scan(NULL, targets, 1, c, 2, &which, what, sizeof what), 0);
	/* Gone: it holds nothing any more. */
	snprintf(targets[0], HOLDER_PATH_MAX, "%s/resource*", dir);
	reap(mapped);
	reap(fd);
	CHECK_INT(holders_scan(NULL, targets, 1, c, 2, &which, what, sizeof what), 0);
	reap(none);
	unlink(file);
	rmdir(dir);
}

TEST(fn_holders_sim_bar_memfd_named_by_function)
{
	struct pci_res r = { .bdf = 3 << 3, .bar = 0, .type = PCI_RES_MEM, .start = 0xfe000000, .size = 4096 };
	char targets[HOLDER_TARGETS_MAX][HOLDER_PATH_MAX], what[256];
	struct holder_cand c[1];
	unsigned which;
	int wc, fd, n;
	pid_t pid;

	CHECK((fd = io_mem_sim.open_bar(&r, 0, &wc)) >= 0);
	CHECK_INT((n = io_mem_sim.fn_targets(3 << 3, targets, HOLDER_TARGETS_MAX)), 1);
	pid = holder(NULL, fd, MAPPING);
	close(fd);
	c[0] = (struct holder_cand){ pid, "drv_a" };
	CHECK_INT(holders_scan(NULL, targets, (unsigned)n, c, 1, &which, what, sizeof what), 1);
	CHECK_STR_HAS(what, "a mapping of /memfd:sim-bar-00:03.0");
	/* Another function's targets do not name it. */
	CHECK_INT((n = io_mem_sim.fn_targets(4 << 3, targets, HOLDER_TARGETS_MAX)), 1);
	CHECK_INT(holders_scan(NULL, targets, (unsigned)n, c, 1, &which, what, sizeof what), 0);
	reap(pid);
}
