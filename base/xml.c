/*
 * XML tree on libexpat (see mkx/xml.h). Text content is ignored: our
 * formats (configs, reports) carry data in attributes, as Genode's do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/args.h>
#include <mkx/hid.h>
#include <mkx/xml.h>

#define XML_STR_(x) #x
#define XML_STR(x) XML_STR_(x)

struct parse_state {
	XML_Parser	p;
	struct mkx_xml	*root, *cur;
	/*
	 * last[d]: the newest child of the open element at depth d, so a new
	 * sibling is appended in O(1) (walking the list made n siblings cost
	 * n^2/2 steps: 80,000 took 22 s).
	 */
	struct mkx_xml	*last[MKX_XML_DEPTH_MAX + 1];
	int		depth;
	unsigned long	nodes;
	int		failed;
	char		*err;
	size_t		errlen;
};

static void
fail(struct parse_state *st, const char *what)
{
	if (!st->failed)
		snprintf(st->err, st->errlen, "line %lu: %s",
		    (unsigned long)XML_GetCurrentLineNumber(st->p), what);
	st->failed = 1;
	XML_StopParser(st->p, XML_FALSE);
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct parse_state *st = ud;
	struct mkx_xml *n;
	size_t na = 0;

	if (st->failed)
		return;
	if (++st->depth > MKX_XML_DEPTH_MAX) {
		fail(st, "elements nested too deeply: more than " XML_STR(MKX_XML_DEPTH_MAX)
		    " levels (the limit, MKX_XML_DEPTH_MAX)");
		return;
	}
	if (++st->nodes > MKX_XML_NODES_MAX) {
		fail(st, "more than " XML_STR(MKX_XML_NODES_MAX)
		    " elements (the limit, MKX_XML_NODES_MAX)");
		return;
	}
	if (!st->cur && st->root) {
		fail(st, "more than one root element");
		return;
	}
	while (atts[na])
		na++;
	n = calloc(1, sizeof *n);
	if (!n || !(n->attrs = calloc(na + 1, sizeof(char *))) ||
	    !(n->name = strdup(name))) {
		if (n)
			free(n->attrs);
		free(n);
		fail(st, "out of memory");
		return;
	}
	for (size_t i = 0; i < na; i++)
		if (!(n->attrs[i] = strdup(atts[i]))) {
			fail(st, "out of memory");
			break;
		}
	n->line = (int)XML_GetCurrentLineNumber(st->p);
	n->parent = st->cur;
	/* depth counts from 1 (the root); last[depth - 1] is n's previous sibling. */
	if (!st->cur)
		st->root = n;
	else if (st->last[st->depth - 1])
		st->last[st->depth - 1]->next = n;
	else
		st->cur->child = n;
	st->last[st->depth - 1] = n;
	st->last[st->depth] = NULL;	/* n has no children yet */
	st->cur = n;
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct parse_state *st = ud;

	(void)name;
	if (st->failed)
		return;
	st->depth--;
	st->cur = st->cur->parent;
}

struct mkx_xml *
mkx_xml_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	struct parse_state st = { .err = err, .errlen = errlen };

	err[0] = 0;
	if (len > MKX_XML_SIZE_MAX) {
		snprintf(err, errlen, "line 1: document of %zu bytes is larger than %u bytes "
		    "(the limit, MKX_XML_SIZE_MAX)", len, MKX_XML_SIZE_MAX);
		return NULL;
	}
	/* Genode's HID syntax beside XML: told apart by the first non-blank character. */
	if (mkx_doc_is_hid(buf, len))
		return mkx_hid_parse(buf, len, err, errlen);
	st.p = XML_ParserCreate("UTF-8");
	if (!st.p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	XML_SetUserData(st.p, &st);
	XML_SetElementHandler(st.p, on_start, on_end);
	if (XML_Parse(st.p, buf, (int)len, XML_TRUE) == XML_STATUS_ERROR && !st.failed) {
		snprintf(err, errlen, "line %lu: %s",
		    (unsigned long)XML_GetCurrentLineNumber(st.p),
		    XML_ErrorString(XML_GetErrorCode(st.p)));
		st.failed = 1;
	}
	if (!st.failed && !st.root) {
		snprintf(err, errlen, "line 1: no root element");
		st.failed = 1;
	}
	XML_ParserFree(st.p);
	if (st.failed) {
		mkx_xml_free(st.root);
		return NULL;
	}
	return st.root;
}

void
mkx_xml_free(struct mkx_xml *n)
{
	while (n) {
		struct mkx_xml *next = n->next;

		mkx_xml_free(n->child);
		if (n->attrs)
			for (char **a = n->attrs; *a; a++)
				free(*a);
		free(n->attrs);
		free(n->name);
		free(n);
		n = next;
	}
}

const char *
mkx_xml_attr(const struct mkx_xml *n, const char *name)
{
	for (char **a = n->attrs; a[0] && a[1]; a += 2)
		if (!strcmp(a[0], name))
			return a[1];
	return NULL;
}

int
mkx_xml_attr_ulong(const struct mkx_xml *n, const char *name,
    unsigned long dflt, unsigned long *v)
{
	const char *s = mkx_xml_attr(n, name);

	*v = dflt;
	if (!s)
		return -ENOENT;
	return mkx_parse_ulong(s, v);
}

int
mkx_xml_attr_bool(const struct mkx_xml *n, const char *name, int dflt)
{
	const char *s = mkx_xml_attr(n, name);

	if (!s)
		return dflt;
	if (!strcmp(s, "yes") || !strcmp(s, "true"))
		return 1;
	if (!strcmp(s, "no") || !strcmp(s, "false"))
		return 0;
	return -EINVAL;
}

struct mkx_xml *
mkx_xml_child(const struct mkx_xml *n, const char *name)
{
	for (struct mkx_xml *c = n->child; c; c = c->next)
		if (!name || !strcmp(c->name, name))
			return c;
	return NULL;
}

struct mkx_xml *
mkx_xml_next(const struct mkx_xml *n, const char *name)
{
	for (struct mkx_xml *c = n->next; c; c = c->next)
		if (!name || !strcmp(c->name, name))
			return c;
	return NULL;
}

static void
put_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static void
put_node(FILE *f, const struct mkx_xml *n, int indent)
{
	fprintf(f, "%*s<%s", indent, "", n->name);
	for (char **a = n->attrs; a[0] && a[1]; a += 2) {
		fprintf(f, " %s=\"", a[0]);
		put_escaped(f, a[1]);
		fputc('"', f);
	}
	if (!n->child) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	for (const struct mkx_xml *c = n->child; c; c = c->next)
		put_node(f, c, indent + 2);
	fprintf(f, "%*s</%s>\n", indent, "", n->name);
}

char *
mkx_xml_to_string(const struct mkx_xml *n, size_t *len)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);

	if (!f)
		return NULL;
	put_node(f, n, 0);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	if (len)
		*len = sz;
	return buf;
}
