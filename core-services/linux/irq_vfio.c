/*
 * IRQ backend on VFIO (needs an IOMMU: Debian's kernel has no VFIO
 * no-IOMMU mode; docs/irq.md). core binds the function to vfio-pci
 * (driver_override + drivers_probe), opens its IOMMU group, puts the group
 * in a type1v2 container (the IOMMU domain the session names with
 * domain=<n>, the same one its owner's DMA sessions of that domain use, or
 * one of its own) and takes the device fd. Interrupts
 * come as eventfds the kernel signals (VFIO_DEVICE_SET_IRQS):
 *
 *  - INTx: one trigger eventfd and one unmask eventfd. VFIO masks the line
 *    when it fires; a write to the unmask eventfd unmasks it in the kernel
 *    (virqfd), so a client holding that eventfd acks without core.
 *  - MSI / MSI-X: the kernel allocates the vectors and writes the real
 *    message into the device (remapped under interrupt remapping); core
 *    enables every vector the function has at the first session (Linux 6.1
 *    cannot add MSI-X vectors to an enabled set) with an eventfd each, and a
 *    session gets the eventfd of its vector. Edge-triggered: nothing to
 *    unmask.
 *
 * The device fd reaches BARs and config space: it never leaves core. A
 * client gets only eventfds. Closing the device fd makes vfio-pci disable
 * the function (bus master off, interrupts off); then core unbinds it.
 * The group and its container are vfio_group.c's, shared with the DMA
 * mechanism (issue 14) that maps buffers into the same container: a group
 * is in one container only, so an IRQ session whose domain= differs from
 * the one the function's group is in already is refused, naming both.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "../irq_backend.h"
#include "mcfg.h"
#include "vfio_group.h"
#include "write_file.h"
#include "sysfs_read.h"

#define VECTORS_MAX	32	/* MSI-X vectors core enables per function */
#define FUNCTIONS_MAX	16

#define PCI_COMMAND		0x04
#define  PCI_COMMAND_MASTER	(1u << 2)
#define PCI_STATUS		0x06
#define  PCI_STATUS_CAP_LIST	(1u << 4)
#define PCI_CAP_PTR		0x34
#define PCI_CAP_MSI		0x05
#define PCI_CAP_MSIX		0x11

struct vfio_fn {
	unsigned		bdf;
	char			name[24];	/* "0000:BB:DD.F" */
	char			dev[64];	/* its sysfs directory */
	struct vfio_group	*group;
	int			device;		/* VFIO device fd: stays in core */
	int			cfg;		/* sysfs config: the real registers (MSI message) */
	uint64_t		cfg_off;	/* config region in the device fd */
	int			type;		/* enabled: IRQ_TYPE_*, or -1 */
	unsigned		nvec;
	int			trigger[VECTORS_MAX];
	int			unmask;		/* INTx */
	uint32_t		in_use;		/* vectors with a session */
	uint32_t		gsi;
};

struct vfio_line {
	struct vfio_fn	*fn;
	unsigned	vector;
};

static struct vfio_fn *fns[FUNCTIONS_MAX];

static void
fn_name(unsigned bdf, char *name, size_t len)
{
	snprintf(name, len, "0000:%02x:%02x.%u", (bdf >> 8) & 0xff, (bdf >> 3) & 0x1f, bdf & 7);
}

static int
vfio_identify(unsigned bdf, unsigned *vendor, unsigned *device)
{
	char dev[64], name[24];

	fn_name(bdf, name, sizeof name);
	snprintf(dev, sizeof dev, "/sys/bus/pci/devices/%s", name);
	*vendor = sysfs_read_hex(dev, "vendor");
	*device = sysfs_read_hex(dev, "device");
	return *vendor == ~0u ? -ENOENT : 0;
}

static int
vfio_available(unsigned bdf, char *why, size_t whylen)
{
	if (vfio_iommu_group(bdf) < 0) {
		snprintf(why, whylen, "no IOMMU translates this function (none in the machine, or it is off: "
		    "kernel argument intel_iommu=on or amd_iommu=on)");
		return 0;
	}
	if (access("/dev/vfio/vfio", F_OK) || access("/sys/bus/pci/drivers/vfio-pci", F_OK)) {
		snprintf(why, whylen, "the IOMMU is on, but the vfio-pci module is not loaded");
		return 0;
	}
	snprintf(why, whylen, "an IOMMU translates it (group %d) and vfio-pci is loaded", vfio_iommu_group(bdf));
	return 1;
}

