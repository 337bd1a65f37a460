/*
 * A child's stdout and stderr: the write end of a pipe, never core's own
 * console. core reads the other end without blocking in its event loop
 * and prints each line as "[init -> name] line", escaped like LOG text,
 * so a child cannot write a line of its own choosing to the console
 * (the QEMU runner trusts "MKX-POWEROFF" and core's "[init] " lines).
 * A component that dies before its LOG session works still leaves its
 * last words (its stderr) this way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <mkx/log.h>
#include "core.h"
#include "output.h"

#define READ_CHUNK 4096		/* per wakeup: one chatty child cannot hold the loop */

static struct pipe_state {
	int	fd;			/* core's read end, -1 when closed */
	size_t	len;			/* partial line so far */
	char	buf[MKX_LOG_LINE_MAX];
} pipes[CHILDREN_MAX];

static int
index_of(const struct child *c)
{
	return (int)(c - child_table);
}

static void
emit(const struct child *c, const char *s, size_t len)
{
	out_line(index_of(c), c->cfg->name, s, len);
}

/* Split what arrived into lines; a line longer than the buffer goes out in pieces. */
static void
take(struct child *c, const char *s, size_t n)
{
	struct pipe_state *p = &pipes[index_of(c)];

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			emit(c, p->buf, p->len);
			p->len = 0;
			continue;
		}
		if (p->len == sizeof p->buf) {
			emit(c, p->buf, p->len);
			p->len = 0;
		}
		p->buf[p->len++] = s[i];
	}
}

static void
close_pipe(struct child *c)
{
	struct pipe_state *p = &pipes[index_of(c)];

	if (p->fd < 0)
		return;
	if (p->len)
		emit(c, p->buf, p->len);	/* a last line without its newline */
	p->len = 0;
	loop_unwatch(p->fd);
	close(p->fd);
	p->fd = -1;
}

/* Read at most limit bytes; 1 if the pipe is still open. */
static int
read_some(struct child *c, size_t limit)
{
	struct pipe_state *p = &pipes[index_of(c)];
	char chunk[READ_CHUNK];

	while (limit) {
		ssize_t n = read(p->fd, chunk, limit < sizeof chunk ? limit : sizeof chunk);

		if (n > 0) {
			take(c, chunk, (size_t)n);
			limit -= (size_t)n;
		} else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && errno == EAGAIN)
			return 1;
		else {
			close_pipe(c);	/* EOF: every writer is gone */
			return 0;
		}
	}
	return 1;
}

static void
readable(void *arg)
{
	read_some(arg, READ_CHUNK);
}

int
child_output_open(struct child *c)
{
	struct pipe_state *p = &pipes[index_of(c)];
	int fds[2], err;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	if ((err = loop_watch(fds[0], readable, c))) {
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	p->fd = fds[0];
	p->len = 0;
	return fds[1];
}

void
child_output_in_child(int child_end)
{
	out_forget();	/* a core_log before exec writes only its own line, to the pipe */
	/* No pipe (core ran out of fds): silence, never core's own console. */
	if (child_end < 0 && (child_end = open("/dev/null", O_WRONLY)) < 0)
		return;
	/* Both dup2s clear FD_CLOEXEC on 1 and 2; the original end is closed with the rest. */
	if (child_end != STDOUT_FILENO)
		dup2(child_end, STDOUT_FILENO);
	if (child_end != STDERR_FILENO)
		dup2(child_end, STDERR_FILENO);
	fcntl(STDOUT_FILENO, F_SETFD, 0);
	fcntl(STDERR_FILENO, F_SETFD, 0);
}

void
child_output_close(struct child *c)
{
	struct pipe_state *p = &pipes[index_of(c)];

	/* The child is gone: what it wrote is all there; bounded, in case a descendant still writes. */
	if (p->fd >= 0 && read_some(c, 16 * READ_CHUNK))
		close_pipe(c);
}
