/*
 * Starting and reaping children. A child gets exactly: its parent channel
 * on fd 3, stdin from /dev/null, stdout/stderr a pipe that core reads and
 * prints line by line with the child's prefix (output.h; so a component
 * that crashes before its LOG session works still leaves a trace, and no
 * child writes to the console directly), and its label in MKX_LABEL. In host mode the child dies with
 * core (PR_SET_PDEATHSIG), so nothing is left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mkx/env.h>
#include "cgroup.h"
#include "core.h"
#include "output.h"
#include "privdrop.h"

struct child child_table[CHILDREN_MAX];
unsigned nchildren;

/* A name may be in the table more than once (a child stopped at a reload and started again): the running one. */
struct child *
child_by_name(const char *name)
{
	struct child *found = NULL;

	for (unsigned i = 0; i < nchildren; i++)
		if (child_table[i].cfg && !strcmp(child_table[i].cfg->name, name)) {
			if (child_table[i].state == CHILD_RUNNING)
				return &child_table[i];
			found = &child_table[i];
		}
	return found;
}

/* In the forked child: set up fds and privileges, then exec. Never returns. */
static void __attribute__((noreturn))
exec_child(int sock, int bin, unsigned slot, const struct start_cfg *cfg, const struct core_config *all)
{
	char *argv[] = { (char *)cfg->binary, NULL };
	char label[NAME_MAX_LEN + 16], fdenv[32];
	/* A child sees only what core gives it; sanitizer settings pass, for tests. */
	char *envp[8] = { label, fdenv, "PATH=/bin:/usr/bin", NULL };
	static const char *const passed[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS" };
	static char passed_env[3][512];
	unsigned ne = 3;
	int null = open("/dev/null", O_RDONLY);

	/* Out of the way of fds 0-3, which are set up below (it closes at exec). */
	if ((bin = fcntl(bin, F_DUPFD_CLOEXEC, 512)) < 0)
		_exit(127);

	/* If core dies, so do its children: no orphaned drivers on a host. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* core blocks the signals it reads from its signalfd; the child must not inherit that. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Own process group: a Ctrl-C at the terminal goes to core, which stops us in order. */
	setpgid(0, 0);
	if (null >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (sock != MKX_PARENT_FD) {
		if (dup2(sock, MKX_PARENT_FD) < 0)
			_exit(126);
		close(sock);
	} else
		fcntl(sock, F_SETFD, 0);
	/* Everything above fd 3 is core's (sessions, channels of other children): not for this child. */
	for (int fd = MKX_PARENT_FD + 1; fd < 1024; fd++)
		if (fd != bin)
			close(fd);
	if (io_port_grant_direct(all, cfg->name) < 0)
		_exit(125);
	if (cgroup_enter(cfg->name)) {
		fprintf(stderr, "[init] \"%s\": cannot enter its memory cgroup\n", cfg->name);
		_exit(124);
	}
	/* Last privileged step done: from here on the child is an ordinary, powerless process. */
	if (!cfg->privileged && privdrop_apply(slot)) {
		fprintf(stderr, "[init] \"%s\": cannot drop its privileges: %s\n", cfg->name, strerror(errno));
		_exit(123);
	}
	for (unsigned i = 0; i < 3; i++) {
		char *v = getenv(passed[i]);

		if (v) {
			snprintf(passed_env[i], sizeof passed_env[i], "%s=%s", passed[i], v);
			envp[ne++] = passed_env[i];
		}
	}
	envp[ne] = NULL;
	snprintf(label, sizeof label, "MKX_LABEL=%s", cfg->name);
	snprintf(fdenv, sizeof fdenv, "MKX_PARENT_FD=%d", MKX_PARENT_FD);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGIO, SIG_DFL);	/* core ignores it (linux/dma_lease.c); an ignored signal would stay so past exec */
	execve(cfg->path, argv, envp);
	/*
	 * Our own uid may lack the search right on core's directories (a build
	 * tree under /root): the binary core opened still runs, if the file
	 * itself is executable for us (its name shows as the fd number then).
	 */
	if (errno == EACCES)
		execveat(bin, "", argv, envp, AT_EMPTY_PATH);
	fprintf(stderr, "[init] cannot execute %s: %s\n", cfg->path, strerror(errno));
	_exit(127);
}

int
child_start(struct child *c, struct start_cfg *cfg, const struct core_config *all)
{
	int sv[2], out;
	pid_t pid;

	memset(c, 0, sizeof *c);
	c->cfg = cfg;
	c->sock = -1;
	c->ram_left = cfg->ram_quota;
	static int privdrop_decided, privdrop_state;
	int bin;

	if (!privdrop_decided)
		privdrop_decided = 1, privdrop_state = privdrop_init();
	if (privdrop_state < 0 && !cfg->privileged)
		return -EAGAIN;	/* no uid range of its own: said once by privdrop_init */
	if (cfg->privileged)
		core_log("\"%s\" runs privileged (privileged=\"yes\"): with core's uid and capabilities", cfg->name);
	if (cgroup_prepare(cfg->name, cfg->ram_quota))
		return -EPERM;
	bin = open(cfg->path, O_PATH | O_CLOEXEC);
	if (bin < 0)
		return -errno;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		close(bin);
		return -errno;
	}
	/* Its direct (ioperm) ports are held from here to its exit: no one else gets them. */
	if (io_port_direct_reserve(all, c)) {
		close(sv[0]);
		close(sv[1]);
		close(bin);
		return -EBUSY;
	}
	out = child_output_open(c);	/* its fd 1 and 2; < 0: /dev/null */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		if (out >= 0)
			close(out);
		child_output_close(c);

		io_port_direct_release(c);

		close(sv[0]);
		close(sv[1]);
		close(bin);
		return err;
	}
	if (pid == 0) {
		close(sv[0]);
		child_output_in_child(out);
		exec_child(sv[1], bin, (unsigned)(c - child_table), cfg, all);
	}
	close(sv[1]);
	if (out >= 0)
		close(out);
	close(bin);
	/* core never blocks on a child: a full channel is the child's problem (loop.c). */
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	c->pid = pid;
	c->sock = sv[0];
	c->state = CHILD_RUNNING;
	return 0;
}

