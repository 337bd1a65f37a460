/* The native MSI path (docs/irq.md): program the message INFO gave into the MSI capability through config access. */
#ifndef EDU_NATIVE_MSI_H
#define EDU_NATIVE_MSI_H

#include <stdint.h>
#include <mkx/irq.h>

/*
 * Program irq's MSI message into function bdf's MSI capability through
 * core's CF8/CFC config access and set MSI enable, as Genode's platform
 * driver does; then check that core refuses writes that would break it.
 * 0, or -1 (logged).
 */
int	native_msi_program(unsigned bdf, const struct mkx_irq *irq);

#endif
