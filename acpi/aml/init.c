/*
 * The namespace's life: creation with the predefined objects, loading
 * tables, evaluating, and ACPICA-style device initialisation (_STA/_INI).
 * Also the null region backend and the interpreter's built-in \_OSI.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "internal.h"

static int
null_read(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t *v)
{
	(void)ctx, (void)space, (void)addr, (void)width;
	*v = 0;
	return 0;
}

static int
null_write(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t v)
{
	(void)ctx, (void)space, (void)addr, (void)width, (void)v;
	return 0;
}

const struct aml_region_ops aml_region_null = {
	.name = "null (reads 0, writes dropped)", .read = null_read, .write = null_write,
};

static uint32_t
seg(const char *s)
{
	return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 | (uint32_t)(uint8_t)s[2] << 16 |
	    (uint32_t)(uint8_t)s[3] << 24;
}

static void
log_stderr(const char *msg)
{
	fprintf(stderr, "acpi: %s\n", msg);
}

enum { BUILTIN_OSI = 1 };

struct aml_ns *
aml_ns_new(const struct aml_region_ops *regions, size_t arena_cap)
{
	static const char *const scopes[] = { "_GPE", "_PR_", "_SB_", "_SI_", "_TZ_" };
	struct aml_ns *ns = calloc(1, sizeof *ns);
	struct aml_node *n;
	struct rlimit rl;

	if (!ns)
		return NULL;
	ns->regions = regions ? regions : &aml_region_null;
	ns->arena_cap = arena_cap ? arena_cap : 256u << 20;
	if (ns->arena_cap < (4u << 20))
		ns->arena_cap = 4u << 20;	/* the predefined objects must fit */
	ns->int64 = 1;
	ns->ones = ~0ull;
	ns->log = log_stderr;
	ns->ops_max = AML_OPS_MAX;
	ns->stack_budget = AML_STACK_BUDGET;
	if (!getrlimit(RLIMIT_STACK, &rl) && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 4 < ns->stack_budget)
		ns->stack_budget = rl.rlim_cur / 4;
	/* the first arena chunk holds all of these, or malloc failed and nothing is there */
	if (!aml_arena_alloc(ns, 1)) {
		aml_ns_free(ns);
		return NULL;
	}
	ns->root = aml_node_new(ns, NULL, seg("\\___"), N_SCOPE);
	for (unsigned i = 0; i < sizeof scopes / sizeof scopes[0]; i++)
		aml_node_new(ns, ns->root, seg(scopes[i]), N_SCOPE);
	n = aml_node_new(ns, ns->root, seg("_OSI"), N_BUILTIN);
	n->m.nargs = 1;
	n->builtin = BUILTIN_OSI;
	n = aml_node_new(ns, ns->root, seg("_OS_"), N_NAME);
	n->obj = aml_obj_str(ns, "Microsoft Windows NT", 20);
	n = aml_node_new(ns, ns->root, seg("_REV"), N_NAME);
	n->obj = aml_int(ns, 2);
	aml_node_new(ns, ns->root, seg("_GL_"), N_MUTEX);
	return ns;
}

void
aml_set_limits(struct aml_ns *ns, uint64_t ops_per_eval, void (*log)(const char *))
{
	if (ops_per_eval)
		ns->ops_max = ops_per_eval;
	ns->log = log;
}

