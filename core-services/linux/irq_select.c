/*
 * Which mechanism serves an IRQ request (irq_select.h): per function, from
 * <irq backend=...> and what the machine has. The choice and its reason
 * are logged once per function and kind (INTx / MSI).
 *
 * auto: VFIO wherever an IOMMU translates the function and vfio-pci is
 * loaded (the client then acks without core, and MSI works); otherwise UIO
 * for INTx. MSI without VFIO is refused: Debian's kernel has no VFIO
 * no-IOMMU mode and uio_pci_generic has no MSI (docs/irq.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../core.h"
#include "../irq_select.h"

#define LOGGED_MAX 64

static unsigned logged[LOGGED_MAX];	/* bdf << 2 | msi << 1 | vfio, + 1 */

/* Once per function, kind (INTx or MSI) and mechanism: a policy may move a function between them. */
static void
log_once(unsigned bdf, int msi, const char *fmt, const char *be, const char *reason)
{
	unsigned key = (bdf << 2 | (unsigned)!!msi << 1 | (unsigned)(be == irq_vfio.name)) + 1;

	for (unsigned i = 0; i < LOGGED_MAX; i++) {
		if (logged[i] == key)
			return;
		if (!logged[i]) {
			logged[i] = key;
			break;
		}
	}
	core_log(fmt, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, be, reason);
}

static const char *const kinds[] = { "INTx", "MSI", "MSI-X" };

const struct irq_backend *
irq_select(const char *config_backend, const struct irq_request *rq, char *why, size_t whylen)
{
	unsigned b = rq->bdf;
	int msi = rq->type != IRQ_TYPE_LEGACY;
	char vfio_why[192];

	if (!strcmp(config_backend, "sim")) {
		if (msi && !irq_sim.attach_request) {
			snprintf(why, whylen, "the sim back end has no %s", kinds[rq->type]);
			return NULL;
		}
		return &irq_sim;
	}
	if (!strcmp(config_backend, "linux-uio")) {
		if (msi) {
			snprintf(why, whylen, "%s of %02x:%02x.%u refused: backend=\"linux-uio\" in the config, and "
			    "uio_pci_generic delivers INTx only", kinds[rq->type], b >> 8, (b >> 3) & 0x1f, b & 7);
			return NULL;
		}
		log_once(b, 0, "IRQ: %02x:%02x.%u INTx through %s: %s", irq_uio.name, "backend=\"linux-uio\" in the config");
		return &irq_uio;
	}
	if (irq_vfio.available(b, vfio_why, sizeof vfio_why)) {
		log_once(b, msi, msi ? "IRQ: %02x:%02x.%u MSI/MSI-X through %s: %s"
		    : "IRQ: %02x:%02x.%u INTx through %s: %s", irq_vfio.name, vfio_why);
		return &irq_vfio;
	}
	if (!strcmp(config_backend, "linux-vfio")) {
		snprintf(why, whylen, "%s of %02x:%02x.%u refused: backend=\"linux-vfio\" in the config, but %s",
		    kinds[rq->type], b >> 8, (b >> 3) & 0x1f, b & 7, vfio_why);
		return NULL;
	}
	if (msi) {
		snprintf(why, whylen, "%s of %02x:%02x.%u refused: MSI needs VFIO, and %s. This kernel has no VFIO "
		    "no-IOMMU mode and uio_pci_generic has no MSI, so without an IOMMU a user-level driver gets "
		    "INTx only: ask for irq_type=0, or turn the IOMMU on (docs/irq.md)",
		    kinds[rq->type], b >> 8, (b >> 3) & 0x1f, b & 7, vfio_why);
		return NULL;
	}
	log_once(b, 0, "IRQ: %02x:%02x.%u INTx through %s: VFIO not usable (%s)", irq_uio.name, vfio_why);
	return &irq_uio;
}
