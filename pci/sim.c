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

/* The function at a: of a function the dump gives more than once, the copy the walk reads. */
struct pci_sim_fn *
pci_sim_find(struct pci_sim *s, struct pci_addr a)
{
	struct pci_sim_fn *first = NULL;

	for (unsigned i = 0; i < s->nfn; i++)
		if (same(s->fn[i].a, a)) {
			if (!s->fn[i].repeated)
				return &s->fn[i];
			if (!first)
				first = &s->fn[i];
		}
	return first;
}

/* Room for one more function at the end (pointers returned earlier move), or NULL. */
static struct pci_sim_fn *
append(struct pci_sim *s, struct pci_addr a)
{
	struct pci_sim_fn *f;

	if (s->nfn >= PCI_SIM_FNS_MAX || a.bus > 255 || a.dev > 31 || a.fn > 7)
		return NULL;
	/* Grows as functions come: most simulations are small. */
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
	return f;
}

struct pci_sim_fn *
pci_sim_add(struct pci_sim *s, struct pci_addr a, const uint8_t *cfg, size_t len)
{
	struct pci_sim_fn *f;

	if (pci_sim_find(s, a) || !(f = append(s, a)))
		return NULL;
	if (len > sizeof f->cfg)
		len = sizeof f->cfg;
	if (cfg)
		memcpy(f->cfg, cfg, len);
	f->space = len > 256 ? 4096 : 256;
	f->len = sizeof f->cfg;	/* built by a test, which may grow space: the rest reads zero */
	return f;
}

