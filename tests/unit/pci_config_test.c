/*
 * The <pci_config> policy (finding 2 of issue 10) through the CF8/CFC
 * emulation on the sim backends: a function the policy does not name is
 * absent for that label, read-only policies refuse writes, functions
 * named by address, class, vendor/device or all, and no writes to a
 * function whose BAR or DMA session another component holds (issue 22
 * finding 8: a DMA holder was not asked about).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <mkx/io_port.h>
#include "../../core-services/core.h"
#include "../../core-services/dma_backend.h"
#include <mkx/pci_class.h>

#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct child fake = { .ram_left = 1 << 20 }, other = { .ram_left = 1 << 20 };

static void
setup(void)
{
	static const char xml[] =
	    "<config>\n<io_port backend=\"sim\">\n"
	    "<policy label_prefix=\"\" base=\"0xcf8\" size=\"8\"/>\n"
	    "</io_port>\n"
	    "<io_mem backend=\"sim\"> <policy label=\"fb\" pci=\"00:01.0\"/> </io_mem>\n"
	    "<dma backend=\"sim\" huge_pages=\"4\"> <policy label=\"nic\" pci=\"00:02.0\"/> </dma>\n"
	    "<pci_config>\n"
	    "<policy label=\"acpi\" pci=\"all\" access=\"read\"/>\n"
	    "<policy label_prefix=\"platform\" pci=\"all\" access=\"write\"/>\n"
	    "<policy label=\"x\" pci=\"00:02.0\" access=\"write\"/>\n"
	    "<policy label=\"y\" class=\"0x0300\"/>\n"
	    "<policy label=\"z\" vendor_id=\"0x8086\" device_id=\"0x10d3\"/>\n"
	    "<policy label=\"vga\" class=\"VGA\" access=\"write\"/>\n"
	    "</pci_config><start name=\"a\"><binary name=\"true\"/></start></config>";

	core_cfg = &cfg;
	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_port_select(&cfg), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
	dma_sim_reset();
	CHECK_INT(dma_select(&cfg), 0);
}

static int
call(void *st, uint16_t op, unsigned port, unsigned width, uint32_t val, uint32_t *out)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	struct mkx_io_port_req rq = { .port = (uint16_t)port, .width = (uint8_t)width, .value = val };
	int rc;

	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = op;
	m.hdr.len = sizeof rq;
	memcpy(m.payload, &rq, sizeof rq);
	r.len = 0;
	rc = service_io_port.call(st, &m, &r);
	if (!rc && out && r.len == 4)
		memcpy(out, r.payload, 4);
	return rc;
}

/* Read register reg of function bdf through conf1. */
static uint32_t
rd(void *st, unsigned bdf, unsigned reg)
{
	uint32_t v = 0;

	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf8, 4, 0x80000000u | bdf << 8 | reg, NULL), 0);
	CHECK_INT(call(st, MKX_IO_PORT_IN, 0xcfc, 4, 0, &v), 0);
	return v;
}

static int
wr(void *st, unsigned bdf, unsigned reg, uint32_t v)
{
	CHECK_INT(call(st, MKX_IO_PORT_OUT, 0xcf8, 4, 0x80000000u | bdf << 8 | reg, NULL), 0);
	return call(st, MKX_IO_PORT_OUT, 0xcfc, 4, v, NULL);
}

static void *
open_conf1(struct child *c, const char *label)
{
	char why[512];
	void *st = NULL;

	CHECK_INT(service_io_port.open(c, label, "io_port_base=0xcf8, io_port_size=8", &st, why, sizeof why), 0);
	return st;
}

TEST(pci_config_function_not_named_reads_as_absent)
{
	void *st;

	setup();
	st = open_conf1(&fake, "x");
	CHECK_INT(rd(st, 0x10, 0), 0x10d38086);
	CHECK_INT(rd(st, 0x00, 0), 0xffffffffu);
	CHECK_INT(rd(st, 0x08, 0), 0xffffffffu);
	service_io_port.close(st);
	st = open_conf1(&fake, "nobody");
	CHECK_INT(rd(st, 0x00, 0), 0xffffffffu);
	CHECK_INT(rd(st, 0x10, 0), 0xffffffffu);
	service_io_port.close(st);
}

