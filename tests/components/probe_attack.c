/*
 * A hostile component for tests/integration/probe_test.sh: it tries one
 * attack on core per run, chosen by its config (<config attack="..."/>),
 * and says how it went on one line:
 *   "probe <attack>: refused: ..."       core (or the kernel) held;
 *   "probe <attack>: HOLE: ..."          it did not;
 *   "probe <attack>: inconclusive: ..."  the attack could not be made (no
 *                                        ROM, no session, a first allocation
 *                                        refused, every try lost a race):
 *                                        nothing was shown, and the test
 *                                        fails on it as on a hole.
 * Whether core itself survived (not crashed, not stalled) the test sees
 * from outside.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/io_mem.h>
#include <mkx/irq.h>
#include <mkx/log.h>
#include <mkx/report.h>
#include <mkx/rom.h>
#include <mkx/session.h>

static struct mkx_xml *cfg;

enum verdict { REFUSED, HOLE, INCONCLUSIVE };

static void
result(const char *attack, enum verdict v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
result(const char *attack, enum verdict v, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mkx_log("probe %s: %s: %s", attack, v == REFUSED ? "refused" : v == HOLE ? "HOLE" : "inconclusive", msg);
}

/* A yes/no outcome: hole if the attack worked, refused if not. */
#define HOLE_IF(c)	((c) ? HOLE : REFUSED)

/* The kernel's refusals (a permission check, a seal, a read-only file); anything else shows nothing. */
static enum verdict
kernel_said(int e)
{
	return e == EPERM || e == EACCES || e == EROFS ? REFUSED : INCONCLUSIVE;
}

/* A ROM session's dataspace fd and size; -errno. */
static int
rom_fd(struct mkx_session *s, const char *name, uint64_t *size)
{
	static struct mkx_msg reply;
	char args[160], why[256];
	int err, fd;

	snprintf(args, sizeof args, "label=\"%s\"", name);
	if ((err = mkx_session_open(s, "ROM", args, why, sizeof why))) {
		mkx_log("ROM %s: %s: %s", name, strerror(-err), why);
		return err;
	}
	if ((err = mkx_session_call(s, MKX_ROM_DATASPACE, NULL, 0, NULL, 0, &reply)))
		return err;
	if (reply.hdr.status)
		return reply.hdr.status;
	fd = mkx_msg_take_fd(&reply, 0);
	memcpy(size, reply.payload, sizeof *size);
	return fd;
}

/*
 * A ROM dataspace is a read-only open of core's memfd. Reopened through
 * /proc/self/fd it would be a new open file of the same inode, with the
 * permissions of that inode: a memfd's are 0777. Writes and growth are
 * sealed, shrinking is not (core revokes by truncating): a reader that
 * truncates the shared version makes every other mapping of it fault
 * (SIGBUS), core's own included.
 */
static void
rom_truncate(void)
{
	struct mkx_session s, s2;
	uint64_t size, size2;
	char path[64];
	int fd = rom_fd(&s, "config", &size), rw, fd2;
	struct stat st;

	if (fd < 0) {
		result("rom_truncate", INCONCLUSIVE, "no ROM: %s", strerror(-fd));
		return;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	rw = open(path, O_RDWR);
	if (rw < 0) {
		result("rom_truncate", kernel_said(errno), "reopening the ROM dataspace read-write: %s", strerror(errno));
		return;
	}
	if (ftruncate(rw, 0)) {
		result("rom_truncate", kernel_said(errno), "reopened read-write, but truncating: %s", strerror(errno));
		return;
	}
	fstat(fd, &st);
	/* The same version again: core compares its content with the (now empty) memfd. */
	fd2 = rom_fd(&s2, "config", &size2);
	result("rom_truncate", HOLE, "reopened the %lu-byte ROM read-write and truncated it to %ld bytes; "
	    "core answered the next fetch with %d", (unsigned long)size, (long)st.st_size, fd2);
}

/*
 * close() of a TCP socket with SO_LINGER set and unsent data waits for
 * the linger time: handed to core in any message, the socket would be
 * closed by core. Our end keeps no reference, so core's close is the
 * last one. The peer is our own listener that never reads.
 */
static int
lingering_socket(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;
	struct linger lg = { 1, 10 };	/* core would wait 10 s */
	int l = socket(AF_INET, SOCK_STREAM, 0), c, acc, small = 4096;
	static char junk[65536];
	ssize_t n;

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &al))
		return -errno;
	c = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a))
		return -errno;
	acc = accept(l, NULL, NULL);
	if (acc < 0)
		return -errno;
	setsockopt(acc, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	fcntl(c, F_SETFL, O_NONBLOCK);
	/* Fill the send queue: the peer never reads, so the FIN cannot go out. */
	do
		n = send(c, junk, sizeof junk, MSG_NOSIGNAL);
	while (n > 0);
	fcntl(c, F_SETFL, 0);
	if (setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg))
		return -errno;
	/* acc and l stay open (with this process): the connection lives on. */
	return c;
}

