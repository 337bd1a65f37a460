/*
 * core's config requests on a conf1 IO_PORT session (mkx/io_port_cfg.h,
 * issue 23) on the sim backends: the same <pci_config> policy as CF8/CFC
 * (a function not named reads all ones, read-only refuses writes, both
 * writes of a probe checked), only on a session holding the pair; and
 * pci/cfg_conf1.c's use of them: one request per access, a walk's
 * snapshot that serves each dword once per fetch, a probe's restore not
 * sent twice, CF8/CFC where the requests are not given.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <mkx/io_port.h>
#include <mkx/io_port_cfg.h>
#include "../../core-services/core.h"
#include "../../pci/cfg.h"

#include "conf1_request.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct child fake = { .ram_left = 1 << 20 };

static void
setup(void)
{
	static const char xml[] =
	    "<config>\n<io_port backend=\"sim\">\n"
	    "<policy label_prefix=\"\" base=\"0xcf8\" size=\"8\"/>\n"
	    "<policy label=\"half\" base=\"0xcfc\" size=\"4\"/>\n"
	    "</io_port>\n"
	    "<pci_config>\n"
	    "<policy label=\"acpi\" pci=\"all\" access=\"read\"/>\n"
	    "<policy label=\"platform\" pci=\"all\" access=\"write\"/>\n"
	    "<policy label=\"half\" pci=\"all\" access=\"write\"/>\n"
	    "<policy label=\"x\" pci=\"00:02.0\" access=\"write\"/>\n"
	    "</pci_config><start name=\"a\"><binary name=\"true\"/></start></config>";

	core_cfg = &cfg;
	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_port_select(&cfg), 0);
}

static void *
open_session(const char *label, const char *args)
{
	char why[512];
	void *st = NULL;

	CHECK_INT(service_io_port.open(&fake, label, args, &st, why, sizeof why), 0);
	return st;
}

static int
scan(void *st, unsigned bdf, unsigned off, uint32_t *ids, unsigned n)
{
	struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = (uint16_t)off, .len = (uint16_t)(4 * n),
	    .flags = MKX_IO_PORT_CFG_EACH_DEVICE };

	return request(st, MKX_IO_PORT_CFG_READ, &rq, ids, 4 * n);
}

/* The CF8/CFC pair, for the fallback and to look at registers the old way. */
static int
port_in(void *st, unsigned port, unsigned width, uint32_t *val)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	struct mkx_io_port_req rq = { .port = (uint16_t)port, .width = (uint8_t)width };
	int rc;

	requests++;
	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = MKX_IO_PORT_IN;
	m.hdr.len = sizeof rq;
	memcpy(m.payload, &rq, sizeof rq);
	rc = service_io_port.call(st, &m, &r);
	if (!rc)
		memcpy(val, r.payload, 4);
	return rc;
}

static int
port_out(void *st, unsigned port, unsigned width, uint32_t val)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	struct mkx_io_port_req rq = { .port = (uint16_t)port, .width = (uint8_t)width, .value = val };

	requests++;
	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = MKX_IO_PORT_OUT;
	m.hdr.len = sizeof rq;
	memcpy(m.payload, &rq, sizeof rq);
	return service_io_port.call(st, &m, &r);
}

static const struct pci_addr VGA = { 0, 0, 1, 0 }, NIC = { 0, 0, 2, 0 };

TEST(conf1_request_read_follows_the_policy)
{
	uint32_t hdr[16];
	void *st;

	setup();
	st = open_session("x", "io_port_base=0xcf8, io_port_size=8");
	CHECK_INT(range_read(st, 0x10, 0, hdr, 64), 0);
	CHECK_INT(hdr[0], 0x10d38086);
	CHECK_INT(hdr[6], 0xc001);				/* I/O BAR2 */
	CHECK_INT(range_read(st, 0x08, 0, hdr, 64), 0);		/* 00:01.0: not named for "x" */
	for (unsigned i = 0; i < 16; i++)
		CHECK_INT(hdr[i], 0xffffffffu);
	CHECK_INT(range_read(st, 0x10, 2, hdr, 4), -ERANGE);	/* not dword aligned */
	CHECK_INT(range_read(st, 0x10, 0xfc, hdr, 8), -ERANGE);	/* beyond 0x100 */
	service_io_port.close(st);
}

