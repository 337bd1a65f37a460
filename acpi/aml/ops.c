/* Expression operators that need more than a line: comparison, Concatenate, Match, Index, Mid, conversions. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "internal.h"

int
aml_compare(struct frame *f, struct aml_obj *a, struct aml_obj *b)
{
	const uint8_t *pa, *pb;
	uint32_t la, lb;
	int c;

	a = aml_deref(f, a);
	if (a->type == AML_INT) {
		uint64_t x = a->i, y = aml_to_int(f, b);

		return x < y ? -1 : x > y;
	}
	if (a->type == AML_STR) {
		b = aml_to_string(f, b);
		pa = (const uint8_t *)a->s.p, la = a->s.len, pb = (const uint8_t *)b->s.p, lb = b->s.len;
	} else if (a->type == AML_BUF) {
		b = aml_to_buffer(f, b);
		pa = a->b.p, la = a->b.len, pb = b->b.p, lb = b->b.len;
	} else
		aml_fail(f, "cannot compare a %s", aml_type_name(a->type));
	c = memcmp(pa, pb, la < lb ? la : lb);
	if (c)
		return c < 0 ? -1 : 1;
	return la < lb ? -1 : la > lb;
}

struct aml_obj *
aml_concat(struct frame *f, struct aml_obj *a, struct aml_obj *b)
{
	a = aml_deref(f, a);
	if (a->type == AML_INT) {
		struct aml_obj *x = aml_to_buffer(f, a), *y = aml_to_buffer(f, aml_int(f->ns, aml_to_int(f, b)));
		struct aml_obj *r = aml_obj_buf(f->ns, NULL, x->b.len + y->b.len);

		memcpy(r->b.p, x->b.p, x->b.len);
		memcpy(r->b.p + x->b.len, y->b.p, y->b.len);
		return r;
	}
	if (a->type == AML_STR) {
		struct aml_obj *y = aml_to_string(f, b), *r = aml_obj_str(f->ns, "", 0);

		r->s.p = aml_arena_alloc(f->ns, a->s.len + y->s.len + 1);
		memcpy(r->s.p, a->s.p, a->s.len);
		memcpy(r->s.p + a->s.len, y->s.p, y->s.len);
		r->s.len = a->s.len + y->s.len;
		return r;
	}
	if (a->type == AML_BUF) {
		struct aml_obj *y = aml_to_buffer(f, b), *r = aml_obj_buf(f->ns, NULL, a->b.len + y->b.len);

		memcpy(r->b.p, a->b.p, a->b.len);
		memcpy(r->b.p + a->b.len, y->b.p, y->b.len);
		return r;
	}
	aml_fail(f, "cannot concatenate a %s", aml_type_name(a->type));
}

int
aml_match_one(struct frame *f, unsigned op, struct aml_obj *e, struct aml_obj *o)
{
	int c;

	if (op == 0)
		return 1;		/* MTR: always */
	e = aml_deref(f, e);
	if (e->type != AML_INT && e->type != AML_STR && e->type != AML_BUF)
		return 0;
	c = aml_compare(f, e, o);
	switch (op) {
	case 1: return c == 0;	/* MEQ */
	case 2: return c <= 0;	/* MLE */
	case 3: return c < 0;	/* MLT */
	case 4: return c >= 0;	/* MGE */
	case 5: return c > 0;	/* MGT */
	default: aml_fail(f, "Match operator %u is not defined", op);
	}
}

struct aml_obj *
aml_index_op(struct frame *f)
{
	struct aml_obj *src = aml_deref(f, aml_eval_arg(f));
	uint64_t i = aml_eval_int(f);
	struct aml_obj *r = aml_obj_new(f->ns, AML_REF);

	if (src->type == AML_PKG) {
		if (i >= src->pkg.n)
			aml_fail(f, "Index %llu past the end of a %u-element Package", (unsigned long long)i, src->pkg.n);
		r->ref.kind = REF_PKG_ELEM;
	} else if (src->type == AML_BUF || src->type == AML_STR) {
		uint32_t len = src->type == AML_BUF ? src->b.len : src->s.len;

		if (i >= len)
			aml_fail(f, "Index %llu past the end of a %u-byte %s", (unsigned long long)i, len,
			    aml_type_name(src->type));
		if (src->type == AML_STR) {		/* a byte view of the string */
			struct aml_obj *b = aml_obj_new(f->ns, AML_BUF);

			b->b.p = (uint8_t *)src->s.p;
			b->b.len = src->s.len;
			src = b;
		}
		r->ref.kind = REF_BUF_BYTE;
	} else
		aml_fail(f, "Index into a %s", aml_type_name(src->type));
	r->ref.container = src;
	r->ref.index = (uint32_t)i;
	return aml_result(f, r);
}

struct aml_obj *
aml_mid(struct frame *f)
{
	struct aml_obj *src = aml_deref(f, aml_eval_arg(f));
	uint64_t idx = aml_eval_int(f), len = aml_eval_int(f);
	uint32_t have = src->type == AML_STR ? src->s.len : src->type == AML_BUF ? src->b.len : 0;

	if (src->type != AML_STR && src->type != AML_BUF)
		aml_fail(f, "Mid of a %s", aml_type_name(src->type));
	if (idx > have)
		idx = have;
	if (len > have - idx)
		len = have - idx;
	return aml_result(f, src->type == AML_STR ? aml_obj_str(f->ns, src->s.p + idx, len)
	    : aml_obj_buf(f->ns, src->b.p + idx, len));
}

struct aml_obj *
aml_to_hex_or_dec(struct frame *f, int hex)
{
	struct aml_obj *src = aml_deref(f, aml_eval_arg(f)), *r;
	char tmp[32];

	if (src->type == AML_STR)
		r = src;
	else if (src->type == AML_INT) {
		snprintf(tmp, sizeof tmp, hex ? "0x%llX" : "%llu", (unsigned long long)src->i);
		r = aml_obj_str(f->ns, tmp, strlen(tmp));
	} else if (src->type == AML_BUF) {
		r = aml_obj_str(f->ns, "", 0);
		r->s.p = aml_arena_alloc(f->ns, src->b.len * 5 + 1);
		for (uint32_t i = 0; i < src->b.len; i++) {
			int n = snprintf(r->s.p + r->s.len, 6, hex ? "%s0x%02X" : "%s%u", i ? "," : "", src->b.p[i]);

			r->s.len += (uint32_t)n;
		}
	} else
		aml_fail(f, "To%sString of a %s", hex ? "Hex" : "Decimal", aml_type_name(src->type));
	return aml_result(f, r);
}

struct aml_obj *
aml_to_integer_op(struct frame *f)
{
	struct aml_obj *src = aml_deref(f, aml_eval_arg(f));
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
		v = aml_to_int(f, src);
	return aml_int_result(f, v);
}

uint64_t
aml_bcd(struct frame *f, uint64_t v, int from)
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
