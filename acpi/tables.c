/* ACPI table headers and .dat files (see tables.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tables.h"

int
table_check(const uint8_t *d, size_t avail, char *why, size_t whylen)
{
	uint32_t len;

	if (avail < 36) {
		snprintf(why, whylen, "%zu bytes: shorter than the 36-byte table header", avail);
		return -EINVAL;
	}
	for (int i = 0; i < 4; i++)
		if (!isprint(d[i])) {
			snprintf(why, whylen, "signature is not printable (byte %d is 0x%02x)", i, d[i]);
			return -EINVAL;
		}
	memcpy(&len, d + 4, 4);
	if (len < 36 || len > avail) {
		snprintf(why, whylen, "%.4s: header length %u, but %zu bytes are there", d, len, avail);
		return -EINVAL;
	}
	return 0;
}

int
table_checksum_ok(const uint8_t *d, uint32_t len)
{
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + d[i]);
	return sum == 0;
}

/* dsdt first, then ssdt, ssdt1, ssdt2, ..., ssdt10 by number, then the rest by name. */
static long
rank(const char *name)
{
	if (!strcmp(name, "dsdt.dat"))
		return 0;
	if (!strncmp(name, "ssdt", 4)) {
		char *end;
		long n = strtol(name + 4, &end, 10);

		if (!strcmp(name + 4, ".dat"))
			return 1;
		if (!strcmp(end, ".dat") && end != name + 4)
			return 2 + n;
	}
	return 1000000;
}

static int
by_rank(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	long rx = rank(x), ry = rank(y);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x, y);
}

/*
 * The whole of a regular file of at most 64 MiB. Opened non-blocking and
 * checked with fstat before any read: a FIFO or device named *.dat must
 * not hang or feed us forever (it is refused with a message).
 */
static int
read_regular(const char *path, uint8_t **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;

	if (fd < 0) {
		fprintf(stderr, "acpi: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
		fprintf(stderr, "acpi: %s: not a regular file of at most 64 MiB; skipped\n", path);
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		fprintf(stderr, "acpi: %s: cannot read\n", path);
		free(buf);
		return -EIO;
	}
	*out = buf;
	*len = got;
	return 0;
}

int
tables_from_dir(const char *dir, struct acpi_tables *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[256];
	unsigned nn = 0;

	memset(out, 0, sizeof *out);
	if (!d) {
		int err = errno;

		fprintf(stderr, "acpi: %s: %s\n", dir, strerror(err));
		return -err;
	}
	while ((e = readdir(d)) && nn < 256) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".dat") && (names[nn] = strdup(e->d_name)))
			nn++;
	}
	closedir(d);
	qsort(names, nn, sizeof names[0], by_rank);
	for (unsigned i = 0; i < nn; i++) {
		char path[4096], why[256];
		struct acpi_table *t;
		size_t len = 0;
		uint8_t *buf = NULL;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (read_regular(path, &buf, &len)) {
			free(names[i]);
			continue;
		}
		if (table_check(buf, len, why, sizeof why)) {
			fprintf(stderr, "acpi: %s: %s; skipped\n", path, why);
			free(buf);
			free(names[i]);
			continue;
		}
		if (out->n == TABLES_MAX) {
			fprintf(stderr, "acpi: more than %d tables; %s skipped\n", TABLES_MAX, path);
			free(buf);
			free(names[i]);
			continue;
		}
		t = &out->t[out->n++];
		memcpy(t->sig, buf, 4);
		snprintf(t->file, sizeof t->file, "%s", names[i]);
		t->data = buf;
		memcpy(&t->len, buf + 4, 4);
		t->revision = buf[8];
		/* FACS has no checksum in its header (ACPI 6.4 5.2.10). */
		t->checksum_ok = !strcmp(t->sig, "FACS") || table_checksum_ok(buf, t->len);
		if (!t->checksum_ok)
			fprintf(stderr, "acpi: %s (%s): checksum does not add up to zero; used anyway, "
			    "as firmware checksums are often wrong\n", names[i], t->sig);
		free(names[i]);
	}
	return (int)out->n;
}

void
tables_free(struct acpi_tables *ts)
{
	for (unsigned i = 0; i < ts->n; i++)
		free(ts->t[i].data);
	ts->n = 0;
}
