/*
 * The XML tree (base/xml.c): large documents parse in linear time, and
 * the limits on size, element count and depth are refused with an error
 * that names the limit. Time is bounded by the harness's 30 s alarm, not
 * asserted: appending by walking the sibling list took minutes here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/xml.h>
#include "harness.h"

static char err[256];

/* "<r>" + n times "<e/>" + "</r>", malloc'd. */
static char *
siblings(size_t n, size_t *len)
{
	char *buf = malloc(n * 4 + 16), *p = buf;

	if (!buf)
		return NULL;
	p += sprintf(p, "<r>");
	for (size_t i = 0; i < n; i++) {
		memcpy(p, "<e/>", 4);
		p += 4;
	}
	p += sprintf(p, "</r>");
	*len = (size_t)(p - buf);
	return buf;
}

TEST(xml_200000_siblings_parse_in_order)
{
	size_t len, count = 0;
	char *doc = siblings(200000, &len);
	struct mkx_xml *root;

	CHECK(doc);
	root = mkx_xml_parse(doc, len, err, sizeof err);
	if (!root)
		harness_fail(__FILE__, __LINE__, "parse failed: %s", err);
	for (struct mkx_xml *c = mkx_xml_child(root, NULL); c; c = mkx_xml_next(c, NULL))
		count++;
	CHECK_INT(count, 200000);
	mkx_xml_free(root);
	free(doc);
}

TEST(xml_children_keep_document_order_across_levels)
{
	static const char doc[] = "<a><b n=\"1\"><c n=\"x\"/><c n=\"y\"/></b><b n=\"2\"/>"
	    "<b n=\"3\"><c n=\"z\"/></b></a>";
	struct mkx_xml *root = mkx_xml_parse(doc, sizeof doc - 1, err, sizeof err);
	struct mkx_xml *b, *c;

	CHECK(root);
	b = mkx_xml_child(root, "b");
	CHECK_STR_HAS(mkx_xml_attr(b, "n"), "1");
	c = mkx_xml_child(b, "c");
	CHECK_STR_HAS(mkx_xml_attr(c, "n"), "x");
	CHECK_STR_HAS(mkx_xml_attr(mkx_xml_next(c, "c"), "n"), "y");
	CHECK(!mkx_xml_next(mkx_xml_next(c, "c"), "c"));
	b = mkx_xml_next(b, "b");
	CHECK_STR_HAS(mkx_xml_attr(b, "n"), "2");
	CHECK(!b->child);
	b = mkx_xml_next(b, "b");
	CHECK_STR_HAS(mkx_xml_attr(mkx_xml_child(b, "c"), "n"), "z");
	CHECK(!mkx_xml_next(b, NULL));
	mkx_xml_free(root);
}

TEST(xml_too_many_elements_refused_naming_the_limit)
{
	size_t len;
	char *doc = siblings(MKX_XML_NODES_MAX, &len);	/* plus the root: one too many */

	CHECK(doc);
	CHECK(!mkx_xml_parse(doc, len, err, sizeof err));
	CHECK_STR_HAS(err, "more than");
	CHECK_STR_HAS(err, "MKX_XML_NODES_MAX");
	free(doc);
}

TEST(xml_too_large_document_refused_naming_the_limit)
{
	size_t len = MKX_XML_SIZE_MAX + 1;
	char *doc = malloc(len);

	CHECK(doc);
	memset(doc, ' ', len);
	memcpy(doc, "<r>", 3);
	memcpy(doc + len - 4, "</r>", 4);
	CHECK(!mkx_xml_parse(doc, len, err, sizeof err));
	CHECK_STR_HAS(err, "MKX_XML_SIZE_MAX");
	free(doc);
}

TEST(xml_too_deep_refused_naming_the_limit)
{
	char doc[(MKX_XML_DEPTH_MAX + 1) * 7 + 1], *p = doc;

	for (int i = 0; i <= MKX_XML_DEPTH_MAX; i++)
		p += sprintf(p, "<a>");
	for (int i = 0; i <= MKX_XML_DEPTH_MAX; i++)
		p += sprintf(p, "</a>");
	CHECK(!mkx_xml_parse(doc, (size_t)(p - doc), err, sizeof err));
	CHECK_STR_HAS(err, "MKX_XML_DEPTH_MAX");
}
