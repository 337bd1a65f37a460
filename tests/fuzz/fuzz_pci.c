/*
 * libFuzzer target for the platform driver's enumeration (pci/): config
 * space contents are the device's to choose, so every byte of them is
 * input here. Modes (first byte):
 *   0  the rest is lspci -xxxx text (the dump parser, then the walk)
 *   1  records of 2 + 256 bytes: bus, devfn, then a function's header space
 *   2  records of 2 + 4096 bytes: the same with the extended space
 * Each function's BARs get sizes from its own bytes 0xc0-0xd7 (so sizing
 * sees odd masks), no larger than the BAR's alignment (as in hardware). Beyond "no crash, leak or timeout": the walk must
 * leave the config space as it found it (BAR probes restore everything),
 * and every capability it records must lie where a capability may lie.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../pci/acpi_info.h"
#include "../../pci/devices_xml.h"
#include "../../pci/pci.h"
#include "../../pci/route.h"
#include "../../pci/sim.h"
#include "../../pci/views.h"

static void
records(struct pci_sim *sim, const uint8_t *d, size_t n, size_t len)
{
	while (n >= 2 + len) {
		struct pci_addr a = { 0, d[0], d[1] >> 3, d[1] & 7 };
		struct pci_sim_fn *f = pci_sim_add(sim, a, d + 2, len);

		if (f) {
			f->space = len > 256 ? 4096 : 256;
			for (unsigned b = 0; b < 6; b++) {
				uint32_t s;

				uint32_t v, low;

				memcpy(&s, d + 2 + 0xc0 + 4 * b, 4);
				memcpy(&v, f->cfg + 0x10 + 4 * b, 4);
				f->bar_size[b] = s ? 1ull << (s % 40) : 0;
				/* Hardware keeps a BAR aligned to its size: no larger than its lowest address bit. */
				low = v & (v & 1 ? 0xfffffffcu : 0xfffffff0u);
				low &= -low;
				if (low && f->bar_size[b] > low)
					f->bar_size[b] = low;
			}
		}
		d += 2 + len;
		n -= 2 + len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pci_sim sim;
	static struct pci_tree t;
	static struct acpi_info ai;
	static uint8_t before[PCI_SIM_FNS_MAX][4096];
	const struct pci_cfg cfg = { &pci_cfg_sim, &sim };
	char err[256];
	FILE *null;

	if (size < 1)
		return 0;
	pci_sim_init(&sim);
	memset(&t, 0, sizeof t);
	if (data[0] == 0)
		pci_sim_load_dump(&sim, (const char *)data + 1, size - 1, err, sizeof err);
	else
		records(&sim, data + 1, size - 1, data[0] == 1 ? 256 : 4096);
	for (unsigned i = 0; i < sim.nfn; i++)
		memcpy(before[i], sim.fn[i].cfg, 4096);
	/* A second root bus and a _PRT on bus 0, so routing and root handling run too. */
	memset(&ai, 0, sizeof ai);
	ai.nroot = 2;
	ai.root[1].bus = size > 1 ? data[1] : 0x80;
	for (unsigned p = 0; p < 4; p++)
		ai.route[ai.nroute++] = (struct acpi_route){ 1, 0, 3, p, 16 + p, 1, 0, "\\_SB.PCI0" };
	/* The root bridge's <prt>, and a chain taken from the input, followed through whatever bridges it has. */
	ai.nprt = 2;
	snprintf(ai.prt[0].bridge, sizeof ai.prt[0].bridge, "\\_SB.PCI0");
	snprintf(ai.prt[1].bridge, sizeof ai.prt[1].bridge, "\\_SB.PCI0.RP01");
	for (unsigned k = 2; k + 1 < size && ai.prt[1].nadr < 3; k += 2)
		ai.prt[1].adr[ai.prt[1].nadr++] = (uint32_t)(data[k] & 0x1f) << 16 | (data[k + 1] & 7);
	for (unsigned p = 0; p < 4; p++)
		ai.route[ai.nroute++] = (struct acpi_route){ 0, 0, p, p, 20 + p, 1, 1, "\\_SB.PCI0.RP01" };
	pci_tree_add_root(&t, 0, 0, 255, "");
	pci_tree_add_root(&t, 0, ai.root[1].bus, 255, "");
	if (pci_enumerate(&t, &cfg) == 0) {
		pci_sort(&t);
		pci_route_all(&ai, &t);
		for (unsigned i = 0; i < t.nfn; i++) {
			const struct pci_fn *f = &t.fn[i];

			for (unsigned c = 0; c < f->ncap; c++)
				if (f->cap[c].off < 0x40 || f->cap[c].off > 0xfc)
					abort();
			for (unsigned c = 0; c < f->necap; c++)
				if (f->ecap[c].off < 0x100 || f->ecap[c].off > 0xffc)
					abort();
		}
		if ((null = fopen("/dev/null", "w"))) {
			pci_views(null, &t);
			pci_devices_xml(null, &t, NULL, NULL, 1, "");
			fclose(null);
		}
	}
	for (unsigned i = 0; i < sim.nfn; i++)
		if (memcmp(before[i], sim.fn[i].cfg, 4096))
			abort();	/* the walk changed config space it should have restored */
	pci_tree_free(&t);
	pci_sim_free(&sim);
	return 0;
}
