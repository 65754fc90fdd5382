// When pushed messages (SessionHandle: notifications, notices,
// ParameterStatus) may go out. PostgreSQL delivers a notification only while
// its backend is idle outside a transaction: just before ReadyForQuery, or
// while it waits for the client (ProcessClientReadInterrupt); a listener in
// a transaction block gets it once the block ends. Notices and
// ParameterStatus go at any message boundary. Nothing is ever inserted into
// a result's messages: the machine drains the queue only at the points below.
// During a copy-both the product's CopyData go out between the client's
// messages and while the session waits for the client (copy_rules.cpp).

#include "pgwire/protocol/session_machine.hpp"

namespace pgwire::protocol {

bool SessionMachine::notifications_deliverable() const noexcept {
  return engine_.phase() == Phase::ready && engine_.transaction_status() == TransactionStatus::idle &&
         !engine_.in_extended_batch();
}

void SessionMachine::deliver_before_ready() {
  // The batch is over here, whatever the engine last saw.
  bool idle = engine_.phase() == Phase::ready && engine_.transaction_status() == TransactionStatus::idle;
  if (SessionHandle* h = pushes()) h->drain(engine_.output(), idle);
}

bool SessionMachine::take_pushes_while_reading(Buffer& out) {
  // Unsent output means the machine holds a batch's answers: it will drain
  // the queue itself before its next read.
  if (!idle_read_ || !engine_.output().empty()) return false;
  SessionHandle* h = pushes();
  return h && h->drain(out, notifications_deliverable(), copying_both_);
}

}  // namespace pgwire::protocol
