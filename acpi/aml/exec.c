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

static struct aml_obj *aml_eval_term(struct frame *);

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

/* Fails the evaluation when the stack budget is spent (the stack grows down on every target we build for). */
static void
aml_stack_check(struct frame *f)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);

	if (f->ns->stack_base - here > f->ns->stack_budget)
		aml_fail(f, "nesting exceeds the interpreter's stack budget of %zu KiB (terms, method "
		    "calls and scopes nested too deep); aborted", f->ns->stack_budget / 1024);
}

int
aml_past_deadline(struct aml_ns *ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec > ns->deadline;
}

static __attribute__((noinline)) void
check_deadline(struct frame *f)
{
	if (aml_past_deadline(f->ns))
		aml_fail(f, "the time limit of %u ms for all evaluations is spent; aborted", f->ns->time_limit_ms);
}

struct aml_obj *
aml_eval_arg(struct frame *f)
{
	const uint8_t *at = f->pc;
	struct aml_obj *o = aml_eval_term(f);

	if (!o) {
		f->pc = at;
		aml_fail(f, "opcode 0x%02x gives no value where an operand is needed", *at);
	}
	return o;
}

uint64_t
aml_eval_int(struct frame *f)
{
	return aml_to_int(f, aml_eval_arg(f));
}

static void
if_op(struct frame *f)
{
	const uint8_t *end = aml_pkg_end(f), *save_end = f->end;
	uint64_t pred;

	f->end = end;
	pred = aml_eval_int(f);
	if (pred) {
		aml_exec_termlist(f, end);
		f->end = save_end;
		f->pc = end;
		if (!f->returning && !f->breaking && !f->continuing && f->pc < f->end && *f->pc == 0xa1) {
			f->pc++;
			f->pc = aml_pkg_end(f);
		} else if (f->pc < f->end && *f->pc == 0xa1 && (f->returning || f->breaking || f->continuing)) {
			f->pc++;
			f->pc = aml_pkg_end(f);
		}
		return;
	}
	f->end = save_end;
	f->pc = end;
	if (f->pc < f->end && *f->pc == 0xa1) {
		const uint8_t *eend;

		f->pc++;
		eend = aml_pkg_end(f);
		f->end = eend;
		aml_exec_termlist(f, eend);
		f->end = save_end;
		f->pc = eend;
	}
}

static void
while_op(struct frame *f)
{
	const uint8_t *end = aml_pkg_end(f), *save_end = f->end, *pred = f->pc;
	unsigned long iter = 0;

	for (;;) {
		f->end = end;
		f->pc = pred;
		if (!aml_eval_int(f))
			break;
		if (++iter > AML_LOOP_MAX)
			aml_fail(f, "While loop did not end after %d iterations (hardware that never "
			    "answers reads as zero here); method aborted", AML_LOOP_MAX);
		aml_exec_termlist(f, end);
		f->continuing = 0;
		if (f->breaking || f->returning)
			break;
	}
	f->breaking = 0;
	f->end = save_end;
	f->pc = end;
}

static struct aml_obj *
call_by_name(struct frame *f, struct aml_node *n)
{
	struct aml_obj *args[AML_MAX_ARGS];
	unsigned nargs = n->m.nargs;

	for (unsigned i = 0; i < nargs; i++)
		args[i] = aml_eval_arg(f);
	if (n->kind == N_BUILTIN)
		return aml_builtin_call(f, n, args, nargs);
	return aml_call_method(f, n, args, nargs);
}

/*
 * The NameString of a name term, resolved (NULL: unknown, lenient). Not
 * inlined: its 1 KB name_path must not stay on the stack while the name's
 * method runs (the stack budget is spent per nesting level).
 */
static __attribute__((noinline)) struct aml_node *
name_term_node(struct frame *f)
{
	struct name_path p;

	aml_name_string(f, &p);
	if (f->lenient && !aml_path_lookup(f->scope, &p))
		return NULL;
	return aml_resolve(f, &p);
}

