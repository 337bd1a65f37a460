/*
 * The oracle for the acpi scenario: what Linux itself routes. For every
 * PCI function with an interrupt pin it enables the device through sysfs
 * (which makes Linux evaluate _PRT and switch `irq` from the PIC line to
 * the IOAPIC GSI) and logs "oracle BB:DD.F INTx irq N". Linux-specific,
 * hence in core-services/; it exists only to check the acpi component.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <mkx/env.h>
#include <mkx/log.h>

int
main(void)
{
	DIR *d;
	struct dirent *e;

	if (mkx_env_init())
		return 1;
	d = opendir("/sys/bus/pci/devices");
	if (!d) {
		mkx_error("no /sys/bus/pci/devices");
		mkx_exit(1);
	}
	while ((e = readdir(d))) {
		char path[300];
		unsigned char pin = 0;
		unsigned irq = 0, seg, bus, dev, fn;
		FILE *f;

		if (sscanf(e->d_name, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4)
			continue;
		snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/config", e->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		if (fseek(f, 0x3d, SEEK_SET) || fread(&pin, 1, 1, f) != 1)
			pin = 0;
		fclose(f);
		if (!pin || pin > 4)
			continue;
		snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/enable", e->d_name);
		if ((f = fopen(path, "w"))) {
			fputs("1", f);
			fclose(f);
		}
		snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/irq", e->d_name);
		if ((f = fopen(path, "r"))) {
			if (fscanf(f, "%u", &irq) != 1)
				irq = 0;
			fclose(f);
		}
		mkx_log("oracle %02x:%02x.%u INT%c irq %u", bus, dev, fn, 'A' + pin - 1, irq);
	}
	closedir(d);
	mkx_exit(0);
}