static int
bar_of(const struct pci_sim_fn *f, unsigned off)
{
	/* A CardBus bridge (header type 2) has one: its socket registers. */
	unsigned hdr = f->cfg[0x0e] & 0x7f, nbars = hdr == 0 ? 6 : hdr == 1 ? 2 : hdr == 2 ? 1 : 0;

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
	/* Bytes the dump did not give: lspci reads them as all ones too. */
	*val = off + width > f->len ? (width == 4 ? 0xffffffffu : width == 2 ? 0xffffu : 0xffu) : get(f, off, width);
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

/* USB legacy support (EHCI): the semaphore bytes and the control dword written; the BIOS lets go when asked. */
static void
legsup_write(struct pci_sim_fn *f, unsigned off, unsigned width, uint32_t val)
{
	unsigned l = f->usb_legsup;

	for (unsigned i = 0; i < width; i++)
		if (off + i >= l + 2 && off + i < l + 8)
			put(f, off + i, 1, (val >> 8 * i) & 0xff);
	if ((get(f, l + 3, 1) & 1) && !f->bios_stuck)
		put(f, l + 2, 1, get(f, l + 2, 1) & ~1u);
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
	if (f->usb_legsup && off + width > f->usb_legsup + 2 && off < f->usb_legsup + 8)
		legsup_write(f, off, width, val);
	else if (off == 0x04 && width >= 2)
		put(f, 0x04, 2, (get(f, 0x04, 2) & ~0x07ffu) | (val & 0x07ff));
	else if ((bar = bar_of(f, off)) >= 0 && width == 4) {
		/* A dump without sizes cannot answer a sizing write; the register keeps its value. */
		if (f->sizes_unknown)
			return -ENODATA;
		bar_write(f, bar, val);
	}
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
	/* Domains of up to 5 digits, as lspci reads them (Intel VMD domains start at 10000). */
	if (a->seg > 0xfffff || a->bus > 255 || a->dev > 31 || a->fn > 7)
		return -EINVAL;
	if (end)
		*end = p;
	return 0;
}

/* Iterate over lines of a buffer that need not end in a newline or a NUL. */
#define LINE_MAX_LSPCI 253	/* lspci reads lines with fgets into 256 bytes, 255 at a time */

struct lines {
	const char	*p, *end;
	unsigned	no;
	int		too_long;	/* the last line was longer than LINE_MAX_LSPCI */
	int		unterminated;	/* the last line ended with the buffer, not with a newline */
	char		buf[LINE_MAX_LSPCI + 8];
};

/* The next line without its "\n" or "\r\n", NUL-terminated (cut, with too_long set, if longer). */
static const char *
next_line(struct lines *l)
{
	size_t n = 0;

	if (l->p >= l->end)
		return NULL;
	l->too_long = 0;
	l->unterminated = 0;
	while (l->p < l->end && *l->p != '\n') {
		if (n < sizeof l->buf - 1)
			l->buf[n] = *l->p;
		n++;
		l->p++;
	}
	l->unterminated = l->p >= l->end && n > 0;
	if (l->p < l->end)
		l->p++;
	if (n > LINE_MAX_LSPCI + 1 || (n == LINE_MAX_LSPCI + 1 && l->buf[n - 1] != '\r'))
		l->too_long = 1;
	if (n >= sizeof l->buf)
		n = sizeof l->buf - 1;
	if (n && l->buf[n - 1] == '\r')
		n--;
	l->buf[n] = 0;
	l->no++;
	return l->buf;
}

/* Does s start with fmt, where '#' stands for a hex digit (lspci's dump_validate)? */
static int
shaped(const char *s, const char *fmt)
{
	for (; *fmt; fmt++, s++)
		if (*fmt == '#' ? !isxdigit((unsigned char)*s) : *fmt != *s)
			return 0;
	return 1;
}

static unsigned
hexval(char c)
{
	return isdigit((unsigned char)c) ? (unsigned)(c - '0') : (unsigned)(tolower((unsigned char)c) - 'a' + 10);
}

/*
 * A function line: "BB:DD.F ", "DDDD:BB:DD.F " or "DDDDD:BB:DD.F " (the
 * space is part of it, lspci's rule). One more form: the address alone on
 * its line, as the scenarios' recorder writes it (tests/pci/dumps); lspci
 * would ignore such a line, no dump lspci writes has one.
 */
static int
function_line(const char *line, struct pci_addr *a)
{
	const char *end;

	if (!shaped(line, "##:##.#") && !shaped(line, "####:##:##.#") && !shaped(line, "#####:##:##.#"))
		return 0;
	return !pci_parse_addr(line, a, &end) && (*end == ' ' || !*end);
}

/* A row's offset: 2 to 8 hex digits, ": "; its length, or 0 if the line is no row. */
static size_t
row_offset(const char *line, unsigned long *off)
{
	size_t n = 0;

	while (n < 8 && isxdigit((unsigned char)line[n]))
		n++;
	if (n < 2 || line[n] != ':' || line[n + 1] != ' ')
		return 0;
	*off = strtoul(line, NULL, 16);
	return n + 2;
}

/* A function line starts a new function (a repeated one too: lspci lists it twice). */
static struct pci_sim_fn *
start_function(struct pci_sim *s, struct pci_addr a)
{
	struct pci_sim_fn *f = append(s, a);

	if (!f)
		return NULL;
	memset(f->cfg, 0xff, sizeof f->cfg);	/* what was not given reads all ones, as in lspci */
	f->space = 256;
	f->len = 0;
	f->sizes_unknown = 1;
	return f;
}

/* Does this copy hold an answer (an ID that is not all ones or zero)? */
static int
answers(const struct pci_sim_fn *f)
{
	unsigned id = f->len >= 2 ? (unsigned)(f->cfg[0] | f->cfg[1] << 8) : 0xffff;

	return id != 0xffff && id != 0;
}

/*
 * Of a function given more than once (a mail with a plain lspci list
 * before the hex dump, two dumps of one machine), the walk reads one copy:
 * one that answers, the one with the most bytes, the first of equals.
 * The others are marked repeated (listed as lspci lists them).
 */
static void
choose_copies(struct pci_sim *s)
{
	for (unsigned i = 0; i < s->nfn; i++) {
		struct pci_sim_fn *best = &s->fn[i];

		if (best->repeated)
			continue;
		for (unsigned j = i + 1; j < s->nfn; j++) {
			struct pci_sim_fn *o = &s->fn[j];

			if (!same(o->a, best->a))
				continue;
			if (answers(o) > answers(best) || (answers(o) == answers(best) && o->len > best->len)) {
				best->repeated = 1;
				best = o;
			} else {
				o->repeated = 1;
			}
		}
		best->repeated = 0;
	}
}

/* The bytes of one row into cur. 0, or -EINVAL with err. */
static int
row_bytes(struct pci_sim_fn *cur, const char *q, unsigned long off, unsigned no, char *err, size_t errlen)
{
	for (unsigned i = 0; *q; i++, off++) {
		if (!isxdigit((unsigned char)q[0]) || !isxdigit((unsigned char)q[1]) || (q[2] && q[2] != ' ')) {
			snprintf(err, errlen, "line %u: byte %u is not two hex digits with one space after it "
			    "(lspci: malformed line)", no, i);
			return -EINVAL;
		}
		if (off >= 4096) {
			snprintf(err, errlen, "line %u: byte %u is at 0x%lx, beyond the 4096 bytes of config space",
			    no, i, off);
			return -EINVAL;
		}
		cur->cfg[off] = (uint8_t)(hexval(q[0]) << 4 | hexval(q[1]));
		if (off + 1 > cur->len)
			cur->len = (unsigned)off + 1;
		if (off >= 256)
			cur->space = 4096;
		q += q[2] ? 3 : 2;
	}
	return 0;
}

int
pci_sim_load_dump(struct pci_sim *s, const char *text, size_t len, char *err, size_t errlen)
{
	struct lines l = { text, text + len, 0, 0, 0, "" };
	struct pci_sim_fn *cur = NULL;
	const char *line;

	while ((line = next_line(&l))) {
		struct pci_addr a;
		unsigned long off;
		size_t n;

		if (l.too_long) {
			snprintf(err, errlen, "line %u: longer than the %u characters lspci reads", l.no, LINE_MAX_LSPCI);
			return -EINVAL;
		}
		if (l.unterminated) {
			snprintf(err, errlen, "line %u: the file ends inside it (no newline), which lspci refuses", l.no);
			return -EINVAL;
		}
		if (function_line(line, &a)) {
			if (!(cur = start_function(s, a))) {
				snprintf(err, errlen, "line %u: more than %u functions", l.no, PCI_SIM_FNS_MAX);
				return -EINVAL;
			}
			continue;
		}
		if (!line[0]) {
			cur = NULL;	/* rows after an empty line belong to no function (lspci ignores them) */
			continue;
		}
		/* Anything else that is not a row of a function is -v text, a prompt, a mail header: ignored. */
		if (!cur || !(n = row_offset(line, &off)))
			continue;
		if (row_bytes(cur, line + n, off, l.no, err, errlen))
			return -EINVAL;
	}
	choose_copies(s);
	return 0;
}

int
pci_sim_load_resources(struct pci_sim *s, const char *text, size_t len, char *err, size_t errlen)
{
	struct lines l = { text, text + len, 0, 0, 0, "" };
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
		f->sizes_unknown = 0;	/* a function with resource lines: BARs without one are not implemented */
		if (idx < 6 && end > start)
			f->bar_size[idx] = end - start + 1;
		if (idx >= 7 && end > start)
			f->iov_size[idx - 7] = end - start + 1;
	}
	return 0;
}

