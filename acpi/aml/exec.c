/*
 * The AML executor: parses and runs the byte code in one pass, the way
 * AML is meant to be read (ACPI 6.4 chapter 20 grammar). Table loading is
 * the same executor running a definition block at module level. Errors
 * longjmp to the evaluation's boundary with a message that names the
 * method, the table offset and what was wrong.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define EXT	0x5b

static struct aml_obj *eval_term(struct frame *f);

void
aml_fail(struct frame *f, const char *fmt, ...)
{
	struct aml_ns *ns = f->ns;
	char what[512], where[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (f->method)
		aml_path(f->method, where, sizeof where);
	else
		snprintf(where, sizeof where, "%s (table load)", f->table ? f->table : "AML");
	snprintf(ns->err, ns->errlen, "%s: %s (%s+0x%lx)", where, what, f->table ? f->table : "AML",
	    (unsigned long)(f->pc - f->table_start));
	longjmp(*ns->fail, 1);
}

/* ---- byte stream ---- */

static uint8_t
peek(struct frame *f)
{
	if (f->pc >= f->end)
		aml_fail(f, "unexpected end of AML");
	return *f->pc;
}

static uint8_t
next(struct frame *f)
{
	uint8_t c = peek(f);

	f->pc++;
	return c;
}

static uint64_t
next_n(struct frame *f, unsigned n)
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
static uint32_t
pkg_value(struct frame *f)
{
	uint8_t lead = next(f);
	unsigned extra = lead >> 6;
	uint32_t v;

	if (!extra)
		return lead & 0x3f;
	v = lead & 0x0f;
	for (unsigned i = 0; i < extra; i++)
		v |= (uint32_t)next(f) << (4 + 8 * i);
	return v;
}

