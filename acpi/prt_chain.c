/* The chain from a root bridge down to a _PRT's device (prt_chain.h). */
#include <errno.h>
#include <stdio.h>

#include "prt_chain.h"
#include "report.h"

/* An optional Integer object: 0 with *v, 1 if absent (*v = dflt), -EINVAL if it fails or is no Integer. */
static int
opt_int(struct aml_ns *ns, struct aml_node *dev, const char *name, uint64_t dflt, uint64_t *v, char *why,
    size_t whylen)
{
	struct aml_obj *o = NULL;
	char path[256], err[256] = "";
	int rc = aml_eval_path(ns, dev, name, &o, err, sizeof err);

	*v = dflt;
	if (rc == -ENOENT)
		return 1;
	aml_path(dev, path, sizeof path);
	if (rc) {
		snprintf(why, whylen, "%s.%s cannot be evaluated: %.150s", path, name, err);
		return -EINVAL;
	}
	if (!o || o->type != AML_INT) {
		snprintf(why, whylen, "%s.%s is not an Integer", path, name);
		return -EINVAL;
	}
	*v = o->i;
	return 0;
}

int
acpi_root_bridge_numbers(struct aml_ns *ns, struct aml_node *root, unsigned *seg, unsigned *bus, char *why,
    size_t whylen)
{
	uint64_t s, b;
	char path[256];

	if (opt_int(ns, root, "_SEG", 0, &s, why, whylen) < 0 || opt_int(ns, root, "_BBN", 0, &b, why, whylen) < 0)
		return -EINVAL;
	/* ACPI 6.4 6.5.6: the segment group is the low 16 bits; 6.5.5: the bus number the low 8. */
	if (s > 0xffff || b > 0xff) {
		snprintf(why, whylen, "%s: %s 0x%llx is out of range", aml_path(root, path, sizeof path),
		    s > 0xffff ? "_SEG" : "_BBN", (unsigned long long)(s > 0xffff ? s : b));
		return -EINVAL;
	}
	*seg = (unsigned)s;
	*bus = (unsigned)b;
	return 0;
}

int
prt_chain(struct aml_ns *ns, struct aml_node *dev, struct prt_chain *c, char *why, size_t whylen)
{
	struct aml_node *up[PRT_CHAIN_MAX + 1];
	unsigned n = 0;
	char path[256];

	c->root = NULL;
	c->n = 0;
	/* Up to the nearest root bridge, remembering the devices on the way. */
	for (struct aml_node *d = dev; d; d = aml_node_parent(d)) {
		if (aml_node_type(d) == AML_DEVICE && acpi_is_root_bridge(ns, d)) {
			c->root = d;
			break;
		}
		if (n == PRT_CHAIN_MAX) {
			snprintf(why, whylen, "%s is more than %u devices below its root bridge (if any)",
			    aml_path(dev, path, sizeof path), PRT_CHAIN_MAX);
			return -EINVAL;
		}
		up[n++] = d;
	}
	if (!c->root) {
		snprintf(why, whylen, "%s is not below a PCI root bridge (_HID/_CID PNP0A03 or PNP0A08)",
		    aml_path(dev, path, sizeof path));
		return -EINVAL;
	}
	if (acpi_root_bridge_numbers(ns, c->root, &c->seg, &c->bus, why, whylen))
		return -EINVAL;
	/* Down again: each device must say where it is on the bus above it. */
	for (unsigned i = 0; i < n; i++) {
		struct aml_node *d = up[n - 1 - i];
		uint64_t adr;
		int rc;

		aml_path(d, path, sizeof path);
		if (aml_node_type(d) != AML_DEVICE) {
			snprintf(why, whylen, "%s is not a Device", path);
			return -EINVAL;
		}
		if ((rc = opt_int(ns, d, "_ADR", 0, &adr, why, whylen)) < 0)
			return -EINVAL;
		if (rc == 1) {
			snprintf(why, whylen, "%s has no _ADR", path);
			return -EINVAL;
		}
		/* ACPI 6.4 6.1.1: PCI _ADR is device << 16 | function; 0xFFFF means all functions. */
		if (adr >> 21 || (adr & 0xffff) > 7) {
			snprintf(why, whylen, "%s: _ADR 0x%llx names no single PCI function", path,
			    (unsigned long long)adr);
			return -EINVAL;
		}
		c->dev[i] = d;
		c->adr[i] = (uint32_t)adr;
	}
	c->n = n;
	return 0;
}
