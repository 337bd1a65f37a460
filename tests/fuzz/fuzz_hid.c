/*
 * libFuzzer target for the HID reader (base/hid.c): configs, ROMs and
 * reports may be HID, and ROMs and reports come from other components.
 * Beyond "no crash, leak or timeout": every document it accepts must
 * survive the trip to XML text and back through the XML reader as the
 * same tree (so HID can never yield a tree XML could not express).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/hid.h>
#include <mkx/xml.h>

static int
same_tree(const struct mkx_xml *a, const struct mkx_xml *b)
{
	for (; a && b; a = a->next, b = b->next) {
		char **x = a->attrs, **y = b->attrs;

		if (strcmp(a->name, b->name))
			return 0;
		for (; *x && *y; x++, y++)
			if (strcmp(*x, *y))
				return 0;
		if (*x || *y || !same_tree(a->child, b->child))
			return 0;
	}
	return !a && !b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], xerr[512];
	struct mkx_xml *h = mkx_hid_parse((const char *)data, size, err, sizeof err), *x;
	size_t len;
	char *text;

	if (!h) {
		if (strncmp(err, "line ", 5)) {
			fprintf(stderr, "error without a position: %s\n", err);
			abort();
		}
		return 0;
	}
	text = mkx_xml_to_string(h, &len);
	if (!text)
		abort();
	x = mkx_xml_parse(text, len, xerr, sizeof xerr);
	if (!x || !same_tree(h, x)) {
		fprintf(stderr, "HID tree does not survive XML: %s\n%s\n", x ? "differs" : xerr, text);
		abort();
	}
	mkx_xml_free(x);
	mkx_xml_free(h);
	free(text);
	return 0;
}
