/*
 * VBE through libx86emu (see vbe.h). Each call places "int 10h; hlt" at
 * 0000:7C00 and runs until the hlt, bounded by an instruction budget, so
 * a broken BIOS cannot hang the driver. Port accesses the sessions do not
 * cover are refused here (reads give all ones) and logged once each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <x86emu.h>

#include <mkx/log.h>
#include "vbe.h"

#define CODE_ADDR	0x7c00
#define STACK_TOP	0x7000
#define INFO_BUF	0x8000		/* VbeInfoBlock, 512 bytes */
#define MODE_BUF	0x8400		/* ModeInfoBlock, 256 bytes */
#define INSTR_BUDGET	20000000ull

struct vbe {
	x86emu_t		*emu;
	x86emu_memio_handler_t	mem;	/* libx86emu's own memory handler */
	struct mkx_io_port	*ports;
	unsigned		nports;
	unsigned		refused_port[16];	/* each refused port is logged once */
	unsigned		nrefused;
	struct vbe_port_use	used[VBE_PORTS_LOGGED];	/* what the BIOS did through our sessions */
	unsigned		nused;
};

static struct vbe *current;	/* libx86emu's handler has no user pointer of ours */

static struct mkx_io_port *
port_session(struct vbe *v, unsigned port, unsigned width)
{
	for (unsigned i = 0; i < v->nports; i++)
		if (port >= v->ports[i].base && port + width <= v->ports[i].base + v->ports[i].size)
			return &v->ports[i];
	return NULL;
}

/* Count one access the BIOS made through a session (a survey says which ports it touched). */
static void
note_use(struct vbe *v, unsigned port, unsigned width, int out)
{
	struct vbe_port_use *u = NULL;

	for (unsigned i = 0; i < v->nused && !u; i++)
		if (v->used[i].port == port && v->used[i].width == width)
			u = &v->used[i];
	if (!u && v->nused < VBE_PORTS_LOGGED) {
		u = &v->used[v->nused++];
		u->port = port;
		u->width = width;
	}
	if (u && out)
		u->writes++;
	else if (u)
		u->reads++;
}

static unsigned
memio(x86emu_t *emu, u32 addr, u32 *val, unsigned type)
{
	struct vbe *v = current;
	unsigned kind = type & ~0xffu, width = 1u << (type & 3);
	struct mkx_io_port *p;
	uint32_t in;

	if (kind != X86EMU_MEMIO_I && kind != X86EMU_MEMIO_O)
		return v->mem(emu, addr, val, type);
	if ((type & 0xff) == X86EMU_MEMIO_8_NOPERM)
		width = 1;
	p = port_session(v, addr, width);
	if (!p) {
		unsigned i;

		for (i = 0; i < v->nrefused && v->refused_port[i] != addr; i++)
			;
		if (i == v->nrefused && v->nrefused < 16) {
			v->refused_port[v->nrefused++] = addr;
			mkx_log("video BIOS: %s port 0x%x (width %u) outside our sessions; %s (logged once)",
			    kind == X86EMU_MEMIO_I ? "read of" : "write to", addr, width,
			    kind == X86EMU_MEMIO_I ? "gave all ones" : "dropped");
		}
		if (kind == X86EMU_MEMIO_I)
			*val = 0xffffffffu >> (32 - 8 * width);
		return 0;
	}
	note_use(v, addr, width, kind == X86EMU_MEMIO_O);
	if (kind == X86EMU_MEMIO_O)
		return mkx_io_port_out(p, addr, width, *val) ? 1 : 0;
	if (mkx_io_port_in(p, addr, width, &in)) {
		*val = 0xffffffffu >> (32 - 8 * width);
		return 1;
	}
	*val = in;
	return 0;
}

struct vbe *
vbe_new(const void *low_page, const void *bios, size_t bios_size,
    struct mkx_io_port *ports, unsigned nports)
{
	struct vbe *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	v->emu = x86emu_new(X86EMU_PERM_RWX, X86EMU_PERM_RW);
	if (!v->emu) {
		free(v);
		return NULL;
	}
	v->ports = ports;
	v->nports = nports;
	current = v;
	v->mem = x86emu_set_memio_handler(v->emu, memio);
	for (unsigned a = 0; a < 0x1000; a++)
		x86emu_write_byte_noperm(v->emu, a, ((const uint8_t *)low_page)[a]);
	for (size_t a = 0; a < bios_size; a++)
		x86emu_write_byte_noperm(v->emu, 0xc0000 + (unsigned)a, ((const uint8_t *)bios)[a]);
	return v;
}

void
vbe_free(struct vbe *v)
{
	if (!v)
		return;
	x86emu_done(v->emu);
	free(v);
}

