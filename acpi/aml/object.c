/*
 * Objects and the arena they live in. Nothing is freed one by one: the
 * arena goes with the namespace, and its cap turns runaway allocation by
 * a looping method into an error instead of an out-of-memory kill.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CHUNK (256 * 1024)

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			used, size;
	max_align_t		data[];
};

void *
arena_alloc(struct aml_ns *ns, size_t n)
{
	struct arena_chunk *c = ns->arena;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->used + n > c->size) {
		size_t size = n > CHUNK ? n : CHUNK;

		if (ns->arena_used + size > ns->arena_cap) {
			if (ns->fail) {
				snprintf(ns->err, ns->errlen, "out of interpreter memory (%zu KiB cap)",
				    ns->arena_cap / 1024);
				longjmp(*ns->fail, 1);
			}
			return NULL;	/* outside an evaluation: the public caller reports it */
		}
		c = malloc(sizeof *c + size);
		if (!c) {
			if (ns->fail) {
				snprintf(ns->err, ns->errlen, "out of memory");
				longjmp(*ns->fail, 1);
			}
			return NULL;
		}
		c->next = ns->arena;
		c->used = 0;
		c->size = size;
		ns->arena = c;
		ns->arena_used += size;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

void
arena_free_all(struct aml_ns *ns)
{
	while (ns->arena) {
		struct arena_chunk *n = ns->arena->next;

		free(ns->arena);
		ns->arena = n;
	}
	ns->arena_used = 0;
}

/* Inside an evaluation (ns->fail set): never returns NULL, it fails the evaluation instead. */
struct aml_obj *
obj_new(struct aml_ns *ns, enum aml_type t)
{
	struct aml_obj *o = arena_alloc(ns, sizeof *o);

	if (o)
		o->type = (uint8_t)t;
	return o;
}

struct aml_obj *
aml_int(struct aml_ns *ns, uint64_t v)
{
	struct aml_obj *o = arena_alloc(ns, sizeof *o);	/* NULL outside an evaluation when full */

	if (o) {
		o->type = AML_INT;
		o->i = v;
	}
	return o;
}

struct aml_obj *
obj_str(struct aml_ns *ns, const char *p, size_t len)
{
	struct aml_obj *o = obj_new(ns, AML_STR);

	o->s.p = arena_alloc(ns, len + 1);
	memcpy(o->s.p, p, len);
	o->s.len = (uint32_t)len;
	return o;
}

struct aml_obj *
obj_buf(struct aml_ns *ns, const uint8_t *p, size_t len)
{
	struct aml_obj *o = obj_new(ns, AML_BUF);

	o->b.p = arena_alloc(ns, len ? len : 1);
	if (p)
		memcpy(o->b.p, p, len);
	o->b.len = (uint32_t)len;
	return o;
}

struct aml_obj *
obj_pkg(struct aml_ns *ns, uint32_t n)
{
	struct aml_obj *o = obj_new(ns, AML_PKG);

	o->pkg.e = arena_alloc(ns, sizeof(struct aml_obj *) * (n ? n : 1));
	o->pkg.n = n;
	for (uint32_t i = 0; i < n; i++)
		o->pkg.e[i] = obj_new(ns, AML_UNINIT);
	return o;
}

struct aml_obj *
obj_copy(struct aml_ns *ns, const struct aml_obj *src)
{
	struct aml_obj *o;

	if (!src)
		return obj_new(ns, AML_UNINIT);
	switch (src->type) {
	case AML_STR:
		return obj_str(ns, src->s.p, src->s.len);
	case AML_BUF:
		return obj_buf(ns, src->b.p, src->b.len);
	case AML_PKG:
		o = obj_pkg(ns, src->pkg.n);
		for (uint32_t i = 0; i < src->pkg.n; i++)
			o->pkg.e[i] = obj_copy(ns, src->pkg.e[i]);
		return o;
	default:
		o = obj_new(ns, (enum aml_type)src->type);
		*o = *src;
		return o;
	}
}

const char *
type_name(uint8_t t)
{
	switch (t) {
	case AML_UNINIT: return "uninitialized";
	case AML_INT: return "Integer";
	case AML_STR: return "String";
	case AML_BUF: return "Buffer";
	case AML_PKG: return "Package";
	case AML_FIELD_UNIT: return "FieldUnit";
	case AML_DEVICE: return "Device";
	case AML_EVENT: return "Event";
	case AML_METHOD: return "Method";
	case AML_MUTEX: return "Mutex";
	case AML_REGION: return "OperationRegion";
	case AML_POWER: return "PowerResource";
	case AML_PROCESSOR: return "Processor";
	case AML_THERMAL: return "ThermalZone";
	case AML_BUFFER_FIELD: return "BufferField";
	case AML_DEBUG: return "DebugObject";
	case AML_REF: return "Reference";
	case AML_NAMEREF: return "name reference";
	default: return "?";
	}
}