int
pci_sim_iov_size(void *ctx, struct pci_addr pf, unsigned vf_bar, uint64_t *total)
{
	struct pci_sim_fn *f = pci_sim_find(ctx, pf);

	if (!f || vf_bar >= 6 || !f->iov_size[vf_bar])
		return -ENOENT;
	*total = f->iov_size[vf_bar];
	return 0;
}

int
pci_sim_load_sysfs_resource(struct pci_sim *s, struct pci_addr a, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct lines l = { text, text + len, 0, 0, 0, "" };
	struct pci_sim_fn *f = NULL;
	const char *line;

	/* Every entry of a repeated function: the walk reads the first, the sizes are the machine's. */
	for (unsigned i = 0; i < s->nfn; i++)
		if (s->fn[i].a.seg == a.seg && s->fn[i].a.bus == a.bus && s->fn[i].a.dev == a.dev &&
		    s->fn[i].a.fn == a.fn && !f)
			f = &s->fn[i];
	if (!f) {
		snprintf(err, errlen, "no function %04x:%02x:%02x.%u in the dump", a.seg, a.bus, a.dev, a.fn);
		return -EINVAL;
	}
	while ((line = next_line(&l))) {
		unsigned long long start, end, flags;
		unsigned idx = l.no - 1;

		if (!line[0])
			continue;
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3) {
			snprintf(err, errlen, "line %u: not \"START END FLAGS\"", l.no);
			return -EINVAL;
		}
		if (idx < 6)
			f->bar_size[idx] = end > start ? end - start + 1 : 0;
		if (idx >= 7 && idx < 13)
			f->iov_size[idx - 7] = end > start ? end - start + 1 : 0;
	}
	f->sizes_unknown = 0;
	return 0;
}
