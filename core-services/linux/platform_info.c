/*
 * The "platform_info" ROM (Genode's name): what core knows about the
 * platform that components cannot find out natively. Today the RSDP
 * address of a UEFI boot, which only the EFI system table has (Linux shows
 * it in /sys/firmware/efi/systab); on a legacy boot the element has no
 * address and the acpi component scans the BIOS areas itself.
 *   <platform_info> <acpi rsdp="0x7fbfa014" source="efi"/> </platform_info>
 * And, as Genode's core does, the boot framebuffer if the kernel got one
 * (<boot><framebuffer .../></boot>, boot_framebuffer.c).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"
#include "boot_framebuffer.h"

char *
platform_info_xml(size_t *len)
{
	FILE *f = fopen("/sys/firmware/efi/systab", "r"), *out;
	char line[128], *buf = NULL;
	uint64_t rsdp = 0, acpi10 = 0;

	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "ACPI20=", 7))
			rsdp = strtoull(line + 7, NULL, 0);
		else if (!strncmp(line, "ACPI=", 5))
			acpi10 = strtoull(line + 5, NULL, 0);
	}
	if (f)
		fclose(f);
	if (!rsdp)
		rsdp = acpi10;
	out = open_memstream(&buf, len);
	if (!out)
		return NULL;
	fprintf(out, "<platform_info>\n");
	if (rsdp)
		fprintf(out, "  <acpi rsdp=\"0x%" PRIx64 "\" source=\"efi\"/>\n", rsdp);
	else
		fprintf(out, "  <acpi source=\"legacy\"/>\n");
	boot_framebuffer_xml(out);
	fprintf(out, "</platform_info>\n");
	if (fclose(out)) {
		free(buf);
		return NULL;
	}
	return buf;
}
