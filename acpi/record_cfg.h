/*
 * PCI_Config operation regions for `acpi --tables DIR` on a machine record
 * (tools/record-machine, docs/new-machine.md): AML reads the config space
 * the record holds in DIR/config.txt (lspci -xxxx text) instead of zeros, so
 * that link devices whose _CRS reads a chipset's routing registers (q35's
 * LNKA-LNKH and the PIIX4's PIRQ registers) give the routes the machine had.
 * Writes change only the in-memory copy; nothing on disk. Other address
 * spaces read zero and drop writes, as the null backend does.
 */
#ifndef ACPI_RECORD_CFG_H
#define ACPI_RECORD_CFG_H

#include <stddef.h>

#include "aml/aml.h"

/*
 * Fill ops with a backend over path's config space (segment 0 functions;
 * absent functions read all ones, as on the bus). 0; -ENOENT if there is
 * no such file; another -errno with a reason in err (naming the line).
 * *nfn: the functions read.
 */
int	record_cfg_open(struct aml_region_ops *ops, const char *path, unsigned *nfn, char *err, size_t errlen);
void	record_cfg_close(struct aml_region_ops *ops);

#endif
