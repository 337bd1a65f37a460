/*
 * Lock for a single-threaded component: there is nobody to wait for, so
 * taking a taken lock is a deadlock of the one thread; it is reported and
 * the component aborts instead of hanging.
 */
#include <base/lock.h>
#include <base/thread.h>
#include <base/log.h>
#include <stdlib.h>

using namespace Genode;

Lock::Lock(State state) : _state(state), _owner(nullptr) { }

void Lock::lock()
{
	Applicant myself(Thread::myself());
	lock(myself);
}

void Lock::lock(Applicant &myself)
{
	if (_state == LOCKED) {
		raw("mkx Genode base: lock taken twice by the one thread (deadlock)");
		abort();
	}
	_state = LOCKED;
	_owner = myself;
}

void Lock::unlock()
{
	_owner = Applicant(nullptr);
	_state = UNLOCKED;
}

void Lock::Applicant::wake_up() { }
