/*
 * The platform driver's enumeration (pci/) on simulated config space:
 * broken and hostile devices end in notes, never in a crash or a hang,
 * and the BAR probe leaves every register as it found it.
 */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "../../pci/devices_xml.h"
#include "../../pci/host.h"
#include "../../pci/pci.h"
#include "../../pci/route.h"
#include "../../pci/sim.h"

static struct pci_sim sim;
static struct pci_tree tree;
static const struct pci_cfg cfg = { &pci_cfg_sim, &sim };

static void
w8(uint8_t *c, unsigned off, uint8_t v) { c[off] = v; }
static void
w16(uint8_t *c, unsigned off, uint16_t v) { c[off] = (uint8_t)v; c[off + 1] = (uint8_t)(v >> 8); }
static void
w32(uint8_t *c, unsigned off, uint32_t v) { w16(c, off, (uint16_t)v); w16(c, off + 2, (uint16_t)(v >> 16)); }

/* A type-0 function with IDs and a class; space 4096 (ECAM-like). */
static struct pci_sim_fn *
fn(unsigned bus, unsigned dev, unsigned f, uint16_t vendor, uint16_t device, uint32_t class)
{
	struct pci_addr a = { 0, bus, dev, f };
	struct pci_sim_fn *s = pci_sim_add(&sim, a, NULL, 0);

	CHECK(s);
	s->space = 4096;
	w16(s->cfg, 0x00, vendor);
	w16(s->cfg, 0x02, device);
	w32(s->cfg, 0x08, class << 8 | 1);
	return s;
}

static struct pci_sim_fn *
bridge(unsigned bus, unsigned dev, unsigned pri, unsigned sec, unsigned sub)
{
	struct pci_sim_fn *b = fn(bus, dev, 0, 0x1b36, 0x000c, 0x060400);

	w8(b->cfg, 0x0e, 1);
	w8(b->cfg, 0x18, (uint8_t)pri);
	w8(b->cfg, 0x19, (uint8_t)sec);
	w8(b->cfg, 0x1a, (uint8_t)sub);
	return b;
}

static void
fresh(void)
{
	pci_sim_free(&sim);
	pci_tree_free(&tree);
	memset(&tree, 0, sizeof tree);
	pci_sim_init(&sim);
	fn(0, 0, 0, 0x8086, 0x29c0, 0x060000);	/* a host bridge, as on every machine */
}

static int
noted(const char *what)
{
	for (unsigned i = 0; i < tree.nnote; i++)
		if (strstr(tree.note[i], what))
			return 1;
	return 0;
}

static int
run(void)
{
	int err = pci_enumerate(&tree, &cfg);

	pci_sort(&tree);
	return err;
}

TEST(pci_capability_loop_ends_the_walk)
{
	struct pci_sim_fn *f;

	fresh();
	f = fn(0, 3, 0, 0x1234, 0x11e8, 0xff0000);
	w16(f->cfg, 0x06, 0x10);
	w8(f->cfg, 0x34, 0x40);
	w16(f->cfg, 0x40, 0x5001);	/* PM, next 0x50 */
	w16(f->cfg, 0x50, 0x4005);	/* MSI, next 0x40: a loop */
	CHECK_INT(run(), 0);
	CHECK_INT(tree.nfn, 2);
	CHECK_INT(tree.fn[1].ncap, 2);
	CHECK(noted("00:03.0: capability list loops back to 0x40"));
}

TEST(pci_capability_pointer_into_header_refused)
{
	struct pci_sim_fn *f;

	fresh();
	f = fn(0, 3, 0, 0x1234, 0x11e8, 0xff0000);
	w16(f->cfg, 0x06, 0x10);
	w8(f->cfg, 0x34, 0x40);
	w16(f->cfg, 0x40, 0x1001);	/* next 0x10: inside the header */
	CHECK_INT(run(), 0);
	CHECK_INT(tree.fn[1].ncap, 1);
	CHECK(noted("capability pointer 0x10 points into the header"));
}

