/*
 * RMRRs from ACPI's DMAR table (VT-d spec, "DMA Remapping Reporting
 * Structure"): a 48-byte header, then remapping structures of type (16
 * bit) and length (16 bit); an RMRR (type 1) holds a segment at 6, base
 * at 8 and limit at 16 (64 bit each), then device scopes from 24: type,
 * length, two reserved bytes, enumeration id, start bus, then (device,
 * function) pairs, one per bridge on the way. Linux mechanism: the table's
 * sysfs copy only; the parse takes a buffer so that a test can feed one.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dmar_rmrr.h"

#define DMAR_HEADER	48
#define RMRR_TYPE	1
#define RMRR_SCOPES	24
#define SCOPE_ENDPOINT	1	/* PCI endpoint device */
#define SCOPE_BRIDGE	2	/* PCI sub-hierarchy: the bridge's own function is named too */

static uint64_t
le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Does one RMRR's scope list (s .. end) name bdf? Longer paths counted in *multi. */
static int
scopes_name(const uint8_t *s, const uint8_t *end, unsigned bdf, unsigned *multi)
{
	while (s + 6 <= end) {
		unsigned type = s[0], slen = s[1];

		if (slen < 6 || s + slen > end)
			return -EINVAL;
		if ((type == SCOPE_ENDPOINT || type == SCOPE_BRIDGE) && slen == 8 &&
		    ((unsigned)s[5] << 8 | (s[6] & 0x1f) << 3 | (s[7] & 7)) == bdf)
			return 1;
		if ((type == SCOPE_ENDPOINT || type == SCOPE_BRIDGE) && slen > 8)
			(*multi)++;
		s += slen;
	}
	return 0;
}

int
dmar_rmrr_parse(const uint8_t *tbl, size_t len, unsigned bdf, struct rmrr_range *out, unsigned max,
    unsigned *multi)
{
	size_t off = DMAR_HEADER;
	int n = 0;

	*multi = 0;
	if (len < DMAR_HEADER || memcmp(tbl, "DMAR", 4))
		return -EINVAL;
	if (le(tbl + 4, 4) < len)
		len = le(tbl + 4, 4);	/* the header's length bounds the structures */
	while (off + 4 <= len) {
		unsigned type = (unsigned)le(tbl + off, 2), slen = (unsigned)le(tbl + off + 2, 2);
		int named;

		if (slen < 4 || off + slen > len)
			return -EINVAL;
		if (type == RMRR_TYPE) {
			struct rmrr_range g;

			if (slen < RMRR_SCOPES)
				return -EINVAL;
			g = (struct rmrr_range){ le(tbl + off + 8, 8), le(tbl + off + 16, 8) };
			if (le(tbl + off + 6, 2) == 0 &&
			    (named = scopes_name(tbl + off + RMRR_SCOPES, tbl + off + slen, bdf, multi)) != 0) {
				if (named < 0)
					return named;
				/* VT-d 8.4: base 4 KiB aligned, limit its last byte; a broken range is not mapped. */
				if (g.end >= g.base && !(g.base & 0xfff) && (g.end & 0xfff) == 0xfff) {
					if ((unsigned)n < max)
						out[n] = g;
					n++;
				}
			}
		}
		off += slen;
	}
	return n;
}

int
dmar_rmrr_for(unsigned bdf, struct rmrr_range *out, unsigned max, unsigned *multi)
{
	static uint8_t tbl[64 * 1024];
	ssize_t r;
	size_t len = 0;
	int fd = open("/sys/firmware/acpi/tables/DMAR", O_RDONLY | O_CLOEXEC);

	*multi = 0;
	if (fd < 0)
		return 0;	/* no DMAR: no VT-d, no RMRR */
	while (len < sizeof tbl && (r = read(fd, tbl + len, sizeof tbl - len)) > 0)
		len += (size_t)r;
	close(fd);
	return dmar_rmrr_parse(tbl, len, bdf, out, max, multi);
}
