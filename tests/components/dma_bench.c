/*
 * dma_bench: the cost of a DMA buffer through core's DMA session: alloc
 * (core: hugetlb memfd, fault-in, pagemap, contiguity and mask checks,
 * charge) + map in the client + free, per round; make bench compares it
 * with a plain root process doing the hugetlb part (raw_hugetlb).
 *   <config pci="00:03.0" rounds="200"/>
 */
#include <stdio.h>
#include <string.h>

#include <mkx/bench.h>
#include <mkx/dma.h>
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rom.h>

int
main(void)
{
	struct mkx_dma_buffer b;
	struct mkx_dma dma;
	struct mkx_rom rom;
	struct mkx_xml *cfg;
	unsigned long rounds = 200;
	char why[512], pci[16] = "00:03.0";
	double t0, t1, t_alloc = 0, t_touch = 0, t_free = 0;

	if (mkx_env_init())
		return 1;
	if ((cfg = mkx_config(&rom))) {
		if (mkx_xml_attr(cfg, "pci"))
			snprintf(pci, sizeof pci, "%s", mkx_xml_attr(cfg, "pci"));
		mkx_xml_attr_ulong(cfg, "rounds", 200, &rounds);
	}
	if (mkx_dma_open(&dma, pci, why, sizeof why)) {
		mkx_error("DMA session for %s: %s", pci, why);
		mkx_exit(1);
	}
	t0 = mkx_now();
	for (unsigned long i = 0; i < rounds; i++) {
		t1 = mkx_now();
		if (mkx_dma_alloc(&dma, 4096, &b, why, sizeof why)) {
			mkx_error("round %lu: %s", i, why);
			mkx_exit(1);
		}
		t_alloc += mkx_now() - t1;
		t1 = mkx_now();
		*(volatile char *)b.va = 1;
		t_touch += mkx_now() - t1;
		t1 = mkx_now();
		if (mkx_dma_free(&dma, &b, why, sizeof why)) {
			mkx_error("round %lu: free: %s", i, why);
			mkx_exit(1);
		}
		t_free += mkx_now() - t1;
	}
	mkx_log("dma_bench: per round: alloc (core + the client's mmap) %.1f us, first touch %.1f us, free %.1f us",
	    t_alloc / rounds * 1e6, t_touch / rounds * 1e6, t_free / rounds * 1e6);
	mkx_log("bench: dma alloc+free session %.1f us (%lu rounds, %s)", (mkx_now() - t0) / rounds * 1e6, rounds,
	    dma.info.iommu ? "IOVA" : "physical");
	mkx_dma_close(&dma);
	mkx_exit(0);
}
