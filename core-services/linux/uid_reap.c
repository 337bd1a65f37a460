/*
 * Killing what a child leaves behind, by its uid (privdrop.h). Each child
 * runs with a uid no other process has (privdrop.c), without capabilities
 * and with NO_NEW_PRIVS, so every process with that uid is the child or
 * something it forked, wherever it went: its own session (setsid), its own
 * process group, reparented to init. Without cgroup2 nothing else finds a
 * grandchild that left the process group.
 *
 * The same for a whole uid range (uid_range.h): what a SIGKILLed core's
 * children forked outlives it, and is killed before the range is used
 * again, and by core --restore.
 *
 * core looks in /proc for live processes of the uid; if there are any, a
 * helper becomes that uid and sends SIGKILL to every process it may signal
 * (kill(-1) spares the sender): the kernel's permission check is the
 * selector, so no process of another uid can be hit. Then core looks again
 * (a survivor forking while kill(-1) walked the list), a bounded number
 * of rounds.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core.h"
#include "../privdrop.h"
#include "../uid_range.h"

#define REAP_ROUNDS	16

/*
 * How many live (not zombie) processes have a real uid in [lo, lo + n);
 * seen (NULL: not wanted) gets a 1 at uid - lo for each such uid. -errno
 * if /proc cannot be read: not knowing is never "none".
 */
static int
live_in(uid_t lo, unsigned long n, unsigned char *seen)
{
	int count = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	if (seen)
		memset(seen, 0, n);
	while ((e = readdir(d))) {
		char path[300], line[128], state = '?';
		unsigned long ruid = ~0ul;
		FILE *f;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;	/* gone meanwhile */
		while (fgets(line, sizeof line, f)) {
			if (!strncmp(line, "State:", 6))
				sscanf(line + 6, " %c", &state);
			else if (!strncmp(line, "Uid:", 4)) {
				sscanf(line + 4, "%lu", &ruid);
				break;	/* Uid follows State */
			}
		}
		fclose(f);
		if (ruid >= lo && ruid - lo < n && state != 'Z' && state != 'X') {
			count++;
			if (seen)
				seen[ruid - lo] = 1;
		}
	}
	closedir(d);
	return count;
}

static int
kill_as(uid_t uid)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(1);
		kill(-1, SIGKILL);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EPERM;
}

int
privdrop_kill_uid(unsigned slot)
{
	uid_t uid = privdrop_uid(slot);
	int err, n, killed = 0;

	if (uid == getuid())
		return 0;	/* children share core's uid: nothing tells them apart */
	for (int round = 0; round < REAP_ROUNDS; round++) {
		if ((n = live_in(uid, 1, NULL)) <= 0)
			return n < 0 ? n : killed;
		if ((err = kill_as(uid)))
			return err;
		killed++;
		usleep(2000);	/* SIGKILL is delivered when the target next runs */
	}
	return (n = live_in(uid, 1, NULL)) ? (n < 0 ? n : -EAGAIN) : killed;
}

int
uid_reap_range(uid_t first, unsigned count, unsigned *found)
{
	unsigned char seen[PRIVDROP_RANGE];
	int n, err;

	*found = 0;
	if (count > PRIVDROP_RANGE)
		return -EINVAL;
	for (int round = 0; round < REAP_ROUNDS; round++) {
		if ((n = live_in(first, count, seen)) <= 0)
			return n;
		if (!round)
			*found = (unsigned)n;
		for (unsigned i = 0; i < count; i++)
			if (seen[i] && first + i != getuid() && (err = kill_as(first + i)))
				return err;
		usleep(2000);	/* SIGKILL is delivered when the target next runs */
	}
	return (n = live_in(first, count, NULL)) ? (n < 0 ? n : -EAGAIN) : 0;
}

int
uid_ranges_live(uid_t first, unsigned ranges, unsigned char *live)
{
	static unsigned char seen[PRIVDROP_RANGES * PRIVDROP_RANGE];
	int n;

	if (ranges > PRIVDROP_RANGES)
		return -EINVAL;
	if ((n = live_in(first, (unsigned long)ranges * PRIVDROP_RANGE, seen)) < 0)
		return n;
	for (unsigned r = 0; r < ranges; r++) {
		live[r] = 0;
		for (unsigned i = 0; i < PRIVDROP_RANGE; i++)
			live[r] |= seen[r * PRIVDROP_RANGE + i];
	}
	return n;
}
