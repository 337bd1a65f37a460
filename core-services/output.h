/*
 * core's console output (output.c) and its children's stdout/stderr pipes
 * (child_output.c). Every line core prints starts with core's own
 * "[init] " or "[init -> label] " prefix; client text is escaped, so it can
 * neither start a line nor drive the terminal. Output is queued in a
 * bounded buffer and written only when stdout takes it: a slow console
 * never stalls core's event loop, lines past the bound are dropped and
 * counted.
 */
#ifndef CORE_OUTPUT_H
#define CORE_OUTPUT_H

#include <stddef.h>

struct child;

#define OUT_CORE	(-1)		/* owner of core's own lines */
#define OUT_BUF_SIZE	(64 * 1024)	/* queued bytes, all owners */
#define OUT_CHILD_SHARE	(OUT_BUF_SIZE / 8)	/* queued bytes of one child at most */
#define OUT_CHILDREN_SHARE (OUT_BUF_SIZE / 4 * 3)	/* of all children: core keeps the rest */

/*
 * Escape len bytes of client text into dst (NUL-terminated, at most cap
 * bytes with the NUL). Printable ASCII, tab and valid UTF-8 outside
 * U+0080..U+009F, U+2028 and U+2029 pass; every other byte (C0, DEL, C1,
 * line separators, invalid UTF-8) becomes "\xNN". Returns the length written; text that does not fit
 * ends in "...".
 */
size_t	out_escape(char *dst, size_t cap, const char *src, size_t len);

/*
 * Queue one line: "[init] text" (label NULL) or "[init -> label] text",
 * both escaped, and write what stdout takes now. owner is OUT_CORE or
 * the child's index: each child may hold OUT_CHILD_SHARE bytes of the
 * queue; a line past that, or past the whole buffer, is dropped, and
 * "[init] N log lines dropped" is printed once there is room again.
 */
void	out_line(int owner, const char *label, const char *text, size_t len);

/*
 * Until the next call, core's own lines (OUT_CORE) are charged to child
 * owner's share: the lines a child's request makes core print (a denial,
 * each of two it alternates) are that child's words as much as its LOG
 * lines are, and a flood of them must not take the room of core's and
 * the other children's lines. OUT_CORE: core's own again.
 */
void	out_behalf(int owner);

/* Make stdout non-blocking without touching the file description others share. */
void	out_init(void);
/* Bytes queued (the loop polls stdout for POLLOUT while there are). */
size_t	out_pending(void);
/* Write what stdout takes now, never blocking. */
void	out_drain(void);
/*
 * At the end: write everything queued, waiting for stdout up to
 * stall_ms without progress; then stdout is blocking again (for the
 * last words of PID 1).
 */
void	out_flush(int stall_ms);
/* In a forked child: core's queued lines are core's to write, not the child's. */
void	out_forget(void);
/* Lines dropped so far (for tests). */
unsigned long out_dropped_total(void);

/*
 * child_output.c: a child's fd 1 and 2 are the write end of a pipe whose
 * read end core watches; each line is printed as "[init -> name] line".
 * child_output_open makes the pipe and returns the end for the child
 * (close it in core after fork), or -errno.
 */
int	child_output_open(struct child *c);
/* In the forked child: fd 1 and 2 become the pipe (child_end < 0: /dev/null). */
void	child_output_in_child(int child_end);
/* Read and print what the child left in its pipe (it exited), then close it. */
void	child_output_close(struct child *c);

#endif
