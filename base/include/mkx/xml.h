/*
 * A small read-only XML tree on top of libexpat, keeping each element's
 * line number so config errors can say where they are.
 */
#ifndef MKX_XML_H
#define MKX_XML_H

#include <stddef.h>

struct mkx_xml {
	char		*name;
	char		**attrs;	/* name, value, name, value, ..., NULL */
	int		line;
	struct mkx_xml	*parent, *child, *next;
};

/*
 * Limits of every document mkx_xml_parse takes (configs, ROMs, reports):
 * past them the parse is refused with an error naming the limit, so a
 * hostile or broken document costs bounded time and memory.
 */
#define MKX_XML_SIZE_MAX	(8u << 20)	/* bytes */
#define MKX_XML_NODES_MAX	262144		/* elements */
#define MKX_XML_DEPTH_MAX	64		/* nesting */

/*
 * Parse len bytes of XML, or of Genode's HID syntax if the first
 * non-blank character is not '<' (mkx/hid.h: the same tree). Returns the
 * root element, or NULL with a message "line N: what" (XML) or
 * "line N:C: what" (HID, C the column) in err (NUL-terminated). The tree
 * is freed with mkx_xml_free().
 */
struct mkx_xml *mkx_xml_parse(const char *buf, size_t len, char *err, size_t errlen);

void	mkx_xml_free(struct mkx_xml *);

/* Attribute value or NULL. */
const char *mkx_xml_attr(const struct mkx_xml *, const char *name);

/*
 * Numeric attribute (decimal, 0x hex, K/M/G suffix). Returns 0 and *v,
 * -ENOENT if absent (then *v = dflt), -EINVAL if not a number.
 */
int	mkx_xml_attr_ulong(const struct mkx_xml *, const char *name,
	    unsigned long dflt, unsigned long *v);

/* Boolean attribute: "yes"/"true" -> 1, "no"/"false" -> 0, absent -> dflt, else -EINVAL. */
int	mkx_xml_attr_bool(const struct mkx_xml *, const char *name, int dflt);

/* First child element named name (NULL: any), and the next sibling of that name. */
struct mkx_xml *mkx_xml_child(const struct mkx_xml *, const char *name);
struct mkx_xml *mkx_xml_next(const struct mkx_xml *, const char *name);

/*
 * Serialize a subtree back to XML text (malloc'd, NUL-terminated; length
 * in *len if len). NULL on allocation failure.
 */
char	*mkx_xml_to_string(const struct mkx_xml *, size_t *len);

#endif
