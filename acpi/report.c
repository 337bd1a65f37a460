/* The acpi report and the routing text (see report.h). */
#include <errno.h>
#include <string.h>

#include "prt.h"
#include "prt_chain.h"
#include "report.h"

/* EISA ID (ACPI 6.4 6.1.5): compressed "PNP0A08" in an Integer. */
static void
eisa_id(uint64_t v, char out[8])
{
	uint32_t x = __builtin_bswap32((uint32_t)v);

	out[0] = (char)('@' + ((x >> 26) & 0x1f));
	out[1] = (char)('@' + ((x >> 21) & 0x1f));
	out[2] = (char)('@' + ((x >> 16) & 0x1f));
	snprintf(out + 3, 5, "%04X", x & 0xffff);
}

static int
id_is_root(struct aml_ns *ns, struct aml_node *dev, const char *what)
{
	struct aml_obj *o;
	char err[256], id[16] = "";

	if (aml_eval_path(ns, dev, what, &o, err, sizeof err) || !o)
		return 0;
	if (o->type == AML_INT)
		eisa_id(o->i, id);
	else if (o->type == AML_STR)
		snprintf(id, sizeof id, "%s", o->s.p);
	return !strcmp(id, "PNP0A03") || !strcmp(id, "PNP0A08");
}

int
acpi_is_root_bridge(struct aml_ns *ns, struct aml_node *dev)
{
	return id_is_root(ns, dev, "_HID") || id_is_root(ns, dev, "_CID");
}

static int
int_of(struct aml_ns *ns, struct aml_node *dev, const char *name, uint64_t *v)
{
	struct aml_obj *o;
	char err[256];

	if (aml_eval_path(ns, dev, name, &o, err, sizeof err) || !o || o->type != AML_INT)
		return -ENOENT;
	*v = o->i;
	return 0;
}

/* BDF of the bridge that owns a _PRT: root bridge -> bus 0 of _BBN; a bridge under a root -> its _ADR. */
static int
bridge_bdf(struct aml_ns *ns, struct aml_node *owner, unsigned *bdf)
{
	struct aml_node *parent = aml_node_parent(owner);
	uint64_t bbn = 0, adr;

	if (acpi_is_root_bridge(ns, owner)) {
		int_of(ns, owner, "_BBN", &bbn);
		*bdf = (unsigned)(bbn & 0xff) << 8;
		return 0;
	}
	if (!parent || !acpi_is_root_bridge(ns, parent) || int_of(ns, owner, "_ADR", &adr))
		return -ENOENT;	/* deeper bridges: their bus numbers live in config space, not in ACPI */
	if (adr >> 21 || (adr & 0xffff) > 7)
		return -ENOENT;	/* no single function (the <prt> element says so) */
	int_of(ns, parent, "_BBN", &bbn);
	*bdf = (unsigned)(bbn & 0xff) << 8 | (unsigned)((adr >> 16) & 0x1f) << 3 | (unsigned)(adr & 7);
	return 0;
}

struct emit {
	struct aml_ns	*ns;
	FILE		*out;
	int		xml;
	FILE		*err_log;
};