static int
send_with_fd(int sock, uint16_t op, const void *p, size_t len, int fd)
{
	return mkx_rpc_send(sock, op, 1, 0, p, len, &fd, 1);
}

/*
 * The lingering socket rides in flight inside a socket pair whose other
 * end we close: core's close of the carrier drops the last reference, so
 * the linger wait is core's whatever the timing.
 */
static int
carrier_of(int fd)
{
	int sv[2], err;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	err = mkx_rpc_send(sv[0], 1, 0, 0, NULL, 0, &fd, 1);
	close(sv[0]);
	close(fd);
	if (err) {
		close(sv[1]);
		return err;
	}
	return sv[1];
}

/* n messages core reads and ignores (EXIT on the parent channel), to queue something behind. */
static void
fillers(int sock, uint16_t op, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (mkx_rpc_send(sock, op, 0, 0, NULL, 0, NULL, 0))
			break;
}

/*
 * Ways to make core drop the last reference to a lingering socket:
 *  parent:   in flight in a carrier, attached to an unknown op (core closes what it received);
 *  many_fds: the carrier as fd 20 of one message (more than core takes: the kernel drops the rest
 *            while core receives);
 *  exit:     the socket itself queued behind fillers on the parent channel, then we exit (core
 *            closes the channel with the message still in it);
 *  session:  the carrier queued behind garbage on a LOG session (core closes the session
 *            with the message still in it).
 */
static void
linger_close(const char *where)
{
	int fd = lingering_socket(), err = 0, sock = mkx_parent_fd();
	struct mkx_session s;
	char why[256];
	struct timespec t0, t1;
	long ms;

	if (fd < 0) {
		result("linger_close", INCONCLUSIVE, "no lingering socket here: %s", strerror(-fd));
		return;
	}
	if (!strcmp(where, "exit")) {
		fillers(sock, MKX_OP_EXIT, 200);
		send_with_fd(sock, MKX_OP_EXIT, NULL, 0, fd);
		mkx_log("probe linger_close: queued, exiting");
		mkx_log_flush();
		_exit(0);
	}
	if (!strcmp(where, "session")) {
		/*
		 * Garbage makes core close the session, with the carrier queued
		 * behind it. If core gets there before the carrier is queued
		 * (the send fails), or before we closed our own reference (then
		 * our close waits), the try proves nothing: try again.
		 */
		for (unsigned tries = 0; ; tries++) {
			if (tries == 8) {
				result("linger_close", INCONCLUSIVE, "core always closed the session first");
				return;
			}
			if ((err = mkx_session_open(&s, "LOG", "label=\"x\"", why, sizeof why))) {
				result("linger_close", INCONCLUSIVE, "no LOG session: %s", why);
				return;
			}
			if (fd < 0)
				fd = lingering_socket();
			if (fd < 0 || (fd = carrier_of(fd)) < 0) {
				result("linger_close", INCONCLUSIVE, "no carrier: %s", strerror(-fd));
				return;
			}
			fillers(s.sock, 0x1ff, 30);
			if (send(s.sock, "garbage!", 8, MSG_NOSIGNAL) != 8 ||
			    send_with_fd(s.sock, 0x1ff, NULL, 0, fd)) {
				mkx_log("probe linger_close: try %u: core was first", tries);
				fd = -1;	/* the carrier stays open: closing it ourselves would wait */
				continue;
			}
			clock_gettime(CLOCK_MONOTONIC, &t0);
			close(fd);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			fd = -1;
			if (t1.tv_sec - t0.tv_sec < 2)
				break;
			mkx_log("probe linger_close: try %u: our close was the last", tries);
		}
	} else for (unsigned tries = 0; ; tries++) {
		if (tries == 8) {
			result("linger_close", INCONCLUSIVE, "core always took the carrier first");
			return;
		}
		if (fd < 0)
			fd = lingering_socket();
		if (fd < 0 || (fd = carrier_of(fd)) < 0) {
			result("linger_close", INCONCLUSIVE, "no carrier: %s", strerror(-fd));
			return;
		}
		fillers(sock, MKX_OP_EXIT, 200);
		if (!strcmp(where, "many_fds")) {
			int fds[20];

			for (unsigned i = 0; i < 19; i++)
				fds[i] = 0;	/* /dev/null */
			fds[19] = fd;
			/* Past mkx_rpc_send's limit of 4: by hand. */
			{
				struct mkx_msg_hdr h = { .magic = MKX_MAGIC, .version = MKX_PROTO_VERSION,
				    .op = MKX_OP_EXIT, .nfds = 20 };
				struct iovec iov = { .iov_base = &h, .iov_len = sizeof h };
				union { char b[CMSG_SPACE(sizeof fds)]; struct cmsghdr a; } ctl;
				struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.b, .msg_controllen = sizeof ctl.b };
				struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

				c->cmsg_level = SOL_SOCKET;
				c->cmsg_type = SCM_RIGHTS;
				c->cmsg_len = CMSG_LEN(sizeof fds);
				memcpy(CMSG_DATA(c), fds, sizeof fds);
				err = sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
			}
		} else
			err = send_with_fd(sock, 0x77, NULL, 0, fd);
		/* Core must not have reached the carrier yet, or our close is the last (and waits). */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		close(fd);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fd = -1;
		if (err || t1.tv_sec - t0.tv_sec < 2)
			break;
		mkx_log("probe linger_close: try %u: our close was the last", tries);
	}
	if (err) {
		result("linger_close", INCONCLUSIVE, "could not send: %s", strerror(-err));
		return;
	}
	usleep(100000);
	/* Does core still answer? Time a fresh session open. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mkx_session_open(&s, "LOG", "label=\"y\"", why, sizeof why);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	result("linger_close", HOLE_IF(ms > 1000), "core answered the next session request after %ld ms (%s)",
	    ms, err ? strerror(-err) : "granted");
}

/*
 * Leave a process behind: a grandchild outlives its parent, the child core
 * started. Core releases the child's grants when it reaps it (its direct
 * ports, its BARs), but the grandchild holds what it inherited: the same
 * fds, the same ioperm bitmap. On a host it also outlives core (the death
 * signal is not inherited). new_session: it leaves the process group too.
 */
