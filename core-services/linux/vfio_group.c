/*
 * VFIO groups and their containers (vfio_group.h). A container is an
 * IOMMU domain: the groups of one owner's domain share one (VFIO type1
 * replays the container's mappings into a group that joins it later), so
 * every device of the domain reaches every buffer mapped there; groups of
 * different domains or owners never share one. The IRQ back end's
 * functions and the DMA mappings use the same groups: a group can be in
 * one container only, so an IRQ session must name the same domain as the
 * DMA sessions of its function, or be refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "vfio_group.h"

#define GROUPS_MAX	16

static struct vfio_group groups[GROUPS_MAX];
static struct vfio_container containers[GROUPS_MAX];	/* at most one per group */

/* The function's IOMMU group number, or -ENODEV when no IOMMU translates it. */
int
vfio_iommu_group(unsigned bdf)
{
	char path[128], link[256], name[24];
	ssize_t n;

	snprintf(name, sizeof name, "0000:%02x:%02x.%u", (bdf >> 8) & 0xff, (bdf >> 3) & 0x1f, bdf & 7);
	snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/iommu_group", name);
	n = readlink(path, link, sizeof link - 1);
	if (n <= 0)
		return -ENODEV;
	link[n] = 0;
	return atoi(basename(link));
}

/* May a request of (owner, domain) use the group's container c? Else why not. */
static int
fits(const struct vfio_container *c, int num, const void *owner, long domain, char *why, size_t whylen)
{
	if (c->owner != owner) {
		snprintf(why, whylen, "IOMMU group %d is in another component's IOMMU domain", num);
		return 0;
	}
	if (domain == VFIO_NO_DOMAIN || c->domain == domain)
		return 1;
	if (c->domain == VFIO_NO_DOMAIN)
		snprintf(why, whylen, "IOMMU group %d is in an IOMMU domain of its own already (a session "
		    "without domain= holds it), not in domain %ld", num, domain);
	else
		snprintf(why, whylen, "IOMMU group %d is in IOMMU domain %ld already, not in domain %ld "
		    "(a group can be in one domain only)", num, c->domain, domain);
	return 0;
}

/* The container of (owner, domain) if there is one; else a new one, type1v2 not yet set (no group in it). */
static struct vfio_container *
container_for(const void *owner, long domain, char *why, size_t whylen)
{
	struct vfio_container *c = NULL;

	if (domain != VFIO_NO_DOMAIN)
		for (unsigned i = 0; i < GROUPS_MAX; i++)
			if (containers[i].groups && containers[i].owner == owner && containers[i].domain == domain)
				return &containers[i];
	for (unsigned i = 0; i < GROUPS_MAX && !c; i++)
		if (!containers[i].groups)
			c = &containers[i];
	if (!c) {
		snprintf(why, whylen, "core holds %d VFIO containers already", GROUPS_MAX);
		return NULL;
	}
	c->fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (c->fd < 0) {
		snprintf(why, whylen, "cannot open /dev/vfio/vfio: %s", strerror(errno));
		return NULL;
	}
	if (ioctl(c->fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(c->fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1) {
		snprintf(why, whylen, "VFIO has another API version or no type1v2 IOMMU");
		close(c->fd);
		return NULL;
	}
	c->owner = owner;
	c->domain = domain;
	return c;
}

/* The group's fd in the container of (owner, domain). */
struct vfio_group *
vfio_group_get(int num, const void *owner, long domain, char *why, size_t whylen)
{
	struct vfio_group_status st = { .argsz = sizeof st };
	struct vfio_container *c;
	struct vfio_group *g = NULL;
	char path[32];

	for (unsigned i = 0; i < GROUPS_MAX; i++)
		if (groups[i].users && groups[i].num == num) {
			if (!fits(groups[i].c, num, owner, domain, why, whylen))
				return NULL;
			groups[i].users++;
			return &groups[i];
		}
	for (unsigned i = 0; i < GROUPS_MAX && !g; i++)
		if (!groups[i].users)
			g = &groups[i];
	if (!g) {
		snprintf(why, whylen, "core holds %d VFIO groups already", GROUPS_MAX);
		return NULL;
	}
	snprintf(path, sizeof path, "/dev/vfio/%d", num);
	g->num = num;
	if ((g->fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (ioctl(g->fd, VFIO_GROUP_GET_STATUS, &st) || !(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(why, whylen, "IOMMU group %d is not viable: another function of the group is bound "
		    "to a Linux driver (all of a group must be given to VFIO)", num);
		close(g->fd);
		return NULL;
	}
	if (!(c = container_for(owner, domain, why, whylen))) {
		close(g->fd);
		return NULL;
	}
	/* The first group of a container sets its IOMMU model; later ones join what is mapped. */
	if (ioctl(g->fd, VFIO_GROUP_SET_CONTAINER, &c->fd) ||
	    (!c->groups && ioctl(c->fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))) {
		snprintf(why, whylen, "IOMMU group %d: %s failed: %s", num,
		    c->groups ? "joining its domain's container" : "container set-up", strerror(errno));
		ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER);
		close(g->fd);
		if (!c->groups)
			close(c->fd);
		return NULL;
	}
	c->groups++;
	g->c = c;
	g->users = 1;
	return g;
}

int
vfio_group_fits(const struct vfio_group *g, const void *owner, long domain, char *why, size_t whylen)
{
	return fits(g->c, g->num, owner, domain, why, whylen);
}

void
vfio_group_put(struct vfio_group *g)
{
	if (--g->users)
		return;
	ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER);
	close(g->fd);
	if (!--g->c->groups)
		close(g->c->fd);
	g->c = NULL;
}
