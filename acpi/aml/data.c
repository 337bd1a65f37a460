/* Data objects: String, Buffer, Package, VarPackage (ACPI 6.4 20.2.3). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct aml_obj *
aml_buffer_op(struct frame *f)
{
	const uint8_t *end = aml_pkg_end(f), *save_end = f->end;
	uint64_t size;
	size_t have;
	struct aml_obj *b;

	f->end = end;
	size = aml_eval_int(f);
	f->end = save_end;
	if (size > (1u << 24))
		aml_fail(f, "Buffer of %llu bytes is not plausible", (unsigned long long)size);
	have = (size_t)(end - f->pc);
	b = aml_obj_buf(f->ns, NULL, size);
	memcpy(b->b.p, f->pc, have < size ? have : size);
	f->pc = end;
	return b;
}

/* A NameString element: kept as a name, resolved when the package is evaluated (not inlined: stack). */
static __attribute__((noinline)) struct aml_obj *
package_name(struct frame *f)
{
	struct name_path np;
	struct aml_obj *e;
	char buf[256];

	aml_name_string(f, &np);
	e = aml_obj_new(f->ns, AML_NAMEREF);
	e->nref.scope = f->scope;
	e->nref.np = aml_arena_alloc(f->ns, sizeof np);
	memcpy(e->nref.np, &np, sizeof np);
	aml_path_format(&np, buf, sizeof buf);
	e->nref.path = aml_obj_str(f->ns, buf, strlen(buf))->s.p;
	return e;
}

/*
 * A name in a package, resolved as ACPICA resolves it when the package is
 * evaluated (by the normal search rules from the package's scope): a
 * named data object or field gives its value, a device (or any object
 * without a value) stays a reference to it, and a name that resolves to
 * nothing is an Integer 0, with a warning (ACPICA 20200925).
 */
struct aml_obj *
aml_package_element(struct frame *f, struct aml_obj *e)
{
	struct aml_node *n = aml_nameref_node(e);
	struct aml_obj *r;

	if (!n) {
		if (f->ns->log) {
			char msg[400], where[200];

			snprintf(msg, sizeof msg, "warning: %s: name %s in a package resolves to nothing; "
			    "Integer 0 instead, as ACPICA does", f->method ? aml_path(f->method, where, sizeof where)
			    : aml_path(e->nref.scope, where, sizeof where), e->nref.path);
			f->ns->log(msg);
		}
		return aml_int(f->ns, 0);
	}
	switch (n->kind) {
	case N_NAME:
		return n->obj ? n->obj : aml_int(f->ns, 0);
	case N_FIELD:
		return aml_field_read(f, n);
	case N_BUFFER_FIELD:
		return aml_buffer_field_read(f, n);
	default:
		r = aml_obj_new(f->ns, AML_REF);
		r->ref.kind = REF_NODE;
		r->ref.node = n;
		return r;
	}
}

struct aml_obj *
aml_package_op(struct frame *f, int var)
{
	const uint8_t *end = aml_pkg_end(f), *save_end = f->end;
	uint64_t n;
	struct aml_obj *p;
	uint32_t i = 0;

	f->end = end;
	n = var ? aml_eval_int(f) : aml_next(f);
	if (n > 65536)
		aml_fail(f, "Package of %llu elements is not plausible", (unsigned long long)n);
	p = aml_obj_pkg(f->ns, (uint32_t)n);
	while (f->pc < end) {
		struct aml_obj *e;

		if (aml_name_start(aml_peek(f))) {
			e = package_name(f);
			if (f->method)		/* built when the method runs: resolved now */
				e = aml_package_element(f, e);
		} else
			e = aml_eval_arg(f);
		if (i < n)
			p->pkg.e[i] = e;
		i++;
	}
	f->end = save_end;
	f->pc = end;
	return p;
}

struct aml_obj *
aml_string_op(struct frame *f)
{
	const uint8_t *s = f->pc;

	while (aml_peek(f))
		f->pc++;
	f->pc++;
	return aml_obj_str(f->ns, (const char *)s, (size_t)(f->pc - 1 - s));
}
