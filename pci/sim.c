/* The simulated config space (see sim.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

void
pci_sim_init(struct pci_sim *s)
{
	memset(s, 0, sizeof *s);
}

void
pci_sim_free(struct pci_sim *s)
{
	free(s->fn);
	pci_sim_init(s);
}

static int
same(struct pci_addr x, struct pci_addr y)
{
	return x.seg == y.seg && x.bus == y.bus && x.dev == y.dev && x.fn == y.fn;
}

struct pci_sim_fn *
pci_sim_find(struct pci_sim *s, struct pci_addr a)
{
	for (unsigned i = 0; i < s->nfn; i++)
		if (same(s->fn[i].a, a))
			return &s->fn[i];
	return NULL;
}

struct pci_sim_fn *
pci_sim_add(struct pci_sim *s, struct pci_addr a, const uint8_t *cfg, size_t len)
{
	struct pci_sim_fn *f;

	if (s->nfn >= PCI_SIM_FNS_MAX || pci_sim_find(s, a) || a.bus > 255 || a.dev > 31 || a.fn > 7)
		return NULL;
	/* Grows as functions come (pointers returned earlier move): most simulations are small. */
	if (s->nfn == s->cap) {
		unsigned cap = s->cap ? 2 * s->cap : 8;
		struct pci_sim_fn *more = realloc(s->fn, cap * sizeof *more);

		if (!more)
			return NULL;
		s->fn = more;
		s->cap = cap;
	}
	f = &s->fn[s->nfn++];
	memset(f, 0, sizeof *f);
	f->a = a;
	if (len > sizeof f->cfg)
		len = sizeof f->cfg;
	if (cfg)
		memcpy(f->cfg, cfg, len);
	f->space = len > 256 ? 4096 : 256;
	return f;
}

static int
bar_of(const struct pci_sim_fn *f, unsigned off)
{
	unsigned hdr = f->cfg[0x0e] & 0x7f, nbars = hdr == 0 ? 6 : hdr == 1 ? 2 : 0;

	if (off < 0x10 || off >= 0x10 + 4 * nbars)
		return -1;
	return (int)(off - 0x10) / 4;
}

static uint32_t
get(const struct pci_sim_fn *f, unsigned off, unsigned width)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	return v;
}

