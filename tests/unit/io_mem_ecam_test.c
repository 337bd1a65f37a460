/*
 * IO_MEM ECAM grants (<policy ecam="yes"/>) on the sim backend (one MCFG
 * window, 256 MiB at 0xb0000000): only inside the machine's windows, only
 * for a label <pci_config> lets write every function, config errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "../../core-services/core.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct start_cfg fake_cfg = { .name = "fake", .ram_quota = 64 << 20 };
static struct child fake = { .cfg = &fake_cfg, .ram_left = 64 << 20 };

static int
load(const char *xml)
{
	config_free(&cfg);
	memset(&cfg, 0, sizeof cfg);
	return config_load_buf(&cfg, xml, strlen(xml), "t.xml", "/bin", err, sizeof err);
}

static const char xml[] =
    "<config>\n<io_mem backend=\"sim\">\n"
    "<policy label=\"platform\" ecam=\"yes\"/>\n"
    "<policy label=\"reader\" ecam=\"yes\"/>\n"
    "</io_mem>\n<pci_config>\n"
    "<policy label=\"platform\" pci=\"all\" access=\"write\"/>\n"
    "<policy label=\"reader\" pci=\"all\"/>\n"
    "</pci_config><start name=\"a\"><binary name=\"true\"/></start></config>";

TEST(io_mem_ecam_needs_pci_config_write_to_all)
{
	char why[512] = "";
	void *s;

	CHECK_INT(load(xml), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
	/* read-only config policy: a live ECAM mapping would let it write every function */
	CHECK_INT(service_io_mem.open(&fake, "reader", "base=0xb0000000, size=0x10000000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "is ECAM: it reaches the config space of every function behind it, and <pci_config> "
	    "does not give \"reader\" pci=\"all\" access=\"write\"");
	/* the platform driver's policy passes; the sim has no live physical memory to hand out */
	why[0] = 0;
	CHECK(service_io_mem.open(&fake, "platform", "base=0xb0000000, size=0x10000000", &s, why, sizeof why) < 0);
	CHECK_STR_HAS(why, "core has no live physical-memory access here");
}

TEST(io_mem_ecam_only_inside_the_mcfg_windows)
{
	char why[512] = "";
	void *s;

	CHECK_INT(load(xml), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
	CHECK_INT(service_io_mem.open(&fake, "platform", "base=0xaff00000, size=0x200000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "0xaff00000-0xb00fffff is outside the policy (ECAM (the MCFG windows) (line 3))");
	CHECK_INT(service_io_mem.open(&fake, "platform", "base=0xfebf0000, size=0x1000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "outside the policy");
}

TEST(io_mem_ecam_config_errors)
{
	CHECK_INT(load("<config><io_mem><policy label=\"p\" ecam=\"yes\" base=\"0xb0000000\" size=\"0x1000\"/>"
	    "</io_mem></config>"), -EINVAL);
	CHECK_STR_HAS(err, "<policy ecam=\"yes\">: the MCFG windows only, without base/size");
	CHECK_INT(load("<config><io_mem><policy label=\"p\" ecam=\"maybe\"/></io_mem></config>"), -EINVAL);
	CHECK_STR_HAS(err, "ecam takes yes or no");
	CHECK_INT(load("<config><io_mem><policy label=\"p\" ecam=\"yes\" pci=\"00:01.0\"/></io_mem></config>"), -EINVAL);
}
