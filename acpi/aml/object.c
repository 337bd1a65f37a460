/*
 * Objects and the arena they live in. Nothing is freed one by one. The
 * arena has two parts: the namespace's memory (tables, names, the values
 * stored in them), freed with the namespace, and scratch memory, used by
 * one top-level evaluation (aml_eval, or a method called while a table
 * loads) and given back whole when it ends, aborted or not: a loop that
 * allocates until it is aborted costs nothing afterwards. What outlives
 * an evaluation (its result, values stored into named objects or their
 * packages) is copied out of scratch memory by obj_keep. The cap turns
 * runaway allocation into an error instead of an out-of-memory kill.
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

/* Fails the evaluation naming the method that was running (aml_fail's format, without an offset). */
static _Noreturn void
arena_fail(struct aml_ns *ns, const char *what)
{
	char where[200];

	if (ns->top && ns->top->method)
		aml_path(ns->top->method, where, sizeof where);
	else
		snprintf(where, sizeof where, "%s", ns->top && ns->top->table ? ns->top->table : "AML");
	snprintf(ns->err, ns->errlen, "%s: %s", where, what);
	longjmp(*ns->fail, 1);
}

void *
aml_arena_alloc(struct aml_ns *ns, size_t n)
{
	struct arena_chunk **list = ns->scratch ? &ns->scratch_chunks : &ns->arena, *c = *list;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->used + n > c->size) {
		size_t size = n > CHUNK ? n : CHUNK;

		/* a new chunk per 256 KiB: where copying big objects gets checked against the time limit */
		if (ns->deadline && ns->fail && aml_past_deadline(ns)) {
			char what[96];

			snprintf(what, sizeof what, "the time limit of %u ms for all evaluations is spent; aborted",
			    ns->time_limit_ms);
			arena_fail(ns, what);
		}
		if (ns->arena_used + size > ns->arena_cap) {
			char what[96];

			if (!ns->fail)
				return NULL;	/* outside an evaluation: the public caller reports it */
			snprintf(what, sizeof what, "out of interpreter memory (%zu KiB cap)", ns->arena_cap / 1024);
			arena_fail(ns, what);
		}
		c = malloc(sizeof *c + size);
		if (!c) {
			if (!ns->fail)
				return NULL;
			arena_fail(ns, "out of memory");
		}
		c->next = *list;
		c->used = 0;
		c->size = size;
		*list = c;
		ns->arena_used += size;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

static void
chunks_free(struct aml_ns *ns, struct arena_chunk **list)
{
	while (*list) {
		struct arena_chunk *n = (*list)->next;

		ns->arena_used -= (*list)->size;
		free(*list);
		*list = n;
	}
}

void
aml_arena_free_all(struct aml_ns *ns)
{
	chunks_free(ns, &ns->arena);
	chunks_free(ns, &ns->scratch_chunks);
	ns->arena_used = 0;
}

void
aml_arena_scratch_begin(struct aml_ns *ns)
{
	ns->scratch = 1;
}

/* All of scratch memory back, but its first chunk (kept for the next evaluation, empty). */
void
aml_arena_scratch_end(struct aml_ns *ns)
{
	struct arena_chunk *keep = ns->scratch_chunks;

	ns->scratch = 0;
	if (!keep)
		return;
	while (keep->next)
		keep = keep->next;
	for (struct arena_chunk *c = ns->scratch_chunks, *n; c != keep; c = n) {
		n = c->next;
		ns->arena_used -= c->size;
		free(c);
	}
	keep->used = 0;
	ns->scratch_chunks = keep;
}

/* Inside an evaluation (ns->fail set): never returns NULL, it fails the evaluation instead. */
struct aml_obj *
aml_obj_new(struct aml_ns *ns, enum aml_type t)
{
	struct aml_obj *o = aml_arena_alloc(ns, sizeof *o);

	if (o) {
		o->type = (uint8_t)t;
		o->kept = !ns->scratch;
	}
	return o;
}

struct aml_obj *
aml_int(struct aml_ns *ns, uint64_t v)
{
	struct aml_obj *o = aml_arena_alloc(ns, sizeof *o);	/* NULL outside an evaluation when full */

	if (o) {
		o->type = AML_INT;
		o->kept = !ns->scratch;
		o->i = v;
	}
	return o;
}

struct aml_obj *
aml_obj_str(struct aml_ns *ns, const char *p, size_t len)
{
	struct aml_obj *o = aml_obj_new(ns, AML_STR);

	o->s.p = aml_arena_alloc(ns, len + 1);
	memcpy(o->s.p, p, len);
	o->s.len = (uint32_t)len;
	return o;
}

struct aml_obj *
aml_obj_buf(struct aml_ns *ns, const uint8_t *p, size_t len)
{
	struct aml_obj *o = aml_obj_new(ns, AML_BUF);

	o->b.p = aml_arena_alloc(ns, len ? len : 1);
	if (p)
		memcpy(o->b.p, p, len);
	o->b.len = (uint32_t)len;
	return o;
}

struct aml_obj *
aml_obj_pkg(struct aml_ns *ns, uint32_t n)
{
	struct aml_obj *o = aml_obj_new(ns, AML_PKG);

	o->pkg.e = aml_arena_alloc(ns, sizeof(struct aml_obj *) * (n ? n : 1));
	o->pkg.n = n;
	for (uint32_t i = 0; i < n; i++)
		o->pkg.e[i] = aml_obj_new(ns, AML_UNINIT);
	return o;
}

struct aml_obj *
aml_obj_copy(struct aml_ns *ns, const struct aml_obj *src)
{
	struct aml_obj *o;

	if (!src)
		return aml_obj_new(ns, AML_UNINIT);
	switch (src->type) {
	case AML_STR:
		return aml_obj_str(ns, src->s.p, src->s.len);
	case AML_BUF:
		return aml_obj_buf(ns, src->b.p, src->b.len);
	case AML_PKG:
		/* packages nested in packages recurse: within the evaluation's stack budget */
		if (ns->fail && ns->stack_base - (uintptr_t)__builtin_frame_address(0) > ns->stack_budget)
			arena_fail(ns, "a Package nested too deep to copy within the interpreter's stack budget");
		o = aml_obj_pkg(ns, src->pkg.n);
		for (uint32_t i = 0; i < src->pkg.n; i++)
			o->pkg.e[i] = aml_obj_copy(ns, src->pkg.e[i]);
		return o;
	default:
		o = aml_obj_new(ns, (enum aml_type)src->type);
		*o = *src;
		o->kept = !ns->scratch;
		return o;
	}
}

static struct aml_obj *keep_copy(struct frame *, struct aml_obj *, int depth);

/* A reference that will outlive scratch memory: to kept objects only, or else to a kept copy. */
static struct aml_obj *
keep_ref(struct frame *f, struct aml_obj *r, int depth)
{
	struct aml_ns *ns = f->ns;
	struct aml_obj *o = aml_obj_new(ns, AML_REF);

	o->ref = r->ref;
	switch (r->ref.kind) {
	case REF_NODE:
		if (r->ref.node->kept)
			return o;
		break;		/* a name the method created: its value */
	case REF_SLOT:		/* a Local or Arg of a method that ends: its value */
		break;
	case REF_PKG_ELEM:
	case REF_BUF_BYTE:
		if (!r->ref.container->kept)
			o->ref.container = keep_copy(f, r->ref.container, depth + 1);
		return o;
	}
	o = aml_deref(f, r);
	return o->type == AML_REF ? aml_obj_new(ns, AML_UNINIT) : keep_copy(f, o, depth + 1);
}

static struct aml_obj *
keep_copy(struct frame *f, struct aml_obj *src, int depth)
{
	struct aml_ns *ns = f->ns;
	struct aml_obj *o;

	if (depth > 64)
		aml_fail(f, "a value nested more than 64 deep cannot be kept");
	if (!src)
		return aml_obj_new(ns, AML_UNINIT);
	switch (src->type) {
	case AML_PKG:
		o = aml_obj_pkg(ns, src->pkg.n);
		for (uint32_t i = 0; i < src->pkg.n; i++)
			o->pkg.e[i] = keep_copy(f, src->pkg.e[i], depth + 1);
		return o;
	case AML_REF:
		return keep_ref(f, src, depth);
	case AML_NAMEREF:
		if (src->kept)
			return src;		/* immutable, and all it points to is kept */
		o = aml_obj_new(ns, AML_NAMEREF);
		o->nref.scope = src->nref.scope->kept ? src->nref.scope : NULL;
		o->nref.node = src->nref.node && src->nref.node->kept ? src->nref.node : NULL;
		o->nref.path = aml_obj_str(ns, src->nref.path, strlen(src->nref.path))->s.p;
		if (o->nref.scope) {
			o->nref.np = aml_arena_alloc(ns, sizeof(struct name_path));
			memcpy(o->nref.np, src->nref.np, sizeof(struct name_path));
		}
		return o;
	default:
		return aml_obj_copy(ns, src);
	}
}

static struct aml_obj *
obj_keep(struct frame *f, struct aml_obj *v)
{
	struct aml_ns *ns = f->ns;
	int scratch = ns->scratch;
	struct aml_obj *o;

	ns->scratch = 0;
	o = keep_copy(f, v, 0);
	ns->scratch = scratch;
	return o;
}

/*
 * An evaluation's result: a kept object is handed out as it is (a named
 * _PRT package is not copied per evaluation; all a kept package holds is
 * kept), anything else is kept by copy.
 */
struct aml_obj *
aml_obj_keep_result(struct frame *f, struct aml_obj *v)
{
	return v->kept ? v : obj_keep(f, v);
}

struct aml_obj *
aml_obj_store_value(struct frame *f, int kept, struct aml_obj *v)
{
	return kept && f->ns->scratch ? obj_keep(f, v) : aml_obj_copy(f->ns, v);
}

const char *
aml_type_name(uint8_t t)
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
aml_deref(struct frame *f, struct aml_obj *o)
{
	for (int hops = 0; o && hops < 16; hops++) {
		if (o->type == AML_NAMEREF) {
			struct aml_node *n = aml_nameref_node(o);

			if (!n)
				aml_fail(f, "unresolved name %s in a package", o->nref.path);
			o = n->kind == N_NAME ? n->obj : n->kind == N_FIELD ? aml_field_read(f, n)
			    : n->kind == N_BUFFER_FIELD ? aml_buffer_field_read(f, n) : o;
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
				return aml_field_read(f, n);
			else if (n->kind == N_BUFFER_FIELD)
				return aml_buffer_field_read(f, n);
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
aml_to_int(struct frame *f, struct aml_obj *o)
{
	uint64_t v = 0;

	o = aml_deref(f, o);
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
		aml_fail(f, "%s where an Integer is needed", aml_type_name(o->type));
	}
}

struct aml_obj *
aml_to_buffer(struct frame *f, struct aml_obj *o)
{
	o = aml_deref(f, o);
	switch (o->type) {
	case AML_BUF:
		return o;
	case AML_INT: {
		uint8_t b[8];
		unsigned n = f->ns->int64 ? 8 : 4;

		for (unsigned i = 0; i < 8; i++)
			b[i] = (uint8_t)(o->i >> (8 * i));
		return aml_obj_buf(f->ns, b, n);
	}
	case AML_STR:
		return aml_obj_buf(f->ns, (const uint8_t *)o->s.p, o->s.len ? o->s.len + 1 : 0);
	default:
		aml_fail(f, "%s where a Buffer is needed", aml_type_name(o->type));
	}
}

struct aml_obj *
aml_to_string(struct frame *f, struct aml_obj *o)
{
	char tmp[32];

	o = aml_deref(f, o);
	switch (o->type) {
	case AML_STR:
		return o;
	case AML_INT:
		snprintf(tmp, sizeof tmp, f->ns->int64 ? "%016llX" : "%08llX", (unsigned long long)o->i);
		return aml_obj_str(f->ns, tmp, strlen(tmp));
	case AML_BUF: {
		/* Implicit Buffer->String: hex bytes separated by spaces (ACPI 6.4 19.3.5.7). */
		struct aml_obj *s = aml_obj_new(f->ns, AML_STR);
		uint32_t len = o->b.len ? o->b.len * 5 - 1 : 0;

		s->s.p = aml_arena_alloc(f->ns, len + 1);
		for (uint32_t i = 0; i < o->b.len; i++)
			snprintf(s->s.p + i * 5, 6, i + 1 < o->b.len ? "0x%02X " : "0x%02X", o->b.p[i]);
		s->s.len = len;
		return s;
	}
	default:
		aml_fail(f, "%s where a String is needed", aml_type_name(o->type));
	}
}
