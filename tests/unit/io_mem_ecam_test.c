/*
 * IO_MEM ECAM grants (<policy ecam="yes"/>) on the sim backend (one MCFG
 * window, 256 MiB at 0xb0000000; 00:01.0 a VGA 1234:1111, 00:02.0 an
 * e1000e 8086:10d3, nothing else), by <pci_config> (issue 24): the whole
 * window live only to a label that writes every function; one function's
 * 4 KiB page live to a label that writes that function, exclusive per
 * page; a read-only copy (sealed memfd, at most one bus) to a label that
 * only reads there, with the functions it may not see all ones; config
 * errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mkx/io_mem.h>
#include <mkx/server.h>
#include "../../core-services/core.h"
#include "harness.h"

static struct core_config cfg;
static char err[1024];
static struct start_cfg fake_cfg = { .name = "fake", .ram_quota = 64 << 20 };
static struct child fake = { .cfg = &fake_cfg, .ram_left = 64 << 20 }, other = { .cfg = &fake_cfg, .ram_left = 64 << 20 };

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
    "<policy label_prefix=\"r\" ecam=\"yes\"/>\n"
    "<policy label_prefix=\"drv\" ecam=\"yes\"/>\n"
    "<policy label=\"vga\" ecam=\"yes\"/>\n"
    "<policy label=\"mixed\" ecam=\"yes\"/>\n"
    "<policy label=\"none\" ecam=\"yes\"/>\n"
    "</io_mem>\n<pci_config>\n"
    "<policy label=\"platform\" pci=\"all\" access=\"write\"/>\n"
    "<policy label_prefix=\"r\" pci=\"all\"/>\n"
    "<policy label=\"vga\" class=\"VGA\"/>\n"
    "<policy label=\"mixed\" pci=\"all\" access=\"read\"/>\n"
    "<policy label=\"mixed\" pci=\"00:02.0\" access=\"write\"/>\n"
    "<policy label_prefix=\"drv1\" pci=\"00:01.0\" access=\"write\"/>\n"
    "<policy label=\"drv2\" pci=\"00:02.0\" access=\"write\"/>\n"
    "</pci_config><start name=\"a\"><binary name=\"true\"/></start></config>";

#define BUS0	"base=0xb0000000, size=0x100000"
#define PAGE_01	"base=0xb0008000, size=0x1000"	/* 00:01.0's config page */
#define PAGE_02	"base=0xb0010000, size=0x1000"	/* 00:02.0's */

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

static void
setup(void)
{
	CHECK_INT(load(xml), 0);
	CHECK_INT(io_mem_select(&cfg), 0);
}

/* The 32-bit config dword at off of function bdf in a copy of bus 0 mapped at p. */
static uint32_t
dword(const uint8_t *p, unsigned bdf, unsigned off)
{
	uint32_t v;

	memcpy(&v, p + ((size_t)bdf << 12) + off, 4);
	return v;
}

