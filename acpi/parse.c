/* Fixed-layout ACPI tables (see parse.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "tables.h"

static uint16_t r16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t r32(const uint8_t *p) { return (uint32_t)r16(p) | (uint32_t)r16(p + 2) << 16; }
static uint64_t r64(const uint8_t *p) { return r32(p) | (uint64_t)r32(p + 4) << 32; }

static void
warn(struct acpi_info *ai, const char *fmt, const char *sig, unsigned off, unsigned len)
{
	size_t used = strlen(ai->warnings);

	if (used + 1 < sizeof ai->warnings)
		snprintf(ai->warnings + used, sizeof ai->warnings - used, fmt, sig, off, len);
}

static void
mcfg(struct acpi_info *ai, const uint8_t *t, uint32_t len)
{
	for (uint32_t o = 44; o + 16 <= len && ai->nmcfg < 16; o += 16) {
		ai->mcfg[ai->nmcfg].base = r64(t + o);
		ai->mcfg[ai->nmcfg].segment = r16(t + o + 8);
		ai->mcfg[ai->nmcfg].bus_start = t[o + 10];
		ai->mcfg[ai->nmcfg].bus_end = t[o + 11];
		ai->nmcfg++;
	}
}

static void
madt(struct acpi_info *ai, const uint8_t *t, uint32_t len)
{
	if (len < 44)
		return;
	ai->lapic_addr = r32(t + 36);
	for (uint32_t o = 44; o + 2 <= len;) {
		uint8_t type = t[o], l = t[o + 1];

		if (l < 2 || o + l > len) {
			warn(ai, "%s: entry at offset %u has length %u; rest of the table skipped\n", "APIC", o, l);
			break;
		}
		if (type == 0 && l >= 8)
			ai->nlapic++;
		else if (type == 1 && l >= 12 && ai->nioapic < 16) {
			ai->ioapic[ai->nioapic].id = t[o + 2];
			ai->ioapic[ai->nioapic].addr = r32(t + o + 4);
			ai->ioapic[ai->nioapic].gsi_base = r32(t + o + 8);
			ai->nioapic++;
		} else if (type == 2 && l >= 10 && ai->niso < 32) {
			ai->iso[ai->niso].bus = t[o + 2];
			ai->iso[ai->niso].irq = t[o + 3];
			ai->iso[ai->niso].gsi = r32(t + o + 4);
			ai->iso[ai->niso].flags = r16(t + o + 8);
			ai->niso++;
		} else if (type == 3 && l >= 8 && ai->nnmi_source < 8) {
			ai->nmi_source[ai->nnmi_source].flags = r16(t + o + 2);
			ai->nmi_source[ai->nnmi_source].gsi = r32(t + o + 4);
			ai->nnmi_source++;
		} else if (type == 4 && l >= 6 && ai->nlapic_nmi < 16) {
			ai->lapic_nmi[ai->nlapic_nmi].uid = t[o + 2];
			ai->lapic_nmi[ai->nlapic_nmi].flags = r16(t + o + 3);
			ai->lapic_nmi[ai->nlapic_nmi].lint = t[o + 5];
			ai->nlapic_nmi++;
		} else if ((type == 1 && l < 12) || (type == 2 && l < 10))
			warn(ai, "%s: entry at offset %u too short (%u); skipped\n", "APIC", o, l);
		o += l;
	}
}

static void
fadt(struct acpi_info *ai, const uint8_t *t, uint32_t len)
{
	ai->have_fadt = 1;
	if (len >= 44)
		ai->dsdt = r32(t + 40);
	if (len >= 48)
		ai->sci_int = r16(t + 46);
	if (len >= 129) {
		ai->reset_supported = len >= 116 && (r32(t + 112) & (1u << 10));
		ai->reset_space = t[116];
		ai->reset_addr = r64(t + 120);
		ai->reset_value = t[128];
	}
	if (len >= 148 && r64(t + 140))
		ai->dsdt = r64(t + 140);
}

static void
dmar_scopes(struct acpi_info *ai, struct dmar_unit *u, const uint8_t *p, uint32_t len)
{
	for (uint32_t o = 0; o + 6 <= len && u->nscope < 8;) {
		uint8_t l = p[o + 1];

		if (l < 6 || o + l > len) {
			warn(ai, "%s: device scope at offset %u has length %u; skipped\n", "DMAR", o, l);
			return;
		}
		u->scope[u->nscope].type = p[o];
		u->scope[u->nscope].id = p[o + 4];	/* the IOAPIC or HPET number (VT-d 8.3.1) */
		u->scope[u->nscope].bus = p[o + 5];
		u->scope[u->nscope].npath = 0;
		for (uint32_t q = 6; q + 2 <= l && u->scope[u->nscope].npath < 8; q += 2) {
			u->scope[u->nscope].path[u->scope[u->nscope].npath][0] = p[o + q];
			u->scope[u->nscope].path[u->scope[u->nscope].npath][1] = p[o + q + 1];
			u->scope[u->nscope].npath++;
		}
		u->nscope++;
		o += l;
	}
}

