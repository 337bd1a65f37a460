/* Targets (SuperName, Target) and Store with its implicit conversions (ACPI 6.4 19.3.5). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* A target's NameString, resolved (not inlined: its name_path must not be on the stack in the other branch). */
static __attribute__((noinline)) struct aml_node *
target_node(struct frame *f, int lenient)
{
	struct name_path p;
	struct aml_node *n;

	aml_name_string(f, &p);
	n = aml_path_lookup(f->scope, &p);
	while (n && n->kind == N_ALIAS)
		n = n->target;
	if (!n && !lenient) {
		char buf[256];

		aml_path_format(&p, buf, sizeof buf);
		aml_fail(f, "name %s not found", buf);
	}
	return n;
}

void
aml_super_name(struct frame *f, struct target *t, int lenient)
{
	uint8_t c = aml_peek(f);

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
	} else if (aml_name_start(c)) {
		t->node = target_node(f, lenient);
		/* A method name here is the method itself (CondRefOf, ObjectType, RefOf), not a call. */
		t->k = T_NODE;
	} else if (c == 0x71 || c == 0x83 || c == 0x88) {
		t->ref = aml_eval_arg(f);
		t->k = T_REF;
		if (t->ref->type != AML_REF)
			aml_fail(f, "target is a %s, not a reference", aml_type_name(t->ref->type));
	} else
		aml_fail(f, "opcode 0x%02x is not a valid target", c);
}

struct aml_obj *
aml_read_target(struct frame *f, const struct target *t)
{
	struct aml_obj *o = NULL;

	switch (t->k) {
	case T_LOCAL:
		o = f->locals[t->idx];
		if (!o)
			aml_fail(f, "Local%d used before it was set", t->idx);
		return aml_deref(f, o);
	case T_ARG:
		o = f->args[t->idx];
		if (!o)
			aml_fail(f, "Arg%d was not passed", t->idx);
		return aml_deref(f, o);
	case T_NODE: {
		struct aml_obj r = { .type = AML_REF };

		r.ref.kind = REF_NODE;
		r.ref.node = t->node;
		if (t->node->kind == N_NAME)
			return t->node->obj;
		o = aml_deref(f, &r);
		return o == &r ? aml_obj_copy(f->ns, &r) : o;
	}
	case T_REF:
		return aml_deref(f, t->ref);
	case T_DEBUG:
		return aml_obj_new(f->ns, AML_DEBUG);
	default:
		aml_fail(f, "no target to read");
	}
}

/* Store into a named object: implicit conversion to the type it has (ACPI 6.4 19.3.5.8). */
static void
aml_store_node(struct frame *f, struct aml_node *n, struct aml_obj *v)
{
	struct aml_obj *cur;

	v = aml_deref(f, v);
	switch (n->kind) {
	case N_NAME:
		cur = n->obj;
		if (cur && cur->type == AML_INT)
			v = aml_int(f->ns, aml_to_int(f, v));
		else if (cur && cur->type == AML_STR && v->type != AML_STR)
			v = aml_to_string(f, v);
		else if (cur && cur->type == AML_BUF && v->type != AML_PKG) {
			struct aml_obj *b = aml_to_buffer(f, v);
			struct aml_obj *nb = aml_obj_buf(f->ns, NULL, cur->b.len);

			memcpy(nb->b.p, b->b.p, b->b.len < cur->b.len ? b->b.len : cur->b.len);
			v = nb;
		}
		n->obj = aml_obj_store_value(f, n->kept, v);	/* a named object outlives the evaluation */
		return;
	case N_FIELD:
		aml_field_write(f, n, v);
		return;
	case N_BUFFER_FIELD:
		aml_buffer_field_write(f, n, v);
		return;
	default:
		aml_fail(f, "cannot store into a %s", aml_type_name(aml_node_type(n)));
	}
}

static void
aml_store_ref(struct frame *f, struct aml_obj *ref, struct aml_obj *v)
{
	switch (ref->ref.kind) {
	case REF_NODE:
		aml_store_node(f, ref->ref.node, v);
		return;
	case REF_SLOT:
		*ref->ref.slot = aml_obj_copy(f->ns, aml_deref(f, v));
		return;
	case REF_PKG_ELEM:
		ref->ref.container->pkg.e[ref->ref.index] =
		    aml_obj_store_value(f, ref->ref.container->kept, aml_deref(f, v));
		return;
	case REF_BUF_BYTE:
		ref->ref.container->b.p[ref->ref.index] = (uint8_t)aml_to_int(f, v);
		return;
	}
}

void
aml_store(struct frame *f, const struct target *t, struct aml_obj *v)
{
	switch (t->k) {
	case T_NONE:
	case T_DEBUG:
		return;
	case T_LOCAL:
		f->locals[t->idx] = v->type == AML_REF ? aml_obj_copy(f->ns, v) : aml_obj_copy(f->ns, aml_deref(f, v));
		return;
	case T_ARG:
		if (f->args[t->idx] && f->args[t->idx]->type == AML_REF)
			aml_store_ref(f, f->args[t->idx], v);
		else
			f->args[t->idx] = aml_obj_copy(f->ns, v->type == AML_REF ? v : aml_deref(f, v));
		return;
	case T_NODE:
		if (!t->node)
			aml_fail(f, "store into a name that does not exist");
		aml_store_node(f, t->node, v);
		return;
	case T_REF:
		aml_store_ref(f, t->ref, v);
		return;
	}
}

/* Parse the target of an operator and store its result there; returns the result. */
struct aml_obj *
aml_result(struct frame *f, struct aml_obj *v)
{
	struct target t;

	aml_super_name(f, &t, 0);
	aml_store(f, &t, v);
	return v;
}

struct aml_obj *
aml_int_result(struct frame *f, uint64_t v)
{
	return aml_result(f, aml_int(f->ns, v & f->ns->ones));
}

struct aml_obj *
aml_ref_of(struct frame *f, struct target *t)
{
	struct aml_obj *r = aml_obj_new(f->ns, AML_REF);

	if ((t->k == T_LOCAL || t->k == T_ARG) && !f->method)
		aml_fail(f, "RefOf a Local or Arg outside a method");
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

uint64_t
aml_object_type(struct frame *f, struct target *t)
{
	struct aml_obj *o;

	if (t->k == T_NODE)
		return aml_node_type(t->node);
	if (t->k == T_DEBUG)
		return AML_DEBUG;
	o = t->k == T_LOCAL ? f->locals[t->idx] : t->k == T_ARG ? f->args[t->idx] : t->ref;
	if (!o)
		return AML_UNINIT;
	if (o->type == AML_REF && o->ref.kind == REF_NODE)
		return aml_node_type(o->ref.node);
	o = aml_deref(f, o);
	return o->type == AML_NAMEREF ? (o->nref.node ? aml_node_type(o->nref.node) : 0) : o->type;
}
