/*
 * VFIO groups and containers (vfio_group.c): the IOMMU side of VFIO that
 * the IRQ back end (irq_vfio.c) and the DMA mechanism share. A group is
 * opened once, put in a type1v2 container of its own, and counted.
 */
#ifndef LINUX_VFIO_GROUP_H
#define LINUX_VFIO_GROUP_H

#include <stddef.h>

struct vfio_group {
	int		num;		/* /dev/vfio/N */
	int		fd;		/* the group */
	int		container;	/* its type1v2 container: DMA maps go here */
	unsigned	users;
};

/* Function bdf's IOMMU group number, or -ENODEV when no IOMMU translates it. */
int	vfio_iommu_group(unsigned bdf);

/*
 * The group's fd in its container (opened and set up at the first get),
 * or NULL with why (not viable: another function of the group is bound
 * to a Linux driver). Every get needs a put.
 */
struct vfio_group *vfio_group_get(int num, char *why, size_t whylen);
void	vfio_group_put(struct vfio_group *);

#endif