TEST(conf1_request_write_follows_the_policy)
{
	uint32_t back = 0, v = 0;
	void *st;

	setup();
	st = open_session("acpi", "io_port_base=0xcf8, io_port_size=8");
	CHECK_INT(write_back(st, 0x10, 0x04, 2, 0x7, &back), -EPERM);	/* read-only policy */
	CHECK_INT(probe(st, 0x08, 0x10, 0xffffffffu, 0xfd000008u, &back), -EPERM);
	CHECK_INT(range_read(st, 0x10, 0x04, &v, 4), 0);
	CHECK_INT(v, 0);
	service_io_port.close(st);
	st = open_session("x", "io_port_base=0xcf8, io_port_size=8");
	CHECK_INT(write_back(st, 0x08, 0x10, 4, 0xe0000000u, &back), -EPERM);	/* 00:01.0 not named */
	CHECK_INT(write_back(st, 0x10, 0x04, 2, 0x5, &back), 0);
	CHECK_INT(back, 0x5);					/* the dword read back after the write */
	service_io_port.close(st);
	/* A session without the whole pair gets no config requests (nor CF8 through them). */
	st = open_session("half", "io_port_base=0xcfc, io_port_size=4");
	CHECK_INT(range_read(st, 0x10, 0, &v, 4), -ERANGE);
	CHECK_INT(write_back(st, 0x10, 0x04, 2, 0x7, &back), -ERANGE);
	service_io_port.close(st);
}

TEST(conf1_request_probe_writes_reads_and_restores)
{
	uint32_t back = 0, v = 0;
	void *st;

	setup();
	st = open_session("platform", "io_port_base=0xcf8, io_port_size=8");
	CHECK_INT(probe(st, 0x08, 0x10, 0xffffffffu, 0xfd000008u, &back), 0);
	CHECK_INT(back, 0xffffffffu);				/* the sim keeps what is written */
	CHECK_INT(range_read(st, 0x08, 0x10, &v, 4), 0);
	CHECK_INT(v, 0xfd000008u);				/* restored */
	service_io_port.close(st);
}

TEST(conf1_walk_snapshot_serves_each_dword_once)
{
	struct pci_conf1 c1;
	struct pci_cfg c = { &pci_cfg_conf1, &c1 };
	void *st;
	unsigned before;

	setup();
	st = open_session("platform", "io_port_base=0xcf8, io_port_size=8");
	c1 = (struct pci_conf1){ .port_ctx = st, .in = port_in, .out = port_out, .range_read = range_read,
	    .write_back = write_back, .probe = probe, .walk = 1 };
	requests = 0;
	CHECK_INT(pci_rd(&c, NIC, 0x00, 4), 0x10d38086);
	CHECK_INT(pci_rd(&c, NIC, 0x08, 4) >> 8, 0x020000);
	CHECK_INT(pci_rd(&c, NIC, 0x3d, 1), 1);
	CHECK_INT(requests, 1);					/* one header range */
	CHECK_INT(pci_rd(&c, NIC, 0x00, 4), 0x10d38086);	/* read again: fetched again */
	CHECK_INT(requests, 2);
	/* A write's read-back is what the next read gives, without a fetch. */
	CHECK_INT(pci_wr(&c, NIC, 0x04, 2, 0x3), 0);
	before = requests;
	CHECK_INT(pci_rd(&c, NIC, 0x04, 2), 0x3);
	CHECK_INT(requests, before);
	/* Another function drops the snapshot. */
	CHECK_INT(pci_rd(&c, VGA, 0x10, 4), 0xfd000008u);
	CHECK_INT(requests, before + 1);
	/* Outside a walk every read is its own request. */
	c1.walk = 0;
	before = requests;
	CHECK_INT(pci_rd(&c, VGA, 0x00, 4), 0x11111234);
	CHECK_INT(pci_rd(&c, VGA, 0x00, 4), 0x11111234);
	CHECK_INT(requests, before + 2);
	service_io_port.close(st);
}