static void
put(struct pci_sim_fn *f, unsigned off, unsigned width, uint32_t v)
{
	for (unsigned i = 0; i < width; i++)
		f->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static int
sim_read(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t *val)
{
	struct pci_sim *s = ctx;
	struct pci_sim_fn *f;

	if ((width != 1 && width != 2 && width != 4) || off % width)
		return -EINVAL;
	if (off + width > 4096)
		return -ERANGE;
	s->reads++;
	if (s->vanish_after && s->reads >= s->vanish_after && (f = pci_sim_find(s, s->vanish_fn)))
		f->gone = 1;
	f = pci_sim_find(s, a);
	if (!f || f->gone) {
		*val = width == 4 ? 0xffffffffu : width == 2 ? 0xffffu : 0xffu;
		return 0;
	}
	if (off + width > f->space)
		return -ERANGE;
	*val = get(f, off, width);
	return 0;
}

/* A BAR register write as hardware takes it: the address bits its size leaves, type bits kept. */
static void
bar_write(struct pci_sim_fn *f, int bar, uint32_t v)
{
	unsigned off = 0x10 + 4 * (unsigned)bar;
	uint32_t cur = get(f, off, 4);
	uint64_t size;

	if (bar > 0 && !f->bar_size[bar]) {
		uint32_t lo = get(f, off - 4, 4);

		/* The upper half of a 64-bit memory BAR sizes with the BAR below it. */
		if ((lo & 1) == 0 && (lo & 6) == 4 && f->bar_size[bar - 1]) {
			size = f->bar_size[bar - 1];
			put(f, off, 4, v & (uint32_t)(~(size - 1) >> 32));
			return;
		}
	}
	size = f->bar_size[bar];
	if (!size)
		return;		/* not implemented: reads stay as they are */
	if (cur & 1)
		put(f, off, 4, (v & ~(uint32_t)(size - 1) & 0xfffffffcu) | (cur & 3));
	else
		put(f, off, 4, (v & ~(uint32_t)(size - 1) & 0xfffffff0u) | (cur & 0xf));
}

static int
sim_write(void *ctx, struct pci_addr a, unsigned off, unsigned width, uint32_t val)
{
	struct pci_sim *s = ctx;
	struct pci_sim_fn *f;
	int bar;

	if ((width != 1 && width != 2 && width != 4) || off % width)
		return -EINVAL;
	if (off + width > 4096)
		return -ERANGE;
	s->writes++;
	f = pci_sim_find(s, a);
	if (!f || f->gone)
		return 0;	/* nobody there: the write goes nowhere */
	if (off + width > f->space)
		return -ERANGE;
	if (off == 0x04 && width >= 2)
		put(f, 0x04, 2, (get(f, 0x04, 2) & ~0x07ffu) | (val & 0x07ff));
	else if ((bar = bar_of(f, off)) >= 0 && width == 4)
		bar_write(f, bar, val);
	return 0;
}

static unsigned
sim_space(void *ctx, struct pci_addr a)
{
	struct pci_sim_fn *f = pci_sim_find(ctx, a);

	return f ? f->space : 4096;
}

const struct pci_cfg_ops pci_cfg_sim = {
	.name = "dump", .read = sim_read, .write = sim_write, .space = sim_space,
};

int
pci_parse_addr(const char *s, struct pci_addr *a, const char **end)
{
	unsigned v[4], n = 0;
	const char *p = s;

	/* Up to four hex fields: [seg:]bus:dev.fn */
	for (;;) {
		unsigned x = 0, digits = 0;

		while (isxdigit((unsigned char)*p) && digits < 5) {
			x = x * 16 + (unsigned)(isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
			p++, digits++;
		}
		if (!digits || n >= 4)
			return -EINVAL;
		v[n++] = x;
		if (*p == ':' && n < 3)
			p++;
		else if (*p == '.' && (n == 2 || n == 3))
			p++;
		else
			break;
	}
	if (n == 3) {
		a->seg = 0, a->bus = v[0], a->dev = v[1], a->fn = v[2];
	} else if (n == 4) {
		a->seg = v[0], a->bus = v[1], a->dev = v[2], a->fn = v[3];
	} else
		return -EINVAL;
	if (a->seg > 0xffff || a->bus > 255 || a->dev > 31 || a->fn > 7)
		return -EINVAL;
	if (end)
		*end = p;
	return 0;
}

/* Iterate over lines of a buffer that need not end in a newline or a NUL. */
struct lines {
	const char	*p, *end;
	unsigned	no;
	char		buf[512];
};

static const char *
next_line(struct lines *l)
{
	size_t n = 0;

	if (l->p >= l->end)
		return NULL;
	while (l->p < l->end && *l->p != '\n') {
		if (n < sizeof l->buf - 1)
			l->buf[n++] = *l->p;
		l->p++;
	}
	if (l->p < l->end)
		l->p++;
	l->buf[n] = 0;
	l->no++;
	return l->buf;
}

int
pci_sim_load_dump(struct pci_sim *s, const char *text, size_t len, char *err, size_t errlen)
{
	struct lines l = { text, text + len, 0, "" };
	struct pci_sim_fn *cur = NULL;
	const char *line;

	while ((line = next_line(&l))) {
		struct pci_addr a;
		const char *p;
		char *q;
		unsigned long off;

		if (!line[0] || line[0] == '#')
			continue;
		if (!pci_parse_addr(line, &a, &p) && (*p == ' ' || !*p)) {
			if (!(cur = pci_sim_add(s, a, NULL, 0))) {
				snprintf(err, errlen, "line %u: function %s given twice, or more than %u functions",
				    l.no, line, PCI_SIM_FNS_MAX);
				return -EINVAL;
			}
			memset(cur->cfg, 0, sizeof cur->cfg);
			cur->space = 64;	/* grows with the rows the dump has */
			continue;
		}
		off = strtoul(line, &q, 16);
		if (q == line || *q != ':') {
			snprintf(err, errlen, "line %u: neither a function (BB:DD.F) nor a row (OFF: bytes)", l.no);
			return -EINVAL;
		}
		if (!cur) {
			snprintf(err, errlen, "line %u: a row before any function", l.no);
			return -EINVAL;
		}
		if (off % 16 || off >= 4096) {
			snprintf(err, errlen, "line %u: row offset 0x%lx is not a multiple of 16 below 4096", l.no, off);
			return -EINVAL;
		}
		q++;
		for (unsigned i = 0; i < 16; i++) {
			char *e;
			unsigned long b;

			while (*q == ' ')
				q++;
			if (!*q)
				break;	/* a short row: the rest stays zero */
			b = strtoul(q, &e, 16);
			if (e != q + 2 || b > 255) {
				snprintf(err, errlen, "line %u: byte %u is not two hex digits", l.no, i);
				return -EINVAL;
			}
			cur->cfg[off + i] = (uint8_t)b;
			q = e;
		}
		if (off + 16 > cur->space)
			cur->space = off + 16 > 256 ? 4096 : 256;
	}
	for (unsigned i = 0; i < s->nfn; i++)
		if (s->fn[i].space < 256)
			s->fn[i].space = 256;	/* a 64-byte dump: the rest of the header reads zero */
	return 0;
}

int
pci_sim_load_resources(struct pci_sim *s, const char *text, size_t len, char *err, size_t errlen)
{
	struct lines l = { text, text + len, 0, "" };
	const char *line;

	while ((line = next_line(&l))) {
		struct pci_addr a;
		struct pci_sim_fn *f;
		unsigned idx;
		unsigned long long start, end, flags;
		const char *p;

		if (!line[0] || line[0] == '#')
			continue;
		if (pci_parse_addr(line, &a, &p) ||
		    sscanf(p, " %u %llx %llx %llx", &idx, &start, &end, &flags) != 4 || idx > 12) {
			snprintf(err, errlen, "line %u: not \"BB:DD.F INDEX START END FLAGS\"", l.no);
			return -EINVAL;
		}
		if (!(f = pci_sim_find(s, a))) {
			snprintf(err, errlen, "line %u: no function %02x:%02x.%u in the dump", l.no, a.bus, a.dev, a.fn);
			return -EINVAL;
		}
		if (idx < 6 && end > start)
			f->bar_size[idx] = end - start + 1;
	}
	return 0;
}