void
aml_set_time_limit(struct aml_ns *ns, unsigned ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns->time_limit_ms = ms;
	ns->deadline = ms ? (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec + (uint64_t)ms * 1000000u : 0;
}

void
aml_ns_free(struct aml_ns *ns)
{
	if (!ns)
		return;
	aml_arena_free_all(ns);
	free(ns);
}

/* The interfaces ACPICA 20200925 answers True to by default, as acpiexec does. */
static const char *const osi_true[] = {
	"Windows 2000", "Windows 2001", "Windows 2001 SP1", "Windows 2001.1", "Windows 2001 SP2",
	"Windows 2001.1 SP1", "Windows 2006", "Windows 2006.1", "Windows 2006 SP1", "Windows 2006 SP2",
	"Windows 2009", "Windows 2012", "Windows 2013", "Windows 2015", "Windows 2016", "Windows 2017",
	"Windows 2017.2", "Windows 2018", "Windows 2018.2", "Windows 2019", "Windows 2020",
	"Module Device", "Processor Device", "3.0 Thermal Model", "3.0 _SCP Extensions",
	"Processor Aggregator Device", "Extended Address Space Descriptor",
};

struct aml_obj *
aml_builtin_call(struct frame *f, struct aml_node *n, struct aml_obj **args, unsigned nargs)
{
	struct aml_obj *s;

	if (n->builtin != BUILTIN_OSI || nargs != 1)
		aml_fail(f, "unknown built-in");
	s = aml_deref(f, args[0]);
	if (s->type != AML_STR)
		aml_fail(f, "_OSI of a %s", aml_type_name(s->type));
	for (unsigned i = 0; i < sizeof osi_true / sizeof osi_true[0]; i++)
		if (!strcmp(s->s.p, osi_true[i]))
			return aml_int(f->ns, f->ns->ones);
	return aml_int(f->ns, 0);
}

int
aml_load_table(struct aml_ns *ns, const uint8_t *t, size_t len, const char *label,
    char *err, size_t errlen)
{
	struct frame f = { 0 };
	jmp_buf jb;
	uint32_t tlen;

	err[0] = 0;
	if (len < 36) {
		snprintf(err, errlen, "%s: %zu bytes is shorter than a table header", label, len);
		return -EINVAL;
	}
	memcpy(&tlen, t + 4, 4);
	if (tlen < 36 || tlen > len) {
		snprintf(err, errlen, "%s: header length %u does not fit the %zu bytes given", label, tlen, len);
		return -EINVAL;
	}
	if (ns->arena_used + (1u << 20) > ns->arena_cap) {
		snprintf(err, errlen, "%s: interpreter memory exhausted", label);
		return -ENOMEM;
	}
	ns->fail = NULL;
	if (!memcmp(t, "DSDT", 4)) {
		/* Revision < 2: integers are 32 bits wide for every table (ACPI 6.4 5.2.11.1). */
		ns->int64 = t[8] >= 2;
		ns->ones = ns->int64 ? ~0ull : 0xffffffffull;
	}
	f.ns = ns;
	f.scope = ns->root;
	f.pc = t + 36;
	f.end = t + tlen;
	f.table = aml_obj_str(ns, label, strlen(label))->s.p;	/* methods keep pointing at it */
	f.table_start = t;
	ns->err = err;
	ns->errlen = errlen;
	ns->ops = 0;
	ns->load_errors = 0;
	AML_STACK_START(ns);
	ns->fail = &jb;
	if (setjmp(jb)) {
		ns->fail = NULL;
		aml_unwind(ns);
		return -EINVAL;
	}
	aml_exec_termlist(&f, f.end);
	ns->fail = NULL;
	return ns->load_errors ? -EINVAL : 0;
}

static struct aml_obj *
eval_node(struct frame *f, struct aml_node *n, struct aml_obj **args, unsigned nargs)
{
	struct aml_obj *r = NULL;

	switch (n->kind) {
	case N_METHOD:
		if (nargs != n->m.nargs)
			aml_fail(f, "method takes %u arguments, %u given", n->m.nargs, nargs);
		r = aml_call_method(f, n, args, nargs);
		break;
	case N_BUILTIN:
		r = aml_builtin_call(f, n, args, nargs);
		break;
	case N_NAME:
		r = n->obj;
		break;
	case N_FIELD:
		r = aml_field_read(f, n);
		break;
	case N_BUFFER_FIELD:
		r = aml_buffer_field_read(f, n);
		break;
	default:
		aml_fail(f, "a %s cannot be evaluated", aml_type_name(aml_node_type(n)));
	}
	return r ? aml_deref(f, r) : NULL;
}

struct eval_job {
	struct frame	*f;
	struct aml_node	*n;
	struct aml_obj	**args;
	unsigned	nargs;
	struct aml_obj	*result;
};

static void
eval_job_run(void *arg)
{
	struct eval_job *j = arg;

	struct aml_obj *r = eval_node(j->f, j->n, j->args, j->nargs);

	/* the result outlives the evaluation's scratch memory */
	j->result = r ? aml_obj_keep_result(j->f, r) : NULL;
}

/* Run fn with an error boundary: 0, or -EINVAL when it failed (message in ns->err). */
static int
protected_run(struct aml_ns *ns, void (*fn)(void *), void *arg)
{
	jmp_buf jb;

	ns->fail = &jb;
	if (setjmp(jb)) {
		ns->fail = NULL;
		return -EINVAL;
	}
	fn(arg);
	ns->fail = NULL;
	return 0;
}

int
aml_eval(struct aml_ns *ns, struct aml_node *n, struct aml_obj **args, unsigned nargs,
    struct aml_obj **result, char *err, size_t errlen)
{
	struct eval_job j = { .args = args, .nargs = nargs };
	int rc;

	err[0] = 0;
	*result = NULL;
	while (n->kind == N_ALIAS && n->target)
		n = n->target;
	ns->err = err;
	ns->errlen = errlen;
	ns->ops = 0;
	ns->depth = 0;
	AML_STACK_START(ns);
	if (ns->arena_used + (1u << 20) > ns->arena_cap) {
		snprintf(err, errlen, "interpreter memory exhausted by earlier evaluations");
		return -ENOMEM;
	}
	ns->fail = NULL;
	aml_arena_scratch_begin(ns);
	j.f = aml_arena_alloc(ns, sizeof *j.f);
	if (!j.f) {
		aml_arena_scratch_end(ns);
		snprintf(err, errlen, "interpreter memory exhausted");
		return -ENOMEM;
	}
	j.f->ns = ns;
	j.f->scope = n->parent ? n->parent : n;
	j.f->method = n;
	j.f->table = n->kind == N_METHOD ? n->m.table : "AML";
	j.f->table_start = n->kind == N_METHOD ? n->m.table_start : NULL;
	j.n = n;
	rc = protected_run(ns, eval_job_run, &j);
	aml_unwind(ns);
	*result = rc ? NULL : j.result;
	return rc;
}

int
aml_eval_path(struct aml_ns *ns, struct aml_node *scope, const char *name,
    struct aml_obj **result, char *err, size_t errlen)
{
	struct aml_node *n = aml_node_child(scope, name);

	*result = NULL;
	if (!n)
		return -ENOENT;
	return aml_eval(ns, n, NULL, 0, result, err, errlen);
}

/*
 * ACPICA's device initialisation: \_SB._INI first, then depth first each
 * device whose _STA says present (bit 0) runs _INI; a device neither
 * present nor functioning (bit 3) hides its children.
 */
static void
init_devices(struct aml_ns *ns, struct aml_node *n, int depth)
{
	char err[512], path[256];

	if (depth > 64)
		return;
	for (struct aml_node *c = n->child; c; c = c->next) {
		struct aml_obj *sta = NULL;
		uint64_t status = 0x0f;

		if (c->kind != N_DEVICE && c->kind != N_PROCESSOR && c->kind != N_THERMAL &&
		    c->kind != N_SCOPE && c->kind != N_POWER) {
			continue;
		}
		if (c->kind == N_DEVICE || c->kind == N_PROCESSOR) {
			int rc = aml_eval_path(ns, c, "_STA", &sta, err, sizeof err);

			if (rc < 0 && rc != -ENOENT && ns->log)
				ns->log(err);
			if (rc == 0 && sta && sta->type == AML_INT)
				status = sta->i;
			if (!(status & 1) && !(status & 8))
				continue;
			if (status & 1) {
				struct aml_node *ini = aml_node_child(c, "_INI");

				if (ini && ini->kind == N_METHOD) {
					struct aml_obj *r;

					if (aml_eval(ns, ini, NULL, 0, &r, err, sizeof err) && ns->log) {
						char msg[800];

						snprintf(msg, sizeof msg, "%s._INI failed, going on: %s",
						    aml_path(c, path, sizeof path), err);
						ns->log(msg);
					}
				}
			}
		}
		init_devices(ns, c, depth + 1);
	}
}

/* Names in a package tree replaced by what they resolve to, in place (depth bounded). */
static void
resolve_package(struct frame *f, struct aml_obj *pkg, int depth)
{
	if (depth > 32)
		return;
	for (uint32_t i = 0; i < pkg->pkg.n; i++) {
		struct aml_obj *e = pkg->pkg.e[i];

		if (e->type == AML_NAMEREF)
			pkg->pkg.e[i] = aml_package_element(f, e);
		else if (e->type == AML_PKG)
			resolve_package(f, e, depth + 1);
	}
}

struct resolve_job {
	struct frame	*f;
	struct aml_node	*n;
};

static void
resolve_job_run(void *arg)
{
	struct resolve_job *j = arg;

	resolve_package(j->f, j->n->obj, 0);
}

static void
resolve_one(struct aml_node *n, void *arg)
{
	struct aml_ns *ns = arg;
	struct frame f = { .ns = ns, .table = "AML" };
	struct resolve_job j = { &f, n };
	char err[512];

	if (n->kind != N_NAME || !n->obj || n->obj->type != AML_PKG)
		return;
	f.scope = n->parent;
	ns->err = err;
	ns->errlen = sizeof err;
	ns->ops = 0;
	AML_STACK_START(ns);
	if (protected_run(ns, resolve_job_run, &j) && ns->log)
		ns->log(err);
	aml_unwind(ns);
}

/*
 * The packages of named objects, resolved once all tables are loaded and
 * before any _INI runs, as ACPICA's object initialisation does it: a later
 * table may have defined a closer object of a name a package uses.
 */
static void
resolve_packages(struct aml_ns *ns)
{
	aml_walk(ns, resolve_one, ns);
}

void
aml_initialize(struct aml_ns *ns, void (*log)(const char *))
{
	struct aml_node *sb = aml_lookup(ns, "\\_SB");
	struct aml_node *ini = sb ? aml_node_child(sb, "_INI") : NULL;
	char err[512];

	if (log)
		ns->log = log;
	resolve_packages(ns);
	if (ini && ini->kind == N_METHOD) {
		struct aml_obj *r;

		if (aml_eval(ns, ini, NULL, 0, &r, err, sizeof err) && ns->log)
			ns->log(err);
	}
	init_devices(ns, ns->root, 0);
}
