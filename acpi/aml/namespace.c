/*
 * The ACPI namespace: a tree of 4-character names. Lookup follows the
 * spec's rules (ACPI 6.4 5.3): a single NameSeg without prefix is searched
 * in the current scope and then each parent up to the root; anything with
 * a root or parent prefix, or more than one segment, is exact.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct aml_node *
aml_node_new(struct aml_ns *ns, struct aml_node *parent, uint32_t name, enum node_kind kind)
{
	struct aml_node *n = aml_arena_alloc(ns, sizeof *n);

	n->name = name;
	n->kind = (uint8_t)kind;
	n->kept = !ns->scratch;
	n->parent = parent;
	if (parent) {
		if (parent->last_child)
			parent->last_child->next = n;
		else
			parent->child = n;
		parent->last_child = n;
	}
	return n;
}

struct aml_node *
aml_node_child_name(struct aml_node *n, uint32_t name)
{
	for (struct aml_node *c = n ? n->child : NULL; c; c = c->next)
		if (c->name == name)
			return c;
	return NULL;
}

void
aml_node_unlink(struct aml_node *n)
{
	struct aml_node *p = n->parent, **pp;

	if (!p)
		return;
	for (pp = &p->child; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	p->last_child = NULL;
	for (struct aml_node *c = p->child; c; c = c->next)
		p->last_child = c;
	n->parent = NULL;
}

static struct aml_node *
root_of(struct aml_node *n)
{
	while (n->parent)
		n = n->parent;
	return n;
}

static struct aml_node *
follow(struct aml_node *n, const struct name_path *p, unsigned nseg)
{
	for (unsigned i = 0; n && i < nseg; i++) {
		n = aml_node_child_name(n, p->seg[i]);
		while (n && n->kind == N_ALIAS && i + 1 < nseg)
			n = n->target;
	}
	return n;
}

struct aml_node *
aml_path_lookup(struct aml_node *scope, const struct name_path *p)
{
	struct aml_node *n;

	if (p->nseg == 0)
		return p->root ? root_of(scope) : NULL;
	if (p->root)
		return follow(root_of(scope), p, p->nseg);
	n = scope;
	for (int i = 0; i < p->up; i++) {
		if (!n->parent)
			return NULL;
		n = n->parent;
	}
	if (p->up || p->nseg > 1)
		return follow(n, p, p->nseg);
	for (; n; n = n->parent) {
		struct aml_node *c = aml_node_child_name(n, p->seg[0]);

		if (c)
			return c;
	}
	return NULL;
}

struct aml_node *
aml_path_parent(struct aml_node *scope, const struct name_path *p, uint32_t *last)
{
	struct aml_node *n = p->root ? root_of(scope) : scope;

	if (p->nseg == 0)
		return NULL;
	for (int i = 0; !p->root && i < p->up; i++) {
		if (!n->parent)
			return NULL;
		n = n->parent;
	}
	n = follow(n, p, p->nseg - 1);
	while (n && n->kind == N_ALIAS)
		n = n->target;
	*last = p->seg[p->nseg - 1];
	return n;
}

static void
seg_str(uint32_t seg, char out[5])
{
	for (int i = 0; i < 4; i++)
		out[i] = (char)(seg >> (8 * i));
	out[4] = 0;
}

/* Without snprintf: every name in a package is formatted once at load, and that adds up. */
void
aml_path_format(const struct name_path *p, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	if (p->root && used + 1 < len)
		buf[used++] = '\\';
	for (int i = 0; i < p->up && used + 1 < len; i++)
		buf[used++] = '^';
	for (unsigned i = 0; i < p->nseg && used + 5 < len; i++) {
		if (i)
			buf[used++] = '.';
		for (int c = 0; c < 4; c++)
			buf[used++] = (char)(p->seg[i] >> (8 * c));
	}
	buf[used] = 0;
}

struct aml_node *
aml_nameref_node(struct aml_obj *o)
{
	if (o->type != AML_NAMEREF)
		return NULL;
	struct aml_node *n = o->nref.node;

	if (!n && o->nref.np && o->nref.scope) {
		n = aml_path_lookup(o->nref.scope, o->nref.np);
		while (n && n->kind == N_ALIAS)
			n = n->target;
		/* a kept package must not remember a name that goes with an evaluation */
		if (n && (n->kept || !o->kept))
			o->nref.node = n;
	}
	return n;
}

const char *
aml_path(const struct aml_node *n, char *buf, size_t len)
{
	const struct aml_node *chain[128];
	unsigned depth = 0;
	size_t used = 0;

	for (; n && n->parent && depth < 128; n = n->parent)
		chain[depth++] = n;
	used = (size_t)snprintf(buf, len, "\\");
	while (depth-- > 0 && used < len) {
		char s[5];

		seg_str(chain[depth]->name, s);
		for (int i = 3; i > 0 && s[i] == '_'; i--)
			s[i] = 0;
		used += snprintf(buf + used, len - used, "%s%s", used > 1 ? "." : "", s);
	}
	return buf;
}

enum aml_type
aml_node_type(const struct aml_node *n)
{
	switch (n->kind) {
	case N_NAME:		return n->obj ? (enum aml_type)n->obj->type : AML_UNINIT;
	case N_DEVICE:		return AML_DEVICE;
	case N_METHOD:
	case N_BUILTIN:		return AML_METHOD;
	case N_REGION:		return AML_REGION;
	case N_FIELD:		return AML_FIELD_UNIT;
	case N_BUFFER_FIELD:	return AML_BUFFER_FIELD;
	case N_MUTEX:		return AML_MUTEX;
	case N_EVENT:		return AML_EVENT;
	case N_PROCESSOR:	return AML_PROCESSOR;
	case N_POWER:		return AML_POWER;
	case N_THERMAL:		return AML_THERMAL;
	case N_ALIAS:		return n->target ? aml_node_type(n->target) : AML_UNINIT;
	default:		return AML_UNINIT;
	}
}

static uint32_t
seg_from(const char *s)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)(uint8_t)(s[i] && s[i] != '.' ? s[i] : '_') << (8 * i);
	return v;
}

struct aml_node *
aml_lookup(struct aml_ns *ns, const char *path)
{
	struct aml_node *n = ns->root;

	if (*path == '\\')
		path++;
	while (*path && n) {
		size_t l = strcspn(path, ".");

		if (l == 0 || l > 4)
			return NULL;
		n = aml_node_child_name(n, seg_from(path));
		while (n && n->kind == N_ALIAS)
			n = n->target;
		path += l;
		if (*path == '.')
			path++;
	}
	return n;
}

static void
walk(struct aml_node *n, void (*fn)(struct aml_node *, void *), void *arg, int depth)
{
	if (depth > 255)
		return;
	for (struct aml_node *c = n->child; c; c = c->next) {
		fn(c, arg);
		walk(c, fn, arg, depth + 1);
	}
}

void
aml_walk(struct aml_ns *ns, void (*fn)(struct aml_node *, void *), void *arg)
{
	walk(ns->root, fn, arg, 0);
}

uint32_t aml_node_name(const struct aml_node *n) { return n->name; }
struct aml_node *aml_node_parent(const struct aml_node *n) { return n->parent; }

struct aml_node *
aml_node_child(const struct aml_node *n, const char *seg)
{
	struct aml_node *c = aml_node_child_name((struct aml_node *)n, seg_from(seg));

	while (c && c->kind == N_ALIAS)
		c = c->target;
	return c;
}