TEST(pci_config_write_to_function_not_named_is_refused)
{
	void *st;

	setup();
	st = open_conf1(&fake, "x");
	CHECK_INT(wr(st, 0x08, 0x10, 0xe0000000u), -EPERM);	/* move 00:01.0's BAR0: no */
	service_io_port.close(st);
	st = open_conf1(&fake, "acpi");
	CHECK_INT(rd(st, 0x08, 0x10), 0xfd000008u);		/* unchanged */
	service_io_port.close(st);
}

TEST(pci_config_read_only_policy_reads_all_writes_none)
{
	void *st;

	setup();
	st = open_conf1(&fake, "acpi");
	CHECK_INT(rd(st, 0x00, 0), 0x00081b36);
	CHECK_INT(rd(st, 0x08, 0), 0x11111234);
	CHECK_INT(rd(st, 0x10, 8) >> 8, 0x020000);
	CHECK_INT(wr(st, 0x10, 0x04, 0x7), -EPERM);
	for (unsigned i = 0; i < 20; i++)	/* refused and logged at most 8 times, the session lives on */
		CHECK_INT(wr(st, 0x10, 0x04, 0x7), -EPERM);
	CHECK_INT(rd(st, 0x10, 0x04), 0);
	service_io_port.close(st);
}

TEST(pci_config_by_class_and_by_vendor_device)
{
	void *st;

	setup();
	st = open_conf1(&fake, "y");			/* class 0x0300: the VGA function only */
	CHECK_INT(rd(st, 0x08, 0), 0x11111234);
	CHECK_INT(rd(st, 0x10, 0), 0xffffffffu);
	CHECK_INT(wr(st, 0x08, 0x04, 0x3), -EPERM);	/* read-only by default */
	service_io_port.close(st);
	st = open_conf1(&fake, "z");			/* 8086:10d3 */
	CHECK_INT(rd(st, 0x10, 0), 0x10d38086);
	CHECK_INT(rd(st, 0x08, 0), 0xffffffffu);
	service_io_port.close(st);
	st = open_conf1(&fake, "vga");			/* Genode's class name */
	CHECK_INT(wr(st, 0x08, 0x04, 0x3), 0);
	CHECK_INT(rd(st, 0x08, 0x04), 0x3);
	service_io_port.close(st);
}

TEST(pci_config_write_to_function_whose_bar_another_holds_is_refused)
{
	char why[512];
	void *st, *bar;

	setup();
	st = open_conf1(&fake, "platform");
	CHECK_INT(wr(st, 0x08, 0x04, 0x2), 0);
	CHECK_INT(service_io_mem.open(&other, "fb", "base=0xfd000000, size=0x1000", &bar, why, sizeof why), 0);
	CHECK_INT(wr(st, 0x08, 0x10, 0xe0000000u), -EPERM);	/* would move fb's BAR under it */
	CHECK_INT(wr(st, 0x08, 0x04, 0x0), -EPERM);		/* would turn off its decoding */
	CHECK_INT(rd(st, 0x08, 0x10), 0xfd000008u);
	CHECK_INT(rd(st, 0x08, 0x04), 0x2);
	CHECK_INT(wr(st, 0x10, 0x04, 0x1), 0);			/* other functions stay writable */
	service_io_mem.close(bar);
	CHECK_INT(wr(st, 0x08, 0x04, 0x0), 0);
	service_io_port.close(st);
}

/*
 * The DMA holder's device reaches memory by bus address: another writer
 * must not turn its bus mastering back on, move its BARs or aim its MSI.
 */
