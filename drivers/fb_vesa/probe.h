/* fb_vesa probe="yes": report the VBE modes, set none (probe.c). */
#ifndef FB_VESA_PROBE_H
#define FB_VESA_PROBE_H

#include <stddef.h>
#include <mkx/io_port.h>

/* low: the IVT/BDA page; bios: 0xc0000 on. 0 (also "no VGA BIOS", reported as such) or -1 (logged). */
int	vesa_probe(const void *low, const void *bios, size_t bios_size, struct mkx_io_port *ports, unsigned nports);

#endif
