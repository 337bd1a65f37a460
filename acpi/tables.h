/* ACPI table headers (ACPI 6.4 5.2.6) and loading tables from .dat files. */
#ifndef ACPI_TABLES_H
#define ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

#define TABLES_MAX 64

struct acpi_table {
	char		sig[5];
	char		file[64];	/* where it came from, for messages */
	uint8_t		*data;
	uint32_t	len;
	uint8_t		revision;
	int		checksum_ok;
};

struct acpi_tables {
	struct acpi_table	t[TABLES_MAX];
	unsigned		n;
};

/*
 * Check a table's header: length at least 36 and not more than `avail`,
 * signature printable. Returns 0, or -EINVAL with why. Checksum separately.
 */
int	table_check(const uint8_t *data, size_t avail, char *why, size_t whylen);
int	table_checksum_ok(const uint8_t *data, uint32_t len);

/*
 * Read every *.dat file of an `acpixtract -a` directory. Definition blocks
 * come in the order dsdt, ssdt, ssdt1, ssdt2, ... (natural order). Bad
 * files are reported on stderr and skipped (a FIFO or device too: only
 * regular files are opened). Returns the count, or -errno if
 * the directory cannot be read.
 */
int	tables_from_dir(const char *dir, struct acpi_tables *out);
void	tables_free(struct acpi_tables *);

#endif
