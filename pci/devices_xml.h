/* Devices ROM/report XML (devices_xml.c). */
#ifndef PCI_DEVICES_XML_H
#define PCI_DEVICES_XML_H

#include <stdio.h>

#include "pci.h"

/*
 * Write <devices> with the functions want() accepts (NULL: all). info: with
 * addresses, sizes and interrupt numbers (Genode's info="yes"); root_attrs
 * go into the <devices> element as they are (e.g. version="1").
 */
void	pci_devices_xml(FILE *, const struct pci_tree *, int (*want)(const struct pci_fn *, void *), void *arg,
	    int info, const char *root_attrs);

#endif
