// The walsender's timing (keepalives asking for a reply, the replication
// timeout) and a slot's progress (feedback, where a restart resumes).

#include "pgwire/replication/sender_timing.hpp"
#include "pgwire/replication/slot_progress.hpp"

#include "replication/captured_workload.hpp"

using namespace pgwire;
using namespace pgwire::replication;
using Due = SenderTiming::Due;

namespace {
constexpr std::int64_t ms = 1000;  // microseconds
}

TEST_CASE("walsender timing: a ping at half the timeout, once, then the end of the session") {
  SenderTiming t(60000, 0);  // wal_sender_timeout = 60s
  CHECK(t.next_deadline() == std::optional<std::int64_t>(30000 * ms));
  CHECK(t.due(30000 * ms - 1) == Due::nothing);
  CHECK(t.due(30000 * ms) == Due::ping);
  CHECK(t.due(30001 * ms) == Due::nothing);  // already waiting for the reply
  CHECK(t.next_deadline() == std::optional<std::int64_t>(60000 * ms));
  CHECK(t.due(60000 * ms) == Due::terminate);
}

TEST_CASE("walsender timing: any client message restarts both clocks") {
  SenderTiming t(10000, 0);
  CHECK(t.due(5000 * ms) == Due::ping);
  t.client_message(6000 * ms);
  CHECK(t.due(10999 * ms) == Due::nothing);
  CHECK(t.due(11000 * ms) == Due::ping);
  CHECK(t.due(15999 * ms) == Due::nothing);
  CHECK(t.due(16000 * ms) == Due::terminate);
}

TEST_CASE("walsender timing: wal_sender_timeout 0 disables pings and the timeout") {
  SenderTiming t(0, 0);
  CHECK_FALSE(t.next_deadline().has_value());
  CHECK(t.due(INT64_C(1) << 60) == Due::nothing);
}

TEST_CASE("slot progress: feedback only moves forward and a restart resumes after the flushed commit") {
  SlotProgress slot{0x153EA00, 0};
  slot.confirm_flush(0x153EC10);  // the end of transaction 733's commit
  slot.confirm_flush(0);          // no news
  slot.confirm_flush(0x153EA00);  // an old position
  CHECK(slot.confirmed_flush == 0x153EC10);
  CHECK(slot.start_point(0) == 0x153EC10);
  CHECK(slot.start_point(0x153ED18) == 0x153ED18);  // a later start is honoured

  // Of the captured workload, a client restarting at 0/0 gets everything
  // after transaction 733, which it confirmed.
  std::vector<std::uint32_t> resent;
  for (const auto& captured : test::replication::captured_workload())
    if (captured.txn.commit_lsn != 0 && sent_from(captured.txn, slot.start_point(0)))
      resent.push_back(captured.txn.xid);
  CHECK(resent == std::vector<std::uint32_t>{734, 735, 736, 737, 738, 739, 740, 741, 744, 745, 747, 748, 749});
}
