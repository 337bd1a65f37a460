/*
 * How core receives a PCI function's interrupts. linux/irq_uio.c binds the
 * function to uio_pci_generic and reads /dev/uioN (INTx; the kernel masks
 * the line in its handler, core unmasks it on the client's ack through the
 * sysfs config file). sim/irq_sim.c is a made-up device for host tests.
 * linux/irq_vfio.c binds it to vfio-pci (needs an IOMMU) and takes INTx,
 * MSI or MSI-X vectors as eventfds (docs/irq.md).
 */
#ifndef IRQ_BACKEND_H
#define IRQ_BACKEND_H

#include <stddef.h>
#include <stdint.h>

/* Genode's Irq_session::Type, as irq_type= carries it. */
enum irq_type { IRQ_TYPE_LEGACY = 0, IRQ_TYPE_MSI = 1, IRQ_TYPE_MSIX = 2 };

/* What a session asks for: a function's INTx, or one of its MSI/MSI-X vectors. */
struct irq_request {
	unsigned	bdf;
	enum irq_type	type;
	unsigned	vector;		/* MSI-X table entry; 0 for MSI and INTx */
	const void	*owner;		/* the session's owner (core's child) */
	int		has_domain;	/* domain= given: the owner's IOMMU domain to be in (VFIO) */
	unsigned	domain;
};

/* What core learns when it takes the interrupt. */
struct irq_line_info {
	uint32_t	gsi;		/* INTx: the kernel's IRQ (the GSI under the IOAPIC) */
	uint64_t	msi_address;	/* MSI/MSI-X: the message the device holds */
	uint32_t	msi_value;
};

/* What a client_fd() fd yields per read (base/irq.c needs to know). */
#define IRQ_FD_UIO_COUNT	0	/* 4-byte cumulative count */
#define IRQ_FD_EVENTFD		1	/* 8-byte eventfd counter */

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

	/*
	 * Optional (issue 12; NULL where a backend lacks it). attach_request
	 * takes MSI/MSI-X vectors too; a backend without it serves legacy
	 * INTx through attach only.
	 */
	int	(*attach_request)(const struct irq_request *, void **line, int *fd, struct irq_line_info *,
		    char *why, size_t whylen);
	/* 1 if this backend can serve function bdf on this machine, else 0 with why. */
	int	(*available)(unsigned bdf, char *why, size_t whylen);
	/*
	 * An fd the client writes an 8-byte 1 to, to unmask the line itself
	 * (VFIO's INTx unmask eventfd), or -ENOTSUP: then core unmasks.
	 */
	int	(*ack_fd)(void *line);
	/* The MSI message the device holds now (INFO), or -errno. */
	int	(*msi_message)(void *line, uint64_t *address, uint32_t *value);
	/* The function whose ECAM config page is at phys: 0, -ENOENT (no ECAM there), -ENODEV (no function). */
	int	(*ecam_function)(uint64_t phys, unsigned *bdf);
	unsigned client_fd_format;	/* IRQ_FD_UIO_COUNT or IRQ_FD_EVENTFD */
	/* The machine's PCI functions (segment 0): how many (at most max) or -errno. */
	int	(*functions)(unsigned *bdf, int max);
	/*
	 * A config write to the line's function by its own client (the
	 * native MSI path): 0 if it keeps the interrupt working (the message
	 * the device holds, enable bits on), else -EPERM with why.
	 */
	int	(*config_write_check)(void *line, unsigned reg, unsigned width, uint32_t value,
		    char *why, size_t whylen);
};

extern const struct irq_backend irq_uio, irq_sim, irq_vfio;

/* sim only, for tests: how often the line of bdf was unmasked (-1: not attached). */
int	irq_sim_unmasks(unsigned bdf);

#endif
