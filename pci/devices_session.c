/*
 * A Platform session's devices ROM as Genode's platform driver writes it
 * (repos/os/src/driver/platform/device.cc, Device::generate; the table in
 * docs/genode-formats.md): <device name type used>, <io_mem pci_bar> and
 * <io_port_range pci_bar> with phys_addr/size (and wc) only for info="yes",
 * <irq> with number (and shared) only for info="yes", and <pci-config>
 * with the IDs always. Ours on top, ignored by Genode's readers: the bus,
 * device and function in <pci-config>, prefetchable=.
 */
#include <inttypes.h>

#include "devices_xml.h"

/* Genode marks an INTx shared when another device of the model has the same GSI. */
static int
gsi_shared(const struct pci_tree *t, const struct pci_fn *f)
{
	if (!(f->pin >= 1 && f->pin <= 4))
		return 0;
	for (unsigned i = 0; i < t->nfn; i++) {
		const struct pci_fn *g = &t->fn[i];

		if (g != f && g->pin >= 1 && g->pin <= 4 && pci_fn_gsi(g) == pci_fn_gsi(f))
			return 1;
	}
	return 0;
}

static void
resources(FILE *o, const struct pci_tree *t, const struct pci_fn *f, int info, int msi)
{
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *r = &f->bar[b];

		if (r->kind == PCI_BAR_NONE || r->kind == PCI_BAR_IO || r->unassigned)
			continue;
		fprintf(o, "    <io_mem pci_bar=\"%u\"", b);
		if (info)
			fprintf(o, " phys_addr=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"%s%s", r->start, r->size,
			    pci_bar_wc(f, b) ? " wc=\"true\"" : "", r->prefetch ? " prefetchable=\"true\"" : "");
		fprintf(o, "/>\n");
	}
	/* The devices report's one <irq>, numbered the same: an MSI's pseudo number, else the GSI. */
	if (((f->pin >= 1 && f->pin <= 4) && !(msi && pci_fn_msi(f))) || (msi && pci_fn_msi(f))) {
		fprintf(o, "    <irq");
		if (info && msi && pci_fn_msi(f))
			fprintf(o, " number=\"%u\"", pci_msi_number(t, f));
		else if (info)
			fprintf(o, " number=\"%u\"%s", pci_fn_gsi(f), gsi_shared(t, f) ? " shared=\"true\"" : "");
		fprintf(o, "/>\n");
	}
	for (unsigned b = 0; b < 6; b++) {
		const struct pci_bar *r = &f->bar[b];

		if (r->kind != PCI_BAR_IO || r->unassigned)
			continue;
		fprintf(o, "    <io_port_range pci_bar=\"%u\"", b);
		if (info)
			fprintf(o, " phys_addr=\"0x%" PRIx64 "\" size=\"0x%" PRIx64 "\"", r->start, r->size & 0xffff);
		fprintf(o, "/>\n");
	}
}

static void
device(FILE *o, const struct pci_tree *t, const struct pci_fn *f, const struct pci_session_view *v)
{
	char n[16];
	int used = v->used && v->used(f, v->arg);

	fprintf(o, "  <device name=\"%s\" type=\"pci\" used=\"%s\">\n", pci_name(f->a, n), used ? "true" : "false");
	resources(o, t, f, v->info, v->msi);
	fprintf(o, "    <pci-config vendor_id=\"0x%x\" device_id=\"0x%x\" class=\"0x%x\" revision=\"0x%x\""
	    " sub_vendor_id=\"0x%x\" sub_device_id=\"0x%x\" bus=\"0x%x\" device=\"0x%x\" function=\"0x%x\"/>\n",
	    f->vendor, f->device, f->class, f->rev, f->sub_vendor, f->sub_device, f->a.bus, f->a.dev, f->a.fn);
	fprintf(o, "  </device>\n");
}

void
pci_session_devices_xml(FILE *o, const struct pci_tree *t, const struct pci_session_view *v)
{
	const char *ra = v->root_attrs;

	fprintf(o, "<devices%s%s>\n", ra && ra[0] ? " " : "", ra ? ra : "");
	for (unsigned i = 0; i < t->nfn; i++)
		if (!v->want || v->want(&t->fn[i], v->arg))
			device(o, t, &t->fn[i], v);
	fprintf(o, "</devices>\n");
}

void
pci_devices_xml(FILE *o, const struct pci_tree *t, int (*want)(const struct pci_fn *, void *), void *arg,
    int info, const char *root_attrs)
{
	struct pci_session_view v = { want, NULL, arg, info, 0, root_attrs };

	pci_session_devices_xml(o, t, &v);
}
