// One write at a time to the client: the session's output or the pushes
// written while it waits (output_turns.hpp).

#include "pgwire/protocol/output_turns.hpp"

#include "pgwire/protocol/session_machine.hpp"

namespace pgwire::protocol {

bool OutputTurns::start_push(SessionMachine& machine, Buffer& out) {
  if (pushing_ || failed_ || !machine.take_pushes_while_reading(out)) return false;
  pushing_ = true;
  return true;
}

bool OutputTurns::push_written(SessionMachine& machine, Buffer& out) {
  out.clear();
  if (machine.take_pushes_while_reading(out)) return true;
  pushing_ = false;
  return false;
}

void OutputTurns::push_failed(Buffer& out) noexcept {
  out.clear();  // the session's read fails too and ends it
  pushing_ = false;
  failed_ = true;
}

}  // namespace pgwire::protocol
