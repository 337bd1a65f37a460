/*
 * pci_walk: the platform driver's enumeration (pci/enum.c: the walk
 * through ECAM, BARs sized, capabilities) as one whole process, so that
 * make bench can time it exactly as it times lspci: fork, exec, wait
 * (pci_linux_view does both, as PID 1 before core, same boot). The
 * component's own figure starts after its process start and its sessions;
 * lspci's includes its process start; this one includes it too.
 *
 * Linux-specific (MCFG from sysfs, ECAM through /dev/mem, root buses from
 * /sys/devices/pciSSSS:BB), hence core-services/tools; it needs root and
 * iomem=relaxed (the runner's default). Without an MCFG table (QEMU -M pc)
 * it walks over the CF8/CFC pair instead, by its own port accesses as
 * lspci -A intel-conf1 does (pci_walk_conf1.h). Interrupt routing is left
 * out: that needs the acpi component's report and is a few table look-ups.
 * Prints "pci_walk: N functions on R root bus(es), ..., config access: HOW";
 * exit 0, or 1 with why.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../../pci/pci.h"
#include "pci_walk_conf1.h"

#define MCFG	"/sys/firmware/acpi/tables/MCFG"
#define MEMNODE	"/pci_walk_mem"	/* pci_linux_view runs before anything mounts /dev */

static struct pci_ecam_set ecam;
static struct pci_conf1 conf1 = { .in = conf1_in, .out = conf1_out };
static struct pci_tree t;

/* The MCFG's windows (header 36 bytes, 8 reserved, then 16 bytes each), mapped through fd. */
static int
map_windows(int fd)
{
	uint8_t buf[36 + 8 + 16 * PCI_ECAM_WINDOWS_MAX];
	int f = open(MCFG, O_RDONLY);
	ssize_t n = f < 0 ? -1 : read(f, buf, sizeof buf);

	if (f >= 0)
		close(f);
	if (n < 44 + 16) {
		fprintf(stderr, "pci_walk: %s: %s\n", MCFG, n < 0 ? strerror(errno) : "no window");
		return -1;
	}
	for (ssize_t o = 44; o + 16 <= n && ecam.n < PCI_ECAM_WINDOWS_MAX; o += 16) {
		uint64_t base;
		uint16_t seg;
		void *va;

		memcpy(&base, buf + o, 8);
		memcpy(&seg, buf + o + 8, 2);
		va = mmap(NULL, (size_t)(buf[o + 11] - buf[o + 10] + 1) << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)base);
		if (va == MAP_FAILED) {
			fprintf(stderr, "pci_walk: ECAM at 0x%llx through /dev/mem: %s\n", (unsigned long long)base,
			    strerror(errno));
			return -1;
		}
		ecam.win[ecam.n++] = (struct pci_ecam){ va, seg, buf[o + 10], buf[o + 11] };
	}
	return 0;
}

/* Root buses as Linux found them (its host bridges), each ending where its window ends. */
static int
add_roots(void)
{
	DIR *d = opendir("/sys/devices");
	struct dirent *e;
	unsigned seg, bus;

	if (!d) {
		fprintf(stderr, "pci_walk: /sys/devices: %s\n", strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "pci%x:%x", &seg, &bus) == 2)
			for (unsigned i = 0; i < ecam.n; i++)
				if (ecam.win[i].seg == seg && bus >= ecam.win[i].bus_start && bus <= ecam.win[i].bus_end)
					pci_tree_add_root(&t, seg, bus, ecam.win[i].bus_end, "");
	closedir(d);
	return 0;
}

/*
 * conf1: the root buses Linux found on segment 0, each reaching up to the
 * next one's bus (the last to 255), as the walk has no MCFG window to end them.
 */
static int
add_roots_conf1(void)
{
	DIR *d = opendir("/sys/devices");
	struct dirent *e;
	unsigned char root[256] = { 0 };
	unsigned seg, bus;

	if (!d) {
		fprintf(stderr, "pci_walk: /sys/devices: %s\n", strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "pci%x:%x", &seg, &bus) == 2 && seg == 0 && bus < 256)
			root[bus] = 1;
	closedir(d);
	for (unsigned b = 0; b < 256; b++) {
		unsigned end = b;

		if (!root[b])
			continue;
		while (end < 255 && !root[end + 1])
			end++;
		pci_tree_add_root(&t, 0, b, end, "");
	}
	return 0;
}

/* ECAM: the MCFG windows through /dev/mem, roots inside them. */
static int
open_ecam(void)
{
	int fd;

	unlink(MEMNODE);
	if (mknod(MEMNODE, S_IFCHR | 0600, makedev(1, 1)) || (fd = open(MEMNODE, O_RDWR | O_SYNC)) < 0) {
		fprintf(stderr, "pci_walk: /dev/mem (char 1:1) at %s: %s\n", MEMNODE, strerror(errno));
		unlink(MEMNODE);
		return -1;
	}
	unlink(MEMNODE);
	return map_windows(fd) || add_roots() ? -1 : 0;
}

int
main(void)
{
	int use_conf1 = access(MCFG, F_OK) != 0;
	struct pci_cfg cfg = use_conf1 ? (struct pci_cfg){ &pci_cfg_conf1, &conf1 } :
	    (struct pci_cfg){ &pci_cfg_ecam_set, &ecam };

	if (use_conf1 && ioperm(0xcf8, 8, 1)) {
		fprintf(stderr, "pci_walk: no MCFG, and ports 0xcf8-0xcff: %s\n", strerror(errno));
		return 1;
	}
	if (use_conf1 ? add_roots_conf1() : open_ecam())
		return 1;
	if (!t.nroot) {
		fprintf(stderr, "pci_walk: no root bus in /sys/devices%s\n", use_conf1 ? "" : " inside an MCFG window");
		return 1;
	}
	if (pci_enumerate(&t, &cfg)) {
		fprintf(stderr, "pci_walk: out of memory\n");
		return 1;
	}
	pci_sort(&t);
	printf("pci_walk: %u functions on %u root bus(es), %lu config writes for BAR probes, %u notes, config access: ",
	    t.nfn, t.nroot, t.probe_writes, t.nnote);
	if (use_conf1)
		printf("conf1, %lu CF8/CFC accesses\n", conf1_accesses);
	else
		printf("ECAM\n");
	return t.nfn ? 0 : 1;
}
