/* Reading the platform driver's devices ROM (see platform_rom.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "platform_rom.h"

static int
num(const struct mkx_xml *x, const char *attr, unsigned long long max, uint64_t *v, char *why, size_t whylen)
{
	unsigned long u;

	if (!mkx_xml_attr(x, attr))
		return -ENOENT;
	if (mkx_xml_attr_ulong(x, attr, 0, &u) || u > max) {
		snprintf(why, whylen, "line %d: <%s %s=\"%s\">: not a number up to 0x%llx", x->line, x->name, attr,
		    mkx_xml_attr(x, attr), max);
		return -EINVAL;
	}
	*v = u;
	return 0;
}

/* <io_mem>/<io_port_range>: address= (the report) or phys_addr= (a session ROM), size=, pci_bar=. */
static int
range(const struct mkx_xml *x, struct prom_range *r, uint64_t max, char *why, size_t whylen)
{
	uint64_t bar;
	int e;

	if ((e = num(x, "address", max, &r->addr, why, whylen)) == -ENOENT)
		e = num(x, "phys_addr", max, &r->addr, why, whylen);
	if (e) {
		if (e == -ENOENT)
			snprintf(why, whylen, "line %d: <%s> without address=", x->line, x->name);
		return -EINVAL;
	}
	if ((e = num(x, "size", max, &r->size, why, whylen)) || !r->size) {
		if (e != -EINVAL)
			snprintf(why, whylen, "line %d: <%s> without a size", x->line, x->name);
		return -EINVAL;
	}
	if (r->addr + r->size < r->addr || r->addr + r->size - 1 > max) {
		snprintf(why, whylen, "line %d: <%s> 0x%llx+0x%llx wraps or leaves the address space", x->line, x->name,
		    (unsigned long long)r->addr, (unsigned long long)r->size);
		return -EINVAL;
	}
	r->pci_bar = -1;
	/* Genode's platform driver takes any pci_bar below 255: 6 is pci_decode's IGD OpRegion. */
	if ((e = num(x, "pci_bar", 254, &bar, why, whylen)) == -EINVAL)
		return -EINVAL;
	if (!e)
		r->pci_bar = (int)bar;
	r->wc = mkx_xml_attr_bool(x, "wc", 0) == 1;
	return 0;
}

static int
pci_config(const struct mkx_xml *x, struct prom_dev *d, char *why, size_t whylen)
{
	static const char *const names[] = { "vendor_id", "device_id", "class", "revision", "sub_vendor_id",
	    "sub_device_id", "bus", "device", "function" };
	static const unsigned long long max[] = { 0xffff, 0xffff, 0xffffff, 0xff, 0xffff, 0xffff, 0xff, 31, 7 };
	unsigned *f[] = { &d->vendor, &d->device, &d->class, &d->rev, &d->sub_vendor, &d->sub_device, &d->bus,
	    &d->dev, &d->fn };
	uint64_t v;
	int e;

	d->pci = 1;
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
		if ((e = num(x, names[i], max[i], &v, why, whylen)) == -EINVAL)
			return -EINVAL;
		if (!e)
			*f[i] = (unsigned)v;
		else if (i < 2) {
			snprintf(why, whylen, "line %d: <pci-config> without %s=", x->line, names[i]);
			return -EINVAL;
		}
	}
	if (num(x, "address", ~0ull, &d->cfg_addr, why, whylen) == -EINVAL)
		return -EINVAL;
	return 0;
}

static int
device(const struct mkx_xml *x, struct prom_dev *d, char *why, size_t whylen)
{
	const char *name = mkx_xml_attr(x, "name"), *type = mkx_xml_attr(x, "type");

	memset(d, 0, sizeof *d);
	if (!name || !name[0] || strlen(name) >= sizeof d->name) {
		snprintf(why, whylen, "line %d: <device> without a name (or one of %zu characters or more)", x->line,
		    sizeof d->name);
		return -EINVAL;
	}
	snprintf(d->name, sizeof d->name, "%s", name);
	snprintf(d->type, sizeof d->type, "%.31s", type ? type : "");
	for (const struct mkx_xml *c = x->child; c; c = c->next) {
		int mem = !strcmp(c->name, "io_mem"), port = !strcmp(c->name, "io_port_range");
		unsigned *n = mem ? &d->nmem : port ? &d->nport : &d->nirq;

		if (!mem && !port && strcmp(c->name, "irq")) {
			if (!strcmp(c->name, "pci-config") && pci_config(c, d, why, whylen))
				return -EINVAL;
			continue;	/* <property>, <reserved_memory>, <power-domain>...: not a resource here */
		}
		if (*n == PROM_RES_MAX) {
			snprintf(why, whylen, "line %d: device \"%s\" has more than %u <%s>", c->line, name, PROM_RES_MAX,
			    c->name);
			return -EINVAL;
		}
		if (mem && range(c, &d->mem[*n], ~0ull, why, whylen))
			return -EINVAL;
		if (port && range(c, &d->port[*n], 0xffff, why, whylen))
			return -EINVAL;
		if (!mem && !port) {
			uint64_t v;
			const char *t = mkx_xml_attr(c, "type");

			if (num(c, "number", 0xffffffffu, &v, why, whylen)) {
				if (!mkx_xml_attr(c, "number"))
					snprintf(why, whylen, "line %d: <irq> without number=", c->line);
				return -EINVAL;
			}
			if (t && strcmp(t, "msi") && strcmp(t, "msi-x") && strcmp(t, "legacy")) {
				snprintf(why, whylen, "line %d: <irq type=\"%s\">: not legacy, msi or msi-x", c->line, t);
				return -EINVAL;
			}
			d->irq[*n].number = (unsigned)v;
			snprintf(d->irq[*n].type, sizeof d->irq[*n].type, "%s", t && strcmp(t, "legacy") ? t : "");
		}
		(*n)++;
	}
	return 0;
}

int
prom_read(const struct mkx_xml *devices, struct prom_set *out, char *why, size_t whylen)
{
	out->n = 0;
	if (!devices || strcmp(devices->name, "devices")) {
		snprintf(why, whylen, "line %d: the ROM's top node is <%s>, not <devices>", devices ? devices->line : 0,
		    devices ? devices->name : "");
		return -EINVAL;
	}
	for (const struct mkx_xml *x = mkx_xml_child(devices, "device"); x; x = mkx_xml_next(x, "device")) {
		if (out->n == PROM_DEVICES_MAX) {
			snprintf(why, whylen, "line %d: more than %u devices", x->line, PROM_DEVICES_MAX);
			return -EINVAL;
		}
		if (device(x, &out->dev[out->n], why, whylen))
			return -EINVAL;
		if (prom_find(out, out->dev[out->n].name)) {
			snprintf(why, whylen, "line %d: a second device named \"%s\"", x->line, out->dev[out->n].name);
			return -EINVAL;
		}
		out->n++;
	}
	return 0;
}

struct prom_dev *
prom_find(struct prom_set *s, const char *name)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->dev[i].name, name))
			return &s->dev[i];
	return NULL;
}
