/* sysfs_read_hex: see sysfs_read.h. One reader for the IRQ back ends (UIO, VFIO). */
#include <stdio.h>
#include <stdlib.h>

#include "sysfs_read.h"

unsigned
sysfs_read_hex(const char *dir, const char *file)
{
	char path[160], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (!(f = fopen(path, "r")))
		return ~0u;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = 0;
	fclose(f);
	return (unsigned)strtoul(buf, NULL, 0);
}
