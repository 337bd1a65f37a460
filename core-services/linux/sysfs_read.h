/* Reading a short number from a sysfs file (a PCI function's vendor, device, ...). */
#ifndef LINUX_SYSFS_READ_H
#define LINUX_SYSFS_READ_H

/* The number in dir/file (0x prefix or decimal, as sysfs writes it); ~0u if unreadable. */
unsigned sysfs_read_hex(const char *dir, const char *file);

#endif