static struct aml_obj *
name_term(struct frame *f)
{
	struct aml_node *n = name_term_node(f);
	struct aml_obj *r;

	if (!n)
		return aml_int(f->ns, 0);
	switch (n->kind) {
	case N_METHOD:
	case N_BUILTIN:
		r = call_by_name(f, n);
		return r ? r : aml_int(f->ns, 0);	/* no Return: the implicit Zero */
	case N_NAME:
		return n->obj;
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

/* OperationRegion (created only once its operands evaluated), DataRegion (signature, OEM ID, OEM table ID). */
static void
region_def(struct frame *f, uint8_t op)
{
	struct name_path p;
	uint64_t offset = 0, length = 0;
	uint8_t space = 0x7f;
	struct aml_node *n;

	aml_name_string(f, &p);
	if (op == 0x80) {
		space = aml_next(f);
		offset = aml_eval_int(f);
		length = aml_eval_int(f);
	} else {
		aml_eval_arg(f);
		aml_eval_arg(f);
		aml_eval_arg(f);
	}
	n = aml_create(f, &p, N_REGION, 0);
	n->r.space = space;
	if (op == 0x80) {
		n->r.offset = offset;
		n->r.length = length;
	}
}

/* Field (of a region), IndexField (index and data fields), BankField (region, bank field, its value). */
static void
field_def(struct frame *f, uint8_t op)
{
	const uint8_t *end = aml_pkg_end(f), *save_end = f->end;
	struct aml_node *region = NULL, *index = NULL, *data = NULL, *bank = NULL;
	uint64_t value = 0;
	uint8_t flags;

	if (op == 0x81)
		region = aml_resolve_kind(f, N_REGION, "Field's region");
	else if (op == 0x86) {
		index = aml_resolve_kind(f, N_FIELD, "IndexField's index");
		data = aml_resolve_kind(f, N_FIELD, "IndexField's data");
	} else {
		region = aml_resolve_kind(f, N_REGION, "BankField's region");
		bank = aml_resolve_kind(f, N_FIELD, "BankField's bank");
		aml_header_within(f, end);
		f->end = end;
		value = aml_eval_int(f);
		f->end = save_end;
	}
	flags = aml_next(f);
	aml_header_within(f, end);
	aml_field_list(f, end, flags, region, index, data, bank, value,
	    op == 0x81 ? FIELD_REGION : op == 0x86 ? FIELD_INDEX : FIELD_BANK);
	f->pc = end;
}

/*
 * Mutex, Event and the ops on them, Stall, Sleep: an evaluation is
 * single-threaded and we never wait for hardware that is not there, so
 * nothing waits; Acquire and Wait report success (no timeout).
 */
static struct aml_obj *
sync_op(struct frame *f, uint8_t op)
{
	struct name_path p;
	struct target t;

	switch (op) {
	case 0x01:	/* Mutex: name, SyncFlags */
		aml_name_string(f, &p);
		aml_next(f);
		aml_create(f, &p, N_MUTEX, 0);
		return NULL;
	case 0x02:	/* Event */
		aml_name_string(f, &p);
		aml_create(f, &p, N_EVENT, 0);
		return NULL;
	case 0x21:	/* Stall */
	case 0x22:	/* Sleep */
		aml_eval_int(f);
		return NULL;
	case 0x23:	/* Acquire: Mutex, Timeout word; returns True on timeout */
		aml_super_name(f, &t, 0);
		aml_next_n(f, 2);
		return aml_int(f->ns, 0);
	case 0x25:	/* Wait: Event, Timeout; returns True on timeout */
		aml_super_name(f, &t, 0);
		aml_eval_int(f);
		return aml_int(f->ns, 0);
	default:	/* 0x24 Signal, 0x26 Reset, 0x27 Release */
		aml_super_name(f, &t, 0);
		return NULL;
	}
}

/* Not inlined: its locals would enlarge every aml_eval_term frame. */
static __attribute__((noinline)) struct aml_obj *
ext_op(struct frame *f)
{
	uint8_t op = aml_next(f);
	struct target t;

	switch (op) {
	case 0x01: case 0x02: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27:
		return sync_op(f, op);
	case 0x12: {	/* CondRefOf */
		struct aml_obj *r;

		aml_super_name(f, &t, 1);
		if (t.k == T_NODE && !t.node) {
			aml_result(f, aml_int(f->ns, 0));	/* target left untouched by spec; harmless */
			return aml_int(f->ns, 0);
		}
		r = aml_ref_of(f, &t);
		aml_result(f, r);
		return aml_int(f->ns, f->ns->ones);
	}
	case 0x13:	/* CreateField */
		aml_create_field(f, 0x13);
		return NULL;
	case 0x1f:	/* LoadTable */
	case 0x20:	/* Load */
		aml_fail(f, "%s is not supported (dynamic tables)", op == 0x1f ? "LoadTable" : "Load");
	case 0x28:	/* FromBCD */
		return aml_int_result(f, aml_bcd(f, aml_eval_int(f), 1));
	case 0x29:	/* ToBCD */
		return aml_int_result(f, aml_bcd(f, aml_eval_int(f), 0));
	case 0x2a:	/* Unload */
		aml_super_name(f, &t, 0);
		return NULL;
	case 0x30:	/* Revision: the ACPICA version acpiexec reports */
		return aml_int(f->ns, 0x20200925);
	case 0x31:	/* Debug */
		return aml_obj_new(f->ns, AML_DEBUG);
	case 0x32: {	/* Fatal */
		unsigned type = aml_next(f);
		uint32_t code = (uint32_t)aml_next_n(f, 4);

		aml_eval_int(f);
		aml_fail(f, "Fatal(0x%x, 0x%x) raised by the firmware", type, code);
	}
	case 0x33: {	/* Timer: 100 ns units */
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		return aml_int(f->ns, (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100);
	}
	case 0x80:	/* OperationRegion */
	case 0x88:	/* DataRegion */
		region_def(f, op);
		return NULL;
	case 0x81:	/* Field */
	case 0x86:	/* IndexField */
	case 0x87:	/* BankField */
		field_def(f, op);
		return NULL;
	default:
		f->pc -= 2;
		aml_fail(f, "unsupported opcode 0x5b 0x%02x", op);
	}
}

/*
 * Alias, Name, Scope, Method, External: the definitions that parse a
 * NameString. Not inlined, for the same reason as name_term_node; Scope's
 * body runs from aml_scope_body, after the name_path is gone.
 */
static __attribute__((noinline)) struct aml_node *
named_def_node(struct frame *f, uint8_t op, const uint8_t **end)
{
	struct name_path p, q;
	struct aml_node *n, *src;
	struct aml_obj *a;
	uint8_t flags;

	switch (op) {
	case 0x06:	/* Alias */
		aml_name_string(f, &p);
		aml_name_string(f, &q);
		src = aml_resolve(f, &p);
		n = aml_create(f, &q, N_ALIAS, 0);
		n->target = src;
		return NULL;
	case 0x08:	/* Name */
		aml_name_string(f, &p);
		a = aml_eval_arg(f);
		n = aml_create(f, &p, N_NAME, 0);
		n->obj = aml_obj_store_value(f, n->kept, a);
		return NULL;
	case 0x10:	/* Scope: the caller runs the body */
		*end = aml_pkg_end(f);
		aml_name_string(f, &p);
		aml_header_within(f, *end);
		return aml_resolve(f, &p);
	case 0x14:	/* Method */
		*end = aml_pkg_end(f);
		aml_name_string(f, &p);
		flags = aml_next(f);
		aml_header_within(f, *end);
		n = aml_create(f, &p, N_METHOD, 0);
		n->m.flags = flags;
		n->m.nargs = flags & 7;
		n->m.code = f->pc;
		n->m.len = (uint32_t)(*end - f->pc);
		n->m.table = f->table;
		n->m.table_start = f->table_start;
		f->pc = *end;
		return NULL;
	default:	/* External: NameString, ObjectType, ArgumentCount */
		aml_name_string(f, &p);
		aml_next(f);
		aml_next(f);
		return NULL;
	}
}

static void
named_def(struct frame *f, uint8_t op)
{
	const uint8_t *end = NULL;
	struct aml_node *scope = named_def_node(f, op, &end);

	if (scope)
		aml_scope_body(f, end, scope);
}

/*
 * aml_eval_term's opcodes by kind. Each is called once, so gcc inlines
 * them: aml_eval_term is on the stack once per nesting level, and a frame
 * of their own would add to every level (-fstack-usage: 160 bytes for
 * aml_eval_term with them at -O2; 272 for Add's chain if not inlined).
 */

/* Integer arithmetic: Add .. FindSetRightBit, Mod; the result is stored if a target follows. */
static struct aml_obj *
integer_op(struct frame *f, uint8_t op)
{
	struct aml_ns *ns = f->ns;
	struct target t;
	struct aml_obj *r;
	uint64_t x, y;

	switch (op) {
	case 0x75:	/* Increment */
	case 0x76:	/* Decrement */
		aml_super_name(f, &t, 0);
		x = aml_to_int(f, aml_read_target(f, &t));
		r = aml_int(ns, (op == 0x75 ? x + 1 : x - 1) & ns->ones);
		aml_store(f, &t, r);
		return r;
	case 0x80: return aml_int_result(f, ~aml_eval_int(f));	/* Not */
	case 0x81:	/* FindSetLeftBit: 1-based, 0 if none */
		x = aml_eval_int(f);
		return aml_int_result(f, x ? 64 - (uint64_t)__builtin_clzll(x) : 0);
	case 0x82:	/* FindSetRightBit */
		x = aml_eval_int(f);
		return aml_int_result(f, x ? (uint64_t)__builtin_ctzll(x) + 1 : 0);
	}
	x = aml_eval_int(f);
	y = aml_eval_int(f);
	switch (op) {
	case 0x72: return aml_int_result(f, x + y);
	case 0x74: return aml_int_result(f, x - y);
	case 0x77: return aml_int_result(f, x * y);
	case 0x78:	/* Divide: dividend, divisor, remainder target, quotient target */
		if (!y)
			aml_fail(f, "Divide by zero");
		aml_super_name(f, &t, 0);
		aml_store(f, &t, aml_int(ns, x % y));
		return aml_int_result(f, x / y);
	case 0x79: return aml_int_result(f, y >= 64 ? 0 : x << y);
	case 0x7a: return aml_int_result(f, y >= 64 ? 0 : x >> y);
	case 0x7b: return aml_int_result(f, x & y);
	case 0x7c: return aml_int_result(f, ~(x & y));
	case 0x7d: return aml_int_result(f, x | y);
	case 0x7e: return aml_int_result(f, ~(x | y));
	case 0x7f: return aml_int_result(f, x ^ y);
	default:	/* 0x85 Mod */
		if (!y)
			aml_fail(f, "Mod by zero");
		return aml_int_result(f, x % y);
	}
}

/* LAnd, LOr, LNot (and LNotEqual, LLessEqual, LGreaterEqual behind it), LEqual, LGreater, LLess. */
static struct aml_obj *
logical_op(struct frame *f, uint8_t op)
{
	struct aml_ns *ns = f->ns;
	struct aml_obj *a, *b;
	uint64_t x, y;
	int c, holds;

	switch (op) {
	case 0x90: x = aml_eval_int(f); y = aml_eval_int(f); return aml_int(ns, x && y ? ns->ones : 0);
	case 0x91: x = aml_eval_int(f); y = aml_eval_int(f); return aml_int(ns, x || y ? ns->ones : 0);
	case 0x92:
		if (!(f->pc < f->end && *f->pc >= 0x93 && *f->pc <= 0x95))
			return aml_int(ns, aml_eval_int(f) ? 0 : ns->ones);
		op = aml_next(f);
		a = aml_eval_arg(f);
		b = aml_eval_arg(f);
		c = aml_compare(f, a, b);
		holds = op == 0x93 ? c != 0 : op == 0x94 ? c <= 0 : c >= 0;
		return aml_int(ns, holds ? ns->ones : 0);
	default:	/* 0x93 .. 0x95 */
		a = aml_eval_arg(f);
		b = aml_eval_arg(f);
		c = aml_compare(f, a, b);
		holds = op == 0x93 ? c == 0 : op == 0x94 ? c > 0 : c < 0;
		return aml_int(ns, holds ? ns->ones : 0);
	}
}

/* DerefOf: a reference, or a string that names an object. */
static struct aml_obj *
deref_of(struct frame *f)
{
	struct aml_obj *a = aml_eval_arg(f);

	if (a->type == AML_STR) {
		struct aml_node *n = aml_lookup(f->ns, a->s.p);

		if (!n)
			aml_fail(f, "DerefOf(\"%s\"): no such name", a->s.p);
		a = aml_obj_new(f->ns, AML_REF);
		a->ref.kind = REF_NODE;
		a->ref.node = n;
	}
	if (a->type != AML_REF && a->type != AML_NAMEREF)
		aml_fail(f, "DerefOf a %s", aml_type_name(a->type));
	return aml_deref(f, a);
}

/* ConcatenateResTemplate: the first template without its end tag (2 bytes), then the second. */
static struct aml_obj *
concat_res_template(struct frame *f)
{
	struct aml_obj *x = aml_to_buffer(f, aml_eval_arg(f)), *y = aml_to_buffer(f, aml_eval_arg(f)), *a;
	uint32_t la = x->b.len >= 2 ? x->b.len - 2 : 0, lb = y->b.len;

	a = aml_obj_buf(f->ns, NULL, la + lb);
	memcpy(a->b.p, x->b.p, la);
	memcpy(a->b.p + la, y->b.p, lb);
	return aml_result(f, a);
}

/* SizeOf: of a string, buffer or package. */
static struct aml_obj *
size_of(struct frame *f)
{
	struct target t;
	struct aml_obj *a;

	aml_super_name(f, &t, 0);
	a = aml_read_target(f, &t);
	if (a->type == AML_STR)
		return aml_int(f->ns, a->s.len);
	if (a->type == AML_BUF)
		return aml_int(f->ns, a->b.len);
	if (a->type != AML_PKG)
		aml_fail(f, "SizeOf a %s", aml_type_name(a->type));
	return aml_int(f->ns, a->pkg.n);
}

/* Match: the first element from start on that meets both conditions, else Ones. */
static struct aml_obj *
match_op(struct frame *f)
{
	struct aml_obj *pkg = aml_deref(f, aml_eval_arg(f)), *o1, *o2;
	unsigned op1, op2;
	uint64_t start;

	op1 = aml_next(f);
	o1 = aml_eval_arg(f);
	op2 = aml_next(f);
	o2 = aml_eval_arg(f);
	start = aml_eval_int(f);
	if (pkg->type != AML_PKG)
		aml_fail(f, "Match over a %s", aml_type_name(pkg->type));
	for (uint64_t i = start; i < pkg->pkg.n; i++)
		if (aml_match_one(f, op1, pkg->pkg.e[i], o1) && aml_match_one(f, op2, pkg->pkg.e[i], o2))
			return aml_int(f->ns, i);
	return aml_int(f->ns, f->ns->ones);
}

/* ToString: buffer, length (Ones = up to the first NUL). */
static struct aml_obj *
to_string_op(struct frame *f)
{
	struct aml_obj *src = aml_to_buffer(f, aml_eval_arg(f));
	uint64_t len = aml_eval_int(f), n = 0;

	while (n < src->b.len && src->b.p[n] && n < len)
		n++;
	return aml_result(f, aml_obj_str(f->ns, (const char *)src->b.p, n));
}

/* Store, RefOf, CopyObject (no conversion), ObjectType, Notify: ops on a target. */
static struct aml_obj *
target_op(struct frame *f, uint8_t op)
{
	struct target t;
	struct aml_obj *a = NULL;

	if (op == 0x70 || op == 0x9d)	/* the value comes before the target */
		a = op == 0x70 ? aml_eval_arg(f) : aml_deref(f, aml_eval_arg(f));
	aml_super_name(f, &t, 0);
	switch (op) {
	case 0x70:	/* Store */
		aml_store(f, &t, a);
		return a;
	case 0x71: return aml_ref_of(f, &t);	/* RefOf */
	case 0x86:	/* Notify */
		aml_eval_int(f);
		return NULL;
	case 0x8e: return aml_int(f->ns, aml_object_type(f, &t));	/* ObjectType */
	default:	/* 0x9d CopyObject */
		if (t.k == T_NODE && t.node && t.node->kind == N_NAME)
			t.node->obj = aml_obj_store_value(f, t.node->kept, a);
		else
			aml_store(f, &t, a);
		return a;
	}
}

/* LocalN or ArgN; at is where the opcode was (for the message). */
static struct aml_obj *
local_or_arg(struct frame *f, uint8_t op, const uint8_t *at)
{
	int local = op < 0x68;
	unsigned i = op - (local ? 0x60u : 0x68u);
	struct aml_obj *r = local ? f->locals[i] : f->args[i];

	if (!r) {
		f->pc = at;
		if (local)
			aml_fail(f, "Local%u used before it was set", i);
		aml_fail(f, "Arg%u was not passed", i);
	}
	return r;
}

/*
 * 0x5b: Device, Processor (ProcID, PblkAddr (4), PblkLen), PowerResource
 * (SystemLevel, ResourceOrder (2)), ThermalZone: scopes nest, so not
 * through ext_op's big frame; the other extended opcodes through it.
 */
static struct aml_obj *
ext_prefix(struct frame *f)
{
	static const uint8_t kind[] = { N_DEVICE, N_PROCESSOR, N_POWER, N_THERMAL };
	static const uint8_t skip[] = { 0, 6, 3, 0 };
	unsigned i;

	if (!(f->pc < f->end && *f->pc >= 0x82 && *f->pc <= 0x85))
		return ext_op(f);
	i = (unsigned)(*f->pc++ - 0x82);
	aml_named_scope(f, (enum node_kind)kind[i], skip[i]);
	return NULL;
}

/* Break, Continue, If, Else, While, Noop, Return, BreakPoint: they return nothing. */
static void
control_op(struct frame *f, uint8_t op)
{
	switch (op) {
	case 0x9f: f->continuing = 1; break;
	case 0xa0: if_op(f); break;
	case 0xa1: f->pc = aml_pkg_end(f); break;	/* Else without If: skip it */
	case 0xa2: while_op(f); break;
	case 0xa4:	/* Return */
		f->ret = aml_eval_arg(f);
		f->returning = 1;
		break;
	case 0xa5: f->breaking = 1; break;
	default: break;	/* 0xa3 Noop, 0xcc BreakPoint */
	}
}

static struct aml_obj *
aml_eval_term(struct frame *f)
{
	struct aml_ns *ns = f->ns;
	const uint8_t *at = f->pc;
	uint8_t op;

	if (++ns->ops > ns->ops_max)
		aml_fail(f, "evaluation exceeded %llu opcodes; aborted", (unsigned long long)ns->ops_max);
	if (ns->deadline && !(ns->ops & 1023))
		check_deadline(f);
	aml_stack_check(f);
	op = aml_peek(f);
	if (aml_name_start(op))
		return name_term(f);
	f->pc++;
	switch (op) {
	case 0x00: return aml_int(ns, 0);
	case 0x01: return aml_int(ns, 1);
	case 0xff: return aml_int(ns, ns->ones);
	case 0x0a: return aml_int(ns, aml_next_n(f, 1));
	case 0x0b: return aml_int(ns, aml_next_n(f, 2));
	case 0x0c: return aml_int(ns, aml_next_n(f, 4));
	case 0x0e: return aml_int(ns, aml_next_n(f, 8) & ns->ones);
	case 0x0d: return aml_string_op(f);
	case 0x11: return aml_buffer_op(f);
	case 0x12: return aml_package_op(f, 0);
	case 0x13: return aml_package_op(f, 1);
	case 0x06: case 0x08: case 0x10: case 0x14: case 0x15:
		named_def(f, op);
		return NULL;
	case 0x5b: return ext_prefix(f);
	case 0x60: case 0x61: case 0x62: case 0x63: case 0x64: case 0x65: case 0x66: case 0x67:
	case 0x68: case 0x69: case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e:
		return local_or_arg(f, op, at);
	case 0x70: case 0x71: case 0x86: case 0x8e: case 0x9d:
		return target_op(f, op);
	case 0x73: {	/* Concatenate */
		struct aml_obj *a = aml_eval_arg(f), *b = aml_eval_arg(f);

		return aml_result(f, aml_concat(f, a, b));
	}
	case 0x72: case 0x74: case 0x75: case 0x76: case 0x77: case 0x78: case 0x79: case 0x7a:
	case 0x7b: case 0x7c: case 0x7d: case 0x7e: case 0x7f: case 0x80: case 0x81: case 0x82: case 0x85:
		return integer_op(f, op);
	case 0x83: return deref_of(f);
	case 0x84: return concat_res_template(f);
	case 0x87: return size_of(f);
	case 0x88: return aml_index_op(f);
	case 0x89: return match_op(f);
	case 0x8a: case 0x8b: case 0x8c: case 0x8d: case 0x8f:
		aml_create_field(f, op);
		return NULL;
	case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x95:
		return logical_op(f, op);
	case 0x96: return aml_result(f, aml_to_buffer(f, aml_eval_arg(f)));
	case 0x97: return aml_to_hex_or_dec(f, 0);
	case 0x98: return aml_to_hex_or_dec(f, 1);
	case 0x99: return aml_to_integer_op(f);
	case 0x9c: return to_string_op(f);
	case 0x9e: return aml_mid(f);
	case 0x9f: case 0xa0: case 0xa1: case 0xa2: case 0xa3: case 0xa4: case 0xa5: case 0xcc:
		control_op(f, op);
		return NULL;
	default:
		f->pc = at;
		aml_fail(f, "unsupported opcode 0x%02x", op);
	}
}

/* Where a term ends, found without executing it; NULL if its shape is unknown or broken. */
static const uint8_t *
term_end_parse(struct frame *f)
{
	struct name_path p;
	uint8_t op = aml_next(f);

	switch (op) {
	case 0x10: case 0x14: case 0x11: case 0x12: case 0x13: case 0xa2:	/* PkgLength follows */
		return aml_pkg_end(f);
	case 0xa0: {				/* If, and an Else right behind it */
		const uint8_t *e = aml_pkg_end(f);

		f->pc = e;
		if (f->pc < f->end && *f->pc == 0xa1) {
			f->pc++;
			e = aml_pkg_end(f);
		}
		return e;
	}
	case 0x5b:
		op = aml_next(f);
		if (op >= 0x81 && op <= 0x87)	/* Field, Device, Processor, PowerResource, ... */
			return aml_pkg_end(f);
		if (op == 0x80) {		/* OperationRegion: NameString, space, two TermArgs */
			aml_name_string(f, &p);
			aml_next(f);
			aml_eval_arg(f);
			aml_eval_arg(f);
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
static __attribute__((noinline)) const uint8_t *
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
aml_exec_termlist(struct frame *f, const uint8_t *end)
{
	const uint8_t *save_end = f->end;

	f->end = end;
	if (f->method) {
		while (f->pc < end && !f->returning && !f->breaking && !f->continuing)
			aml_eval_term(f);
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
			aml_unwind(f->ns);	/* a method called from the failed term */
			f->pc = resume ? resume : end;
			if (!resume)
				break;
			continue;
		}
		f->returning = 0;
		aml_eval_term(f);
		f->ns->fail = outer;
	}
	f->end = save_end;
}

struct aml_obj *
aml_call_method(struct frame *caller, struct aml_node *m, struct aml_obj **args, unsigned nargs)
{
	struct aml_ns *ns = caller->ns;
	struct frame *f;
	struct aml_obj *ret;
	int top;

	if (m->kind == N_BUILTIN)
		return aml_builtin_call(caller, m, args, nargs);
	if (ns->depth >= AML_CALL_DEPTH)
		aml_fail(caller, "method calls nested deeper than %d (recursion?)", AML_CALL_DEPTH);
	/* Called while a table loads: an evaluation of its own, in scratch memory. */
	top = !ns->scratch;
	if (top)
		aml_arena_scratch_begin(ns);
	f = aml_arena_alloc(ns, sizeof *f);
	f->ns = ns;
	f->scope = m;
	f->method = m;
	f->code = m->m.code;
	f->pc = m->m.code;
	f->end = m->m.code + m->m.len;
	f->table = m->m.table;
	f->table_start = m->m.table_start;
	for (unsigned i = 0; i < nargs && i < AML_MAX_ARGS; i++)
		f->args[i] = args[i] && args[i]->type != AML_REF ? aml_obj_copy(ns, aml_deref(caller, args[i])) : args[i];
	f->up = ns->top;
	ns->top = f;
	ns->depth++;
	aml_exec_termlist(f, f->end);
	ns->depth--;
	ns->top = f->up;
	/* Names a method creates live only while it runs. */
	while (f->ncreated)
		aml_node_unlink(f->created[--f->ncreated]);
	ret = f->ret;
	if (top) {
		ret = ret ? aml_obj_keep_result(caller, ret) : NULL;
		aml_arena_scratch_end(ns);
	}
	return ret;
}

/*
 * An evaluation ended, normally or by an error: the names its methods
 * created go (an aborted method did not remove them), and its scratch
 * memory is given back.
 */
void
aml_unwind(struct aml_ns *ns)
{
	for (struct frame *f = ns->top; f; f = f->up)
		while (f->ncreated)
			aml_node_unlink(f->created[--f->ncreated]);
	ns->top = NULL;
	ns->depth = 0;
	if (ns->scratch)
		aml_arena_scratch_end(ns);
}
