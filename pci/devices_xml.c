/*
 * The "devices" report exactly as Genode's pci_decode writes it
 * (repos/os/src/app/pci_decode/main.cc; the table in
 * docs/genode-formats.md): per function <pci-config> with its ECAM page's
 * address, the bridge registers the platform driver restores, <io_mem>
 * with wc=, <io_port_range>, one <irq>, <reserved_memory> from RMRRs,
 * <io_mmu>; then the non-PCI devices. Number formats as Genode's
 * generator prints them: Hex() is "0x" and lowercase digits, plain
 * integers decimal. Ours on top, where Genode's readers ignore them:
 * primary/secondary/subordinate, segments in names, the capability lists,
 * a comment saying how each INTx was routed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "devices_xml.h"
#include "opregion.h"

#define CAP_MSI		0x05
#define CAP_MSIX	0x11

static int
pci_fn_has_cap(const struct pci_fn *f, unsigned id)
{
	for (unsigned c = 0; c < f->ncap; c++)
		if (f->cap[c].id == id)
			return 1;
	return 0;
}

/* pci_decode's intel_graphics_card: 00:02.0, Intel, display class. */
static int
intel_igd(const struct pci_fn *f)
{
	return f->a.seg == 0 && f->a.bus == 0 && f->a.dev == 2 && f->a.fn == 0 && f->vendor == 0x8086 &&
	    (f->class >> 16) == 0x03;
}

int
pci_bar_wc(const struct pci_fn *f, unsigned bar)
{
	/* IGD BAR0 holds MMIO registers next to the GTT: uncached, whatever its prefetchable bit says. */
	return f->bar[bar].prefetch && !(bar == 0 && intel_igd(f));
}

unsigned
pci_fn_gsi(const struct pci_fn *f)
{
	return f->intx.routed ? f->intx.gsi : f->line;
}

int
pci_fn_msi(const struct pci_fn *f)
{
	/* pci_decode's quirk: an Atheros ath9k takes the GSI, MSI does not work there (its test: vendor or device). */
	if (f->vendor == 0x168c || f->device == 0x0034)
		return 0;
	return pci_fn_has_cap(f, CAP_MSI) || pci_fn_has_cap(f, CAP_MSIX);
}

unsigned
pci_msi_number(const struct pci_tree *t, const struct pci_fn *f)
{
	/* pci_decode counts from 1 in its walk order (ours: sorted by bus): some Linux drivers take 0 as none. */
	unsigned n = 1;

	for (const struct pci_fn *g = t->fn; g < f; g++)
		n += (unsigned)pci_fn_msi(g);
	return n;
}

/* Genode's Config::bridge(): header type 1, or base class 0x06 (host, ISA, ... bridges too). */
static int
genode_bridge(const struct pci_fn *f)
{
	return (f->hdr_type & 0x7f) == 1 || (f->class >> 16) == 0x06;
}

static unsigned long
attr(const struct mkx_xml *x, const char *name, unsigned long dflt)
{
	unsigned long v;

	return !x || mkx_xml_attr_ulong(x, name, dflt, &v) ? dflt : v;
}

/* A DMAR <scope>'s function: bus_start and its first <path> (pci_decode reads only that one). */
static int
scope_is(const struct mkx_xml *scope, struct pci_addr a)
{
	const struct mkx_xml *p = mkx_xml_child(scope, "path");

	return a.seg == 0 && attr(scope, "bus_start", 0) == a.bus && attr(p, "dev", 0) == a.dev &&
	    attr(p, "func", 0) == a.fn;
}

/*
 * The bridge registers pci_decode copies (read as a type 1 header even
 * for a host bridge, as Genode does), which Genode's platform driver
 * writes back on resume.
 */
static void
bridge_regs(FILE *o, const struct pci_fn *f, const struct pci_cfg *cfg)
{
	static const struct { const char *name; unsigned off, width; } regs[] = {
		{ "io_base_limit", 0x1c, 2 }, { "memory_base", 0x20, 2 }, { "memory_limit", 0x22, 2 },
		{ "prefetch_memory_base", 0x24, 4 }, { "prefetch_memory_base_upper", 0x28, 4 },
		{ "prefetch_memory_limit_upper", 0x2c, 4 }, { "io_base_limit_upper", 0x30, 4 },
		{ "expansion_rom_base", 0x38, 4 }, { "bridge_control", 0x3e, 2 },
	};

	for (unsigned i = 0; cfg && i < sizeof regs / sizeof regs[0]; i++)
		fprintf(o, " %s=\"0x%x\"", regs[i].name, pci_rd(cfg, f->a, regs[i].off, regs[i].width));
}

