/*
 * The ROM-fed platform driver's reading of its devices ROM
 * (pci/platform_rom.c): pci_decode's report and a hand-written ROM with
 * non-PCI devices read as Genode's platform driver reads them; bad
 * documents refused naming the line and what is wrong.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "../../pci/platform_rom.h"

static struct prom_set set;
static char why[256];

static int
read_doc(const char *xml)
{
	char err[256];
	struct mkx_xml *x = mkx_xml_parse(xml, strlen(xml), err, sizeof err);
	int rc;

	CHECK(x);
	why[0] = 0;
	rc = prom_read(x, &set, why, sizeof why);
	mkx_xml_free(x);
	return rc;
}

/* As our pci component (pci_decode's part) writes it for QEMU's q35 with -vga std. */
TEST(platform_rom_reads_the_devices_report)
{
	struct prom_dev *d;

	CHECK_INT(read_doc("<devices>\n"
	    "  <device name=\"00:01.0\" type=\"pci\">\n"
	    "    <irq number=\"1\" type=\"msi\"/>\n"
	    "    <io_mem pci_bar=\"0\" address=\"0xfd000000\" size=\"0x1000000\" wc=\"true\"/>\n"
	    "    <io_mem pci_bar=\"2\" address=\"0xfeb94000\" size=\"0x1000\"/>\n"
	    "    <pci-config address=\"0xb0008000\" bus=\"0x0\" device=\"0x1\" function=\"0x0\" vendor_id=\"0x1234\""
	    " device_id=\"0x1111\" class=\"0x30000\" revision=\"0x2\" bridge=\"no\" sub_vendor_id=\"0x1af4\""
	    " sub_device_id=\"0x1100\"/>\n"
	    "  </device>\n"
	    "  <device name=\"ps2\">\n    <irq number=\"1\"/>\n    <irq number=\"12\"/>\n"
	    "    <io_port_range address=\"0x60\" size=\"1\"/>\n    <io_port_range address=\"0x64\" size=\"1\"/>\n"
	    "  </device>\n"
	    "  <device name=\"ioapic0\" type=\"ioapic\">\n    <io_mem address=\"0xfec00000\" size=\"0x1000\"/>\n"
	    "    <property name=\"irq_start\" value=\"0\"/>\n  </device>\n"
	    "</devices>\n"), 0);
	CHECK_INT(set.n, 3);
	CHECK((d = prom_find(&set, "00:01.0")));
	CHECK(d->pci && !strcmp(d->type, "pci"));
	CHECK_INT(d->vendor, 0x1234);
	CHECK_INT(d->device, 0x1111);
	CHECK_INT(d->class, 0x030000);
	CHECK_INT(d->sub_vendor, 0x1af4);
	CHECK_INT(d->dev, 1);
	CHECK(d->cfg_addr == 0xb0008000ull);
	CHECK_INT(d->nmem, 2);
	CHECK(d->mem[0].addr == 0xfd000000ull && d->mem[0].size == 0x1000000ull && d->mem[0].wc && d->mem[0].pci_bar == 0);
	CHECK(d->mem[1].addr == 0xfeb94000ull && !d->mem[1].wc && d->mem[1].pci_bar == 2);
	CHECK_INT(d->nirq, 1);
	CHECK(!strcmp(d->irq[0].type, "msi"));
	CHECK((d = prom_find(&set, "ps2")));
	CHECK(!d->pci && !d->type[0]);
	CHECK_INT(d->nport, 2);
	CHECK(d->port[1].addr == 0x64 && d->port[1].size == 1 && d->port[1].pci_bar == -1);
	CHECK_INT(d->nirq, 2);
	CHECK_INT(d->irq[1].number, 12);
	CHECK(!d->irq[1].type[0]);
	CHECK((d = prom_find(&set, "ioapic0")));
	CHECK_INT(d->nmem, 1);	/* <property> is not a resource */
	CHECK(!prom_find(&set, "pit"));
}

/* A session ROM's phys_addr= is read as the report's address= (a ROM written either way). */
TEST(platform_rom_takes_phys_addr_too)
{
	CHECK_INT(read_doc("<devices><device name=\"x\"><io_mem phys_addr=\"0x1000\" size=\"0x1000\"/></device></devices>"), 0);
	CHECK(set.dev[0].mem[0].addr == 0x1000);
}

TEST(platform_rom_bad_documents_refused_with_the_line)
{
	CHECK(read_doc("<config/>") < 0);
	CHECK_STR_HAS(why, "not <devices>");
	CHECK(read_doc("<devices>\n<device type=\"pci\"/></devices>") < 0);
	CHECK_STR_HAS(why, "line 2: <device> without a name");
	CHECK(read_doc("<devices>\n<device name=\"a\">\n<io_mem size=\"0x1000\"/></device></devices>") < 0);
	CHECK_STR_HAS(why, "line 3: <io_mem> without address=");
	CHECK(read_doc("<devices><device name=\"a\"><io_mem address=\"0x1000\"/></device></devices>") < 0);
	CHECK_STR_HAS(why, "<io_mem> without a size");
	CHECK(read_doc("<devices><device name=\"a\"><io_port_range address=\"0xfff0\" size=\"0x20\"/></device></devices>") < 0);
	CHECK_STR_HAS(why, "wraps or leaves the address space");
	CHECK(read_doc("<devices><device name=\"a\"><io_mem address=\"0xfffffffffffff000\" size=\"0x2000\"/></device></devices>") < 0);
	CHECK_STR_HAS(why, "wraps");
	CHECK(read_doc("<devices><device name=\"a\"><irq number=\"x\"/></device></devices>") < 0);
	CHECK_STR_HAS(why, "<irq number=\"x\">: not a number");
	CHECK(read_doc("<devices><device name=\"a\"><irq number=\"3\" type=\"edge\"/></device></devices>") < 0);
	CHECK_STR_HAS(why, "not legacy, msi or msi-x");
	CHECK(read_doc("<devices><device name=\"a\"><pci-config device_id=\"0x1\"/></device></devices>") < 0);
	CHECK_STR_HAS(why, "<pci-config> without vendor_id=");
	CHECK(read_doc("<devices><device name=\"a\"/>\n<device name=\"a\"/></devices>") < 0);
	CHECK_STR_HAS(why, "line 2: a second device named \"a\"");
	CHECK(read_doc("<devices><device name=\"a\"><io_mem address=\"0\" size=\"1\" pci_bar=\"255\"/></device></devices>") < 0);
	CHECK_STR_HAS(why, "pci_bar=\"255\">: not a number up to 0xfe");
}