static void
orphan(int new_session)
{
	pid_t p;
	int ready[2];
	char c;

	if (pipe(ready)) {
		result("orphan", INCONCLUSIVE, "pipe: %s", strerror(errno));
		return;
	}
	p = fork();
	if (p < 0) {
		result("orphan", INCONCLUSIVE, "fork: %s", strerror(errno));
		return;
	}
	if (p == 0) {
		if (new_session)
			setsid();
		close(ready[0]);
		close(ready[1]);	/* tells the parent we are set up */
		for (int i = 0; i < 50; i++)	/* 5 s at most, then gone by itself */
			usleep(100000);
		_exit(0);
	}
	close(ready[1]);
	(void)!read(ready[0], &c, 1);
	mkx_log("probe orphan: grandchild %d left behind (uid %u)", (int)p, (unsigned)getuid());
}

/*
 * The same against a component that serves (libmkx's server loop, as the
 * platform driver and the NIC driver use it): garbage makes hello_server
 * close our session with the carrier still queued in it. Then: does it
 * still answer a session request?
 */
static void
linger_server(void)
{
	struct mkx_session s, s2;
	char why[256];
	struct timespec t0, t1;
	int fd = -1, err;
	long ms;

	for (unsigned tries = 0; ; tries++) {
		if (tries == 8) {
			result("linger_server", INCONCLUSIVE, "the server always closed the session first");
			return;
		}
		if ((err = mkx_session_open(&s, "Hello", "", why, sizeof why))) {
			result("linger_server", INCONCLUSIVE, "no Hello session: %s", why);
			return;
		}
		if ((fd = lingering_socket()) < 0 || (fd = carrier_of(fd)) < 0) {
			result("linger_server", INCONCLUSIVE, "no carrier");
			return;
		}
		fillers(s.sock, 0x1ff, 30);
		if (send(s.sock, "garbage!", 8, MSG_NOSIGNAL) != 8 ||
		    mkx_rpc_send(s.sock, 0x1ff, 0, 0, NULL, 0, &fd, 1)) {
			mkx_log("probe linger_server: try %u: the server was first", tries);
			continue;	/* the carrier stays open: closing it ourselves would wait */
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		close(fd);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec < 2)
			break;
		mkx_log("probe linger_server: try %u: our close was the last", tries);
	}
	usleep(100000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mkx_session_open(&s2, "Hello", "", why, sizeof why);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	result("linger_server", HOLE_IF(ms > 1000), "hello_server answered the next session request after %ld ms (%s)",
	    ms, err ? strerror(-err) : "granted");
}

/*
 * A BAR grant after its session closed: the dataspace is the BAR's own
 * file, which no one can take back from us. bar_keep closes its session
 * but keeps the fd and the mapping; bar_take (another child) asks for the
 * same BAR meanwhile. Core should not give it while our fd lives.
 */
static void
bar_keep(void)
{
	struct mkx_io_mem m;
	char why[256];
	int err = mkx_io_mem_open(&m, 0xfebf0000, 0x1000, 0, why, sizeof why), kept;

	if (err) {
		result("bar_keep", INCONCLUSIVE, "no BAR: %s", why);
		return;
	}
	kept = dup(m.fd);
	mkx_session_close(&m.s);	/* the session ends; the fd and the mapping stay ours */
	mkx_log("probe bar_keep: session closed, BAR fd %d and mapping kept", kept);
	mkx_log_flush();
	sleep(2);
	mkx_mmio_write32(&m, 0, 0x6d6b);
	mkx_log("probe bar_keep: still writing the BAR through the kept mapping");
}

static void
bar_take(void)
{
	struct mkx_io_mem m;
	char why[256];

	usleep(300000);	/* bar_keep first */
	for (int i = 0; i < 80; i++) {	/* 4 s */
		if (!mkx_io_mem_open(&m, 0xfebf0000, 0x1000, 0, why, sizeof why)) {
			mkx_log("probe bar_take: granted after %d ms", i * 50);
			mkx_io_mem_close(&m);
			return;
		}
		usleep(50000);
	}
	mkx_log("probe bar_take: never granted: %s", why);
}

/*
 * DMA buffers kept past FREE: the buffer is a sealed memfd core cannot
 * take back (the seal against shrinking keeps a device's memory from
 * being freed under it), but FREE gives the quantum back. Alloc, keep the
 * fd and mapping, free, again: how much memory do we end up holding?
 */
static void
dma_keep(void)
{
	struct mkx_dma d;
	struct mkx_dma_buffer b;
	char why[256];
	size_t kept = 0;
	int err, i;

	if ((err = mkx_dma_open(&d, "00:03.0", why, sizeof why))) {
		result("dma_keep", INCONCLUSIVE, "no DMA session: %s", why);
		return;
	}
	for (i = 0; i < 16; i++) {
		if (mkx_dma_alloc(&d, 2 << 20, &b, why, sizeof why)) {
			mkx_log("probe dma_keep: alloc %d refused: %s", i, why);
			break;
		}
		((volatile char *)b.va)[0] = 1;	/* ours to touch */
		if (dup(b.fd) < 0) {
			result("dma_keep", INCONCLUSIVE, "dup of buffer %d: %s", i, strerror(errno));
			return;
		}
		kept += b.size;
		/* free by id: the library would unmap and close; we keep both */
		if (mkx_dma_free_id(&d, b.id, why, sizeof why)) {
			/* not freed, so never uncharged: a refusal after this would show nothing */
			result("dma_keep", INCONCLUSIVE, "FREE of buffer %d: %s", i, why);
			return;
		}
	}
	if (i == 0) {	/* the first ALLOC is the attack's set-up, not what it tests */
		result("dma_keep", INCONCLUSIVE, "the first allocation was refused: %s", why);
		return;
	}
	result("dma_keep", HOLE_IF(kept > (4u << 20)), "hold %zu MiB of freed DMA buffers (mapped, fds kept) "
	    "with a RAM quantum of 4 MiB", kept >> 20);
}

/* A memfd of len bytes of c, for a Report submission. */
static int
document(size_t len, char c)
{
	static char buf[1 << 20];
	int fd = memfd_create("doc", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	memset(buf, c, sizeof buf);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW))	/* core takes no other */
		return -1;
	return fd;
}