static const char *
signame(int sig)
{
	const char *d = sigabbrev_np(sig);

	return d ? d : "?";
}

const char *
child_describe_exit(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with exit value %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "crashed: killed by signal %d (SIG%s)%s", WTERMSIG(status),
		    signame(WTERMSIG(status)), WCOREDUMP(status) ? ", core dumped" : "");
	else
		snprintf(buf, len, "ended with wait status 0x%x", status);
	return buf;
}

void
child_reap(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid <= 0)
			return;
		for (unsigned i = 0; i < nchildren; i++)
			if (child_table[i].pid == pid && child_table[i].state == CHILD_RUNNING) {
				child_table[i].status = status;
				child_table[i].state = CHILD_EXITED;
				/*
				 * What it forked holds what it inherited (fds, the ioperm
				 * bitmap) and would outlive it, and on a host core too: its
				 * process group goes with it before its grants are free
				 * again (cgroup_release kills the rest of its cgroup).
				 */
				kill(-pid, SIGKILL);
				if (!child_table[i].cfg->privileged) {
					int n = privdrop_kill_uid(i);

					if (n > 0)
						core_log("child \"%s\" left processes of its uid %u behind; killed",
						    child_table[i].cfg->name, (unsigned)privdrop_uid(i));
					else if (n < 0)
						core_log("child \"%s\": cannot kill what it left behind: %s",
						    child_table[i].cfg->name, strerror(-n));
				}
				io_port_direct_release(&child_table[i]);
				loop_child_exited(&child_table[i]);
				pid = 0;
			}
		/* pid != 0: an orphan re-parented to us as PID 1; reaped, nothing to report. */
	}
}

/* Reap for up to a second; returns how many children still run. */
static int
wait_children(void)
{
	int left = 1;

	for (int t = 0; left && t < 100; t++) {
		usleep(10000);
		child_reap();
		left = 0;
		for (unsigned i = 0; i < nchildren; i++)
			left += child_table[i].state == CHILD_RUNNING;
	}
	return left;
}

void
child_kill_all(void)
{
	int sig[] = { SIGTERM, SIGKILL };	/* a second to go, then insist */

	for (unsigned k = 0; k < 2; k++) {
		int any = 0;

		for (unsigned i = 0; i < nchildren; i++)
			if (child_table[i].state == CHILD_RUNNING) {
				child_table[i].killed_by_core = 1;
				kill(child_table[i].pid, sig[k]);
				any = 1;
			}
		if (!any || !wait_children())
			return;
	}
}
