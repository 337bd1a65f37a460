/*
 * Live IO_MEM sessions (issue 11 finding 6) on the sim backend: core does
 * each register access, so a polled register is seen to change; nothing
 * is mapped out; RAM, PCI BARs and accesses outside the grant are refused;
 * the grant is exclusive; without live=yes the snapshot policy answers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <mkx/io_mem.h>
#include "../../core-services/core.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct start_cfg fake_cfg = { .name = "fake", .ram_quota = 64 << 20 };
static struct child fake = { .cfg = &fake_cfg, .ram_left = 64 << 20 }, other = { .cfg = &fake_cfg, .ram_left = 64 << 20 };

static void
setup(void)
{
	/* sim: RAM 0x100000-0x7fffffff, BAR2 of 00:01.0 at 0xfebf0000, registers at 0xfed00000. */
	static const char xml[] =
	    "<config>\n<io_mem backend=\"sim\">\n"
	    "<policy label=\"fb\" pci=\"00:01.0\" bar=\"2\"/>\n"
	    "<policy label=\"acpi\" base=\"0xfed00000\" size=\"0x400\" live=\"yes\"/>\n"
	    "<policy label=\"acpi\" base=\"0x200000\" size=\"0x1000\" live=\"yes\"/>\n"
	    "<policy label=\"acpi\" base=\"0xfff00\" size=\"0x200\" live=\"yes\"/>\n"
	    "<policy label=\"acpi\" base=\"0xfebf0000\" size=\"0x100\" live=\"yes\"/>\n"
	    "<policy label=\"acpi\" base=\"0x0\" size=\"0x100000000\" snapshot=\"yes\"/>\n"
	    "<policy label=\"nocfg\" base=\"0xb0008000\" size=\"0x1000\" live=\"yes\"/>\n"
	    "<policy label=\"nocfg2\" base=\"0xaff00000\" size=\"0x200000\" live=\"yes\"/>\n"
	    "</io_mem><start name=\"a\"><binary name=\"true\"/></start></config>";

	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
}

static int
live_access(void *st, uint16_t op, uint64_t addr, unsigned width, uint64_t *v)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	struct mkx_io_mem_access a = { .addr = addr, .width = width, .value = *v };
	int rc;

	memset(&m.hdr, 0, sizeof m.hdr);
	memset(&r, 0, sizeof r);
	m.hdr.op = op;
	m.hdr.len = sizeof a;
	memcpy(m.payload, &a, sizeof a);
	rc = service_io_mem.call(st, &m, &r);
	if (!rc && op == MKX_IO_MEM_READ) {
		CHECK_INT(r.len, sizeof *v);
		memcpy(v, r.payload, sizeof *v);
	}
	if (!rc)
		CHECK_INT(r.nfds, 0);	/* nothing of the device ever leaves core */
	return rc;
}

TEST(io_mem_live_register_changes_between_reads)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	struct mkx_io_mem_range g;
	uint64_t a = 0, b = 0, v;
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfed000f0, size=0x8, live=yes", &s, why, sizeof why), 0);
	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = MKX_IO_MEM_RANGE;
	CHECK_INT(service_io_mem.call(s, &m, &r), 0);
	CHECK_INT(r.len, sizeof g);
	memcpy(&g, r.payload, sizeof g);
	CHECK_INT(g.base, 0xfed00000);		/* the whole live policy range */
	CHECK_INT(g.size, 0x400);
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfed000f0, 8, &a), 0);
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfed000f0, 8, &b), 0);
	CHECK(a != b);				/* the counter runs: a snapshot would repeat itself */
	v = 0x12345678;
	CHECK_INT(live_access(s, MKX_IO_MEM_WRITE, 0xfed00010, 4, &v), 0);
	v = 0;
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfed00010, 4, &v), 0);
	CHECK_INT(v, 0x12345678);
	v = 0;
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfed00012, 1, &v), 0);
	CHECK_INT(v, 0x34);			/* exactly the byte asked for */
	/* No mapping of any kind. */
	m.hdr.op = MKX_IO_MEM_DATASPACE;
	m.hdr.len = 0;
	CHECK_INT(service_io_mem.call(s, &m, &r), -ENOSYS);
	service_io_mem.close(s);
}

TEST(io_mem_live_access_outside_the_grant_refused)
{
	uint64_t v = 0;
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfed00000, size=0x4, live=yes", &s, why, sizeof why), 0);
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfed00400, 4, &v), -EPERM);	/* just past the end */
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfed003f8, 8, &v), 0);		/* the last 8 bytes */
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfecffffc, 4, &v), -EPERM);	/* just before */
	CHECK_INT(live_access(s, MKX_IO_MEM_WRITE, 0x200000, 4, &v), -EPERM);	/* RAM, far away */
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfffffffffffffff8ull, 8, &v), -EPERM);
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfed00002, 4, &v), -EINVAL);	/* unaligned */
	CHECK_INT(live_access(s, MKX_IO_MEM_READ, 0xfed00000, 3, &v), -EINVAL);	/* no such width */
	service_io_mem.close(s);
}

