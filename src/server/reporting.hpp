#pragma once
// What the driver tells the product about a session (internal): Counters,
// ConnectionEvents and log lines, in one place so that connection.cpp only
// says when. Never a secret (observability.hpp).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "pgwire/protocol/counters.hpp"
#include "pgwire/protocol/session.hpp"
#include "pgwire/server/observability.hpp"

namespace pgwire::detail {

struct Shared;

// "28P01 password authentication failed for user ..." for a PgError; the
// SQLSTATE alone would hide which refusal it was.
std::string failure_summary(std::exception_ptr error);

class SessionReport {
 public:
  // The client's address is the session's (ClientInfo::remote_address),
  // not kept here a second time: 32 bytes per session, and a heap block for
  // an address longer than 15 characters.
  explicit SessionReport(Shared& shared);
  // Once, as the session begins.
  void accepted(const ClientInfo& client);
  // A session beyond max_connections got its 53300 (a CancelRequest over
  // the limit is served, and not counted).
  void refused_too_many(const ClientInfo& client);
  // Per read and per write (the hot path): counters only, inline.
  void read(std::size_t n) noexcept { counters_.bytes_in.fetch_add(n, std::memory_order_relaxed); }
  void written(std::string_view bytes) { tally_.written(bytes, counters_); }
  void authenticated(const ClientInfo& client, std::int32_t process_id);
  void authentication_failed(const ClientInfo& client, std::string_view why);
  void stopped_by_server() noexcept { stopped_ = true; }
  void connection_lost() noexcept { lost_ = true; }
  // Once, as the session closes.
  void closed(const ClientInfo& client, std::int32_t process_id);

 private:
  Shared& shared_;
  Counters& counters_;  // shared_.counters
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  protocol::OutputTally tally_;
  bool stopped_ = false;
  bool lost_ = false;
  bool closed_ = false;
};

}  // namespace pgwire::detail