/*
 * The UIO ack channel: a datagram socket pair whose other end core reads
 * with recv(2) and no room for fds, so the kernel drops any fds a
 * datagram carries inside core's recv. A carrier with a lingering socket
 * in it, sent while core is busy with a 1 MiB report (so that our own
 * reference is gone before core reads), makes core's recv the last close.
 */
static void
linger_irq_ack(void)
{
	static struct mkx_msg reply;
	struct mkx_session irq, rep, s;
	char why[256];
	uint64_t size = 1 << 20;
	int ack, doc, fd, err;
	struct timespec start, t0, t1;
	long ms;

	if ((err = mkx_session_open(&irq, "IRQ", "pci=\"00:01.0\"", why, sizeof why)) ||
	    (err = mkx_session_call(&irq, MKX_IRQ_ACK_FD, NULL, 0, NULL, 0, &reply)) ||
	    (err = reply.hdr.status) || (ack = mkx_msg_take_fd(&reply, 0)) < 0) {
		result("linger_irq_ack", INCONCLUSIVE, "no IRQ ack channel: %s %s", strerror(-err), why);
		return;
	}
	if ((err = mkx_session_open(&rep, "Report", "label=\"big\"", why, sizeof why)) ||
	    (doc = document(size, 'a')) < 0 ||
	    (err = mkx_session_call(&rep, MKX_REPORT_SUBMIT, &size, sizeof size, &doc, 1, &reply))) {
		result("linger_irq_ack", INCONCLUSIVE, "no Report session: %s %s", strerror(-err), why);
		return;
	}
	close(doc);
	for (unsigned tries = 0; ; tries++) {
		if (tries == 8) {
			result("linger_irq_ack", INCONCLUSIVE, "core always read the carrier first");
			return;
		}
		if ((fd = lingering_socket()) < 0 || (fd = carrier_of(fd)) < 0 ||
		    (doc = document(size, (char)('b' + tries % 2))) < 0) {
			result("linger_irq_ack", INCONCLUSIVE, "no carrier");
			return;
		}
		/* Core compares and copies a 1 MiB document: meanwhile the carrier goes to the ack channel. */
		clock_gettime(CLOCK_MONOTONIC, &start);
		mkx_rpc_send(rep.sock, MKX_REPORT_SUBMIT, ++rep.seq, 0, &size, sizeof size, &doc, 1);
		err = mkx_rpc_send(ack, 1, 0, 0, NULL, 0, &fd, 1);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		close(fd);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		close(doc);
		mkx_rpc_recv(rep.sock, &reply);	/* core's answer: after whatever stalled it */
		mkx_msg_close_fds(&reply);
		if (err) {
			result("linger_irq_ack", INCONCLUSIVE, "could not send on the ack channel: %s", strerror(-err));
			return;
		}
		if (t1.tv_sec - t0.tv_sec < 2)
			break;
		mkx_log("probe linger_irq_ack: try %u: our close was the last", tries);
	}
	err = mkx_session_open(&s, "LOG", "label=\"y\"", why, sizeof why);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - start.tv_sec) * 1000 + (t1.tv_nsec - start.tv_nsec) / 1000000;
	result("linger_irq_ack", HOLE_IF(ms > 1000), "core answered the report and the next session request "
	    "within %ld ms (%s)", ms, err ? strerror(-err) : "granted");
}

