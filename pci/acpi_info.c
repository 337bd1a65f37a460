/* Reading the acpi report (acpi_info.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "acpi_info.h"

static int
num(const struct mkx_xml *e, const char *name, unsigned long *v, char *why, size_t whylen)
{
	int err = mkx_xml_attr_ulong(e, name, 0, v);

	if (err)
		snprintf(why, whylen, "line %d: <%s> %s=\"%s\": %s", e->line, e->name, name,
		    mkx_xml_attr(e, name) ? mkx_xml_attr(e, name) : "", err == -ENOENT ? "missing" : "not a number");
	return err ? -EINVAL : 0;
}

/* A quote around an attribute's value in a message, none around "(missing)". */
static const char *
q(const struct mkx_xml *e, const char *name)
{
	return mkx_xml_attr(e, name) ? "\"" : "";
}

/*
 * A <prt>: a malformed one is kept with its error (reported and not used
 * by route.c), so one bad element costs its own _PRT, not the report.
 */
static void
read_prt(struct acpi_prt *p, const struct mkx_xml *e)
{
	const char *bridge = mkx_xml_attr(e, "bridge"), *error = mkx_xml_attr(e, "error");
	unsigned long seg = 0, bus = 0, v;

	memset(p, 0, sizeof *p);
	snprintf(p->bridge, sizeof p->bridge, "%s", bridge ? bridge : "");
	if (!bridge || strlen(bridge) >= sizeof p->bridge) {
		snprintf(p->error, sizeof p->error, "line %d: <prt> without a bridge= path (or a longer one than %zu)",
		    e->line, sizeof p->bridge - 1);
		return;
	}
	if (error) {
		snprintf(p->error, sizeof p->error, "%s", error);
		return;
	}
	if (mkx_xml_attr_ulong(e, "segment", 0, &seg) || seg > 0xffff ||
	    mkx_xml_attr_ulong(e, "bus", 0, &bus) || bus > 0xff) {
		snprintf(p->error, sizeof p->error, "line %d: <prt> segment=%s%s%s bus=%s%s%s: "
		    "needs a segment (0-0xffff) and a bus (0-0xff)", e->line,
		    q(e, "segment"), mkx_xml_attr(e, "segment") ? mkx_xml_attr(e, "segment") : "(missing)", q(e, "segment"),
		    q(e, "bus"), mkx_xml_attr(e, "bus") ? mkx_xml_attr(e, "bus") : "(missing)", q(e, "bus"));
		return;
	}
	p->seg = (unsigned)seg;
	p->bus = (unsigned)bus;
	for (const struct mkx_xml *a = e->child; a; a = a->next) {
		if (strcmp(a->name, "adr"))
			continue;
		if (p->nadr == ACPI_CHAIN_MAX) {
			snprintf(p->error, sizeof p->error, "line %d: more than %u <adr> in one <prt>", a->line,
			    ACPI_CHAIN_MAX);
			return;
		}
		if (!mkx_xml_attr(a, "value") || mkx_xml_attr_ulong(a, "value", 0, &v) || v >> 21 || (v & 0xffff) > 7) {
			snprintf(p->error, sizeof p->error, "line %d: <adr value=\"%s\">: not a PCI device and function",
			    a->line, mkx_xml_attr(a, "value") ? mkx_xml_attr(a, "value") : "");
			return;
		}
		p->adr[p->nadr++] = (uint32_t)v;
	}
}

