/*
 * IO_MEM session: memory-mapped I/O as an fd dataspace the client maps.
 * Session args base, size, wc (Genode's). Core decides by policy what
 * backs the fd: the PCI BAR's own sysfs resource file (live, and the fd
 * reaches nothing but that BAR), a sealed snapshot (read-only firmware
 * areas: IVT/BDA, video BIOS, system BIOS, ACPI tables), or, for
 * components the config marks trusted, a live /dev/mem mapping.
 */
#ifndef MKX_IO_MEM_H
#define MKX_IO_MEM_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <mkx/session.h>

#define MKX_IO_MEM_DATASPACE	0x100	/* reply: struct mkx_io_mem_ds; fd 0 = dataspace */
/*
 * A live session (args live=yes; mkx_io_mem_live_open) has no dataspace:
 * core does each access on the device and nothing else. RANGE replies the
 * granted range (the whole live policy range, struct mkx_io_mem_range);
 * READ and WRITE take struct mkx_io_mem_access, an address inside that
 * range, width 1, 2, 4 or 8 and naturally aligned; READ replies the
 * value (uint64_t).
 */
#define MKX_IO_MEM_RANGE	0x101
#define MKX_IO_MEM_READ		0x102
#define MKX_IO_MEM_WRITE	0x103

/*
 * HOLDERS, on a session of a PCI BAR: which other component still holds
 * an fd or a mapping of something core handed out for that BAR's
 * function (a BAR file, its UIO device). Reply: struct mkx_io_mem_holder,
 * pid 0 if nobody does. The platform driver asks before it hands a
 * released function to another client (Linux cannot revoke either).
 */
#define MKX_IO_MEM_HOLDERS	0x104

/*
 * RUNNING, on any IO_MEM session: does the component with this start name
 * (payload: the name, NUL-terminated) still run? Reply: i32 pid, 0 once
 * it has exited and core has killed every process of its uid (so no fd it
 * kept, in flight or not, lives on). core answers only about a component
 * that has asked the asker for a session (one of its clients); about any
 * other name, existing or not, -EPERM. The platform driver asks before it
 * hands a function to another component than the one it last gave it to.
 */
#define MKX_IO_MEM_RUNNING	0x105

struct mkx_io_mem_holder {
	int32_t		pid;		/* 0: nobody else holds anything of the function */
	char		name[60];	/* the holder's start name */
	char		what[192];	/* "a mapping of /sys/devices/.../resource0", "fd 7 on /dev/uio0" */
};
static_assert(sizeof(struct mkx_io_mem_holder) == 256, "wire size");

struct mkx_io_mem_range {
	uint64_t	base, size;
};
static_assert(sizeof(struct mkx_io_mem_range) == 16, "wire size");

struct mkx_io_mem_access {
	uint64_t	addr;		/* physical */
	uint32_t	width;		/* bytes */
	uint32_t	pad;
	uint64_t	value;		/* WRITE only */
};
static_assert(sizeof(struct mkx_io_mem_access) == 24, "wire size");

#define MKX_IO_MEM_READONLY	(1u << 0)	/* a snapshot: map PROT_READ */
#define MKX_IO_MEM_WC		(1u << 1)	/* write-combined mapping granted */
#define MKX_IO_MEM_BAR		(1u << 2)	/* backed by a PCI BAR file */
#define MKX_IO_MEM_SNAPSHOT	(1u << 3)	/* copy taken at session open */
#define MKX_IO_MEM_DEVMEM	(1u << 4)	/* live /dev/mem (trusted only) */
/*
 * A copy of ECAM: the fd holds, after the copy (at ds.offset + ds.length,
 * as many bytes), what each BAR register reads after all ones are written
 * to it (sizing probes), 0 elsewhere (core-services/ecam_probes.c).
 */
#define MKX_IO_MEM_PROBES	(1u << 5)

struct mkx_io_mem_ds {
	uint64_t	offset;		/* mmap offset into the fd (page aligned) */
	uint64_t	length;		/* bytes to map (page multiple) */
	uint32_t	page_offset;	/* where base lies in the first page */
	uint32_t	flags;		/* MKX_IO_MEM_* */
};
static_assert(sizeof(struct mkx_io_mem_ds) == 24, "wire size");

struct mkx_io_mem {
	struct mkx_session	s;
	uint64_t		base, size;
	struct mkx_io_mem_ds	ds;
	int			fd;
	void			*map;	/* page-aligned mapping */
	volatile void		*va;	/* = map + page_offset: base's address */
};

/*
 * Open a session and map its dataspace (read/write unless a snapshot).
 * Returns 0 (m->va points at base) or core's denial with the reason in
 * why: -EPERM outside policy or RAM, -EBUSY held by another session,
 * -EINVAL larger than the BAR or bad args; or -errno of mmap.
 * The mapping lives until mkx_io_mem_close(); never munmap it yourself.
 */
int	mkx_io_mem_open(struct mkx_io_mem *m, uint64_t base, uint64_t size, int wc,
	    char *why, size_t whylen);
void	mkx_io_mem_close(struct mkx_io_mem *m);
/*
 * MKX_IO_MEM_HOLDERS on a BAR session: 0 with *h (h->pid 0: nobody else
 * holds anything of the function), -ENOSYS for a session that is no BAR.
 */
int	mkx_io_mem_holder(struct mkx_io_mem *m, struct mkx_io_mem_holder *h);
/* MKX_IO_MEM_RUNNING: 0 with *pid (0: exited), or -EPERM (not a client of ours) or another -errno. */
int	mkx_io_mem_running(struct mkx_io_mem *m, const char *name, int32_t *pid);

/* A live session (base/io_mem_live.c): core does every access, nothing is mapped. */
struct mkx_io_mem_live {
	struct mkx_session	s;
	uint64_t		base, size;	/* what core granted (RANGE) */
};

/*
 * Open a live session for [base, base+size); core grants the live policy
 * range holding it. 0, or core's denial with why (-EPERM: no live policy,
 * RAM or a PCI BAR; -EBUSY: held by another session).
 */
int	mkx_io_mem_live_open(struct mkx_io_mem_live *l, uint64_t base, uint64_t size,
	    char *why, size_t whylen);
int	mkx_io_mem_live_read(struct mkx_io_mem_live *l, uint64_t addr, unsigned width, uint64_t *v);
int	mkx_io_mem_live_write(struct mkx_io_mem_live *l, uint64_t addr, unsigned width, uint64_t v);
void	mkx_io_mem_live_close(struct mkx_io_mem_live *l);

static inline uint32_t
mkx_mmio_read32(const struct mkx_io_mem *m, size_t off)
{
	return *(volatile uint32_t *)((volatile uint8_t *)m->va + off);
}

static inline void
mkx_mmio_write32(struct mkx_io_mem *m, size_t off, uint32_t v)
{
	*(volatile uint32_t *)((volatile uint8_t *)m->va + off) = v;
}

static inline uint16_t
mkx_mmio_read16(const struct mkx_io_mem *m, size_t off)
{
	return *(volatile uint16_t *)((volatile uint8_t *)m->va + off);
}

static inline void
mkx_mmio_write16(struct mkx_io_mem *m, size_t off, uint16_t v)
{
	*(volatile uint16_t *)((volatile uint8_t *)m->va + off) = v;
}

static inline void
mkx_mmio_write8(struct mkx_io_mem *m, size_t off, uint8_t v)
{
	*((volatile uint8_t *)m->va + off) = v;
}

#endif
