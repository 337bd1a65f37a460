/*
 * Timer: Genode's Timer session served inside the component over a
 * timerfd (CLOCK_MONOTONIC), and the parts of Timer::Connection that
 * Genode implements in its timeout library (repos/base/src/lib/timeout,
 * not in the tree snapshot): the constructor, curr_time() and
 * set_timeout(). On Genode a timer is a separate driver component; on
 * mkx the Linux kernel is the timer, so the session needs no server.
 *
 * What is there: trigger_once / trigger_periodic / elapsed_ms /
 * elapsed_us / sigh, usleep / msleep (Timer::Connection's, which block on
 * a Signal_receiver: signal.cc), curr_time() and one-handler
 * set_timeout() (Timer::Connection in timeout-framework mode, the time
 * source of Genode::Timeout objects: timeout.cc).
 */
#include <base/log.h>
#include <timer_session/connection.h>
#include <trace/timestamp.h>
#include <mkx_genode.h>

#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

using namespace Genode;
using namespace Mkx_genode;

namespace {

	uint64_t now_us()
	{
		timespec ts { };
		clock_gettime(CLOCK_MONOTONIC, &ts);
		return uint64_t(ts.tv_sec) * 1000000 + uint64_t(ts.tv_nsec) / 1000;
	}

	struct Timer_component : Rpc_object<Timer::Session, Timer_component>, Fd_watch
	{
		int const      tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		uint64_t const start_us = now_us();
		Signal_context_capability sigh_cap { };

		Timer_component()
		{
			if (tfd < 0)
				error("Timer: timerfd_create: ", Cstring(strerror(errno)));
			else
				watch(*this);
		}

		~Timer_component()
		{
			if (tfd >= 0) { unwatch(*this); close(tfd); }
		}

		void _arm(uint64_t us, bool periodic)
		{
			/* 0 would disarm the timerfd: Genode's timer fires at once instead. */
			if (us == 0) us = 1;
			timespec t { time_t(us / 1000000), long((us % 1000000) * 1000) };
			itimerspec its { periodic ? t : timespec { 0, 0 }, t };
			if (timerfd_settime(tfd, 0, &its, nullptr) < 0)
				error("Timer: timerfd_settime: ", Cstring(strerror(errno)));
		}

		int fd() override { return tfd; }

		void on_ready() override
		{
			uint64_t expirations = 0;
			if (read(tfd, &expirations, sizeof expirations) != sizeof expirations)
				return;
			if (sigh_cap.valid())
				submit(sigh_cap, unsigned(expirations));
		}

		void trigger_once(uint64_t us)     override { _arm(us, false); }
		void trigger_periodic(uint64_t us) override
		{
			/* Genode: a period of 0 stops periodic triggering. */
			if (us == 0) {
				itimerspec off { };
				timerfd_settime(tfd, 0, &off, nullptr);
				return;
			}
			_arm(us, true);
		}
		void sigh(Signal_context_capability cap) override { sigh_cap = cap; }
		uint64_t elapsed_ms() const override { return (now_us() - start_us) / 1000; }
		uint64_t elapsed_us() const override { return now_us() - start_us; }

		/* Client-side calls on Genode (Timer::Connection implements them). */
		void msleep(uint64_t) override { }
		void usleep(uint64_t) override { }
	};
}

Session_capability Mkx_genode::open_timer_session()
{
	return rpc_ep().manage(new Timer_component());
}


/* Timer::Connection: what Genode's timeout library defines. */

Timer::Connection::Connection(Genode::Env &env, Genode::Entrypoint &ep,
                              Label const &label)
:
	Genode::Connection<Session>(env, label, Ram_quota { 10*1024 }, Args()),
	Session_client(cap()),
	_signal_handler(ep, *this, &Connection::_handle_timeout)
{
	Session_client::sigh(_default_sigh_cap);
}

Trace::Timestamp Timer::Connection::_timestamp() { return Trace::timestamp(); }

/* Linux's monotonic clock is the real time: no interpolation from timestamps needed. */
Duration Timer::Connection::curr_time()
{
	return Duration(Microseconds(elapsed_us()));
}

/*
 * Timeout-framework mode with one handler: Timer::Connection switches its
 * session signal to its I/O handler and arms the timer for the handler.
 */
void Timer::Connection::set_timeout(Microseconds duration, Timeout_handler &handler)
{
	if (_mode != TIMEOUT_FRAMEWORK) {
		_mode = TIMEOUT_FRAMEWORK;
		_sigh(_signal_handler);
	}
	_handler = &handler;
	uint64_t const min_us = MIN_TIMEOUT_US;
	trigger_once(duration.value < min_us ? min_us : duration.value);
}

void Timer::Connection::_handle_timeout()
{
	if (Timeout_handler *h = _handler) {
		_handler = nullptr;
		h->handle_timeout(curr_time());
	}
}



/*
 * Genode::Duration (Genode's duration.cc lives in the timeout library,
 * absent from the snapshot): one 64-bit microsecond count, which lasts
 * 584942 years; Genode's splits hours off for 32-bit machines.
 */
void Duration::add(Microseconds us) { _microseconds += us.value; }
void Duration::add(Milliseconds ms) { _microseconds += ms.value * US_PER_MS; }
bool Duration::less_than(Duration const &o) const { return _microseconds < o._microseconds; }
Microseconds Duration::trunc_to_plain_us() const { return Microseconds(_microseconds); }
Milliseconds Duration::trunc_to_plain_ms() const { return Milliseconds(_microseconds / US_PER_MS); }