/*
 * Another core's child on the same host: children get uid 0x6d6b0000 +
 * their slot, the same numbers under every core. Signal 0 only (it tests
 * the permission and delivers nothing), and a read of its environment.
 */
static void
reach_pid(unsigned long target)
{
	char path[64], buf[256];
	int fd, sig, sig_e, open_e = 0;
	ssize_t n = -1;

	if (target < 2) {	/* 0 would signal our own process group, 1 is no child of a core */
		result("reach_pid", INCONCLUSIVE, "no target pid given (%lu)", target);
		return;
	}
	sig = kill((pid_t)target, 0);
	sig_e = errno;
	snprintf(path, sizeof path, "/proc/%lu/environ", target);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
	} else
		open_e = errno;
	if (!sig || n > 0)
		result("reach_pid", HOLE, "pid %lu (another core's child): signal 0 %s, its environment %s",
		    target, sig ? "refused" : "allowed", n > 0 ? "read" : "not read");
	else if (sig_e == EPERM && fd < 0 && kernel_said(open_e) == REFUSED)
		result("reach_pid", REFUSED, "pid %lu: signal 0 and /proc/%lu/environ refused", target, target);
	else	/* ESRCH, ENOENT: the victim is gone; an open that worked yet read nothing */
		result("reach_pid", INCONCLUSIVE, "pid %lu: signal 0: %s; /proc/%lu/environ: %s", target,
		    strerror(sig_e), target, fd >= 0 ? "opened, nothing read" : strerror(open_e));
}

/*
 * Session quota donation keeps a record per granted session with a
 * ram_quota (core-services/broker.c), bounded per client, and a server
 * (base/server.c) serves a bounded number of sessions per client.
 * donation_hog opens Hello sessions with a ram_quota of 1 byte, labels
 * s<k>-<n> (the test may route each k to a server of its own), moving on
 * to the next k when one is refused, until five k were tried or 400
 * sessions granted, closing each at once or (keep) keeping them all; it
 * names the last refusal. donation_victim (another child, later) then
 * asks for one ordinary Hello session with ram_quota=4K.
 */
static void
donation_hog(int keep)
{
	struct mkx_session s;
	char args[64], why[256] = "";
	int n = 0;

	for (int k = 0; k < 5 && n < 400; k++)
		for (int i = 0; i < 64 && n < 400; i++, n++) {
			snprintf(args, sizeof args, "label=\"s%d-%d\", ram_quota=1", k, i);
			if (mkx_session_open(&s, "Hello", args, why, sizeof why))
				break;
			if (!keep)
				mkx_session_close(&s);
		}
	mkx_log("probe donation_hog: %d sessions granted (%s), then: %s", n,
	    keep ? "all kept open" : "each closed at once",
	    n == 400 ? "(stopped)" : why);
}

