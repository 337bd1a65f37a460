/*
 * The platform driver's policies (pci/policy.c) and what acquire and
 * release do to a function (pci/quiesce.c), on simulated config space.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "../../pci/policy.h"
#include "../../pci/quiesce.h"
#include "../../pci/sim.h"

static struct pci_policy pol[PCI_POLICIES_MAX];
static char why[256];

static int
read_policies(const char *xml)
{
	char err[256];
	struct mkx_xml *x = mkx_xml_parse(xml, strlen(xml), err, sizeof err);
	int n;

	CHECK(x);
	n = pci_policies_read(x, pol, PCI_POLICIES_MAX, why, sizeof why);
	mkx_xml_free(x);
	return n;
}

static struct pci_fn
fn_of(unsigned dev, uint16_t vendor, uint16_t device, uint32_t class)
{
	struct pci_fn f;

	memset(&f, 0, sizeof f);
	f.a = (struct pci_addr){ 0, 0, dev, 0 };
	f.vendor = vendor;
	f.device = device;
	f.class = class;
	return f;
}

TEST(pci_policy_by_name_class_and_ids)
{
	struct pci_fn edu = fn_of(3, 0x1234, 0x11e8, 0xff0000), vga = fn_of(1, 0x1234, 0x1111, 0x030000);
	struct pci_fn nic = fn_of(2, 0x8086, 0x10d3, 0x020000), ahci = fn_of(0x1f, 0x8086, 0x2922, 0x010601);

	CHECK_INT(read_policies("<config>"
	    "<policy label=\"fb -> \"><pci class=\"VGA\"/></policy>"
	    "<policy label_prefix=\"nic\" info=\"yes\" version=\"3\"><pci class=\"ETHERNET\"/></policy>"
	    "<policy label_prefix=\"nic_special\"><device name=\"00:03.0\"/></policy>"
	    "<policy label_prefix=\"disk\"><pci class=\"AHCI\"/><pci vendor_id=\"0x1234\" device_id=\"0x11e8\"/></policy>"
	    "<policy label_prefix=\"raw\"><pci class=\"0x0200\"/></policy>"
	    "</config>"), 5);
	CHECK(pci_policy_has(pci_policy_for(pol, 5, "fb -> "), &vga));
	CHECK(!pci_policy_has(pci_policy_for(pol, 5, "fb -> "), &edu));
	CHECK(pci_policy_for(pol, 5, "fb -> x") == NULL);		/* exact label only */
	CHECK(pci_policy_has(pci_policy_for(pol, 5, "nic -> x"), &nic));
	CHECK(pci_policy_for(pol, 5, "nic -> x")->info);
	CHECK(!strcmp(pci_policy_for(pol, 5, "nic -> x")->version, "3"));
	/* the longest prefix wins */
	CHECK(pci_policy_has(pci_policy_for(pol, 5, "nic_special -> x"), &edu));
	CHECK(!pci_policy_has(pci_policy_for(pol, 5, "nic_special -> x"), &nic));
	CHECK(pci_policy_has(pci_policy_for(pol, 5, "disk"), &ahci));
	CHECK(pci_policy_has(pci_policy_for(pol, 5, "disk"), &edu));
	CHECK(!pci_policy_has(pci_policy_for(pol, 5, "disk"), &vga));
	CHECK(pci_policy_has(pci_policy_for(pol, 5, "raw"), &nic));
	CHECK(pci_policy_for(pol, 5, "nobody") == NULL);
}

TEST(pci_policy_errors_name_the_line)
{
	CHECK_INT(read_policies("<config>\n<policy label=\"x\"><pci class=\"GPU\"/></policy></config>"), -22);
	CHECK_STR_HAS(why, "line 2: class \"GPU\" is neither a Genode class name (");
	CHECK_STR_HAS(why, ") nor 0xCC[SS[PP]]");
	CHECK_INT(read_policies("<config>\n<policy label=\"x\"><pci vendor_id=\"0x1234\"/></policy></config>"), -22);
	CHECK_STR_HAS(why, "needs class=, or both vendor_id= and device_id=");
	CHECK_INT(read_policies("<config>\n<policy><device name=\"00:03.0\"/></policy></config>"), -22);
	CHECK_STR_HAS(why, "line 2: a <policy> needs label=, label_prefix= or label_suffix=");
	CHECK_INT(read_policies("<config>\n<policy label=\"x\"><device/></policy></config>"), -22);
	CHECK_STR_HAS(why, "line 2: <device name=\"...\"/> expected");
	CHECK_INT(read_policies("<config>\n<default-policy/>\n<default-policy/></config>"), -22);
	CHECK_STR_HAS(why, "line 3: a second <default-policy>");
}

