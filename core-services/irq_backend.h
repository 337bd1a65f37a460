/*
 * How core receives a PCI function's interrupts. linux/irq_uio.c binds the
 * function to uio_pci_generic and reads /dev/uioN (INTx; the kernel masks
 * the line in its handler, core unmasks it on the client's ack through the
 * sysfs config file). sim/irq_sim.c is a made-up device for host tests.
 * The same table can take VFIO (MSI) later.
 */
#ifndef IRQ_BACKEND_H
#define IRQ_BACKEND_H

#include <stddef.h>
#include <stdint.h>

struct irq_backend {
	const char *name;
	/* Vendor and device ID of a function, or -ENOENT. */
	int	(*identify)(unsigned bdf, unsigned *vendor, unsigned *device);
	/*
	 * Take the function's interrupt: *fd becomes readable per interrupt.
	 * Returns 0 (line state in *line) or -errno with why.
	 */
	int	(*attach)(unsigned bdf, void **line, int *fd, uint32_t *gsi, char *why, size_t whylen);
	/* After *fd was readable: consume the event. Returns the interrupt count or -errno. */
	int	(*event)(void *line);
	int	(*unmask)(void *line);
	/*
	 * A new fd for the client that can do nothing but wait for this
	 * line's interrupts, or -ENOTSUP: then core forwards them.
	 */
	int	(*client_fd)(void *line);
	/*
	 * What a client_fd() fd reaches beyond the interrupt: the physical
	 * ranges its holder can mmap (uio_pci_generic registers the
	 * function's 32-bit non-prefetchable memory BARs as UIO maps).
	 * Returns how many ranges (at most max) or -errno.
	 */
	int	(*client_fd_reach)(void *line, uint64_t *base, uint64_t *size, int max);
	void	(*detach)(void *line);
};

extern const struct irq_backend irq_uio, irq_sim;

/* sim only, for tests: how often the line of bdf was unmasked (-1: not attached). */
int	irq_sim_unmasks(unsigned bdf);

#endif