/* The machine's functions, from sysfs (segment 0). */
static int
vfio_functions(unsigned *bdf, int max)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)) && n < max) {
		unsigned b, dv, fn;

		if (sscanf(e->d_name, "0000:%x:%x.%x", &b, &dv, &fn) == 3 && b < 256 && dv < 32 && fn < 8)
			bdf[n++] = b << 8 | dv << 3 | fn;
	}
	closedir(d);
	return n;
}

static int
vfio_ecam_function(uint64_t phys, unsigned *bdf)
{
	return mcfg_function(phys, bdf);
}

static void
unbind(const struct vfio_fn *f)
{
	char path[128];

	snprintf(path, sizeof path, "%s/driver_override", f->dev);
	write_file(path, "\n");
	write_file("/sys/bus/pci/drivers/vfio-pci/unbind", f->name);
}

/* Bind to vfio-pci, open the device through its group. */
static struct vfio_fn *
fn_open(const struct irq_request *rq, char *why, size_t whylen)
{
	struct vfio_region_info reg = { .argsz = sizeof reg, .index = VFIO_PCI_CONFIG_REGION_INDEX };
	char path[160], drv[256];
	struct vfio_fn *f;
	ssize_t n;
	unsigned bdf = rq->bdf;
	long domain = rq->has_domain ? (long)rq->domain : VFIO_NO_DOMAIN;
	int num = vfio_iommu_group(bdf), err, slot = -1, bound_here;

	for (int i = 0; i < FUNCTIONS_MAX; i++) {
		if (fns[i] && fns[i]->bdf == bdf)	/* another vector: the same group, so the same domain */
			return vfio_group_fits(fns[i]->group, rq->owner, domain, why, whylen) ? fns[i] : NULL;
		if (!fns[i] && slot < 0)
			slot = i;
	}
	if (num < 0 || slot < 0) {
		snprintf(why, whylen, num < 0 ? "no IOMMU translates this function" : "core holds %d VFIO functions already",
		    FUNCTIONS_MAX);
		return NULL;
	}
	if (!(f = calloc(1, sizeof *f)))
		return NULL;
	f->bdf = bdf;
	f->type = -1;
	f->unmask = -1;
	f->cfg = -1;
	f->device = -1;
	fn_name(bdf, f->name, sizeof f->name);
	snprintf(f->dev, sizeof f->dev, "/sys/bus/pci/devices/%s", f->name);
	snprintf(path, sizeof path, "%s/driver", f->dev);
	n = readlink(path, drv, sizeof drv - 1);
	drv[n > 0 ? n : 0] = 0;
	if (n > 0 && strcmp(basename(drv), "vfio-pci")) {
		snprintf(path, sizeof path, "%s/driver/unbind", f->dev);
		write_file(path, f->name);
	}
	snprintf(path, sizeof path, "%s/driver_override", f->dev);
	bound_here = n <= 0 || strcmp(basename(drv), "vfio-pci");
	if (bound_here)
		if ((err = write_file(path, "vfio-pci")) || (err = write_file("/sys/bus/pci/drivers_probe", f->name))) {
			snprintf(why, whylen, "binding vfio-pci failed (%s)", strerror(-err));
			free(f);
			return NULL;
		}
	if (!(f->group = vfio_group_get(num, rq->owner, domain, why, whylen)))
		goto fail;
	f->device = ioctl(f->group->fd, VFIO_GROUP_GET_DEVICE_FD, f->name);
	if (f->device < 0 || ioctl(f->device, VFIO_DEVICE_GET_REGION_INFO, &reg)) {
		snprintf(why, whylen, "VFIO device fd: %s", strerror(errno));
		goto fail;
	}
	f->cfg_off = reg.offset;
	snprintf(path, sizeof path, "%s/config", f->dev);
	f->cfg = open(path, O_RDONLY | O_CLOEXEC);
	f->gsi = sysfs_read_hex(f->dev, "irq");
	fns[slot] = f;
	return f;
fail:
	if (f->device >= 0)
		close(f->device);
	if (f->group)
		vfio_group_put(f->group);
	/*
	 * Unbind only what this call bound: a function that was on vfio-pci
	 * already may have its group held by a DMA session (refused here
	 * because that group is in another domain's container).
	 */
	if (bound_here)
		unbind(f);
	free(f);
	return NULL;
}

