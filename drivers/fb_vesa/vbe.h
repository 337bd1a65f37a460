/*
 * VBE calls run in a real-mode emulator (libx86emu): the video BIOS is
 * executed from snapshots of low memory, and its port I/O goes to our
 * IO_PORT sessions. Structure offsets: VESA BIOS Extension 3.0, sections
 * 4.3 (VbeInfoBlock) and 4.4 (ModeInfoBlock).
 */
#ifndef VBE_H
#define VBE_H

#include <stdint.h>
#include <mkx/io_port.h>

#define VBE_MODES_MAX	128

struct vbe_mode {
	uint16_t	number;
	uint16_t	attributes;	/* bit 0 supported, bit 7 linear framebuffer */
	unsigned	width, height, bpp, pitch;
	unsigned	memory_model;	/* 4 packed, 6 direct colour */
	uint32_t	phys_base;	/* linear framebuffer */
};

struct vbe_info {
	unsigned	version;	/* BCD, 0x0300 = 3.0 */
	unsigned	total_memory_kib;
	char		oem[64];
	unsigned	nmodes;
	unsigned	failed;		/* listed modes 4F01 gave no information for */
	int		cut;		/* the list had more than VBE_MODES_MAX modes */
	struct vbe_mode	modes[VBE_MODES_MAX];
};

/* One port (and access width) the BIOS used through our sessions, with counts. */
struct vbe_port_use {
	unsigned	port, width;
	unsigned long	reads, writes;
};
#define VBE_PORTS_LOGGED	64

struct vbe;

/*
 * Set up the emulator with low memory (IVT/BDA page, 0xC0000-0xFFFFF) from
 * the given snapshots and port I/O through the given sessions. Returns
 * NULL with the reason logged.
 */
struct vbe *vbe_new(const void *low_page, const void *bios, size_t bios_size,
	    struct mkx_io_port *ports, unsigned nports);
void	vbe_free(struct vbe *);

/* 4F00 + 4F01 for every listed mode. 0 or -EIO (reason logged). */
int	vbe_get_info(struct vbe *, struct vbe_info *);

/* The ports the BIOS read or wrote through our sessions since vbe_new (first VBE_PORTS_LOGGED). */
unsigned vbe_ports_used(const struct vbe *, const struct vbe_port_use **);

/* How many distinct ports the BIOS tried outside our sessions (each refused and logged once). */
unsigned vbe_ports_refused(const struct vbe *);

/* 4F02 with the linear-framebuffer bit. 0 or -EIO. */
int	vbe_set_mode(struct vbe *, uint16_t mode);

#endif
