/*
 * IO_MEM op HOLDERS finds what a child forked (issue 22 finding 9): a
 * driver child forks, the fork keeps the BAR's mapping, the child itself
 * lets go. Asking by the child's pid alone answered "nobody"; core asks
 * by uid too (each child's uid is its own: privdrop.h), as its uid sweep
 * kills. Needs root: only a privileged core gives children their own uid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mkx/io_mem.h>
#include "../../core-services/core.h"
#include "../../core-services/privdrop.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct start_cfg asker_cfg = { .name = "platform", .ram_quota = 64 << 20 };
static struct start_cfg drv_cfg = { .name = "drv_a", .ram_quota = 64 << 20 };

static int
call(void *st, uint16_t op, struct mkx_reply *r)
{
	static struct mkx_msg m;

	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = op;
	memset(r, 0, sizeof *r);
	return service_io_mem.call(st, &m, r);
}

/* A process of uid that maps fd (if map) or holds nothing, and waits to be killed; in a session of its own. */
static pid_t
as_uid(uid_t uid, int fd, size_t len, int map)
{
	int p[2];
	pid_t pid;
	char c;

	CHECK(pipe(p) == 0);
	if (!(pid = fork())) {
		setsid();	/* gone from the child's process group, as a daemonizing fork */
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(1);
		if (map && mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
			_exit(1);
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

TEST(holders_finds_a_fork_of_another_child_by_uid)
{
	static struct mkx_reply r;
	struct mkx_io_mem_holder h, h2;
	struct mkx_io_mem_ds ds;
	pid_t drv, fork_of_drv;
	char why[512];
	void *s;
	int fd;

	if (geteuid())
		harness_skip("needs root: only a privileged core gives each child its own uid");
	CHECK_INT(privdrop_init(), 1);
	{
		static const char xml[] =
		    "<config>\n<io_mem backend=\"sim\">\n"
		    "<policy label=\"platform\" pci=\"00:01.0\" bar=\"0\"/>\n"
		    "</io_mem><start name=\"a\"><binary name=\"true\"/></start></config>";

		CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	}
	CHECK_INT(io_mem_select(&cfg), 0);
	memset(child_table, 0, 2 * sizeof child_table[0]);
	child_table[0] = (struct child){ .cfg = &asker_cfg, .ram_left = 64 << 20, .pid = getpid() };
	child_table[1] = (struct child){ .cfg = &drv_cfg, .ram_left = 64 << 20, .pid = -1 };
	nchildren = 2;
	CHECK_INT(service_io_mem.open(&child_table[0], "platform", "base=0xfd000000, size=0x1000", &s, why, sizeof why), 0);
	CHECK_INT(call(s, MKX_IO_MEM_DATASPACE, &r), 0);
	memcpy(&ds, r.payload, sizeof ds);
	fd = r.fds[0];

	/* drv_a itself runs and holds nothing; what it forked keeps the mapping */
	drv = child_table[1].pid = as_uid(privdrop_uid(1), fd, ds.length, 0);
	fork_of_drv = as_uid(privdrop_uid(1), fd, ds.length, 1);
	/* every process killed before any check: a failed check must leave none behind */
	CHECK_INT(call(s, MKX_IO_MEM_HOLDERS, &r), 0);
	memcpy(&h, r.payload, sizeof h);
	kill(fork_of_drv, SIGKILL);
	waitpid(fork_of_drv, NULL, 0);
	/* the fork gone: nobody (the asker's own mapping is never an answer) */
	CHECK_INT(call(s, MKX_IO_MEM_HOLDERS, &r), 0);
	memcpy(&h2, r.payload, sizeof h2);
	kill(drv, SIGKILL);
	waitpid(drv, NULL, 0);
	CHECK_INT(h.pid, fork_of_drv);
	CHECK(!strcmp(h.name, "drv_a"));
	CHECK_STR_HAS(h.what, "a mapping of /memfd:sim-bar-00:01.0");
	CHECK_INT(h2.pid, 0);
	service_io_mem.close(s);
}
