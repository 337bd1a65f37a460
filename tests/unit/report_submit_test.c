/*
 * What core's Report service reads (service_report.c, issue 22 "Also
 * close"): core has one thread, so SUBMIT must take only a document core
 * can read without waiting on anyone. Before, any regular file was read
 * with pread: a file on FUSE (a regular file whose reads a user's server
 * answers, or never) stalled core. Now only a memfd sealed against write,
 * shrink and grow is taken. A regular file on disk stands in for the FUSE
 * file here (same file type, which is all the old check looked at); a
 * FIFO, an unsealed memfd and a partly sealed one are refused as well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fuse.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/report.h>
#include <mkx/rpc.h>
#include "../../core-services/core.h"
#include "harness.h"

static struct core_config cfg;
static struct start_cfg cfg_r = { .name = "r", .ram_quota = 1 << 20 };
static struct child cr = { .cfg = &cfg_r, .ram_left = 1 << 20 };

static const char doc[] = "<report/>";

static int
submit(void *st, int fd, uint64_t size)
{
	static struct mkx_msg m;
	static struct mkx_reply r;

	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = MKX_REPORT_SUBMIT;
	m.hdr.len = sizeof size;
	m.hdr.nfds = 1;
	m.fds[0] = fd;
	memcpy(m.payload, &size, sizeof size);
	r.len = 0;
	return service_report.call(st, &m, &r);
}

static void *
open_report(void)
{
	char why[256];
	void *st = NULL;

	core_cfg = &cfg;
	CHECK_INT(service_report.open(&cr, "r -> r", "", &st, why, sizeof why), 0);
	return st;
}

static int
memfd_with(unsigned seals)
{
	int fd = memfd_create("doc", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	CHECK(fd >= 0);
	CHECK_INT(write(fd, doc, sizeof doc - 1), sizeof doc - 1);
	if (seals)
		CHECK_INT(fcntl(fd, F_ADD_SEALS, seals), 0);
	return fd;
}

TEST(report_sealed_memfd_is_published)
{
	void *st = open_report();
	int fd = memfd_with(F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);

	CHECK_INT(submit(st, fd, sizeof doc - 1), 0);
	CHECK(report_blob("r -> r") != NULL);
	close(fd);
	service_report.close(st);
}

/* The FUSE stand-in: a regular file, which core would pread whatever serves it. */
TEST(report_regular_file_is_refused)
{
	char path[] = "/tmp/mkx-report-XXXXXX";
	void *st = open_report();
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	unlink(path);
	CHECK_INT(write(fd, doc, sizeof doc - 1), sizeof doc - 1);
	CHECK_INT(submit(st, fd, sizeof doc - 1), -EINVAL);
	CHECK(report_blob("r -> r") == NULL);
	close(fd);
	service_report.close(st);
}

