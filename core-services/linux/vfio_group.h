/*
 * VFIO groups and containers (vfio_group.c): the IOMMU side of VFIO that
 * the IRQ back end (irq_vfio.c) and the DMA mechanism share. A container
 * is one IOMMU domain (one IOVA space). It belongs to one owner (the
 * component whose sessions opened it) and either to a domain that owner
 * named (domain=<n> on its DMA and IRQ sessions: every group of that
 * domain joins the same container) or to one group alone (no domain).
 * A group is opened once, is in one container only (VFIO's rule), and is
 * counted; a container closes with its last group.
 */
#ifndef LINUX_VFIO_GROUP_H
#define LINUX_VFIO_GROUP_H

#include <stddef.h>

#define VFIO_NO_DOMAIN	(-1L)

struct vfio_container {
	int		fd;		/* type1v2 container: DMA maps go here */
	const void	*owner;		/* core's child that opened it */
	long		domain;		/* the owner's domain number, or VFIO_NO_DOMAIN */
	unsigned	groups;		/* groups in it */
};

struct vfio_group {
	int			num;		/* /dev/vfio/N */
	int			fd;		/* the group */
	struct vfio_container	*c;		/* the one container it is in */
	unsigned		users;
};

/* Function bdf's IOMMU group number, or -ENODEV when no IOMMU translates it. */
int	vfio_iommu_group(unsigned bdf);

/*
 * Group num in the container of (owner, domain), opened and set up at the
 * first get, or NULL with why: not viable (another function of the group
 * is bound to a Linux driver), or the group is in a container that does
 * not fit: another owner's, or another domain of this owner. A request
 * without a domain takes the group's container if the same owner holds
 * it (its own function), else a container of its own. Every get needs a
 * put.
 */
struct vfio_group *vfio_group_get(int num, const void *owner, long domain, char *why, size_t whylen);
/* Would a get of (owner, domain) take g's container? 1, or 0 with why (as vfio_group_get refuses). */
int	vfio_group_fits(const struct vfio_group *g, const void *owner, long domain, char *why, size_t whylen);
void	vfio_group_put(struct vfio_group *);

#endif
