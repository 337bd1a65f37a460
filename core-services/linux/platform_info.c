/*
 * The "platform_info" ROM (Genode's name and format; docs/genode-formats.md):
 * what core knows about the platform that components cannot find out
 * natively.
 *   <platform_info>
 *     <kernel name="linux" acpi="true" msi="true" iommu="true"/>
 *     <acpi revision="2" rsdt="0x7ffe2294" xsdt="0x7ffe22c8" rsdp="0x7fbfa014" source="efi"/>
 *     <boot> <framebuffer .../> </boot>
 *   </platform_info>
 * <kernel>: Genode's pci_decode routes interrupts only with acpi="true" and
 * reports MSI only with msi="true". On mkx, MSI reaches a user-level
 * driver only through VFIO, i.e. with an IOMMU and vfio-pci (docs/irq.md),
 * so msi says exactly that. <acpi>: revision, RSDT and XSDT from the RSDP
 * as Genode's acpi driver takes them (read through /dev/mem: the EFI
 * system table's address, else the BIOS area scan); rsdp= and source= are
 * ours (our acpi component reads rsdp=). And, as Genode's core does, the
 * boot framebuffer if the kernel got one (boot_framebuffer.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core.h"
#include "boot_framebuffer.h"

/* A directory with at least one entry besides . and .. */
static int
dir_has_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	while (d && !n && (e = readdir(d)))
		n = e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Genode's <kernel name acpi msi iommu/>: what this Linux kernel offers core. */
static void
platform_info_kernel_xml(FILE *out)
{
	int acpi = !access("/sys/firmware/acpi/tables", F_OK);
	int iommu = dir_has_entries("/sys/class/iommu") || dir_has_entries("/sys/kernel/iommu_groups");
	int vfio = !access("/dev/vfio/vfio", F_OK) && !access("/sys/bus/pci/drivers/vfio-pci", F_OK);

	fprintf(out, "  <kernel name=\"linux\" acpi=\"%s\" msi=\"%s\" iommu=\"%s\"/>\n", acpi ? "true" : "false",
	    iommu && vfio ? "true" : "false", iommu ? "true" : "false");
}

static int
sum_ok(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s == 0;
}

/*
 * Genode's revision, rsdt and xsdt attributes from an RSDP's bytes (ACPI
 * 6.4 5.2.5.3: signature, checksum over 20 bytes, and over its length from
 * revision 2 on). 0, or -EINVAL (not an RSDP: nothing written).
 * tests/pci/genode_format_gen.c includes this file to feed it RSDPs.
 */
static int
platform_info_acpi_xml(FILE *out, const uint8_t *r, size_t len)
{
	uint32_t rsdt, full;
	uint64_t xsdt = 0;

	if (len < 20 || memcmp(r, "RSD PTR ", 8) || !sum_ok(r, 20))
		return -EINVAL;
	memcpy(&rsdt, r + 16, 4);
	/* Revision 2 and later: a length, an XSDT and an extended checksum over the whole structure. */
	if (r[15] >= 2) {
		if (len < 36)
			return -EINVAL;
		memcpy(&full, r + 20, 4);
		if (full < 36 || full > len || !sum_ok(r, full))
			return -EINVAL;
		memcpy(&xsdt, r + 24, 8);
	}
	fprintf(out, " revision=\"%u\" rsdt=\"0x%" PRIx32 "\" xsdt=\"0x%" PRIx64 "\"", r[15], rsdt, xsdt);
	return 0;
}

/* The RSDP at a physical address (the EFI system table's), or found in the BIOS areas. 0 or -errno. */
static int
rsdp_read(uint64_t at, uint8_t rsdp[36], uint64_t *where)
{
	static uint8_t area[0x20000];
	int fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	uint16_t ebda_seg = 0;
	int found = -ENOENT;

	if (fd < 0)
		return -errno;
	if (at) {
		found = pread(fd, rsdp, 36, (off_t)at) == 36 ? 0 : -EIO;
		*where = at;
	} else {
		/* ACPI 6.4 5.2.5.1: the first KiB of the EBDA, then 0xE0000-0xFFFFF, on 16-byte boundaries. */
		uint64_t base[2] = { 0, 0xe0000 };
		size_t size[2] = { 1024, sizeof area };

		if (pread(fd, &ebda_seg, 2, 0x40e) == 2)
			base[0] = (uint64_t)ebda_seg << 4;
		for (int a = base[0] ? 0 : 1; a < 2 && found; a++) {
			if (pread(fd, area, size[a], (off_t)base[a]) != (ssize_t)size[a])
				continue;
			for (size_t o = 0; o + 36 <= size[a] && found; o += 16)
				if (!memcmp(area + o, "RSD PTR ", 8) && sum_ok(area + o, 20)) {
					memcpy(rsdp, area + o, 36);
					*where = base[a] + o;
					found = 0;
				}
		}
	}
	close(fd);
	return found;
}

/* The EFI system table's RSDP address (ACPI 2.0 entry first), 0 on a legacy boot. */
static uint64_t
efi_rsdp(void)
{
	FILE *f = fopen("/sys/firmware/efi/systab", "r");
	char line[128];
	uint64_t rsdp = 0, acpi10 = 0;

	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "ACPI20=", 7))
			rsdp = strtoull(line + 7, NULL, 0);
		else if (!strncmp(line, "ACPI=", 5))
			acpi10 = strtoull(line + 5, NULL, 0);
	}
	if (f)
		fclose(f);
	return rsdp ? rsdp : acpi10;
}

static void
acpi_xml(FILE *out)
{
	uint64_t efi = efi_rsdp(), at = 0;
	uint8_t rsdp[36];

	fprintf(out, "  <acpi");
	if (!rsdp_read(efi, rsdp, &at))
		platform_info_acpi_xml(out, rsdp, sizeof rsdp);
	if (efi)
		fprintf(out, " rsdp=\"0x%" PRIx64 "\" source=\"efi\"/>\n", efi);
	else
		fprintf(out, " source=\"legacy\"/>\n");
}

char *
platform_info_xml(size_t *len)
{
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);

	if (!out)
		return NULL;
	fprintf(out, "<platform_info>\n");
	platform_info_kernel_xml(out);
	acpi_xml(out);
	boot_framebuffer_xml(out);
	fprintf(out, "</platform_info>\n");
	if (fclose(out)) {
		free(buf);
		return NULL;
	}
	return buf;
}