TEST(io_mem_live_ram_and_bars_refused)
{
	char why[512];
	void *fb, *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0x200000, size=0x4, live=yes", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "0x200000-0x200003 is RAM that belongs to Linux");
	/* The grant is the whole policy range: a policy that reaches into RAM grants nothing. */
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfff00, size=0x4, live=yes", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "0xfff00-0x1000ff is RAM that belongs to Linux");
	/* A BAR is its driver's: refused whether or not the driver holds it yet. */
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfebf0000, size=0x4, live=yes", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "overlaps BAR2 of 00:01.0 (0xfebf0000-0xfebf0fff)");
	CHECK_INT(service_io_mem.open(&other, "fb", "base=0xfebf0000, size=0x1000", &fb, why, sizeof why), 0);
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfebf0010, size=0x4, live=yes", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "overlaps BAR2 of 00:01.0");
	service_io_mem.close(fb);
	/* Outside every live policy (the snapshot policy does not answer live=yes). */
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfee00000, size=0x4, live=yes", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "outside the live policy");
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0xfed00000, size=0x4, live=yes", &s, why, sizeof why), -EPERM);
}

/*
 * Issue 22 finding 7: ECAM (sim: 0xb0000000, 256 MiB) reaches the config
 * space of every function; a live SystemMemory grant over any of it, for
 * a label without <pci_config>, was granted. Only an ECAM policy grants it.
 */
TEST(io_mem_live_ecam_refused)
{
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "nocfg", "base=0xb0008000, size=0x4, live=yes", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "0xb0008000-0xb0008fff overlaps the ECAM window 0xb0000000-0xbfffffff");
	/* A policy that only reaches into the window from below: refused all the same. */
	CHECK_INT(service_io_mem.open(&fake, "nocfg2", "base=0xaff00000, size=0x4, live=yes", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "overlaps the ECAM window");
}

TEST(io_mem_live_grant_is_exclusive_and_snapshots_remain)
{
	struct mkx_msg m;
	struct mkx_reply r;
	char why[512];
	void *a, *b, *snap;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfed00000, size=0x4, live=yes", &a, why, sizeof why), 0);
	CHECK_INT(service_io_mem.open(&other, "acpi", "base=0xfed00100, size=0x4, live=yes", &b, why, sizeof why), -EBUSY);
	CHECK_STR_HAS(why, "held by \"acpi\"");
	/* Without live=yes the same address is a snapshot, as before (firmware tables). */
	CHECK_INT(service_io_mem.open(&other, "acpi", "base=0xfed00000, size=0x1000", &snap, why, sizeof why), 0);
	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = MKX_IO_MEM_DATASPACE;
	CHECK_INT(service_io_mem.call(snap, &m, &r), 0);
	CHECK(((struct mkx_io_mem_ds *)r.payload)->flags & MKX_IO_MEM_SNAPSHOT);
	service_io_mem.close(snap);
	/* Nothing was handed out: the grant ends with the session. */
	service_io_mem.close(a);
	CHECK_INT(service_io_mem.open(&other, "acpi", "base=0xfed00100, size=0x4, live=yes", &b, why, sizeof why), 0);
	service_io_mem.close(b);
}

TEST(io_mem_live_config_errors)
{
	static const char *bad[][2] = {
		{ "<policy label=\"a\" base=\"0\" size=\"1\" live=\"yes\" snapshot=\"yes\"/>", "one of snapshot, trusted or live" },
		{ "<policy label=\"a\" pci=\"00:01.0\" live=\"yes\"/>", "cannot be snapshot, trusted or live" },
		{ "<policy label=\"a\" ecam=\"yes\" live=\"yes\"/>", "the MCFG windows only" },
		{ "<policy label=\"a\" base=\"0\" size=\"1\" live=\"maybe\"/>", "live take yes or no" },
		{ "<policy label=\"a\" live=\"yes\"/>", "needs a numeric base" },
	};

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char xml[512];

		snprintf(xml, sizeof xml, "<config>\n<io_mem>\n%s\n</io_mem><start name=\"a\"><binary name=\"true\"/>"
		    "</start></config>", bad[i][0]);
		CHECK_INT(config_load_buf(&cfg, xml, strlen(xml), "t.xml", "/bin", err, sizeof err), -EINVAL);
		CHECK_STR_HAS(err, "t.xml:3:");
		CHECK_STR_HAS(err, bad[i][1]);
	}
}
