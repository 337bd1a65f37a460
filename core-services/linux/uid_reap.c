/*
 * Killing what a child leaves behind, by its uid (privdrop.h). Each child
 * runs with a uid no other process has (privdrop.c), without capabilities
 * and with NO_NEW_PRIVS, so every process with that uid is the child or
 * something it forked, wherever it went: its own session (setsid), its own
 * process group, reparented to init. Without cgroup2 nothing else finds a
 * grandchild that left the process group.
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

#define REAP_ROUNDS	16

/* How many live (not zombie) processes have real uid uid. */
static unsigned
live_with_uid(uid_t uid)
{
	unsigned n = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!d)
		return 0;
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
		n += ruid == uid && state != 'Z' && state != 'X';
	}
	closedir(d);
	return n;
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
	int err, killed = 0;

	if (uid == getuid())
		return 0;	/* children share core's uid: nothing tells them apart */
	for (int round = 0; round < REAP_ROUNDS; round++) {
		if (!live_with_uid(uid))
			return killed;
		if ((err = kill_as(uid)))
			return err;
		killed++;
		usleep(2000);	/* SIGKILL is delivered when the target next runs */
	}
	return live_with_uid(uid) ? -EAGAIN : killed;
}