static void
pci_config(FILE *o, const struct pci_fn *f, const struct pci_cfg *cfg)
{
	int bridge = genode_bridge(f);

	fprintf(o, "    <pci-config");
	/* Genode's platform driver maps the function's config page by it; unknown without ECAM (conf1). */
	if (f->ecam)
		fprintf(o, " address=\"0x%" PRIx64 "\"", f->ecam);
	fprintf(o, " bus=\"0x%x\" device=\"0x%x\" function=\"0x%x\" vendor_id=\"0x%x\" device_id=\"0x%x\""
	    " class=\"0x%x\" revision=\"0x%x\" bridge=\"%s\"", f->a.bus, f->a.dev, f->a.fn, f->vendor, f->device,
	    f->class, f->rev, bridge ? "yes" : "no");
	if (bridge)
		bridge_regs(o, f, cfg);
	else
		fprintf(o, " sub_vendor_id=\"0x%x\" sub_device_id=\"0x%x\"", f->sub_vendor, f->sub_device);
	if (f->bridge)	/* ours: the bus numbers (Genode's readers ignore them) */
		fprintf(o, " primary=\"0x%x\" secondary=\"0x%x\" subordinate=\"0x%x\"", f->primary, f->secondary,
		    f->subordinate);
	fprintf(o, "/>\n");
}

static void
bars(FILE *o, const struct pci_fn *f)
{
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *r = &f->bar[b];

		/*
		 * pci_decode writes a BAR the firmware left at 0 with address 0
		 * (and warns); sessions refuse to hand it out. Without a size
		 * (a dump without resource lines) it is left out: Genode always
		 * has the size from its probe.
		 */
		if (r->kind == PCI_BAR_NONE || (r->unassigned && !r->size))
			continue;
		if (r->kind == PCI_BAR_IO) {
			/* x86 I/O ports: 64 KiB at most, as pci_decode cuts the size. */
			fprintf(o, "    <io_port_range pci_bar=\"%u\" address=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"/>\n", b,
			    r->start, r->size & 0xffff);
			continue;
		}
		fprintf(o, "    <io_mem pci_bar=\"%u\" address=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"", b, r->start,
		    r->size);
		if (r->prefetch)
			fprintf(o, " prefetchable=\"true\" wc=\"%s\"", pci_bar_wc(f, b) ? "true" : "false");
		fprintf(o, "/>\n");
	}
}

/*
 * pci_decode's one <irq>: MSI before MSI-X (pseudo numbers from 1) when
 * platform_info says the kernel does MSI; else the INTx: its GSI, renamed
 * and given mode/polarity by a matching MADT override (flags bits 0-1
 * polarity 1 high 3 low, bits 2-3 trigger 1 edge 3 level), only then.
 */
static void
irq(FILE *o, const struct pci_tree *t, const struct pci_fn *f, const struct pci_report_in *in)
{
	unsigned gsi = pci_fn_gsi(f);
	const char *mode = NULL, *polarity = NULL;

	if (!(f->pin >= 1 && f->pin <= 4) && !(in->msi && pci_fn_msi(f)))
		return;
	if (in->msi && pci_fn_msi(f)) {
		fprintf(o, "    <irq type=\"%s\" number=\"%u\"/>\n", pci_fn_has_cap(f, CAP_MSI) ? "msi" : "msi-x",
		    pci_msi_number(t, f));
		return;
	}
	if (!f->intx.routed)
		fprintf(o, "    <!-- INT%c not routed (%s): the Interrupt Line register -->\n", 'A' + f->pin - 1,
		    f->intx.how);
	else
		fprintf(o, "    <!-- INT%c: GSI %u %s %s, %s -->\n", 'A' + f->pin - 1, f->intx.gsi,
		    f->intx.level ? "level" : "edge", f->intx.active_low ? "low" : "high", f->intx.how);
	for (const struct mkx_xml *x = in->acpi && in->acpi_report ? mkx_xml_child(in->acpi_report, "irq_override")
	    : NULL; x; x = mkx_xml_next(x, "irq_override")) {
		unsigned long flags = attr(x, "flags", 0);

		if (attr(x, "irq", 0xff) != gsi)
			continue;
		gsi = (unsigned)attr(x, "gsi", 0xff);
		polarity = (flags & 3) == 1 ? "high" : (flags & 3) == 3 ? "low" : polarity;
		mode = (flags >> 2 & 3) == 1 ? "edge" : (flags >> 2 & 3) == 3 ? "level" : mode;
	}
	fprintf(o, "    <irq number=\"%u\"", gsi);
	if (polarity)
		fprintf(o, " polarity=\"%s\"", polarity);
	if (mode)
		fprintf(o, " mode=\"%s\"", mode);
	fprintf(o, "/>\n");
}

