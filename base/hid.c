/*
 * HID reader (see mkx/hid.h), following Genode's doc/hid.txt rule by
 * rule. One pass over the lines; each line is cut at '|' into segments,
 * and a segment keeps the column it starts at. Open nodes sit on a stack
 * with the column of their type: a sub node nests in the innermost open
 * node whose type is at least two columns further left, an attribute or
 * quoted content belongs to the innermost open node. Every byte is looked
 * at a bounded number of times, so the cost is linear in the input (the
 * duplicate-attribute check sorts each node's tags once).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/hid.h>

#define HID_STR_(x) #x
#define HID_STR(x) HID_STR_(x)

struct open_node {
	struct mkx_xml	*node;
	size_t		col;		/* byte column of its type */
	size_t		nattrs, cap;	/* attribute pairs used and allocated in node->attrs */
	struct mkx_xml	*last;		/* newest child: appending stays O(1) */
	int		disabled;	/* "x " or inside one: checked, then left out */
	int		quoted;		/* holds quoted content, so no sub nodes */
	int		leads;		/* the first segment of its line (not after '|') */
};

struct hid {
	const char	*line, *end;	/* current line, end without "\r\n" */
	unsigned long	lineno;
	struct open_node stack[MKX_XML_DEPTH_MAX];
	int		depth;		/* stack[0] is the top-level node */
	struct mkx_xml	*root;
	unsigned long	nodes;
	int		closed;		/* the closing '-' was read */
	int		leading;	/* the segment being read is the first of its line */
	char		*err;
	size_t		errlen;
	mkx_hid_warn_fn	warn;		/* told of text Genode's parser reads but doc/hid.txt forbids */
	void		*warn_ctx;
};