TEST(pci_config_write_to_function_whose_dma_another_holds_is_refused)
{
	char why[512];
	void *st, *dma = NULL;

	setup();
	st = open_conf1(&fake, "platform");
	CHECK_INT(wr(st, 0x10, 0x04, 0x2), 0);
	CHECK_INT(service_dma.open(&other, "nic", "pci=\"00:02.0\"", &dma, why, sizeof why), 0);
	CHECK_INT(wr(st, 0x10, 0x04, 0x6), -EPERM);		/* bus master and memory under "nic" */
	CHECK_INT(wr(st, 0x10, 0x10, 0xe0000000u), -EPERM);	/* its BAR0 */
	CHECK_INT(rd(st, 0x10, 0x04) & 0x2, 0x2);		/* unchanged */
	CHECK_INT(wr(st, 0x08, 0x04, 0x2), 0);			/* other functions stay writable */
	service_dma.close(dma);
	CHECK_INT(wr(st, 0x10, 0x04, 0x2), 0);
	service_io_port.close(st);
}

TEST(pci_config_dma_holder_itself_may_write)
{
	char why[512];
	void *st, *dma = NULL;

	setup();
	st = open_conf1(&other, "platform");
	CHECK_INT(service_dma.open(&other, "nic", "pci=\"00:02.0\"", &dma, why, sizeof why), 0);
	CHECK_INT(wr(st, 0x10, 0x04, 0x6), 0);
	service_dma.close(dma);
	service_io_port.close(st);
}

TEST(pci_config_holder_itself_may_write)
{
	char why[512];
	void *st, *bar;

	setup();
	st = open_conf1(&other, "platform");
	CHECK_INT(service_io_mem.open(&other, "fb", "base=0xfd000000, size=0x1000", &bar, why, sizeof why), 0);
	CHECK_INT(wr(st, 0x08, 0x04, 0x2), 0);
	service_io_mem.close(bar);
	service_io_port.close(st);
}

TEST(pci_config_policy_errors)
{
	static const char *bad[][2] = {
		{ "<policy label=\"a\" class=\"0x3\"/>", "0xCC, 0xCCSS or 0xCCSSPP" },
		{ "<policy label=\"a\" class=\"PRINTER\"/>", "or a name like VGA" },
		{ "<policy label=\"a\" pci=\"all\" class=\"VGA\"/>", "one way" },
		{ "<policy label=\"a\"/>", "one way" },
		{ "<policy label=\"a\" pci=\"all\" access=\"rw\"/>", "use read or write" },
		{ "<policy label=\"a\" pci=\"0:1\"/>", "expected BB:DD.F" },
		{ "<policy pci=\"all\"/>", "needs label, label_prefix, label_suffix, label_last or unscoped_label" },
		{ "<device pci=\"all\"/>", "unknown element <device>" },
	};

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char xml[512];

		snprintf(xml, sizeof xml, "<config>\n<pci_config>\n%s\n</pci_config><start name=\"a\">"
		    "<binary name=\"true\"/></start></config>", bad[i][0]);
		CHECK_INT(config_load_buf(&cfg, xml, strlen(xml), "t.xml", "/bin", err, sizeof err), -EINVAL);
		CHECK_STR_HAS(err, "t.xml:3:");
		CHECK_STR_HAS(err, bad[i][1]);
	}
}

TEST(pci_class_names_and_numbers)
{
	uint32_t c, m;

	CHECK_INT(pci_class_parse("0x03", &c, &m), 0);
	CHECK_INT(c, 0x030000);
	CHECK_INT(m, 0xff0000);
	CHECK_INT(pci_class_parse("0x0106", &c, &m), 0);
	CHECK_INT(c, 0x010600);
	CHECK_INT(m, 0xffff00);
	CHECK_INT(pci_class_parse("0x010601", &c, &m), 0);
	CHECK_INT(m, 0xffffff);
	/* Genode's AHCI: class 01, subclass 06, any prog-if; names are case-sensitive as in Genode. */
	CHECK_INT(pci_class_parse("AHCI", &c, &m), 0);
	CHECK_INT(mkx_pci_class_match(c, m, 0x010601), 1);
	CHECK_INT(mkx_pci_class_match(c, m, 0x010600), 1);
	CHECK_INT(mkx_pci_class_match(c, m, 0x010802), 0);
	CHECK_INT(pci_class_parse("ahci", &c, &m), -EINVAL);
	CHECK_INT(pci_class_parse("0x12345", &c, &m), -EINVAL);
}
