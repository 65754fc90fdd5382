#pragma once
// LISTEN / UNLISTEN / NOTIFY / pg_notify() for every product, with
// PostgreSQL's rules (see its NOTIFY page and async.c):
//   - a notification is delivered when the notifying transaction commits,
//     never after a rollback; in an implicit transaction (a statement
//     outside BEGIN) that is the end of the statement, or of the Query
//     string / extended batch it is part of;
//   - identical channel + payload pairs of one transaction are folded;
//   - LISTEN and UNLISTEN take effect at commit too;
//   - every listening session gets it, the notifying one included, but not
//     while it is inside a transaction block: then at the block's end (the
//     session machine holds it, session_pushes.cpp);
//   - channel names are identifiers (folded to lower case unless quoted,
//     at most 63 bytes); payloads are shorter than 8000 bytes (22023).
// One hub serves all sessions of a server (it is thread-safe). A product
// asks it before its own engine, as it does SessionCommands:
//
//   if (auto r = hub.answer(session, statement)) return std::move(*r);

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pgwire/api/results.hpp"
#include "pgwire/protocol/session.hpp"

namespace pgwire {

class NotificationHub {
 public:
  NotificationHub();
  ~NotificationHub();
  NotificationHub(const NotificationHub&) = delete;
  NotificationHub& operator=(const NotificationHub&) = delete;

  // The result of `statement` when it is LISTEN ch, UNLISTEN ch | *,
  // NOTIFY ch [, 'payload'] or SELECT pg_notify('ch', 'payload') (with
  // constant arguments), else nullopt.
  std::optional<Response> answer(Session& session, std::string_view statement);
  // For Parse: true when answer() handles `statement`; `columns` gets its
  // result schema (pg_notify's void column; null for the commands).
  bool describe(std::string_view statement, SchemaPtr& columns) const;

  // The same, for products that parse SQL themselves. Each takes effect at
  // the end of the session's current transaction; throws PgError 22023 for
  // an invalid channel or payload.
  void listen(Session& session, std::string_view channel);
  void unlisten(Session& session, std::string_view channel);  // "*": all
  void notify(Session& session, std::string_view channel, std::string_view payload);

  // How many sessions listen on `channel` now (for tests and monitoring).
  std::size_t listeners(std::string_view channel) const;

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the transaction-end hooks
};

}  // namespace pgwire
