/*
 * pci_walk's config access on a machine without MCFG (QEMU -M pc, older
 * PCs): the CF8/CFC pair by the process's own port accesses, as
 * `lspci -A intel-conf1` makes them (it takes iopl; this takes only the
 * pair, ioperm 0xCF8-0xCFF), so that make bench times the platform
 * driver's walk (pci/cfg_conf1.c, the plain pair path) and lspci's alike:
 * both whole processes, both two port accesses per config access. Core's
 * config requests are not in this figure: the component's walk, timed
 * in-process, is. A header (no .c: every .c file in core-services/tools is a
 * program of its own) for pci_walk.c alone.
 */
#ifndef PCI_WALK_CONF1_H
#define PCI_WALK_CONF1_H

#include <stdint.h>
#include <sys/io.h>

/* CF8 writes made: the walk's config accesses (each one CF8 write and one CFC access). */
static unsigned long conf1_accesses;

static int
conf1_in(void *ctx, unsigned port, unsigned width, uint32_t *val)
{
	(void)ctx;
	*val = width == 1 ? inb((unsigned short)port) : width == 2 ? inw((unsigned short)port) : inl((unsigned short)port);
	return 0;
}

static int
conf1_out(void *ctx, unsigned port, unsigned width, uint32_t val)
{
	(void)ctx;
	if (port == 0xcf8)
		conf1_accesses++;
	if (width == 1)
		outb((unsigned char)val, (unsigned short)port);
	else if (width == 2)
		outw((unsigned short)val, (unsigned short)port);
	else
		outl(val, (unsigned short)port);
	return 0;
}

#endif