static void
emit_route(const struct prt_route *r, void *arg)
{
	struct emit *e = arg;
	struct aml_node *owner = aml_node_parent(r->prt);
	char bpath[256], lpath[256] = "";
	unsigned bdf = 0;
	int have_bdf = bridge_bdf(e->ns, owner, &bdf) == 0;

	aml_path(owner, bpath, sizeof bpath);
	if (r->link)
		aml_path(r->link, lpath, sizeof lpath);
	if (e->xml) {
		if (!r->ok) {
			fprintf(e->out, "  <!-- %s slot 0x%x pin %u: %s -->\n", bpath, r->address >> 16, r->pin, r->err);
			/* The same as data: the platform driver's intx view gives this reason (pci/acpi_info.c). */
			fprintf(e->out, "  <unrouted");
			if (have_bdf)
				fprintf(e->out, " bridge_bdf=\"0x%x\"", bdf);
			fprintf(e->out, " device=\"0x%x\" device_pin=\"0x%x\" bridge=\"%s\"", r->address >> 16, r->pin,
			    bpath);
			if (r->link)
				fprintf(e->out, " link=\"%s\"", lpath);
			fprintf(e->out, " reason=\"");
			for (const char *c = r->err; *c; c++)
				if (*c == '&' || *c == '<' || *c == '>' || *c == '"')
					fprintf(e->out, "&#%d;", *c);
				else
					fputc(*c, e->out);
			fprintf(e->out, "\"/>\n");
			return;
		}
		fprintf(e->out, "  <routing gsi=\"0x%x\"", r->gsi);
		if (have_bdf)
			fprintf(e->out, " bridge_bdf=\"0x%x\"", bdf);
		fprintf(e->out, " device=\"0x%x\" device_pin=\"0x%x\" mode=\"%s\" polarity=\"%s\" bridge=\"%s\"",
		    r->address >> 16, r->pin, r->level ? "level" : "edge", r->active_low ? "low" : "high", bpath);
		if (r->link)
			fprintf(e->out, " link=\"%s\"", lpath);
		fprintf(e->out, "/>\n");
		return;
	}
	fprintf(e->out, "%s ", bpath);
	if (have_bdf)
		fprintf(e->out, "%02x:%02x.%u ", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	else
		fprintf(e->out, "- ");
	fprintf(e->out, "0x%02x INT%c ", r->address >> 16, 'A' + (r->pin & 3));
	if (r->ok)
		fprintf(e->out, "%u %s %s%s%s\n", r->gsi, r->level ? "level" : "edge", r->active_low ? "low" : "high",
		    r->link ? " " : "", lpath);
	else
		fprintf(e->out, "unrouted %s%s%s\n", r->err, r->link ? " " : "", lpath);
}

int
report_routing_text(FILE *out, struct aml_ns *ns, FILE *err_log)
{
	struct emit e = { ns, out, 0, err_log };

	return prt_routes(ns, 1, emit_route, &e, err_log);
}

static void
root_bridges(struct aml_node *n, void *arg)
{
	struct emit *e = arg;
	unsigned seg, bus;
	char path[256], why[512];

	if (aml_node_type(n) != AML_DEVICE || !acpi_is_root_bridge(e->ns, n))
		return;
	aml_path(n, path, sizeof path);
	if (acpi_root_bridge_numbers(e->ns, n, &seg, &bus, why, sizeof why)) {
		/* Which buses it decodes is not known: left out rather than guessed. */
		fprintf(e->out, "  <!-- root bridge %s left out: %s -->\n", path, why);
		fprintf(e->err_log, "acpi: root bridge %s left out: %s\n", path, why);
		return;
	}
	fprintf(e->out, "  <root_bridge bdf=\"0x%x\" name=\"%s\" segment=\"%u\"/>\n", bus << 8, path, seg);
}

/* Text inside an attribute value: an interpreter message may quote AML strings. */
static void
attr_text(FILE *out, const char *s)
{
	for (; *s; s++)
		if (*s == '"')
			fputs("&quot;", out);
		else if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '&')
			fputs("&amp;", out);
		else
			fputc(*s, out);
}

/*
 * One <prt> per _PRT: which device it belongs to, and where that device
 * is: the root bridge above it (segment, bus) and the _ADR of every device
 * from there down. The platform driver follows the chain through config
 * space to the bus the _PRT routes (a root bridge's own _PRT: no <adr>).
 */
static void
prt_chains(struct aml_node *n, void *arg)
{
	struct emit *e = arg;
	uint32_t name = aml_node_name(n);
	struct aml_node *dev = aml_node_parent(n);
	struct prt_chain c;
	char path[256], root[256], why[512];

	if (memcmp(&name, "_PRT", 4) || !dev)
		return;
	aml_path(dev, path, sizeof path);
	if (prt_chain(e->ns, dev, &c, why, sizeof why)) {
		fprintf(e->out, "  <prt bridge=\"%s\" error=\"", path);
		attr_text(e->out, why);
		fprintf(e->out, "\"/>\n");
		fprintf(e->err_log, "acpi: %s._PRT not used: %s\n", path, why);
		return;
	}
	fprintf(e->out, "  <prt bridge=\"%s\" root=\"%s\" segment=\"%u\" bus=\"0x%x\"%s\n", path,
	    aml_path(c.root, root, sizeof root), c.seg, c.bus, c.n ? ">" : "/>");
	for (unsigned i = 0; i < c.n; i++)
		fprintf(e->out, "    <adr device=\"%s\" value=\"0x%x\"/>\n", aml_path(c.dev[i], path, sizeof path),
		    c.adr[i]);
	if (c.n)
		fprintf(e->out, "  </prt>\n");
}

static struct {
	char		name[5];
	uint64_t	addr;
	uint32_t	size;
} tables[REPORT_TABLES_MAX];
static unsigned ntables;

void
report_table(const char *sig, uint64_t addr, uint32_t size)
{
	for (unsigned i = 0; i < ntables; i++)
		if (tables[i].addr == addr)
			return;
	if (ntables == REPORT_TABLES_MAX)
		return;
	memcpy(tables[ntables].name, sig, 4);
	tables[ntables].name[4] = 0;
	tables[ntables].addr = addr;
	tables[ntables].size = size;
	ntables++;
}

