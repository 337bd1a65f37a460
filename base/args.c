/* Genode-style session argument strings (see mkx/args.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/args.h>

int
mkx_parse_ulong(const char *s, unsigned long *val)
{
	char *end;
	unsigned long v, mul = 1;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'K': mul = 1ul << 10; end++; break;
	case 'M': mul = 1ul << 20; end++; break;
	case 'G': mul = 1ul << 30; end++; break;
	}
	if (*end)
		return -EINVAL;
	if (v > ULONG_MAX / mul)
		return -EINVAL;
	*val = v * mul;
	return 0;
}

/*
 * Walk the list; for each key=value call back. The format is strict:
 * key is [A-Za-z0-9_]+, value is a quoted string or a run without ','.
 */
int
mkx_arg_string(const char *args, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = args;

	while (*p) {
		const char *k, *v, *vend;
		int quoted = 0;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		k = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (p == k || *p != '=')
			return -EINVAL;
		v = ++p;
		if (*v == '"') {
			quoted = 1;
			v++;
			vend = strchr(v, '"');
			if (!vend)
				return -EINVAL;
			p = vend + 1;
		} else {
			vend = v + strcspn(v, ",");
			while (vend > v && vend[-1] == ' ')
				vend--;
			p = v + strcspn(v, ",");
		}
		if (*p && *p != ',' && *p != ' ')
			return -EINVAL;
		if ((size_t)(v - k - 1 - quoted) == klen && !strncmp(k, key, klen)) {
			size_t n = (size_t)(vend - v);

			if (n + 1 > len)
				return -ENAMETOOLONG;
			memcpy(buf, v, n);
			buf[n] = 0;
			return 0;
		}
	}
	return -ENOENT;
}

int
mkx_arg_ulong(const char *args, const char *key, unsigned long *val)
{
	char buf[32];
	int err = mkx_arg_string(args, key, buf, sizeof buf);

	if (err == -ENAMETOOLONG)
		return -EINVAL;
	if (err)
		return err;
	return mkx_parse_ulong(buf, val);
}
