/* The AML byte stream: constants, PkgLength, NameStrings and their lookup (ACPI 6.4 20.2). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "internal.h"

uint8_t
aml_peek(struct frame *f)
{
	if (f->pc >= f->end)
		aml_fail(f, "unexpected end of AML");
	return *f->pc;
}

uint8_t
aml_next(struct frame *f)
{
	uint8_t c = aml_peek(f);

	f->pc++;
	return c;
}

uint64_t
aml_next_n(struct frame *f, unsigned n)
{
	uint64_t v = 0;

	if ((size_t)(f->end - f->pc) < n)
		aml_fail(f, "unexpected end of AML in a %u-byte constant", n);
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)f->pc[i] << (8 * i);
	f->pc += n;
	return v;
}

/* PkgLength (20.2.4): returns the encoded value. */
uint32_t
aml_pkg_value(struct frame *f)
{
	uint8_t lead = aml_next(f);
	unsigned extra = lead >> 6;
	uint32_t v;

	if (!extra)
		return lead & 0x3f;
	v = lead & 0x0f;
	for (unsigned i = 0; i < extra; i++)
		v |= (uint32_t)aml_next(f) << (4 + 8 * i);
	return v;
}

/* PkgLength of an object: returns where it ends, checked against the enclosing end. */
const uint8_t *
aml_pkg_end(struct frame *f)
{
	const uint8_t *start = f->pc;
	uint32_t len = aml_pkg_value(f);

	if (len > (size_t)(f->end - start))
		aml_fail(f, "package length %u runs past the end of its container", len);
	if (start + len < f->pc)
		aml_fail(f, "package length %u shorter than its own encoding", len);
	return start + len;
}

static int
lead_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

int
aml_name_start(uint8_t c)
{
	return lead_char(c) || c == '\\' || c == '^' || c == 0x2e || c == 0x2f;
}

uint32_t
aml_name_seg(struct frame *f)
{
	uint32_t v = (uint32_t)aml_next_n(f, 4);

	for (int i = 0; i < 4; i++) {
		uint8_t c = (uint8_t)(v >> (8 * i));

		if (!(lead_char(c) || (i && c >= '0' && c <= '9')))
			aml_fail(f, "bad character 0x%02x in a name", c);
	}
	return v;
}

void
aml_name_string(struct frame *f, struct name_path *p)
{
	uint8_t c;

	p->root = 0;
	p->up = 0;
	p->nseg = 0;
	if (aml_peek(f) == '\\') {
		p->root = 1;
		f->pc++;
	} else
		while (aml_peek(f) == '^') {
			p->up++;
			f->pc++;
		}
	c = aml_peek(f);
	if (c == 0x2e) {
		f->pc++;
		p->nseg = 2;
	} else if (c == 0x2f) {
		f->pc++;
		p->nseg = aml_next(f);
	} else if (c == 0x00) {
		f->pc++;
		return;
	} else
		p->nseg = 1;
	for (unsigned i = 0; i < p->nseg; i++)
		p->seg[i] = aml_name_seg(f);
}

struct aml_node *
aml_resolve(struct frame *f, const struct name_path *p)
{
	struct aml_node *n = aml_path_lookup(f->scope, p);
	char buf[256];

	if (!n) {
		aml_path_format(p, buf, sizeof buf);
		aml_fail(f, "name %s not found", buf);
	}
	while (n->kind == N_ALIAS) {
		if (!n->target)
			aml_fail(f, "alias to nothing");
		n = n->target;
	}
	return n;
}

/* The header of a PkgLength construct (name, flags, ...) must lie inside its package. */
void
aml_header_within(struct frame *f, const uint8_t *end)
{
	if (f->pc > end)
		aml_fail(f, "object header runs past its package (%ld bytes)", (long)(f->pc - end));
}