/* Run "int 10h" with the given registers; returns AX after the call. */
static int
int10(struct vbe *v, uint16_t ax, uint16_t bx, uint16_t cx, uint16_t di, uint16_t *ax_out)
{
	x86emu_t *e = v->emu;
	unsigned flags;

	x86emu_write_byte_noperm(e, CODE_ADDR, 0xcd);		/* int 10h */
	x86emu_write_byte_noperm(e, CODE_ADDR + 1, 0x10);
	x86emu_write_byte_noperm(e, CODE_ADDR + 2, 0xf4);	/* hlt */
	x86emu_set_seg_register(e, e->x86.R_CS_SEL, 0);
	x86emu_set_seg_register(e, e->x86.R_SS_SEL, 0);
	x86emu_set_seg_register(e, e->x86.R_DS_SEL, 0);
	x86emu_set_seg_register(e, e->x86.R_ES_SEL, 0);
	e->x86.R_EIP = CODE_ADDR;
	e->x86.R_ESP = STACK_TOP;
	e->x86.R_EAX = ax;
	e->x86.R_EBX = bx;
	e->x86.R_ECX = cx;
	e->x86.R_EDI = di;
	e->max_instr = INSTR_BUDGET;
	current = v;
	flags = x86emu_run(e, X86EMU_RUN_MAX_INSTR | X86EMU_RUN_LOOP);
	if (e->x86.R_EIP != CODE_ADDR + 3) {
		mkx_error("VBE 0x%04x did not return to the caller (stopped at %04x:%04x, reason 0x%x, "
		    "budget %llu instructions)", ax, e->x86.R_CS, e->x86.R_IP, flags, INSTR_BUDGET);
		return -EIO;
	}
	*ax_out = e->x86.R_AX;
	return 0;
}

static unsigned
rd16(struct vbe *v, unsigned a)
{
	return x86emu_read_byte_noperm(v->emu, a) | x86emu_read_byte_noperm(v->emu, a + 1) << 8;
}

static uint32_t
rd32(struct vbe *v, unsigned a)
{
	return rd16(v, a) | (uint32_t)rd16(v, a + 2) << 16;
}

static unsigned
farptr(struct vbe *v, unsigned a)
{
	return (rd16(v, a + 2) << 4) + rd16(v, a);
}

int
vbe_get_info(struct vbe *v, struct vbe_info *info)
{
	uint16_t ax;
	unsigned list, oem;

	memset(info, 0, sizeof *info);
	x86emu_write_byte_noperm(v->emu, INFO_BUF + 0, 'V');	/* ask for VBE 2.0+ data */
	x86emu_write_byte_noperm(v->emu, INFO_BUF + 1, 'B');
	x86emu_write_byte_noperm(v->emu, INFO_BUF + 2, 'E');
	x86emu_write_byte_noperm(v->emu, INFO_BUF + 3, '2');
	if (int10(v, 0x4f00, 0, 0, INFO_BUF, &ax))
		return -EIO;
	if (ax != 0x004f || rd32(v, INFO_BUF) != 0x41534556) {	/* "VESA" */
		mkx_error("VBE 4F00 failed: AX=0x%04x, signature 0x%08x", ax, rd32(v, INFO_BUF));
		return -EIO;
	}
	info->version = rd16(v, INFO_BUF + 4);
	info->total_memory_kib = rd16(v, INFO_BUF + 18) * 64;
	oem = farptr(v, INFO_BUF + 6);
	for (unsigned i = 0; i + 1 < sizeof info->oem; i++) {
		char c = (char)x86emu_read_byte_noperm(v->emu, oem + i);

		if (!c)
			break;
		info->oem[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	list = farptr(v, INFO_BUF + 14);
	for (unsigned i = 0; ; i++) {
		uint16_t nr = (uint16_t)rd16(v, list + 2 * i);
		struct vbe_mode *m = &info->modes[info->nmodes];

		if (nr == 0xffff)
			break;
		if (info->nmodes == VBE_MODES_MAX || i >= 0x8000) {	/* a list without its end mark runs out */
			info->cut = 1;
			break;
		}
		if (int10(v, 0x4f01, 0, nr, MODE_BUF, &ax) || ax != 0x004f) {
			info->failed++;
			continue;
		}
		m->number = nr;
		m->attributes = (uint16_t)rd16(v, MODE_BUF + 0);
		m->pitch = rd16(v, MODE_BUF + 16);
		m->width = rd16(v, MODE_BUF + 18);
		m->height = rd16(v, MODE_BUF + 20);
		m->bpp = x86emu_read_byte_noperm(v->emu, MODE_BUF + 25);
		m->memory_model = x86emu_read_byte_noperm(v->emu, MODE_BUF + 27);
		m->phys_base = rd32(v, MODE_BUF + 40);
		if (info->version >= 0x300 && rd16(v, MODE_BUF + 50))
			m->pitch = rd16(v, MODE_BUF + 50);	/* LinBytesPerScanLine */
		info->nmodes++;
	}
	return 0;
}

unsigned
vbe_ports_refused(const struct vbe *v)
{
	return v->nrefused;
}

unsigned
vbe_ports_used(const struct vbe *v, const struct vbe_port_use **use)
{
	*use = v->used;
	return v->nused;
}

int
vbe_set_mode(struct vbe *v, uint16_t mode)
{
	uint16_t ax;

	if (int10(v, 0x4f02, mode | 0x4000, 0, 0, &ax))	/* bit 14: linear framebuffer */
		return -EIO;
	if (ax != 0x004f) {
		mkx_error("VBE 4F02 mode 0x%x failed: AX=0x%04x", mode, ax);
		return -EIO;
	}
	return 0;
}