static void
fn_close(struct vfio_fn *f)
{
	for (int i = 0; i < FUNCTIONS_MAX; i++)
		if (fns[i] == f)
			fns[i] = NULL;
	if (f->type >= 0) {
		struct vfio_irq_set off = { .argsz = sizeof off, .index = (unsigned)f->type,
		    .flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, .count = 0 };

		ioctl(f->device, VFIO_DEVICE_SET_IRQS, &off);
	}
	for (unsigned v = 0; v < f->nvec; v++)
		close(f->trigger[v]);
	if (f->unmask >= 0)
		close(f->unmask);
	if (f->cfg >= 0)
		close(f->cfg);
	close(f->device);	/* vfio-pci disables the function: bus master and interrupts off */
	vfio_group_put(f->group);
	unbind(f);
	free(f);
}

/* Eventfds for the vectors [start, start + count), handed to VFIO as triggers (or unmask with action). */
static int
set_eventfds_at(struct vfio_fn *f, unsigned index, uint32_t action, unsigned start, const int *fds, unsigned count)
{
	char buf[sizeof(struct vfio_irq_set) + VECTORS_MAX * sizeof(int32_t)];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;

	s->argsz = (uint32_t)(sizeof *s + count * sizeof(int32_t));
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | action;
	s->index = index;
	s->start = start;
	s->count = count;
	for (unsigned i = 0; i < count; i++) {
		int32_t fd = fds[i];

		memcpy(s->data + i * sizeof fd, &fd, sizeof fd);
	}
	return ioctl(f->device, VFIO_DEVICE_SET_IRQS, s) ? -errno : 0;
}

static int
set_eventfds(struct vfio_fn *f, unsigned index, uint32_t action, const int *fds, unsigned count)
{
	return set_eventfds_at(f, index, action, 0, fds, count);
}

/* MSI/MSI-X messages are DMA writes: without bus master they go nowhere. The IOMMU bounds the rest. */
static int
bus_master_on(struct vfio_fn *f)
{
	uint16_t cmd;

	if (pread(f->device, &cmd, 2, (off_t)(f->cfg_off + PCI_COMMAND)) != 2)
		return -errno;
	cmd |= PCI_COMMAND_MASTER;
	return pwrite(f->device, &cmd, 2, (off_t)(f->cfg_off + PCI_COMMAND)) == 2 ? 0 : -errno;
}

static const char *const type_names[] = { "INTx", "MSI", "MSI-X" };

