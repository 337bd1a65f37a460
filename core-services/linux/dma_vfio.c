/*
 * DMA through the IOMMU with VFIO type1: a buffer's memory (core's own
 * mapping of the hugetlb memfd) is mapped at an IOVA core chose into the
 * container of the function's IOMMU group, the one the IRQ back end uses
 * (linux/vfio_group.c: a group is in one container, counted users; the
 * mappings go when its last user puts it). The kernel pins the pages
 * while they are mapped. A device reaches its session's buffers and
 * nothing else: an address never mapped faults in the IOMMU (the kernel
 * logs a DMAR fault) instead of reaching memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>

#include "../dma_backend.h"
#include "../irq_backend.h"
#include "vfio_group.h"

struct vfio_domain {
	struct vfio_group	*group;		/* vfio_group.c's, shared with IRQ sessions */
	int			container;
};

static int
vfio_translated(unsigned bdf, char *why, size_t whylen)
{
	return irq_vfio.available(bdf, why, whylen);
}

static int
vfio_domain_get(unsigned bdf, void **dom, char *why, size_t whylen)
{
	struct vfio_domain *d = calloc(1, sizeof *d);
	int err;

	if (!d)
		return -ENOMEM;
	if ((err = vfio_iommu_group(bdf)) < 0 || !(d->group = vfio_group_get(err, why, whylen))) {
		if (err < 0)
			snprintf(why, whylen, "no IOMMU group for this function");
		free(d);
		return -ENODEV;
	}
	d->container = d->group->container;
	*dom = d;
	return 0;
}

static void
vfio_domain_put(void *dom)
{
	struct vfio_domain *d = dom;

	vfio_group_put(d->group);
	free(d);
}

static int
vfio_map(void *dom, const struct dma_mem *m, uint64_t iova, char *why, size_t whylen)
{
	struct vfio_domain *d = dom;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof map, .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)m->map, .iova = iova, .size = m->size,
	};

	if (ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map)) {
		snprintf(why, whylen, "VFIO_IOMMU_MAP_DMA at IOVA 0x%llx: %s", (unsigned long long)iova, strerror(errno));
		return -errno;
	}
	return 0;
}

static int
vfio_unmap(void *dom, const struct dma_mem *m, uint64_t iova)
{
	struct vfio_domain *d = dom;
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof unmap, .iova = iova, .size = m->size };

	return ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &unmap) ? -errno : 0;
}

const struct dma_iommu_ops dma_vfio = {
	.name = "vfio", .translated = vfio_translated, .domain_get = vfio_domain_get,
	.domain_put = vfio_domain_put, .map = vfio_map, .unmap = vfio_unmap,
};
