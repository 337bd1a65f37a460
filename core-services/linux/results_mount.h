/*
 * Mount the FAT volume named spec ("LABEL=MKXRESULTS" or "UUID=6D6B-7801",
 * the volume id as blkid prints it) on dir, waiting up to wait_s seconds
 * for it to appear. why says what happened either way. 0 or -errno.
 */
#ifndef CORE_RESULTS_MOUNT_H
#define CORE_RESULTS_MOUNT_H

#include <stddef.h>

int	results_mount(const char *spec, const char *dir, unsigned wait_s, char *why, size_t whylen);

#endif
