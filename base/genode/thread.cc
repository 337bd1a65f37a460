/*
 * Threads: an mkx Genode component is single-threaded (its entrypoint is
 * the main thread, see rpc.cc). A Thread object can exist (Rpc_entrypoint
 * is one) but cannot run: start() says so and is refused. No tracing:
 * _logger() is nullptr, so Genode's trace hooks never reach a Logger.
 */
#include <base/thread.h>
#include <base/log.h>
#include <base/trace/logger.h>
#include <stdlib.h>

using namespace Genode;

Thread::Thread(Runtime &rt, Name const &name, Stack_size, Location loc)
: name(name), _runtime(rt), _affinity(loc) { }

Thread::~Thread() { }

Thread::Start_result Thread::start()
{
	error("thread '", name, "': mkx's Genode base runs one thread (the entrypoint)");
	return Start_result::DENIED;
}

Thread *Thread::myself() { return nullptr; }

Thread::Stack_info Thread::mystack() { return { 0, 0, 0 }; }

Trace::Logger *Thread::_logger() { return nullptr; }

/* Unreachable while _logger() is nullptr; defined because inline code names them. */
bool Trace::Logger::_evaluate_control() { return false; }
void Trace::Logger::log(char const *, size_t) { }
bool Trace::Logger::log_captured(char const *, size_t) { return false; }
char *Trace::Partitioned_buffer::reserve(size_t) { abort(); }
void Trace::Partitioned_buffer::commit(size_t) { abort(); }
Trace::Logger::Logger() { }
