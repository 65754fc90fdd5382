#include "shared_options.hpp"

#include <mutex>
#include <utility>

namespace pgwire::protocol::detail {

std::shared_ptr<const SessionOptions> share_options(SessionOptions options) {
  // One entry is enough: a process usually runs one server, whose sessions
  // all come with the same options. Another server's sessions replace it
  // (each then shares among its sessions only while they alternate less).
  static std::mutex mutex;
  static std::weak_ptr<const SessionOptions> last;
  std::lock_guard lock(mutex);
  if (auto held = last.lock(); held && *held == options) return held;
  auto shared = std::make_shared<const SessionOptions>(std::move(options));
  last = shared;
  return shared;
}

}  // namespace pgwire::protocol::detail
