// The CancelRequest rule without sockets: only pid AND key cancel, and a
// request for a session that is gone or a key of another length does nothing.

#include "pgwire/protocol/cancel_registry.hpp"
#include "support/catch.hpp"

using namespace pgwire;

namespace {

struct Counter final : protocol::CancelTarget {
  int cancels = 0;
  void cancel() override { ++cancels; }
};

}  // namespace

TEST_CASE("cancel registry: only the matching pid and key cancel", "[cancel]") {
  protocol::CancelRegistry registry;
  auto a = std::make_shared<Counter>();
  auto b = std::make_shared<Counter>();
  auto [pid_a, key_a] = registry.add(a, 4);
  auto [pid_b, key_b] = registry.add(b, 32);  // protocol 3.2 keys are 32 bytes
  CHECK(pid_a != pid_b);
  CHECK(key_a.size() == 4);
  CHECK(key_b.size() == 32);

  registry.cancel(CancelRequest{pid_a, key_a});
  CHECK(a->cancels == 1);
  CHECK(b->cancels == 0);

  std::string wrong = key_b;
  wrong.back() = static_cast<char>(wrong.back() ^ 1);
  registry.cancel(CancelRequest{pid_b, wrong});           // one bit off
  registry.cancel(CancelRequest{pid_b, key_b.substr(0, 4)});  // a prefix
  registry.cancel(CancelRequest{pid_a, key_b});           // another session's key
  registry.cancel(CancelRequest{pid_b + 1000, key_b});    // no such process
  CHECK(a->cancels == 1);
  CHECK(b->cancels == 0);
  registry.cancel(CancelRequest{pid_b, key_b});
  CHECK(b->cancels == 1);

  registry.remove(pid_a);
  registry.cancel(CancelRequest{pid_a, key_a});  // gone: ignored
  CHECK(a->cancels == 1);
  b.reset();
  registry.cancel(CancelRequest{pid_b, key_b});  // its session ended: nothing to call
}
