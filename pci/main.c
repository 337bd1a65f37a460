/*
 * pci: the platform driver. As a component of core (no arguments) it
 * enumerates PCI over the config access core grants it, routes legacy
 * interrupts from the acpi report, logs its views and reports its
 * devices (component.c). On a host, `pci --dump DIR` runs the same
 * enumeration on a checked-in config dump (host.c).
 */
#include <stdio.h>
#include <string.h>

#include "host.h"

int	pci_component(void);	/* component.c */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: pci --dump DIR   views of a recorded machine: DIR/config.txt (lspci -xxxx text),\n"
	    "                        DIR/resource.txt, DIR/acpi.xml (optional); see docs/platform.md\n"
	    "       pci              as a component of core (the platform driver)\n");
}

int
main(int argc, char **argv)
{
	if (argc == 1)
		return pci_component();
	if (argc == 3 && !strcmp(argv[1], "--dump"))
		return pci_host_dump(argv[2], stdout);
	usage(argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
	return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
}
