#pragma once
// The backends of one server by process id, and the rule for a
// CancelRequest: it cancels only the backend whose process id AND secret key
// match (compared in constant time); anything else is ignored without a
// word, as PostgreSQL does. Sans-io: a driver registers each session's
// CancelTarget and hands it the requests (tests/protocol/cancel_registry_test.cpp).
// A request may arrive on any thread, for a session on any other.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "pgwire/codec/frontend.hpp"

namespace pgwire::protocol {

class CancelTarget {
 public:
  virtual ~CancelTarget() = default;
  // Called on the thread of the cancelling connection.
  virtual void cancel() = 0;
};

class CancelRegistry {
 public:
  // A new process id and a random key of `key_length` bytes, registered.
  std::pair<std::int32_t, std::string> add(std::weak_ptr<CancelTarget> target, std::size_t key_length);
  void remove(std::int32_t process_id);
  // Cancels the backend when the key matches; a wrong key or an unknown
  // process is ignored, as PostgreSQL does (the requester learns nothing).
  void cancel(const CancelRequest& request);

 private:
  std::atomic<std::int32_t> next_pid_{10000};
  std::mutex mutex_;
  std::map<std::int32_t, std::pair<std::string, std::weak_ptr<CancelTarget>>> backends_;
};

}  // namespace pgwire::protocol
