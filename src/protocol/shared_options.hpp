#pragma once
// SessionOptions shared between the sessions of a server (internal to the
// session machine).
//
// Every session of a server gets the same options: a copy each (the
// machine's and its engine's) cost 168 bytes per idle connection. Sessions
// keep a pointer to one immutable copy instead.

#include <memory>

#include "pgwire/protocol/session_machine.hpp"

namespace pgwire::protocol::detail {

// The options some session holds if they are equal to these (the last ones
// shared), or a new shared copy. Any thread (a lock; called once per
// session, not per statement).
std::shared_ptr<const SessionOptions> share_options(SessionOptions options);

}  // namespace pgwire::protocol::detail