TEST(io_mem_ecam_window_needs_pci_config_write_to_all)
{
	char why[512] = "";
	void *s;

	setup();
	/* read-only policy: no live window (it would let it write every function), and no copy that big */
	CHECK_INT(service_io_mem.open(&fake, "reader", "base=0xb0000000, size=0x10000000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "is ECAM: \"reader\" may have a read-only copy of at most one bus (1 MiB) per request, "
	    "or the live window with <pci_config pci=\"all\" access=\"write\">");
	why[0] = 0;
	CHECK_INT(service_io_mem.open(&fake, "platform", "base=0xb0000000, size=0x10000000", &s, why, sizeof why), 0);
	service_io_mem.close(s);
}

TEST(io_mem_ecam_copy_for_a_read_policy)
{
	struct mkx_io_mem_ds ds;
	char why[512] = "";
	void *s, *t;
	uint8_t *p;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "reader", BUS0, &s, why, sizeof why), 0);
	CHECK_INT(dataspace(s, &ds, &fd), 0);
	CHECK_INT(ds.flags, MKX_IO_MEM_SNAPSHOT | MKX_IO_MEM_READONLY | MKX_IO_MEM_PROBES);
	CHECK_INT(ds.length, 0x100000);
	p = mmap(NULL, ds.length, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK_INT(dword(p, 0x08, 0), 0x11111234);	/* 00:01.0: 1234:1111, VGA */
	CHECK_INT(dword(p, 0x08, 8), 0x03000000);
	CHECK_INT(dword(p, 0x10, 0), 0x10d38086);	/* 00:02.0 */
	CHECK_INT(dword(p, 0x00, 0), 0xffffffff);	/* no function: all ones, as the hardware reads */
	CHECK_INT(dword(p, 0xff, 0xffc), 0xffffffff);
	munmap(p, ds.length);
	/* after the copy: what a sizing probe reads from each BAR (16 MiB, 4 KiB prefetchable, none) */
	p = mmap(NULL, ds.length, PROT_READ, MAP_SHARED, fd, (off_t)ds.length);
	CHECK(p != MAP_FAILED);
	CHECK_INT(dword(p, 0x08, 0x10), 0xff000000);
	CHECK_INT(dword(p, 0x08, 0x14), 0);
	CHECK_INT(dword(p, 0x08, 0x18), 0xfffff008);
	CHECK_INT(dword(p, 0x08, 0), 0);		/* not a BAR */
	CHECK_INT(dword(p, 0x00, 0x10), 0);		/* no function */
	munmap(p, ds.length);
	/* shareable: a second reader, and a second copy, while the first is held */
	CHECK_INT(service_io_mem.open(&other, "reader2", BUS0, &t, why, sizeof why), 0);
	service_io_mem.close(t);
	CHECK_INT(service_io_mem.open(&other, "reader2", "base=0xb0100000, size=0x100000", &t, why, sizeof why), 0);
	service_io_mem.close(t);
	service_io_mem.close(s);
	/* a label with an ecam="yes" IO_MEM policy but no <pci_config> policy sees no function: refused */
	CHECK_INT(service_io_mem.open(&fake, "none", BUS0, &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "0xb0000000-0xb00fffff is ECAM, and <pci_config> gives \"none\" no function there");
	CHECK_INT(service_io_mem.open(&fake, "none", PAGE_01, &s, why, sizeof why), -EPERM);
	/* more than one bus per request */
	CHECK_INT(service_io_mem.open(&fake, "reader", "base=0xb0000000, size=0x101000", &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "at most one bus (1 MiB) per request");
	io_mem_child_exited(&fake);
	io_mem_child_exited(&other);
}

/*
 * The kernel keeps the copy read-only: sealed against writes and growth,
 * handed out as a read-only open (core truncates it at close, so it is not
 * sealed against shrinking: io_mem_ecam_attack_test).
 */
TEST(io_mem_ecam_copy_fd_refuses_writes)
{
	struct mkx_io_mem_ds ds;
	char why[512] = "";
	uint8_t *p, *q;
	void *s;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "reader", BUS0, &s, why, sizeof why), 0);
	CHECK_INT(dataspace(s, &ds, &fd), 0);
	CHECK(mmap(NULL, ds.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	CHECK_INT(errno, EACCES);
	CHECK_INT(ftruncate(fd, 0), -1);
	CHECK_INT(errno, EINVAL);	/* not open for writing */
	CHECK_INT(ftruncate(fd, 0x300000), -1);	/* grow */
	CHECK_INT(pwrite(fd, "x", 1, 0x8000), -1);
	CHECK_INT(errno, EBADF);
	/* a private writable mapping (how base/genode maps a copy): writes stay in the writer's pages */
	p = mmap(NULL, ds.length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	p[0x8004] = 0x07;
	q = mmap(NULL, ds.length, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(q != MAP_FAILED);
	CHECK_INT(q[0x8004], 0x04);
	munmap(p, ds.length);
	munmap(q, ds.length);
	service_io_mem.close(s);
	io_mem_child_exited(&fake);
}

/* Functions the label's policy does not name read all ones in its copy, as over conf1. */
TEST(io_mem_ecam_copy_hides_functions_not_named)
{
	struct mkx_io_mem_ds ds;
	char why[512] = "";
	uint8_t *p;
	void *s;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "vga", BUS0, &s, why, sizeof why), 0);
	CHECK_INT(dataspace(s, &ds, &fd), 0);
	p = mmap(NULL, ds.length, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK_INT(dword(p, 0x08, 0), 0x11111234);
	CHECK_INT(dword(p, 0x10, 0), 0xffffffff);	/* the e1000e is not VGA */
	CHECK_INT(dword(p, 0x10, 8), 0xffffffff);
	munmap(p, ds.length);
	service_io_mem.close(s);
	io_mem_child_exited(&fake);
}

/* A copy would drop the writes of a label that may write a function there: it asks for that page alone. */
TEST(io_mem_ecam_copy_refused_where_the_label_writes)
{
	struct mkx_io_mem_ds ds;
	char why[512] = "";
	void *s;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "mixed", BUS0, &s, why, sizeof why), -EPERM);
	CHECK_STR_HAS(why, "<pci_config> lets \"mixed\" write 00:02.0 there, so a read-only copy would drop its writes");
	CHECK_INT(service_io_mem.open(&fake, "mixed", PAGE_02, &s, why, sizeof why), 0);
	CHECK_INT(dataspace(s, &ds, &fd), 0);
	CHECK_INT(ds.flags, MKX_IO_MEM_DEVMEM);
	service_io_mem.close(s);
	/* its page of a function it only reads is a copy */
	CHECK_INT(service_io_mem.open(&fake, "mixed", PAGE_01, &s, why, sizeof why), 0);
	CHECK_INT(dataspace(s, &ds, &fd), 0);
	CHECK_INT(ds.flags, MKX_IO_MEM_SNAPSHOT | MKX_IO_MEM_READONLY | MKX_IO_MEM_PROBES);
	service_io_mem.close(s);
	io_mem_child_exited(&fake);
}

TEST(io_mem_ecam_page_live_for_a_written_function_exclusive_per_page)
{
	struct mkx_io_mem_ds ds;
	char why[512] = "";
	void *a, *b, *c;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "drv1", PAGE_01, &a, why, sizeof why), 0);
	CHECK_INT(dataspace(a, &ds, &fd), 0);
	CHECK_INT(ds.flags, MKX_IO_MEM_DEVMEM);
	CHECK(ds.offset == 0xb0008000 && ds.length == 0x1000);
	/* conf1 writes of others to that function are refused while its page is held */
	CHECK_STR_HAS(io_mem_function_holder(0x08, &other) ? io_mem_function_holder(0x08, &other) : "", "drv1");
	/* another page goes to another label at the same time */
	CHECK_INT(service_io_mem.open(&other, "drv2", PAGE_02, &b, why, sizeof why), 0);
	/* the same page to a second label that may write it: held */
	CHECK_INT(service_io_mem.open(&other, "drv1b", PAGE_01, &c, why, sizeof why), -EBUSY);
	CHECK_STR_HAS(why, "overlaps 0xb0008000-0xb0008fff held by \"drv1\"");
	/* a page of a function drv1 does not write: no live page (and no read policy: no copy) */
	CHECK_INT(service_io_mem.open(&fake, "drv1", PAGE_02, &c, why, sizeof why), -EPERM);
	/* two pages at once are no page grant */
	CHECK_INT(service_io_mem.open(&fake, "drv1", "base=0xb0008000, size=0x2000", &c, why, sizeof why), -EPERM);
	service_io_mem.close(a);
	service_io_mem.close(b);
	io_mem_child_exited(&fake);
	io_mem_child_exited(&other);
}

