/*
 * What core does when it is the init process of a Linux kernel (image
 * mode): mount the pseudo file systems, load the scenario's modules, and
 * power the machine off at the end with a marker line the runner reads.
 */
#ifndef PID1_H
#define PID1_H

/* Mounts /proc, /sys, /dev; loads modules listed in /modules.list. 0 or -errno. */
int	pid1_setup(void);

/* Print "MKX-POWEROFF status=N" (and why, if given), sync, power off. */
void	pid1_poweroff(int status, const char *why) __attribute__((noreturn));

/* Seconds since boot, from /proc/uptime (-1 if unknown). */
double	pid1_uptime(void);

#endif
