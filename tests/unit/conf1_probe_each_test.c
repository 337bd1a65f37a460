/*
 * CFG_READ with MKX_IO_PORT_CFG_PROBE_EACH (mkx/io_port_cfg.h): a
 * function's BAR sizing probes in one request to core, on the sim
 * backends. Each write is checked as a CF8/CFC write (a read-only policy
 * or a function the policy does not name: refused, nothing written), only
 * BAR registers of the function's header type (never a bridge's bus
 * numbers), each BAR restored; pci/cfg_conf1.c's walk probes a function's
 * six BARs with one request and serves bar.c's probes from it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <mkx/io_port.h>
#include <mkx/io_port_cfg.h>
#include "../../core-services/core.h"
#include "../../core-services/io_port_backend.h"
#include "../../pci/cfg.h"

#include "conf1_request.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct child fake = { .ram_left = 1 << 20 };

static void *
setup(const char *label)
{
	static const char xml[] =
	    "<config>\n<io_port backend=\"sim\">\n"
	    "<policy label_prefix=\"\" base=\"0xcf8\" size=\"8\"/>\n"
	    "</io_port>\n"
	    "<pci_config>\n"
	    "<policy label=\"acpi\" pci=\"all\" access=\"read\"/>\n"
	    "<policy label=\"platform\" pci=\"all\" access=\"write\"/>\n"
	    "<policy label=\"x\" pci=\"00:02.0\" access=\"write\"/>\n"
	    "</pci_config><start name=\"a\"><binary name=\"true\"/></start></config>";
	static int loaded;	/* a test may set up twice: the first config is freed, not leaked */
	char why[512];
	void *st = NULL;

	if (loaded)
		config_free(&cfg);
	loaded = 1;
	core_cfg = &cfg;
	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_port_select(&cfg), 0);
	CHECK_INT(service_io_port.open(&fake, label, "io_port_base=0xcf8, io_port_size=8", &st, why, sizeof why), 0);
	return st;
}

static int
probe_each(void *st, unsigned bdf, unsigned off, uint32_t *masks, unsigned n)
{
	struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = (uint16_t)off, .len = (uint16_t)(4 * n),
	    .flags = MKX_IO_PORT_CFG_PROBE_EACH };

	return request(st, MKX_IO_PORT_CFG_READ, &rq, masks, 4 * n);
}

/* The sim's VGA (00:01.0) as the backend holds it: BAR0 0xfd000008, BAR2 0xfebf0000. */
static void
check_vga_bars(void)
{
	uint32_t bar[3];

	for (unsigned i = 0; i < 3; i++)
		CHECK_INT(io_port_sim.cfg_read(0x08, 0x10 + 4 * i, 4, &bar[i]), 0);
	CHECK_INT(bar[0], 0xfd000008u);
	CHECK_INT(bar[1], 0);
	CHECK_INT(bar[2], 0xfebf0000u);
}

TEST(conf1_probe_each_probes_and_restores)
{
	uint32_t masks[6];
	void *st = setup("platform");

	requests = 0;
	CHECK_INT(probe_each(st, 0x08, 0x10, masks, 6), 0);
	CHECK_INT(requests, 1);
	for (unsigned i = 0; i < 6; i++)
		CHECK_INT(masks[i], 0xffffffffu);		/* the sim keeps what is written */
	check_vga_bars();					/* each restored */
	service_io_port.close(st);
}

TEST(conf1_probe_each_follows_the_policy)
{
	uint32_t masks[6];
	void *st = setup("acpi");

	CHECK_INT(probe_each(st, 0x08, 0x10, masks, 6), -EPERM);	/* read-only */
	check_vga_bars();
	service_io_port.close(st);
	st = setup("x");
	CHECK_INT(probe_each(st, 0x08, 0x10, masks, 6), -EPERM);	/* 00:01.0 not named */
	check_vga_bars();
	CHECK_INT(probe_each(st, 0x10, 0x10, masks, 6), 0);		/* 00:02.0 is */
	CHECK_INT(range_read(st, 0x10, 0x18, masks, 4), 0);
	CHECK_INT(masks[0], 0xc001);
	service_io_port.close(st);
}

