/*
 * Genode's log(), warning(), error() and raw() on mkx's LOG session: the
 * text of one Genode log message up to its newline is one mkx_log() line
 * (core prints it as "[init -> LABEL] text").
 */
#include <base/log.h>
#include <base/output.h>
#include <base/node.h>
#include <stdlib.h>

extern "C" {
#include <mkx/log.h>
}

using namespace Genode;

namespace {

	struct Line_output : Output
	{
		char   buf[MKX_LOG_LINE_MAX];
		size_t len = 0;

		void flush()
		{
			mkx_log("%.*s", (int)len, buf);
			len = 0;
		}

		void out_char(char c) override
		{
			if (c == '\n') { flush(); return; }
			if (len == sizeof buf) flush();
			buf[len++] = c;
		}

		void out_string(char const *s, size_t n) override
		{
			for (size_t i = 0; i < n && s[i]; i++) out_char(s[i]);
		}
	};

	Line_output &line_output()
	{
		static Line_output out;
		return out;
	}
}

Log &Log::log()
{
	static Log log { line_output() };
	return log;
}

Trace_output &Trace_output::trace_output()
{
	static Trace_output trace { };
	return trace;
}

Output &Raw::_output() { return line_output(); }

/*
 * Genode components generate HID unless told <ld generate_xml="yes">;
 * mkx's ROMs and reports are XML, so its components generate XML.
 */
bool Generator::_generate_xml() { return true; }
