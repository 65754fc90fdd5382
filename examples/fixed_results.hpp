#pragma once
// The fixed-results handler shared by server, secure_server and scram_server.
//
//   SELECT ...      -> one row per statement: the statement text and its length
//   BEGIN/COMMIT    -> transaction status changes as in PostgreSQL
//   anything with "error" in it -> ERROR 42601 with detail and hint
//   pg_sleep(N)     -> waits N seconds without blocking the server; cancellable

#include <cctype>
#include <chrono>
#include <cstdlib>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <pgwire/api/handlers.hpp>

namespace example {

bool starts_with_word(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  return s.size() == word.size() || !std::isalnum(static_cast<unsigned char>(s[word.size()]));
}

class FixedResults final : public pgwire::SimpleQueryHandler {
 public:
  // Each statement's result is sent before the next statement runs, as
  // PostgreSQL does: after `select 1; select pg_sleep(9)` is canceled, the
  // client has the first result and then 57014.
  asio::awaitable<void> stream(pgwire::Session&, std::string_view sql, pgwire::ResponseSink& out) override {
    for (auto stmt : pgwire::split_statements(sql)) {
      pgwire::Response r = co_await answer(stmt);
      if (!co_await out.send(r)) break;  // an error ends the query string
    }
  }

 private:
  static asio::awaitable<pgwire::Response> answer(std::string_view stmt) {
    if (starts_with_word(stmt, "BEGIN")) co_return pgwire::Response::begin();
    if (starts_with_word(stmt, "COMMIT")) co_return pgwire::Response::commit();
    if (starts_with_word(stmt, "ROLLBACK")) co_return pgwire::Response::rollback();
    if (auto at = stmt.find("pg_sleep("); at != std::string_view::npos) {
      // A cancellable wait: a CancelRequest aborts the timer (57014).
      double seconds = std::atof(std::string(stmt.substr(at + 9)).c_str());
      asio::steady_timer timer(co_await asio::this_coro::executor);
      timer.expires_after(std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
      co_await timer.async_wait(asio::use_awaitable);
      auto schema = pgwire::make_schema({{"pg_sleep", pgwire::oid::void_, 4}});
      co_return pgwire::Response::rows(schema, pgwire::make_text_rows({{std::string()}}));
    }
    if (stmt.find("error") != std::string_view::npos)
      co_return pgwire::Response::error(
          pgwire::ErrorInfo::error(pgwire::sqlstate::syntax_error, "you asked for an error")
              .with_detail("The statement contained the word \"error\".")
              .with_hint("Leave it out."));
    auto schema = pgwire::make_schema({{"statement", pgwire::oid::text}, {"length", pgwire::oid::int4, 4}});
    co_return pgwire::Response::rows(
        schema, pgwire::make_text_rows({{std::string(stmt), std::to_string(stmt.size())}}));
  }
};


}  // namespace example
