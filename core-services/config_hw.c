/*
 * core's hardware policies: <io_port>, <io_mem>, <irq>, <dma> and
 * <pci_config>, each a list of <policy> nodes naming a session label and
 * the hardware it may reach. Read here; enforced by the service_*.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mkx/xml.h>
#include "config_parse.h"

/*
 * The label selector of a <policy> (128 bytes each in every policy struct):
 * label= or unscoped_label= (both compare the whole session label: core's
 * policies always see it whole) into label; label_prefix= into prefix;
 * label_suffix= and label_last= into prefix too, behind a marker byte that
 * label_matches() reads (LABEL_SEL_SUFFIX, LABEL_SEL_LAST). One selector per policy.
 */
int
config_policy_label(struct config_ctx *x, const struct mkx_xml *p, const char *service, char *label, char *prefix)
{
	static const struct { const char *attr; int to_label; char marker; } sel[] = {
		{ "label", 1, 0 }, { "unscoped_label", 1, 0 }, { "label_prefix", 0, 0 },
		{ "label_suffix", 0, LABEL_SEL_SUFFIX }, { "label_last", 0, LABEL_SEL_LAST },
	};
	const char *l = NULL, *attr = NULL;
	unsigned k = 0, n = 0;

	for (unsigned i = 0; i < sizeof sel / sizeof sel[0]; i++)
		if (mkx_xml_attr(p, sel[i].attr)) {
			l = mkx_xml_attr(p, sel[i].attr), attr = sel[i].attr, k = i;
			n++;
		}
	if (!l)
		return config_bad(x, p->line, "%s <policy> needs label, label_prefix, label_suffix, label_last "
		    "or unscoped_label", service);
	if (n > 1)
		return config_bad(x, p->line, "%s <policy>: give one label selector, not %u", service, n);
	/* Refused, not cut: a cut label_prefix would match more labels than it says. */
	if (strlen(l) >= (sel[k].marker ? 127 : 128))
		return config_bad(x, p->line, "%s <policy %s=\"%.20s...\">: longer than %d characters",
		    service, attr, l, sel[k].marker ? 126 : 127);
	if (strchr(l, LABEL_SEL_SUFFIX) || strchr(l, LABEL_SEL_LAST))
		return config_bad(x, p->line, "%s <policy %s>: control characters in a label", service, attr);
	if (sel[k].to_label)
		strcpy(label, l);
	else if (sel[k].marker)
		prefix[0] = sel[k].marker, strcpy(prefix + 1, l);
	else
		strcpy(prefix, l);
	return 0;
}

/*
 * The PCI function a <policy> names: pci="BB:DD.F" (*bdf), or
 * vendor_id= with device_id= (*bdf = -1). Returns 0, 1 if it names none,
 * or -EINVAL with the reason.
 */
static int
policy_function(struct config_ctx *x, const struct mkx_xml *p, int *bdf, unsigned *vendor, unsigned *device)
{
	const char *pci = mkx_xml_attr(p, "pci");
	unsigned long v;
	unsigned b;

	*bdf = -1;
	if (pci) {
		if (config_parse_bdf(pci, &b))
			return config_bad(x, p->line, "pci=\"%s\": expected BB:DD.F like 00:01.0", pci);
		*bdf = (int)b;
		return 0;
	}
	if (!mkx_xml_attr(p, "vendor_id"))
		return 1;
	if (mkx_xml_attr_ulong(p, "vendor_id", 0, &v) || v > 0xffff)
		return config_bad(x, p->line, "vendor_id must be a 16-bit number");
	*vendor = (unsigned)v;
	if (mkx_xml_attr_ulong(p, "device_id", 0, &v) || v > 0xffff)
		return config_bad(x, p->line, "with vendor_id, give a 16-bit device_id too");
	*device = (unsigned)v;
	return 0;
}

int
config_parse_bdf(const char *s, unsigned *bdf)
{
	unsigned b, d, f;
	char end;

	if (sscanf(s, "%x:%x.%x%c", &b, &d, &f, &end) != 3 || b > 255 || d > 31 || f > 7)
		return -EINVAL;
	*bdf = b << 8 | d << 3 | f;
	return 0;
}

