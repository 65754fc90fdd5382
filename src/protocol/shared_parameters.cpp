#include "shared_parameters.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace pgwire::protocol::detail {

namespace {

std::size_t hash_of(const ParameterMap& map) {
  std::size_t h = map.size();
  std::hash<std::string> hash;
  for (const auto& [k, v] : map) h = (h * 31 + hash(k)) * 31 + hash(v);
  return h;
}

// Weak references: a map lives as long as a session holds it. Expired
// entries are dropped whenever the table has doubled since the last sweep,
// so it stays within twice the maps in use.
class Registry {
 public:
  SharedParameters share(ParameterMap map) {
    std::size_t h = hash_of(map);
    std::lock_guard lock(mutex_);
    auto [first, last] = maps_.equal_range(h);
    for (auto it = first; it != last; ++it)
      if (auto held = it->second.lock(); held && *held == map) return held;
    auto shared = std::make_shared<const ParameterMap>(std::move(map));
    if (maps_.size() >= 2 * swept_size_) sweep();
    maps_.emplace(h, shared);
    return shared;
  }

 private:
  void sweep() {
    std::erase_if(maps_, [](const auto& entry) { return entry.second.expired(); });
    swept_size_ = std::max<std::size_t>(maps_.size(), 32);
  }

  std::mutex mutex_;
  std::unordered_multimap<std::size_t, std::weak_ptr<const ParameterMap>> maps_;
  std::size_t swept_size_ = 32;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

SharedParameters share_parameters(ParameterMap map) { return registry().share(std::move(map)); }

const SharedParameters& no_parameters() {
  static const SharedParameters empty = std::make_shared<const ParameterMap>();
  return empty;
}

}  // namespace pgwire::protocol::detail