static void
donation_victim(void)
{
	struct mkx_session s;
	char why[256];
	int err;

	usleep(2000000);	/* the hog first */
	err = mkx_session_open(&s, "Hello", "label=\"victim\", ram_quota=4K", why, sizeof why);
	if (!err) {
		mkx_session_close(&s);
		result("donation_victim", REFUSED, "another child's Hello session with ram_quota=4K was granted");
	} else
		result("donation_victim", HOLE, "another child's Hello session with ram_quota=4K was refused: %s", why);
}

/*
 * core's scan for holders of freed DMA buffers (linux/proc_holders.c) read
 * every process's fd table in core's one thread, once a second while a
 * freed buffer is held and at each ALLOC and FREE (now in steps bounded in
 * time). Helpers (forked by us)
 * fill their fd tables with copies of a memfd (each readlink'ed and
 * stat'ed by core); the last one forked (scanned last) keeps a freed
 * buffer mapped, so the scan never stops early. How long does core take
 * to answer meanwhile?
 */
static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
dma_scan_stall(unsigned long helpers)
{
	struct rlimit rl;
	struct mkx_dma d;
	struct mkx_dma_buffer b;
	struct mkx_session s;
	struct timespec t0;
	char why[256];
	int ready[2], stop[2], memfd, err;
	long free_ms, worst = 0, opens = 0;
	unsigned long fds = 0, forked = 0;

	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((err = mkx_dma_open(&d, "00:03.0", why, sizeof why)) ||
	    (err = mkx_dma_alloc(&d, 2 << 20, &b, why, sizeof why))) {
		result("dma_scan_stall", INCONCLUSIVE, "no DMA buffer: %s", why);
		return;
	}
	memfd = memfd_create("mkx-dma-lookalike", MFD_CLOEXEC);
	if (memfd < 0 || pipe(ready) || pipe(stop)) {
		result("dma_scan_stall", INCONCLUSIVE, "no memfd or pipe: %s", strerror(errno));
		return;
	}
	for (unsigned long i = 0; i < helpers; i++) {
		pid_t p = fork();

		if (p < 0)
			break;
		forked++;
		if (p == 0) {
			unsigned long n = 0;

			close(ready[0]);
			close(stop[1]);
			if (i + 1 < helpers) {	/* only the last holds the buffer */
				munmap(b.va, b.size);
				close(b.fd);
			}
			while (dup(memfd) >= 0)
				n++;
			(void)!write(ready[1], &n, sizeof n);
			/* until the probe closes stop (or exits), at most 20 s */
			struct pollfd pf = { .fd = stop[0], .events = POLLIN };
			poll(&pf, 1, 20000);
			_exit(0);
		}
	}
	close(ready[1]);
	close(stop[0]);
	if (forked < helpers) {	/* the last, the one holding the buffer, is missing: no attack */
		close(stop[1]);
		result("dma_scan_stall", INCONCLUSIVE, "forked %lu helpers of %lu: %s", forked, helpers, strerror(errno));
		return;
	}
	for (unsigned long i = 0, n; i < helpers && read(ready[0], &n, sizeof n) == sizeof n; i++)
		fds += n;
	/* The freed buffer is the last helper's only: core keeps it, and scans. */
	munmap(b.va, b.size);
	close(b.fd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mkx_dma_free_id(&d, b.id, why, sizeof why);
	free_ms = ms_since(&t0);
	/* 3 s of session requests, as any other child would make them */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < 3000) {
		struct timespec t1;
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!mkx_session_open(&s, "LOG", "label=\"y\"", why, sizeof why))
			mkx_session_close(&s);
		ms = ms_since(&t1);
		worst = ms > worst ? ms : worst;
		opens++;
		usleep(50000);
	}
	close(stop[1]);	/* the helpers go */
	if (err) {	/* no FREE, no scan: the stall was never provoked */
		result("dma_scan_stall", INCONCLUSIVE, "FREE of the held buffer failed: %s", why);
		return;
	}
	result("dma_scan_stall", HOLE_IF(free_ms > 1000 || worst > 1000),
	    "%lu helpers holding %lu memfd fds: FREE (%s) answered after %ld ms, the slowest of %ld "
	    "session requests in 3 s after %ld ms", helpers, fds, err ? strerror(-err) : "ok", free_ms,
	    opens, worst);
}

/*
 * The known hole of docs/dma.md: a freed buffer whose only copy is in
 * flight (SCM_RIGHTS, queued in a socket pair we keep) is held by no
 * process /proc can show. Free each such buffer, then take them all back.
 */
