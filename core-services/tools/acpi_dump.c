/*
 * Prints the guest's ACPI tables (from /sys/firmware/acpi/tables) on the
 * console as "ACPIDUMP <name> <base64>" lines, for run/tools/dump_acpi.py,
 * which turns them back into .dat files (tests/acpi/q35/). Linux-specific,
 * hence in core-services/. Not part of any composition but that tool's.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/log.h>

static void
b64(const unsigned char *in, size_t n, FILE *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);

		fputc(t[v >> 18 & 63], out);
		fputc(t[v >> 12 & 63], out);
		fputc(i + 1 < n ? t[v >> 6 & 63] : '=', out);
		fputc(i + 2 < n ? t[v & 63] : '=', out);
	}
}

static void
dump(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[512];
		unsigned char *buf;
		FILE *f;
		long n;

		if (e->d_name[0] == '.' || e->d_type == DT_DIR)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		buf = malloc(1 << 20);
		n = buf ? (long)fread(buf, 1, 1 << 20, f) : 0;
		fclose(f);
		if (n > 0) {
			/* Straight to the console: a LOG line is limited in length. */
			printf("ACPIDUMP %s%s ", prefix, e->d_name);
			b64(buf, (size_t)n, stdout);
			printf("\n");
			fflush(stdout);
		}
		free(buf);
	}
	closedir(d);
}

int
main(void)
{
	if (mkx_env_init())
		return 1;
	dump("/sys/firmware/acpi/tables", "");
	dump("/sys/firmware/acpi/tables/dynamic", "dynamic-");
	mkx_log("acpi tables dumped");
	mkx_exit(0);
}