/* Values behind references (Index, RefOf, names in packages). */
struct aml_obj *
deref(struct frame *f, struct aml_obj *o)
{
	for (int hops = 0; o && hops < 16; hops++) {
		if (o->type == AML_NAMEREF) {
			struct aml_node *n = aml_nameref_node(o);

			if (!n)
				aml_fail(f, "unresolved name %s in a package", o->nref.path);
			o = n->kind == N_NAME ? n->obj : n->kind == N_FIELD ? field_read(f, n)
			    : n->kind == N_BUFFER_FIELD ? buffer_field_read(f, n) : o;
			if (o->type == AML_NAMEREF)
				return o;
			continue;
		}
		if (o->type != AML_REF)
			return o;
		switch (o->ref.kind) {
		case REF_SLOT:
			o = *o->ref.slot;
			break;
		case REF_PKG_ELEM:
			o = o->ref.container->pkg.e[o->ref.index];
			break;
		case REF_BUF_BYTE:
			return aml_int(f->ns, o->ref.container->b.p[o->ref.index]);
		case REF_NODE: {
			struct aml_node *n = o->ref.node;

			if (n->kind == N_NAME)
				o = n->obj;
			else if (n->kind == N_FIELD)
				return field_read(f, n);
			else if (n->kind == N_BUFFER_FIELD)
				return buffer_field_read(f, n);
			else
				return o;
			break;
		}
		}
	}
	if (!o)
		aml_fail(f, "reference to nothing");
	return o;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint64_t
to_int(struct frame *f, struct aml_obj *o)
{
	uint64_t v = 0;

	o = deref(f, o);
	switch (o->type) {
	case AML_INT:
		return o->i & f->ns->ones;
	case AML_STR: {
		/* Implicit String->Integer: hex digits, optional 0x, up to the integer width. */
		const char *p = o->s.p;
		unsigned digits = 0, max = f->ns->int64 ? 16 : 8;

		while (*p == ' ')
			p++;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2;
		for (; *p && hexval(*p) >= 0 && digits < max; p++, digits++)
			v = v << 4 | (uint64_t)hexval(*p);
		return v;
	}
	case AML_BUF: {
		unsigned n = o->b.len < (f->ns->int64 ? 8u : 4u) ? o->b.len : (f->ns->int64 ? 8u : 4u);

		for (unsigned i = 0; i < n; i++)
			v |= (uint64_t)o->b.p[i] << (8 * i);
		return v;
	}
	default:
		aml_fail(f, "%s where an Integer is needed", type_name(o->type));
	}
}

struct aml_obj *
to_buffer(struct frame *f, struct aml_obj *o)
{
	o = deref(f, o);
	switch (o->type) {
	case AML_BUF:
		return o;
	case AML_INT: {
		uint8_t b[8];
		unsigned n = f->ns->int64 ? 8 : 4;

		for (unsigned i = 0; i < 8; i++)
			b[i] = (uint8_t)(o->i >> (8 * i));
		return obj_buf(f->ns, b, n);
	}
	case AML_STR:
		return obj_buf(f->ns, (const uint8_t *)o->s.p, o->s.len ? o->s.len + 1 : 0);
	default:
		aml_fail(f, "%s where a Buffer is needed", type_name(o->type));
	}
}

struct aml_obj *
to_string(struct frame *f, struct aml_obj *o)
{
	char tmp[32];

	o = deref(f, o);
	switch (o->type) {
	case AML_STR:
		return o;
	case AML_INT:
		snprintf(tmp, sizeof tmp, f->ns->int64 ? "%016llX" : "%08llX", (unsigned long long)o->i);
		return obj_str(f->ns, tmp, strlen(tmp));
	case AML_BUF: {
		/* Implicit Buffer->String: hex bytes separated by spaces (ACPI 6.4 19.3.5.7). */
		struct aml_obj *s = obj_new(f->ns, AML_STR);
		uint32_t len = o->b.len ? o->b.len * 5 - 1 : 0;

		s->s.p = arena_alloc(f->ns, len + 1);
		for (uint32_t i = 0; i < o->b.len; i++)
			snprintf(s->s.p + i * 5, 6, i + 1 < o->b.len ? "0x%02X " : "0x%02X", o->b.p[i]);
		s->s.len = len;
		return s;
	}
	default:
		aml_fail(f, "%s where a String is needed", type_name(o->type));
	}
}
