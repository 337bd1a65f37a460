/*
 * Freed DMA buffers a process still holds stay charged (service_dma.c,
 * linux/dma_lease.c), with real processes holding them: a forked holder
 * keeps a buffer's file open, or only a mapping of it, or the client puts
 * it in flight in a socket pair, or another process reopens it through
 * /proc/PID/fd; FREE and the session's end keep the charge until the
 * holder is gone, then a check gives it back. The client's file has the
 * buffer's seals; a reopen racing core's lease check does not kill core.
 * And the RAM debt a withdrawn donation leaves (sessions.c): charges
 * refused until frees have paid it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mkx/dma.h>
#include "../../core-services/core.h"
#include "../../core-services/dma_backend.h"
#include "harness.h"
#include "dma_session_fixture.h"

#define MiB (1ul << 20)

/*
 * A process that holds fd (open, or with map only a mapping of it) and
 * nothing else of ours, until *stop is closed. Its pid.
 */
static pid_t
holder(int fd, int map, int *stop)
{
	int p[2], ready[2];
	pid_t pid;
	char c;

	CHECK_INT(pipe(p), 0);
	CHECK_INT(pipe(ready), 0);
	if (!(pid = fork())) {
		void *va = NULL;

		if (map && (va = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
			_exit(1);
		/* Keep only the pipes (and, without map, the buffer): the forked copies of core's other fds go. */
		if (dup2(fd, 200) < 0 || dup2(p[0], 201) < 0 || dup2(ready[1], 202) < 0)
			_exit(1);
		close_range(3, 199, 0);
		close_range(203, ~0u, 0);
		if (map)
			close(200);
		(void)va;
		if (write(202, "r", 1) != 1)
			_exit(1);
		while (read(201, &c, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	close(ready[1]);
	CHECK_INT(read(ready[0], &c, 1), 1);
	close(ready[0]);
	*stop = p[1];
	return pid;
}

/* Buffers the sim memory freed so far (its event log: "F<n>@<page>"). */
static unsigned
frees(void)
{
	unsigned n = 0;

	for (const char *e = dma_sim_events(); (e = strstr(e, " F")); e++)
		n++;
	return n;
}

static void
end(pid_t pid, int stop)
{
	int status;

	close(stop);
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(dma_freed_buffer_held_by_an_fd_or_a_mapping_stays_charged_until_released)
{
	int fd1, fd2, stop1, stop2;
	uint32_t id1, id2, id3;
	pid_t h1, h2;
	void *s = setup();

	id1 = alloc(s, &fd1);
	id2 = alloc(s, &fd2);
	CHECK_INT(ca.ram_left, 12 * MiB);
	h1 = holder(fd1, 0, &stop1);	/* the memfd open */
	h2 = holder(fd2, 1, &stop2);	/* only mapped */
	close(fd1);
	close(fd2);
	CHECK_INT(op(s, MKX_DMA_FREE, &id1, sizeof id1), 0);
	CHECK_INT(op(s, MKX_DMA_FREE, &id2, sizeof id2), 0);
	CHECK_INT(ca.ram_left, 12 * MiB);	/* both held: both charged */
	CHECK_INT(dma_kept_count(), 2);
	CHECK_INT(op(s, MKX_DMA_FREE, &id1, sizeof id1), -ENOENT);	/* freed is freed, held or not */
	end(h1, stop1);
	dma_kept_poll();
	CHECK_INT(ca.ram_left, 14 * MiB);
	CHECK_INT(dma_kept_count(), 1);
	end(h2, stop2);
	id3 = alloc(s, &fd1);	/* an ALLOC looks first: the mapping is gone, its 2 MiB back before this charge */
	close(fd1);
	CHECK_INT(dma_kept_count(), 0);
	CHECK_INT(ca.ram_left, 14 * MiB);
	CHECK_INT(op(s, MKX_DMA_FREE, &id3, sizeof id3), 0);	/* held by nobody: back at once */
	CHECK_INT(ca.ram_left, 16 * MiB);
	CHECK_INT(dma_kept_count(), 0);
	service_dma.close(s);
}

TEST(dma_buffers_held_at_the_session_end_stay_charged_until_released)
{
	int fd, stop;
	pid_t h;
	void *s = setup();

	alloc(s, &fd);
	close(fd);
	alloc(s, &fd);
	h = holder(fd, 1, &stop);
	close(fd);
	service_dma.close(s);	/* frees one, keeps the held one */
	CHECK_INT(ca.ram_left, 14 * MiB);
	CHECK_INT(dma_kept_count(), 1);
	CHECK_INT(frees(), 1);	/* bus master off ("M0"), then the one nobody holds freed */
	CHECK_STR_HAS(dma_sim_events(), "M0:18 F");
	end(h, stop);
	dma_kept_poll();
	CHECK_INT(frees(), 2);
	CHECK_INT(dma_kept_count(), 0);
	CHECK_INT(ca.ram_left, 16 * MiB);
}

TEST(dma_buffer_of_an_exited_payer_waits_for_its_holder)
{
	int fd, stop;
	pid_t h;
	void *s = setup();

	alloc(s, &fd);
	h = holder(fd, 0, &stop);
	close(fd);
	service_dma.close(s);
	dma_child_exited(&ca);	/* the payer is gone: nothing to give back to, the pages wait for the holder */
	CHECK_INT(dma_kept_count(), 1);
	ca.ram_left = 16 * MiB;	/* (a new start of it: must not be credited the old buffer) */
	end(h, stop);
	dma_kept_poll();
	CHECK_INT(dma_kept_count(), 0);
	CHECK_INT(ca.ram_left, 16 * MiB);
}

/* Put fd in flight: sent (SCM_RIGHTS) into sv[0] of a new socket pair, never received. */
static void
in_flight(int fd, int sv[2])
{
	char c = 'x', ctl[CMSG_SPACE(sizeof fd)];
	struct iovec io = { &c, 1 };
	struct msghdr mh = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof fd);
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	CHECK_INT(sendmsg(sv[0], &mh, 0), 1);
}

/* The hole a look at /proc had: the buffer's only other copy in flight in a socket is seen, and then its end. */
TEST(dma_freed_buffer_in_flight_in_a_socket_stays_charged_until_the_socket_is_gone)
{
	int fd, sv[2];
	uint32_t id;
	void *s = setup();

	id = alloc(s, &fd);
	in_flight(fd, sv);
	close(fd);
	CHECK_INT(op(s, MKX_DMA_FREE, &id, sizeof id), 0);
	CHECK_INT(dma_kept_count(), 1);
	CHECK_INT(ca.ram_left, 14 * MiB);
	dma_kept_poll();
	dma_kept_poll();
	CHECK_INT(dma_kept_count(), 1);	/* still in flight */
	CHECK_INT(ca.ram_left, 14 * MiB);
	close(sv[1]);
	CHECK_INT(dma_kept_count(), 1);
	close(sv[0]);	/* the socket and what was in flight in it are gone */
	dma_kept_poll();
	CHECK_INT(dma_kept_count(), 0);
	CHECK_INT(ca.ram_left, 16 * MiB);
	service_dma.close(s);
}

/* Another open of the buffer, made through /proc/PID/fd of its holder (another open file, not a copy of the fd). */
TEST(dma_freed_buffer_reopened_through_proc_stays_charged_until_closed)
{
	char path[64];
	int fd, stop, ro;
	uint32_t id;
	pid_t h;
	void *s = setup();

	id = alloc(s, &fd);
	h = holder(fd, 0, &stop);	/* its fd 200 */
	close(fd);
	snprintf(path, sizeof path, "/proc/%d/fd/200", (int)h);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(ro >= 0);
	end(h, stop);
	CHECK_INT(op(s, MKX_DMA_FREE, &id, sizeof id), 0);
	CHECK_INT(dma_kept_count(), 1);	/* the read-only reopen holds it */
	CHECK_INT(ca.ram_left, 14 * MiB);
	close(ro);
	dma_kept_poll();
	CHECK_INT(dma_kept_count(), 0);
	CHECK_INT(ca.ram_left, 16 * MiB);
	service_dma.close(s);
}

/* Seals are the inode's: the client's own open file cannot shrink, grow or reseal the buffer. */
TEST(dma_client_file_keeps_the_seals)
{
	uint32_t id;
	int fd;
	void *s = setup();

	id = alloc(s, &fd);
	CHECK_INT(fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	CHECK_INT(ftruncate(fd, 4096), -1);
	CHECK_INT(errno, EPERM);
	CHECK_INT(ftruncate(fd, 4 * MiB), -1);
	CHECK_INT(errno, EPERM);
	CHECK_INT(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), -1);
	CHECK_INT(errno, EPERM);
	close(fd);
	CHECK_INT(op(s, MKX_DMA_FREE, &id, sizeof id), 0);
	CHECK_INT(dma_kept_count(), 0);
	service_dma.close(s);
}

/*
 * An O_PATH file is no open the lease counts: a client keeps one of its
 * buffer, closes its file and FREEs: core releases and uncharges the
 * buffer. The O_PATH file cannot be made an open file again by a
 * component (another uid, no capabilities: the buffer's mode is 0600,
 * core's), and the pages are gone from the inode it still names (punched
 * at the release). Needs root (to be core and then another uid).
 */
TEST(dma_buffer_kept_only_as_an_o_path_file_cannot_be_reopened)
{
	char path[64];
	int fd, opath, go[2], ready[2], status;
	struct stat st;
	char c;
	uint32_t id;
	pid_t client;
	void *s;

	if (geteuid())
		harness_skip("needs root (to be core and then another uid)");
	s = setup();
	id = alloc(s, &fd);
	CHECK_INT(pwrite(fd, "x", 1, MiB), 1);	/* a page of it in use */
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	CHECK((opath = open(path, O_PATH | O_CLOEXEC)) >= 0);
	close(fd);
	CHECK(fstat(opath, &st) == 0 && st.st_blocks > 0);
	CHECK_INT(pipe(go), 0);
	CHECK_INT(pipe(ready), 0);
	if (!(client = fork())) {
		int rw, ro;

		/* Keep only the O_PATH file and the pipe (the forked copies of core's fds go). */
		if (dup2(opath, 200) < 0 || dup2(go[0], 201) < 0 || dup2(ready[1], 202) < 0)
			_exit(9);
		close_range(3, 199, 0);
		close_range(203, ~0u, 0);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534) || write(202, "r", 1) != 1)
			_exit(10);
		close(202);
		if (read(201, &c, 1) != 0)	/* until core released the buffer */
			_exit(11);
		snprintf(path, sizeof path, "/proc/self/fd/200");
		rw = open(path, O_RDWR | O_CLOEXEC);
		ro = open(path, O_RDONLY | O_CLOEXEC);
		_exit(rw < 0 && ro < 0 && errno == EACCES ? 0 : rw >= 0 || ro >= 0 ? 1 : 12);
	}
	close(go[0]);
	close(ready[1]);
	CHECK_INT(read(ready[0], &c, 1), 1);	/* it holds nothing of ours but the O_PATH file now */
	close(ready[0]);
	CHECK_INT(op(s, MKX_DMA_FREE, &id, sizeof id), 0);
	CHECK_INT(dma_kept_count(), 0);	/* the O_PATH files are not seen: released */
	CHECK_INT(ca.ram_left, 16 * MiB);
	CHECK_INT(fstat(opath, &st), 0);
	CHECK_INT(st.st_blocks, 0);	/* its pages punched out: nothing left behind the O_PATH files */
	close(opath);	/* the client's O_PATH file is the only one left */
	close(go[1]);
	CHECK_INT(waitpid(client, &status, 0), client);
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);	/* 1: it reopened the released buffer */
	service_dma.close(s);
}

/*
 * Where the kernel refuses leases (leases-enable 0), core looks in /proc
 * instead: a holder's fd and a holder's mapping still keep their buffers
 * charged until the holder exits (an fd in flight is what that look
 * cannot see).
 */
TEST(dma_without_leases_core_looks_in_proc)
{
	int fd1, fd2, stop1, stop2;
	uint32_t id1, id2;
	pid_t h1, h2;
	void *s = setup();

	dma_kept_leases = 0;
	id1 = alloc(s, &fd1);
	id2 = alloc(s, &fd2);
	h1 = holder(fd1, 0, &stop1);
	h2 = holder(fd2, 1, &stop2);
	close(fd1);
	close(fd2);
	CHECK_INT(op(s, MKX_DMA_FREE, &id1, sizeof id1), 0);
	CHECK_INT(op(s, MKX_DMA_FREE, &id2, sizeof id2), 0);
	CHECK_INT(dma_kept_count(), 2);
	CHECK_INT(ca.ram_left, 12 * MiB);
	end(h1, stop1);
	end(h2, stop2);
	dma_kept_poll();
	CHECK_INT(dma_kept_count(), 0);
	CHECK_INT(ca.ram_left, 16 * MiB);
	service_dma.close(s);
	dma_kept_leases = 1;
}

/* ms since t0 */
static long
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * An open of a buffer racing core's short lease makes the kernel signal
 * core (SIGIO: by default it terminates). core's own file of a buffer
 * (dma_lease_own, as the memory back ends keep it), a child that reopens
 * it through an O_PATH fd (not an open the lease counts) again and again
 * for a second while core checks: core lives on (dma_select, at its
 * start, ignored SIGIO), and saw it held and not held.
 */
TEST(dma_reopen_racing_the_lease_check_does_not_kill_core)
{
	unsigned held = 0, nobody = 0;
	struct timespec t0;
	char path[64];
	int f0, opath, status;
	pid_t racer;

	setup();	/* core's start: dma_select */
	f0 = dma_lease_own(memfd_create("race", MFD_CLOEXEC));
	CHECK(f0 >= 0);
	snprintf(path, sizeof path, "/proc/self/fd/%d", f0);
	CHECK((opath = open(path, O_PATH | O_CLOEXEC)) >= 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!(racer = fork())) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", opath);
		while (since(&t0) < 1000) {
			int o = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

			if (o >= 0)
				close(o);
		}
		_exit(0);
	}
	while (since(&t0) < 1000) {
		int h = dma_lease_held(f0);

		CHECK(h == 0 || h == 1);
		held += h == 1;
		nobody += h == 0;
	}
	CHECK_INT(waitpid(racer, &status, 0), racer);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	printf("# %u checks: %u held, %u held by nobody\n", held + nobody, held, nobody);
	CHECK(held > 0 && nobody > 0);
	close(opath);
	close(f0);
}

TEST(ram_withdrawn_into_debt_refuses_charges_until_frees_pay_it)
{
	static struct start_cfg sc = { .name = "server", .ram_quota = 4 * MiB };
	struct child srv = { .cfg = &sc, .ram_left = 4 * MiB };
	char why[256] = "";

	ram_uncharge(&srv, 6 * MiB);	/* a client's ram_quota donated */
	CHECK_INT(srv.ram_left, 10 * MiB);
	CHECK_INT(ram_charge(&srv, 8 * MiB, "a DMA buffer", why, sizeof why), 0);	/* spent on the client */
	CHECK_INT(ram_withdraw(&srv, 6 * MiB), 4 * MiB);	/* the client went: 2 MiB left, 6 withdrawn */
	CHECK_INT(srv.ram_left, 0);
	CHECK_INT(ram_charge(&srv, 4096, "a ROM", why, sizeof why), -EDQUOT);
	CHECK_STR_HAS(why, "owes 4194304 bytes");
	ram_uncharge(&srv, 2 * MiB);	/* frees pay the debt first */
	CHECK_INT(srv.ram_debt, 2 * MiB);
	CHECK_INT(srv.ram_left, 0);
	CHECK_INT(ram_charge(&srv, 4096, "a ROM", why, sizeof why), -EDQUOT);
	ram_uncharge(&srv, 6 * MiB);
	CHECK_INT(srv.ram_debt, 0);
	CHECK_INT(srv.ram_left, 4 * MiB);	/* its own quantum again */
	CHECK_INT(ram_charge(&srv, 4096, "a ROM", why, sizeof why), 0);
}
