/*
 * The ROM-fed platform driver takes pci_decode's devices report as it now
 * is (issue 24): the Intel IGD's OpRegion as <io_mem pci_bar="6"> (Genode's
 * platform driver takes any pci_bar below 255) and a BAR the firmware left
 * at address 0, read as it is (the session refuses to hand it out).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "../../pci/platform_rom.h"

static struct prom_set set;

TEST(platform_rom_takes_opregion_and_bar_at_zero)
{
	static const char doc[] = "<devices>\n"
	    "  <device name=\"00:02.0\" type=\"pci\">\n"
	    "    <pci-config bus=\"0x0\" device=\"0x2\" function=\"0x0\" vendor_id=\"0x8086\" device_id=\"0x3ea0\""
	    " class=\"0x30000\" revision=\"0x0\" bridge=\"no\"/>\n"
	    "    <io_mem pci_bar=\"0\" address=\"0xf0000000\" size=\"0x1000000\" prefetchable=\"true\" wc=\"false\"/>\n"
	    "    <io_mem pci_bar=\"4\" address=\"0x0\" size=\"0x1000\"/>\n"
	    "    <io_mem pci_bar=\"6\" address=\"0x7ab48018\" size=\"8192\"/>\n"
	    "  </device>\n</devices>\n";
	char err[256], why[256] = "";
	struct mkx_xml *x = mkx_xml_parse(doc, strlen(doc), err, sizeof err);
	struct prom_dev *d;

	CHECK(x);
	CHECK_INT(prom_read(x, &set, why, sizeof why), 0);
	mkx_xml_free(x);
	CHECK(why[0] == 0 || !printf("# %s\n", why));
	CHECK((d = prom_find(&set, "00:02.0")) != NULL);
	if (!d)
		return;
	CHECK_INT(d->nmem, 3);
	CHECK(d->mem[1].addr == 0 && d->mem[1].size == 0x1000 && d->mem[1].pci_bar == 4);
	CHECK(d->mem[2].addr == 0x7ab48018ull && d->mem[2].size == 8192 && d->mem[2].pci_bar == 6);
}
