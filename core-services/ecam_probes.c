/*
 * Sizing-probe answers for read-only copies of ECAM. An enumerator that
 * only reads config space still sizes BARs the PCI way: write all ones,
 * read back the size mask, write the address back (Genode's pci_decode
 * does, in Pci::Config::Base_address). In a copy that write reaches
 * nothing, so core hands the answers out next to the copy: what each BAR
 * register reads after the probe, computed from the sizes Linux found
 * (the backend's resources), the type bits kept from the register itself.
 * A client's base platform uses them (base/genode/ecam_probe.cc).
 */
#include <string.h>

#include "ecam_probes.h"

static const struct pci_res *
find(const struct pci_res *res, int n, unsigned bdf, unsigned bar)
{
	for (int i = 0; i < n; i++)
		if (res[i].bdf == bdf && res[i].bar == bar)
			return &res[i];
	return NULL;
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* The BARs of one function's page: cfg its copy, out its answers. */
static void
function_answers(const struct pci_res *res, int n, unsigned bdf, const uint8_t *cfg, uint8_t *out)
{
	unsigned type = cfg[0x0e] & 0x7f, nbars = type == 0 ? 6 : type == 1 ? 2 : 0;
	unsigned rom = type == 0 ? 0x30 : 0x38;
	const struct pci_res *r;
	uint32_t v;

	for (unsigned i = 0; i < nbars; i++) {
		uint32_t orig = get32(cfg + 0x10 + 4 * i);
		uint64_t mask;

		if (!(r = find(res, n, bdf, i)) || !r->size)
			continue;	/* not implemented: reads 0 after the probe */
		mask = ~(r->size - 1);
		v = (uint32_t)mask & (orig & 1 ? ~3u : ~0xfu);
		v |= orig & (orig & 1 ? 3u : 0xfu);
		memcpy(out + 0x10 + 4 * i, &v, 4);
		if (!(orig & 1) && ((orig >> 1) & 3) == 2 && i + 1 < nbars) {
			v = (uint32_t)(mask >> 32);	/* the upper half of a 64-bit BAR */
			memcpy(out + 0x10 + 4 * ++i, &v, 4);
		}
	}
	if (nbars && (r = find(res, n, bdf, 6)) && r->size) {
		v = ((uint32_t)~(r->size - 1) & 0xfffff800u) | (get32(cfg + rom) & 1);
		memcpy(out + rom, &v, 4);
	}
}

void
ecam_probe_answers(const struct pci_res *res, int n, const uint8_t *copy, uint8_t *ans, uint64_t len, unsigned bdf0)
{
	for (uint64_t off = 0; off + 4096 <= len; off += 4096)
		if (get32(copy + off) != 0xffffffffu)
			function_answers(res, n, bdf0 + (unsigned)(off >> 12), copy + off, ans + off);
}