TEST(pci_capability_pointer_to_self)
{
	struct pci_sim_fn *f;

	fresh();
	f = fn(0, 3, 0, 0x1234, 0x11e8, 0xff0000);
	w16(f->cfg, 0x06, 0x10);
	w8(f->cfg, 0x34, 0xfc);
	w16(f->cfg, 0xfc, 0xfc05);	/* at the very end, pointing at itself */
	CHECK_INT(run(), 0);
	CHECK_INT(tree.fn[1].ncap, 1);
	CHECK(noted("loops back to 0xfc"));
}

static struct pci_sim_fn *
pcie_fn(void)
{
	struct pci_sim_fn *f = fn(0, 4, 0, 0x8086, 0x10d3, 0x020000);

	w16(f->cfg, 0x06, 0x10);
	w8(f->cfg, 0x34, 0x40);
	w16(f->cfg, 0x40, 0x0010);	/* PCI Express, last */
	return f;
}

TEST(pci_extended_capability_loop_and_bounds)
{
	struct pci_sim_fn *f;

	fresh();
	f = pcie_fn();
	w32(f->cfg, 0x100, 0x14010001);	/* AER v1, next 0x140 */
	w32(f->cfg, 0x140, 0x10010003);	/* DSN, next 0x100: a loop */
	CHECK_INT(run(), 0);
	CHECK_INT(tree.fn[1].necap, 2);
	CHECK(noted("extended capability list loops back to 0x100"));

	fresh();
	f = pcie_fn();
	w32(f->cfg, 0x100, 0x08010001);	/* next 0x080: below the extended space */
	CHECK_INT(run(), 0);
	CHECK_INT(tree.fn[1].necap, 1);
	CHECK(noted("points below 0x100"));

	/* A chain through every dword of the extended space: bounded by what is recorded. */
	fresh();
	f = pcie_fn();
	for (unsigned off = 0x100; off < 0x1000; off += 4)
		w32(f->cfg, off, (uint32_t)((off + 4) & 0xffc) << 20 | 0x0001000b);
	CHECK_INT(run(), 0);
	CHECK_INT(tree.fn[1].necap, PCI_ECAPS_MAX);
	CHECK(noted("more than 64 extended capabilities"));
}

TEST(pci_extended_capabilities_need_extended_space)
{
	struct pci_sim_fn *f;

	fresh();
	f = pcie_fn();
	w32(f->cfg, 0x100, 0x00010001);
	f->space = 256;			/* conf1: registers below 0x100 only */
	CHECK_INT(run(), 0);
	CHECK_INT(tree.fn[1].ncap, 1);
	CHECK_INT(tree.fn[1].necap, 0);
	CHECK_INT(tree.nnote, 0);
}

TEST(pci_bridges_followed_depth_first)
{
	fresh();
	bridge(0, 4, 0, 1, 3);
	bridge(1, 0, 1, 2, 3);
	bridge(2, 0, 2, 3, 3);
	fn(3, 0, 0, 0x8086, 0x10d3, 0x020000);
	bridge(0, 5, 0, 4, 4);
	fn(4, 3, 0, 0x1234, 0x11e8, 0xff0000);
	CHECK_INT(run(), 0);
	CHECK_INT(tree.nfn, 7);
	CHECK_INT(tree.nnote, 0);
	CHECK(pci_find(&tree, (struct pci_addr){ 0, 3, 0, 0 }) >= 0);
	CHECK(pci_find(&tree, (struct pci_addr){ 0, 4, 3, 0 }) >= 0);
}

