/*
 * Field units (ACPI 6.4 19.6.48, 19.6.64, 19.6.7) and buffer fields.
 * A field is read and written in units of its access width; the region
 * backend decides what a unit access does (hardware through core's
 * sessions, or nothing: reads zero, writes dropped).
 */
#include <string.h>

#include "internal.h"

static unsigned
access_bits(const struct aml_node *n)
{
	switch (n->f.flags & 0x0f) {
	case 2: return 16;
	case 3: return 32;
	case 4: return 64;
	default: return 8;	/* AnyAcc, ByteAcc, BufferAcc */
	}
}

static uint64_t
region_address(struct frame *f, struct aml_node *region, uint64_t off)
{
	if (region->r.space == 2)
		return aml_pci_config_address(f, region, region->r.offset + off);
	return region->r.offset + off;
}

static const char *const space_names[] = {
	"SystemMemory", "SystemIO", "PCI_Config", "EmbeddedControl", "SMBus", "SystemCMOS", "PCIBARTarget",
	"IPMI", "GeneralPurposeIO", "GenericSerialBus", "PCC",
};

static const char *
space_name(uint8_t s)
{
	return s < sizeof space_names / sizeof space_names[0] ? space_names[s] : "vendor-defined space";
}

/*
 * One access unit at byte offset `off` of a Field or BankField's region
 * (a BankField selects its bank first): bounds, address, the backend.
 */
static void
region_unit(struct frame *f, struct aml_node *n, uint64_t off, unsigned width, int write, uint64_t *v)
{
	const struct aml_region_ops *ops = f->ns->regions;
	struct aml_node *r = n->f.region;
	uint64_t addr;

	if (n->f.fk == FIELD_BANK)
		aml_field_write(f, n->f.bank, aml_int(f->ns, n->f.bank_value));
	if (off + width / 8 > r->r.length && r->r.space != 0x7f)
		aml_fail(f, "field access at 0x%llx beyond its %llu-byte region",
		    (unsigned long long)off, (unsigned long long)r->r.length);
	addr = region_address(f, r, off);
	if (write ? ops->write(ops->ctx, r->r.space, addr, width, *v) : ops->read(ops->ctx, r->r.space, addr, width, v))
		aml_fail(f, "%u-bit %s of %s at 0x%llx refused", width, write ? "write" : "read",
		    space_name(r->r.space), (unsigned long long)addr);
}

/* One access unit at byte offset `off` of the field's space. */
static uint64_t
unit_read(struct frame *f, struct aml_node *n, uint64_t off, unsigned width)
{
	uint64_t v = 0;

	if (n->f.fk != FIELD_INDEX) {
		region_unit(f, n, off, width, 0, &v);
		return v;
	}
	aml_field_write(f, n->f.index, aml_int(f->ns, off));
	return aml_to_int(f, aml_field_read(f, n->f.data));
}

static void
unit_write(struct frame *f, struct aml_node *n, uint64_t off, unsigned width, uint64_t v)
{
	if (n->f.fk != FIELD_INDEX) {
		region_unit(f, n, off, width, 1, &v);
		return;
	}
	aml_field_write(f, n->f.index, aml_int(f->ns, off));
	aml_field_write(f, n->f.data, aml_int(f->ns, v));
}

