#pragma once
// How a session ends on the server's side: a shutdown, a termination (the
// grace of a shutdown is over), authentication_timeout during the login, an
// idle timeout while it waits for the client. These are the decisions; the
// driver (src/server/connection_control.cpp) owns the timers, stops its waits when
// told to, then writes what the machine sent and closes.

namespace pgwire::protocol {

class SessionMachine;

class SessionEnding {
 public:
  // The session is being terminated: it ends with FATAL 57P01 at its next
  // step (SessionMachine::terminate()).
  bool terminating() const noexcept { return terminating_; }
  // Ends it now: the driver stops whatever waits (the login, the wait for
  // the client, a product call).
  void terminate() noexcept { terminating_ = true; }

  // Server::shutdown(): true when the session ends now (terminate()): it
  // has not logged in yet, or waits at ReadyForQuery outside a transaction
  // block. Otherwise the machine ends it at such a wait.
  bool shutdown(SessionMachine& machine);

  // The login races authentication_timeout, unless the session is being
  // terminated already (then the login ends at once).
  bool login_limit_applies() const noexcept { return !terminating_; }

  enum class LoginEnd {
    terminated,          // 57P01
    timed_out,           // authentication_timeout before authentication began: nothing sent
    timed_out_reported,  // after it began: FATAL, and the product's log hears of it
  };
  // The login timer won the race: the machine's goodbye is in its output;
  // then the session closes.
  LoginEnd login_timer_won(SessionMachine& machine);

  // The idle limit won the race with the client's next message: FATAL
  // 57P05/25P03 (57P01 if terminated meanwhile) is in the machine's output;
  // then the session closes.
  void idle_limit_won(SessionMachine& machine);

 private:
  bool terminating_ = false;
};

}  // namespace pgwire::protocol
