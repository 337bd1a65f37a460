/* See irq_args.h: the IRQ session's arguments, checked before core looks at the machine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mkx/args.h>
#include "core.h"
#include "irq_args.h"

/* A number argument: 0 if absent (*given 0), 0 with the value, or -EINVAL. */
static int
number(const char *args, const char *key, unsigned long max, unsigned long *v, int *given, char *why, size_t whylen)
{
	int rc = mkx_arg_ulong(args, key, v);

	*given = rc == 0;
	if (rc == -ENOENT)
		return 0;
	if (rc || *v > max) {
		snprintf(why, whylen, "IRQ session: %s must be a number up to %lu", key, max);
		return -EINVAL;
	}
	return 0;
}

int
irq_args_parse(const char *args, struct irq_args *a, char *why, size_t whylen)
{
	unsigned long v;
	char pci[32];
	int given, rc;

	memset(a, 0, sizeof *a);
	a->rid = IRQ_BDF_NONE;
	rc = mkx_arg_string(args, "pci", pci, sizeof pci);
	if (rc == 0) {
		if (config_parse_bdf(pci, &a->pci_bdf)) {
			snprintf(why, whylen, "IRQ session: pci=\"%s\" is not BB:DD.F", pci);
			return -EINVAL;
		}
		a->has_pci = 1;
	} else if (rc != -ENOENT) {
		snprintf(why, whylen, "IRQ session: pci= must be \"BB:DD.F\"");
		return -EINVAL;
	}
	if (number(args, "irq_type", 2, &v, &given, why, whylen))
		return -EINVAL;
	a->type = given ? (enum irq_type)v : IRQ_TYPE_LEGACY;
	if (number(args, "irq_trigger", 2, &v, &given, why, whylen))
		return -EINVAL;
	a->trigger = given ? (unsigned)v : 0;
	if (number(args, "irq_polarity", 2, &v, &given, why, whylen))
		return -EINVAL;
	a->polarity = given ? (unsigned)v : 0;
	if (number(args, "vector", 2047, &v, &given, why, whylen))
		return -EINVAL;
	a->vector = given ? (unsigned)v : 0;
	if (number(args, "domain", 0xffffffffUL, &v, &a->has_domain, why, whylen))
		return -EINVAL;
	a->domain = a->has_domain ? (unsigned)v : 0;
	if (number(args, "irq_number", 0xffffffffUL, &a->number, &a->has_number, why, whylen))
		return -EINVAL;
	if (number(args, "device_config_phys", ~0UL, &v, &a->has_config_phys, why, whylen))
		return -EINVAL;
	a->config_phys = v;
	if (number(args, "bdf", IRQ_BDF_NONE, &v, &given, why, whylen))
		return -EINVAL;
	if (given)
		a->rid = (unsigned)v;
	if (a->has_config_phys && (a->config_phys & 0xfff)) {
		snprintf(why, whylen, "IRQ session: device_config_phys=0x%llx is not the start of a 4 KiB ECAM page",
		    (unsigned long long)a->config_phys);
		return -EINVAL;
	}
	if (a->vector && a->type != IRQ_TYPE_MSIX) {
		snprintf(why, whylen, "IRQ session: vector=%u needs irq_type=2 (MSI-X); MSI and INTx have vector 0",
		    a->vector);
		return -EINVAL;
	}
	if (a->has_pci && a->rid != IRQ_BDF_NONE && a->rid != a->pci_bdf) {
		snprintf(why, whylen, "IRQ session: pci=\"%s\" and bdf=0x%x name different functions", pci, a->rid);
		return -EINVAL;
	}
	if (!a->has_pci && !a->has_config_phys && a->rid == IRQ_BDF_NONE &&
	    (a->type != IRQ_TYPE_LEGACY || !a->has_number)) {
		snprintf(why, whylen, a->type == IRQ_TYPE_LEGACY
		    ? "IRQ session needs pci=\"BB:DD.F\", device_config_phys/bdf, or irq_number (a GSI)"
		    : "IRQ session: MSI/MSI-X needs the function: device_config_phys (or bdf, or pci=\"BB:DD.F\")");
		return -EINVAL;
	}
	return 0;
}
