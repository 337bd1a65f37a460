/*
 * LOG session: a component's text output. Core prints each line prefixed
 * with the component's label, as Genode does: "[init -> hello] text".
 */
#ifndef MKX_LOG_H
#define MKX_LOG_H

#define MKX_LOG_WRITE	0x100	/* payload: one line of text, no NUL needed */
#define MKX_LOG_LINE_MAX 1024	/* longer lines are split, never cut */

/*
 * Print a formatted message; each '\n'-separated line becomes one LOG
 * line. The first call opens the LOG session; if that fails, output goes
 * to stderr with the label prefix and the reason is printed once.
 * Synchronous: when it returns, core has printed the line.
 */
void	mkx_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Same, prefixed with "Error: " (Genode's convention). */
void	mkx_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Nothing is buffered today; kept so mkx_exit() has one place to flush. */
void	mkx_log_flush(void);

#endif