static void
dma_inflight(void)
{
	struct mkx_dma d;
	struct mkx_dma_buffer b;
	static struct mkx_msg m;
	char why[256];
	size_t held = 0;
	int sv[2], n = 0, err, refused_alloc = 0;

	if ((err = mkx_dma_open(&d, "00:03.0", why, sizeof why)) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		result("dma_inflight", INCONCLUSIVE, "no DMA session: %s", why);
		return;
	}
	for (; n < 16; n++) {
		if (mkx_dma_alloc(&d, 2 << 20, &b, why, sizeof why)) {
			mkx_log("probe dma_inflight: alloc %d refused: %s", n, why);
			refused_alloc = 1;
			break;
		}
		if (mkx_rpc_send(sv[0], 1, 0, 0, NULL, 0, &b.fd, 1)) {
			result("dma_inflight", INCONCLUSIVE, "buffer %d could not be put in flight", n);
			return;
		}
		munmap(b.va, b.size);
		close(b.fd);
		if (mkx_dma_free_id(&d, b.id, why, sizeof why)) {
			result("dma_inflight", INCONCLUSIVE, "FREE of buffer %d: %s", n, why);
			return;
		}
	}
	if (n == 0) {	/* the first ALLOC is the set-up */
		result("dma_inflight", INCONCLUSIVE, "the first allocation was refused: %s", why);
		return;
	}
	/* take them back: each a whole, writable buffer again */
	for (int i = 0; i < n; i++) {
		int fd;
		void *va;

		if (mkx_rpc_recv(sv[1], &m) || (fd = mkx_msg_take_fd(&m, 0)) < 0) {
			result("dma_inflight", INCONCLUSIVE, "buffer %d did not come back out of flight", i);
			return;
		}
		va = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (va != MAP_FAILED) {
			((volatile char *)va)[0] = 1;
			held += 2 << 20;
		}
	}
	result("dma_inflight", held > (4u << 20) ? HOLE : refused_alloc ? REFUSED : INCONCLUSIVE, "hold %zu MiB of freed DMA buffers (each in flight "
	    "while freed, received and mapped again after) with a RAM quantum of 4 MiB", held >> 20);
}

/*
 * Many processes left behind, each in a session of its own, some of them
 * changing pid all the time (fork, parent exits): does core's kill by uid
 * (linux/uid_reap.c) get every one? Each ends by itself after 5 s.
 */
static void
orphan_swarm(unsigned long n)
{
	struct timespec t0;
	int ready[2];
	char c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pipe(ready)) {
		mkx_log("probe orphan_swarm: inconclusive: pipe: %s", strerror(errno));
		return;
	}
	for (unsigned long i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			break;
		if (p)
			continue;
		setsid();
		close(ready[0]);
		close(ready[1]);	/* the last one closed tells the probe all are set up */
		if (i % 8 == 0) {	/* a hopper: a new pid every 2 ms */
			while (ms_since(&t0) < 5000) {
				pid_t q = fork();

				if (q > 0)
					_exit(0);
				if (q < 0)
					usleep(2000);
				else
					usleep(2000);
			}
			_exit(0);
		}
		while (ms_since(&t0) < 5000)
			usleep(100000);
		_exit(0);
	}
	close(ready[1]);
	(void)!read(ready[0], &c, 1);
	mkx_log("probe orphan_swarm: %lu processes left behind (uid %u), every 8th hopping", n,
	    (unsigned)getuid());
	/*
	 * Gone at once, without exit handlers: under SANITIZE=1 LeakSanitizer's
	 * exit check clones a tracer thread, and with our uid's RLIMIT_NPROC
	 * full of hopping forks and their zombies that clone fails (EAGAIN,
	 * "Failed spawning a tracer thread", 2 of 5 runs): the probe would exit
	 * 1 for a reason that is not core's. The test looks at the swarm.
	 */
	mkx_log_flush();
	_exit(0);
}

/*
 * core logs a denial it repeats to a child once (sessions.c), but two
 * denials alternated are each logged, and those lines are core's own in
 * its console queue (output.c), not the child's share: on a slow console
 * a child's flood of denials fills core's part, and a later denial of
 * another child is dropped unseen. via: "rom" (a core service's refusal,
 * sessions.c) or "args" (a malformed request, parent.c).
 */
static void
denial_flood(const char *via, unsigned long ms)
{
	struct mkx_session s;
	struct timespec t0;
	char args[96], why[256];
	unsigned long n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < (long)ms) {
		if (!strcmp(via, "rom"))
			snprintf(args, sizeof args, "label=\"missing-%c\"", "ab"[n % 2]);
		else
			snprintf(args, sizeof args, "label=\"%c\", ram_quota=lots", "ab"[n % 2]);
		if (!mkx_session_open(&s, strcmp(via, "rom") ? "LOG" : "ROM", args, why, sizeof why))
			mkx_session_close(&s);
		n++;
	}
	mkx_log("probe denial_flood: %lu denied requests (%s) in %lu ms", n, via, ms);
}