int
report_xml(FILE *out, const struct acpi_info *ai, struct aml_ns *ns, FILE *err_log)
{
	struct emit e = { ns, out, 1, err_log };
	int errors = 0;

	fprintf(out, "<acpi>\n");
	if (ai->have_fadt) {
		fprintf(out, "  <sci_int irq=\"%u\"/>\n", ai->sci_int);
		if (ai->reset_supported && ai->reset_space == 1)
			fprintf(out, "  <reset io_port=\"0x%llx\" value=\"%u\"/>\n",
			    (unsigned long long)ai->reset_addr, ai->reset_value);
	}
	if (ai->have_dmar)
		fprintf(out, "  <dmar intr_remap=\"%s\" host_address_width=\"%u\"/>\n",
		    ai->dmar_flags & 1 ? "true" : "false", ai->dmar_haw);
	if (ns)
		aml_walk(ns, root_bridges, &e);
	/* Genode's <table>: every table read, by signature, physical address and length (decimal). */
	for (unsigned i = 0; i < ntables; i++)
		fprintf(out, "  <table name=\"%.4s\" addr=\"0x%llx\" size=\"%u\"/>\n", tables[i].name,
		    (unsigned long long)tables[i].addr, tables[i].size);
	/* base: the MCFG entry's base address, i.e. where bus 0 would be, as Genode's acpi writes it. */
	for (unsigned i = 0; i < ai->nmcfg; i++)
		fprintf(out, "  <bdf start=\"%u\" count=\"%u\" base=\"0x%llx\" segment=\"%u\"/>\n",
		    ai->mcfg[i].bus_start * 256u,
		    (ai->mcfg[i].bus_end - ai->mcfg[i].bus_start + 1u) * 256u,
		    (unsigned long long)ai->mcfg[i].base,
		    ai->mcfg[i].segment);
	for (unsigned i = 0; i < ai->niso; i++)
		fprintf(out, "  <irq_override irq=\"%u\" gsi=\"%u\" flags=\"0x%x\"/>\n",
		    ai->iso[i].irq, ai->iso[i].gsi, ai->iso[i].flags);
	for (unsigned i = 0; i < ai->nnmi_source; i++)
		fprintf(out, "  <nmi gsi=\"%u\" flags=\"0x%x\"/>\n", ai->nmi_source[i].gsi, ai->nmi_source[i].flags);
	for (unsigned i = 0; i < ai->nlapic_nmi; i++)
		fprintf(out, "  <lapic_nmi processor_uid=\"%u\" lint=\"%u\" flags=\"0x%x\"/>\n",
		    ai->lapic_nmi[i].uid, ai->lapic_nmi[i].lint, ai->lapic_nmi[i].flags);
	for (unsigned i = 0; i < ai->nioapic; i++)
		fprintf(out, "  <ioapic id=\"%u\" base_irq=\"%u\" addr=\"0x%x\"/>\n",
		    ai->ioapic[i].id, ai->ioapic[i].gsi_base, ai->ioapic[i].addr);
	for (unsigned i = 0; i < ai->ndmar; i++) {
		const struct dmar_unit *u = &ai->dmar[i];

		if (u->rmrr)
			fprintf(out, "  <rmrr start=\"0x%llx\" end=\"0x%llx\">\n",
			    (unsigned long long)u->base, (unsigned long long)u->limit);
		else
			fprintf(out, "  <drhd phys=\"0x%llx\" flags=\"0x%x\" segment=\"0x%x\" size=\"0x%llx\">\n",
			    (unsigned long long)u->base, u->flags, u->segment, 0x1000ull << u->size_log2);
		for (unsigned s = 0; s < u->nscope; s++) {
			fprintf(out, "    <scope bus_start=\"%u\" id=\"%u\" type=\"%u\">", u->scope[s].bus, u->scope[s].id,
			    u->scope[s].type);
			for (unsigned p = 0; p < u->scope[s].npath; p++)
				fprintf(out, " <path dev=\"0x%x\" func=\"0x%x\"/>", u->scope[s].path[p][0],
				    u->scope[s].path[p][1]);
			fprintf(out, " </scope>\n");
		}
		fprintf(out, "  </%s>\n", u->rmrr ? "rmrr" : "drhd");
	}
	if (ai->have_hpet)
		fprintf(out, "  <hpet base=\"0x%llx\" number=\"%u\"/>\n", (unsigned long long)ai->hpet_base,
		    ai->hpet_number);
	if (ns) {
		errors = prt_routes(ns, 1, emit_route, &e, err_log);
		aml_walk(ns, prt_chains, &e);
	}
	fprintf(out, "</acpi>\n");
	return errors;
}