int
config_parse_io_port(struct config_ctx *x, const struct mkx_xml *n)
{
	const char *be = mkx_xml_attr(n, "backend");

	if (be && strcmp(be, "auto") && strcmp(be, "linux-ioperm") && strcmp(be, "sim"))
		return config_bad(x, n->line, "<io_port backend=\"%s\">: known backends are auto, linux-ioperm, sim", be);
	snprintf(x->cfg->io_port_backend, sizeof x->cfg->io_port_backend, "%s", be ? be : "auto");
	x->cfg->io_port_line = n->line;
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct io_port_policy *pol;
		unsigned long base, size;
		int d;

		if (strcmp(p->name, "policy"))
			return config_bad(x, p->line, "unknown element <%s> inside <io_port>", p->name);
		if (x->cfg->nio_port == IO_PORT_POLICIES_MAX)
			return config_bad(x, p->line, "more than %d IO_PORT policies", IO_PORT_POLICIES_MAX);
		pol = &x->cfg->io_port[x->cfg->nio_port++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if (config_policy_label(x, p, "IO_PORT", pol->label, pol->label_prefix))
			return -EINVAL;
		if (mkx_xml_attr_ulong(p, "base", 0, &base) || mkx_xml_attr_ulong(p, "size", 0, &size))
			return config_bad(x, p->line, "IO_PORT <policy> needs numeric base and size");
		if (size == 0 || base > 0xffff || size > 0x10000 || base + size > 0x10000)
			return config_bad(x, p->line, "IO_PORT <policy> range 0x%lx+0x%lx is outside 0..0xffff",
			    base, size);
		d = mkx_xml_attr_bool(p, "direct", 0);
		if (d < 0)
			return config_bad(x, p->line, "direct=\"%s\": use yes or no", mkx_xml_attr(p, "direct"));
		if (d && base < 0xd00 && base + size > 0xcf8)
			return config_bad(x, p->line, "IO_PORT <policy>: direct access to 0xCF8-0xCFF is never granted "
			    "(the kernel uses that pair itself); drop direct=\"yes\", core then emulates it");
		pol->base = (unsigned)base;
		pol->size = (unsigned)size;
		pol->direct = d;
	}
	return 0;
}

/*
 * <pci_config>: config-space access per function (pci_config_policy.c).
 * <policy label=.. pci="all"|"BB:DD.F" | class="0x0300"|"VGA" |
 * vendor_id= device_id= [access="read"|"write"]/>; reads only by default.
 */
int
config_parse_pci_config(struct config_ctx *x, const struct mkx_xml *n)
{
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct pci_config_policy *pol;
		const char *pci, *cls, *acc;
		unsigned named;
		int fn;

		if (strcmp(p->name, "policy"))
			return config_bad(x, p->line, "unknown element <%s> inside <pci_config>", p->name);
		if (x->cfg->npci_config == PCI_CONFIG_POLICIES_MAX)
			return config_bad(x, p->line, "more than %d pci_config policies", PCI_CONFIG_POLICIES_MAX);
		pol = &x->cfg->pci_config[x->cfg->npci_config++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if (config_policy_label(x, p, "pci_config", pol->label, pol->label_prefix))
			return -EINVAL;
		pci = mkx_xml_attr(p, "pci");
		cls = mkx_xml_attr(p, "class");
		named = !!pci + !!cls + !!mkx_xml_attr(p, "vendor_id");
		if (named != 1)
			return config_bad(x, p->line, "pci_config <policy> names its functions one way: pci=\"all\", "
			    "pci=\"BB:DD.F\", class=, or vendor_id= with device_id=");
		if (pci && !strcmp(pci, "all"))
			pol->match = PCI_CONFIG_ALL;
		else if (cls) {
			pol->match = PCI_CONFIG_CLASS;
			if (pci_class_parse(cls, &pol->class, &pol->class_mask))
				return config_bad(x, p->line, "class=\"%s\": give 0xCC, 0xCCSS or 0xCCSSPP (hex) "
				    "or a name like VGA, ETHERNET, AHCI, NVME, USB", cls);
		} else {
			int bdf;

			fn = policy_function(x, p, &bdf, &pol->vendor, &pol->device);
			if (fn)
				return -EINVAL;
			pol->match = bdf >= 0 ? PCI_CONFIG_BDF : PCI_CONFIG_ID;
			pol->bdf = bdf >= 0 ? (unsigned)bdf : 0;
		}
		acc = mkx_xml_attr(p, "access");
		if (acc && strcmp(acc, "read") && strcmp(acc, "write"))
			return config_bad(x, p->line, "access=\"%s\": use read or write", acc);
		pol->write = acc && !strcmp(acc, "write");
		/* unbind="yes": core takes these functions from Linux's drivers for this label (linux/pci_unbind.c). */
		if ((pol->unbind = mkx_xml_attr_bool(p, "unbind", 0)) < 0)
			return config_bad(x, p->line, "pci_config <policy>: unbind takes yes or no");
	}
	return 0;
}

