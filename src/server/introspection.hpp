#pragma once
// What tests may ask a server about its sessions' inner state (internal;
// tests include it by its path).

#include <cstddef>

namespace pgwire {
class Server;
}

namespace pgwire::detail {

// How many live sessions wait for their client without a coroutine frame
// (idle_sweep.hpp). Any thread.
std::size_t sessions_waiting_without_frames(Server& server);

}  // namespace pgwire::detail
