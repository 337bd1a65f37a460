/*
 * core's console output (see output.h): escaping client text, a bounded
 * queue with a share per child, and a non-blocking stdout drained by the
 * event loop. Nothing here may block: on a slow serial console one
 * chatty child once made every other child's session request wait.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "output.h"
#include "report_files.h"

#define RECS_MAX	(OUT_BUF_SIZE / 8)	/* a line has at least 8 bytes: "[init] \n" */
#define OUT_LINE_MAX	(4 * MKX_PAYLOAD_MAX + 1024)	/* escaped text grows at most 4x */

static char ring[OUT_BUF_SIZE];
static size_t head, used;		/* ring[head] is the first byte not yet written */

/* One queued line per record, so bytes written go back to their owner's share. */
static struct rec {
	int	owner;
	size_t	left;
} recs[RECS_MAX];
static size_t rec_head, nrecs;
static size_t child_queued[CHILDREN_MAX], children_queued;

static unsigned long dropped, dropped_total;
static int behalf = OUT_CORE;		/* out_behalf: whose share core's own lines go to */
static int saved_flags = -1;		/* fd 1's flags if we set O_NONBLOCK on a shared description */

/* Length of the valid UTF-8 sequence at p if it encodes a code point from U+00A0 on, else 0. */
static size_t
utf8_printable(const unsigned char *p, size_t left)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;	/* ASCII, a stray continuation byte, overlong 0xc0/0xc1, > U+10FFFF */
	if (left < n)
		return 0;
	if (c == 0xc2)
		lo = 0xa0;	/* U+0080..U+009F are C1 controls */
	else if (c == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (c == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (c == 0xf0)
		lo = 0x90;	/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;	/* > U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* U+2028, U+2029 end a line for some readers (Python's splitlines): escaped too. */
	if (c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
		return 0;
	return n;
}

size_t
out_escape(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0, limit;

	if (cap < 4) {
		if (cap)
			dst[0] = 0;
		return 0;
	}
	limit = cap - 4;	/* room for "..." and the NUL */
	while (i < len) {
		unsigned char c = s[i];
		size_t n = c == '\t' || (c >= 0x20 && c < 0x7f) ? 1 : utf8_printable(s + i, len - i);

		if (o + (n ? n : 4) > limit) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (n) {
			memcpy(dst + o, s + i, n);
			o += n;
			i += n;
		} else {
			o += (size_t)snprintf(dst + o, 5, "\\x%02x", c);
			i++;
		}
	}
	dst[o] = 0;
	return o;
}

static int
enqueue(int owner, const char *s, size_t n)
{
	size_t at = (head + used) % OUT_BUF_SIZE, first;

	if (n > OUT_BUF_SIZE - used || nrecs == RECS_MAX)
		return -ENOSPC;
	if (owner >= 0) {
		size_t mine = owner < CHILDREN_MAX ? child_queued[owner] : OUT_CHILD_SHARE;
		size_t limit = OUT_CHILDREN_SHARE;

		/*
		 * A child with nothing queued may go a line past the children's
		 * part: among flooders, a quiet child still gets a word in.
		 */
		if (!mine)
			limit += OUT_CHILD_SHARE;
		if (mine + n > OUT_CHILD_SHARE || children_queued + n > limit)
			return -ENOSPC;
	}
	first = n < OUT_BUF_SIZE - at ? n : OUT_BUF_SIZE - at;
	memcpy(ring + at, s, first);
	memcpy(ring, s + first, n - first);
	used += n;
	recs[(rec_head + nrecs++) % RECS_MAX] = (struct rec){ owner, n };
	if (owner >= 0) {
		child_queued[owner] += n;
		children_queued += n;
	}
	return 0;
}

/* k bytes were written: free them, and their owners' shares. */
static void
consume(size_t k)
{
	head = (head + k) % OUT_BUF_SIZE;
	used -= k;
	while (k) {
		struct rec *r = &recs[rec_head];
		size_t t = k < r->left ? k : r->left;

		r->left -= t;
		k -= t;
		if (r->owner >= 0) {
			child_queued[r->owner] -= t;
			children_queued -= t;
		}
		if (!r->left) {
			rec_head = (rec_head + 1) % RECS_MAX;
			nrecs--;
		}
	}
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Say how many lines were lost: when the console has caught up, or at
 * most once a second while it lags (a notice per drop would itself flood).
 */
static void
note_drops(void)
{
	static long last;
	char msg[96];
	long now;
	int n;

	if (!dropped)
		return;
	now = now_ms();
	if (used && now - last < 1000)
		return;
	last = now;
	n = snprintf(msg, sizeof msg, "[init] %lu log lines dropped (the console did not keep up)\n",
	    dropped);
	if (!enqueue(OUT_CORE, msg, (size_t)n))
		dropped = 0;
}

void
out_drain(void)
{
	for (;;) {
		while (used) {
			size_t chunk = used < OUT_BUF_SIZE - head ? used : OUT_BUF_SIZE - head;
			ssize_t w = write(STDOUT_FILENO, ring + head, chunk);

			if (w > 0)
				consume((size_t)w);
			else if (w < 0 && errno == EINTR)
				continue;
			else if (w < 0 && errno == EAGAIN)
				return;
			else {
				consume(used);	/* stdout is gone (EPIPE, EIO): nobody to tell */
				dropped = 0;
				return;
			}
		}
		if (!dropped)
			return;
		note_drops();
	}
}

void
out_behalf(int owner)
{
	behalf = owner >= 0 && owner < CHILDREN_MAX ? owner : OUT_CORE;
}

void
out_line(int owner, const char *label, const char *text, size_t len)
{
	static char line[OUT_LINE_MAX];
	size_t n = 0;

	if (owner == OUT_CORE)
		owner = behalf;

	note_drops();
	memcpy(line, "[init", 5);
	n = 5;
	if (label) {
		memcpy(line + n, " -> ", 4);
		n += 4;
		n += out_escape(line + n, 1024, label, strlen(label));
	}
	memcpy(line + n, "] ", 2);
	n += 2;
	n += out_escape(line + n, sizeof line - n - 1, text, len);
	line[n++] = '\n';
	report_files_log(line, n);	/* the screen and the results directory, with <report_files> */
	if (enqueue(owner, line, n)) {
		dropped++;
		dropped_total++;
	}
	out_drain();
}

void
out_init(void)
{
	struct stat st;
	int fd, fl;

	/* fds 0-2 taken, so no pipe or socket of core's ever lands on stdout. */
	for (int i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
			return;
	if (fstat(STDOUT_FILENO, &st) || S_ISREG(st.st_mode))
		return;	/* a regular file never blocks */
	/*
	 * O_NONBLOCK belongs to the open file description, which the shell
	 * that started core may share (a terminal): open our own.
	 */
	fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
		return;
	}
	fl = fcntl(STDOUT_FILENO, F_GETFL);	/* e.g. a socket: cannot be reopened */
	if (fl >= 0 && !(fl & O_NONBLOCK) && !fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK))
		saved_flags = fl;
}

size_t
out_pending(void)
{
	return used;
}

void
out_flush(int stall_ms)
{
	int fl;

	out_drain();
	while (used) {
		struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
		size_t before = used;

		if (poll(&p, 1, stall_ms) <= 0)
			break;	/* nobody reads stdout: give up rather than hang */
		out_drain();
		if (used == before && !(p.revents & POLLOUT))
			break;
	}
	if (saved_flags >= 0)
		fcntl(STDOUT_FILENO, F_SETFL, saved_flags);
	else if ((fl = fcntl(STDOUT_FILENO, F_GETFL)) >= 0)
		fcntl(STDOUT_FILENO, F_SETFL, fl & ~O_NONBLOCK);
	fflush(stdout);
}

void
out_forget(void)
{
	head = used = 0;
	rec_head = nrecs = 0;
	memset(child_queued, 0, sizeof child_queued);
	children_queued = 0;
	dropped = 0;
}

unsigned long
out_dropped_total(void)
{
	return dropped_total;
}
