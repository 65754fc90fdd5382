#pragma once
// When a connection gets no session at all. A session beyond max_connections
// still costs a session until it has sent its 53300 (after the startup
// packet, SessionMachine::refuse_too_many_clients). Past twice the limit
// (PostgreSQL's limit on postmaster children) a connection costs nothing:
// it gets refusal_without_session() in one best-effort write and is closed,
// so that a flood cannot grow the server. The listener (src/server/server.cpp)
// counts and writes; this decides.

#include <cstddef>

namespace pgwire::protocol {

// `live_sessions`: the sessions now open, refused ones included;
// `max_connections` 0: no limit.
constexpr bool refuse_without_session(std::size_t live_sessions, std::size_t max_connections) noexcept {
  return max_connections != 0 && live_sessions >= 2 * max_connections;
}

}  // namespace pgwire::protocol