TEST(pci_bridge_ranges_checked)
{
	/* Two siblings claiming the same buses: the first keeps them, the second is skipped. */
	fresh();
	bridge(0, 4, 0, 1, 2);
	fn(1, 0, 0, 0x1234, 0x11e8, 0xff0000);
	bridge(0, 5, 0, 2, 3);
	CHECK_INT(run(), 0);
	CHECK(noted("00:05.0: bridge's buses [02-03] overlap those of 00:04.0 [01-02]: skipped"));

	/* A bridge pointing back at its own bus, and one reaching outside its parent's range. */
	fresh();
	bridge(0, 4, 0, 1, 1);
	bridge(1, 0, 1, 1, 1);		/* secondary = its own bus */
	bridge(1, 1, 1, 2, 9);		/* outside [01-01] */
	CHECK_INT(run(), 0);
	CHECK(noted("01:00.0: bridge's buses [01-01] are not inside its parent's range"));
	CHECK(noted("01:01.0: bridge's buses [02-09] are not inside its parent's range [01-01]"));

	/* A bridge under a bridge leading back to bus 0: reported, not followed. */
	fresh();
	bridge(0, 4, 0, 1, 5);
	bridge(1, 0, 1, 0, 5);
	CHECK_INT(run(), 0);
	CHECK(noted("01:00.0: bridge's buses [00-05]"));

	/* A bridge the firmware gave no numbers, and a wrong primary (used as it is). */
	fresh();
	bridge(0, 4, 0, 0, 0);
	bridge(0, 5, 7, 1, 1);
	CHECK_INT(run(), 0);
	CHECK(noted("00:04.0: bridge without bus numbers"));
	CHECK(noted("00:05.0: bridge's primary bus 07 is not the bus it sits on (00)"));
}

TEST(pci_bus_reached_twice_skipped)
{
	/* Two roots where the first root's bridge already claimed the second root's bus. */
	fresh();
	bridge(0, 4, 0, 0x80, 0x80);
	fn(0x80, 0, 0, 0x1234, 0x11e8, 0xff0000);
	pci_tree_add_root(&tree, 0, 0, 255, "\\_SB.PCI0");
	pci_tree_add_root(&tree, 0, 0x80, 255, "\\_SB.PC80");
	CHECK_INT(run(), 0);
	CHECK(noted("are not inside its parent's range") || noted("reached a second time"));
	CHECK_INT(tree.nfn, 3);	/* the edu at 80:00.0 once */
}

/*
 * Peer root buses (issue 23): a host bridge on a bus no root bridge names
 * and no bridge leads to, as Intel's uncore devices on bus 0xff. Found by
 * probing function 0 of each device of every unreached bus of an MCFG
 * window; a bus inside a followed bridge's range, and a bus where only
 * another function than 0 answers, are not peers (Linux's rule).
 */
