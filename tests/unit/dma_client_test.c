/*
 * libmkx's DMA client (base/dma.c) against core's DMA service on the sim
 * back ends, served by a forked "core" over a socket pair (issue 24): small
 * buffers share a page, and the client holds one file and one mapping per
 * page, not per buffer. 1,000 buffers of 4 KiB take 2 files; each buffer
 * is written through its own va without touching another's; freeing the
 * last buffer of a page closes its file and unmaps it; a page the client
 * still maps after a FREE by id (no buffer struct to count) is used again
 * when core sends its file once more. Shown to fail with libmkx keeping
 * no table (the second buffer of a page is refused: "core sent no
 * dataspace for page 1"). core sending the file with every buffer is
 * caught by dma_test's count of files (libmkx would close the extras).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mkx/dma.h>
#include <mkx/rpc.h>
#include "../../core-services/core.h"
#include "../../core-services/dma_backend.h"
#include "harness.h"

#define MiB (1ul << 20)
#define N 1000

static struct core_config ccfg;
static struct start_cfg cfg_c = { .name = "client", .ram_quota = 16 * MiB };
static struct child cc = { .cfg = &cfg_c, .ram_left = 16 * MiB };

/* core: its DMA service (sim) behind one session socket, until the client closes it. */
static void
serve(int sock)
{
	static const char xml[] =
	    "<config>\n<dma backend=\"sim\" huge_pages=\"16\">\n<policy label=\"client\" pci=\"00:03.0\"/>\n</dma>\n"
	    "<start name=\"client\"><binary name=\"true\"/></start></config>";
	static struct mkx_msg m;
	static struct mkx_reply r;
	char why[512] = "", err[512];
	void *st = NULL;

	core_cfg = &ccfg;
	dma_kept_unbounded = 1;
	if (config_load_buf(&ccfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err))
		_exit(2);
	dma_sim_reset();
	if (dma_select(&ccfg) || service_dma.open(&cc, "client", "pci=\"00:03.0\"", &st, why, sizeof why))
		_exit(3);
	while (!mkx_rpc_recv(sock, &m)) {
		int status;

		memset(&r, 0, sizeof r);
		status = service_dma.call(st, &m, &r);
		mkx_msg_close_fds(&m);
		if (mkx_rpc_send(sock, m.hdr.op, m.hdr.seq, status, r.payload, r.len, r.fds, r.nfds))
			_exit(4);
	}
	service_dma.close(st);
	_exit(0);
}

static int
open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

TEST(dma_client_holds_one_file_per_page_of_small_buffers)
{
	static struct mkx_dma_buffer b[N];
	struct mkx_dma d;
	char why[512];
	int sv[2], status, before, files[4], nfiles = 0, old_fd;
	pid_t core;

	CHECK_INT(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	if (!(core = fork())) {
		close(sv[0]);
		serve(sv[1]);
	}
	close(sv[1]);
	memset(&d, 0, sizeof d);
	d.s.sock = sv[0];
	before = open_fds();
	for (unsigned i = 0; i < N; i++) {
		int k;

		if (mkx_dma_alloc(&d, 4096, &b[i], why, sizeof why))
			harness_fail(__FILE__, __LINE__, "buffer %u of 4 KiB: %s", i, why);
		CHECK(b[i].shared == MKX_DMA_SHARED && b[i].size == 4096);
		for (k = 0; k < nfiles && files[k] != b[i].fd; k++)
			;
		if (k == nfiles) {
			CHECK(nfiles < 3);
			files[nfiles++] = b[i].fd;
		}
		memset(b[i].va, (int)(i & 0xff), 4096);
	}
	CHECK_INT(nfiles, 2);
	CHECK_INT(open_fds() - before, 2);	/* one file per page, not 1,000 */
	CHECK_INT(d.nspace, 2);
	for (unsigned i = 0; i < N; i++)	/* each buffer kept what was written to it: no two overlap */
		if (((uint8_t *)b[i].va)[0] != (i & 0xff) || ((uint8_t *)b[i].va)[4095] != (i & 0xff))
			harness_fail(__FILE__, __LINE__, "buffer %u was overwritten by another", i);
	/* All freed: each page's file closed and unmapped with its last buffer. */
	for (unsigned i = 0; i < N; i++)
		CHECK_INT(mkx_dma_free(&d, &b[i], why, sizeof why), 0);
	CHECK_INT(d.nspace, 0);
	CHECK_INT(open_fds(), before);
	/* A FREE by id leaves the page mapped; core sends its file again with the next buffer there: used once more. */
	CHECK_INT(mkx_dma_alloc(&d, 4096, &b[0], why, sizeof why), 0);
	old_fd = b[0].fd;
	CHECK_INT(mkx_dma_free_id(&d, b[0].id, why, sizeof why), 0);
	CHECK_INT(mkx_dma_alloc(&d, 4096, &b[1], why, sizeof why), 0);
	CHECK_INT(b[1].fd, old_fd);
	CHECK_INT(d.nspace, 1);
	CHECK_INT(open_fds() - before, 1);
	close(sv[0]);	/* the session's end */
	CHECK_INT(waitpid(core, &status, 0), core);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	mkx_dma_close(&d);
}