int
config_parse_io_mem(struct config_ctx *x, const struct mkx_xml *n)
{
	const char *be = mkx_xml_attr(n, "backend");

	if (be && strcmp(be, "auto") && strcmp(be, "linux-sysfs") && strcmp(be, "sim"))
		return config_bad(x, n->line, "<io_mem backend=\"%s\">: known backends are auto, linux-sysfs, sim", be);
	snprintf(x->cfg->io_mem_backend, sizeof x->cfg->io_mem_backend, "%s", be ? be : "auto");
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct io_mem_policy *pol;
		unsigned long v;
		int snap, trusted, fn, ecam, live;

		if (strcmp(p->name, "policy"))
			return config_bad(x, p->line, "unknown element <%s> inside <io_mem>", p->name);
		if (x->cfg->nio_mem == IO_MEM_POLICIES_MAX)
			return config_bad(x, p->line, "more than %d IO_MEM policies", IO_MEM_POLICIES_MAX);
		pol = &x->cfg->io_mem[x->cfg->nio_mem++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		pol->bar = -1;
		if (config_policy_label(x, p, "IO_MEM", pol->label, pol->label_prefix))
			return -EINVAL;
		snap = mkx_xml_attr_bool(p, "snapshot", 0);
		trusted = mkx_xml_attr_bool(p, "trusted", 0);
		live = mkx_xml_attr_bool(p, "live", 0);
		if (snap < 0 || trusted < 0 || live < 0)
			return config_bad(x, p->line, "IO_MEM <policy>: snapshot, trusted and live take yes or no");
		/* ecam="yes": the machine's MCFG windows (no base/size: the firmware names them). */
		if ((ecam = mkx_xml_attr_bool(p, "ecam", 0)) < 0)
			return config_bad(x, p->line, "IO_MEM <policy>: ecam takes yes or no");
		if (ecam) {
			if (snap || trusted || live || mkx_xml_attr(p, "base") || mkx_xml_attr(p, "size") ||
			    mkx_xml_attr(p, "pci") || mkx_xml_attr(p, "vendor_id"))
				return config_bad(x, p->line, "IO_MEM <policy ecam=\"yes\">: the MCFG windows only, "
				    "without base/size, pci=, snapshot or trusted");
			pol->kind = IO_MEM_ECAM;
			continue;
		}
		fn = policy_function(x, p, &pol->bdf, &pol->vendor, &pol->device);
		if (fn < 0)
			return fn;
		if (fn == 0) {
			if (snap || trusted || live)
				return config_bad(x, p->line, "IO_MEM <policy>: a PCI device policy cannot be snapshot, trusted or live");
			pol->kind = IO_MEM_PCI;
			if (mkx_xml_attr(p, "bar")) {
				if (mkx_xml_attr_ulong(p, "bar", 0, &v) || v > 6)
					return config_bad(x, p->line, "bar must be 0..5 (6: expansion ROM)");
				pol->bar = (int)v;
			}
			continue;
		}
		if (snap + trusted + live > 1)
			return config_bad(x, p->line, "IO_MEM <policy>: one of snapshot, trusted or live");
		if (!snap && !trusted && !live)
			return config_bad(x, p->line, "IO_MEM <policy> names a PCI device (pci= or vendor_id=/device_id=), "
			    "or a range with snapshot=\"yes\", trusted=\"yes\" or live=\"yes\"");
		pol->kind = snap ? IO_MEM_SNAPSHOT : trusted ? IO_MEM_TRUSTED : IO_MEM_LIVE;
		if (mkx_xml_attr_ulong(p, "base", 0, &v))
			return config_bad(x, p->line, "IO_MEM range <policy> needs a numeric base");
		pol->base = v;
		if (mkx_xml_attr_ulong(p, "size", 0, &v) || v == 0 || pol->base + v < pol->base)
			return config_bad(x, p->line, "IO_MEM range <policy> needs a non-zero numeric size");
		pol->size = v;
	}
	return 0;
}

