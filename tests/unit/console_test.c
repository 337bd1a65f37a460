/*
 * core's console output (core-services/output.c, issue 10 findings 8 and
 * 9): what client text becomes, and the bounded queue in front of a
 * stdout nobody reads (a pipe here) with a share per child.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../../core-services/core.h"
#include "../../core-services/output.h"
#include "harness.h"

static const char *
esc(const char *s, size_t len)
{
	static char buf[512];

	out_escape(buf, sizeof buf, s, len);
	return buf;
}

#define ESC_IS(in, want) do {						\
	const char *_got = esc(in, sizeof(in) - 1);			\
	if (strcmp(_got, want))						\
		harness_fail(__FILE__, __LINE__, "escaped \"%s\", expected \"%s\"", _got, want); \
} while (0)

TEST(console_escape_controls_c1_and_invalid_utf8)
{
	ESC_IS("plain text\twith a tab", "plain text\twith a tab");
	ESC_IS("a\nMKX-POWEROFF status=0", "a\\x0aMKX-POWEROFF status=0");
	ESC_IS("\r\033[2K\a\b\x7f", "\\x0d\\x1b[2K\\x07\\x08\\x7f");
	ESC_IS("nul\0end", "nul\\x00end");
	ESC_IS("C1 raw \x85 \x9b", "C1 raw \\x85 \\x9b");
	ESC_IS("C1 utf8 \xc2\x85 \xc2\x9f", "C1 utf8 \\xc2\\x85 \\xc2\\x9f");
	ESC_IS("nbsp \xc2\xa0 e-acute \xc3\xa9 euro \xe2\x82\xac emoji \xf0\x9f\x98\x80",
	    "nbsp \xc2\xa0 e-acute \xc3\xa9 euro \xe2\x82\xac emoji \xf0\x9f\x98\x80");
	ESC_IS("overlong \xc0\xaf \xe0\x80\xaf", "overlong \\xc0\\xaf \\xe0\\x80\\xaf");
	ESC_IS("surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80");
	ESC_IS("too big \xf4\x90\x80\x80 \xf5\x80", "too big \\xf4\\x90\\x80\\x80 \\xf5\\x80");
	ESC_IS("cut \xe2\x82", "cut \\xe2\\x82");
	ESC_IS("stray \x80\xbf", "stray \\x80\\xbf");
	ESC_IS("line separators \xe2\x80\xa8 \xe2\x80\xa9 \xe2\x80\xaa",
	    "line separators \\xe2\\x80\\xa8 \\xe2\\x80\\xa9 \xe2\x80\xaa");
}

TEST(console_escape_says_when_cut)
{
	char big[300], out[64];
	size_t n;

	memset(big, '\n', sizeof big);
	n = out_escape(out, sizeof out, big, sizeof big);
	CHECK(n < sizeof out);
	CHECK_INT(strlen(out), n);
	CHECK(!strcmp(out + n - 3, "..."));
}

/* Read what the pipe holds now (non-blocking) into buf. */
static size_t
slurp(int fd, char *buf, size_t cap, size_t have)
{
	ssize_t r;

	while (have < cap - 1 && (r = read(fd, buf + have, cap - 1 - have)) > 0)
		have += (size_t)r;
	buf[have] = 0;
	return have;
}

TEST(console_flood_is_bounded_and_others_keep_their_share)
{
	static char got[OUT_BUF_SIZE * 4];
	size_t have = 0;
	unsigned long before;
	int p[2];

	CHECK(!pipe2(p, O_NONBLOCK));
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096) > 0);
	CHECK(dup2(p[1], STDOUT_FILENO) == STDOUT_FILENO);
	/* Child 0 floods a console nobody reads: its share fills, the rest is dropped. */
	for (int i = 0; i < 2000; i++)
		out_line(0, "flood", "a line of the flood, long enough to fill things up quickly", 59);
	before = out_dropped_total();
	CHECK(before > 1000);
	CHECK(out_pending() <= OUT_CHILD_SHARE);
	/* So do children 1-9: together they fill the children's part of the queue. */
	for (int c = 1; c < 10; c++)
		for (int i = 0; i < 2000; i++)
			out_line(c, "flood", "a line of the flood, long enough to fill things up quickly", 59);
	CHECK(out_pending() <= OUT_CHILDREN_SHARE + OUT_CHILD_SHARE);
	before = out_dropped_total();
	/* A quiet child and core still get their lines in. */
	static const char quiet[] = "the quiet child's line, longer than the room the flood leaves "
	    "in the children's part of the queue";

	out_line(20, "quiet", quiet, sizeof quiet - 1);
	core_log("core's own line");
	CHECK_INT(out_dropped_total(), before);
	/* Now someone reads: everything queued comes out, with the count of the dropped. */
	for (int i = 0; i < 1000 && out_pending(); i++) {
		have = slurp(p[0], got, sizeof got, have);
		out_drain();
	}
	have = slurp(p[0], got, sizeof got, have);
	CHECK_INT(out_pending(), 0);
	CHECK_STR_HAS(got, "[init -> flood] a line of the flood");
	CHECK_STR_HAS(got, "[init -> quiet] the quiet child's line, longer than the room");
	CHECK_STR_HAS(got, "[init] core's own line\n");
	CHECK_STR_HAS(got, " log lines dropped");
}
