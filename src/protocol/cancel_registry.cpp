#include "pgwire/protocol/cancel_registry.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "pgwire/codec/error_info.hpp"

namespace pgwire::protocol {

std::pair<std::int32_t, std::string> CancelRegistry::add(std::weak_ptr<CancelTarget> target,
                                                         std::size_t key_length) {
  std::int32_t pid = next_pid_.fetch_add(1);
  std::string key(key_length, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
    throw PgError(sqlstate::internal_error, "could not generate a cancel key");
  std::lock_guard lock(mutex_);
  backends_[pid] = {key, std::move(target)};
  return {pid, std::move(key)};
}

void CancelRegistry::remove(std::int32_t process_id) {
  std::lock_guard lock(mutex_);
  backends_.erase(process_id);
}

void CancelRegistry::cancel(const CancelRequest& request) {
  std::shared_ptr<CancelTarget> target;
  {
    std::lock_guard lock(mutex_);
    auto it = backends_.find(request.process_id);
    if (it == backends_.end()) return;
    const std::string& key = it->second.first;
    // Constant time: the comparison must not tell how much of a key matched.
    if (key.size() != request.secret_key.size() ||
        CRYPTO_memcmp(key.data(), request.secret_key.data(), key.size()) != 0)
      return;
    target = it->second.second.lock();
  }
  if (target) target->cancel();
}

}  // namespace pgwire::protocol