int
config_parse_irq(struct config_ctx *x, const struct mkx_xml *n)
{
	const char *be = mkx_xml_attr(n, "backend");

	if (be && strcmp(be, "auto") && strcmp(be, "linux-uio") && strcmp(be, "linux-vfio") && strcmp(be, "sim"))
		return config_bad(x, n->line, "<irq backend=\"%s\">: known backends are auto, linux-uio, linux-vfio, sim", be);
	snprintf(x->cfg->irq_backend, sizeof x->cfg->irq_backend, "%s", be ? be : "auto");
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct irq_policy *pol;
		int fn;

		if (strcmp(p->name, "policy"))
			return config_bad(x, p->line, "unknown element <%s> inside <irq>", p->name);
		if (x->cfg->nirq == IRQ_POLICIES_MAX)
			return config_bad(x, p->line, "more than %d IRQ policies", IRQ_POLICIES_MAX);
		pol = &x->cfg->irq[x->cfg->nirq++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if (config_policy_label(x, p, "IRQ", pol->label, pol->label_prefix))
			return -EINVAL;
		fn = policy_function(x, p, &pol->bdf, &pol->vendor, &pol->device);
		if (fn < 0)
			return fn;
		if (fn)
			return config_bad(x, p->line, "IRQ <policy> names a function: pci=\"BB:DD.F\" or vendor_id/device_id");
		if (mkx_xml_attr(p, "backend")) {	/* the mechanism for this policy's functions (docs/irq.md) */
			const char *pb = mkx_xml_attr(p, "backend");

			if (strcmp(pb, "auto") && strcmp(pb, "linux-uio") && strcmp(pb, "linux-vfio"))
				return config_bad(x, p->line, "IRQ <policy backend=\"%s\">: known are auto, linux-uio, linux-vfio", pb);
			snprintf(pol->backend, sizeof pol->backend, "%s", pb);
		}
	}
	return 0;
}

/*
 * <dma backend="auto|linux|sim" huge_pages="N"> <policy label=... pci=... |
 * pci="all" | vendor_id= device_id= [dma_mask_bits="28"]/> </dma>: DMA buffers
 * (service_dma.c). huge_pages: how many 2 MiB pages core reserves at start.
 */
int
config_parse_dma(struct config_ctx *x, const struct mkx_xml *n)
{
	const char *be = mkx_xml_attr(n, "backend");
	unsigned long v;

	if (be && strcmp(be, "auto") && strcmp(be, "linux") && strcmp(be, "sim"))
		return config_bad(x, n->line, "<dma backend=\"%s\">: known backends are auto, linux, sim", be);
	snprintf(x->cfg->dma_backend, sizeof x->cfg->dma_backend, "%s", be ? be : "auto");
	if (mkx_xml_attr_ulong(n, "huge_pages", 0, &v) == -EINVAL || v > 4096)
		return config_bad(x, n->line, "<dma huge_pages=\"%s\">: a number of huge pages, at most 4096",
		    mkx_xml_attr(n, "huge_pages"));
	x->cfg->dma_huge_pages = v;
	for (struct mkx_xml *p = n->child; p; p = p->next) {
		struct dma_policy *pol;
		int fn;

		if (strcmp(p->name, "policy"))
			return config_bad(x, p->line, "unknown element <%s> inside <dma>", p->name);
		if (x->cfg->ndma == DMA_POLICIES_MAX)
			return config_bad(x, p->line, "more than %d DMA policies", DMA_POLICIES_MAX);
		pol = &x->cfg->dma[x->cfg->ndma++];
		memset(pol, 0, sizeof *pol);
		pol->line = p->line;
		if (config_policy_label(x, p, "DMA", pol->label, pol->label_prefix))
			return -EINVAL;
		/* pci="all": every function, for the platform driver that fronts DMA for its clients. */
		fn = mkx_xml_attr(p, "pci") && !strcmp(mkx_xml_attr(p, "pci"), "all") ? (pol->bdf = DMA_POLICY_ALL, 0)
		    : policy_function(x, p, &pol->bdf, &pol->vendor, &pol->device);
		if (fn < 0)
			return fn;
		if (fn)
			return config_bad(x, p->line, "DMA <policy> names a function: pci=\"BB:DD.F\" or vendor_id/device_id");
		if (mkx_xml_attr_ulong(p, "dma_mask_bits", 64, &v) == -EINVAL || v < 12 || v > 64)
			return config_bad(x, p->line, "dma_mask_bits must be 12..64");
		pol->mask_bits = (unsigned)v;
	}
	return 0;
}
