/*
 * The platform driver's policies (pci/policy.c) and what acquire and
 * release do to a function (pci/quiesce.c), on simulated config space.
 */
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
	CHECK_STR_HAS(why, "line 2: class \"GPU\" is neither a Genode class name nor 0xCC[SS[PP]]");
	CHECK_INT(read_policies("<config>\n<policy label=\"x\"><pci vendor_id=\"0x1234\"/></policy></config>"), -22);
	CHECK_STR_HAS(why, "needs class=, or both vendor_id= and device_id=");
	CHECK_INT(read_policies("<config>\n<policy><device name=\"00:03.0\"/></policy></config>"), -22);
	CHECK_STR_HAS(why, "needs label= or label_prefix=");
	CHECK_INT(read_policies("<config>\n<policy label=\"x\"><device name=\"3\"/></policy></config>"), -22);
	CHECK_STR_HAS(why, "<device name=\"BB:DD.F\"/> expected");
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