TEST(conf1_probe_each_bar_registers_only)
{
	uint32_t masks[7], back, v;
	void *st = setup("platform");

	CHECK_INT(probe_each(st, 0x08, 0x0c, masks, 1), -ERANGE);	/* below the BARs */
	CHECK_INT(probe_each(st, 0x08, 0x10, masks, 7), -ERANGE);	/* past BAR5: the CardBus CIS pointer */
	CHECK_INT(probe_each(st, 0x08, 0x30, masks, 1), -ERANGE);	/* the ROM: not with all ones */
	/* A type 1 header (the NIC made a bridge for this): BAR0 and BAR1, never the bus numbers at 0x18. */
	CHECK_INT(write_back(st, 0x10, 0x0e, 1, 0x01, &back), 0);
	CHECK_INT(probe_each(st, 0x10, 0x10, masks, 3), -ERANGE);
	CHECK_INT(range_read(st, 0x10, 0x18, &v, 4), 0);
	CHECK_INT(v, 0xc001);					/* untouched */
	CHECK_INT(probe_each(st, 0x10, 0x10, masks, 2), 0);
	service_io_port.close(st);
}

TEST(conf1_walk_probes_a_function_with_one_request)
{
	struct pci_conf1 c1;
	struct pci_cfg c = { &pci_cfg_conf1, &c1 };
	const struct pci_addr vga = { 0, 0, 1, 0 };
	void *st = setup("platform");

	c1 = (struct pci_conf1){ .port_ctx = st, .range_read = range_read, .write_back = write_back,
	    .probe = probe, .probe_each = probe_each, .walk = 1 };
	CHECK_INT(pci_rd(&c, vga, 0x0c, 4), 0);			/* the header fetched: type 0 */
	requests = 0;
	for (unsigned off = 0x10; off < 0x28; off += 4) {		/* pci/bar.c's probe of each BAR */
		uint32_t orig = pci_rd(&c, vga, off, 4);

		CHECK_INT(pci_wr(&c, vga, off, 4, 0xffffffffu), 0);
		CHECK_INT(pci_rd(&c, vga, off, 4), 0xffffffffu);
		CHECK_INT(pci_wr(&c, vga, off, 4, orig), 0);
	}
	CHECK_INT(requests, 1);					/* all six in one */
	check_vga_bars();
	service_io_port.close(st);
}

/* A core from before PROBE_EACH refuses an unknown flag: stands in for it. */
static int
probe_each_unknown(void *st, unsigned bdf, unsigned off, uint32_t *masks, unsigned n)
{
	struct mkx_io_port_cfg_req rq = { .bdf = (uint16_t)bdf, .off = (uint16_t)off, .len = (uint16_t)(4 * n),
	    .flags = 0x40 };

	return request(st, MKX_IO_PORT_CFG_READ, &rq, masks, 4 * n);
}

TEST(conf1_walk_on_a_core_without_probe_each)
{
	struct pci_conf1 c1;
	struct pci_cfg c = { &pci_cfg_conf1, &c1 };
	const struct pci_addr vga = { 0, 0, 1, 0 };
	void *st = setup("platform");

	c1 = (struct pci_conf1){ .port_ctx = st, .range_read = range_read, .write_back = write_back,
	    .probe = probe, .probe_each = probe_each_unknown, .walk = 1 };
	CHECK_INT(pci_rd(&c, vga, 0x0c, 4), 0);
	requests = 0;
	for (unsigned off = 0x10; off < 0x28; off += 4) {
		uint32_t orig = pci_rd(&c, vga, off, 4);

		CHECK_INT(pci_wr(&c, vga, off, 4, 0xffffffffu), 0);
		CHECK_INT(pci_rd(&c, vga, off, 4), 0xffffffffu);
		CHECK_INT(pci_wr(&c, vga, off, 4, orig), 0);
	}
	CHECK_INT(requests, 7);					/* one refused, then a probe per BAR */
	CHECK(c1.probe_each == NULL);				/* not asked again */
	check_vga_bars();
	service_io_port.close(st);
}
