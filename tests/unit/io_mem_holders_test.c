/*
 * IO_MEM op HOLDERS on the sim backend (core-services/service_io_mem.c):
 * core names the child that still maps what it handed out for a BAR's
 * function, never the asker, nobody once that child is gone, and refuses
 * the op on a session that is no PCI BAR; op RUNNING about the asker's
 * clients only.
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
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct start_cfg asker_cfg = { .name = "platform", .ram_quota = 64 << 20 };
static struct start_cfg drv_cfg = { .name = "drv_a", .ram_quota = 64 << 20 };

static void
setup(void)
{
	static const char xml[] =
	    "<config>\n<io_mem backend=\"sim\">\n"
	    "<policy label=\"platform\" pci=\"00:01.0\" bar=\"0\"/>\n"
	    "<policy label=\"platform\" base=\"0xc0000\" size=\"0x40000\" snapshot=\"yes\"/>\n"
	    "</io_mem><start name=\"a\"><binary name=\"true\"/></start></config>";

	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
	memset(child_table, 0, 2 * sizeof child_table[0]);
	child_table[0] = (struct child){ .cfg = &asker_cfg, .ram_left = 64 << 20, .pid = getpid() };
	child_table[1] = (struct child){ .cfg = &drv_cfg, .ram_left = 64 << 20, .pid = -1 };
	nchildren = 2;
}

static int
call(void *st, uint16_t op, struct mkx_reply *r)
{
	static struct mkx_msg m;

	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = op;
	memset(r, 0, sizeof *r);
	return service_io_mem.call(st, &m, r);
}

/* A child that maps fd and waits to be killed (the client that released but kept its mapping). */
static pid_t
mapper(int fd, size_t len)
{
	int p[2];
	pid_t pid;
	char c;

	CHECK(pipe(p) == 0);
	if (!(pid = fork())) {
		if (mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
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

TEST(io_mem_holders_names_the_child_that_still_maps)
{
	static struct mkx_reply r;
	struct mkx_io_mem_holder h;
	struct mkx_io_mem_ds ds;
	char why[512];
	void *s, *snap;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&child_table[0], "platform", "base=0xfd000000, size=0x1000", &s, why, sizeof why), 0);
	CHECK_INT(call(s, MKX_IO_MEM_DATASPACE, &r), 0);
	memcpy(&ds, r.payload, sizeof ds);
	fd = r.fds[0];

	CHECK_INT(call(s, MKX_IO_MEM_HOLDERS, &r), 0);	/* nobody but the asker (this process) */
	CHECK_INT(r.len, sizeof h);
	memcpy(&h, r.payload, sizeof h);
	CHECK_INT(h.pid, 0);

	child_table[1].pid = mapper(fd, ds.length);
	CHECK_INT(call(s, MKX_IO_MEM_HOLDERS, &r), 0);
	memcpy(&h, r.payload, sizeof h);
	CHECK_INT(h.pid, child_table[1].pid);
	CHECK(!strcmp(h.name, "drv_a"));
	CHECK_STR_HAS(h.what, "a mapping of /memfd:sim-bar-00:01.0");	/* found by device and inode, the name for people */

	kill(child_table[1].pid, SIGKILL);
	waitpid(child_table[1].pid, NULL, 0);
	CHECK_INT(call(s, MKX_IO_MEM_HOLDERS, &r), 0);	/* gone: holds nothing */
	memcpy(&h, r.payload, sizeof h);
	CHECK_INT(h.pid, 0);

	CHECK_INT(service_io_mem.open(&child_table[0], "platform", "base=0xc0000, size=0x1000", &snap, why, sizeof why), 0);
	CHECK_INT(call(snap, MKX_IO_MEM_HOLDERS, &r), -ENOSYS);	/* no PCI function to ask about */
	service_io_mem.close(snap);
	service_io_mem.close(s);
}

static int
call_running(void *st, const char *name, size_t len, int32_t *pid)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	int err;

	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = MKX_IO_MEM_RUNNING;
	m.hdr.len = (uint32_t)len;
	memcpy(m.payload, name, len);
	memset(&r, 0, sizeof r);
	*pid = -1;
	if ((err = service_io_mem.call(st, &m, &r)))
		return err;
	CHECK_INT(r.len, sizeof *pid);
	memcpy(pid, r.payload, sizeof *pid);
	return 0;
}

/*
 * RUNNING: core says whether the asker's client still runs (its pid, 0
 * once reaped), and answers about any other child, existing or not, with
 * the same -EPERM.
 */
TEST(io_mem_running_answers_only_about_the_askers_clients)
{
	static struct start_cfg other_cfg = { .name = "other", .ram_quota = 64 << 20 };
	char why[512];
	int32_t pid;
	void *s;

	setup();
	child_table[2] = (struct child){ .cfg = &other_cfg, .ram_left = 64 << 20, .pid = 4321 };
	nchildren = 3;
	child_table[1].pid = 1234;
	child_table[1].asked = 1u << 0;	/* drv_a asked "platform" for a session */
	child_table[2].asked = 1u << 1;	/* other asked drv_a, not the asker */
	CHECK_INT(service_io_mem.open(&child_table[0], "platform", "base=0xc0000, size=0x1000", &s, why, sizeof why), 0);

	CHECK_INT(call_running(s, "drv_a", 6, &pid), 0);
	CHECK_INT(pid, 1234);
	CHECK_INT(call_running(s, "other", 6, &pid), -EPERM);	/* runs, but not a client of the asker */
	CHECK_INT(call_running(s, "nobody", 7, &pid), -EPERM);	/* the same answer: names are not revealed */
	CHECK_INT(call_running(s, "platform", 9, &pid), -EPERM);	/* not its own client either */
	CHECK_INT(call_running(s, "drv_a", 5, &pid), -EINVAL);	/* not NUL-terminated */
	CHECK_INT(call_running(s, "", 0, &pid), -EINVAL);

	child_table[1].state = CHILD_EXITED;	/* reaped: child_reap killed its uid's processes first */
	CHECK_INT(call_running(s, "drv_a", 6, &pid), 0);
	CHECK_INT(pid, 0);
	service_io_mem.close(s);
}