TEST(pci_peer_root_bus_found_by_probing)
{
	static struct acpi_info ai;
	struct pci_sim_fn *u;
	int k;

	fresh();
	bridge(0, 4, 0, 1, 5);
	fn(3, 0, 0, 0x1234, 0x11e8, 0xff0000);		/* inside 00:04.0's [01-05], no bridge to it */
	fn(0xfe, 2, 1, 0x8086, 0x3c71, 0x088000);	/* function 1 only */
	u = fn(0xff, 0x10, 0, 0x8086, 0x3c80, 0x088000);
	w8(u->cfg, 0x0e, 0x80);				/* multifunction */
	fn(0xff, 0x10, 1, 0x8086, 0x3c81, 0x088000);
	fn(0xff, 0x13, 0, 0x8086, 0x3cb0, 0x110100);

	/* Without a scan range: only what the root bus reaches (what the walk did before). */
	CHECK_INT(run(), 0);
	CHECK_INT(tree.nfn, 2);
	CHECK_INT(tree.nroot, 1);

	/* The acpi report's MCFG window [00-ff], one root bridge: bus ff probed and walked. */
	fresh();
	bridge(0, 4, 0, 1, 5);
	fn(3, 0, 0, 0x1234, 0x11e8, 0xff0000);
	fn(0xfe, 2, 1, 0x8086, 0x3c71, 0x088000);
	u = fn(0xff, 0x10, 0, 0x8086, 0x3c80, 0x088000);
	w8(u->cfg, 0x0e, 0x80);
	fn(0xff, 0x10, 1, 0x8086, 0x3c81, 0x088000);
	fn(0xff, 0x13, 0, 0x8086, 0x3cb0, 0x110100);
	memset(&ai, 0, sizeof ai);
	ai.nroot = 1;
	ai.root[0] = (struct acpi_root_bridge){ 0, 0, "\\_SB.PCI0" };
	ai.nwin = 1;
	ai.win[0] = (struct acpi_window){ 0, 0, 255, 0xb0000000 };
	pci_roots_from_acpi(&tree, &ai);
	CHECK_INT(run(), 0);
	CHECK_INT(tree.nfn, 5);
	CHECK(pci_find(&tree, (struct pci_addr){ 0, 0xff, 0x10, 0 }) >= 0);
	CHECK(pci_find(&tree, (struct pci_addr){ 0, 0xff, 0x10, 1 }) >= 0);
	CHECK((k = pci_find(&tree, (struct pci_addr){ 0, 0xff, 0x13, 0 })) >= 0);
	CHECK_INT(k >= 0 ? tree.fn[k].parent : 0, -1);
	CHECK(pci_find(&tree, (struct pci_addr){ 0, 3, 0, 0 }) < 0);
	CHECK(pci_find(&tree, (struct pci_addr){ 0, 0xfe, 2, 1 }) < 0);
	CHECK_INT(tree.nroot, 2);
	CHECK(tree.nroot == 2 && tree.root[1].bus == 0xff && !strcmp(tree.root[1].name, PCI_PEER_PROBED));
	CHECK(noted("bus 0000:ff: found by probing (device 10 function 0 answers 8086:3c80), reached by no root "
	    "bridge or bridge: walked as a peer root bus"));
	CHECK(!noted("bus 0000:fe") && !noted("bus 0000:03"));

	/* A window that ends below bus ff: not probed there. */
	fresh();
	u = fn(0xff, 0x10, 0, 0x8086, 0x3c80, 0x088000);
	pci_tree_add_root(&tree, 0, 0, 0x7f, "\\_SB.PCI0");
	CHECK_INT(pci_tree_add_peer_scan(&tree, 0, 0, 0x7f), 0);
	CHECK_INT(run(), 0);
	CHECK_INT(tree.nfn, 1);
}

TEST(pci_deep_chain_of_bridges_terminates)
{
	fresh();
	for (unsigned b = 0; b < 255; b++)
		bridge(b, 1, b, b + 1, 255);
	CHECK_INT(run(), 0);
	CHECK(noted("bridges nested deeper than 64"));
	CHECK(tree.nfn < 100);
}

TEST(pci_multifunction_only_when_fn0_says_so)
{
	struct pci_sim_fn *f;

	fresh();
	fn(0, 6, 0, 0x1234, 0x11e8, 0xff0000);
	fn(0, 6, 1, 0x1234, 0x11e8, 0xff0000);	/* hidden: fn 0 is not multifunction */
	CHECK_INT(run(), 0);
	CHECK_INT(tree.nfn, 2);
	fresh();
	f = fn(0, 6, 0, 0x1234, 0x11e8, 0xff0000);
	w8(f->cfg, 0x0e, 0x80);
	fn(0, 6, 1, 0x1234, 0x11e8, 0xff0000);
	fn(0, 6, 7, 0x1234, 0x11e8, 0xff0000);
	CHECK_INT(run(), 0);
	CHECK_INT(tree.nfn, 4);
}

