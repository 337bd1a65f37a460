/*
 * IO_MEM session logic on the sim backend: BAR grants scoped to the BAR,
 * larger-than-BAR, outside policy, RAM, snapshots, exclusivity.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mkx/io_mem.h>
#include "../../core-services/core.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
/* Snapshots are charged to the client's RAM quantum (sessions.c ram_charge): give the fakes one. */
static struct start_cfg fake_cfg = { .name = "fake", .ram_quota = 64 << 20 };
static struct child fake = { .cfg = &fake_cfg, .ram_left = 64 << 20 }, other = { .cfg = &fake_cfg, .ram_left = 64 << 20 };

static void
setup(void)
{
	static const char xml[] =
	    "<config>\n<io_mem backend=\"sim\">\n"
	    "<policy label=\"fb\" pci=\"00:01.0\" bar=\"0\"/>\n"
	    "<policy label=\"fb\" vendor_id=\"0x1234\" device_id=\"0x1111\" bar=\"2\"/>\n"
	    "<policy label=\"bios\" base=\"0xc0000\" size=\"0x40000\" snapshot=\"yes\"/>\n"
	    "<policy label=\"greedy\" base=\"0x0\" size=\"0x80000000\" trusted=\"yes\"/>\n"
	    "<policy label=\"acpi\" base=\"0x0\" size=\"0x100000000\" snapshot=\"yes\"/>\n"
	    "<policy label=\"fb2\" pci=\"00:01.0\" bar=\"0\"/>\n"
	    "</io_mem><start name=\"a\"><binary name=\"true\"/></start></config>";

	CHECK_INT(config_load_buf(&cfg, xml, sizeof xml - 1, "t.xml", "/bin", err, sizeof err), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
}

static int
dataspace(void *st, struct mkx_io_mem_ds *ds, int *fd)
{
	static struct mkx_msg m;
	static struct mkx_reply r;
	int rc;

	memset(&m.hdr, 0, sizeof m.hdr);
	m.hdr.op = MKX_IO_MEM_DATASPACE;
	rc = service_io_mem.call(st, &m, &r);
	memcpy(ds, r.payload, sizeof *ds);
	*fd = r.fds[0];
	return rc;
}

TEST(io_mem_bar_grant_is_scoped_to_the_bar)
{
	struct mkx_io_mem_ds ds;
	struct stat st;
	char why[512];
	void *s;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0xfd100010, size=0x2000, wc=yes", &s, why, sizeof why), 0);
	CHECK_INT(dataspace(s, &ds, &fd), 0);
	CHECK_INT(ds.offset, 0x100000);
	CHECK_INT(ds.page_offset, 0x10);
	CHECK_INT(ds.length, 0x3000);
	CHECK(ds.flags & MKX_IO_MEM_BAR);
	CHECK(ds.flags & MKX_IO_MEM_WC);
	CHECK(fstat(fd, &st) == 0);
	CHECK_INT(st.st_size, 0x1000000);	/* the fd is the BAR, nothing more */
	service_io_mem.close(s);
}

TEST(io_mem_by_vendor_device_policy)
{
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0xfebf0000, size=0x1000", &s, why, sizeof why), 0);
	service_io_mem.close(s);
}

TEST(io_mem_larger_than_bar_refused)
{
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0xfd000000, size=0x1000001", &s, why, sizeof why), -EINVAL);
	CHECK_STR_HAS(why, "is larger than 00:01.0 BAR0 (0xfd000000-0xfdffffff)");
}

TEST(io_mem_outside_policy_refused_naming_policies)
{
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0xfe000000, size=0x1000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "outside the policy (00:01.0 BAR0 (line 3), 1234:1111 BAR2 (line 4))");
	CHECK_INT(service_io_mem.open(&fake, "nobody", "base=0xfd000000, size=0x1000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "no IO_MEM policy matches this label");
}

TEST(io_mem_ram_refused_even_for_trusted)
{
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "greedy", "base=0x200000, size=0x1000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "0x200000-0x200fff is RAM that belongs to Linux");
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0x200000, size=0x1000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "is RAM that belongs to Linux");
}

TEST(io_mem_snapshot_is_read_only_copy_and_shareable)
{
	struct mkx_io_mem_ds ds;
	char why[512];
	void *a, *b;
	uint8_t *p;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "bios", "base=0xc0002, size=0x10", &a, why, sizeof why), 0);
	CHECK_INT(service_io_mem.open(&fake, "bios", "base=0xc0000, size=0x100", &b, why, sizeof why), 0);
	CHECK_INT(dataspace(a, &ds, &fd), 0);
	CHECK(ds.flags & MKX_IO_MEM_READONLY);
	CHECK_INT(ds.page_offset, 2);
	p = mmap(NULL, ds.length, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK_INT(p[ds.page_offset], 0x02);	/* sim: each byte is its address' low byte */
	CHECK_INT(p[ds.page_offset + 0xf], 0x11);
	CHECK_INT(p[0], 0);			/* outside the grant: blanked, not copied */
	CHECK_INT(p[ds.page_offset + 0x10], 0);
	CHECK(mmap(NULL, ds.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	service_io_mem.close(a);
	service_io_mem.close(b);
}

/*
 * Issue 22 finding 6: snapshots were checked only against RAM, so a 0-4
 * GiB snapshot policy (every scenario gives acpi one) copied another
 * child's BAR, an unheld BAR, or ECAM. Every page core would read must
 * be firmware memory: the refusal names what it overlaps.
 */
TEST(io_mem_snapshot_of_a_held_bar_refused)
{
	char why[512];
	void *fb, *s;

	setup();
	CHECK_INT(service_io_mem.open(&other, "fb", "base=0xfd000000, size=0x1000", &fb, why, sizeof why), 0);
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfd000000, size=0x1000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "overlaps 00:01.0 BAR0 (0xfd000000-0xfdffffff, held by \"fb\")");
	service_io_mem.close(fb);
}

TEST(io_mem_snapshot_of_an_unheld_bar_refused)
{
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfebf0100, size=0x10", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "overlaps 00:01.0 BAR2 (0xfebf0000-0xfebf0fff, held by nobody)");
	/* Asked for the bytes just before it: core reads whole pages, and the page is the BAR's neighbour only. */
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xfebefff0, size=0x20", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "a snapshot reads 0xfebef000-0xfebf0fff");
}

TEST(io_mem_snapshot_of_ecam_refused)
{
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xb0008000, size=0x100", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "overlaps the ECAM window 0xb0000000-0xbfffffff");
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0xafffff00, size=0x200", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "overlaps the ECAM window");
}

TEST(io_mem_snapshot_requests_are_limited_to_16_mib)
{
	char why[512];
	void *s;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0x80000000, size=0x1000001", &s, why, sizeof why), -EINVAL);
	CHECK_STR_HAS(why, "snapshots are for firmware areas");
	CHECK_INT(service_io_mem.open(&fake, "acpi", "base=0x200000, size=0x10", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "RAM that belongs to Linux");
}

TEST(io_mem_overlapping_bar_grants_are_busy)
{
	char why[512];
	void *a, *b;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0xfd000000, size=0x1000", &a, why, sizeof why), 0);
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0xfd000800, size=0x1000", &b, why, sizeof why), -EBUSY);
	CHECK_STR_HAS(why, "held by \"fb\"");
	service_io_mem.close(a);
}

TEST(io_mem_devices_rom_lists_bars)
{
	size_t len;
	char *x;

	setup();
	x = io_mem_devices_xml(&len);
	CHECK(x != NULL);
	CHECK_STR_HAS(x, "<device name=\"00:01.0\" type=\"pci\">");
	CHECK_STR_HAS(x, "<io_mem pci_bar=\"0\" phys_addr=\"0xfd000000\" size=\"0x1000000\" wc=\"true\" prefetchable=\"true\"/>");
	CHECK_STR_HAS(x, "<io_port_range pci_bar=\"2\" phys_addr=\"0xc000\" size=\"0x20\"/>");
	free(x);
}

TEST(io_mem_config_errors)
{
	static const char *bad[][2] = {
		{ "<policy label=\"a\" base=\"0\" size=\"1\"/>", "or a range with snapshot" },
		{ "<policy label=\"a\" pci=\"1:2\"/>", "expected BB:DD.F" },
		{ "<policy label=\"a\" vendor_id=\"0x8086\"/>", "device_id too" },
		{ "<policy label=\"a\" pci=\"00:01.0\" snapshot=\"yes\"/>", "cannot be snapshot" },
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

/*
 * Finding 4a of issue 10: the dataspace of a BAR sub-range is the whole
 * BAR's file, so the grant is the whole BAR: a second client asking for
 * another part of the same BAR must be refused.
 */
TEST(io_mem_bar_subrange_grant_holds_the_whole_bar)
{
	char why[512];
	void *a, *b;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "fb", "base=0xfd000000, size=0x1000", &a, why, sizeof why), 0);
	CHECK_INT(service_io_mem.open(&other, "fb2", "base=0xfd800000, size=0x1000", &b, why, sizeof why), -EBUSY);
	CHECK_STR_HAS(why, "held by \"fb\"");
	CHECK_STR_HAS(why, "0xfd000000-0xfdffffff");
	service_io_mem.close(a);
	CHECK_INT(service_io_mem.open(&other, "fb2", "base=0xfd800000, size=0x1000", &b, why, sizeof why), 0);
	service_io_mem.close(b);
}
