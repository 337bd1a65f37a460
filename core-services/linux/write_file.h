/* Writing a short value to a sysfs or cgroupfs file, the way Linux takes settings. */
#ifndef LINUX_WRITE_FILE_H
#define LINUX_WRITE_FILE_H

/* Write value (no newline added) to path in one write. 0 or -errno. */
int	write_file(const char *path, const char *value);

#endif
