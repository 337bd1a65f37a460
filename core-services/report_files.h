/*
 * Reports as files (report_files.c), configured by
 *   <report_files dir="/results" device="LABEL=MKXRESULTS" wait_s="20" log="log.txt" screen="/dev/tty0"/>
 * dir: where reports are stored (device: a FAT volume core mounts there
 * first, by LABEL= or UUID=, waiting up to wait_s seconds for it; Linux
 * only, linux/results_mount.c); log: a file in dir that gets every line
 * core prints; screen: a terminal that gets them too.
 */
#ifndef CORE_REPORT_FILES_H
#define CORE_REPORT_FILES_H

#include <stddef.h>

struct core_config;

/* Before the composition starts: mount, open the log; says what it did. */
void	report_files_start(const struct core_config *);
/* A report the Report service accepted (label "acpi -> acpi"). */
void	report_files_store(const char *label, const char *doc, size_t size);
/* One line of core's output, newline included. */
void	report_files_log(const char *line, size_t n);
/* Before power-off: what was logged is on the medium. */
void	report_files_end(void);

#endif
