/*
 * Bus scans of several buses in one request (MKX_IO_PORT_CFG_EACH_BUS,
 * issue 23): core answers each function by its own policy and refuses
 * anything but whole buses within 00-ff; pci/cfg_conf1.c asks for up to 8
 * buses at once only right after a bus that was scanned empty (a peer-bus
 * probe's run), and serves each ID once, as a one-bus scan does.
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

static void *
setup(void)
{
	static const char xml[] =
	    "<config>\n<io_port backend=\"sim\">\n"
	    "<policy label_prefix=\"\" base=\"0xcf8\" size=\"8\"/>\n"
	    "</io_port>\n<pci_config>\n"
	    "<policy label=\"platform\" pci=\"all\" access=\"write\"/>\n"
	    "<policy label=\"x\" pci=\"00:02.0\" access=\"read\"/>\n"
	    "</pci_config><start name=\"a\"><binary name=\"true\"/></start></config>";
	char why[512];
	void *st = NULL;

	core_cfg = &cfg;
	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_port_select(&cfg), 0);
	CHECK_INT(service_io_port.open(&fake, "platform", "io_port_base=0xcf8, io_port_size=8", &st, why, sizeof why), 0);
	return st;
}

static int
scan(void *st, unsigned bdf, unsigned off, uint32_t *ids, unsigned n)
{
	return read_req(st, bdf, off, 4 * n, MKX_IO_PORT_CFG_EACH_DEVICE, ids);
}

static int
scan_buses(void *st, unsigned bus, unsigned off, uint32_t *ids, unsigned nbus)
{
	return read_req(st, bus << 8, off, 128 * nbus, MKX_IO_PORT_CFG_EACH_BUS, ids);
}

static int
no_write(void *st, unsigned bdf, unsigned off, unsigned width, uint32_t v, uint32_t *back)
{
	(void)st, (void)bdf, (void)off, (void)width, (void)v, (void)back;
	return -EPERM;
}

TEST(conf1_scan_buses_request_whole_buses_by_policy)
{
	static uint32_t one[32], many[8 * 32];
	void *st = setup();

	CHECK_INT(scan(st, 0, 0, one, 32), 0);
	CHECK_INT(scan_buses(st, 0, 0, many, 8), 0);
	CHECK(!memcmp(one, many, sizeof one));			/* bus 0 as the one-bus scan gives it */
	CHECK_INT(many[2], 0x10d38086);
	for (unsigned i = 32; i < 8 * 32; i++)
		CHECK_INT(many[i], 0xffffffffu);		/* the sim has bus 0 only */
	CHECK_INT(read_req(st, 0x0008, 0, 128, MKX_IO_PORT_CFG_EACH_BUS, NULL), -ERANGE);	/* not device 0 */
	CHECK_INT(read_req(st, 0x0000, 0, 9 * 128, MKX_IO_PORT_CFG_EACH_BUS, NULL), -ERANGE);	/* 9 buses */
	CHECK_INT(read_req(st, 0xf900, 0, 8 * 128, MKX_IO_PORT_CFG_EACH_BUS, NULL), -ERANGE);	/* past ff */
	CHECK_INT(read_req(st, 0xf800, 0, 8 * 128, MKX_IO_PORT_CFG_EACH_BUS, many), 0);		/* f8-ff */
	CHECK_INT(read_req(st, 0x0000, 0, 100, MKX_IO_PORT_CFG_EACH_BUS, NULL), -ERANGE);	/* part of a bus */
	CHECK_INT(read_req(st, 0x0000, 2, 128, MKX_IO_PORT_CFG_EACH_BUS, NULL), -ERANGE);	/* not a dword */
	service_io_port.close(st);
}

/* 00:02.0 only, read-only: the others of bus 0 read all ones, by their own policy. */
TEST(conf1_scan_buses_follows_the_policy_per_function)
{
	static uint32_t many[2 * 32];
	char why[512];
	void *st = NULL;

	service_io_port.close(setup());
	CHECK_INT(service_io_port.open(&fake, "x", "io_port_base=0xcf8, io_port_size=8", &st, why, sizeof why), 0);
	CHECK_INT(scan_buses(st, 0, 0, many, 2), 0);
	for (unsigned i = 0; i < 2 * 32; i++)
		CHECK_INT(many[i], i == 2 ? 0x10d38086 : 0xffffffffu);
	service_io_port.close(st);
}

/* A peer-bus probe's order: bus 0, then 1-20 device by device; each ID read twice comes from its fetch. */
TEST(conf1_walk_scans_empty_buses_eight_at_a_time)
{
	struct pci_conf1 c1;
	struct pci_cfg c = { &pci_cfg_conf1, &c1 };
	void *st = setup();

	c1 = (struct pci_conf1){ .port_ctx = st, .range_read = range_read, .write_back = no_write, .scan = scan,
	    .scan_buses = scan_buses, .walk = 1 };
	requests = 0;
	CHECK_INT(pci_rd(&c, ((struct pci_addr){ 0, 0, 2, 0 }), 0x00, 4), 0x10d38086);
	CHECK_INT(requests, 1);
	/* bus 1 after a bus with devices: alone; 2-9, 10-17, 18-25 after an empty one: 8 at a time */
	for (unsigned bus = 1; bus <= 20; bus++)
		for (unsigned dev = 0; dev < 32; dev++)
			CHECK_INT(pci_rd(&c, ((struct pci_addr){ 0, bus, dev, 0 }), 0x00, 4), 0xffffffffu);
	CHECK_INT(requests, 5);
	CHECK_INT(pci_rd(&c, ((struct pci_addr){ 0, 20, 5, 0 }), 0x00, 4), 0xffffffffu);	/* again: its own fetch */
	CHECK_INT(requests, 6);
	CHECK_INT(pci_rd(&c, ((struct pci_addr){ 0, 21, 5, 0 }), 0x00, 4), 0xffffffffu);	/* from 18-25's */
	CHECK_INT(requests, 6);
	/* the last buses: not past ff */
	CHECK_INT(pci_rd(&c, ((struct pci_addr){ 0, 0xfe, 0, 0 }), 0x00, 4), 0xffffffffu);
	CHECK_INT(pci_rd(&c, ((struct pci_addr){ 0, 0xff, 0, 0 }), 0x00, 4), 0xffffffffu);
	CHECK_INT(requests, 8);
	service_io_port.close(st);
}
