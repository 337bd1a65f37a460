/*
 * Which PCI function a PCI_Config region addresses (ACPI 6.4 6.5.6 and
 * 19.6.100), derived the way ACPICA derives it, so regions behind bridges
 * reach the same function: the root bridge is the nearest ancestor whose
 * _HID or _CID is PNP0A03/PNP0A08, its _BBN (0 if absent) is the first
 * bus; then each device on the way down from the root bridge to the
 * region's device gives its device and function from _ADR, and each of
 * them that is a PCI-to-PCI or CardBus bridge (header type read from
 * config space) moves the walk to its secondary bus, and is itself
 * addressed on its primary bus as its config space says. Derived once
 * per region, at its first access (ACPICA: at region setup).
 */
#include <string.h>

#include "internal.h"

#define PCI_HEADER_TYPE		0x0e
#define PCI_PRIMARY_BUS		0x18
#define PCI_SECONDARY_BUS	0x19
#define PCI_PATH_MAX		32	/* devices between a root bridge and a region */

static uint32_t
seg4(const char *s)
{
	return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 | (uint32_t)(uint8_t)s[2] << 16 |
	    (uint32_t)(uint8_t)s[3] << 24;
}

/* The value of a device's child object (a method is called), NULL if it has none. */
static struct aml_obj *
child_value(struct frame *f, struct aml_node *dev, const char *name)
{
	struct aml_node *n = aml_node_child_name(dev, seg4(name));

	while (n && n->kind == N_ALIAS)
		n = n->target;
	if (!n)
		return NULL;
	switch (n->kind) {
	case N_METHOD:
		return aml_call_method(f, n, NULL, 0);
	case N_NAME:
		return n->obj;
	case N_FIELD:
		return aml_field_read(f, n);
	default:
		return NULL;
	}
}

/* PNP0A03 (PCI) or PNP0A08 (PCI Express) root bridge, as an EISA ID, a String, or in a _CID Package. */
static int
is_root_id(struct frame *f, struct aml_obj *o, int depth)
{
	o = o ? aml_deref(f, o) : NULL;
	if (!o)
		return 0;
	if (o->type == AML_INT)
		return o->i == 0x030ad041 || o->i == 0x080ad041;
	if (o->type == AML_STR)
		return !strcmp(o->s.p, "PNP0A03") || !strcmp(o->s.p, "PNP0A08");
	if (o->type == AML_PKG && depth == 0)
		for (uint32_t i = 0; i < o->pkg.n; i++)
			if (is_root_id(f, o->pkg.e[i], 1))
				return 1;
	return 0;
}

static int
is_root_bridge(struct frame *f, struct aml_node *dev)
{
	return is_root_id(f, child_value(f, dev, "_HID"), 0) || is_root_id(f, child_value(f, dev, "_CID"), 0);
}

static uint64_t
config_read8(struct frame *f, unsigned bus, unsigned devfn, unsigned reg)
{
	const struct aml_region_ops *ops = f->ns->regions;
	uint64_t addr = (uint64_t)((bus & 0xff) << 8 | devfn) << 16 | reg, v = 0;

	if (ops->read(ops->ctx, 2, addr, 8, &v))
		aml_fail(f, "reading PCI config %02x:%02x.%u register 0x%x (to find a region's bus) refused",
		    bus & 0xff, devfn >> 3, devfn & 7, reg);
	return v & 0xff;
}

static unsigned
devfn_of(uint64_t adr)
{
	return (unsigned)((adr >> 16) & 0x1f) << 3 | (unsigned)(adr & 7);
}

static uint16_t
derive_bdf(struct frame *f, struct aml_node *region)
{
	struct aml_node *dev = region->parent, *root = NULL, *path[PCI_PATH_MAX];
	struct aml_obj *o;
	unsigned n = 0, bus = 0, next_bus, devfn = 0;
	int behind_bridge = 1;

	for (struct aml_node *x = dev; x && x->parent; x = x->parent)
		if (is_root_bridge(f, x)) {
			root = x;
			break;
		}
	if (root && (o = child_value(f, root, "_BBN")))
		bus = (unsigned)aml_to_int(f, o) & 0xff;
	if ((o = child_value(f, dev, "_ADR")))
		devfn = devfn_of(aml_to_int(f, o));
	for (struct aml_node *x = dev; x && x != root && x->parent; x = x->parent) {
		if (n == PCI_PATH_MAX)
			aml_fail(f, "PCI_Config region more than %d devices below its root bridge", PCI_PATH_MAX);
		path[n++] = x;
	}
	next_bus = bus;
	while (n--) {
		unsigned type;

		if (!(o = child_value(f, path[n], "_ADR")))
			continue;		/* not a PCI device: no step on the way down */
		devfn = devfn_of(aml_to_int(f, o));
		if (behind_bridge)
			bus = next_bus;
		behind_bridge = 0;
		type = (unsigned)config_read8(f, bus, devfn, PCI_HEADER_TYPE) & 0x7f;
		if (type != 1 && type != 2)	/* PCI-to-PCI, CardBus bridge */
			continue;
		behind_bridge = 1;
		bus = (unsigned)config_read8(f, bus, devfn, PCI_PRIMARY_BUS);
		next_bus = (unsigned)config_read8(f, bus, devfn, PCI_SECONDARY_BUS);
	}
	return (uint16_t)((bus & 0xff) << 8 | devfn);
}

uint64_t
aml_pci_config_address(struct frame *f, struct aml_node *region, uint64_t off)
{
	if (off > 0xffff)
		aml_fail(f, "PCI_Config offset 0x%llx lies beyond any configuration space", (unsigned long long)off);
	if (!region->r.bdf_known) {
		region->r.bdf = derive_bdf(f, region);
		region->r.bdf_known = 1;
	}
	return (uint64_t)region->r.bdf << 16 | off;
}