TEST(report_fifo_is_refused)
{
	void *st = open_report();
	int p[2];

	CHECK_INT(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	CHECK_INT(submit(st, p[0], 4), -EINVAL);
	close(p[0]);
	close(p[1]);
	service_report.close(st);
}

/* Unsealed, the reporter could still change or cut the document under core's read. */
TEST(report_unsealed_or_partly_sealed_memfd_is_refused)
{
	static const unsigned partial[] = { 0, F_SEAL_WRITE, F_SEAL_WRITE | F_SEAL_SHRINK,
	    F_SEAL_SHRINK | F_SEAL_GROW };
	void *st = open_report();

	for (unsigned i = 0; i < sizeof partial / sizeof partial[0]; i++) {
		int fd = memfd_with(partial[i]);

		CHECK_INT(submit(st, fd, sizeof doc - 1), -EINVAL);
		close(fd);
	}
	CHECK(report_blob("r -> r") == NULL);
	service_report.close(st);
}

TEST(report_size_beyond_the_sealed_memfd_is_refused)
{
	void *st = open_report();
	int fd = memfd_with(F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);

	CHECK_INT(submit(st, fd, sizeof doc + 100), -EINVAL);
	close(fd);
	service_report.close(st);
}

/* libmkx's client seals what it sends: a component using it is published as before. */
TEST(report_client_seals_its_document)
{
	int sv[2];

	CHECK_INT(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	{
		struct mkx_report r = { .s = { .sock = sv[0] } };
		static struct mkx_msg m;
		pid_t pid = fork();

		CHECK(pid >= 0);
		if (pid == 0) {
			close(sv[1]);	/* so that the parent's end going away ends our wait for its reply */
			_exit(mkx_report_submit(&r, doc, sizeof doc - 1) ? 1 : 0);
		}
		close(sv[0]);
		CHECK_INT(mkx_rpc_recv(sv[1], &m), 0);
		CHECK_INT(m.hdr.op, MKX_REPORT_SUBMIT);
		CHECK_INT(m.hdr.nfds, 1);
		CHECK_INT(fcntl(m.fds[0], F_GET_SEALS) & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW),
		    F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
		{
			void *st = open_report();

			CHECK_INT(submit(st, m.fds[0], sizeof doc - 1), 0);
			service_report.close(st);
		}
		CHECK_INT(mkx_rpc_send(sv[1], 0, m.hdr.seq, 0, NULL, 0, NULL, 0), 0);
		mkx_msg_close_fds(&m);
		close(sv[1]);
	}
}

/*
 * A FUSE server that answers what opening a file needs (INIT, LOOKUP,
 * GETATTR, OPEN) and never a READ: the FUSE-backed "document" of the
 * issue. Runs until killed.
 */
static void __attribute__((noreturn))
fuse_server(int dev)
{
	static char in[FUSE_MIN_READ_BUFFER + 65536];

	for (;;) {
		struct fuse_in_header *h = (struct fuse_in_header *)in;
		struct {
			struct fuse_out_header o;
			union {
				struct fuse_init_out init;
				struct fuse_entry_out entry;
				struct fuse_attr_out attr;
				struct fuse_open_out open;
			} u;
		} out;
		struct fuse_attr *a = NULL;
		ssize_t n = read(dev, in, sizeof in);
		size_t len = sizeof out.o;

		if (n < (ssize_t)sizeof *h)
			_exit(n < 0 && errno == ENODEV ? 0 : 1);
		memset(&out, 0, sizeof out);
		out.o.unique = h->unique;
		switch (h->opcode) {
		case FUSE_INIT:
			out.u.init.major = FUSE_KERNEL_VERSION;
			out.u.init.minor = FUSE_KERNEL_MINOR_VERSION;
			out.u.init.max_write = 4096;
			len += sizeof out.u.init;
			break;
		case FUSE_LOOKUP:
			out.u.entry.nodeid = 2;
			a = &out.u.entry.attr;
			len += sizeof out.u.entry;
			break;
		case FUSE_GETATTR:
			a = &out.u.attr.attr;
			len += sizeof out.u.attr;
			break;
		case FUSE_OPEN:
			len += sizeof out.u.open;
			break;
		case FUSE_READ:
			continue;	/* never answered */
		default:
			out.o.error = -ENOSYS;
			break;
		}
		if (a) {
			uint64_t node = h->opcode == FUSE_LOOKUP ? 2 : h->nodeid;

			a->ino = node;
			a->mode = node == 1 ? S_IFDIR | 0755 : S_IFREG | 0444;
			a->size = node == 1 ? 0 : 4096;
			a->nlink = 1;
		}
		out.o.len = (uint32_t)len;
		if (write(dev, &out, len) < 0 && errno != ENOENT)
			_exit(1);
	}
}

TEST(report_fuse_file_that_never_answers_does_not_stall_core)
{
	char dir[] = "/tmp/mkx-fuse-XXXXXX", opts[128], path[64];
	int dev, fd, status, rc = -1;
	pid_t server, submitter;
	void *st;

	if (geteuid() != 0)
		harness_skip("mounting FUSE needs root here");
	/* A private mount namespace: the mount goes away with this test's process. */
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		harness_skip("no mount namespace of our own (a container without CAP_SYS_ADMIN?)");
	CHECK(mkdtemp(dir) != NULL);
	if ((dev = open("/dev/fuse", O_RDWR | O_CLOEXEC)) < 0)
		harness_skip("no /dev/fuse");
	snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=0,group_id=0", dev);
	if (mount("mkx-fuse", dir, "fuse", MS_NOSUID | MS_NODEV, opts)) {
		rmdir(dir);
		harness_skip("cannot mount FUSE here");
	}
	server = fork();
	CHECK(server >= 0);
	if (server == 0)
		fuse_server(dev);
	snprintf(path, sizeof path, "%s/doc", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	st = open_report();
	/* core's call in a child of its own: if it waits on the server, this test must not. */
	submitter = fork();
	CHECK(submitter >= 0);
	if (submitter == 0) {
		close(dev);	/* the connection must end when the test closes its copy */
		_exit(submit(st, fd, 16) == -EINVAL ? 0 : 1);
	}
	for (unsigned ms = 0; ms < 5000; ms += 10) {
		if ((rc = waitpid(submitter, &status, WNOHANG)) != 0)
			break;
		usleep(10000);
	}
	/*
	 * A read waiting on FUSE ignores even SIGKILL: only the end of the
	 * connection (its last /dev/fuse fd closed) lets a stalled submitter go.
	 */
	if (rc == 0)
		kill(submitter, SIGKILL);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	close(dev);
	if (rc == 0) {
		waitpid(submitter, NULL, 0);
		harness_fail(__FILE__, __LINE__, "core's SUBMIT still waited on the FUSE server after 5 s: core stalled");
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}