TEST(pci_bars_sized_and_restored)
{
	struct pci_sim_fn *f;
	uint8_t before[256];

	fresh();
	f = fn(0, 2, 0, 0x8086, 0x10d3, 0x020000);
	w16(f->cfg, 0x04, 0x0007);			/* I/O, memory, bus master on */
	w32(f->cfg, 0x10, 0xfeb80000);			/* 32-bit memory, 128K */
	f->bar_size[0] = 0x20000;
	w32(f->cfg, 0x14, 0x0000c041);			/* I/O, 32 ports */
	f->bar_size[1] = 0x20;
	w32(f->cfg, 0x18, 0x0000000c);			/* 64-bit prefetchable, 8G, above 4G */
	w32(f->cfg, 0x1c, 0x00000008);
	f->bar_size[2] = 0x200000000ull;
	w32(f->cfg, 0x20, 0x00000000);			/* 32-bit memory, 4K, unassigned */
	f->bar_size[4] = 0x1000;
	memcpy(before, f->cfg, sizeof before);
	CHECK_INT(run(), 0);
	CHECK(memcmp(before, pci_sim_find(&sim, (struct pci_addr){ 0, 0, 2, 0 })->cfg, sizeof before) == 0);
	{
		const struct pci_fn *p = &tree.fn[1];

		CHECK_INT(p->bar[0].kind, PCI_BAR_MEM32);
		CHECK_INT(p->bar[0].size, 0x20000);
		CHECK_INT(p->bar[1].kind, PCI_BAR_IO);
		CHECK_INT(p->bar[1].start, 0xc040);
		CHECK_INT(p->bar[1].size, 0x20);
		CHECK_INT(p->bar[2].kind, PCI_BAR_MEM64);
		CHECK_INT(p->bar[2].start, 0x800000000ull);
		CHECK_INT(p->bar[2].size, 0x200000000ull);
		CHECK(p->bar[2].prefetch);
		CHECK_INT(p->bar[3].kind, PCI_BAR_NONE);
		CHECK_INT(p->bar[4].kind, PCI_BAR_MEM32);
		CHECK(p->bar[4].unassigned);
	}
	CHECK(noted("00:02.0: BAR4 (memory, 0x1000 bytes) was left unassigned by the firmware"));
}

TEST(pci_bar_reading_all_ones)
{
	struct pci_sim_fn *f;

	fresh();
	f = fn(0, 2, 0, 0x8086, 0x10d3, 0x020000);
	w32(f->cfg, 0x10, 0xffffffff);
	CHECK_INT(run(), 0);
	CHECK_INT(tree.fn[1].bar[0].kind, PCI_BAR_NONE);
	CHECK(noted("00:02.0: BAR0 reads all ones"));
}

TEST(pci_function_vanishing_between_reads)
{
	unsigned dropped = 0, whole = 0;

	/*
	 * The function stops answering after N register reads, for every N
	 * across its walk: it is either reported whole (it went after its last
	 * read) or dropped with a note, never reported half-read; its neighbour
	 * is always there.
	 */
	for (unsigned long after = 1; after < 120; after++) {
		struct pci_sim_fn *f;
		int i;

		fresh();
		f = fn(0, 2, 0, 0x8086, 0x10d3, 0x020000);
		w16(f->cfg, 0x06, 0x10);
		w8(f->cfg, 0x34, 0x40);
		w16(f->cfg, 0x40, 0x5001);
		w16(f->cfg, 0x50, 0x0005);
		w32(f->cfg, 0x10, 0xfe000000);
		f->bar_size[0] = 0x1000;
		fn(0, 3, 0, 0x1234, 0x11e8, 0xff0000);
		sim.vanish_after = after;
		sim.vanish_fn = (struct pci_addr){ 0, 0, 2, 0 };
		CHECK_INT(run(), 0);
		CHECK(pci_find(&tree, (struct pci_addr){ 0, 0, 3, 0 }) >= 0);
		i = pci_find(&tree, (struct pci_addr){ 0, 0, 2, 0 });
		if (i >= 0) {
			CHECK_INT(tree.fn[i].device, 0x10d3);
			CHECK_INT(tree.fn[i].bar[0].start, 0xfe000000);
			CHECK_INT(tree.fn[i].bar[0].size, 0x1000);
			CHECK_INT(tree.fn[i].ncap, 2);
			whole++;
		} else if (noted("00:02.0: vanished while it was read")) {
			dropped++;
		}
	}
	CHECK(dropped > 5);
	CHECK(whole > 5);
}