int
acpi_info_read(struct acpi_info *ai, const struct mkx_xml *root, char *why, size_t whylen)
{
	memset(ai, 0, sizeof *ai);
	if (!root || strcmp(root->name, "acpi")) {
		snprintf(why, whylen, "not an <acpi> report");
		return -EINVAL;
	}
	for (const struct mkx_xml *e = root->child; e; e = e->next) {
		unsigned long a, b, c, d, seg = 0;

		if (!strcmp(e->name, "root_bridge") && ai->nroot < 16) {
			if (num(e, "bdf", &a, why, whylen))
				return -EINVAL;
			mkx_xml_attr_ulong(e, "segment", 0, &seg);
			ai->root[ai->nroot].seg = (unsigned)seg;
			ai->root[ai->nroot].bus = (unsigned)(a >> 8) & 0xff;
			snprintf(ai->root[ai->nroot].name, sizeof ai->root[0].name, "%s",
			    mkx_xml_attr(e, "name") ? mkx_xml_attr(e, "name") : "");
			ai->nroot++;
		} else if (!strcmp(e->name, "bdf") && ai->nwin < ACPI_WINDOWS_MAX) {
			if (num(e, "start", &a, why, whylen) || num(e, "count", &b, why, whylen) ||
			    num(e, "base", &c, why, whylen))
				return -EINVAL;
			mkx_xml_attr_ulong(e, "segment", 0, &seg);
			if (b < 256 || a / 256 + b / 256 > 256 || seg > 0xffff) {
				snprintf(why, whylen, "line %d: <bdf start=%lu count=%lu>: not a bus range", e->line, a, b);
				return -EINVAL;
			}
			/* base: the MCFG base address, where bus 0 would be (Genode's meaning); ours is bus a/256's. */
			ai->win[ai->nwin] = (struct acpi_window){ (unsigned)seg, (unsigned)(a / 256),
			    (unsigned)((a + b) / 256 - 1), c + ((uint64_t)(a / 256) << 20) };
			ai->nwin++;
		} else if ((!strcmp(e->name, "routing") || !strcmp(e->name, "unrouted")) && ai->nroute < ACPI_ROUTES_MAX) {
			struct acpi_route *r = &ai->route[ai->nroute];
			const char *mode = mkx_xml_attr(e, "mode"), *pol = mkx_xml_attr(e, "polarity");
			int unrouted = !strcmp(e->name, "unrouted");

			a = 0;
			if ((!unrouted && num(e, "gsi", &a, why, whylen)) || num(e, "device", &b, why, whylen) ||
			    num(e, "device_pin", &c, why, whylen))
				return -EINVAL;
			if (unrouted && (!mkx_xml_attr(e, "reason") || !mkx_xml_attr(e, "reason")[0])) {
				snprintf(why, whylen, "line %d: <unrouted> without a reason=", e->line);
				return -EINVAL;
			}
			memset(r, 0, sizeof *r);
			r->has_bdf = mkx_xml_attr_ulong(e, "bridge_bdf", 0, &d) == 0;
			r->bridge_bdf = (unsigned)d & 0xffff;
			r->gsi = (unsigned)a;
			r->device = (unsigned)b;
			r->pin = (unsigned)c & 3;
			r->level = !mode || strcmp(mode, "edge");
			r->active_low = pol && !strcmp(pol, "low");
			snprintf(r->bridge, sizeof r->bridge, "%s", mkx_xml_attr(e, "bridge") ? mkx_xml_attr(e, "bridge") : "");
			if (unrouted) {
				struct acpi_route_why *y = &ai->route_why[ai->nroute];

				y->unrouted = 1;
				snprintf(y->link, sizeof y->link, "%s", mkx_xml_attr(e, "link") ? mkx_xml_attr(e, "link") : "");
				snprintf(y->reason, sizeof y->reason, "%s", mkx_xml_attr(e, "reason"));
			}
			ai->nroute++;
		} else if (!strcmp(e->name, "prt")) {
			if (ai->nprt < ACPI_PRTS_MAX)
				read_prt(&ai->prt[ai->nprt++], e);
			else
				ai->nprt_dropped++;
		} else if (!strcmp(e->name, "irq_override") && ai->novr < ACPI_OVERRIDES_MAX) {
			if (num(e, "irq", &a, why, whylen) || num(e, "gsi", &b, why, whylen) ||
			    num(e, "flags", &c, why, whylen))
				return -EINVAL;
			ai->ovr[ai->novr++] = (struct acpi_override){ (unsigned)a, (unsigned)b, (unsigned)c };
		}
	}
	return 0;
}
