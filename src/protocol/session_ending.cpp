// How a session ends on the server's side (session_ending.hpp). What each
// ending sends is the machine's (session_limits.cpp).

#include "pgwire/protocol/session_ending.hpp"

#include "pgwire/protocol/session_machine.hpp"

namespace pgwire::protocol {

bool SessionEnding::shutdown(SessionMachine& machine) {
  machine.shutdown_requested();
  bool logging_in = machine.phase() == Phase::startup || machine.phase() == Phase::authenticating;
  bool now = logging_in || (machine.waiting_at_ready_for_query() && machine.shutdown_ends_wait());
  if (now) terminate();
  return now;
}

SessionEnding::LoginEnd SessionEnding::login_timer_won(SessionMachine& machine) {
  if (terminating_) {
    machine.terminate();
    return LoginEnd::terminated;
  }
  bool began = machine.authentication_started();
  machine.authentication_timed_out();
  return began ? LoginEnd::timed_out_reported : LoginEnd::timed_out;
}

void SessionEnding::idle_limit_won(SessionMachine& machine) {
  if (terminating_) {
    machine.terminate();
  } else {
    machine.idle_limit_expired();
  }
}

}  // namespace pgwire::protocol