/* PkgLength of an object: returns where it ends, checked against the enclosing end. */
static const uint8_t *
pkg_end(struct frame *f)
{
	const uint8_t *start = f->pc;
	uint32_t len = pkg_value(f);

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

static int
name_start(uint8_t c)
{
	return lead_char(c) || c == '\\' || c == '^' || c == 0x2e || c == 0x2f;
}

static uint32_t
name_seg(struct frame *f)
{
	uint32_t v = (uint32_t)next_n(f, 4);

	for (int i = 0; i < 4; i++) {
		uint8_t c = (uint8_t)(v >> (8 * i));

		if (!(lead_char(c) || (i && c >= '0' && c <= '9')))
			aml_fail(f, "bad character 0x%02x in a name", c);
	}
	return v;
}

static void
name_string(struct frame *f, struct name_path *p)
{
	uint8_t c;

	p->root = 0;
	p->up = 0;
	p->nseg = 0;
	if (peek(f) == '\\') {
		p->root = 1;
		f->pc++;
	} else
		while (peek(f) == '^') {
			p->up++;
			f->pc++;
		}
	c = peek(f);
	if (c == 0x2e) {
		f->pc++;
		p->nseg = 2;
	} else if (c == 0x2f) {
		f->pc++;
		p->nseg = next(f);
	} else if (c == 0x00) {
		f->pc++;
		return;
	} else
		p->nseg = 1;
	for (unsigned i = 0; i < p->nseg; i++)
		p->seg[i] = name_seg(f);
}

static struct aml_node *
resolve(struct frame *f, const struct name_path *p)
{
	struct aml_node *n = path_lookup(f->scope, p);
	char buf[256];

	if (!n) {
		path_format(p, buf, sizeof buf);
		aml_fail(f, "name %s not found", buf);
	}
	while (n->kind == N_ALIAS) {
		if (!n->target)
			aml_fail(f, "alias to nothing");
		n = n->target;
	}
	return n;
}

/* ---- creating named objects ---- */

static struct aml_node *
create(struct frame *f, const struct name_path *p, enum node_kind kind, int reuse)
{
	struct aml_node *parent, *n;
	uint32_t last;
	char buf[256];

	parent = path_parent(f->scope, p, &last);
	if (!parent) {
		path_format(p, buf, sizeof buf);
		aml_fail(f, "scope of %s does not exist", buf);
	}
	n = node_child(parent, last);
	if (n) {
		/* reuse: Device etc. opened twice; in a method: left over from an aborted run */
		if ((reuse || f->method) && n->kind == kind)
			return n;
		path_format(p, buf, sizeof buf);
		aml_fail(f, "%s already exists", buf);
	}
	n = node_new(f->ns, parent, last, kind);
	if (f->method && f->ncreated < sizeof f->created / sizeof f->created[0])
		f->created[f->ncreated++] = n;
	else if (f->method)
		aml_fail(f, "method creates more than %zu names", sizeof f->created / sizeof f->created[0]);
	return n;
}

/* ---- values ---- */

static struct aml_obj *
eval_arg(struct frame *f)
{
	const uint8_t *at = f->pc;
	struct aml_obj *o = eval_term(f);

	if (!o) {
		f->pc = at;
		aml_fail(f, "opcode 0x%02x gives no value where an operand is needed", *at);
	}
	return o;
}

static uint64_t
eval_int(struct frame *f)
{
	return to_int(f, eval_arg(f));
}

enum tkind { T_NONE, T_LOCAL, T_ARG, T_NODE, T_DEBUG, T_REF };

struct target {
	enum tkind	k;
	int		idx;
	struct aml_node	*node;
	struct aml_obj	*ref;
};

static void
super_name(struct frame *f, struct target *t, int lenient)
{
	uint8_t c = peek(f);

	memset(t, 0, sizeof *t);
	if (c == 0x00) {
		f->pc++;
		t->k = T_NONE;
	} else if (c >= 0x60 && c <= 0x67) {
		f->pc++;
		t->k = T_LOCAL;
		t->idx = c - 0x60;
	} else if (c >= 0x68 && c <= 0x6e) {
		f->pc++;
		t->k = T_ARG;
		t->idx = c - 0x68;
	} else if (c == EXT && f->pc + 1 < f->end && f->pc[1] == 0x31) {
		f->pc += 2;
		t->k = T_DEBUG;
	} else if (name_start(c)) {
		struct name_path p;

		name_string(f, &p);
		t->node = path_lookup(f->scope, &p);
		while (t->node && t->node->kind == N_ALIAS)
			t->node = t->node->target;
		if (!t->node && !lenient) {
			char buf[256];

			path_format(&p, buf, sizeof buf);
			aml_fail(f, "name %s not found", buf);
		}
		/* A method name here is the method itself (CondRefOf, ObjectType, RefOf), not a call. */
		t->k = T_NODE;
	} else if (c == 0x71 || c == 0x83 || c == 0x88) {
		t->ref = eval_arg(f);
		t->k = T_REF;
		if (t->ref->type != AML_REF)
			aml_fail(f, "target is a %s, not a reference", type_name(t->ref->type));
	} else
		aml_fail(f, "opcode 0x%02x is not a valid target", c);
}

static struct aml_obj *
read_target(struct frame *f, const struct target *t)
{
	struct aml_obj *o = NULL;

	switch (t->k) {
	case T_LOCAL:
		o = f->locals[t->idx];
		if (!o)
			aml_fail(f, "Local%d used before it was set", t->idx);
		return deref(f, o);
	case T_ARG:
		o = f->args[t->idx];
		if (!o)
			aml_fail(f, "Arg%d was not passed", t->idx);
		return deref(f, o);
	case T_NODE: {
		struct aml_obj r = { .type = AML_REF };

		r.ref.kind = REF_NODE;
		r.ref.node = t->node;
		if (t->node->kind == N_NAME)
			return t->node->obj;
		o = deref(f, &r);
		return o == &r ? obj_copy(f->ns, &r) : o;
	}
	case T_REF:
		return deref(f, t->ref);
	case T_DEBUG:
		return obj_new(f->ns, AML_DEBUG);
	default:
		aml_fail(f, "no target to read");
	}
}

/* Store into a named object: implicit conversion to the type it has (ACPI 6.4 19.3.5.8). */
static void
store_node(struct frame *f, struct aml_node *n, struct aml_obj *v)
{
	struct aml_obj *cur;

	v = deref(f, v);
	switch (n->kind) {
	case N_NAME:
		cur = n->obj;
		if (cur && cur->type == AML_INT)
			n->obj = aml_int(f->ns, to_int(f, v));
		else if (cur && cur->type == AML_STR && v->type != AML_STR)
			n->obj = obj_copy(f->ns, to_string(f, v));
		else if (cur && cur->type == AML_BUF && v->type != AML_PKG) {
			struct aml_obj *b = to_buffer(f, v);
			struct aml_obj *nb = obj_buf(f->ns, NULL, cur->b.len);

			memcpy(nb->b.p, b->b.p, b->b.len < cur->b.len ? b->b.len : cur->b.len);
			n->obj = nb;
		} else
			n->obj = obj_copy(f->ns, v);
		return;
	case N_FIELD:
		field_write(f, n, v);
		return;
	case N_BUFFER_FIELD:
		buffer_field_write(f, n, v);
		return;
	default:
		aml_fail(f, "cannot store into a %s", type_name(node_type(n)));
	}
}

static void
store_ref(struct frame *f, struct aml_obj *ref, struct aml_obj *v)
{
	switch (ref->ref.kind) {
	case REF_NODE:
		store_node(f, ref->ref.node, v);
		return;
	case REF_SLOT:
		*ref->ref.slot = obj_copy(f->ns, deref(f, v));
		return;
	case REF_PKG_ELEM:
		ref->ref.container->pkg.e[ref->ref.index] = obj_copy(f->ns, deref(f, v));
		return;
	case REF_BUF_BYTE:
		ref->ref.container->b.p[ref->ref.index] = (uint8_t)to_int(f, v);
		return;
	}
}

static void
store(struct frame *f, const struct target *t, struct aml_obj *v)
{
	switch (t->k) {
	case T_NONE:
	case T_DEBUG:
		return;
	case T_LOCAL:
		f->locals[t->idx] = v->type == AML_REF ? obj_copy(f->ns, v) : obj_copy(f->ns, deref(f, v));
		return;
	case T_ARG:
		if (f->args[t->idx] && f->args[t->idx]->type == AML_REF)
			store_ref(f, f->args[t->idx], v);
		else
			f->args[t->idx] = obj_copy(f->ns, v->type == AML_REF ? v : deref(f, v));
		return;
	case T_NODE:
		if (!t->node)
			aml_fail(f, "store into a name that does not exist");
		store_node(f, t->node, v);
		return;
	case T_REF:
		store_ref(f, t->ref, v);
		return;
	}
}

/* Parse the target of an operator and store its result there; returns the result. */
static struct aml_obj *
result(struct frame *f, struct aml_obj *v)
{
	struct target t;

	super_name(f, &t, 0);
	store(f, &t, v);
	return v;
}

static struct aml_obj *
int_result(struct frame *f, uint64_t v)
{
	return result(f, aml_int(f->ns, v & f->ns->ones));
}

/* ---- data objects ---- */

static struct aml_obj *
buffer_op(struct frame *f)
{
	const uint8_t *end = pkg_end(f), *save_end = f->end;
	uint64_t size;
	size_t have;
	struct aml_obj *b;

	f->end = end;
	size = eval_int(f);
	f->end = save_end;
	if (size > (1u << 24))
		aml_fail(f, "Buffer of %llu bytes is not plausible", (unsigned long long)size);
	have = (size_t)(end - f->pc);
	b = obj_buf(f->ns, NULL, size);
	memcpy(b->b.p, f->pc, have < size ? have : size);
	f->pc = end;
	return b;
}

static struct aml_obj *
package_op(struct frame *f, int var)
{
	const uint8_t *end = pkg_end(f), *save_end = f->end;
	uint64_t n;
	struct aml_obj *p;
	uint32_t i = 0;

	f->end = end;
	n = var ? eval_int(f) : next(f);
	if (n > 65536)
		aml_fail(f, "Package of %llu elements is not plausible", (unsigned long long)n);
	p = obj_pkg(f->ns, (uint32_t)n);
	while (f->pc < end) {
		struct aml_obj *e;

		if (name_start(peek(f))) {
			struct name_path np;
			char buf[256];

			name_string(f, &np);
			e = obj_new(f->ns, AML_NAMEREF);
			e->nref.scope = f->scope;
			e->nref.np = arena_alloc(f->ns, sizeof np);
			memcpy(e->nref.np, &np, sizeof np);
			path_format(&np, buf, sizeof buf);
			e->nref.path = obj_str(f->ns, buf, strlen(buf))->s.p;
			aml_nameref_node(e);
		} else
			e = eval_arg(f);
		if (i < n)
			p->pkg.e[i] = e;
		i++;
	}
	f->end = save_end;
	f->pc = end;
	return p;
}

static struct aml_obj *
string_op(struct frame *f)
{
	const uint8_t *s = f->pc;

	while (peek(f))
		f->pc++;
	f->pc++;
	return obj_str(f->ns, (const char *)s, (size_t)(f->pc - 1 - s));
}

/* ---- definitions ---- */

static void
field_list(struct frame *f, const uint8_t *end, uint8_t flags, struct aml_node *region,
    struct aml_node *index, struct aml_node *data, struct aml_node *bank, uint64_t bank_value,
    enum field_kind fk)
{
	uint64_t bit = 0;
	const uint8_t *save_end = f->end;

	f->end = end;
	while (f->pc < end) {
		uint8_t c = peek(f);

		if (c == 0x00) {
			f->pc++;
			bit += pkg_value(f);
		} else if (c == 0x01) {
			f->pc++;
			flags = (uint8_t)((flags & 0xf0) | (next(f) & 0x0f));
			next(f);
		} else if (c == 0x02) {
			struct name_path p;

			f->pc++;
			if (peek(f) == 0x11) {
				f->pc++;
				buffer_op(f);
			} else
				name_string(f, &p);
		} else if (c == 0x03) {
			f->pc++;
			flags = (uint8_t)((flags & 0xf0) | (next(f) & 0x0f));
			next(f);
			next(f);
		} else {
			struct name_path p = { .nseg = 1 };
			struct aml_node *n;
			uint32_t len;

			p.seg[0] = name_seg(f);
			len = pkg_value(f);
			n = create(f, &p, N_FIELD, 0);
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

static struct aml_node *
resolve_kind(struct frame *f, enum node_kind kind, const char *what)
{
	struct name_path p;
	struct aml_node *n;

	name_string(f, &p);
	n = resolve(f, &p);
	if (n->kind != kind)
		aml_fail(f, "%s is a %s, not a %s", what, type_name(node_type(n)), type_name(kind == N_REGION ? AML_REGION : AML_FIELD_UNIT));
	return n;
}

static void
create_field(struct frame *f, unsigned op)
{
	struct aml_obj *src = deref(f, eval_arg(f));
	uint64_t index = eval_int(f), bits;
	struct name_path p;
	struct aml_node *n;

	switch (op) {
	case 0x8d: bits = 1; break;
	case 0x8c: bits = 8; index *= 8; break;
	case 0x8b: bits = 16; index *= 8; break;
	case 0x8a: bits = 32; index *= 8; break;
	case 0x8f: bits = 64; index *= 8; break;
	default: bits = eval_int(f); break;		/* CreateField: bit index, bit count */
	}
	name_string(f, &p);
	if (src->type != AML_BUF)
		aml_fail(f, "Create*Field on a %s, not a Buffer", type_name(src->type));
	if (bits == 0 || index + bits > (uint64_t)src->b.len * 8)
		aml_fail(f, "field of %llu bits at bit %llu lies outside the %u-byte buffer",
		    (unsigned long long)bits, (unsigned long long)index, src->b.len);
	n = create(f, &p, N_BUFFER_FIELD, 0);
	n->bf.buf = src;
	n->bf.bit_offset = (uint32_t)index;
	n->bf.bit_len = (uint32_t)bits;
}

/* Scope, Device, Processor, PowerResource, ThermalZone: a named scope with a body. */
static void
scope_body(struct frame *f, const uint8_t *end, struct aml_node *n)
{
	struct aml_node *save_scope = f->scope;
	const uint8_t *save_end = f->end;

	f->scope = n;
	f->end = end;
	exec_termlist(f, end);
	f->scope = save_scope;
	f->end = save_end;
	f->pc = end;
}

static void
named_scope(struct frame *f, enum node_kind kind, unsigned skip)
{
	const uint8_t *end = pkg_end(f);
	struct name_path p;
	struct aml_node *n;

	name_string(f, &p);
	for (unsigned i = 0; i < skip; i++)
		next(f);
	if (f->pc > end)
		aml_fail(f, "object header runs past its package");
	n = create(f, &p, kind, 1);
	scope_body(f, end, n);
}

/* ---- control flow ---- */

static void
if_op(struct frame *f)
{
	const uint8_t *end = pkg_end(f), *save_end = f->end;
	uint64_t pred;

	f->end = end;
	pred = eval_int(f);
	if (pred) {
		exec_termlist(f, end);
		f->end = save_end;
		f->pc = end;
		if (!f->returning && !f->breaking && !f->continuing && f->pc < f->end && *f->pc == 0xa1) {
			f->pc++;
			f->pc = pkg_end(f);
		} else if (f->pc < f->end && *f->pc == 0xa1 && (f->returning || f->breaking || f->continuing)) {
			f->pc++;
			f->pc = pkg_end(f);
		}
		return;
	}
	f->end = save_end;
	f->pc = end;
	if (f->pc < f->end && *f->pc == 0xa1) {
		const uint8_t *eend;

		f->pc++;
		eend = pkg_end(f);
		f->end = eend;
		exec_termlist(f, eend);
		f->end = save_end;
		f->pc = eend;
	}
}

static void
while_op(struct frame *f)
{
	const uint8_t *end = pkg_end(f), *save_end = f->end, *pred = f->pc;
	unsigned long iter = 0;

	for (;;) {
		f->end = end;
		f->pc = pred;
		if (!eval_int(f))
			break;
		if (++iter > AML_LOOP_MAX)
			aml_fail(f, "While loop did not end after %d iterations (hardware that never "
			    "answers reads as zero here); method aborted", AML_LOOP_MAX);
		exec_termlist(f, end);
		f->continuing = 0;
		if (f->breaking || f->returning)
			break;
	}
	f->breaking = 0;
	f->end = save_end;
	f->pc = end;
}

/* ---- operators ---- */

static int
compare(struct frame *f, struct aml_obj *a, struct aml_obj *b)
{
	const uint8_t *pa, *pb;
	uint32_t la, lb;
	int c;

	a = deref(f, a);
	if (a->type == AML_INT) {
		uint64_t x = a->i, y = to_int(f, b);

		return x < y ? -1 : x > y;
	}
	if (a->type == AML_STR) {
		b = to_string(f, b);
		pa = (const uint8_t *)a->s.p, la = a->s.len, pb = (const uint8_t *)b->s.p, lb = b->s.len;
	} else if (a->type == AML_BUF) {
		b = to_buffer(f, b);
		pa = a->b.p, la = a->b.len, pb = b->b.p, lb = b->b.len;
	} else
		aml_fail(f, "cannot compare a %s", type_name(a->type));
	c = memcmp(pa, pb, la < lb ? la : lb);
	if (c)
		return c < 0 ? -1 : 1;
	return la < lb ? -1 : la > lb;
}

static struct aml_obj *
concat(struct frame *f, struct aml_obj *a, struct aml_obj *b)
{
	a = deref(f, a);
	if (a->type == AML_INT) {
		struct aml_obj *x = to_buffer(f, a), *y = to_buffer(f, aml_int(f->ns, to_int(f, b)));
		struct aml_obj *r = obj_buf(f->ns, NULL, x->b.len + y->b.len);

		memcpy(r->b.p, x->b.p, x->b.len);
		memcpy(r->b.p + x->b.len, y->b.p, y->b.len);
		return r;
	}
	if (a->type == AML_STR) {
		struct aml_obj *y = to_string(f, b), *r = obj_str(f->ns, "", 0);

		r->s.p = arena_alloc(f->ns, a->s.len + y->s.len + 1);
		memcpy(r->s.p, a->s.p, a->s.len);
		memcpy(r->s.p + a->s.len, y->s.p, y->s.len);
		r->s.len = a->s.len + y->s.len;
		return r;
	}
	if (a->type == AML_BUF) {
		struct aml_obj *y = to_buffer(f, b), *r = obj_buf(f->ns, NULL, a->b.len + y->b.len);

		memcpy(r->b.p, a->b.p, a->b.len);
		memcpy(r->b.p + a->b.len, y->b.p, y->b.len);
		return r;
	}
	aml_fail(f, "cannot concatenate a %s", type_name(a->type));
}

static int
match_one(struct frame *f, unsigned op, struct aml_obj *e, struct aml_obj *o)
{
	int c;

	if (op == 0)
		return 1;		/* MTR: always */
	e = deref(f, e);
	if (e->type != AML_INT && e->type != AML_STR && e->type != AML_BUF)
		return 0;
	c = compare(f, e, o);
	switch (op) {
	case 1: return c == 0;	/* MEQ */
	case 2: return c <= 0;	/* MLE */
	case 3: return c < 0;	/* MLT */
	case 4: return c >= 0;	/* MGE */
	case 5: return c > 0;	/* MGT */
	default: aml_fail(f, "Match operator %u is not defined", op);
	}
}

static struct aml_obj *
index_op(struct frame *f)
{
	struct aml_obj *src = deref(f, eval_arg(f));
	uint64_t i = eval_int(f);
	struct aml_obj *r = obj_new(f->ns, AML_REF);

	if (src->type == AML_PKG) {
		if (i >= src->pkg.n)
			aml_fail(f, "Index %llu past the end of a %u-element Package", (unsigned long long)i, src->pkg.n);
		r->ref.kind = REF_PKG_ELEM;
	} else if (src->type == AML_BUF || src->type == AML_STR) {
		uint32_t len = src->type == AML_BUF ? src->b.len : src->s.len;

		if (i >= len)
			aml_fail(f, "Index %llu past the end of a %u-byte %s", (unsigned long long)i, len,
			    type_name(src->type));
		if (src->type == AML_STR) {		/* a byte view of the string */
			struct aml_obj *b = obj_new(f->ns, AML_BUF);

			b->b.p = (uint8_t *)src->s.p;
			b->b.len = src->s.len;
			src = b;
		}
		r->ref.kind = REF_BUF_BYTE;
	} else
		aml_fail(f, "Index into a %s", type_name(src->type));
	r->ref.container = src;
	r->ref.index = (uint32_t)i;
	return result(f, r);
}

static struct aml_obj *
ref_of(struct frame *f, struct target *t)
{
	struct aml_obj *r = obj_new(f->ns, AML_REF);

	switch (t->k) {
	case T_LOCAL:
		r->ref.kind = REF_SLOT;
		r->ref.slot = &f->locals[t->idx];
		return r;
	case T_ARG:
		if (f->args[t->idx] && f->args[t->idx]->type == AML_REF)
			return f->args[t->idx];
		r->ref.kind = REF_SLOT;
		r->ref.slot = &f->args[t->idx];
		return r;
	case T_NODE:
		r->ref.kind = REF_NODE;
		r->ref.node = t->node;
		return r;
	case T_REF:
		return t->ref;
	default:
		aml_fail(f, "RefOf needs a name, a Local or an Arg");
	}
}

static uint64_t
object_type(struct frame *f, struct target *t)
{
	struct aml_obj *o;

	if (t->k == T_NODE)
		return node_type(t->node);
	if (t->k == T_DEBUG)
		return AML_DEBUG;
	o = t->k == T_LOCAL ? f->locals[t->idx] : t->k == T_ARG ? f->args[t->idx] : t->ref;
	if (!o)
		return AML_UNINIT;
	if (o->type == AML_REF && o->ref.kind == REF_NODE)
		return node_type(o->ref.node);
	o = deref(f, o);
	return o->type == AML_NAMEREF ? (o->nref.node ? node_type(o->nref.node) : 0) : o->type;
}

static struct aml_obj *
mid(struct frame *f)
{
	struct aml_obj *src = deref(f, eval_arg(f));
	uint64_t idx = eval_int(f), len = eval_int(f);
	uint32_t have = src->type == AML_STR ? src->s.len : src->type == AML_BUF ? src->b.len : 0;

	if (src->type != AML_STR && src->type != AML_BUF)
		aml_fail(f, "Mid of a %s", type_name(src->type));
	if (idx > have)
		idx = have;
	if (len > have - idx)
		len = have - idx;
	return result(f, src->type == AML_STR ? obj_str(f->ns, src->s.p + idx, len)
	    : obj_buf(f->ns, src->b.p + idx, len));
}

static struct aml_obj *
to_hex_or_dec(struct frame *f, int hex)
{
	struct aml_obj *src = deref(f, eval_arg(f)), *r;
	char tmp[32];

	if (src->type == AML_STR)
		r = src;
	else if (src->type == AML_INT) {
		snprintf(tmp, sizeof tmp, hex ? "0x%llX" : "%llu", (unsigned long long)src->i);
		r = obj_str(f->ns, tmp, strlen(tmp));
	} else if (src->type == AML_BUF) {
		r = obj_str(f->ns, "", 0);
		r->s.p = arena_alloc(f->ns, src->b.len * 5 + 1);
		for (uint32_t i = 0; i < src->b.len; i++) {
			int n = snprintf(r->s.p + r->s.len, 6, hex ? "%s0x%02X" : "%s%u", i ? "," : "", src->b.p[i]);

			r->s.len += (uint32_t)n;
		}
	} else
		aml_fail(f, "To%sString of a %s", hex ? "Hex" : "Decimal", type_name(src->type));
	return result(f, r);
}

static struct aml_obj *
to_integer_op(struct frame *f)
{
	struct aml_obj *src = deref(f, eval_arg(f));
	uint64_t v = 0;

	if (src->type == AML_STR) {
		/* Explicit conversion: decimal, or hex with 0x (ACPI 6.4 19.6.139). */
		const char *p = src->s.p;
		int base = 10;

		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2, base = 16;
		for (; *p; p++) {
			int d = *p >= '0' && *p <= '9' ? *p - '0' : base == 16 && *p >= 'a' && *p <= 'f'
			    ? *p - 'a' + 10 : base == 16 && *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;

			if (d < 0)
				break;
			v = v * (uint64_t)base + (uint64_t)d;
		}
	} else
		v = to_int(f, src);
	return int_result(f, v);
}

static uint64_t
bcd(struct frame *f, uint64_t v, int from)
{
	uint64_t r = 0, mul = 1;

	for (int i = 0; i < 16 && v; i++) {
		if (from) {
			if ((v & 0xf) > 9)
				aml_fail(f, "FromBCD of a non-BCD digit");
			r += (v & 0xf) * mul;
			v >>= 4;
			mul *= 10;
		} else {
			r |= (v % 10) << (4 * i);
			v /= 10;
		}
	}
	return r;
}

static struct aml_obj *
call_by_name(struct frame *f, struct aml_node *n)
{
	struct aml_obj *args[AML_MAX_ARGS];
	unsigned nargs = n->m.nargs;

	for (unsigned i = 0; i < nargs; i++)
		args[i] = eval_arg(f);
	if (n->kind == N_BUILTIN)
		return builtin_call(f, n, args, nargs);
	return call_method(f, n, args, nargs);
}

static struct aml_obj *
name_term(struct frame *f)
{
	struct name_path p;
	struct aml_node *n;
	struct aml_obj *r;

	name_string(f, &p);
	if (f->lenient && !path_lookup(f->scope, &p))
		return aml_int(f->ns, 0);
	n = resolve(f, &p);
	switch (n->kind) {
	case N_METHOD:
	case N_BUILTIN:
		r = call_by_name(f, n);
		return r ? r : aml_int(f->ns, 0);	/* no Return: the implicit Zero */
	case N_NAME:
		return n->obj;
	case N_FIELD:
		return field_read(f, n);
	case N_BUFFER_FIELD:
		return buffer_field_read(f, n);
	default:
		r = obj_new(f->ns, AML_REF);
		r->ref.kind = REF_NODE;
		r->ref.node = n;
		return r;
	}
}

static struct aml_obj *
ext_op(struct frame *f)
{
	uint8_t op = next(f);
	struct name_path p;
	struct target t;
	struct aml_node *n;

	switch (op) {
	case 0x01:	/* Mutex */
		name_string(f, &p);
		next(f);
		create(f, &p, N_MUTEX, 0);
		return NULL;
	case 0x02:	/* Event */
		name_string(f, &p);
		create(f, &p, N_EVENT, 0);
		return NULL;
	case 0x12: {	/* CondRefOf */
		struct aml_obj *r;

		super_name(f, &t, 1);
		if (t.k == T_NODE && !t.node) {
			result(f, aml_int(f->ns, 0));	/* target left untouched by spec; harmless */
			return aml_int(f->ns, 0);
		}
		r = ref_of(f, &t);
		result(f, r);
		return aml_int(f->ns, f->ns->ones);
	}
	case 0x13:	/* CreateField */
		create_field(f, 0x13);
		return NULL;
	case 0x1f:	/* LoadTable */
	case 0x20:	/* Load */
		aml_fail(f, "%s is not supported (dynamic tables)", op == 0x1f ? "LoadTable" : "Load");
	case 0x21:	/* Stall */
	case 0x22:	/* Sleep: we never wait for hardware that is not there */
		eval_int(f);
		return NULL;
	case 0x23:	/* Acquire: Mutex, Timeout word; returns True on timeout */
		super_name(f, &t, 0);
		next_n(f, 2);
		return aml_int(f->ns, 0);
	case 0x24:	/* Signal */
	case 0x26:	/* Reset */
	case 0x27:	/* Release */
		super_name(f, &t, 0);
		return NULL;
	case 0x25:	/* Wait */
		super_name(f, &t, 0);
		eval_int(f);
		return aml_int(f->ns, 0);
	case 0x28:	/* FromBCD */
		return int_result(f, bcd(f, eval_int(f), 1));
	case 0x29:	/* ToBCD */
		return int_result(f, bcd(f, eval_int(f), 0));
	case 0x2a:	/* Unload */
		super_name(f, &t, 0);
		return NULL;
	case 0x30:	/* Revision: the ACPICA version acpiexec reports */
		return aml_int(f->ns, 0x20200925);
	case 0x31:	/* Debug */
		return obj_new(f->ns, AML_DEBUG);
	case 0x32: {	/* Fatal */
		unsigned type = next(f);
		uint32_t code = (uint32_t)next_n(f, 4);

		eval_int(f);
		aml_fail(f, "Fatal(0x%x, 0x%x) raised by the firmware", type, code);
	}
	case 0x33: {	/* Timer: 100 ns units */
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		return aml_int(f->ns, (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100);
	}
	case 0x80: {	/* OperationRegion: created only once its operands evaluated */
		uint64_t offset, length;
		uint8_t space;

		name_string(f, &p);
		space = next(f);
		offset = eval_int(f);
		length = eval_int(f);
		n = create(f, &p, N_REGION, 0);
		n->r.space = space;
		n->r.offset = offset;
		n->r.length = length;
		return NULL;
	}
	case 0x81: {	/* Field */
		const uint8_t *end = pkg_end(f);
		struct aml_node *region;
		uint8_t flags;

		region = resolve_kind(f, N_REGION, "Field's region");
		flags = next(f);
		field_list(f, end, flags, region, NULL, NULL, NULL, 0, FIELD_REGION);
		f->pc = end;
		return NULL;
	}
	case 0x82:	/* Device */
		named_scope(f, N_DEVICE, 0);
		return NULL;
	case 0x83:	/* Processor: ProcID, PblkAddr (4), PblkLen */
		named_scope(f, N_PROCESSOR, 6);
		return NULL;
	case 0x84:	/* PowerResource: SystemLevel, ResourceOrder (2) */
		named_scope(f, N_POWER, 3);
		return NULL;
	case 0x85:	/* ThermalZone */
		named_scope(f, N_THERMAL, 0);
		return NULL;
	case 0x86: {	/* IndexField */
		const uint8_t *end = pkg_end(f);
		struct aml_node *index, *data;
		uint8_t flags;

		index = resolve_kind(f, N_FIELD, "IndexField's index");
		data = resolve_kind(f, N_FIELD, "IndexField's data");
		flags = next(f);
		field_list(f, end, flags, NULL, index, data, NULL, 0, FIELD_INDEX);
		f->pc = end;
		return NULL;
	}
	case 0x87: {	/* BankField */
		const uint8_t *end = pkg_end(f), *save_end = f->end;
		struct aml_node *region, *bank;
		uint64_t value;
		uint8_t flags;

		region = resolve_kind(f, N_REGION, "BankField's region");
		bank = resolve_kind(f, N_FIELD, "BankField's bank");
		f->end = end;
		value = eval_int(f);
		f->end = save_end;
		flags = next(f);
		field_list(f, end, flags, region, NULL, NULL, bank, value, FIELD_BANK);
		f->pc = end;
		return NULL;
	}
	case 0x88:	/* DataRegion: signature, OEM ID, OEM table ID */
		name_string(f, &p);
		eval_arg(f);
		eval_arg(f);
		eval_arg(f);
		n = create(f, &p, N_REGION, 0);
		n->r.space = 0x7f;
		return NULL;
	default:
		f->pc -= 2;
		aml_fail(f, "unsupported opcode 0x5b 0x%02x", op);
	}
}

static struct aml_obj *
eval_term(struct frame *f)
{
	struct aml_ns *ns = f->ns;
	const uint8_t *at = f->pc;
	struct aml_obj *a, *b, *r;
	struct name_path p;
	struct target t;
	uint64_t x, y;
	uint8_t op;

	if (++ns->ops > ns->ops_max)
		aml_fail(f, "evaluation exceeded %llu opcodes; aborted", (unsigned long long)ns->ops_max);
	if (++f->expr_depth > AML_EXPR_DEPTH)
		aml_fail(f, "terms nested deeper than %d", AML_EXPR_DEPTH);
	op = peek(f);
	if (name_start(op)) {
		r = name_term(f);
		f->expr_depth--;
		return r;
	}
	f->pc++;
	switch (op) {
	case 0x00: r = aml_int(ns, 0); break;
	case 0x01: r = aml_int(ns, 1); break;
	case 0xff: r = aml_int(ns, ns->ones); break;
	case 0x0a: r = aml_int(ns, next_n(f, 1)); break;
	case 0x0b: r = aml_int(ns, next_n(f, 2)); break;
	case 0x0c: r = aml_int(ns, next_n(f, 4)); break;
	case 0x0e: r = aml_int(ns, next_n(f, 8) & ns->ones); break;
	case 0x0d: r = string_op(f); break;
	case 0x11: r = buffer_op(f); break;
	case 0x12: r = package_op(f, 0); break;
	case 0x13: r = package_op(f, 1); break;
	case 0x06: {	/* Alias */
		struct name_path q;
		struct aml_node *src, *n;

		name_string(f, &p);
		name_string(f, &q);
		src = resolve(f, &p);
		n = create(f, &q, N_ALIAS, 0);
		n->target = src;
		r = NULL;
		break;
	}
	case 0x08: {	/* Name */
		struct aml_node *n;

		name_string(f, &p);
		a = eval_arg(f);
		n = create(f, &p, N_NAME, 0);
		n->obj = a->type == AML_REF ? a : obj_copy(ns, a);
		r = NULL;
		break;
	}
	case 0x10: {	/* Scope */
		const uint8_t *end = pkg_end(f);
		struct aml_node *n;

		name_string(f, &p);
		n = resolve(f, &p);
		scope_body(f, end, n);
		r = NULL;
		break;
	}
	case 0x14: {	/* Method */
		const uint8_t *end = pkg_end(f);
		struct aml_node *n;
		uint8_t flags;

		name_string(f, &p);
		flags = next(f);
		n = create(f, &p, N_METHOD, 0);
		n->m.flags = flags;
		n->m.nargs = flags & 7;
		n->m.code = f->pc;
		n->m.len = (uint32_t)(end - f->pc);
		n->m.table = f->table;
		n->m.table_start = f->table_start;
		f->pc = end;
		r = NULL;
		break;
	}
	case 0x15:	/* External: NameString, ObjectType, ArgumentCount */
		name_string(f, &p);
		next(f);
		next(f);
		r = NULL;
		break;
	case 0x5b:
		r = ext_op(f);
		break;
	case 0x60: case 0x61: case 0x62: case 0x63: case 0x64: case 0x65: case 0x66: case 0x67:
		r = f->locals[op - 0x60];
		if (!r) {
			f->pc = at;
			aml_fail(f, "Local%d used before it was set", op - 0x60);
		}
		break;
	case 0x68: case 0x69: case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e:
		r = f->args[op - 0x68];
		if (!r) {
			f->pc = at;
			aml_fail(f, "Arg%d was not passed", op - 0x68);
		}
		break;
	case 0x70:	/* Store */
		a = eval_arg(f);
		super_name(f, &t, 0);
		store(f, &t, a);
		r = a;
		break;
	case 0x71:	/* RefOf */
		super_name(f, &t, 0);
		r = ref_of(f, &t);
		break;
	case 0x72: x = eval_int(f); y = eval_int(f); r = int_result(f, x + y); break;
	case 0x73: a = eval_arg(f); b = eval_arg(f); r = result(f, concat(f, a, b)); break;
	case 0x74: x = eval_int(f); y = eval_int(f); r = int_result(f, x - y); break;
	case 0x75:	/* Increment */
	case 0x76:	/* Decrement */
		super_name(f, &t, 0);
		x = to_int(f, read_target(f, &t));
		r = aml_int(ns, (op == 0x75 ? x + 1 : x - 1) & ns->ones);
		store(f, &t, r);
		break;
	case 0x77: x = eval_int(f); y = eval_int(f); r = int_result(f, x * y); break;
	case 0x78: {	/* Divide: dividend, divisor, remainder target, quotient target */
		struct target rem;

		x = eval_int(f);
		y = eval_int(f);
		if (!y)
			aml_fail(f, "Divide by zero");
		super_name(f, &rem, 0);
		store(f, &rem, aml_int(ns, x % y));
		r = int_result(f, x / y);
		break;
	}
	case 0x79: x = eval_int(f); y = eval_int(f); r = int_result(f, y >= 64 ? 0 : x << y); break;
	case 0x7a: x = eval_int(f); y = eval_int(f); r = int_result(f, y >= 64 ? 0 : x >> y); break;
	case 0x7b: x = eval_int(f); y = eval_int(f); r = int_result(f, x & y); break;
	case 0x7c: x = eval_int(f); y = eval_int(f); r = int_result(f, ~(x & y)); break;
	case 0x7d: x = eval_int(f); y = eval_int(f); r = int_result(f, x | y); break;
	case 0x7e: x = eval_int(f); y = eval_int(f); r = int_result(f, ~(x | y)); break;
	case 0x7f: x = eval_int(f); y = eval_int(f); r = int_result(f, x ^ y); break;
	case 0x80: x = eval_int(f); r = int_result(f, ~x); break;
	case 0x81:	/* FindSetLeftBit: 1-based, 0 if none */
		x = eval_int(f);
		r = int_result(f, x ? 64 - (uint64_t)__builtin_clzll(x) : 0);
		break;
	case 0x82:	/* FindSetRightBit */
		x = eval_int(f);
		r = int_result(f, x ? (uint64_t)__builtin_ctzll(x) + 1 : 0);
		break;
	case 0x83:	/* DerefOf */
		a = eval_arg(f);
		if (a->type == AML_STR) {
			struct aml_node *n = aml_lookup(ns, a->s.p);

			if (!n)
				aml_fail(f, "DerefOf(\"%s\"): no such name", a->s.p);
			a = obj_new(ns, AML_REF);
			a->ref.kind = REF_NODE;
			a->ref.node = n;
		}
		if (a->type != AML_REF && a->type != AML_NAMEREF)
			aml_fail(f, "DerefOf a %s", type_name(a->type));
		r = deref(f, a);
		break;
	case 0x84: {	/* ConcatenateResTemplate: drop a's end tag (2 bytes) */
		struct aml_obj *x1 = to_buffer(f, eval_arg(f)), *y1 = to_buffer(f, eval_arg(f));
		uint32_t la = x1->b.len >= 2 ? x1->b.len - 2 : 0, lb = y1->b.len;

		a = obj_buf(ns, NULL, la + lb);
		memcpy(a->b.p, x1->b.p, la);
		memcpy(a->b.p + la, y1->b.p, lb);
		r = result(f, a);
		break;
	}
	case 0x85:
		x = eval_int(f);
		y = eval_int(f);
		if (!y)
			aml_fail(f, "Mod by zero");
		r = int_result(f, x % y);
		break;
	case 0x86:	/* Notify */
		super_name(f, &t, 0);
		eval_int(f);
		r = NULL;
		break;
	case 0x87:	/* SizeOf */
		super_name(f, &t, 0);
		a = read_target(f, &t);
		if (a->type == AML_STR)
			r = aml_int(ns, a->s.len);
		else if (a->type == AML_BUF)
			r = aml_int(ns, a->b.len);
		else if (a->type == AML_PKG)
			r = aml_int(ns, a->pkg.n);
		else
			aml_fail(f, "SizeOf a %s", type_name(a->type));
		break;
	case 0x88: r = index_op(f); break;
	case 0x89: {	/* Match */
		struct aml_obj *pkg = deref(f, eval_arg(f)), *o1, *o2;
		unsigned op1, op2;
		uint64_t start;

		op1 = next(f);
		o1 = eval_arg(f);
		op2 = next(f);
		o2 = eval_arg(f);
		start = eval_int(f);
		if (pkg->type != AML_PKG)
			aml_fail(f, "Match over a %s", type_name(pkg->type));
		r = aml_int(ns, ns->ones);
		for (uint64_t i = start; i < pkg->pkg.n; i++)
			if (match_one(f, op1, pkg->pkg.e[i], o1) && match_one(f, op2, pkg->pkg.e[i], o2)) {
				r = aml_int(ns, i);
				break;
			}
		break;
	}
	case 0x8a: case 0x8b: case 0x8c: case 0x8d: case 0x8f:
		create_field(f, op);
		r = NULL;
		break;
	case 0x8e:	/* ObjectType */
		super_name(f, &t, 0);
		r = aml_int(ns, object_type(f, &t));
		break;
	case 0x90: x = eval_int(f); y = eval_int(f); r = aml_int(ns, x && y ? ns->ones : 0); break;
	case 0x91: x = eval_int(f); y = eval_int(f); r = aml_int(ns, x || y ? ns->ones : 0); break;
	case 0x92:	/* LNot, or LNotEqual/LLessEqual/LGreaterEqual */
		if (f->pc < f->end && *f->pc >= 0x93 && *f->pc <= 0x95) {
			uint8_t sub = next(f);
			int c;

			a = eval_arg(f);
			b = eval_arg(f);
			c = compare(f, a, b);
			r = aml_int(ns, (sub == 0x93 ? c != 0 : sub == 0x94 ? c <= 0 : c >= 0) ? ns->ones : 0);
		} else
			r = aml_int(ns, eval_int(f) ? 0 : ns->ones);
		break;
	case 0x93: case 0x94: case 0x95: {
		int c;

		a = eval_arg(f);
		b = eval_arg(f);
		c = compare(f, a, b);
		r = aml_int(ns, (op == 0x93 ? c == 0 : op == 0x94 ? c > 0 : c < 0) ? ns->ones : 0);
		break;
	}
	case 0x96: r = result(f, to_buffer(f, eval_arg(f))); break;
	case 0x97: r = to_hex_or_dec(f, 0); break;
	case 0x98: r = to_hex_or_dec(f, 1); break;
	case 0x99: r = to_integer_op(f); break;
	case 0x9c: {	/* ToString: buffer, length (Ones = up to the first NUL) */
		struct aml_obj *src = to_buffer(f, eval_arg(f));
		uint64_t len = eval_int(f), n = 0;

		while (n < src->b.len && src->b.p[n] && n < len)
			n++;
		r = result(f, obj_str(ns, (const char *)src->b.p, n));
		break;
	}
	case 0x9d:	/* CopyObject: no conversion */
		a = deref(f, eval_arg(f));
		super_name(f, &t, 0);
		if (t.k == T_NODE && t.node && t.node->kind == N_NAME)
			t.node->obj = obj_copy(ns, a);
		else
			store(f, &t, a);
		r = a;
		break;
	case 0x9e: r = mid(f); break;
	case 0x9f: f->continuing = 1; r = NULL; break;
	case 0xa0: if_op(f); r = NULL; break;
	case 0xa1:	/* Else without If: skip it */
		f->pc = pkg_end(f);
		r = NULL;
		break;
	case 0xa2: while_op(f); r = NULL; break;
	case 0xa3: r = NULL; break;
	case 0xa4:	/* Return */
		f->ret = eval_arg(f);
		f->returning = 1;
		r = NULL;
		break;
	case 0xa5: f->breaking = 1; r = NULL; break;
	case 0xcc: r = NULL; break;
	default:
		f->pc = at;
		aml_fail(f, "unsupported opcode 0x%02x", op);
	}
	f->expr_depth--;
	return r;
}

/* Where a term ends, found without executing it; NULL if its shape is unknown or broken. */
static const uint8_t *
term_end_parse(struct frame *f)
{
	struct name_path p;
	uint8_t op = next(f);

	switch (op) {
	case 0x10: case 0x14: case 0x11: case 0x12: case 0x13: case 0xa2:	/* PkgLength follows */
		return pkg_end(f);
	case 0xa0: {				/* If, and an Else right behind it */
		const uint8_t *e = pkg_end(f);

		f->pc = e;
		if (f->pc < f->end && *f->pc == 0xa1) {
			f->pc++;
			e = pkg_end(f);
		}
		return e;
	}
	case 0x5b:
		op = next(f);
		if (op >= 0x81 && op <= 0x87)	/* Field, Device, Processor, PowerResource, ... */
			return pkg_end(f);
		if (op == 0x80) {		/* OperationRegion: NameString, space, two TermArgs */
			name_string(f, &p);
			next(f);
			eval_arg(f);
			eval_arg(f);
			return f->pc;
		}
		return NULL;
	default:
		return NULL;
	}
}

/*
 * Runs term_end_parse under its own error boundary, leniently: an
 * unknown name reads as 0, so the operands of a failed OperationRegion
 * can be stepped over. Nothing is defined by it.
 */
static const uint8_t *
term_end(struct frame *f, const uint8_t *start, const uint8_t *end)
{
	jmp_buf jb, *outer = f->ns->fail;
	const uint8_t *volatile r = NULL;

	f->ns->fail = &jb;
	if (!setjmp(jb)) {
		f->pc = start;
		f->end = end;
		f->lenient = 1;
		r = term_end_parse(f);
	}
	f->lenient = 0;
	f->end = end;
	f->ns->fail = outer;
	return r && r > start && r <= end ? r : NULL;
}

void
exec_termlist(struct frame *f, const uint8_t *end)
{
	const uint8_t *save_end = f->end;

	f->end = end;
	if (f->method) {
		while (f->pc < end && !f->returning && !f->breaking && !f->continuing) {
			f->expr_depth = 0;
			eval_term(f);
		}
		f->end = save_end;
		return;
	}
	/*
	 * Table load: each term gets its own error boundary. After an error
	 * loading goes on behind the failed term when its end can be found
	 * (term_end), as ACPICA does; otherwise the rest of the enclosing
	 * scope is lost, never the table.
	 */
	while (f->pc < end) {
		jmp_buf jb, *outer = f->ns->fail;
		struct aml_node *volatile scope = f->scope;
		const uint8_t *volatile start = f->pc;

		f->ns->fail = &jb;
		if (setjmp(jb)) {
			const uint8_t *resume;

			f->ns->fail = outer;
			f->ns->load_errors++;
			if (f->ns->log)
				f->ns->log(f->ns->err);
			f->scope = scope;
			resume = term_end(f, start, end);
			f->pc = resume ? resume : end;
			if (!resume)
				break;
			continue;
		}
		f->expr_depth = 0;
		f->returning = 0;
		eval_term(f);
		f->ns->fail = outer;
	}
	f->end = save_end;
}

struct aml_obj *
call_method(struct frame *caller, struct aml_node *m, struct aml_obj **args, unsigned nargs)
{
	struct aml_ns *ns = caller->ns;
	struct frame *f;
	struct aml_obj *ret;

	if (m->kind == N_BUILTIN)
		return builtin_call(caller, m, args, nargs);
	if (ns->depth >= AML_CALL_DEPTH)
		aml_fail(caller, "method calls nested deeper than %d (recursion?)", AML_CALL_DEPTH);
	f = arena_alloc(ns, sizeof *f);
	f->ns = ns;
	f->scope = m;
	f->method = m;
	f->code = m->m.code;
	f->pc = m->m.code;
	f->end = m->m.code + m->m.len;
	f->table = m->m.table;
	f->table_start = m->m.table_start;
	for (unsigned i = 0; i < nargs && i < AML_MAX_ARGS; i++)
		f->args[i] = args[i] && args[i]->type != AML_REF ? obj_copy(ns, deref(caller, args[i])) : args[i];
	ns->depth++;
	exec_termlist(f, f->end);
	ns->depth--;
	/* Names a method creates live only while it runs. */
	while (f->ncreated)
		node_unlink(f->created[--f->ncreated]);
	ret = f->ret;
	return ret;
}