static int __attribute__((format(printf, 4, 5)))
fail_at(struct hid *h, unsigned long line, size_t col, const char *fmt, ...)
{
	int n = snprintf(h->err, h->errlen, "line %lu:%zu: ", line, col);
	va_list ap;

	if (n >= 0 && (size_t)n < h->errlen) {
		va_start(ap, fmt);
		vsnprintf(h->err + n, h->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

#define fail(h, at, ...) fail_at((h), (h)->lineno, (size_t)((at) - (h)->line) + 1, __VA_ARGS__)

/*
 * Text that breaks a rule of doc/hid.txt but that Genode's own parser
 * reads (and Genode's configs carry): read as Genode reads it, and told
 * to the caller's warn function with its line and column.
 */
static void
warn(struct hid *h, const char *at, const char *what)
{
	if (h->warn)
		h->warn(h->warn_ctx, h->lineno, (size_t)(at - h->line) + 1, what);
}

static int
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* End of a node type or attribute tag at s: [a-z][a-z0-9_-]*; s if none. */
static const char *
ident_end(const char *s, const char *e)
{
	if (s == e || !is_lower(*s))
		return s;
	while (s < e && (is_lower(*s) || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
		s++;
	return s;
}

static void
trim(const char **s, const char **e)
{
	while (*s < *e && **s == ' ')
		(*s)++;
	while (*e > *s && (*e)[-1] == ' ')
		(*e)--;
}

/*
 * Length of the printable UTF-8 character at s, or 0: no control
 * characters (a tab only if tab_ok), no malformed or overlong sequences,
 * surrogates or U+FFFE/U+FFFF (what XML refuses, so every HID tree can be
 * written out as XML again).
 */
static size_t
printable(const unsigned char *s, const unsigned char *e, int tab_ok)
{
	unsigned c = s[0], cp, n;

	if (c == '\t')
		return tab_ok ? 1 : 0;
	if (c < 0x20 || c == 0x7f)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(e - s) < n)
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

static int
check_text(struct hid *h, const char *s, const char *e, int tab_ok, const char *what)
{
	while (s < e) {
		size_t n = printable((const unsigned char *)s, (const unsigned char *)e, tab_ok);

		if (n) {
			s += n;
			continue;
		}
		if (*s == '\t')
			return fail(h, s, "tab in %s: tabs may appear only in quoted content and comments, "
			    "spaces are required here", what);
		if ((unsigned char)*s < 0x80)
			return fail(h, s, "control character 0x%02x in %s (HID: printable characters only)",
			    (unsigned char)*s, what);
		return fail(h, s, "invalid UTF-8 in %s", what);
	}
	return 0;
}

static int
add_attr(struct hid *h, struct open_node *o, const char *tag, size_t taglen,
    const char *val, size_t vallen)
{
	struct mkx_xml *n = o->node;
	char **a;

	if (o->nattrs == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4;

		if (!(a = realloc(n->attrs, (2 * cap + 1) * sizeof *a)))
			return fail_at(h, h->lineno, 1, "out of memory");
		n->attrs = a;
		o->cap = cap;
	}
	a = n->attrs + 2 * o->nattrs;
	a[0] = strndup(tag, taglen);
	a[1] = a[0] ? strndup(val, vallen) : NULL;
	a[2] = NULL;
	if (!a[1])
		return fail_at(h, h->lineno, 1, "out of memory");
	o->nattrs++;
	return 0;
}

/* "tag: value" or "tag:" in [s, e) (trimmed) to the node o. */
static int
attribute(struct hid *h, const char *s, const char *e, struct open_node *o)
{
	const char *t = ident_end(s, e), *v;

	if (t == e || *t != ':') {
		if (*s == '-' && e - s == 1)
			return fail(h, s, "the closing '-' stands at column 1");
		if (!memchr(s, ':', (size_t)(e - s)))
			return fail(h, s, "\"%.*s\" is no attribute (tag: value), sub node (+ type), comment "
			    "(. text) or quoted content (: text)", (int)(e - s > 40 ? 40 : e - s), s);
		return fail(h, t, "attribute tag \"%.*s\": tags are a lower-case letter followed by "
		    "a-z, 0-9, '_' or '-', then ':'", (int)((const char *)memchr(s, ':', (size_t)(e - s)) - s), s);
	}
	v = t + 1;
	if (v < e && *v != ' ')
		return fail(h, v, "the value must be separated from \"%.*s:\" by a space", (int)(t - s), s);
	trim(&v, &e);
	if (check_text(h, v, e, 0, "an attribute value"))
		return -EINVAL;
	return add_attr(h, o, s, (size_t)(t - s), v, (size_t)(e - v));
}

static int
attr_cmp(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Genode's offline rule: a tag appears once per node (XML says the same). */
static int
check_duplicates(struct hid *h, const struct open_node *o)
{
	char **a = o->node->attrs, ***sorted;
	const char *dup = NULL;

	if (o->nattrs <= 8) {
		for (size_t i = 0; i < o->nattrs && !dup; i++)
			for (size_t j = i + 1; j < o->nattrs; j++)
				if (!strcmp(a[2 * i], a[2 * j]))
					dup = a[2 * i];
	} else {
		if (!(sorted = malloc(o->nattrs * sizeof *sorted)))
			return fail_at(h, (unsigned long)o->node->line, o->col + 1, "out of memory");
		for (size_t i = 0; i < o->nattrs; i++)
			sorted[i] = &a[2 * i];
		qsort(sorted, o->nattrs, sizeof *sorted, attr_cmp);
		for (size_t i = 1; i < o->nattrs && !dup; i++)
			if (!strcmp(*sorted[i - 1], *sorted[i]))
				dup = *sorted[i];
		free(sorted);
	}
	if (dup)
		return fail_at(h, (unsigned long)o->node->line, o->col + 1,
		    "<%s> has the attribute \"%s\" twice (a node name counts as \"name\")", o->node->name, dup);
	return 0;
}

static int
close_top(struct hid *h)
{
	struct open_node *o = &h->stack[--h->depth];
	int rc = check_duplicates(h, o);

	/* The root of a disabled subtree was never linked to its parent. */
	if (o->disabled && h->depth && !h->stack[h->depth - 1].disabled)
		mkx_xml_free(o->node);
	return rc;
}

/* On error: free what is not reachable from the root, then the root. */
static void
discard(struct hid *h)
{
	while (h->depth) {
		struct open_node *o = &h->stack[--h->depth];

		if (o->disabled && h->depth && !h->stack[h->depth - 1].disabled)
			mkx_xml_free(o->node);
	}
	mkx_xml_free(h->root);
	h->root = NULL;
}

/*
 * Find the parent of a sub node whose type is at column col: close the
 * open nodes it does not nest in. The last one closed is its previous
 * sibling, which must start at the same column.
 */
static int
find_parent(struct hid *h, const char *type, size_t col)
{
	char prev[64] = "";
	size_t prev_col = SIZE_MAX;
	struct open_node *p;

	/*
	 * Only a sibling that began its own line must line up: one written
	 * after '|' (+ start a | + binary b) sits where the table puts it.
	 */
	while (h->depth > 1 && h->stack[h->depth - 1].col >= col) {
		prev_col = h->stack[h->depth - 1].leads ? h->stack[h->depth - 1].col : col;
		snprintf(prev, sizeof prev, "%s", h->stack[h->depth - 1].node->name);
		if (close_top(h))
			return -EINVAL;
	}
	if (prev_col != SIZE_MAX && prev_col != col)
		return fail(h, type, "bad indentation: this node's type is at column %zu, its previous sibling "
		    "<%s>'s at column %zu (siblings line up)", col + 1, prev, prev_col + 1);
	p = &h->stack[h->depth - 1];
	/* p->col < col here; one column in, Genode's parser nests it all the same */
	if (col == p->col + 1)
		warn(h, type, "sub node indented by one column (doc/hid.txt: two more per level)");
	if (p->quoted)
		return fail(h, type, "<%s> holds quoted content, so it cannot have sub nodes", p->node->name);
	return 0;
}

/*
 * A node: "type", "type name" or "type tag: value" in [s, e), the type at
 * s. The top-level node when nothing is open yet.
 */
static int
open_node(struct hid *h, const char *s, const char *e, int enabled)
{
	const char *t = ident_end(s, e), *r, *re;
	size_t col = (size_t)(s - h->line);
	struct open_node *o, *parent = NULL;
	struct mkx_xml *n;

	if (t == s)
		return fail(h, s, s < e && *s == ' ' ? "one space between '+' and the node type" :
		    "a node type starts with a lower-case letter (a-z)");
	if (t < e && *t == '.') {
		/* "+ drivers.config": Genode reads the type to the space; hid.txt has no '.' in types. */
		warn(h, t, "'.' in a node type (doc/hid.txt: a-z, 0-9, '_' and '-')");
		while (t < e && (*t == '.' || is_lower(*t) || (*t >= '0' && *t <= '9') || *t == '_' || *t == '-'))
			t++;
	}
	if (t < e && *t != ' ')
		return fail(h, t, "node type \"%.*s%c\": a type is a-z, 0-9, '_' and '-', ended by a space",
		    (int)(t - s), s, *t);
	if (h->depth) {
		if (find_parent(h, s, col))
			return -EINVAL;
		parent = &h->stack[h->depth - 1];
	}
	if (h->depth == MKX_XML_DEPTH_MAX)
		return fail(h, s, "nodes nested too deeply: more than " HID_STR(MKX_XML_DEPTH_MAX)
		    " levels (the limit, MKX_XML_DEPTH_MAX)");
	if (++h->nodes > MKX_XML_NODES_MAX)
		return fail(h, s, "more than " HID_STR(MKX_XML_NODES_MAX) " nodes (the limit, MKX_XML_NODES_MAX)");
	if (!(n = calloc(1, sizeof *n)) || !(n->name = strndup(s, (size_t)(t - s))) ||
	    !(n->attrs = calloc(1, sizeof *n->attrs))) {
		if (n)
			free(n->name);
		free(n);
		return fail(h, s, "out of memory");
	}
	n->line = (int)h->lineno;
	o = &h->stack[h->depth++];
	*o = (struct open_node){ .node = n, .col = col, .leads = h->leading,
	    .disabled = !enabled || (parent && parent->disabled) };
	if (!parent)
		h->root = n;
	else {
		n->parent = parent->node;
		if (!o->disabled || parent->disabled) {
			if (parent->last)
				parent->last->next = n;
			else
				parent->node->child = n;
			parent->last = n;
		}
	}
	r = t;
	re = e;
	trim(&r, &re);
	if (r == re)
		return 0;
	t = ident_end(r, re);
	if (t > r && t < re && *t == ':' && (t + 1 == re || t[1] == ' '))
		return attribute(h, r, re, o);
	if (check_text(h, r, re, 0, "a node name"))
		return -EINVAL;
	return add_attr(h, o, "name", 4, r, (size_t)(re - r));
}

/*
 * The end of the segment at s: the next '|' or the line's end. A '|'
 * delimiter is enclosed by spaces.
 */
static int
segment_end(struct hid *h, const char *s, const char **e)
{
	const char *bar = memchr(s, '|', (size_t)(h->end - s));

	*e = bar ? bar : h->end;
	if (!bar)
		return 0;
	if (bar[-1] != ' ')
		return fail(h, bar, "'|' must be enclosed by spaces: a space before it");
	if (bar + 1 < h->end && bar[1] != ' ')
		return fail(h, bar + 1, "'|' must be enclosed by spaces: a space after it");
	return 0;
}

/* Quoted content (": text") or a comment (". text"): each takes the rest of the line. */
static int
line_delimited(struct hid *h, const char *q)
{
	struct open_node *o = &h->stack[h->depth - 1];

	if (q + 1 < h->end && q[1] != ' ' && *q == '.')
		/* ".text": Genode's parser takes the line as a comment all the same */
		warn(h, q + 1, "comment text not separated from '.' by a space (doc/hid.txt)");
	else if (q + 1 < h->end && q[1] != ' ')
		return fail(h, q + 1, "quoted content is separated from ':' by a space");
	if (check_text(h, q + 1, h->end, 1, *q == '.' ? "a comment" : "quoted content"))
		return -EINVAL;
	if (*q == '.')
		return 0;
	if ((size_t)(q - h->line) < o->col)
		return fail(h, q, "quoted content indented less than its node <%s> (type at column %zu)",
		    o->node->name, o->col + 1);
	o->quoted = 1;
	return 0;
}

/*
 * The segments of a line from p on. leading: nothing but empty segments
 * so far, which only draw scope; once a segment had content, every '|'
 * must be followed by another.
 */
static int
segments(struct hid *h, const char *p, int leading)
{
	for (;;) {
		const char *q = p, *e;
		struct open_node *o;
		int rc;

		while (q < h->end && *q == ' ')
			q++;
		if (q == h->end) {
			/* "a |": a helper that returned empty text; Genode's parser reads "a" */
			if (!leading)
				warn(h, p - 1, "'|' with nothing after it (doc/hid.txt: a segment follows each '|')");
			return 0;
		}
		if (*q == '\t')
			return fail(h, q, "tab where spaces are required (HID indents and separates with spaces only)");
		if (*q == '|') {
			if (!leading)
				/* "a | | b": Genode's parser skips the empty segment */
				warn(h, q, "empty segment between two '|' (doc/hid.txt: only the beginning "
				    "of a line is drawn with '|')");
			if (q > h->line && q[-1] != ' ')
				return fail(h, q, "'|' must be enclosed by spaces: a space before it");
			if (q + 1 < h->end && q[1] != ' ')
				return fail(h, q + 1, "'|' must be enclosed by spaces: a space after it");
			p = q + 1;
			continue;
		}
		if (*q == '.' || *q == ':')
			return line_delimited(h, q);
		if ((rc = segment_end(h, q, &e)))
			return rc;
		o = &h->stack[h->depth - 1];
		h->leading = leading;
		if ((*q == '+' || *q == 'x') && q + 1 < e && q[1] == ' ')
			rc = open_node(h, q + 2, e, *q == '+');
		else if (*q == '+')
			rc = fail(h, q, "'+' is followed by one space and the node type");
		else if ((size_t)(q - h->line) < o->col)
			rc = fail(h, q, "attribute indented less than its node <%s> (type at column %zu); "
			    "attributes come before a node's sub nodes", o->node->name, o->col + 1);
		else if (o->quoted)
			rc = fail(h, q, "attribute after quoted content of <%s>: attributes come first",
			    o->node->name);
		else {
			const char *te = e;

			trim(&q, &te);
			rc = attribute(h, q, te, o);
		}
		if (rc)
			return rc;
		if (e == h->end)
			return 0;
		leading = 0;
		p = e + 1;
	}
}

/* The first non-blank line: the top-level node, its type at column 1. */
static int
top_line(struct hid *h)
{
	const char *q = h->line, *e;

	while (q < h->end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == h->end)
		return 0;
	if (*q == '.')
		return fail(h, q, "comment lines must not appear above the top-level node");
	if (q != h->line)
		return fail(h, q, "the top-level node's type begins at column 1");
	if (*q == '+')
		return fail(h, q, "the document begins with its top-level node, without '+ ' (e.g. \"config\")");
	if (!is_lower(*q))
		return fail(h, q, "the document begins with its top-level node's type (a lower-case letter)");
	if (segment_end(h, q, &e) || open_node(h, q, e, 1))
		return -EINVAL;
	return e == h->end ? 0 : segments(h, e + 1, 0);
}

static int
line(struct hid *h)
{
	const char *s = h->line;

	if (h->closed) {
		for (; s < h->end; s++)
			if (*s != ' ' && *s != '\t')
				return fail(h, s, "content after the closing '-' of <%s> (a document is one "
				    "top-level node)", h->root->name);
		return 0;
	}
	if (!h->root)
		return top_line(h);
	if (s < h->end && *s == '-') {
		while (++s < h->end)
			if (*s != ' ')
				return fail(h, s, "the closing '-' stands alone on its line");
		while (h->depth)
			if (close_top(h))
				return -EINVAL;
		h->closed = 1;
		return 0;
	}
	if (s < h->end && is_lower(*s) && !(*s == 'x' && s + 1 < h->end && s[1] == ' ')) {
		/* Genode's parser reads one top-level node; a second top-level line is left out */
		warn(h, s, "a second top-level line, left out (doc/hid.txt: a document is one top-level node)");
		return check_text(h, s, h->end, 1, "a left-out line");
	}
	return segments(h, s, 1);
}

/* A UTF-8 byte order mark some editors put first: not part of either syntax. */
static size_t
bom_len(const char *buf, size_t len)
{
	return len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
}

struct mkx_xml *
mkx_hid_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	return mkx_hid_parse_warn(buf, len, err, errlen, NULL, NULL);
}

struct mkx_xml *
mkx_hid_parse_warn(const char *buf, size_t len, char *err, size_t errlen, mkx_hid_warn_fn warn_fn, void *ctx)
{
	struct hid h = { .err = err, .errlen = errlen, .warn = warn_fn, .warn_ctx = ctx };
	const char *p = buf, *end = buf + len;
	int rc = 0;

	err[0] = 0;
	if (len > MKX_XML_SIZE_MAX) {
		snprintf(err, errlen, "line 1:1: document of %zu bytes is larger than %u bytes "
		    "(the limit, MKX_XML_SIZE_MAX)", len, MKX_XML_SIZE_MAX);
		return NULL;
	}
	p += bom_len(buf, len);
	while (!rc && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		h.lineno++;
		h.line = p;
		h.end = nl ? nl : end;
		if (h.end > p && h.end[-1] == '\r')
			h.end--;
		rc = line(&h);
		p = nl ? nl + 1 : end;
	}
	if (!rc && !h.root)
		rc = fail_at(&h, h.lineno ? h.lineno : 1, 1, "no top-level node (a HID document is one "
		    "top-level node, closed by a line '-')");
	else if (!rc && !h.closed)
		rc = fail_at(&h, h.lineno, (size_t)(h.end - h.line) + 1, "unterminated: <%s> of line %d is "
		    "not closed by a line '-'", h.root->name, h.root->line);
	if (rc) {
		discard(&h);
		return NULL;
	}
	return h.root;
}

int
mkx_doc_is_hid(const char *buf, size_t len)
{
	for (size_t i = bom_len(buf, len); i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
			return buf[i] != '<';
	return 0;
}
