/*
 * The reference for the DMA allocation benchmark: what a root process on
 * Linux does for a DMA buffer without an IOMMU, plainly: a 2 MiB hugetlb
 * memfd, mapped and faulted in, its physical address from
 * /proc/self/pagemap, then unmapped and closed. bench_preinit runs it as
 * root before core; it reserves the huge pages it needs itself.
 *   raw_hugetlb 200     (rounds)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "raw_common.h"

#define HUGE (2ul << 20)

int
main(int argc, char **argv)
{
	unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 0) : 200;
	int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	FILE *nr = fopen("/proc/sys/vm/nr_hugepages", "w");
	uint64_t phys = 0;
	double t0;

	if (nr) {
		fputs("4", nr);
		fclose(nr);
	}
	t0 = now();
	for (unsigned long i = 0; i < rounds; i++) {
		int fd = memfd_create("raw-dma", MFD_HUGETLB | MFD_CLOEXEC);
		void *m;
		uint64_t e;

		if (fd < 0 || ftruncate(fd, HUGE) ||
		    (m = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0)) == MAP_FAILED) {
			printf("raw_hugetlb: round %lu: no huge page\n", i);
			return 1;
		}
		*(volatile uint8_t *)m = 0;
		if (pread(pagemap, &e, sizeof e, (off_t)((uintptr_t)m / 4096) * 8) == sizeof e)
			phys = (e & ((1ull << 55) - 1)) * 4096;
		munmap(m, HUGE);
		close(fd);
	}
	printf("bench: dma alloc+free raw hugetlb %.1f us (%lu rounds, last at 0x%llx)\n", (now() - t0) / rounds * 1e6,
	    rounds, (unsigned long long)phys);
	return 0;
}