static uint64_t
mask(unsigned bits)
{
	return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

struct aml_obj *
aml_field_read(struct frame *f, struct aml_node *n)
{
	unsigned width = access_bits(n), bits = n->f.bit_len, bytes = (bits + 7) / 8;
	uint64_t first = n->f.bit_offset / width * width;
	struct aml_obj *out;
	uint8_t *dst;

	if (bits == 0)
		return aml_int(f->ns, 0);
	if (bits > 1u << 20)
		aml_fail(f, "field of %u bits is not plausible", bits);
	out = bits <= (f->ns->int64 ? 64u : 32u) ? aml_int(f->ns, 0) : aml_obj_buf(f->ns, NULL, bytes);
	dst = out->type == AML_BUF ? out->b.p : NULL;
	/* Walk the units; copy the field's bits into the result, bit by bit is clear and fast enough. */
	for (uint64_t u = first; u < (uint64_t)n->f.bit_offset + bits; u += width) {
		uint64_t v = unit_read(f, n, u / 8, width);

		for (unsigned b = 0; b < width; b++) {
			uint64_t abs = u + b;
			uint64_t rel;

			if (abs < n->f.bit_offset || abs >= (uint64_t)n->f.bit_offset + bits)
				continue;
			rel = abs - n->f.bit_offset;
			if (!(v >> b & 1))
				continue;
			if (dst)
				dst[rel / 8] |= (uint8_t)(1u << (rel % 8));
			else
				out->i |= 1ull << rel;
		}
	}
	return out;
}

void
aml_field_write(struct frame *f, struct aml_node *n, struct aml_obj *val)
{
	unsigned width = access_bits(n), bits = n->f.bit_len, update = (n->f.flags >> 5) & 3;
	uint64_t first = n->f.bit_offset / width * width;
	struct aml_obj *src = aml_deref(f, val);
	struct aml_obj *buf = src->type == AML_INT ? NULL : aml_to_buffer(f, src);
	uint64_t ival = src->type == AML_INT ? src->i : 0;

	for (uint64_t u = first; u < (uint64_t)n->f.bit_offset + bits; u += width) {
		int whole = u >= n->f.bit_offset && u + width <= (uint64_t)n->f.bit_offset + bits;
		/* UpdateRule: Preserve reads first; WriteAsOnes/Zeros fill the rest. */
		uint64_t v = whole ? 0 : update == 0 ? unit_read(f, n, u / 8, width) : update == 1 ? ~0ull : 0;

		for (unsigned b = 0; b < width; b++) {
			uint64_t abs = u + b, rel;
			int bit;

			if (abs < n->f.bit_offset || abs >= (uint64_t)n->f.bit_offset + bits)
				continue;
			rel = abs - n->f.bit_offset;
			bit = buf ? (rel / 8 < buf->b.len ? buf->b.p[rel / 8] >> (rel % 8) & 1 : 0)
			    : (rel < 64 ? (int)(ival >> rel & 1) : 0);
			v = (v & ~(1ull << b)) | ((uint64_t)bit << b);
		}
		unit_write(f, n, u / 8, width, v & mask(width));
	}
}

struct aml_obj *
aml_buffer_field_read(struct frame *f, struct aml_node *n)
{
	struct aml_obj *b = n->bf.buf, *out;
	unsigned bits = n->bf.bit_len;

	if ((uint64_t)n->bf.bit_offset + bits > (uint64_t)b->b.len * 8)
		aml_fail(f, "buffer field outside its buffer (it shrank)");
	out = bits <= (f->ns->int64 ? 64u : 32u) ? aml_int(f->ns, 0) : aml_obj_buf(f->ns, NULL, (bits + 7) / 8);
	for (unsigned i = 0; i < bits; i++) {
		unsigned abs = n->bf.bit_offset + i;

		if (!(b->b.p[abs / 8] >> (abs % 8) & 1))
			continue;
		if (out->type == AML_INT)
			out->i |= 1ull << i;
		else
			out->b.p[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	return out;
}

void
aml_buffer_field_write(struct frame *f, struct aml_node *n, struct aml_obj *val)
{
	struct aml_obj *b = n->bf.buf, *src = aml_deref(f, val), *buf = NULL;
	uint64_t ival = 0;

	if ((uint64_t)n->bf.bit_offset + n->bf.bit_len > (uint64_t)b->b.len * 8)
		aml_fail(f, "buffer field outside its buffer (it shrank)");
	if (src->type == AML_INT)
		ival = src->i;
	else
		buf = aml_to_buffer(f, src);
	for (unsigned i = 0; i < n->bf.bit_len; i++) {
		unsigned abs = n->bf.bit_offset + i;
		int bit = buf ? (i / 8 < buf->b.len ? buf->b.p[i / 8] >> (i % 8) & 1 : 0)
		    : (i < 64 ? (int)(ival >> i & 1) : 0);

		b->b.p[abs / 8] = (uint8_t)((b->b.p[abs / 8] & ~(1u << (abs % 8))) | (unsigned)bit << (abs % 8));
	}
}
