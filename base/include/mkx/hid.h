/*
 * Genode's human-inclined data (HID) syntax, read into the same tree the
 * XML reader builds (struct mkx_xml), so every config, ROM and report may
 * come in either form. mkx_xml_parse tells them apart by the first
 * non-blank character ('<' is XML) and calls mkx_hid_parse for HID.
 *
 *   config | verbose: yes            <config verbose="yes">
 *   + start hello | ram: 1M            <start name="hello" ram="1M">
 *     + provides | + service Hello       <provides><service name="Hello"/></provides>
 *   -                                  </start></config>
 *
 * Rules and the errors for breaking them: docs/config.md. What Genode's
 * own parser reads although doc/hid.txt forbids it (a '|' with nothing
 * after it, an empty segment between two '|', a sub node one column in,
 * a '.' in a node type, a second top-level line, a comment without a
 * space after '.') is read as Genode reads it and told to a warn
 * function; everything else that breaks the rules is an error naming line
 * and column.
 */
#ifndef MKX_HID_H
#define MKX_HID_H

#include <stddef.h>

#include <mkx/xml.h>

/*
 * Parse len bytes of HID, within the XML reader's limits
 * (MKX_XML_SIZE_MAX, MKX_XML_NODES_MAX, MKX_XML_DEPTH_MAX). Returns the
 * top-level node, or NULL with "line N:C: what" in err (column C counts
 * bytes from 1). Quoted content (": ...") and comments are checked and
 * dropped, as the XML reader drops text; disabled nodes ("x ...") are
 * checked and left out of the tree. Freed with mkx_xml_free().
 */
struct mkx_xml *mkx_hid_parse(const char *buf, size_t len, char *err, size_t errlen);

/* Told of each place the text breaks doc/hid.txt in a way Genode's parser reads; col counts bytes from 1. */
typedef void (*mkx_hid_warn_fn)(void *ctx, unsigned long line, size_t col, const char *what);

/* mkx_hid_parse, with warn (may be NULL) told of every such place. */
struct mkx_xml *mkx_hid_parse_warn(const char *buf, size_t len, char *err, size_t errlen,
	    mkx_hid_warn_fn warn, void *ctx);

/* 1 if buf's first non-blank character (after a UTF-8 byte order mark) says HID (anything but '<'), else 0. */
int	mkx_doc_is_hid(const char *buf, size_t len);

#endif
