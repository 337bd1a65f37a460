/*
 * Host mode (docs/host-mode.md): core on a running Linux, not PID 1,
 * takes the PCI functions its config grants from Linux's drivers and
 * gives them back. host_mode.c decides; linux/host_*.c hold one
 * mechanism each. Every sysfs and procfs path is taken below host_root
 * ("" on a real system; a simulated tree in tests).
 */
#ifndef CORE_HOST_MODE_H
#define CORE_HOST_MODE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct core_config;

#define HOST_DEVS_MAX 64

struct host_dev {
	char		name[16];	/* "0000:00:02.0" */
	unsigned	bdf, vendor, device;
	uint32_t	class;
	char		driver[64];	/* Linux's driver when found; "" none */
	char		override[64];	/* driver_override when found; "" none */
	char		refused[384];	/* why Linux must keep it; "" takeable */
	int		taken;
};

extern char host_root[PATH_MAX];

/* host_root + the formatted path; 0 or -ENAMETOOLONG. */
int	host_path(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The first line of a file, without its newline, into buf ("" if empty); 0 or -errno. */
int	host_read_line(const char *path, char *buf, size_t len);

/* linux/host_pci.c: the functions under /sys/bus/pci/devices, and one's current state. */
int	host_pci_list(char (*names)[16], unsigned max);
int	host_pci_read(struct host_dev *d);
/* The driver now bound to name ("" none) into buf; 0 or -errno. */
int	host_pci_driver(const char *name, char *buf, size_t len);
/* Is there a PCI driver of that name on this host (a directory in sysfs)? */
int	host_pci_driver_exists(const char *name);
/*
 * Does core hold the function d (as host_pci_read filled it)? Its override
 * is "mkx" (set first when core takes one), or it is bound to nothing or
 * to what core's own back ends bind (and whose override they clear when
 * done): never one a Linux driver drives.
 */
int	host_pci_core_holds(const struct host_dev *d);

/* linux/host_refuse.c: fill ->refused of devices Linux must keep. */
void	host_refuse_mounted(struct host_dev *devs, unsigned n);
void	host_refuse_console(struct host_dev *devs, unsigned n);
void	host_refuse_iommu(struct host_dev *devs, unsigned n);

/*
 * linux/host_state.c: the state file, written (fsync'd) before anything
 * changes: the devices and vm.nr_hugepages (-1: unknown, not restored).
 * Only in a directory of core's user (root) nobody else may write, below
 * directories nobody else may change; the file itself regular, core's
 * user's, mode 0600, opened without following links or blocking. 0 or
 * -errno with why filled (write and read; check_dir says only whether
 * the directory is fit). exists: 1, 0, or -errno (an unfit directory).
 */
#define HOST_HUGEPAGES_MAX	(1L << 20)	/* 2 TiB of 2 MiB pages: above it a state file is malformed */
int	host_state_check_dir(const char *path, char *why, size_t whylen);
int	host_state_exists(const char *path);
int	host_state_remove(const char *path);
int	host_state_write(const char *path, const struct host_dev *devs, unsigned n, long hugepages, char *why,
	    size_t whylen);
int	host_state_read(const char *path, struct host_dev *devs, unsigned max, long *hugepages, char *why,
	    size_t whylen);

/* linux/host_hugepages.c: vm.nr_hugepages; 0 or -errno. */
int	host_hugepages_get(long *n);
int	host_hugepages_set(long n);

/* linux/host_bind.c */
int	host_bind_take(struct host_dev *d, char *why, size_t whylen);
int	host_bind_giveback(const struct host_dev *d, char *why, size_t whylen);

/* host_mode.c */
int	host_mode_take(const struct core_config *cfg, const char *state, int dry_run);
void	host_mode_giveback(void);
int	host_mode_restore(const char *state);

#endif
