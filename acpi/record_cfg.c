/* PCI_Config regions from a machine record's config.txt (see record_cfg.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record_cfg.h"

#define CFG_SPACE	4096u
#define CFG_FILE_MAX	(64u << 20)

struct rec_fn {
	uint16_t bdf;			/* bus << 8 | dev << 3 | fn */
	unsigned len;			/* bytes the record holds (a multiple of 16) */
	uint8_t	cfg[CFG_SPACE];
};

struct rec_cfg {
	struct rec_fn *fn;
	unsigned n, cap;
};

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

/* n hex digits at p, or -1. */
static long
hexn(const char *p, unsigned n)
{
	long v = 0;

	for (unsigned i = 0; i < n; i++) {
		if (hexval((unsigned char)p[i]) < 0)
			return -1;
		v = v << 4 | hexval((unsigned char)p[i]);
	}
	return v;
}

/*
 * A function's header line, as lspci prints it: "[SSSS:]BB:DD.F" then a
 * blank or the end; the domain has 4 hex digits, or 5 (Intel VMD's
 * 10000 and up). 1 with *seg and *bdf, or 0 when the line is not one.
 */
static int
header(const char *l, unsigned *seg, unsigned *bdf)
{
	long s = 0, b, d, f;

	for (unsigned n = 4; n <= 5; n++)
		if (hexn(l, n) >= 0 && l[n] == ':' && hexn(l + n + 1, 2) >= 0 && l[n + 3] == ':') {
			s = hexn(l, n);
			l += n + 1;
			break;
		}
	/* In this order: each test reads only what the ones before found (never past the end). */
	if ((b = hexn(l, 2)) < 0 || l[2] != ':' || (d = hexn(l + 3, 2)) < 0 || d > 31 || l[5] != '.' ||
	    l[6] < '0' || l[6] > '7' || (l[7] && !isspace((unsigned char)l[7])))
		return 0;
	f = l[6] - '0';
	*seg = (unsigned)s;
	*bdf = (unsigned)(b << 8 | d << 3 | f);
	return 1;
}

static struct rec_fn *
fn_find(struct rec_cfg *c, unsigned bdf)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->fn[i].bdf == bdf)
			return &c->fn[i];
	return NULL;
}

static struct rec_fn *
fn_add(struct rec_cfg *c, unsigned bdf)
{
	struct rec_fn *f = fn_find(c, bdf);

	if (f)
		return f;	/* given twice: the later rows win, as they would on a re-read */
	if (c->n == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 16;
		struct rec_fn *more = realloc(c->fn, cap * sizeof *more);

		if (!more)
			return NULL;
		c->fn = more;
		c->cap = cap;
	}
	f = &c->fn[c->n++];
	memset(f, 0, sizeof *f);
	f->bdf = (uint16_t)bdf;
	return f;
}

/*
 * One row "OFF: b0 b1 ... b15" (blanks or tabs between): 1 if it was one
 * (bytes stored), 0 if the line is something else (lspci's -v text), or
 * -EINVAL with err for a row that is broken.
 */
static int
row(struct rec_fn *f, const char *l, unsigned no, char *err, size_t errlen)
{
	char *e;
	unsigned long off = strtoul(l, &e, 16);
	unsigned i;

	if (e == l || e - l > 3 || *e != ':' || !isxdigit((unsigned char)*l) || (e[1] && !isspace((unsigned char)e[1])))
		return 0;
	if (off % 16 || off >= CFG_SPACE) {
		snprintf(err, errlen, "line %u: row offset 0x%lx is not a multiple of 16 below 0x1000", no, off);
		return -EINVAL;
	}
	if (!f)
		return 1;	/* a row of a function we do not keep (another segment) */
	e++;
	for (i = 0; i < 16; i++) {
		long b;

		while (isspace((unsigned char)*e))
			e++;
		if (!*e)
			break;
		if ((b = hexn(e, 2)) < 0 || (e[2] && !isspace((unsigned char)e[2]))) {
			snprintf(err, errlen, "line %u: byte %u is not two hex digits", no, i);
			return -EINVAL;
		}
		f->cfg[off + i] = (uint8_t)b;
		e += 2;
	}
	if (off + 16 > f->len)
		f->len = (unsigned)off + 16;
	return 1;
}