/* RMRRs whose scope is this function (pci_decode: address and size as plain decimal integers). */
static void
reserved_memory(FILE *o, const struct pci_fn *f, const struct mkx_xml *acpi)
{
	for (const struct mkx_xml *r = acpi ? mkx_xml_child(acpi, "rmrr") : NULL; r; r = mkx_xml_next(r, "rmrr")) {
		const struct mkx_xml *s = mkx_xml_child(r, "scope");
		unsigned long start = attr(r, "start", 0), end = attr(r, "end", 0);

		if (s && scope_is(s, f->a))
			fprintf(o, "    <reserved_memory address=\"%lu\" size=\"%lu\"/>\n", start, end - start + 1);
	}
}

/* The DRHD that names the function in its scope, else every DRHD with INCLUDE_PCI_ALL (flags bit 0). */
static void
io_mmu(FILE *o, const struct pci_fn *f, const struct mkx_xml *acpi)
{
	unsigned n = 0;

	for (const struct mkx_xml *d = acpi ? mkx_xml_child(acpi, "drhd") : NULL; d; d = mkx_xml_next(d, "drhd"), n++)
		for (const struct mkx_xml *s = mkx_xml_child(d, "scope"); s; s = mkx_xml_next(s, "scope"))
			if (scope_is(s, f->a)) {
				fprintf(o, "    <io_mmu name=\"drhd%u\"/>\n", n);
				return;
			}
	n = 0;
	for (const struct mkx_xml *d = acpi ? mkx_xml_child(acpi, "drhd") : NULL; d; d = mkx_xml_next(d, "drhd"), n++)
		if (attr(d, "flags", 0) & 1)
			fprintf(o, "    <io_mmu name=\"drhd%u\"/>\n", n);
}

/*
 * The Intel IGD's OpRegion (ASLS, config 0xfc: the firmware's mailbox for
 * the graphics driver): pci_decode's pseudo BAR 6 of 00:02.0 and the acpi
 * device's io_mem. Its size as the caller read it from the region
 * (opregion.c: 8 KiB plus an extended VBT), else the base 8 KiB.
 */
static uint64_t
opregion_size(const struct pci_report_in *in)
{
	return in->opregion_size ? in->opregion_size : PCI_OPREGION_BASE_SIZE;
}

uint32_t
pci_igd_opregion(const struct pci_fn *f, const struct pci_cfg *cfg)
{
	return cfg && intel_igd(f) ? pci_rd(cfg, f->a, 0xfc, 4) : 0;
}

static void
opregion(FILE *o, const struct pci_fn *f, const struct pci_report_in *in)
{
	uint32_t asls = pci_igd_opregion(f, in->cfg);

	/* size as pci_decode prints a size_t: decimal */
	if (asls && asls != 0xffffffffu)
		fprintf(o, "    <io_mem pci_bar=\"6\" address=\"0x%x\" size=\"%" PRIu64 "\"/>\n", asls,
		    opregion_size(in));
}

static void
pci_device(FILE *o, const struct pci_tree *t, const struct pci_fn *f, const struct pci_report_in *in)
{
	char n[16];

	fprintf(o, "  <device name=\"%s\" type=\"pci\">\n", pci_name(f->a, n));
	pci_config(o, f, in->cfg);
	bars(o, f);
	opregion(o, f, in);
	irq(o, t, f, in);
	reserved_memory(o, f, in->acpi_report);
	io_mmu(o, f, in->acpi_report);
	for (unsigned c = 0; c < f->ncap; c++)
		fprintf(o, "    <capability offset=\"0x%x\" id=\"0x%x\" name=\"%s\"/>\n", f->cap[c].off, f->cap[c].id,
		    pci_cap_name(f->cap[c].id));
	for (unsigned c = 0; c < f->necap; c++)
		fprintf(o, "    <extended_capability offset=\"0x%x\" id=\"0x%x\" version=\"%u\" name=\"%s\"/>\n",
		    f->ecap[c].off, f->ecap[c].id, f->ecap[c].ver, pci_ecap_name(f->ecap[c].id));
	fprintf(o, "  </device>\n");
}

