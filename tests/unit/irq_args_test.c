/*
 * The IRQ session's arguments (core-services/irq_args.c): Genode's
 * irq_number/irq_type/irq_trigger/irq_polarity/device_config_phys/bdf and
 * our pci=/vector=, each refused with a reason naming it when wrong.
 */
#include <errno.h>
#include <string.h>

#include "../../core-services/irq_args.h"
#include "harness.h"

static struct irq_args a;
static char why[256];

TEST(irq_args_pci_alone_is_legacy_intx)
{
	CHECK_INT(irq_args_parse("ram_quota=6K, pci=\"00:03.0\"", &a, why, sizeof why), 0);
	CHECK_INT(a.has_pci, 1);
	CHECK_INT(a.pci_bdf, 0x18);
	CHECK_INT(a.type, IRQ_TYPE_LEGACY);
	CHECK_INT(a.vector, 0);
	CHECK_INT(a.rid, IRQ_BDF_NONE);
}

TEST(irq_args_genode_msi_by_device_config_phys)
{
	CHECK_INT(irq_args_parse("irq_number=1, device_config_phys=0xb0020000, bdf=0x20, irq_type=1", &a, why,
	    sizeof why), 0);
	CHECK_INT(a.type, IRQ_TYPE_MSI);
	CHECK_INT(a.has_config_phys, 1);
	CHECK(a.config_phys == 0xb0020000ull);
	CHECK_INT(a.rid, 0x20);
	CHECK_INT(a.number, 1);
}

TEST(irq_args_genode_legacy_trigger_polarity_taken)
{
	CHECK_INT(irq_args_parse("irq_number=23, irq_trigger=1, irq_polarity=2, irq_type=0, bdf=0x18", &a, why,
	    sizeof why), 0);
	CHECK_INT(a.trigger, 1);
	CHECK_INT(a.polarity, 2);
	CHECK_INT(a.has_number, 1);
	CHECK_INT(a.number, 23);
}

TEST(irq_args_msix_vector)
{
	CHECK_INT(irq_args_parse("irq_type=2, pci=\"00:02.0\", vector=3", &a, why, sizeof why), 0);
	CHECK_INT(a.type, IRQ_TYPE_MSIX);
	CHECK_INT(a.vector, 3);
}

/* domain=: the owner's IOMMU domain the function's group is to be in (VFIO); absent by default. */
TEST(irq_args_domain)
{
	CHECK_INT(irq_args_parse("irq_type=1, pci=\"00:02.0\"", &a, why, sizeof why), 0);
	CHECK_INT(a.has_domain, 0);
	CHECK_INT(irq_args_parse("irq_type=1, pci=\"00:02.0\", domain=4294967295", &a, why, sizeof why), 0);
	CHECK_INT(a.has_domain, 1);
	CHECK(a.domain == 4294967295u);
}

TEST(irq_args_bad_values_refused_naming_the_argument)
{
	static const struct { const char *args, *says; } bad[] = {
		{ "irq_type=3, pci=\"00:03.0\"", "irq_type must be a number up to 2" },
		{ "irq_type=x, pci=\"00:03.0\"", "irq_type" },
		{ "irq_trigger=7, pci=\"00:03.0\"", "irq_trigger" },
		{ "irq_polarity=3, pci=\"00:03.0\"", "irq_polarity" },
		{ "pci=\"00:03\"", "pci=\"00:03\" is not BB:DD.F" },
		{ "pci=\"00:20.0\"", "is not BB:DD.F" },
		{ "bdf=0x10001", "bdf must be a number up to 65536" },
		{ "irq_type=1, device_config_phys=0xb0020010", "not the start of a 4 KiB ECAM page" },
		{ "vector=1, pci=\"00:03.0\"", "vector=1 needs irq_type=2" },
		{ "irq_type=1, vector=1, pci=\"00:03.0\"", "vector=1 needs irq_type=2" },
		{ "pci=\"00:03.0\", bdf=0x20", "name different functions" },
		{ "ram_quota=6K", "needs pci=" },
		{ "irq_type=1, irq_number=5", "MSI/MSI-X needs the function" },
		{ "irq_type=2, irq_number=5, bdf=0x10000", "MSI/MSI-X needs the function" },
		{ "pci=\"00:03.0\", domain=4294967296", "domain must be a number up to 4294967295" },
		{ "pci=\"00:03.0\", domain=-1", "domain" },
	};

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = 0;
		if (irq_args_parse(bad[i].args, &a, why, sizeof why) != -EINVAL)
			harness_fail(__FILE__, __LINE__, "{%s} was not refused", bad[i].args);
		if (!strstr(why, bad[i].says))
			harness_fail(__FILE__, __LINE__, "{%s}: \"%s\" does not say \"%s\"", bad[i].args, why, bad[i].says);
	}
}

TEST(irq_args_gsi_alone_parses_for_legacy)
{
	CHECK_INT(irq_args_parse("irq_number=22", &a, why, sizeof why), 0);
	CHECK_INT(a.has_number, 1);
	CHECK_INT(a.has_pci, 0);
	CHECK_INT(a.has_config_phys, 0);
}