/* Genode's Node_label_score (os/session_policy.h), case by case. */
TEST(pci_policy_genode_label_score)
{
	CHECK_INT(read_policies("<config>"
	    "<policy label_prefix=\"drv\"><device name=\"a\"/></policy>"			/* 0 */
	    "<policy label_prefix=\"drv -> \"><device name=\"b\"/></policy>"		/* 1: longer prefix */
	    "<policy label=\"drv -> usb\"><device name=\"c\"/></policy>"			/* 2: exact */
	    "<policy label_suffix=\"-> nic\"><device name=\"d\"/></policy>"			/* 3: suffix only */
	    "<policy label_prefix=\"drv -> \" label_suffix=\"nic\"><device name=\"e\"/></policy>"	/* 4 */
	    "<policy label_prefix=\"x\" label_suffix=\"never\"><device name=\"f\"/></policy>"	/* 5: conflict */
	    "<policy label_prefix=\"tie\"><device name=\"g\"/></policy>"			/* 6 */
	    "<policy label_prefix=\"tie\"><device name=\"h\"/></policy>"			/* 7: a tie */
	    "<policy label=\"  spaced  \"><device name=\"i\"/></policy>"			/* 8: trimmed */
	    "<default-policy><device name=\"ps2\"/></default-policy>"				/* 9 */
	    "</config>"), 10);
	CHECK(pci_policy_for(pol, 10, "drv -> usb") == &pol[2]);	/* label beats every prefix */
	CHECK(pci_policy_for(pol, 10, "drv -> usb2") == &pol[1]);	/* the longest prefix */
	CHECK(pci_policy_for(pol, 10, "drv") == &pol[0]);		/* "drv -> " is longer than the label */
	CHECK(pci_policy_for(pol, 10, "drv -> nic") == &pol[4]);	/* prefix and suffix beat the prefix alone */
	CHECK(pci_policy_for(pol, 10, "other -> nic") == &pol[3]);	/* a suffix alone */
	CHECK(pci_policy_for(pol, 10, "x -> y") == &pol[9]);		/* a prefix whose suffix conflicts is out */
	CHECK(pci_policy_for(pol, 10, "tie -> y") == &pol[6]);	/* equally good: the first */
	CHECK(pci_policy_for(pol, 10, " spaced ") == &pol[8]);	/* spaces around both are trimmed */
	CHECK(pci_policy_for(pol, 10, "nobody") == &pol[9]);		/* no match: <default-policy> */
	/* Without a <default-policy>: no policy. */
	CHECK(pci_policy_for(pol, 9, "nobody") == NULL);
	/* Any device name, not only BB:DD.F. */
	CHECK(pci_policy_has_name(pci_policy_for(pol, 10, "nobody"), "ps2"));
	CHECK(!pci_policy_has_name(pci_policy_for(pol, 10, "nobody"), "pit"));
}

/* A platform driver config in Genode's HID syntax, as Sculpt's drivers.config writes its policies. */
TEST(pci_policy_genode_hid_config)
{
	struct pci_fn vga = fn_of(1, 0x1234, 0x1111, 0x030000), xhci = fn_of(4, 0x1b36, 0x000d, 0x0c0330);

	CHECK_INT(read_policies("config\n"
	    "+ policy | label_suffix: -> ps2 | info: yes\n"
	    "  + device | name: ps2\n"
	    "+ policy | label_suffix: -> fb | info: yes\n"
	    "  + pci | class: VGA\n"
	    "+ policy | label_suffix: -> usb | info: yes\n"
	    "  + pci | class: USB\n"
	    "+ default-policy\n"
	    "-\n"), 4);
	CHECK(pci_policy_for(pol, 4, "runtime -> drivers -> ps2") == &pol[0]);
	CHECK(pci_policy_has_name(&pol[0], "ps2") && pol[0].info);
	CHECK(pci_policy_has(pci_policy_for(pol, 4, "drivers -> fb"), &vga));
	CHECK(pci_policy_has(pci_policy_for(pol, 4, "drivers -> usb"), &xhci));
	CHECK(!pci_policy_has(pci_policy_for(pol, 4, "drivers -> usb"), &vga));
	CHECK(pci_policy_for(pol, 4, "drivers -> nic") == &pol[3]);	/* <default-policy>: nothing in it */
	CHECK(!pci_policy_has(&pol[3], &vga));
}