TEST(io_mem_ecam_window_and_pages_exclude_each_other)
{
	struct mkx_io_mem_ds ds;
	char why[512] = "";
	void *a, *w;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "drv1", PAGE_01, &a, why, sizeof why), 0);
	CHECK_INT(service_io_mem.open(&other, "platform", "base=0xb0000000, size=0x10000000", &w, why, sizeof why), -EBUSY);
	CHECK_STR_HAS(why, "held by \"drv1\"");
	service_io_mem.close(a);	/* nothing handed out: the page is free again */
	CHECK_INT(service_io_mem.open(&other, "platform", "base=0xb0000000, size=0x10000000", &w, why, sizeof why), 0);
	CHECK_INT(service_io_mem.open(&fake, "drv1", PAGE_01, &a, why, sizeof why), -EBUSY);
	CHECK_STR_HAS(why, "held by \"platform\"");
	/* a copy never conflicts with a live grant */
	CHECK_INT(service_io_mem.open(&fake, "reader", BUS0, &a, why, sizeof why), 0);
	service_io_mem.close(a);
	/* handed out and closed: held until the client exits */
	CHECK_INT(dataspace(w, &ds, &fd), 0);
	service_io_mem.close(w);
	CHECK_INT(service_io_mem.open(&fake, "drv1", PAGE_01, &a, why, sizeof why), -EBUSY);
	io_mem_child_exited(&other);
	CHECK_INT(service_io_mem.open(&fake, "drv1", PAGE_01, &a, why, sizeof why), 0);
	service_io_mem.close(a);
	io_mem_child_exited(&fake);
}

/*
 * A kept grant (handed out, session closed) stays recorded when its client
 * asks again and is refused: before, core dropped the client's kept grants
 * in the asked range first, so a refused request freed a page the client
 * still maps for the next label.
 */
TEST(io_mem_ecam_kept_page_survives_a_refused_request)
{
	struct mkx_io_mem_ds ds;
	char why[512] = "";
	void *a, *c;
	int fd;

	setup();
	CHECK_INT(service_io_mem.open(&fake, "drv1", PAGE_01, &a, why, sizeof why), 0);
	CHECK_INT(dataspace(a, &ds, &fd), 0);
	service_io_mem.close(a);
	CHECK_INT(service_io_mem.open(&fake, "drv1", "base=0xb0008000, size=0x2000", &c, why, sizeof why), -EPERM);
	CHECK_INT(service_io_mem.open(&other, "drv1b", PAGE_01, &c, why, sizeof why), -EBUSY);
	/* the holder itself may open it again (it holds it anyway) */
	CHECK_INT(service_io_mem.open(&fake, "drv1", PAGE_01, &a, why, sizeof why), 0);
	service_io_mem.close(a);
	io_mem_child_exited(&fake);
	CHECK_INT(service_io_mem.open(&other, "drv1b", PAGE_01, &c, why, sizeof why), 0);
	service_io_mem.close(c);
	io_mem_child_exited(&other);
}

TEST(io_mem_ecam_only_inside_the_mcfg_windows)
{
	char why[512] = "";
	void *s;

	setup();
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
