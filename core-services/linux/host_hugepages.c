/*
 * Host mode: vm.nr_hugepages, which core's DMA back end raises for
 * <dma huge_pages=> (dma_hugetlb.c). A host's own setting: host mode
 * records it before core starts and writes it back at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../host_mode.h"
#include "write_file.h"

int
host_hugepages_get(long *n)
{
	char path[PATH_MAX], buf[32] = "";
	FILE *f;

	if (host_path(path, sizeof path, "/proc/sys/vm/nr_hugepages") || !(f = fopen(path, "r")))
		return -errno;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = 0;
	fclose(f);
	*n = strtol(buf, NULL, 10);
	return buf[0] >= '0' && buf[0] <= '9' ? 0 : -EINVAL;
}

int
host_hugepages_set(long n)
{
	char path[PATH_MAX], buf[32];
	int err;

	if ((err = host_path(path, sizeof path, "/proc/sys/vm/nr_hugepages")))
		return err;
	snprintf(buf, sizeof buf, "%ld", n);
	return write_file(path, buf);
}