/* ioapicN: its registers, the GSI it starts at, and what a DRHD says about it. */
static void
ioapic(FILE *o, const struct mkx_xml *x, const struct mkx_xml *acpi, int remap)
{
	unsigned long id = attr(x, "id", 0), n = 0;

	fprintf(o, "  <device name=\"ioapic%lu\" type=\"ioapic\">\n"
	    "    <io_mem address=\"0x%lx\" size=\"0x1000\"/>\n", id, attr(x, "addr", 0));
	for (const struct mkx_xml *d = mkx_xml_child(acpi, "drhd"); d; d = mkx_xml_next(d, "drhd"), n++)
		for (const struct mkx_xml *s = mkx_xml_child(d, "scope"); s; s = mkx_xml_next(s, "scope")) {
			const struct mkx_xml *p = mkx_xml_child(s, "path");

			if (attr(s, "type", 0) != 3 || attr(s, "id", 0) != id)
				continue;
			fprintf(o, "    <io_mmu name=\"drhd%lu\"/>\n"
			    "    <property name=\"routing_id\" value=\"0x%lx\"/>\n", n,
			    attr(s, "bus_start", 0) << 8 | (attr(p, "dev", 0) & 0x1f) << 3 | (attr(p, "func", 0) & 7));
		}
	fprintf(o, "    <property name=\"irq_start\" value=\"%lu\"/>\n", attr(x, "base_irq", 0));
	if (remap)
		fprintf(o, "    <property name=\"remapping\" value=\"yes\"/>\n");
	fprintf(o, "  </device>\n");
}

/* pci_decode's parse_acpi_device_info: the devices no PCI enumeration finds. */
static void
acpi_devices(FILE *o, const struct mkx_xml *acpi, uint32_t asls, uint64_t asls_size)
{
	const struct mkx_xml *sci = acpi ? mkx_xml_child(acpi, "sci_int") : NULL;
	const struct mkx_xml *dmar = acpi ? mkx_xml_child(acpi, "dmar") : NULL;
	int remap = dmar && mkx_xml_attr_bool(dmar, "intr_remap", 0) == 1;
	unsigned n = 0, msi = 1;	/* pci_decode numbers the DRHDs' MSIs from 1 again */

	/* Genode writes these two whatever the machine has (the i8042 and the i8254 are assumed). */
	fprintf(o, "  <device name=\"ps2\">\n    <irq number=\"1\"/>\n    <irq number=\"12\"/>\n"
	    "    <io_port_range address=\"0x60\" size=\"1\"/>\n    <io_port_range address=\"0x64\" size=\"1\"/>\n"
	    "  </device>\n");
	fprintf(o, "  <device name=\"pit\">\n    <irq number=\"0\"/>\n    <io_port_range address=\"0x40\" size=\"4\"/>\n"
	    "  </device>\n");
	if (sci) {
		fprintf(o, "  <device name=\"acpi\" type=\"acpi\">\n");
		/* pci_decode gives the OpRegion to the acpi device too (ACPICA's _DSM and ASLE code reads it). */
		if (asls)
			fprintf(o, "    <io_mem address=\"0x%x\" size=\"%" PRIu64 "\"/>\n", asls, asls_size);
		fprintf(o, "    <irq number=\"%lu\"/>\n  </device>\n", attr(sci, "irq", 0xff));
	}
	for (const struct mkx_xml *x = acpi ? mkx_xml_child(acpi, "ioapic") : NULL; x; x = mkx_xml_next(x, "ioapic"))
		ioapic(o, x, acpi, remap);
	for (const struct mkx_xml *d = acpi ? mkx_xml_child(acpi, "drhd") : NULL; d; d = mkx_xml_next(d, "drhd"), n++)
		fprintf(o, "  <device name=\"drhd%u\" type=\"intel_iommu\">\n"
		    "    <io_mem address=\"0x%lx\" size=\"0x%lx\"/>\n    <irq type=\"msi\" number=\"%u\"/>\n  </device>\n",
		    n, attr(d, "phys", 0), attr(d, "size", 0), msi++);
}

void
pci_devices_report(FILE *o, const struct pci_tree *t, const struct pci_report_in *in)
{
	uint32_t asls = 0;

	fprintf(o, "<devices>\n");
	for (unsigned i = 0; i < t->nfn; i++) {
		uint32_t a = pci_igd_opregion(&t->fn[i], in->cfg);

		pci_device(o, t, &t->fn[i], in);
		if (a && a != 0xffffffffu)
			asls = a;
	}
	acpi_devices(o, in->acpi_report, asls, opregion_size(in));
	fprintf(o, "</devices>\n");
}
