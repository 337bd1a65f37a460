/*
 * The DMA unit tests' session fixture: core's DMA service on the sim back
 * end (16 huge pages, policy "edu" on 00:03.0), one client "a" with 16 MiB,
 * and one call at a time through service_dma.call (the reply in r).
 * Included by dma_kept_test.c and dma_punch_test.c, which share it.
 */
#ifndef DMA_SESSION_FIXTURE_H
#define DMA_SESSION_FIXTURE_H

#include <string.h>
#include <unistd.h>

#include <mkx/dma.h>
#include "../../core-services/core.h"
#include "../../core-services/dma_backend.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct start_cfg cfg_a = { .name = "a", .ram_quota = 16ul << 20 };
static struct child ca = { .cfg = &cfg_a, .ram_left = 16ul << 20 };
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
	dma_kept_leases = 1;
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

/*
 * A 2 MiB buffer; its id, and in *fd the client's copy of the file the
 * reply carries (as a client receives it: core closes its sent fd at its
 * next call). The caller closes *fd.
 */
static uint32_t
alloc(void *st, int *fd)
{
	struct mkx_dma_alloc_req rq = { .size = 2ul << 20 };
	struct mkx_dma_buffer_msg b;

	CHECK_INT(op(st, MKX_DMA_ALLOC, &rq, sizeof rq), 0);
	CHECK_INT(r.nfds, 1);
	memcpy(&b, r.payload, sizeof b);
	*fd = dup(r.fds[0]);
	CHECK(*fd >= 0);
	return b.id;
}

#endif
