/*
 * Parsers of the fixed-layout ACPI tables PCI needs (ACPI 6.4 5.2; DMAR:
 * Intel VT-d 3.x chapter 8; MCFG: PCI Firmware 3.2 4.1.2). Each checks
 * every length before it reads, reports what it skipped, and fills a
 * plain struct; nothing here allocates.
 */
#ifndef ACPI_PARSE_H
#define ACPI_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define MAX_ITEMS 64

struct acpi_info {
	/* MCFG */
	struct { uint64_t base; uint16_t segment; uint8_t bus_start, bus_end; } mcfg[16];
	unsigned	nmcfg;
	/* MADT */
	uint32_t	lapic_addr;
	struct { uint8_t id; uint32_t addr, gsi_base; } ioapic[16];
	unsigned	nioapic;
	struct { uint8_t bus, irq; uint32_t gsi; uint16_t flags; } iso[32];
	unsigned	niso;
	unsigned	nlapic;
	struct { uint32_t gsi; uint16_t flags; } nmi_source[8];	/* MADT type 3 */
	unsigned	nnmi_source;
	struct { uint8_t uid; uint16_t flags; uint8_t lint; } lapic_nmi[16];	/* MADT type 4 */
	unsigned	nlapic_nmi;
	/* FADT */
	int		have_fadt;
	uint16_t	sci_int;
	uint64_t	dsdt;
	uint8_t		reset_space;		/* GAS address space of RESET_REG */
	uint64_t	reset_addr;
	uint8_t		reset_value;
	int		reset_supported;
	/* DMAR */
	int		have_dmar;
	uint8_t		dmar_haw, dmar_flags;
	struct dmar_unit {
		int		rmrr;		/* 0: DRHD, 1: RMRR */
		uint8_t		flags;
		uint8_t		size_log2;	/* DRHD: its registers span 2^size_log2 4 KiB pages (VT-d 3.x 8.3) */
		uint16_t	segment;
		uint64_t	base, limit;
		struct { uint8_t type, id, bus, path[8][2]; unsigned npath; } scope[8];	/* id: enumeration ID */
		unsigned	nscope;
	} dmar[16];
	unsigned	ndmar;
	/* HPET */
	int		have_hpet;
	uint64_t	hpet_base;
	uint8_t		hpet_number;
	/* messages about what was wrong and skipped */
	char		warnings[1024];
};

/* Parse one table into info (by its signature; others are ignored). 0 or -EINVAL with why. */
int	acpi_parse_table(struct acpi_info *, const uint8_t *t, size_t len, char *why, size_t whylen);

/*
 * RSDP (ACPI 6.4 5.2.5): find "RSD PTR " on a 16-byte boundary with a good
 * checksum in buf (which maps physical base..base+len). Returns the
 * physical address of the RSDT (or XSDT if *xsdt) or 0.
 */
uint64_t acpi_find_rsdp(const uint8_t *buf, size_t len, uint64_t base, int *xsdt, uint8_t *revision);

/* Entries of an RSDT (4-byte) or XSDT (8-byte): up to max addresses. Returns count or -EINVAL. */
int	acpi_root_entries(const uint8_t *t, size_t len, int xsdt, uint64_t *out, unsigned max,
	    char *why, size_t whylen);

#endif
