/*
 * The devices report in Genode's format (the shape pci_decode generates
 * and Genode's platform driver reads): one <device name="BB:DD.F"
 * type="pci"> per function with <pci-config>, <io_mem>/<io_port_range> per
 * assigned BAR, <irq> for a routed pin, and the capability lists.
 */
#include <inttypes.h>

#include "devices_xml.h"

static void
device(FILE *o, const struct pci_fn *f, int info)
{
	char n[16];

	fprintf(o, "  <device name=\"%s\" type=\"pci\">\n", pci_name(f->a, n));
	fprintf(o, "    <pci-config");
	if (info && f->ecam)
		fprintf(o, " address=\"0x%" PRIx64 "\"", f->ecam);
	fprintf(o, " bus=\"0x%x\" device=\"0x%x\" function=\"0x%x\" vendor_id=\"0x%x\" device_id=\"0x%x\""
	    " class=\"0x%x\" revision=\"0x%x\" sub_vendor_id=\"0x%x\" sub_device_id=\"0x%x\" bridge=\"%s\"",
	    f->a.bus, f->a.dev, f->a.fn, f->vendor, f->device, f->class, f->rev, f->sub_vendor, f->sub_device,
	    f->bridge ? "yes" : "no");
	if (f->bridge)
		fprintf(o, " primary=\"0x%x\" secondary=\"0x%x\" subordinate=\"0x%x\"", f->primary, f->secondary,
		    f->subordinate);
	fprintf(o, "/>\n");
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *r = &f->bar[b];

		if (r->kind == PCI_BAR_NONE || r->unassigned)
			continue;
		if (r->kind == PCI_BAR_IO) {
			fprintf(o, "    <io_port_range pci_bar=\"%u\"", b);
			if (info)
				fprintf(o, " address=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"", r->start, r->size);
		} else {
			fprintf(o, "    <io_mem pci_bar=\"%u\"", b);
			if (info)
				fprintf(o, " address=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"%s", r->start, r->size,
				    r->prefetch ? " prefetchable=\"true\"" : "");
		}
		fprintf(o, "/>\n");
	}
	if (f->pin >= 1 && f->pin <= 4) {
		if (!f->intx.routed)
			fprintf(o, "    <!-- INT%c not routed: %s -->\n", 'A' + f->pin - 1, f->intx.how);
		else if (info)
			fprintf(o, "    <irq number=\"%u\" mode=\"%s\" polarity=\"%s\"/>\n", f->intx.gsi,
			    f->intx.level ? "level" : "edge", f->intx.active_low ? "low" : "high");
		else
			fprintf(o, "    <irq/>\n");
	}
	for (unsigned c = 0; c < f->ncap; c++)
		fprintf(o, "    <capability offset=\"0x%x\" id=\"0x%x\" name=\"%s\"/>\n", f->cap[c].off, f->cap[c].id,
		    pci_cap_name(f->cap[c].id));
	for (unsigned c = 0; c < f->necap; c++)
		fprintf(o, "    <extended_capability offset=\"0x%x\" id=\"0x%x\" version=\"%u\" name=\"%s\"/>\n",
		    f->ecap[c].off, f->ecap[c].id, f->ecap[c].ver, pci_ecap_name(f->ecap[c].id));
	fprintf(o, "  </device>\n");
}

void
pci_devices_xml(FILE *o, const struct pci_tree *t, int (*want)(const struct pci_fn *, void *), void *arg,
    int info, const char *root_attrs)
{
	fprintf(o, "<devices%s%s>\n", root_attrs && root_attrs[0] ? " " : "", root_attrs ? root_attrs : "");
	for (unsigned i = 0; i < t->nfn; i++)
		if (!want || want(&t->fn[i], arg))
			device(o, &t->fn[i], info);
	fprintf(o, "</devices>\n");
}
