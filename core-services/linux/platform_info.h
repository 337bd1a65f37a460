/* Pieces of the platform_info ROM (platform_info.c) that tests feed directly. */
#ifndef CORE_PLATFORM_INFO_H
#define CORE_PLATFORM_INFO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Genode's <acpi revision rsdt xsdt/> from an RSDP's bytes (ACPI 6.4
 * 5.2.5.3: signature, checksum over 20 bytes, and over its length from
 * revision 2 on). 0, or -EINVAL (not an RSDP: nothing written).
 */
int	platform_info_acpi_xml(FILE *, const uint8_t *rsdp, size_t len);

/* Genode's <kernel name acpi msi iommu/>: what this Linux kernel offers core. */
void	platform_info_kernel_xml(FILE *);

#endif
