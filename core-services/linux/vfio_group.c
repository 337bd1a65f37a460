/*
 * VFIO groups and their containers (vfio_group.h): one type1v2 container
 * per IOMMU group core opened, shared by every user of the group (the
 * IRQ back end's functions, DMA mappings), closed with its last user.
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

/* The group's fd in a type1v2 container; shared by the group's functions. */
struct vfio_group *
vfio_group_get(int num, char *why, size_t whylen)
{
	struct vfio_group_status st = { .argsz = sizeof st };
	struct vfio_group *g = NULL;
	char path[32];

	for (unsigned i = 0; i < GROUPS_MAX; i++)
		if (groups[i].users && groups[i].num == num) {
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
	g->num = num;
	g->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof path, "/dev/vfio/%d", num);
	g->fd = open(path, O_RDWR | O_CLOEXEC);
	if (g->container < 0 || g->fd < 0) {
		snprintf(why, whylen, "cannot open /dev/vfio/vfio or %s: %s", path, strerror(errno));
		goto fail;
	}
	if (ioctl(g->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(g->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1) {
		snprintf(why, whylen, "VFIO has another API version or no type1v2 IOMMU");
		goto fail;
	}
	if (ioctl(g->fd, VFIO_GROUP_GET_STATUS, &st) || !(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(why, whylen, "IOMMU group %d is not viable: another function of the group is bound "
		    "to a Linux driver (all of a group must be given to VFIO)", num);
		goto fail;
	}
	if (ioctl(g->fd, VFIO_GROUP_SET_CONTAINER, &g->container) ||
	    ioctl(g->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		snprintf(why, whylen, "IOMMU group %d: container set-up failed: %s", num, strerror(errno));
		goto fail;
	}
	g->users = 1;
	return g;
fail:
	if (g->fd >= 0)
		close(g->fd);
	if (g->container >= 0)
		close(g->container);
	g->users = 0;
	return NULL;
}

void
vfio_group_put(struct vfio_group *g)
{
	if (--g->users)
		return;
	ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER);
	close(g->fd);
	close(g->container);
}

