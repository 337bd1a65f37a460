/*
 * DMA through the IOMMU with VFIO type1: a buffer's memory (core's own
 * mapping of the hugetlb memfd) is mapped at an IOVA core chose into the
 * container of the function's IOMMU group, the one the IRQ back end uses
 * (linux/vfio_group.c: a group is in one container, counted users). The
 * container is the session's IOMMU domain: the one its owner named with
 * domain=<n> (shared with the owner's other sessions of that domain), or
 * one of the function's own. The kernel pins the pages while they are
 * mapped. A device reaches the buffers of its domain and nothing else: an
 * address never mapped there faults in the IOMMU (the kernel logs a DMAR
 * fault) instead of reaching memory.
 *
 * RMRRs (linux/dmar_rmrr.c): memory the firmware reaches by DMA through a
 * function (USB legacy emulation, the IGD's stolen memory) must stay
 * identity-mapped in the function's domain (VT-d), read-write. Linux maps
 * them only into its own default domain; a VFIO container is a new one,
 * so core maps each RMRR that names the function at IOVA = physical
 * (through a /dev/mem mapping: type1 takes any mapping of the process as
 * the source; one that fails is logged), and refuses a buffer whose IOVA
 * would fall on one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>

#include <fcntl.h>
#include <libgen.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../core.h"
#include "../dma_backend.h"
#include "../irq_backend.h"
#include "dmar_rmrr.h"
#include "vfio_group.h"
#include "write_file.h"

#define RMRR_MAX	8

/* One session's hold on its domain: its function's group, which is in the domain's container. */
struct vfio_domain {
	struct vfio_group	*group;		/* vfio_group.c's, shared with IRQ sessions */
	int			container;
	struct rmrr_range	rmrr[RMRR_MAX];	/* the function's RMRRs, identity-mapped in the container */
	unsigned		nrmrr;
};

static int
vfio_translated(unsigned bdf, char *why, size_t whylen)
{
	return irq_vfio.available(bdf, why, whylen);
}

/*
 * The group's device node (/dev/vfio/N) exists only while a function of
 * it is bound to vfio-pci: bind it as the IRQ back end does, unless it is
 * already. It stays bound after the session (unbinding while an IRQ
 * session holds the VFIO device would wait for that session in the
 * kernel); vfio-pci keeps Linux's own drivers off it meanwhile.
 */
static int
bind_vfio_pci(unsigned bdf, char *why, size_t whylen)
{
	char name[24], path[128], drv[256];
	ssize_t n;
	int err;

	snprintf(name, sizeof name, "0000:%02x:%02x.%u", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/driver", name);
	n = readlink(path, drv, sizeof drv - 1);
	drv[n > 0 ? n : 0] = 0;
	if (n > 0 && !strcmp(basename(drv), "vfio-pci"))
		return 0;
	if (n > 0) {
		snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/driver/unbind", name);
		write_file(path, name);
	}
	snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/driver_override", name);
	if ((err = write_file(path, "vfio-pci")) || (err = write_file("/sys/bus/pci/drivers_probe", name))) {
		snprintf(why, whylen, "binding %s to vfio-pci failed (%s)", name, strerror(-err));
		return err;
	}
	return 0;
}

/* One RMRR at IOVA = physical, read-write; already there (a domain shared with another function): fine. */
static int
rmrr_map(int container, const struct rmrr_range *r, char *why, size_t whylen)
{
	uint64_t size = r->end - r->base + 1;
	int fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC), err = 0;
	void *va = fd < 0 ? MAP_FAILED : mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)r->base);
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof map, .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va, .iova = r->base, .size = size,
	};

	if (va == MAP_FAILED)
		err = -errno;
	else if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map) && errno != EEXIST)
		err = -errno;
	if (err)
		snprintf(why, whylen, "RMRR 0x%llx-0x%llx not identity-mapped: %s", (unsigned long long)r->base,
		    (unsigned long long)r->end, strerror(-err));
	if (va != MAP_FAILED)
		munmap(va, size);	/* type1 holds the pages' frames now */
	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * The function's RMRRs into its container. One that cannot be mapped is
 * logged, not fatal: the driver's own DMA works; only the firmware's DMA
 * there faults, as it does under Linux's own VFIO (which maps none).
 */
static void
rmrr_identity(struct vfio_domain *d, unsigned bdf)
{
	char why[160];
	unsigned multi;
	int n = dmar_rmrr_for(bdf, d->rmrr, RMRR_MAX, &multi);

	if (n < 0 || n > RMRR_MAX)
		core_log("DMA %02x:%02x.%u: RMRRs not identity-mapped: %s", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7,
		    n < 0 ? "the DMAR table is malformed" : "more RMRRs name it than core keeps");
	if (multi)
		core_log("DMA %02x:%02x.%u: %u RMRR scopes behind bridges not followed (only bus-local paths)", bdf >> 8,
		    (bdf >> 3) & 0x1f, bdf & 7, multi);
	d->nrmrr = n < 0 ? 0 : n > RMRR_MAX ? RMRR_MAX : (unsigned)n;
	for (unsigned i = 0; i < d->nrmrr; i++)
		if (rmrr_map(d->container, &d->rmrr[i], why, sizeof why))
			core_log("DMA %02x:%02x.%u: %s", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, why);
		else
			core_log("DMA %02x:%02x.%u: RMRR 0x%llx-0x%llx identity-mapped in its IOMMU domain", bdf >> 8,
			    (bdf >> 3) & 0x1f, bdf & 7, (unsigned long long)d->rmrr[i].base,
			    (unsigned long long)d->rmrr[i].end);
}

static int
vfio_domain_get(unsigned bdf, const void *owner, long domain, void **dom, char *why, size_t whylen)
{
	struct vfio_domain *d = calloc(1, sizeof *d);
	int err;

	if (!d)
		return -ENOMEM;
	if ((err = bind_vfio_pci(bdf, why, whylen))) {
		free(d);
		return err;
	}
	if ((err = vfio_iommu_group(bdf)) < 0 ||
	    !(d->group = vfio_group_get(err, owner, domain < 0 ? VFIO_NO_DOMAIN : domain, why, whylen))) {
		if (err < 0)
			snprintf(why, whylen, "no IOMMU group for this function");
		free(d);
		return -ENODEV;
	}
	d->container = d->group->c->fd;
	rmrr_identity(d, bdf);
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

/* The container: sessions whose domains have the same one share its IOVAs. */
static const void *
vfio_space(void *dom)
{
	return ((struct vfio_domain *)dom)->group->c;
}

static int
vfio_map(void *dom, const struct dma_mem *m, uint64_t iova, char *why, size_t whylen)
{
	struct vfio_domain *d = dom;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof map, .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)m->map, .iova = iova, .size = m->size,
	};

	for (unsigned i = 0; i < d->nrmrr; i++)
		if (iova <= d->rmrr[i].end && d->rmrr[i].base < iova + m->size) {
			snprintf(why, whylen, "IOVA 0x%llx+0x%zx falls on the RMRR 0x%llx-0x%llx, identity-mapped for the "
			    "firmware", (unsigned long long)iova, (size_t)m->size, (unsigned long long)d->rmrr[i].base,
			    (unsigned long long)d->rmrr[i].end);
			return -EADDRINUSE;
		}
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
	.domain_put = vfio_domain_put, .space = vfio_space, .map = vfio_map, .unmap = vfio_unmap,
};
