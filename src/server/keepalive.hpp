#pragma once
// TCP keepalive on an accepted connection (internal).

#include "pgwire/server/server.hpp"

namespace pgwire::detail {

// SO_KEEPALIVE and, where given, TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT.
// A value the system refuses is left at its default: keepalive is advice,
// never a reason to drop a client.
void apply_keepalive(int socket, const ServerOptions::Keepalive& keepalive);

}  // namespace pgwire::detail
