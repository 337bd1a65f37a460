/*
 * Genode-style session arguments: `key=value, key="quoted value", ...`.
 * Numbers may be decimal, 0x-hex, with K/M/G suffixes (ram_quota=8K).
 */
#ifndef MKX_ARGS_H
#define MKX_ARGS_H

#include <stddef.h>

/*
 * Copy the value of key into buf (quotes removed). Returns 0, -ENOENT if
 * the key is absent, -ENAMETOOLONG if buf is too small (buf then holds
 * nothing), -EINVAL if the argument string is malformed.
 */
int	mkx_arg_string(const char *args, const char *key, char *buf, size_t len);

/* Parse key as a number. Returns 0, -ENOENT, or -EINVAL (not a number, overflow). */
int	mkx_arg_ulong(const char *args, const char *key, unsigned long *val);

/* Parse a number as above from a string; 0 or -EINVAL. */
int	mkx_parse_ulong(const char *s, unsigned long *val);

#endif
