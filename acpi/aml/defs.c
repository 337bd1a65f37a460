/* Named objects: creating names, Field lists, Create*Field, scopes with a body (ACPI 6.4 20.2.5). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct aml_node *
aml_create(struct frame *f, const struct name_path *p, enum node_kind kind, int reuse)
{
	struct aml_node *parent, *n;
	uint32_t last;
	char buf[256];

	parent = aml_path_parent(f->scope, p, &last);
	if (!parent) {
		aml_path_format(p, buf, sizeof buf);
		aml_fail(f, "scope of %s does not exist", buf);
	}
	n = aml_node_child_name(parent, last);
	if (n) {
		/* Device etc. opened twice (a method's names go when it ends, aborted or not) */
		if (reuse && n->kind == kind)
			return n;
		aml_path_format(p, buf, sizeof buf);
		aml_fail(f, "%s already exists", buf);
	}
	n = aml_node_new(f->ns, parent, last, kind);
	if (f->method && f->ncreated < sizeof f->created / sizeof f->created[0])
		f->created[f->ncreated++] = n;
	else if (f->method)
		aml_fail(f, "method creates more than %zu names", sizeof f->created / sizeof f->created[0]);
	return n;
}

void
aml_field_list(struct frame *f, const uint8_t *end, uint8_t flags, struct aml_node *region,
    struct aml_node *index, struct aml_node *data, struct aml_node *bank, uint64_t bank_value,
    enum field_kind fk)
{
	uint64_t bit = 0;
	const uint8_t *save_end = f->end;

	f->end = end;
	while (f->pc < end) {
		uint8_t c = aml_peek(f);

		if (c == 0x00) {
			f->pc++;
			bit += aml_pkg_value(f);
		} else if (c == 0x01) {
			f->pc++;
			flags = (uint8_t)((flags & 0xf0) | (aml_next(f) & 0x0f));
			aml_next(f);
		} else if (c == 0x02) {
			struct name_path p;

			f->pc++;
			if (aml_peek(f) == 0x11) {
				f->pc++;
				aml_buffer_op(f);
			} else
				aml_name_string(f, &p);
		} else if (c == 0x03) {
			f->pc++;
			flags = (uint8_t)((flags & 0xf0) | (aml_next(f) & 0x0f));
			aml_next(f);
			aml_next(f);
		} else {
			struct name_path p = { .nseg = 1 };
			struct aml_node *n;
			uint32_t len;

			p.seg[0] = aml_name_seg(f);
			len = aml_pkg_value(f);
			n = aml_create(f, &p, N_FIELD, 0);
			n->f.fk = fk;
			n->f.region = region;
			n->f.index = index;
			n->f.data = data;
			n->f.bank = bank;
			n->f.bank_value = bank_value;
			n->f.bit_offset = (uint32_t)bit;
			n->f.bit_len = len;
			n->f.flags = flags;
			bit += len;
		}
	}
	f->end = save_end;
}

struct aml_node *
aml_resolve_kind(struct frame *f, enum node_kind kind, const char *what)
{
	struct name_path p;
	struct aml_node *n;

	aml_name_string(f, &p);
	n = aml_resolve(f, &p);
	if (n->kind != kind)
		aml_fail(f, "%s is a %s, not a %s", what, aml_type_name(aml_node_type(n)), aml_type_name(kind == N_REGION ? AML_REGION : AML_FIELD_UNIT));
	return n;
}

/* The name of a Create*Field, created; not inlined so no name_path is on the stack while operands run. */
static __attribute__((noinline)) struct aml_node *
create_field_node(struct frame *f, struct aml_obj *src, uint64_t index, uint64_t bits)
{
	struct name_path p;

	aml_name_string(f, &p);
	if (src->type != AML_BUF)
		aml_fail(f, "Create*Field on a %s, not a Buffer", aml_type_name(src->type));
	if (bits == 0 || index + bits > (uint64_t)src->b.len * 8)
		aml_fail(f, "field of %llu bits at bit %llu lies outside the %u-byte buffer",
		    (unsigned long long)bits, (unsigned long long)index, src->b.len);
	return aml_create(f, &p, N_BUFFER_FIELD, 0);
}

void
aml_create_field(struct frame *f, unsigned op)
{
	struct aml_obj *src = aml_deref(f, aml_eval_arg(f));
	uint64_t index = aml_eval_int(f), bits;
	struct aml_node *n;

	switch (op) {
	case 0x8d: bits = 1; break;
	case 0x8c: bits = 8; index *= 8; break;
	case 0x8b: bits = 16; index *= 8; break;
	case 0x8a: bits = 32; index *= 8; break;
	case 0x8f: bits = 64; index *= 8; break;
	default: bits = aml_eval_int(f); break;		/* CreateField: bit index, bit count */
	}
	n = create_field_node(f, src, index, bits);
	n->bf.buf = src;
	n->bf.bit_offset = (uint32_t)index;
	n->bf.bit_len = (uint32_t)bits;
}

/* Scope, Device, Processor, PowerResource, ThermalZone: a named scope with a body. */
void
aml_scope_body(struct frame *f, const uint8_t *end, struct aml_node *n)
{
	struct aml_node *save_scope = f->scope;
	const uint8_t *save_end = f->end;

	f->scope = n;
	f->end = end;
	aml_exec_termlist(f, end);
	f->scope = save_scope;
	f->end = save_end;
	f->pc = end;
}

/* Header of a named scope, its node created; not inlined: the body must not run with a name_path on the stack. */
static __attribute__((noinline)) struct aml_node *
named_scope_node(struct frame *f, enum node_kind kind, unsigned skip, const uint8_t *end)
{
	struct name_path p;

	aml_name_string(f, &p);
	for (unsigned i = 0; i < skip; i++)
		aml_next(f);
	aml_header_within(f, end);
	return aml_create(f, &p, kind, 1);
}

void
aml_named_scope(struct frame *f, enum node_kind kind, unsigned skip)
{
	const uint8_t *end = aml_pkg_end(f);

	aml_scope_body(f, end, named_scope_node(f, kind, skip, end));
}