static void
denial_victim(void)
{
	struct mkx_session s;
	char why[256];

	usleep(1000000);	/* while the flood goes on */
	if (!mkx_session_open(&s, "ROM", "label=\"victim-marker\"", why, sizeof why))
		mkx_session_close(&s);
	mkx_log("probe denial_victim: asked for ROM victim-marker: %s", why);
}

/*
 * How many processes may a child have? Without a bound it can take every
 * pid of the host: no other component can fork then, nor can core's kill
 * by uid (linux/uid_reap.c forks a helper to send it). Up to max, each
 * waiting on a pipe whose write end goes with us (10 s at most).
 */
static void
fork_bound(unsigned long max)
{
	struct pollfd pf;
	unsigned long n = 0;
	int p[2], err = 0;

	if (pipe(p)) {
		result("fork_bound", INCONCLUSIVE, "pipe: %s", strerror(errno));
		return;
	}
	for (; n < max; n++) {
		pid_t q = fork();

		if (q < 0) {
			err = errno;
			break;
		}
		if (q == 0) {
			close(p[1]);
			pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
			poll(&pf, 1, 10000);
			_exit(0);
		}
	}
	close(p[1]);	/* they all go: waited for, so that our own exit may start a thread (LSan's) */
	while (wait(NULL) > 0 || errno == EINTR)
		;
	/* EAGAIN is RLIMIT_NPROC's answer; ENOMEM and the like say nothing about a bound */
	result("fork_bound", n == max ? HOLE : err == EAGAIN ? REFUSED : INCONCLUSIVE, "%lu processes forked%s%s", n, err ? ", then: " : " (all asked for)",
	    err ? strerror(err) : "");
}

int
main(void)
{
	struct mkx_rom rom;
	const char *attack;
	unsigned long linger_ms = 0;

	if (mkx_env_init() || !(cfg = mkx_config(&rom)))
		return 1;
	attack = mkx_xml_attr(cfg, "attack");
	mkx_xml_attr_ulong(cfg, "linger_ms", 0, &linger_ms);
	if (!attack)
		return 2;
	if (!strcmp(attack, "rom_truncate"))
		rom_truncate();
	else if (!strcmp(attack, "dma_keep"))
		dma_keep();
	else if (!strcmp(attack, "bar_keep"))
		bar_keep();
	else if (!strcmp(attack, "bar_take"))
		bar_take();
	else if (!strcmp(attack, "linger_server"))
		linger_server();
	else if (!strcmp(attack, "linger_irq_ack"))
		linger_irq_ack();
	else if (!strcmp(attack, "victim"))
		mkx_log("probe victim: pid %d uid %u", (int)getpid(), (unsigned)getuid());
	else if (!strcmp(attack, "reach_pid")) {
		unsigned long target = 0;

		mkx_xml_attr_ulong(cfg, "target", 0, &target);
		reach_pid(target);
	} else if (!strcmp(attack, "donation_hog"))
		donation_hog(0);
	else if (!strcmp(attack, "donation_keep"))
		donation_hog(1);
	else if (!strcmp(attack, "donation_victim"))
		donation_victim();
	else if (!strcmp(attack, "dma_scan_stall")) {
		unsigned long helpers = 8;

		mkx_xml_attr_ulong(cfg, "helpers", 8, &helpers);
		dma_scan_stall(helpers);
	} else if (!strcmp(attack, "denial_flood")) {
		const char *via = mkx_xml_attr(cfg, "via");
		unsigned long ms = 3000;

		mkx_xml_attr_ulong(cfg, "ms", 3000, &ms);
		denial_flood(via ? via : "rom", ms);
	} else if (!strcmp(attack, "denial_victim"))
		denial_victim();
	else if (!strcmp(attack, "fork_bound")) {
		unsigned long max = 1000;

		mkx_xml_attr_ulong(cfg, "max", 1000, &max);
		fork_bound(max);
	}
	else if (!strcmp(attack, "dma_inflight"))
		dma_inflight();
	else if (!strcmp(attack, "orphan_swarm")) {
		unsigned long n = 64;

		mkx_xml_attr_ulong(cfg, "processes", 64, &n);
		orphan_swarm(n);
	} else if (!strcmp(attack, "orphan"))
		orphan(0);
	else if (!strcmp(attack, "orphan_setsid"))
		orphan(1);
	else if (!strncmp(attack, "linger_", 7))
		linger_close(attack + 7);
	else {
		mkx_log("probe: unknown attack \"%s\"", attack);
		return 2;
	}
	mkx_log_flush();
	if (linger_ms)
		usleep(linger_ms * 1000);
	mkx_xml_free(cfg);
	mkx_rom_close(&rom);
	return 0;
}