TEST(pci_intx_swizzled_through_bridges)
{
	static struct acpi_info ai;
	struct pci_sim_fn *f;

	fresh();
	bridge(0, 5, 0, 1, 2);
	w8(pci_sim_find(&sim, (struct pci_addr){ 0, 0, 5, 0 })->cfg, 0x3d, 1);
	bridge(1, 2, 1, 2, 2);
	f = fn(1, 3, 0, 0x1234, 0x11e8, 0xff0000);
	w8(f->cfg, 0x3d, 1);				/* INTA at 01:03.0 -> INTD at 00:05.0 */
	f = fn(2, 1, 0, 0x1234, 0x11e8, 0xff0000);
	w8(f->cfg, 0x3d, 2);				/* INTB at 02:01.0 -> INTC at 01:02.0 -> INTA at 00:05.0 */
	memset(&ai, 0, sizeof ai);
	ai.nroot = 1;
	for (unsigned pin = 0; pin < 4; pin++)
		ai.route[ai.nroute++] = (struct acpi_route){ 1, 0, 5, pin, 20 + pin, 1, 0, "\\_SB.PCI0" };
	CHECK_INT(run(), 0);
	pci_route_all(&ai, &tree);
	{
		const struct pci_fn *a = &tree.fn[pci_find(&tree, (struct pci_addr){ 0, 1, 3, 0 })];
		const struct pci_fn *b = &tree.fn[pci_find(&tree, (struct pci_addr){ 0, 2, 1, 0 })];
		const struct pci_fn *br = &tree.fn[pci_find(&tree, (struct pci_addr){ 0, 0, 5, 0 })];

		CHECK(a->intx.routed);
		CHECK_INT(a->intx.gsi, 23);
		CHECK(b->intx.routed);
		CHECK_INT(b->intx.gsi, 20);
		CHECK_INT(br->intx.gsi, 20);
		CHECK(a->intx.level);
	}
}

TEST(pci_devices_report_in_genode_format)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	struct pci_sim_fn *f;

	fresh();
	f = fn(0, 2, 0, 0x8086, 0x10d3, 0x020000);
	w32(f->cfg, 0x10, 0xfeb80000);
	f->bar_size[0] = 0x20000;
	CHECK_INT(run(), 0);
	pci_devices_xml(o, &tree, NULL, NULL, 1, "version=\"1\"");
	fclose(o);
	CHECK_STR_HAS(buf, "<devices version=\"1\">");
	CHECK_STR_HAS(buf, "<device name=\"00:02.0\" type=\"pci\" used=\"false\">");
	CHECK_STR_HAS(buf, "vendor_id=\"0x8086\" device_id=\"0x10d3\" class=\"0x20000\"");
	CHECK_STR_HAS(buf, "<io_mem pci_bar=\"0\" phys_addr=\"0xfeb80000\" size=\"0x20000\"/>");
	free(buf);
}

TEST(pci_dump_parse_errors_name_the_line)
{
	char err[256] = "";
	const char bad_row[] = "00:00.0 x\n00: 86 80 c\n", no_fn[] = "00: 86 80\n", bad_off[] = "00:00.0 x\n1008: 00\n";

	pci_sim_free(&sim);
	pci_sim_init(&sim);
	CHECK_INT(pci_sim_load_dump(&sim, bad_row, sizeof bad_row - 1, err, sizeof err), -22);
	CHECK_STR_HAS(err, "line 2: byte 2 is not two hex digits");
	pci_sim_free(&sim);
	/* A row before any function: lspci ignores it (text), and so does the dump reader. */
	CHECK_INT(pci_sim_load_dump(&sim, no_fn, sizeof no_fn - 1, err, sizeof err), 0);
	CHECK_INT(sim.nfn, 0);
	pci_sim_free(&sim);
	CHECK_INT(pci_sim_load_dump(&sim, bad_off, sizeof bad_off - 1, err, sizeof err), -22);
	CHECK_STR_HAS(err, "line 2: byte 0 is at 0x1008, beyond the 4096 bytes");
	pci_sim_free(&sim);
}