TEST(conf1_walk_probe_restore_not_sent_twice)
{
	struct pci_conf1 c1;
	struct pci_cfg c = { &pci_cfg_conf1, &c1 };
	uint32_t orig, v = 0;
	void *st;

	setup();
	st = open_session("platform", "io_port_base=0xcf8, io_port_size=8");
	c1 = (struct pci_conf1){ .port_ctx = st, .in = port_in, .out = port_out, .range_read = range_read,
	    .write_back = write_back, .probe = probe, .walk = 1 };
	orig = pci_rd(&c, VGA, 0x10, 4);
	CHECK_INT(orig, 0xfd000008u);
	requests = 0;
	CHECK_INT(pci_wr(&c, VGA, 0x10, 4, 0xffffffffu), 0);	/* pci/bar.c's probe: ones, */
	CHECK_INT(pci_rd(&c, VGA, 0x10, 4), 0xffffffffu);	/* the mask, */
	CHECK_INT(pci_wr(&c, VGA, 0x10, 4, orig), 0);		/* the restore */
	CHECK_INT(requests, 1);					/* one probe request did all three */
	CHECK_INT(range_read(st, 0x08, 0x10, &v, 4), 0);
	CHECK_INT(v, orig);					/* and the register holds orig */
	/* Another value after a probe is written. */
	CHECK_INT(pci_wr(&c, VGA, 0x10, 4, 0xffffffffu), 0);
	CHECK_INT(pci_wr(&c, VGA, 0x10, 4, 0xe0000008u), 0);
	CHECK_INT(range_read(st, 0x08, 0x10, &v, 4), 0);
	CHECK_INT(v, 0xe0000008u);
	service_io_port.close(st);
}

TEST(conf1_without_requests_uses_the_pair)
{
	struct pci_conf1 c1;
	struct pci_cfg c = { &pci_cfg_conf1, &c1 };
	void *st;

	setup();
	st = open_session("platform", "io_port_base=0xcf8, io_port_size=8");
	c1 = (struct pci_conf1){ .port_ctx = st, .in = port_in, .out = port_out };
	requests = 0;
	CHECK_INT(pci_rd(&c, NIC, 0x00, 4), 0x10d38086);
	CHECK_INT(requests, 2);					/* CF8 out, CFC in */
	CHECK_INT(pci_wr(&c, NIC, 0x04, 2, 0x1), 0);
	CHECK_INT(requests, 4);
	CHECK_INT(pci_rd(&c, NIC, 0x04, 2), 0x1);
	service_io_port.close(st);
}

TEST(conf1_request_scan_follows_the_policy_per_function)
{
	uint32_t ids[32];
	void *st;

	setup();
	st = open_session("x", "io_port_base=0xcf8, io_port_size=8");	/* names 00:02.0 only */
	CHECK_INT(scan(st, 0x00, 0, ids, 32), 0);
	CHECK_INT(ids[0], 0xffffffffu);				/* 00:00.0 exists, not named */
	CHECK_INT(ids[1], 0xffffffffu);
	CHECK_INT(ids[2], 0x10d38086);
	CHECK_INT(ids[3], 0xffffffffu);
	CHECK_INT(scan(st, 0x08, 0, ids, 32), -ERANGE);		/* device 1 + 32 devices: beyond the bus */
	service_io_port.close(st);
	st = open_session("acpi", "io_port_base=0xcf8, io_port_size=8");
	CHECK_INT(scan(st, 0x00, 8, ids, 3), 0);
	CHECK_INT(ids[0] >> 8, 0x060000);			/* class codes of 00:00.0, 01.0, 02.0 */
	CHECK_INT(ids[1] >> 8, 0x030000);
	CHECK_INT(ids[2] >> 8, 0x020000);
	service_io_port.close(st);
}

TEST(conf1_walk_scans_a_bus_in_one_request)
{
	struct pci_conf1 c1;
	struct pci_cfg c = { &pci_cfg_conf1, &c1 };
	void *st;

	setup();
	st = open_session("platform", "io_port_base=0xcf8, io_port_size=8");
	c1 = (struct pci_conf1){ .port_ctx = st, .in = port_in, .out = port_out, .range_read = range_read,
	    .write_back = write_back, .probe = probe, .scan = scan, .walk = 1 };
	requests = 0;
	for (unsigned dev = 0; dev < 32; dev++)
		CHECK_INT(pci_rd(&c, ((struct pci_addr){ 0, 0, dev, 0 }), 0x00, 4),
		    dev == 0 ? 0x00081b36 : dev == 1 ? 0x11111234 : dev == 2 ? 0x10d38086 : 0xffffffffu);
	CHECK_INT(requests, 1);
	/* The same ID again comes from the function's own fetch, and with it the header. */
	CHECK_INT(pci_rd(&c, NIC, 0x00, 4), 0x10d38086);
	CHECK_INT(pci_rd(&c, NIC, 0x3d, 1), 1);
	CHECK_INT(requests, 2);
	service_io_port.close(st);
}