static void
dmar(struct acpi_info *ai, const uint8_t *t, uint32_t len)
{
	if (len < 48)
		return;
	ai->have_dmar = 1;
	ai->dmar_haw = (uint8_t)(t[36] + 1);
	ai->dmar_flags = t[37];
	for (uint32_t o = 48; o + 4 <= len;) {
		uint16_t type = r16(t + o), l = r16(t + o + 2);
		struct dmar_unit *u;

		if (l < 4 || o + l > len) {
			warn(ai, "%s: structure at offset %u has length %u; rest skipped\n", "DMAR", o, l);
			break;
		}
		if ((type == 0 && l >= 16) || (type == 1 && l >= 24)) {
			if (ai->ndmar == 16)
				break;
			u = &ai->dmar[ai->ndmar++];
			memset(u, 0, sizeof *u);
			u->rmrr = type == 1;
			u->flags = t[o + 4];
			u->size_log2 = type == 0 ? t[o + 5] & 0xf : 0;
			u->segment = r16(t + o + 6);
			u->base = r64(t + o + 8);
			u->limit = type == 1 ? r64(t + o + 16) : 0;
			dmar_scopes(ai, u, t + o + (type == 1 ? 24 : 16), l - (type == 1 ? 24u : 16u));
		}
		o += l;
	}
}

static void
hpet(struct acpi_info *ai, const uint8_t *t, uint32_t len)
{
	if (len < 56)
		return;
	ai->have_hpet = 1;
	ai->hpet_base = r64(t + 44);
	ai->hpet_number = t[52];
}

int
acpi_parse_table(struct acpi_info *ai, const uint8_t *t, size_t avail, char *why, size_t whylen)
{
	uint32_t len;

	if (table_check(t, avail, why, whylen))
		return -EINVAL;
	len = r32(t + 4);
	if (!memcmp(t, "MCFG", 4))
		mcfg(ai, t, len);
	else if (!memcmp(t, "APIC", 4))
		madt(ai, t, len);
	else if (!memcmp(t, "FACP", 4))
		fadt(ai, t, len);
	else if (!memcmp(t, "DMAR", 4))
		dmar(ai, t, len);
	else if (!memcmp(t, "HPET", 4))
		hpet(ai, t, len);
	return 0;
}

uint64_t
acpi_find_rsdp(const uint8_t *buf, size_t len, uint64_t base, int *xsdt, uint8_t *revision)
{
	for (size_t o = 0; o + 20 <= len; o += 16) {
		uint8_t sum = 0;

		if (memcmp(buf + o, "RSD PTR ", 8))
			continue;
		for (int i = 0; i < 20; i++)
			sum = (uint8_t)(sum + buf[o + i]);
		if (sum)
			continue;
		*revision = buf[o + 15];
		*xsdt = 0;
		if (*revision >= 2 && o + 36 <= len && r64(buf + o + 24)) {
			uint32_t l = r32(buf + o + 20);
			uint8_t s2 = 0;

			for (uint32_t i = 0; i < l && i < 36 && o + i < len; i++)
				s2 = (uint8_t)(s2 + buf[o + i]);
			if (!s2) {
				*xsdt = 1;
				return r64(buf + o + 24);
			}
		}
		(void)base;
		return r32(buf + o + 16);
	}
	return 0;
}

int
acpi_root_entries(const uint8_t *t, size_t avail, int xsdt, uint64_t *out, unsigned max,
    char *why, size_t whylen)
{
	unsigned n = 0, w = xsdt ? 8 : 4;
	uint32_t len;

	if (table_check(t, avail, why, whylen))
		return -EINVAL;
	if (memcmp(t, xsdt ? "XSDT" : "RSDT", 4)) {
		snprintf(why, whylen, "root table signature is %.4s, expected %s", t, xsdt ? "XSDT" : "RSDT");
		return -EINVAL;
	}
	len = r32(t + 4);
	for (uint32_t o = 36; o + w <= len && n < max; o += w)
		out[n++] = xsdt ? r64(t + o) : r32(t + o);
	return (int)n;
}
