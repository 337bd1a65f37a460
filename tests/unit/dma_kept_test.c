/*
 * Freed DMA buffers a process still holds stay charged (service_dma.c,
 * linux/proc_holders.c), with real processes holding them: a forked
 * holder keeps a buffer's memfd open, or only a mapping of it; FREE and
 * the session's end keep the charge until the holder is gone, then a
 * check gives it back. And the RAM debt a withdrawn donation leaves
 * (sessions.c): charges refused until frees have paid it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mkx/dma.h>
#include "../../core-services/core.h"
#include "../../core-services/dma_backend.h"
#include "harness.h"

#define MiB (1ul << 20)

static struct core_config cfg;
static char err[1024];
static struct start_cfg cfg_a = { .name = "a", .ram_quota = 16 * MiB };
static struct child ca = { .cfg = &cfg_a, .ram_left = 16 * MiB };
static struct mkx_msg m;
static struct mkx_reply r;

static void *
setup(void)
{
	static const char xml[] =
	    "<config>\n<dma backend=\"sim\" huge_pages=\"16\">\n"
	    "<policy label=\"edu\" pci=\"00:03.0\"/>\n"
	    "</dma>\n"
	    "<start name=\"a\"><binary name=\"true\"/></start></config>";
	char why[512] = "";
	void *st = NULL;

	core_cfg = &cfg;
	/* Each look at /proc whole: these tests check what a complete look decides, not its bound in time. */
	dma_kept_unbounded = 1;
	if (config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err))
		harness_fail(__FILE__, __LINE__, "config: %s", err);
	dma_sim_reset();
	CHECK_INT(dma_select(&cfg), 0);
	CHECK_INT(service_dma.open(&ca, "edu", "pci=\"00:03.0\"", &st, why, sizeof why), 0);
	return st;
}

static int
op(void *st, uint16_t code, const void *in, size_t len)
{
	memset(&m, 0, sizeof m);
	memset(&r, 0, sizeof r);
	m.hdr.op = code;
	m.hdr.len = (uint32_t)len;
	if (len)
		memcpy(m.payload, in, len);
	return service_dma.call(st, &m, &r);
}

/* A 2 MiB buffer; its id, and in *fd the dataspace (core's own fd: not to be closed). */
static uint32_t
alloc(void *st, int *fd)
{
	struct mkx_dma_alloc_req rq = { .size = 2 * MiB };
	struct mkx_dma_buffer_msg b;

	CHECK_INT(op(st, MKX_DMA_ALLOC, &rq, sizeof rq), 0);
	CHECK_INT(r.nfds, 1);
	memcpy(&b, r.payload, sizeof b);
	*fd = r.fds[0];
	return b.id;
}

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
	alloc(s, &fd);
	h = holder(fd, 1, &stop);
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
	service_dma.close(s);
	dma_child_exited(&ca);	/* the payer is gone: nothing to give back to, the pages wait for the holder */
	CHECK_INT(dma_kept_count(), 1);
	ca.ram_left = 16 * MiB;	/* (a new start of it: must not be credited the old buffer) */
	end(h, stop);
	dma_kept_poll();
	CHECK_INT(dma_kept_count(), 0);
	CHECK_INT(ca.ram_left, 16 * MiB);
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
