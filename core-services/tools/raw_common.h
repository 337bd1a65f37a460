/*
 * What the benchmark references here (raw_*: plain root processes, no
 * libmkx, the loop make bench compares ours with) share: a monotonic clock
 * in seconds and writing a string to a sysfs file.
 */
#ifndef MKX_TOOLS_RAW_COMMON_H
#define MKX_TOOLS_RAW_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Write v to path (a sysfs attribute): 0 or -errno. */
static inline int
put(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		err = -errno;
	close(fd);
	return err;
}

#endif