/* Enable the function's interrupts of type t with an eventfd per vector. */
static int
enable(struct vfio_fn *f, enum irq_type t, char *why, size_t whylen)
{
	static const unsigned index[] = { VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_MSIX_IRQ_INDEX };
	struct vfio_irq_info info = { .argsz = sizeof info, .index = index[t] };
	int err;

	if (ioctl(f->device, VFIO_DEVICE_GET_IRQ_INFO, &info))
		return -errno;
	if (!info.count) {
		snprintf(why, whylen, t == IRQ_TYPE_LEGACY ? "the function has no interrupt pin"
		    : "the function has no %s capability", type_names[t]);
		return -ENOTSUP;
	}
	/* MSI: one message (Genode's platform driver uses one); MSI-X: every vector, up to VECTORS_MAX. */
	f->nvec = t == IRQ_TYPE_MSIX ? (info.count < VECTORS_MAX ? info.count : VECTORS_MAX) : 1;
	for (unsigned v = 0; v < f->nvec; v++)
		if ((f->trigger[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
			f->nvec = v;
			return -errno;
		}
	if (t != IRQ_TYPE_LEGACY && (err = bus_master_on(f))) {
		snprintf(why, whylen, "cannot set bus master: %s", strerror(-err));
		return err;
	}
	if ((err = set_eventfds(f, index[t], VFIO_IRQ_SET_ACTION_TRIGGER, f->trigger, f->nvec))) {
		snprintf(why, whylen, "VFIO_DEVICE_SET_IRQS (%s, %u vectors): %s", type_names[t], f->nvec,
		    strerror(-err));
		return err;
	}
	if (t == IRQ_TYPE_LEGACY) {
		if ((f->unmask = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
			return -errno;
		if ((err = set_eventfds(f, index[t], VFIO_IRQ_SET_ACTION_UNMASK, &f->unmask, 1))) {
			snprintf(why, whylen, "VFIO INTx unmask eventfd: %s", strerror(-err));
			return err;
		}
	}
	f->type = (int)t;
	return 0;
}

/* The capability's offset in config space, or 0. Bounded: a looping list ends after 48 steps. */
static unsigned
find_cap(int cfg, uint8_t id)
{
	uint16_t status;
	uint8_t pos, hdr[2];

	if (pread(cfg, &status, 2, PCI_STATUS) != 2 || !(status & PCI_STATUS_CAP_LIST) ||
	    pread(cfg, &pos, 1, PCI_CAP_PTR) != 1)
		return 0;
	for (int i = 0; i < 48 && pos >= 0x40; i++) {
		if (pread(cfg, hdr, 2, pos & ~3u) != 2)
			return 0;
		if (hdr[0] == id)
			return pos & ~3u;
		pos = hdr[1];
	}
	return 0;
}

/*
 * The message the device holds: read from the real registers (sysfs
 * config; VFIO's view of the MSI capability is virtualized), MSI-X from
 * the table in its BAR (mapped read-only for the read).
 */
static int
vfio_msi_message(void *line, uint64_t *address, uint32_t *value)
{
	struct vfio_line *l = line;
	struct vfio_fn *f = l->fn;
	unsigned cap;

	if (f->type == IRQ_TYPE_MSI) {
		uint16_t ctl, data;
		uint32_t lo, hi = 0;

		if (!(cap = find_cap(f->cfg, PCI_CAP_MSI)) || pread(f->cfg, &ctl, 2, cap + 2) != 2 ||
		    pread(f->cfg, &lo, 4, cap + 4) != 4)
			return -EIO;
		if (ctl & (1u << 7)) {	/* 64-bit address */
			if (pread(f->cfg, &hi, 4, cap + 8) != 4 || pread(f->cfg, &data, 2, cap + 12) != 2)
				return -EIO;
		} else if (pread(f->cfg, &data, 2, cap + 8) != 2)
			return -EIO;
		*address = (uint64_t)hi << 32 | lo;
		*value = data;
		return 0;
	}
	if (f->type == IRQ_TYPE_MSIX) {
		uint32_t table, entry[3];
		char path[128];
		long page = sysconf(_SC_PAGESIZE);
		off_t at;
		void *m;
		int fd;

		if (!(cap = find_cap(f->cfg, PCI_CAP_MSIX)) || pread(f->cfg, &table, 4, cap + 4) != 4)
			return -EIO;
		at = (off_t)(table & ~7u) + 16 * (off_t)l->vector;
		snprintf(path, sizeof path, "%s/resource%u", f->dev, table & 7);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return -errno;
		m = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, at & ~(off_t)(page - 1));
		close(fd);
		if (m == MAP_FAILED)
			return -errno;
		memcpy(entry, (char *)m + (at & (page - 1)), sizeof entry);
		munmap(m, (size_t)page);
		*address = (uint64_t)entry[1] << 32 | entry[0];
		*value = entry[2];
		return 0;
	}
	return -ENOTSUP;
}

/*
 * The native MSI path (docs/irq.md): the client programs the message INFO
 * gave it and sets the enable bit itself, through core's config access.
 * Those writes change nothing. A write that would change the message,
 * clear MSI / MSI-X enable, set the MSI-X function mask, change the MSI
 * message count, or clear Bus Master would silently stop the interrupts
 * core set up: refused. (The MSI-X table lives in a BAR, which a client
 * holding that BAR can write directly: a wrong message there is caught by
 * interrupt remapping, which delivers only the IRTE the kernel set up.)
 */
static int
vfio_config_write_check(void *line, unsigned reg, unsigned width, uint32_t value, char *why, size_t whylen)
{
	struct vfio_line *l = line;
	struct vfio_fn *f = l->fn;
	uint8_t now[256], then[256];
	unsigned cap, len;
	uint16_t cmd_now, cmd_then, ctl_now, ctl_then;

	if (f->type != IRQ_TYPE_MSI && f->type != IRQ_TYPE_MSIX)
		return 0;
	if (reg + width > sizeof now || pread(f->cfg, now, sizeof now, 0) != (ssize_t)sizeof now) {
		if (reg + width <= sizeof now) {
			snprintf(why, whylen, "cannot read the function's config space to check the write");
			return -EPERM;
		}
		return 0;	/* extended config space: no MSI registers there */
	}
	memcpy(then, now, sizeof then);
	for (unsigned i = 0; i < width; i++)
		then[reg + i] = (uint8_t)(value >> (8 * i));
	memcpy(&cmd_now, now + PCI_COMMAND, 2);
	memcpy(&cmd_then, then + PCI_COMMAND, 2);
	if ((cmd_now & PCI_COMMAND_MASTER) && !(cmd_then & PCI_COMMAND_MASTER)) {
		snprintf(why, whylen, "clearing Bus Master would stop the %s core set up", type_names[f->type]);
		return -EPERM;
	}
	cap = find_cap(f->cfg, f->type == IRQ_TYPE_MSI ? PCI_CAP_MSI : PCI_CAP_MSIX);
	if (!cap)
		return 0;
	memcpy(&ctl_now, now + cap + 2, 2);
	memcpy(&ctl_then, then + cap + 2, 2);
	if (f->type == IRQ_TYPE_MSIX) {
		if ((ctl_then & 0xc000) != (ctl_now & 0xc000)) {
			snprintf(why, whylen, "MSI-X enable and function mask are core's (the kernel's MSI-X set-up)");
			return -EPERM;
		}
		return 0;
	}
	if (!(ctl_then & 1) || (ctl_then & 0x70) != (ctl_now & 0x70)) {
		snprintf(why, whylen, "MSI enable and the message count stay as core set them up");
		return -EPERM;
	}
	len = ctl_now & (1u << 7) ? 10 : 6;	/* address (64 or 32 bit) and data, after the control word */
	if ((ctl_now & (1u << 8)) && (then[cap + 4 + len + 2] & 1) && !(now[cap + 4 + len + 2] & 1)) {
		snprintf(why, whylen, "masking MSI vector 0 would stop the MSI core set up");
		return -EPERM;
	}
	if (memcmp(now + cap + 4, then + cap + 4, len)) {
		uint64_t a;
		uint32_t d;

		vfio_msi_message(line, &a, &d);
		snprintf(why, whylen, "the MSI message must stay 0x%llx/0x%x (what INFO says and the device holds)",
		    (unsigned long long)a, d);
		return -EPERM;
	}
	return 0;
}

static int
vfio_attach_request(const struct irq_request *rq, void **linep, int *fd, struct irq_line_info *info,
    char *why, size_t whylen)
{
	struct vfio_fn *f = fn_open(rq, why, whylen);
	struct vfio_line *l;
	int err;

	if (!f)
		return -ENODEV;
	if (f->type >= 0 && f->type != (int)rq->type) {
		snprintf(why, whylen, "the function's interrupts are in %s mode for another session", type_names[f->type]);
		return -EBUSY;
	}
	if (f->type < 0 && (err = enable(f, rq->type, why, whylen))) {
		fn_close(f);
		return err;
	}
	if (rq->vector >= f->nvec) {
		snprintf(why, whylen, "the function has %u %s vector%s (asked for vector %u)", f->nvec,
		    type_names[rq->type], f->nvec == 1 ? "" : "s", rq->vector);
		if (!f->in_use)
			fn_close(f);
		return -EINVAL;
	}
	if (f->in_use & (1u << rq->vector)) {
		snprintf(why, whylen, "%s vector %u is held by another session", type_names[rq->type], rq->vector);
		return -EBUSY;
	}
	if (!(l = calloc(1, sizeof *l))) {
		if (!f->in_use)
			fn_close(f);
		return -ENOMEM;
	}
	l->fn = f;
	l->vector = rq->vector;
	f->in_use |= 1u << rq->vector;
	*fd = f->trigger[rq->vector];
	info->gsi = f->gsi;
	info->msi_address = 0;
	info->msi_value = 0;
	if (rq->type != IRQ_TYPE_LEGACY)
		vfio_msi_message(l, &info->msi_address, &info->msi_value);
	*linep = l;
	return 0;
}

static int
vfio_attach(unsigned bdf, void **linep, int *fd, uint32_t *gsi, char *why, size_t whylen)
{
	struct irq_request rq = { .bdf = bdf, .type = IRQ_TYPE_LEGACY };
	struct irq_line_info info;
	int err = vfio_attach_request(&rq, linep, fd, &info, why, whylen);

	if (!err)
		*gsi = info.gsi;
	return err;
}

static int
vfio_event(void *line)
{
	struct vfio_line *l = line;
	uint64_t n;

	if (read(l->fn->trigger[l->vector], &n, sizeof n) != sizeof n)
		return -errno;
	return (int)n;
}

static int
vfio_unmask(void *line)
{
	struct vfio_line *l = line;
	struct vfio_irq_set s = { .argsz = sizeof s, .index = VFIO_PCI_INTX_IRQ_INDEX,
	    .flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, .start = 0, .count = 1 };

	if (l->fn->type != IRQ_TYPE_LEGACY)
		return 0;	/* MSI is edge-triggered: nothing stays masked */
	return ioctl(l->fn->device, VFIO_DEVICE_SET_IRQS, &s) ? -errno : 0;
}

/* The trigger eventfd itself: it reaches nothing but this vector's count. */
static int
vfio_client_fd(void *line)
{
	struct vfio_line *l = line;
	int fd = fcntl(l->fn->trigger[l->vector], F_DUPFD_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

static int
vfio_client_fd_reach(void *line, uint64_t *base, uint64_t *size, int max)
{
	(void)line, (void)base, (void)size, (void)max;
	return 0;
}

/* INTx: the unmask eventfd (it unmasks this function's line and nothing else). */
static int
vfio_ack_fd(void *line)
{
	struct vfio_line *l = line;
	int fd;

	if (l->fn->type != IRQ_TYPE_LEGACY)
		return -ENOTSUP;
	fd = fcntl(l->fn->unmask, F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

/*
 * The last session of a function closes it. Otherwise (other MSI-X
 * vectors stay in use) the vector gets a fresh eventfd: what the session
 * left unread must not reach the next one, and core must not read the old
 * one, whose open file the client shares (it could have made it blocking).
 */
static void
vfio_detach(void *line)
{
	struct vfio_line *l = line;
	struct vfio_fn *f = l->fn;
	unsigned v = l->vector;

	f->in_use &= ~(1u << v);
	if (!f->in_use)
		fn_close(f);
	else {
		int fresh = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

		if (fresh >= 0 && !set_eventfds_at(f, VFIO_PCI_MSIX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, v, &fresh, 1)) {
			close(f->trigger[v]);
			f->trigger[v] = fresh;
		} else if (fresh >= 0)
			close(fresh);
	}
	free(l);
}

const struct irq_backend irq_vfio = {
	.name = "linux-vfio", .identify = vfio_identify, .attach = vfio_attach, .event = vfio_event,
	.unmask = vfio_unmask, .client_fd = vfio_client_fd, .client_fd_reach = vfio_client_fd_reach,
	.detach = vfio_detach, .attach_request = vfio_attach_request, .available = vfio_available,
	.ack_fd = vfio_ack_fd, .msi_message = vfio_msi_message, .ecam_function = vfio_ecam_function,
	.client_fd_format = IRQ_FD_EVENTFD, .config_write_check = vfio_config_write_check,
	.functions = vfio_functions,
};