/* Genode's class aliases exactly (platform/pci.cc), one table for core's <pci_config> and us. */
TEST(pci_policy_genode_class_aliases)
{
	static const struct { const char *alias; uint32_t class; int match; } cases[] = {
		{ "USB", 0x0c0300, 1 }, { "USB", 0x0c0310, 1 }, { "USB", 0x0c0320, 1 }, { "USB", 0x0c0330, 1 },
		{ "USB", 0x0c0340, 0 }, { "USB", 0x0c0380, 0 }, { "USB", 0x0c03fe, 0 }, { "USB4", 0x0c0340, 1 },
		{ "VGA", 0x030000, 1 }, { "VGA", 0x030001, 0 }, { "VGA", 0x038000, 0 },
		{ "AHCI", 0x010601, 1 }, { "AHCI", 0x010600, 1 }, { "AHCI", 0x010802, 0 },
		{ "AUDIO", 0x040100, 1 }, { "AUDIO", 0x040300, 0 }, { "HDAUDIO", 0x040300, 1 },
		{ "NVME", 0x010802, 1 }, { "NVME", 0x010801, 0 }, { "ETHERNET", 0x020000, 1 },
		{ "WIFI", 0x028000, 1 }, { "ISABRIDGE", 0x060100, 1 },
	};
	char xml[256];

	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pci_fn f = fn_of(1, 0x1111, 0x2222, cases[i].class);

		snprintf(xml, sizeof xml, "<config><policy label=\"a\"><pci class=\"%s\"/></policy></config>",
		    cases[i].alias);
		CHECK_INT(read_policies(xml), 1);
		if (pci_policy_has(&pol[0], &f) != cases[i].match) {
			fprintf(stderr, "class %s against 0x%06x: %d, want %d\n", cases[i].alias, cases[i].class,
			    !cases[i].match, cases[i].match);
			CHECK(0);
		}
	}
	/* Names are case-sensitive, as Genode compares them. */
	CHECK_INT(read_policies("<config><policy label=\"a\"><pci class=\"usb\"/></policy></config>"), -22);
	/* <pci> with class= and IDs: either is enough (Genode). */
	CHECK_INT(read_policies("<config><policy label=\"a\"><pci class=\"VGA\" vendor_id=\"0x1234\" "
	    "device_id=\"0x11e8\"/></policy></config>"), 1);
	{
		struct pci_fn edu = fn_of(3, 0x1234, 0x11e8, 0xff0000), vga = fn_of(1, 0x1234, 0x1111, 0x030000);

		CHECK(pci_policy_has(&pol[0], &edu) && pci_policy_has(&pol[0], &vga));
	}
}

TEST(pci_policy_dma_quota)
{
	CHECK_INT(read_policies("<config>"
	    "<policy label=\"a\" dma_quota=\"6M\"><pci class=\"VGA\"/></policy>"
	    "<policy label=\"b\" dma_quota=\"4096\"><pci class=\"VGA\"/></policy>"
	    "<policy label=\"c\" dma_quota=\"0x10K\"><pci class=\"VGA\"/></policy>"
	    "<policy label=\"d\"><pci class=\"VGA\"/></policy>"
	    "</config>"), 4);
	CHECK(pol[0].dma_quota == 6ull << 20);
	CHECK(pol[1].dma_quota == 4096);
	CHECK(pol[2].dma_quota == 16ull << 10);
	CHECK(pol[3].dma_quota == 0);		/* none of its own */
	CHECK_INT(read_policies("<config>\n<policy label=\"x\" dma_quota=\"8X\"/></config>"), -22);
	CHECK_STR_HAS(why, "line 2: dma_quota takes bytes");
	CHECK_INT(read_policies("<config>\n<policy label=\"x\" dma_quota=\"0\"/></config>"), -22);
	CHECK_INT(read_policies("<config>\n<policy label=\"x\" dma_quota=\"-1\"/></config>"), -22);
	CHECK_INT(read_policies("<config>\n<policy label=\"x\" dma_quota=\"1048576G\"/></config>"), -22);
}

TEST(pci_acquire_enables_release_quiesces)
{
	static struct pci_sim sim;
	const struct pci_cfg cfg = { &pci_cfg_sim, &sim };
	struct pci_fn f = fn_of(3, 0x1234, 0x11e8, 0xff0000);
	struct pci_sim_fn *s;
	uint16_t cmd;

	pci_sim_init(&sim);
	s = pci_sim_add(&sim, f.a, NULL, 0);
	s->cfg[0] = 0x34, s->cfg[1] = 0x12;
	f.bar[0].kind = PCI_BAR_MEM32;
	CHECK_INT(pci_fn_enable(&cfg, &f, &cmd), 0);
	CHECK_INT(cmd, 0x0006);		/* memory decode, bus master */
	CHECK_INT(pci_fn_quiesce(&cfg, &f, &cmd), 0);
	CHECK_INT(cmd, 0x0400);		/* nothing decoded, no bus master, INTx disabled */
	CHECK_INT(pci_fn_enable(&cfg, &f, &cmd), 0);
	CHECK_INT(cmd, 0x0006);		/* the next owner gets INTx enabled again */
	pci_sim_free(&sim);
}
