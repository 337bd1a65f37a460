/*
 * Genode::Timeout and the Timeout_scheduler of a Timer::Connection, the
 * part of Genode's timeout library (repos/base/src/lib/timeout, not in
 * the snapshot) that Periodic_timeout / One_shot_timeout need. The
 * scheduler keeps the connection's timeouts in a list, arms the
 * connection's one time-source timeout (timer.cc: the timerfd) for the
 * earliest deadline and, when it fires, calls every handler due, a
 * periodic one again a period later. One thread: no locking (a lock
 * taken twice would abort, lock.cc), and a handler may schedule or
 * discard timeouts while the list is walked: the walk restarts.
 */
#include <base/log.h>
#include <timer_session/connection.h>

using namespace Genode;

Timeout_scheduler::Timeout_scheduler(Time_source &ts, Microseconds min_handle_period)
:
	_time_source(ts),
	_rate_limit_period(min_handle_period),
	_rate_limit_deadline(Microseconds { 0 })
{ }

Timeout_scheduler::~Timeout_scheduler() { _destructor_called = true; }

Duration Timeout_scheduler::curr_time() { return _time_source.curr_time(); }

static uint64_t now_us(Time_source &ts) { return ts.curr_time().trunc_to_plain_us().value; }

/* Arm the time source for the earliest deadline (nothing scheduled: nothing armed). */
void Timeout_scheduler::_set_time_source_timeout()
{
	uint64_t earliest = ~0ull;
	for (Timeout *t = _timeouts.first(); t; t = t->next())
		if (t->_deadline.value < earliest) earliest = t->_deadline.value;
	if (earliest == ~0ull)
		return;
	uint64_t const now = now_us(_time_source);
	_time_source.set_timeout(Microseconds { earliest > now ? earliest - now : 1 }, *this);
}

void Timeout_scheduler::_schedule_timeout(Timeout &t, Microseconds duration, Microseconds period,
                                          Timeout_handler &handler)
{
	if (t._handler) _timeouts.remove(&t);
	t._handler  = &handler;
	t._period   = period;
	t._deadline = Microseconds { now_us(_time_source) + duration.value };
	_timeouts.insert(&t);
	_set_time_source_timeout();
}

void Timeout_scheduler::_discard_timeout(Timeout &t)
{
	if (t._handler) _timeouts.remove(&t);
	t._handler = nullptr;
}

/* The time source fired: every due handler, the earliest first, then re-arm. */
void Timeout_scheduler::handle_timeout(Duration)
{
	for (bool again = true; again && !_destructor_called; ) {
		again = false;
		uint64_t const now = now_us(_time_source);
		Timeout *due = nullptr;
		for (Timeout *t = _timeouts.first(); t; t = t->next())
			if (t->_deadline.value <= now && (!due || t->_deadline.value < due->_deadline.value))
				due = t;
		if (!due) break;
		Timeout_handler *h = due->_handler;
		if (due->_period.value)
			due->_deadline = Microseconds { due->_deadline.value + due->_period.value };
		else
			_discard_timeout(*due);
		h->handle_timeout(curr_time());
		again = true;   /* the handler may have changed the list */
	}
	_set_time_source_timeout();
}

Timeout::Timeout(Timeout_scheduler &s) : _scheduler(s) { }

Timeout::Timeout(Timer::Connection &c) : _scheduler(c._switch_to_timeout_framework_mode()) { }

Timeout::~Timeout() { discard(); }

void Timeout::schedule_periodic(Microseconds d, Timeout_handler &h)
{
	/* A period of 0 would be due for ever: Genode's minimum instead. */
	_scheduler._schedule_timeout(*this, d, Microseconds { d.value ? d.value : 1 }, h);
}

void Timeout::schedule_one_shot(Microseconds d, Timeout_handler &h)
{
	_scheduler._schedule_timeout(*this, d, Microseconds { 0 }, h);
}

void Timeout::discard() { _scheduler._discard_timeout(*this); }

bool Timeout::scheduled() { return _handler != nullptr; }

/* A Timeout of this connection makes it the time source of its scheduler. */
Timeout_scheduler &Timer::Connection::_switch_to_timeout_framework_mode()
{
	if (_mode != TIMEOUT_FRAMEWORK) {
		_mode = TIMEOUT_FRAMEWORK;
		_sigh(_signal_handler);
	}
	return _timeout_scheduler;
}