static int
parse(struct rec_cfg *c, char *text, char *err, size_t errlen)
{
	struct rec_fn *cur = NULL;
	unsigned no = 0, seg, bdf;
	int in_fn = 0;

	for (char *l = text, *next; l; l = next) {
		int rc;

		next = strchr(l, '\n');
		if (next)
			*next++ = 0;
		no++;
		l[strcspn(l, "\r")] = 0;
		if (header(l, &seg, &bdf)) {
			in_fn = 1;
			cur = NULL;
			if (seg == 0 && !(cur = fn_add(c, bdf))) {
				snprintf(err, errlen, "out of memory at line %u", no);
				return -ENOMEM;
			}
			continue;
		}
		if ((rc = row(cur, l, no, err, errlen)) < 0)
			return rc;
		if (rc && !in_fn) {
			snprintf(err, errlen, "line %u: a row before any function", no);
			return -EINVAL;
		}
	}
	return 0;
}

static int
cfg_read(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t *v)
{
	struct rec_cfg *c = ctx;
	struct rec_fn *f;
	unsigned reg = (unsigned)(addr & 0xffff), bytes = width / 8;

	*v = 0;
	if (space != 2)
		return 0;
	if (reg + bytes > CFG_SPACE)
		return -ERANGE;
	f = fn_find(c, (unsigned)(addr >> 16) & 0xffff);
	if (!f || reg + bytes > f->len) {
		*v = bytes >= 8 ? ~0ull : (1ull << width) - 1;	/* no such function (or register): the bus's all ones */
		return 0;
	}
	for (unsigned i = 0; i < bytes; i++)
		*v |= (uint64_t)f->cfg[reg + i] << (8 * i);
	return 0;
}

static int
cfg_write(void *ctx, uint8_t space, uint64_t addr, unsigned width, uint64_t v)
{
	struct rec_cfg *c = ctx;
	struct rec_fn *f;
	unsigned reg = (unsigned)(addr & 0xffff), bytes = width / 8;

	if (space != 2)
		return 0;
	if (reg + bytes > CFG_SPACE)
		return -ERANGE;
	if (!(f = fn_find(c, (unsigned)(addr >> 16) & 0xffff)) || reg + bytes > f->len)
		return 0;
	for (unsigned i = 0; i < bytes; i++)
		f->cfg[reg + i] = (uint8_t)(v >> (8 * i));
	return 0;
}

int
record_cfg_open(struct aml_region_ops *ops, const char *path, unsigned *nfn, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct rec_cfg *c;
	struct stat st;
	char *text;
	size_t got = 0;
	int rc;

	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return rc;
	}
	/* Regular files only, opened without blocking: a FIFO named config.txt must not hang us. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > CFG_FILE_MAX) {
		snprintf(err, errlen, "not a regular file of at most %u MiB", CFG_FILE_MAX >> 20);
		close(fd);
		return -EINVAL;
	}
	if (!(text = malloc((size_t)st.st_size + 1)) || !(c = calloc(1, sizeof *c))) {
		free(text);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, text + got, (size_t)st.st_size - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	text[got] = 0;
	rc = parse(c, text, err, errlen);
	free(text);
	if (rc) {
		free(c->fn);
		free(c);
		return rc;
	}
	*nfn = c->n;
	ops->name = "PCI_Config from the record's config.txt (other spaces read 0, writes dropped)";
	ops->read = cfg_read;
	ops->write = cfg_write;
	ops->ctx = c;
	return 0;
}

void
record_cfg_close(struct aml_region_ops *ops)
{
	struct rec_cfg *c = ops->ctx;

	if (c)
		free(c->fn);
	free(c);
	ops->ctx = NULL;
}
